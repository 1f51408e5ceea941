package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tawla/demo"
)

// TestHistoryCreditsSuggestionAuthor accepts one member's suggestion as
// another member: the history page colours the suggested words as the
// suggester's text, while the editing session that applied them stays
// the accepting member's.
func TestHistoryCreditsSuggestionAuthor(t *testing.T) {
	ts := newTestServer(t)
	proc := ts.createTestProcedure(t, "fr", "# Accueil\n\nLe migrant est reçu au guichet.\n")
	rim := ts.account(t, "rim.sassi@demo.tn")
	accepter := ts.account(t, demo.MemberEmail)
	sugg := commentOn(t, ts, proc, rim.Email, "reçu au guichet", "", "reçu sans rendez-vous par un référent")
	path := procedurePath(proc.ID)
	member := ts.sessionClient(t, demo.MemberEmail)
	wantRedirect(t, "accepting", member.postForm(t, path+"/comments/"+strconv.FormatInt(sugg.ID, 10)+"/accept", url.Values{}), path+"?done=suggestion_accepted#comments")

	resp := member.get(t, path+"/history")
	wantStatus(t, "history", resp, http.StatusOK)
	rimClass := "author-" + strconv.FormatInt(rim.ID, 10)
	accClass := "author-" + strconv.FormatInt(accepter.ID, 10)
	wantBody(t, "history", resp.Body, `<span class="`+rimClass+`" title="`+rim.Name+`">reçu sans rendez-vous par un référent</span>`)
	if strings.Contains(resp.Body, `<span class="`+accClass+`" title=`) {
		t.Errorf("the accepting member is credited with text on the history page")
	}
	// The session is still the accepting member's.
	if !strings.Contains(resp.Body, `<span class="author-mark `+accClass+`" aria-hidden="true"></span> <span dir="auto">`+accepter.Name+`</span></td>`) {
		t.Errorf("the history page's sessions do not name the accepting member")
	}
	got, err := ts.db.FindCommentByID(context.Background(), sugg.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.AppliedVersion == 0 {
		t.Errorf("the accepted suggestion does not know the version that applied it")
	}
}
