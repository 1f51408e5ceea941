package server

import (
	"context"
	"database/sql"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tawla/demo"
	"tawla/workspace"
)

// feedURLPattern finds the feed's address on the page that answers a
// reset.
var feedURLPattern = regexp.MustCompile(`/calendar/([A-Za-z0-9_\-]+)/meetings\.ics`)

// TestCalendarFeed checks the personal feed: it lists only the meetings
// its account is invited to, upcoming and of the last 90 days, without
// the agenda's descriptions; a reset stops the old address; the token is
// stored only as a digest; and one meeting's file comes as an attachment.
func TestCalendarFeed(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	system := workspace.SystemActor("test")
	member := ts.account(t, demo.MemberEmail)
	secretariat := ts.account(t, demo.SecretariatEmail)

	now := ts.clock.Now()
	meeting := func(title string, startIn time.Duration, invitees []int64) *workspace.Meeting {
		t.Helper()
		m := &workspace.Meeting{Title: title, Kind: workspace.MeetingWorkingGroup, Language: "fr",
			StartsAt: now.Add(startIn), EndsAt: now.Add(startIn + 2*time.Hour), Place: "Mahdia", QuorumRule: workspace.QuorumNone}
		if err := ts.db.CreateMeeting(ctx, system, m, invitees); err != nil {
			t.Fatalf("CreateMeeting(%s): %v", title, err)
		}
		return m
	}
	// After the clock moves 150 days on: upcoming and invited, upcoming
	// but not invited, ended 149 days before, ended 50 days before.
	upcoming := meeting("Groupe à venir", 200*24*time.Hour, []int64{member.ID, secretariat.ID})
	notInvited := meeting("Groupe sans le membre", 200*24*time.Hour, []int64{secretariat.ID})
	tooOld := meeting("Groupe trop ancien", 24*time.Hour, []int64{member.ID})
	recent := meeting("Groupe récent", 100*24*time.Hour, []int64{member.ID})
	item := &workspace.AgendaItem{MeetingID: upcoming.ID, Title: "Point visible de l'ordre du jour", Description: "Note interne à ne pas publier", DurationMinutes: 30}
	if err := ts.db.AddAgendaItem(ctx, system, item, nil); err != nil {
		t.Fatal(err)
	}
	ts.clock.Advance(150 * 24 * time.Hour)

	c := ts.sessionClient(t, demo.MemberEmail)
	page := c.get(t, "/calendar")
	wantStatus(t, "calendar page", page, http.StatusOK)
	if feedURLPattern.MatchString(page.Body) {
		t.Fatalf("the calendar page shows a feed address before any was made")
	}

	reset := func() string {
		t.Helper()
		resp := c.postForm(t, "/calendar/reset", nil)
		wantStatus(t, "reset", resp, http.StatusOK)
		m := feedURLPattern.FindStringSubmatch(resp.Body)
		if m == nil {
			t.Fatalf("the reset's page shows no feed address:\n%s", excerpt(resp.Body))
		}
		if !strings.Contains(resp.Body, ts.URL+m[0]) {
			t.Errorf("the feed address is not absolute on the base URL %s", ts.URL)
		}
		return m[1]
	}
	token := reset()

	// The token is stored only as its digest.
	conn, err := sql.Open("sqlite3", "file:"+ts.db.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var digest string
	if err := conn.QueryRow(`SELECT token_digest FROM calendar_feeds WHERE account_id = ?`, member.ID).Scan(&digest); err != nil {
		t.Fatal(err)
	}
	if digest == "" || strings.Contains(digest, token) || strings.Contains(token, digest) {
		t.Errorf("the stored column %q holds the token %q", digest, token)
	}

	// The page after holds no address any more, but knows there is one.
	page = c.get(t, "/calendar")
	if strings.Contains(page.Body, token) {
		t.Errorf("the calendar page shows the token again")
	}

	anonymous := ts.newClient(t)
	feed := anonymous.get(t, "/calendar/"+token+"/meetings.ics")
	wantStatus(t, "feed", feed, http.StatusOK)
	for header, want := range map[string]string{"Content-Type": "text/calendar; charset=utf-8", "Cache-Control": "private, no-store"} {
		if got := feed.Header.Get(header); got != want {
			t.Errorf("feed %s = %q, want %q", header, got, want)
		}
	}
	root, err := parseICS(unfoldICS(checkICSLines(t, feed.Body)))
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, feed.Body)
	}
	uids := map[string]bool{}
	for _, ev := range root.children("VEVENT") {
		p, _ := ev.prop("UID")
		uids[p.Value] = true
		id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(p.Value, "meeting-"), "@127.0.0.1"), 10, 64)
		if err != nil {
			t.Errorf("UID %q is not meeting-<id>@127.0.0.1", p.Value)
			continue
		}
		rec, err := ts.db.FindMeetingRecord(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Invitee(member.ID) == nil {
			t.Errorf("the feed lists meeting %d (%s), to which the member is not invited", id, rec.Meeting.Title)
		}
	}
	uid := func(m *workspace.Meeting) string { return "meeting-" + strconv.FormatInt(m.ID, 10) + "@127.0.0.1" }
	for m, want := range map[*workspace.Meeting]bool{upcoming: true, recent: true, notInvited: false, tooOld: false} {
		if uids[uid(m)] != want {
			t.Errorf("feed lists %q: %v, want %v", m.Title, uids[uid(m)], want)
		}
	}
	unfolded := strings.Join(unfoldICS(strings.Split(feed.Body, "\r\n")), "\n")
	if !strings.Contains(unfolded, item.Title) {
		t.Errorf("the feed lacks the agenda item's title")
	}
	if strings.Contains(unfolded, "Note interne") {
		t.Errorf("the feed holds an agenda item's description")
	}

	// A reset stops the old address, and the new one works.
	newToken := reset()
	if newToken == token {
		t.Fatalf("reset gave the same token again")
	}
	old := anonymous.get(t, "/calendar/"+token+"/meetings.ics")
	wantStatus(t, "old feed", old, http.StatusNotFound)
	if strings.Contains(old.Body, "BEGIN:VCALENDAR") || old.Header.Get("Content-Type") == "text/calendar; charset=utf-8" {
		t.Errorf("the old address still answers a calendar")
	}
	wantStatus(t, "new feed", anonymous.get(t, "/calendar/"+newToken+"/meetings.ics"), http.StatusOK)
	for _, bad := range []string{"x", strings.Repeat("a", 300), "%FF%FE", newToken + "x"} {
		wantStatus(t, "feed with token "+bad, anonymous.get(t, "/calendar/"+bad+"/meetings.ics"), http.StatusNotFound)
	}

	// One meeting's file.
	one := c.get(t, "/meetings/"+strconv.FormatInt(upcoming.ID, 10)+"/calendar.ics")
	wantStatus(t, "meeting file", one, http.StatusOK)
	if got, want := one.Header.Get("Content-Disposition"), `attachment; filename="tawla-meeting-`+strconv.FormatInt(upcoming.ID, 10)+`.ics"`; got != want {
		t.Errorf("Content-Disposition = %q, want %q", got, want)
	}
	if got := one.Header.Get("Content-Type"); got != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	if one, err := parseICS(unfoldICS(checkICSLines(t, one.Body))); err != nil || len(one.children("VEVENT")) != 1 {
		t.Errorf("the meeting's file does not parse to one event: %v", err)
	}
	wantStatus(t, "unknown meeting's file", c.get(t, "/meetings/999999/calendar.ics"), http.StatusNotFound)
	wantStatus(t, "bad meeting id's file", c.get(t, "/meetings/x/calendar.ics"), http.StatusNotFound)

	// An account that may no longer see meetings loses its feed.
	member.Role = workspace.RoleStakeholder
	if err := ts.db.UpdateAccount(ctx, system, member); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "feed of a stakeholder", anonymous.get(t, "/calendar/"+newToken+"/meetings.ics"), http.StatusNotFound)
}

// TestCalendarFeedMarksCancelled: in the personal feed and in a meeting's
// own file, every event carries a SEQUENCE; a cancelled meeting's event is
// STATUS:CANCELLED with its SEQUENCE raised and its SUMMARY prefixed in the
// calendar's language, so that a subscribed calendar strikes or removes it.
func TestCalendarFeedMarksCancelled(t *testing.T) {
	ts := newTestServer(t)
	c := ts.sessionClient(t, demo.MemberEmail)
	cancelled := newMeeting(t, ts, "Plénière annulée du calendrier", workspace.MeetingPlenary, 3)
	kept := newMeeting(t, ts, "Plénière maintenue du calendrier", workspace.MeetingPlenary, 4)

	event := func(body string, m *workspace.Meeting) map[string]string {
		t.Helper()
		root, err := parseICS(unfoldICS(checkICSLines(t, body)))
		if err != nil {
			t.Fatalf("the calendar does not parse: %v\n%s", err, body)
		}
		for _, ev := range root.children("VEVENT") {
			if uid, _ := ev.prop("UID"); strings.HasPrefix(uid.Value, "meeting-"+strconv.FormatInt(m.ID, 10)+"@") {
				props := map[string]string{}
				for _, name := range []string{"SEQUENCE", "STATUS", "SUMMARY", "DESCRIPTION", "DTSTAMP"} {
					p, _ := ev.prop(name)
					props[name] = p.Value
				}
				return props
			}
		}
		t.Fatalf("no event of meeting %d in:\n%s", m.ID, body)
		return nil
	}
	before := event(c.get(t, meetingPath(cancelled.ID)+"/calendar.ics").Body, cancelled)
	if before["SEQUENCE"] != "0" || before["STATUS"] != "CONFIRMED" || before["SUMMARY"] != cancelled.Title {
		t.Errorf("planned meeting's event = %v", before)
	}

	ts.clock.Advance(time.Hour)
	mustCancel(t, ts.sessionClient(t, demo.SecretariatEmail), cancelled)

	resp := c.postForm(t, "/calendar/reset", nil)
	m := feedURLPattern.FindStringSubmatch(resp.Body)
	if m == nil {
		t.Fatalf("no feed address")
	}
	feed := ts.newClient(t).get(t, m[0]).Body
	fr := ts.srv.localizer("fr")
	got := event(feed, cancelled)
	if got["SEQUENCE"] != "1" || got["STATUS"] != "CANCELLED" || got["SUMMARY"] != fr.T("calendar.cancelled", "Title", cancelled.Title) ||
		!strings.Contains(got["DESCRIPTION"], "la salle du gouvernorat est fermée") || got["DTSTAMP"] == before["DTSTAMP"] {
		t.Errorf("cancelled meeting's event in the feed = %v (before: %v)", got, before)
	}
	if !strings.HasPrefix(got["SUMMARY"], "ANNULÉE\u00a0: ") {
		t.Errorf("SUMMARY %q is not prefixed in French", got["SUMMARY"])
	}
	if k := event(feed, kept); k["SEQUENCE"] != "0" || k["STATUS"] != "CONFIRMED" || k["SUMMARY"] != kept.Title {
		t.Errorf("kept meeting's event in the feed = %v", k)
	}
	ar := event(c.get(t, meetingPath(cancelled.ID)+"/calendar.ics?lang=ar").Body, cancelled)
	if ar["SUMMARY"] != ts.srv.localizer("ar").T("calendar.cancelled", "Title", cancelled.Title) || ar["STATUS"] != "CANCELLED" {
		t.Errorf("cancelled meeting's own file in Arabic = %v", ar)
	}
}
