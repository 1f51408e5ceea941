package server

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"testing"

	"tawla/demo"
)

// TestProcedureLanguageFixedOnceFrozen checks that a procedure's language
// changes freely while only its draft exists, and is refused (409, the
// form back filled with why) once a version is frozen, while its other
// details still change.
func TestProcedureLanguageFixedOnceFrozen(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	proc := ts.createTestProcedure(t, "fr", "# Accueil\n\nLe guichet reçoit sans rendez-vous.\n")
	member := ts.loginAs(t, demo.MemberEmail)
	form := func(title, language string) url.Values {
		return url.Values{"title": {title}, "language": {language}, "category": {string(proc.Category)}, "summary": {""}}
	}
	wantRedirect(t, "language of a draft", member.postForm(t, procedurePath(proc.ID), form("Accueil", "ar")), procedurePath(proc.ID)+"?done=procedure_saved")
	member.freeze(t, proc, "Première")

	resp := member.postForm(t, procedurePath(proc.ID)+"?lang=fr", form("Accueil des migrants de retour", "fr"))
	wantStatus(t, "language of a frozen procedure", resp, http.StatusConflict)
	wantBody(t, "language of a frozen procedure", resp.Body, html.EscapeString(ts.srv.localizer("fr").T("error.procedure.language_frozen")), `value="Accueil des migrants de retour"`)
	got, err := ts.db.FindProcedureByID(ctx, proc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Language != "ar" || got.Title != "Accueil" {
		t.Errorf("after a refused change: language %q, title %q", got.Language, got.Title)
	}
	wantRedirect(t, "title of a frozen procedure", member.postForm(t, procedurePath(proc.ID), form("Accueil des migrants de retour", "ar")), procedurePath(proc.ID)+"?done=procedure_saved")
	if got, _ := ts.db.FindProcedureByID(ctx, proc.ID); got.Title != "Accueil des migrants de retour" {
		t.Errorf("title after the change: %q", got.Title)
	}
}
