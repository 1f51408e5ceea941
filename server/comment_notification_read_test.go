package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"tawla/demo"
)

// TestProcedurePageReadsCommentNotifications: opening a procedure's page
// (where a comment notification links, #comment-N) marks read the
// viewer's notifications about comments on that procedure — not those
// about another procedure, nor anyone else's — and sends the viewer's
// inbox the new unread count live, as opening an issue does.
func TestProcedurePageReadsCommentNotifications(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	first := ts.createTestProcedure(t, "fr", "# Accueil\n\nLe délai de réponse est de trente jours.\n")
	second := ts.createTestProcedure(t, "ar", "# Orientation\n\nالمهلة عشرة أيام.\n")
	author := ts.account(t, demo.MemberEmail)
	onFirst := commentOn(t, ts, first, demo.MemberEmail, "délai", "Trop long ?", "")
	onSecond := commentOn(t, ts, second, demo.MemberEmail, "عشرة", "طويلة؟", "")
	secretariat := ts.sessionClient(t, demo.SecretariatEmail)
	for _, thread := range []string{
		"/procedures/" + strconv.FormatInt(first.ID, 10) + "/comments/" + strconv.FormatInt(onFirst.ID, 10),
		"/procedures/" + strconv.FormatInt(second.ID, 10) + "/comments/" + strconv.FormatInt(onSecond.ID, 10),
	} {
		wantStatus(t, "reply", secretariat.postForm(t, thread+"/replies", url.Values{"body": {"Voir le décret."}}), http.StatusSeeOther)
	}
	wantStatus(t, "answer", secretariat.postForm(t, "/procedures/"+strconv.FormatInt(first.ID, 10)+"/comments/"+strconv.FormatInt(onFirst.ID, 10)+"/answer",
		url.Values{"answer": {"accepted"}, "reason": {"Ramené à quinze jours."}}), http.StatusSeeOther)
	unread := func() int {
		t.Helper()
		n, err := ts.db.CountUnreadNotifications(ctx, author.ID)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := unread(); n != 3 {
		t.Fatalf("the author has %d unread notifications, want 3", n)
	}

	// Someone else opening the page reads nothing of the author's.
	wantStatus(t, "the secretariat opens the page", secretariat.get(t, procedurePath(first.ID)), http.StatusOK)
	if n := unread(); n != 3 {
		t.Fatalf("another account's view left the author %d unread, want 3", n)
	}

	member := ts.sessionClient(t, demo.MemberEmail)
	ws, _, err := dialWS(t, member, ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	topic := "inbox:" + strconv.FormatInt(author.ID, 10)
	if err := ws.WriteJSON(map[string]string{"type": "subscribe", "topic": topic}); err != nil {
		t.Fatal(err)
	}
	count := func(want float64) {
		t.Helper()
		for {
			_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
			var m struct {
				Type  string         `json:"type"`
				Topic string         `json:"topic"`
				Data  map[string]any `json:"data"`
			}
			if err := ws.ReadJSON(&m); err != nil {
				t.Fatalf("waiting for an unread count of %v: %v", want, err)
			}
			if m.Type == "event" && m.Topic == topic && m.Data["count"] == want {
				return
			}
		}
	}
	count(3) // the count sent on subscribing

	wantStatus(t, "the author opens the page", member.get(t, procedurePath(first.ID)), http.StatusOK)
	count(1)
	if n := unread(); n != 1 {
		t.Fatalf("after opening the first procedure the author has %d unread, want 1 (the second's)", n)
	}
	wantStatus(t, "the author opens the other page", member.get(t, procedurePath(second.ID)), http.StatusOK)
	count(0)
	if n := unread(); n != 0 {
		t.Fatalf("after opening both procedures the author has %d unread", n)
	}
}
