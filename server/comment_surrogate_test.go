package server

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"tawla/demo"
	"tawla/workspace/sqlite"
)

// TestCommentRefusedInsideACharacter checks that a passage starting or
// ending between the two halves of an emoji (a surrogate pair, as the
// editor counts) is refused when the comment is placed: 400 in the
// reader's language, the form filled as sent, and no thread stored with
// a broken quote.
func TestCommentRefusedInsideACharacter(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	proc := ts.createTestProcedure(t, "fr", "A😀B\n")
	_, version, err := ts.srv.collab.Text(ctx, proc.DocumentID)
	if err != nil {
		t.Fatal(err)
	}
	member := ts.sessionClient(t, demo.MemberEmail)
	path := "/procedures/" + strconv.FormatInt(proc.ID, 10)
	for _, tt := range []struct{ name, from, to string }{
		{"From", "2", "4"},
		{"To", "0", "2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := member.postForm(t, path+"/comments?lang=fr", url.Values{"kind": {"suggestion"}, "body": {"Un émoji de trop ?"}, "proposed": {"Z"},
				"version": {strconv.Itoa(version)}, "from": {tt.from}, "to": {tt.to}})
			wantStatus(t, "a passage cutting a character", resp, http.StatusBadRequest)
			wantBody(t, "a passage cutting a character", resp.Body, html.EscapeString(ts.srv.localizer("fr").T("error.anchor.splits_character")), "Un émoji de trop ?")
		})
	}
	threads, err := ts.db.FindCommentThreads(ctx, sqlite.CommentFilter{ProcedureID: proc.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(threads) != 0 {
		t.Errorf("%d threads stored on a broken passage, quote %q", len(threads), threads[0].Anchor.Quote)
	}
}
