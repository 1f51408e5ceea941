package server

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/workspace"
)

// TestSuggestionDecisionKeepsTheSecretariatsAnswer checks that accepting
// or rejecting a suggestion never contradicts nor overwrites the answer
// the secretariat recorded: a decision against it is refused (409, the
// panel shown again with why) and changes nothing; one that agrees with
// it settles the suggestion — accepting applies the text — and keeps the
// answer, its reason and who gave it.
func TestSuggestionDecisionKeepsTheSecretariatsAnswer(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	proc := ts.createTestProcedure(t, "fr", "# Pièces\n\nLe migrant présente sa carte au guichet.\n")
	path := "/procedures/" + strconv.FormatInt(proc.ID, 10)
	thread := func(c *workspace.Comment) string { return path + "/comments/" + strconv.FormatInt(c.ID, 10) }
	member := ts.sessionClient(t, demo.MemberEmail)
	secretariat := ts.sessionClient(t, demo.SecretariatEmail)
	secretariatID := ts.account(t, demo.SecretariatEmail).ID

	rejected := commentOn(t, ts, proc, demo.MemberEmail, "sa carte", "", "sa carte ou un récépissé")
	accepted := commentOn(t, ts, proc, demo.MemberEmail, "au guichet", "", "au guichet unique")
	const why = "Le récépissé ne suffit pas (décision du 3 mars)."
	wantRedirect(t, "answering rejected", secretariat.postForm(t, thread(rejected)+"/answer", url.Values{"answer": {"rejected"}, "reason": {why}}), path+"?done=comment_answered#comments")
	wantRedirect(t, "answering accepted", secretariat.postForm(t, thread(accepted)+"/answer", url.Values{"answer": {"accepted"}, "reason": {"Plus clair."}}), path+"?done=comment_answered#comments")

	// Against the answer: refused, on the panel, nothing changed.
	for _, tt := range []struct {
		name string
		url  string
		form url.Values
	}{
		{"AcceptAnswerRejected", thread(rejected) + "/accept", url.Values{}},
		{"RejectAnswerAccepted", thread(accepted) + "/reject", url.Values{"reason": {"Non."}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := ts.snapshot(t)
			resp := member.postForm(t, tt.url+"?lang=fr", tt.form)
			wantStatus(t, tt.name, resp, http.StatusConflict)
			wantBody(t, tt.name, resp.Body, html.EscapeString(ts.srv.localizer("fr").T("error.suggestion.answer_disagrees")), `id="comments-heading"`)
			if after := ts.snapshot(t); after != before {
				t.Errorf("a refused decision changed the data")
			}
		})
	}

	// Agreeing with the answer: settled, the answer kept as recorded.
	wantRedirect(t, "rejecting as answered", member.postForm(t, thread(rejected)+"/reject", url.Values{"reason": {""}}), path+"?done=suggestion_rejected#comments")
	wantRedirect(t, "accepting as answered", member.postForm(t, thread(accepted)+"/accept", url.Values{}), path+"?done=suggestion_accepted#comments")
	for _, tt := range []struct {
		c      *workspace.Comment
		status workspace.CommentStatus
		answer workspace.Answer
		reason string
	}{
		{rejected, workspace.StatusRejected, workspace.AnswerRejected, why},
		{accepted, workspace.StatusAccepted, workspace.AnswerAccepted, "Plus clair."},
	} {
		got, err := ts.db.FindCommentByID(ctx, tt.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != tt.status || got.Answer != tt.answer || got.Reason != tt.reason || got.AnsweredBy == nil || *got.AnsweredBy != secretariatID {
			t.Errorf("suggestion %d: status %s, answer %s, reason %q, by %v; want %s, %s, %q by the secretariat", got.ID, got.Status, got.Answer, got.Reason, got.AnsweredBy, tt.status, tt.answer, tt.reason)
		}
	}
	text, _, err := ts.srv.collab.Text(ctx, proc.DocumentID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "sa carte au guichet unique.") {
		t.Errorf("draft after the decisions: %q", text)
	}

	// The answer of a decided suggestion must agree with the decision.
	resp := secretariat.postForm(t, thread(accepted)+"/answer?lang=fr", url.Values{"answer": {"rejected"}, "reason": {"Finalement non."}})
	wantStatus(t, "answering against the decision", resp, http.StatusConflict)
	wantBody(t, "answering against the decision", resp.Body, html.EscapeString(ts.srv.localizer("fr").T("error.suggestion.answer_disagrees")), `value="Finalement non."`)
}

// TestAnswerSelectAsksForAChoice checks that the secretariat's answer
// form starts on no answer and requires one, rather than offering
// "accepted" by default.
func TestAnswerSelectAsksForAChoice(t *testing.T) {
	ts := newTestServer(t)
	proc := ts.createTestProcedure(t, "fr", "# Pièces\n\nLe migrant présente sa carte.\n")
	c := commentOn(t, ts, proc, demo.MemberEmail, "sa carte", "Laquelle ?", "")
	page := ts.sessionClient(t, demo.SecretariatEmail).get(t, "/procedures/"+strconv.FormatInt(proc.ID, 10)+"?lang=fr")
	i := strings.Index(page.Body, `id="answer-`+strconv.FormatInt(c.ID, 10)+`"`)
	if i < 0 {
		t.Fatal("no answer form")
	}
	sel := page.Body[i:]
	sel = sel[:strings.Index(sel, "</select>")]
	if !strings.Contains(sel, "required") || !strings.Contains(sel, `<option value="" selected`) {
		t.Errorf("the answer select has no empty, selected first choice or is not required: %s", sel)
	}
}
