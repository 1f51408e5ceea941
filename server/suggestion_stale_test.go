package server

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tawla/collab"
	"tawla/demo"
	"tawla/workspace"
	"tawla/workspace/change"
)

// editDraft replaces the first occurrence of old in a procedure's draft
// with repl, as the account with email typing it.
func editDraft(t *testing.T, ts *testServer, proc *workspace.Procedure, email, old, repl string) {
	t.Helper()
	ctx := context.Background()
	text, version, from := findInDraft(t, ts, proc, old)
	set, err := change.Of(utf16Units(text), change.Spec{From: from, To: from + utf16Units(old), Insert: repl})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.srv.collab.Apply(ctx, proc.DocumentID, collab.Edit{Account: ts.account(t, email), Base: version, Changes: set}); err != nil {
		t.Fatal(err)
	}
}

// TestAcceptRefusedWhenThePassageChanged checks that a suggestion whose
// passage was edited since it was proposed is not accepted over those
// edits: the panel shows the passage as it is now beside the quoted one,
// and accepting is refused (409, the reason beside the button) without
// changing the draft or the suggestion.
func TestAcceptRefusedWhenThePassageChanged(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	proc := ts.createTestProcedure(t, "fr", "# Cartes\n\nLe migrant présente sa carte au guichet dans les 3 jours.\n")
	sugg := commentOn(t, ts, proc, demo.MemberEmail, "présente sa carte au guichet dans les 3 jours", "", "présente sa carte au guichet")
	editDraft(t, ts, proc, demo.MemberEmail, "3 jours", "15 jours ouvrables, sauf urgence médicale")
	edited, _, err := ts.srv.collab.Text(ctx, proc.DocumentID)
	if err != nil {
		t.Fatal(err)
	}
	path := "/procedures/" + strconv.FormatInt(proc.ID, 10)
	member := ts.sessionClient(t, demo.MemberEmail)

	page := member.get(t, path+"?lang=fr")
	wantBody(t, "the panel", page.Body, html.EscapeString(ts.srv.localizer("fr").T("comments.passage_now")),
		`class="passage passage-now" dir="auto">présente sa carte au guichet dans les 15 jours ouvrables, sauf urgence médicale</blockquote>`)

	before := ts.snapshot(t)
	resp := member.postForm(t, path+"/comments/"+strconv.FormatInt(sugg.ID, 10)+"/accept?lang=fr", url.Values{})
	wantStatus(t, "accepting over edits", resp, http.StatusConflict)
	wantBody(t, "accepting over edits", resp.Body, html.EscapeString(ts.srv.localizer("fr").T("error.suggestion.passage_changed")),
		`id="accept-error-`+strconv.FormatInt(sugg.ID, 10)+`"`, `class="passage passage-now" dir="auto">présente sa carte au guichet dans les 15 jours ouvrables, sauf urgence médicale</blockquote>`)
	if after := ts.snapshot(t); after != before {
		t.Errorf("a refused acceptance changed the data")
	}
	if text, _, _ := ts.srv.collab.Text(ctx, proc.DocumentID); text != edited {
		t.Errorf("the draft after a refused acceptance: %q, want %q", text, edited)
	}
	got, err := ts.db.FindCommentByID(ctx, sugg.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != workspace.StatusOpen || got.Answer != workspace.AnswerNone {
		t.Errorf("suggestion after a refused acceptance: %s, %q", got.Status, got.Answer)
	}

	// Put back as it was, the passage takes the suggestion again.
	editDraft(t, ts, proc, demo.MemberEmail, "15 jours ouvrables, sauf urgence médicale", "3 jours")
	wantRedirect(t, "accepting once restored", member.postForm(t, path+"/comments/"+strconv.FormatInt(sugg.ID, 10)+"/accept", url.Values{}), path+"?done=suggestion_accepted#comments")
	if text, _, _ := ts.srv.collab.Text(ctx, proc.DocumentID); !strings.Contains(text, "Le migrant présente sa carte au guichet.") {
		t.Errorf("the draft after accepting: %q", text)
	}
}
