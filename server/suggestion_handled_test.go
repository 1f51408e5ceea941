package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"tawla/demo"
	"tawla/workspace"
)

// TestSuggestionMarkedHandled: a suggestion the secretariat answered
// partly accepted offers a member "mark as handled" instead of accept and
// reject; posting it resolves the thread, keeps the answer and its reason,
// writes the audit entry and tells the pages following the draft
// (comment.updated); a stakeholder is refused and changes nothing.
func TestSuggestionMarkedHandled(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	proc := ts.createTestProcedure(t, "fr", "# Accueil\n\nLe délai de réponse est de dix jours.\n")
	s := commentOn(t, ts, proc, demo.MemberEmail, "dix jours", "Trop long", "sept jours")
	thread := "/procedures/" + strconv.FormatInt(proc.ID, 10) + "/comments/" + strconv.FormatInt(s.ID, 10)
	secretariat := ts.loginAs(t, demo.SecretariatEmail)
	member := ts.loginAs(t, "hela.jaziri@demo.tn")
	wantStatus(t, "answer", secretariat.postForm(t, thread+"/answer", url.Values{"answer": {"partly_accepted"}, "reason": {"Quinze jours ouvrables."}}), http.StatusSeeOther)

	// The member is offered to mark it handled; accepting stays refused.
	frag := member.get(t, "/procedures/"+strconv.FormatInt(proc.ID, 10)+"/comments").Body
	wantBody(t, "the comments for a member", frag, `action="`+thread+`/resolve"`)
	wantNoBody(t, "the comments for a member", frag, `action="`+thread+`/accept"`)
	wantStatus(t, "accept", member.postForm(t, thread+"/accept", nil), http.StatusConflict)

	stakeholder := ts.loginAs(t, demo.StakeholderEmail)
	before := ts.snapshot(t)
	wantStatus(t, "a stakeholder marks it handled", stakeholder.postForm(t, thread+"/resolve", nil), http.StatusForbidden)
	if after := ts.snapshot(t); after != before {
		t.Fatalf("a refused resolution changed the data")
	}

	ws := mustDialWS(t, ts.loginAs(t, demo.SecretariatEmail))
	topic := "document:" + strconv.FormatInt(proc.DocumentID, 10)
	wsSubscribe(t, ws, topic)
	wantRedirect(t, "mark handled", member.postForm(t, thread+"/resolve", nil), "/procedures/"+strconv.FormatInt(proc.ID, 10)+"?done=suggestion_handled#comments")
	for {
		m, err := wsRead(ws, 5*time.Second)
		if err != nil {
			t.Fatalf("waiting for comment.updated: %v", err)
		}
		var ev struct {
			Kind    string `json:"kind"`
			Comment int64  `json:"comment"`
		}
		if m.Type == "event" && m.Topic == topic && json.Unmarshal(m.Data, &ev) == nil && ev.Kind == "comment.updated" {
			if ev.Comment != s.ID {
				t.Fatalf("comment.updated of %d, want %d", ev.Comment, s.ID)
			}
			break
		}
	}
	c, err := ts.db.FindCommentByID(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != workspace.StatusResolved || c.Answer != workspace.AnswerPartly || c.Reason != "Quinze jours ouvrables." {
		t.Errorf("after marking handled: status %s, answer %q, reason %q", c.Status, c.Answer, c.Reason)
	}
	entries, _, err := ts.db.FindAuditEntries(ctx, workspace.AuditFilter{EntityType: "comment", EntityID: &s.ID, Limit: 1})
	if err != nil || len(entries) != 1 || entries[0].Action != workspace.AuditCommentResolve {
		t.Errorf("audit %v, %v; want %s", entries, err, workspace.AuditCommentResolve)
	}
	// Handled, it may be reopened.
	frag = member.get(t, "/procedures/"+strconv.FormatInt(proc.ID, 10)+"/comments").Body
	wantBody(t, "the comments after marking handled", frag, `action="`+thread+`/reopen"`, "Quinze jours ouvrables.")
}
