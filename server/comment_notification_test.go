package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"tawla/demo"
	"tawla/workspace"
)

// TestCommentReplyNotifiesAuthor: a member's reply to a stakeholder's
// comment on a draft, and the secretariat's answer to it, reach the
// stakeholder as notifications — live on their inbox, and on their
// notifications page, in their language, each linking to the comment on
// the procedure's page; the stakeholder's own reply notifies nobody.
func TestCommentReplyNotifiesAuthor(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	proc := ts.createTestProcedure(t, "fr", "# Avis\n\nLe délai de réponse est de trente jours.\n")
	if err := ts.db.OpenConsultation(ctx, workspace.SystemActor("test"), &workspace.Consultation{ProcedureID: proc.ID, ClosesAt: ts.clock.Now().Add(7 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	c := commentOn(t, ts, proc, demo.StakeholderEmail, "délai", "Trop long ?", "")
	author := ts.account(t, demo.StakeholderEmail)
	stakeholder := ts.sessionClient(t, demo.StakeholderEmail)
	thread := "/procedures/" + strconv.FormatInt(proc.ID, 10) + "/comments/" + strconv.FormatInt(c.ID, 10)
	unread := func() int {
		t.Helper()
		n, err := ts.db.CountUnreadNotifications(ctx, author.ID)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	wantStatus(t, "own reply", stakeholder.postForm(t, thread+"/replies", url.Values{"body": {"Je précise ma question."}}), http.StatusSeeOther)
	if n := unread(); n != 0 {
		t.Errorf("the author's own reply gave them %d notifications", n)
	}

	ws, _, err := dialWS(t, stakeholder, ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	topic := "inbox:" + strconv.FormatInt(author.ID, 10)
	if err := ws.WriteJSON(map[string]string{"type": "subscribe", "topic": topic}); err != nil {
		t.Fatal(err)
	}
	// count waits for the inbox's count to be want.
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
	count(0) // the count sent on subscribing

	member := ts.sessionClient(t, demo.MemberEmail)
	wantStatus(t, "member's reply", member.postForm(t, thread+"/replies", url.Values{"body": {"Trente jours ouvrables."}}), http.StatusSeeOther)
	count(1)
	secretariat := ts.sessionClient(t, demo.SecretariatEmail)
	wantStatus(t, "answer", secretariat.postForm(t, thread+"/answer", url.Values{"answer": {"partly_accepted"}, "reason": {"Quinze jours pour un premier appel."}}), http.StatusSeeOther)
	count(2)

	all, err := ts.db.FindNotifications(ctx, author.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var list []*workspace.Notification // those of this procedure, newest first
	for _, n := range all {
		if n.AboutComment() && n.ProcedureID == proc.ID {
			list = append(list, n)
		}
	}
	if len(list) != 2 || list[0].Kind != workspace.NotifyCommentAnswer || list[1].Kind != workspace.NotifyCommentReply {
		t.Fatalf("the author's notifications about the procedure: %d, want the answer and the member's reply", len(list))
	}
	page := stakeholder.get(t, "/notifications?lang=fr")
	wantStatus(t, "notifications page", page, http.StatusOK)
	for _, want := range []string{
		fmt.Sprintf(`href="/procedures/%d#comment-%d"`, proc.ID, *list[1].CommentID),
		fmt.Sprintf(`href="/procedures/%d#comment-%d"`, proc.ID, c.ID),
		"Réponse à votre commentaire sur une procédure", "Suite donnée à votre commentaire sur une procédure",
	} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the notifications page lacks %q", want)
		}
	}
	if n := strings.Count(page.Body, ">"+proc.Title+"<"); n != 2 {
		t.Errorf("the procedure's title shows %d times, want once per notification", n)
	}
	for _, acc := range []string{demo.MemberEmail, demo.SecretariatEmail} {
		if n, err := ts.db.CountUnreadNotifications(ctx, ts.account(t, acc).ID); err != nil || n != 0 {
			t.Errorf("%s, who replied or answered, has %d notifications (%v)", acc, n, err)
		}
	}
}
