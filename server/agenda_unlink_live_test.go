package server

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
)

// TestDeleteAgendaItemPublishesUnlinks: an agenda item removed takes its
// issue links with it, and whoever has one of those issues open gets the
// unlink on issue:N, after the commit, as when the link is removed from
// the issue's page — without the entry's HTML, since it names meeting
// content; an issue linked elsewhere hears nothing.
func TestDeleteAgendaItemPublishesUnlinks(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	rec := agendaTestMeeting(t, ts, "Plénière de mars", "Budget", "Diplômes POINT-SECRET")
	kept, gone := rec.Items[0], rec.Items[1]
	member := workspace.ActorFor(ts.account(t, demo.MemberEmail))
	linked := reportIssue(t, ts, demo.MemberEmail, "Diplôme non reconnu", "", nil)
	other := reportIssue(t, ts, demo.MemberEmail, "Budget en retard", "", nil)
	for _, l := range []*workspace.IssueLink{
		{IssueID: linked.ID, TargetKind: workspace.LinkAgendaItem, TargetID: gone.ID},
		{IssueID: other.ID, TargetKind: workspace.LinkAgendaItem, TargetID: kept.ID},
	} {
		if _, err := ts.db.LinkIssue(ctx, member, l); err != nil {
			t.Fatal(err)
		}
	}
	linkedTopic := "issue:" + strconv.FormatInt(linked.ID, 10)
	otherTopic := "issue:" + strconv.FormatInt(other.ID, 10)

	// A stakeholder has both issues open, live.
	ws := testsupport.Login(t, ts.URL, demo.StakeholderEmail).MustDialLive(t)
	wsSubscribe(t, ws, linkedTopic)
	readLiveEvent(t, ws, linkedTopic) // issue.latest
	wsSubscribe(t, ws, otherTopic)
	readLiveEvent(t, ws, otherTopic)

	staff := ts.loginAs(t, demo.SecretariatEmail)
	resp := staff.postForm(t, meetingItemPath(rec.Meeting.ID, gone.ID)+"/delete", nil)
	wantRedirect(t, "delete", resp, "/meetings/"+strconv.FormatInt(rec.Meeting.ID, 10)+"?done=agenda_item_deleted#agenda")

	events, err := ts.db.FindIssueTimeline(ctx, linked.ID)
	if err != nil || len(events) == 0 {
		t.Fatalf("FindIssueTimeline: %d, %v", len(events), err)
	}
	unlink := events[len(events)-1]
	if unlink.Kind != workspace.EventUnlink {
		t.Fatalf("the issue's last event %+v, want the unlink", unlink)
	}
	raw, got := readIssueEvent(t, ws, linkedTopic)
	var entry liveEventEntry
	if err := json.Unmarshal(got.Event, &entry); err != nil {
		t.Fatalf("issue event %s: %v", got.Event, err)
	}
	secretariat := ts.account(t, demo.SecretariatEmail)
	if got.Issue != linked.ID || entry.ID != unlink.ID || entry.Kind != string(workspace.EventUnlink) || entry.Actor != secretariat.ID {
		t.Errorf("issue event %+v %+v, want the unlink %d by the secretariat", got, entry, unlink.ID)
	}
	if len(got.HTML) != 0 || strings.Contains(raw, "POINT-SECRET") {
		t.Errorf("the live unlink shows the item to a stakeholder: %s", raw)
	}
	expectNoEvent(t, ws, otherTopic)
}
