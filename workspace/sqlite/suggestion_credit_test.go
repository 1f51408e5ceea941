package sqlite_test

import (
	"context"
	"testing"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// TestSuggestionCredits accepts a stakeholder's suggestion in the
// transaction of a member's update: the suggestion keeps the version that
// applied it, FindSuggestionCredits maps that version to the stakeholder,
// and the authorship replay credits the inserted words to them while the
// update stays the member's. An acceptance without an update's version is
// refused and changes nothing.
func TestSuggestionCredits(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	org := MustCreateOrganisation(t, db, "Association des Tunisiens de retour")
	memberAcc := MustCreateAccount(t, db, org, "Fethi Hamdi", "fethi@example.tn", workspace.RoleMember)
	authorAcc := MustCreateAccount(t, db, org, "Imen Khelifi", "imen@example.tn", workspace.RoleMember)
	member, author := workspace.ActorFor(memberAcc), workspace.ActorFor(authorAcc)
	proc := &workspace.Procedure{Title: "Accueil", Language: "fr", Category: workspace.CategoryOther}
	first := "# Accueil\n\nLe délai est de dix jours.\n"
	if err := db.CreateProcedure(ctx, member, proc, first); err != nil {
		t.Fatal(err)
	}
	sugg := &workspace.Comment{Kind: workspace.KindSuggestion, Body: "Plus court", Proposed: "sept jours"}
	if err := db.CreateDocumentAnchor(ctx, proc.DocumentID, 0, &workspace.Anchor{From: 27, To: 36, Quote: "dix jours"}, func(ctx context.Context, tx *sqlite.Tx, a *workspace.Anchor) error {
		return tx.CreateComment(ctx, author, a, sugg)
	}); err != nil {
		t.Fatal(err)
	}

	// Without the version of an update, nothing is accepted.
	err := db.AppendDocument(ctx, proc.DocumentID, sqlite.DocumentAppend{From: 0, Within: func(ctx context.Context, tx *sqlite.Tx, _ int) error {
		_, err := tx.AcceptSuggestion(ctx, member, sugg.ID, "", 0)
		return err
	}})
	if workspace.ErrorCode(err) != workspace.EINVALID {
		t.Fatalf("accepting without an update's version: %v, want EINVALID", err)
	}
	if got, _ := db.FindCommentByID(ctx, sugg.ID); got.Status != workspace.StatusOpen || got.AppliedVersion != 0 {
		t.Fatalf("after a refused acceptance: %s, applied at %d", got.Status, got.AppliedVersion)
	}

	update := &workspace.DocumentUpdate{ClientID: "server:1", ClientSeq: 1, Changes: `[27,[9,"sept jours"],2]`, AccountID: &memberAcc.ID}
	if err := db.AppendDocument(ctx, proc.DocumentID, sqlite.DocumentAppend{From: 0, Updates: []*workspace.DocumentUpdate{update},
		Within: func(ctx context.Context, tx *sqlite.Tx, version int) error {
			_, err := tx.AcceptSuggestion(ctx, member, sugg.ID, "", version)
			return err
		}}); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindCommentByID(ctx, sugg.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != workspace.StatusAccepted || got.AppliedVersion != 1 {
		t.Fatalf("accepted suggestion: %s, applied at %d, want accepted at 1", got.Status, got.AppliedVersion)
	}
	credits, err := db.FindSuggestionCredits(ctx, proc.DocumentID)
	if err != nil {
		t.Fatal(err)
	}
	if len(credits) != 1 || credits[1] != authorAcc.ID {
		t.Fatalf("credits %v, want version 1 to %d", credits, authorAcc.ID)
	}
	snap, updates, err := db.FindDocumentHistory(ctx, proc.DocumentID, workspace.AuthorshipMaxUpdates)
	if err != nil {
		t.Fatal(err)
	}
	if len(updates) != 1 || updates[0].AccountID == nil || *updates[0].AccountID != memberAcc.ID {
		t.Fatalf("the stored update is not the member's: %+v", updates)
	}
	spans, err := workspace.AuthorshipCredited(snap.Content, updates, credits)
	if err != nil {
		t.Fatal(err)
	}
	var credited string
	for _, sp := range spans {
		if sp.AccountID != nil && *sp.AccountID == authorAcc.ID {
			credited += sp.Text
		}
		if sp.AccountID != nil && *sp.AccountID == memberAcc.ID {
			t.Errorf("the member who accepted is credited with %q", sp.Text)
		}
	}
	if credited != "sept jours" {
		t.Errorf("the suggestion's author is credited with %q, want %q", credited, "sept jours")
	}
}
