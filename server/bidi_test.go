package server

import (
	"context"
	"net/http"
	"testing"

	"tawla/demo"
	"tawla/workspace"
)

// TestSentenceIsolatesName: a person's name filled into a translated
// sentence is isolated (FSI … PDI), so that an Arabic name in a French
// sentence, or one holding its own closed isolate, leaves the sentence's
// words and punctuation in their places.
func TestSentenceIsolatesName(t *testing.T) {
	if got := isolate(""); got != "" {
		t.Errorf(`isolate("") = %q, want ""`, got)
	}
	ts := newTestServer(t)
	acc := ts.account(t, demo.MemberEmail)
	name := "أمل \u2066(Amel)\u2069 بن صالح"
	acc.Name = name
	if err := ts.db.UpdateAccount(context.Background(), workspace.SystemActor("test"), acc); err != nil {
		t.Fatal(err)
	}
	page := ts.loginAs(t, demo.MemberEmail).get(t, "/?lang=fr")
	wantStatus(t, "home", page, http.StatusOK)
	wantText(t, page, "Bonjour \u2068"+name+"\u2069.")
}
