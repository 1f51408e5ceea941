package sqlite_test

import (
	"context"
	"strings"
	"testing"

	"tawla/workspace"
)

// TestUpdateIssueFromSavesTogether: the edit form's details and private
// fields are saved in one transaction over the state the form was filled
// from — both or neither: a private field refused leaves the details
// unsaved, and a base that is no longer the issue's refuses both.
func TestUpdateIssueFromSavesTogether(t *testing.T) {
	ctx := context.Background()
	w := newIssueWorld(t)
	db := w.db
	i := w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Attestation", CategoryID: w.housing}, &workspace.IssuePrivate{PersonName: "Leila T."})
	stored, err := db.FindIssueByID(ctx, i.ID)
	if err != nil {
		t.Fatal(err)
	}
	private, err := db.FindIssuePrivate(ctx, w.asMember, i.ID)
	if err != nil {
		t.Fatal(err)
	}
	base := workspace.IssueEditBase(stored, private)
	edit := func(title string, p *workspace.IssuePrivate) *workspace.Issue {
		e := *stored
		e.Title = title
		p.IssueID = i.ID
		return &e
	}

	dump := mustDumpTables(t, db)
	tooLong := &workspace.IssuePrivate{PersonName: strings.Repeat("L", 10000)}
	_, err = db.UpdateIssueFrom(ctx, w.asMember, edit("Attestation refusée", tooLong), base, tooLong)
	refusedUnchanged(t, db, dump, err, workspace.EINVALID, "")

	renamed := &workspace.IssuePrivate{PersonName: "Leila Trabelsi"}
	if _, err := db.UpdateIssueFrom(ctx, w.asMember, edit("Attestation refusée", renamed), base, renamed); err != nil {
		t.Fatal(err)
	}
	got, _ := db.FindIssueByID(ctx, i.ID)
	gotPrivate, _ := db.FindIssuePrivate(ctx, w.asMember, i.ID)
	if got.Title != "Attestation refusée" || gotPrivate.PersonName != "Leila Trabelsi" {
		t.Errorf("after the save: %q, %q", got.Title, gotPrivate.PersonName)
	}

	// The same base again: the issue has moved on, and neither part is
	// saved.
	dump = mustDumpTables(t, db)
	late := &workspace.IssuePrivate{PersonName: "L. T."}
	_, err = db.UpdateIssueFrom(ctx, w.asMember, edit("Attestation", late), base, late)
	refusedUnchanged(t, db, dump, err, workspace.ECONFLICT, "error.issue.changed_meanwhile")
}
