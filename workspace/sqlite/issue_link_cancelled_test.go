package sqlite_test

import (
	"context"
	"testing"
	"time"

	"tawla/workspace"
)

// TestLinkIssueToCancelledMeetingRefused: once a meeting is cancelled, an
// issue can no longer be linked to it, nor to its agenda items, decisions
// or actions (ECONFLICT, nothing changes); the link made before the
// cancellation stays readable, and a live meeting's contents still link.
func TestLinkIssueToCancelledMeetingRefused(t *testing.T) {
	ctx := context.Background()
	w := newIssueWorld(t)
	db, now := w.db, w.clock.Now()
	lt := mustLinkTargets(t, w)
	meeting := mustExec(t, db, `INSERT INTO meetings (title, kind, language, starts_at, ends_at, status, quorum_rule, created_at, updated_at)
		VALUES ('Plénière de juin', 'plenary', 'fr', ?, ?, 'planned', 'none', ?, ?)`, now.Add(time.Hour), now.Add(3*time.Hour), now, now)
	item := mustExec(t, db, `INSERT INTO agenda_items (meeting_id, position, title, created_at, updated_at)
		VALUES (?, 1, 'Cartes de séjour', ?, ?)`, meeting, now, now)
	decision := mustExec(t, db, `INSERT INTO decisions (meeting_id, agenda_item_id, text, outcome, created_at, updated_at)
		VALUES (?, ?, 'Reporté', 'postponed', ?, ?)`, meeting, item, now, now)
	action := mustExec(t, db, `INSERT INTO actions (decision_id, meeting_id, title, owner_organisation_id, due_date, status, created_at, updated_at)
		VALUES (?, ?, 'Relancer la préfecture', ?, '2026-07-01', 'open', ?, ?)`, decision, meeting, w.other.ID, now, now)
	i := w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Titre de séjour expiré"}, nil)
	if _, err := db.LinkIssue(ctx, w.asMember, &workspace.IssueLink{IssueID: i.ID, TargetKind: workspace.LinkMeeting, TargetID: meeting}); err != nil {
		t.Fatalf("link before cancelling: %v", err)
	}
	if _, err := db.CancelMeeting(ctx, workspace.SystemActor("test"), meeting, "Salle indisponible"); err != nil {
		t.Fatal(err)
	}

	before := mustDumpTables(t, db)
	for _, l := range []workspace.IssueLink{
		{IssueID: i.ID, TargetKind: workspace.LinkAgendaItem, TargetID: item},
		{IssueID: i.ID, TargetKind: workspace.LinkDecision, TargetID: decision},
		{IssueID: i.ID, TargetKind: workspace.LinkAction, TargetID: action},
	} {
		t.Run(string(l.TargetKind), func(t *testing.T) {
			_, err := db.LinkIssue(ctx, w.asMember, &l)
			refusedUnchanged(t, db, before, err, workspace.ECONFLICT, "error.issue.link_meeting_cancelled")
		})
	}
	other := w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Autre titre de séjour"}, nil)
	before = mustDumpTables(t, db)
	_, err := db.LinkIssue(ctx, w.asMember, &workspace.IssueLink{IssueID: other.ID, TargetKind: workspace.LinkMeeting, TargetID: meeting})
	refusedUnchanged(t, db, before, err, workspace.ECONFLICT, "error.issue.link_meeting_cancelled")

	links, err := db.FindIssueLinks(ctx, i.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 1 || links[0].TargetID != meeting || !links[0].TargetCancelled || links[0].TargetTitle != "Plénière de juin" {
		t.Errorf("links after cancelling = %+v, want the meeting's, marked cancelled", links)
	}
	// A meeting that was not cancelled still takes links, inside it too.
	if _, err := db.LinkIssue(ctx, w.asMember, &workspace.IssueLink{IssueID: other.ID, TargetKind: workspace.LinkAction, TargetID: lt.action}); err != nil {
		t.Errorf("link to an action of a planned meeting: %v", err)
	}
}
