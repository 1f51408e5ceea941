package sqlite_test

import (
	"context"
	"testing"

	"tawla/workspace"
)

func TestFindIssueLinkMeetings(t *testing.T) {
	ctx := context.Background()
	w := newIssueWorld(t)
	lt := mustLinkTargets(t, w)
	i := w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Diplôme non reconnu"}, nil)
	other := w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Autre"}, nil)
	links := map[workspace.IssueLinkKind]*workspace.IssueLink{}
	for kind, target := range map[workspace.IssueLinkKind]int64{
		workspace.LinkMeeting: lt.meeting, workspace.LinkAgendaItem: lt.item, workspace.LinkDecision: lt.decision,
		workspace.LinkAction: lt.action, workspace.LinkProcedure: lt.proc.ID,
	} {
		l := &workspace.IssueLink{IssueID: i.ID, TargetKind: kind, TargetID: target}
		if _, err := w.db.LinkIssue(ctx, w.asMember, l); err != nil {
			t.Fatalf("link %s: %v", kind, err)
		}
		links[kind] = l
	}
	if _, err := w.db.LinkIssue(ctx, w.asMember, &workspace.IssueLink{IssueID: other.ID, TargetKind: workspace.LinkDecision, TargetID: lt.decision}); err != nil {
		t.Fatal(err)
	}

	got, err := w.db.FindIssueLinkMeetings(ctx, i.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]int64{
		links[workspace.LinkAgendaItem].ID: lt.meeting,
		links[workspace.LinkDecision].ID:   lt.meeting,
		links[workspace.LinkAction].ID:     lt.meeting,
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for id, m := range want {
		if got[id] != m {
			t.Errorf("link %d: meeting %d, want %d", id, got[id], m)
		}
	}
	if none, err := w.db.FindIssueLinkMeetings(ctx, 999999); err != nil || len(none) != 0 {
		t.Errorf("unknown issue: %v, %v", none, err)
	}
}
