package server

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
)

// newLiveIssue stores an issue reported by the demo member in the first
// active category, as the system does for the demo, and returns it.
func newLiveIssue(t *testing.T, ts *testServer, title string) *workspace.Issue {
	t.Helper()
	ctx := context.Background()
	cats, err := ts.db.FindIssueCategories(ctx, false)
	if err != nil || len(cats) == 0 {
		t.Fatalf("FindIssueCategories: %d, %v", len(cats), err)
	}
	i := &workspace.Issue{Title: title, Description: "Description de " + title, CategoryID: cats[0].ID,
		ReporterID: ts.account(t, demo.MemberEmail).ID}
	if _, err := ts.db.CreateIssue(ctx, workspace.SystemActor("test"), i, nil); err != nil {
		t.Fatalf("CreateIssue: %v", err)
	}
	return i
}

// firstEventID returns the id of the issue's first timeline entry (its
// creation).
func firstEventID(t *testing.T, ts *testServer, issueID int64) int64 {
	t.Helper()
	events, err := ts.db.FindIssueTimeline(context.Background(), issueID)
	if err != nil || len(events) == 0 {
		t.Fatalf("FindIssueTimeline: %d, %v", len(events), err)
	}
	return events[0].ID
}

// liveEvent is the data of an event of the issue and inbox topics, as the
// server sends it.
type liveEvent struct {
	Kind  string `json:"kind"`
	Issue int64  `json:"issue"`
	// Event is an object in issue.event, a number in issue.latest.
	Event json.RawMessage   `json:"event"`
	HTML  map[string]string `json:"html"`
	Count int               `json:"count"`
	Text  map[string]string `json:"text"`
}

// liveEventEntry is the event of an issue.event.
type liveEventEntry struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	Actor     int64     `json:"actor"`
	CreatedAt time.Time `json:"created_at"`
}

// readLiveEvent reads messages until an event of topic, and returns its
// data; an error message fails the test.
func readLiveEvent(t *testing.T, ws *websocket.Conn, topic string) liveEvent {
	t.Helper()
	_, ev := readLiveEventRaw(t, ws, topic)
	return ev
}

// readLiveEventRaw is readLiveEvent, with the data as the server sent it.
func readLiveEventRaw(t *testing.T, ws *websocket.Conn, topic string) (json.RawMessage, liveEvent) {
	t.Helper()
	for {
		m, err := wsRead(ws, 5*time.Second)
		if err != nil {
			t.Fatalf("waiting for an event of %s: %v", topic, err)
		}
		if m.Type == "error" {
			t.Fatalf("waiting for an event of %s: %v", topic, m)
		}
		if m.Type != "event" || m.Topic != topic {
			continue
		}
		var ev liveEvent
		if err := json.Unmarshal(m.Data, &ev); err != nil {
			t.Fatalf("event %s: %v", m.Data, err)
		}
		return m.Data, ev
	}
}

// expectNoEvent sends a ping and fails the test if an event of topic
// arrives before its pong: the server answers in order, so an event
// published before the ping would come first.
func expectNoEvent(t *testing.T, ws *websocket.Conn, topic string) {
	t.Helper()
	testsupport.SendText(t, ws, `{"type":"ping","id":77}`)
	for {
		m, err := wsRead(ws, 5*time.Second)
		if err != nil {
			t.Fatalf("waiting for the pong: %v", err)
		}
		switch {
		case m.Type == "pong":
			return
		case m.Type == "event" && m.Topic == topic:
			t.Fatalf("unexpected event of %s: %v", topic, m)
		}
	}
}

// TestIssueLive follows an issue and an inbox over a real websocket: a
// comment stored and published reaches whoever has the issue open, in
// the three languages, escaped; the follower's unread count goes up on
// its inbox, and the author's own count does not move. Marking read
// sends the new count.
func TestIssueLive(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	issue := newLiveIssue(t, ts, "Attestation de retour introuvable")
	member := ts.account(t, demo.MemberEmail)
	stakeholder := ts.account(t, demo.StakeholderEmail)
	if err := ts.db.FollowIssue(ctx, workspace.ActorFor(stakeholder), issue.ID, true); err != nil {
		t.Fatal(err)
	}
	issueTopicName := "issue:" + strconv.FormatInt(issue.ID, 10)
	stakeholderInbox := "inbox:" + strconv.FormatInt(stakeholder.ID, 10)
	memberInbox := "inbox:" + strconv.FormatInt(member.ID, 10)

	// The follower has the issue open; its inbox says its count at once.
	follower := testsupport.Login(t, ts.URL, demo.StakeholderEmail).MustDialLive(t)
	wsSubscribe(t, follower, issueTopicName)
	created := firstEventID(t, ts, issue.ID)
	if latest := readLiveEvent(t, follower, issueTopicName); latest.Kind != "issue.latest" || latest.Issue != issue.ID || string(latest.Event) != strconv.FormatInt(created, 10) {
		t.Errorf("the issue topic's first event: %+v (%s), want issue.latest %d", latest, latest.Event, created)
	}
	wsSubscribe(t, follower, stakeholderInbox)
	before := readLiveEvent(t, follower, stakeholderInbox)
	if before.Kind != "inbox.unread" {
		t.Fatalf("the inbox's first event: %+v", before)
	}
	author := testsupport.Login(t, ts.URL, demo.MemberEmail).MustDialLive(t)
	wsSubscribe(t, author, memberInbox)
	readLiveEvent(t, author, memberInbox)

	body := "Le guichet <b>refuse</b> l'attestation — الشباك يرفض الشهادة"
	change, err := ts.db.CommentIssue(ctx, workspace.ActorFor(member), issue.ID, body)
	if err != nil {
		t.Fatal(err)
	}
	ts.srv.publishIssueChange(ctx, issue.ID, change)

	got := readLiveEvent(t, follower, issueTopicName)
	var entry liveEventEntry
	if err := json.Unmarshal(got.Event, &entry); err != nil {
		t.Fatalf("issue event %s: %v", got.Event, err)
	}
	if got.Kind != "issue.event" || got.Issue != issue.ID || entry.ID != change.Event.ID ||
		entry.Kind != string(workspace.EventComment) || entry.Actor != member.ID || entry.CreatedAt.IsZero() {
		t.Errorf("issue event: %+v %+v", got, entry)
	}
	for _, lang := range workspace.Languages {
		html := got.HTML[lang]
		if !strings.Contains(html, "refuse") || !strings.Contains(html, "الشباك يرفض الشهادة") {
			t.Errorf("the event in %s does not show the comment: %q", lang, html)
		}
		if strings.Contains(html, "<b>") {
			t.Errorf("the event in %s is not escaped: %q", lang, html)
		}
	}
	after := readLiveEvent(t, follower, stakeholderInbox)
	if after.Kind != "inbox.unread" || after.Count != before.Count+1 {
		t.Errorf("the follower's count: %+v, want %d", after, before.Count+1)
	}
	if want := strconv.Itoa(after.Count) + " unread notification"; !strings.HasPrefix(after.Text["en"], want) {
		t.Errorf("the count in English: %q, want %q…", after.Text["en"], want)
	}
	expectNoEvent(t, author, memberInbox)

	// The follower reads its notifications: its count goes to zero, on
	// every page it has open.
	page := ts.sessionClient(t, demo.StakeholderEmail)
	resp := page.postForm(t, "/notifications/read", nil)
	wantRedirect(t, "mark read", resp, "/notifications?done=notifications_read")
	if read := readLiveEvent(t, follower, stakeholderInbox); read.Count != 0 {
		t.Errorf("after marking read: %+v", read)
	}
}

// TestNotificationsPage lists a follower's notifications, newest first,
// each naming its issue and what happened, the unread ones marked, with
// the unread count in the header; marking them read empties both.
func TestNotificationsPage(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	issue := newLiveIssue(t, ts, "Carte de séjour & <transfert> bloqué")
	member := ts.account(t, demo.MemberEmail)
	stakeholder := ts.account(t, demo.StakeholderEmail)
	if err := ts.db.FollowIssue(ctx, workspace.ActorFor(stakeholder), issue.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.db.CommentIssue(ctx, workspace.ActorFor(member), issue.ID, "Relance faite."); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.db.ChangeIssueStatus(ctx, workspace.ActorFor(member), issue.ID, workspace.IssueInProgress, ""); err != nil {
		t.Fatal(err)
	}
	c := ts.sessionClient(t, demo.StakeholderEmail)
	page := c.get(t, "/notifications?lang=en")
	wantStatus(t, "notifications", page, 200)
	link := `href="/issues/` + strconv.FormatInt(issue.ID, 10) + `"`
	for _, want := range []string{link, "Carte de séjour &amp; &lt;transfert&gt; bloqué", "Unread", "New comment", "Status changed",
		`data-unread-number>2<`, "2 unread notifications", `action="/notifications/read"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the notifications page lacks %q", want)
		}
	}
	if strings.Index(page.Body, "Status changed") > strings.Index(page.Body, "New comment") {
		t.Errorf("the notifications are not newest first")
	}
	wantRedirect(t, "mark read", c.postForm(t, "/notifications/read", nil), "/notifications?done=notifications_read")
	page = c.get(t, "/notifications?lang=en&done=notifications_read")
	if strings.Contains(page.Body, ">Unread<") || !strings.Contains(page.Body, "All your notifications are marked as read.") ||
		!strings.Contains(page.Body, `data-unread hidden`) || strings.Contains(page.Body, `action="/notifications/read"`) {
		t.Errorf("after marking read, the page still shows unread notifications:\n%s", page.Body)
	}
	// Nobody reads another's notifications: the page is one's own. (The
	// secretariat is told of an issue nobody owns: the admin is not.)
	other := ts.sessionClient(t, demo.AdminEmail).get(t, "/notifications")
	if strings.Contains(other.Body, link) {
		t.Errorf("the admin sees the stakeholder's notifications")
	}
}

// TestIssueViewMarksReadOnlyWhenUnread: opening an issue marks the
// viewer's notifications about it read and sends the new count to the
// viewer's pages, but only when there were some unread: a view with
// nothing unread writes nothing and sends nothing.
func TestIssueViewMarksReadOnlyWhenUnread(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	issue := newLiveIssue(t, ts, "Certificat de scolarité")
	other := newLiveIssue(t, ts, "Carte de soins")
	stakeholder := ts.account(t, demo.StakeholderEmail)
	for _, id := range []int64{issue.ID, other.ID} {
		if err := ts.db.FollowIssue(ctx, workspace.ActorFor(stakeholder), id, true); err != nil {
			t.Fatal(err)
		}
	}
	inbox := "inbox:" + strconv.FormatInt(stakeholder.ID, 10)
	ws := testsupport.Login(t, ts.URL, demo.StakeholderEmail).MustDialLive(t)
	wsSubscribe(t, ws, inbox)
	if first := readLiveEvent(t, ws, inbox); first.Count != 0 {
		t.Fatalf("the stakeholder starts with %d unread", first.Count)
	}
	st := ts.sessionClient(t, demo.StakeholderEmail)
	path := issuePath(issue.ID)

	// Nothing unread: the view sends no count.
	wantStatus(t, "the issue, nothing unread", st.get(t, path), 200)
	expectNoEvent(t, ws, inbox)

	// A comment on the other issue: unread, but not about this one.
	member := ts.sessionClient(t, demo.MemberEmail)
	wantRedirect(t, "comment", member.postForm(t, issuePath(other.ID)+"/comments", url.Values{"body": {"Relance envoyée."}}), issuePath(other.ID)+"?done=issue_commented")
	if got := readLiveEvent(t, ws, inbox); got.Count != 1 {
		t.Fatalf("after a comment on the other issue: %d unread, want 1", got.Count)
	}
	wantStatus(t, "the issue, the other one unread", st.get(t, path), 200)
	expectNoEvent(t, ws, inbox)

	// A comment on this issue: viewing it marks it read, once.
	wantRedirect(t, "comment", member.postForm(t, path+"/comments", url.Values{"body": {"Le lycée a répondu."}}), path+"?done=issue_commented")
	if got := readLiveEvent(t, ws, inbox); got.Count != 2 {
		t.Fatalf("after a comment on the issue: %d unread, want 2", got.Count)
	}
	wantStatus(t, "the issue, unread", st.get(t, path), 200)
	if got := readLiveEvent(t, ws, inbox); got.Count != 1 {
		t.Errorf("after viewing the issue: %d unread, want 1", got.Count)
	}
	wantStatus(t, "the issue again", st.get(t, path), 200)
	expectNoEvent(t, ws, inbox)
	if n, err := ts.db.CountUnreadNotifications(ctx, stakeholder.ID); err != nil || n != 1 {
		t.Errorf("%d unread (%v), want the other issue's 1", n, err)
	}
}
