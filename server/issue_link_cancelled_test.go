package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"tawla/demo"
	"tawla/workspace"
)

// TestIssueLinkFormLeavesOutCancelledMeetings: the issue page's link form
// does not offer a cancelled meeting nor its agenda items; linking to one
// anyway is refused (409) with its message, beside the form, and links
// nothing.
func TestIssueLinkFormLeavesOutCancelledMeetings(t *testing.T) {
	ctx := context.Background()
	ts := newTestServer(t)
	system := workspace.SystemActor("test")
	issue := reportIssue(t, ts, demo.MemberEmail, "Cartes consulaires périmées", "", nil)
	path := issuePath(issue.ID)
	begins := ts.clock.Now().Add(48 * time.Hour).Truncate(time.Minute)
	m := &workspace.Meeting{Title: "Plénière REUNION-ANNULEE", Kind: workspace.MeetingPlenary, Language: "fr",
		StartsAt: begins, EndsAt: begins.Add(2 * time.Hour), Place: "Gouvernorat de Mahdia", QuorumRule: workspace.QuorumHalfPlusOne}
	if err := ts.db.CreateMeeting(ctx, system, m, nil); err != nil {
		t.Fatalf("create meeting: %v", err)
	}
	item := &workspace.AgendaItem{MeetingID: m.ID, Title: "Cartes POINT-ANNULE", DurationMinutes: 10}
	if err := ts.db.AddAgendaItem(ctx, system, item, nil); err != nil {
		t.Fatalf("add agenda item: %v", err)
	}
	member := ts.sessionClient(t, demo.MemberEmail)
	wantText(t, member.get(t, path+"?lang=fr"), "REUNION-ANNULEE")
	if _, err := ts.db.CancelMeeting(ctx, system, m.ID, "Salle indisponible"); err != nil {
		t.Fatal(err)
	}

	page := member.get(t, path+"?lang=fr")
	wantStatus(t, "the issue page", page, http.StatusOK)
	for _, gone := range []string{"REUNION-ANNULEE", "POINT-ANNULE"} {
		if strings.Contains(page.Body, gone) {
			t.Errorf("the link form still offers the cancelled meeting (%s)", gone)
		}
	}
	before := ts.countRows(t, "issue_links")
	for _, target := range []string{"meeting:" + strconv.FormatInt(m.ID, 10), "agenda_item:" + strconv.FormatInt(item.ID, 10)} {
		resp := member.postForm(t, path+"/links?lang=fr", url.Values{"target": {target}})
		wantStatus(t, target, resp, http.StatusConflict)
		wantText(t, resp, "La réunion a été annulée")
		wantText(t, resp, `id="link-error"`)
	}
	if n := ts.countRows(t, "issue_links"); n != before {
		t.Fatalf("%d links after refused links, want %d", n, before)
	}
}
