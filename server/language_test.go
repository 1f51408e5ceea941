package server

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/workspace"
)

// TestLanguageInContext checks that withLanguage decides the language once
// and hands it, with its direction, to the handler through the context.
func TestLanguageInContext(t *testing.T) {
	ts := newTestServer(t)
	tests := []struct {
		name     string
		url      string
		cookie   string
		accept   string
		wantLang string
		wantDir  string
	}{
		{"Default", "/", "", "", "fr", "ltr"},
		{"Query", "/?lang=ar", "", "en", "ar", "rtl"},
		{"Cookie", "/", "ar", "en", "ar", "rtl"},
		{"AcceptLanguage", "/", "", "en-GB,en;q=0.8", "en", "ltr"},
		{"UnknownQuery", "/?lang=de", "", "ar", "ar", "rtl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotLang, gotDir, gotText string
			h := ts.srv.withLanguage(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				gotLang, gotDir = languageOf(r.Context()), directionOf(r.Context())
				gotText = ts.srv.localizerOf(r.Context()).T("filter.apply")
			}))
			req := httptest.NewRequest(http.MethodGet, tt.url, nil)
			if tt.cookie != "" {
				req.AddCookie(&http.Cookie{Name: langCookie, Value: tt.cookie})
			}
			if tt.accept != "" {
				req.Header.Set("Accept-Language", tt.accept)
			}
			h.ServeHTTP(httptest.NewRecorder(), req)
			if gotLang != tt.wantLang || gotDir != tt.wantDir {
				t.Errorf("languageOf, directionOf = %q, %q; want %q, %q", gotLang, gotDir, tt.wantLang, tt.wantDir)
			}
			want := map[string]string{"fr": "Filtrer", "ar": "تصفية", "en": "Filter"}[tt.wantLang]
			if gotText != want {
				t.Errorf("localizerOf(ctx).T(filter.apply) = %q, want %q", gotText, want)
			}
		})
	}

	t.Run("NoRequest", func(t *testing.T) {
		if got, want := languageOf(context.Background()), "fr"; got != want {
			t.Errorf("languageOf(Background) = %q, want %q", got, want)
		}
		if got, want := directionOf(context.Background()), "ltr"; got != want {
			t.Errorf("directionOf(Background) = %q, want %q", got, want)
		}
	})
}

// TestLocalizeError checks the message a person sees for an error, in each
// language, without a page.
func TestLocalizeError(t *testing.T) {
	ts := newTestServer(t)
	keyed := workspace.Invalid("", "error.form.malformed", "The form could not be read.")
	unknownKey := &workspace.Error{Code: workspace.ECONFLICT, Key: "error.no_such_key", Message: "Someone changed it first."}
	noKey := &workspace.Error{Code: workspace.ECONFLICT, Message: "Someone changed it first."}
	internal := &internalError{errors.New("disk I/O error: /var/lib/tawla.db")}
	tests := []struct {
		name string
		lang string
		err  error
		want string
	}{
		{"Nil", "fr", nil, ""},
		{"KeyFR", "fr", keyed, "Le formulaire n'a pas pu être lu."},
		{"KeyAR", "ar", keyed, "تعذّرت قراءة الاستمارة."},
		{"KeyEN", "en", keyed, "The form could not be read."},
		{"UnknownKey", "ar", unknownKey, "Someone changed it first."},
		{"NoKey", "fr", noKey, "Someone changed it first."},
		{"Internal", "en", internal, "Internal error. The technical team has been notified; please try again later."},
		{"PlainError", "fr", errors.New("sql: no rows"), "Erreur interne. L'équipe technique a été prévenue\u202f; réessayez plus tard."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ts.srv.localizeError(tt.lang, tt.err); got != tt.want {
				t.Errorf("localizeError(%q, %v) = %q, want %q", tt.lang, tt.err, got, tt.want)
			}
		})
	}
}

// dataVersion reads SQLite's data_version of the test server's database
// through conn, a connection of its own: it changes whenever another
// connection has committed a change to the file.
func dataVersion(t *testing.T, conn *sql.Conn) int64 {
	t.Helper()
	var v int64
	if err := conn.QueryRowContext(context.Background(), `PRAGMA data_version`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestLanguageChoiceWritesOnlyChanges checks that a ?lang= on a page
// never writes to the database for a logged-in account (issue 8: following
// a link that carries a language must not be a write), and that the
// switcher's form writes only when it changes the account's language, nor
// moves the account's updated_at or the audit log.
func TestLanguageChoiceWritesOnlyChanges(t *testing.T) {
	ts := newTestServer(t)
	c := ts.loginAs(t, demo.MemberEmail)
	db, err := sql.Open("sqlite3", "file:"+ts.db.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	for _, tt := range []struct {
		name      string
		path      string
		post      string // the language the switcher posts, or none
		wantWrite bool
	}{
		{"SameLanguage", "/?lang=fr", "", false},
		{"NoChoice", "/", "", false},
		{"Link", "/?lang=ar", "", false},
		{"Switcher", "/account/language", "ar", true},
		{"SwitcherSameAgain", "/account/language", "ar", false},
		{"LinkSameAgain", "/procedures?lang=ar", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before, audit, acc := dataVersion(t, conn), ts.auditCount(t), ts.account(t, demo.MemberEmail)
			if tt.post != "" {
				wantRedirect(t, tt.path, c.postForm(t, tt.path, url.Values{"lang": {tt.post}, "next": {"/"}}), "/")
			} else {
				wantStatus(t, tt.path, c.get(t, tt.path), http.StatusOK)
			}
			if wrote := dataVersion(t, conn) != before; wrote != tt.wantWrite {
				t.Errorf("GET %s wrote to the database: %v, want %v", tt.path, wrote, tt.wantWrite)
			}
			after := ts.account(t, demo.MemberEmail)
			if !after.UpdatedAt.Equal(acc.UpdatedAt) {
				t.Errorf("GET %s moved the account's updated_at from %v to %v", tt.path, acc.UpdatedAt, after.UpdatedAt)
			}
			if got := ts.auditCount(t); got != audit {
				t.Errorf("GET %s added %d audit entries", tt.path, got-audit)
			}
		})
	}
}

// TestLanguageChoiceOnlyByThePerson checks that a logged-in account's
// saved language changes only through the switcher's POST from one of our
// pages: a GET with ?lang=, from another site (an image, or a link the
// person follows) or from our own pages, shows that page in the language
// and changes neither the account nor the cookie; a form sent with ?lang=,
// or the switcher's form posted from another site, changes nothing either.
// The switcher works without script: it is a form.
func TestLanguageChoiceOnlyByThePerson(t *testing.T) {
	ts := newTestServer(t)
	c := ts.loginAs(t, demo.StakeholderEmail)
	language := func() string { return ts.account(t, demo.StakeholderEmail).Language }
	start := language()
	other := "ar"
	if start == "ar" {
		other = "en"
	}
	get := func(lang, fetchSite, mode, dest string) *response {
		req, err := http.NewRequest(http.MethodGet, c.ts.URL+"/?lang="+lang, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Sec-Fetch-Site", fetchSite)
		req.Header.Set("Sec-Fetch-Mode", mode)
		req.Header.Set("Sec-Fetch-Dest", dest)
		return c.do(t, req)
	}

	for _, tt := range []struct{ name, fetchSite, mode, dest string }{
		{"ImageFromAnotherSite", "cross-site", "no-cors", "image"},
		{"LinkFromAnotherSite", "cross-site", "navigate", "document"},
		{"LinkOnOurSite", "same-origin", "navigate", "document"},
	} {
		resp := get(other, tt.fetchSite, tt.mode, tt.dest)
		wantStatus(t, tt.name, resp, http.StatusOK)
		if !strings.Contains(resp.Body, `<html lang="`+other+`"`) {
			t.Errorf("%s: the page asked for in %s is not in it", tt.name, other)
		}
		if got := language(); got != start || resp.Header.Get("Set-Cookie") != "" {
			t.Errorf("%s: a GET with ?lang= changed the account's language to %q or set a cookie %q", tt.name, got, resp.Header.Get("Set-Cookie"))
		}
	}
	// A stakeholder may not plan meetings: the refused form changes
	// nothing, its language choice included.
	if resp := c.postForm(t, "/meetings?lang="+other, url.Values{"title": {"Réunion"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a stakeholder's meeting: status %d, want 403", resp.StatusCode)
	}
	if got := language(); got != start {
		t.Errorf("a refused POST with ?lang= changed the account's language to %q", got)
	}
	// The switcher posted from another site is refused.
	form := url.Values{"lang": {other}, "next": {"/"}}.Encode()
	if resp := c.post(t, "/account/language", form, "https://elsewhere.example", "cross-site"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the switcher posted from another site: status %d, want 403", resp.StatusCode)
	}
	if got := language(); got != start {
		t.Errorf("the switcher posted from another site changed the account's language to %q", got)
	}
	// A language Tawla does not have is refused and changes nothing.
	if resp := c.postForm(t, "/account/language", url.Values{"lang": {"de"}, "next": {"/"}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("the switcher with de: status %d, want 400", resp.StatusCode)
	}
	if got := language(); got != start {
		t.Errorf("the switcher with de changed the account's language to %q", got)
	}

	// The page offers the switcher as forms, which need no script, each
	// sending the person back to the page they were on.
	page := c.get(t, "/procedures?lang="+start).Body
	for _, want := range []string{`<form method="post" action="/account/language">`, `name="lang" value="` + other + `"`, `name="next" value="/procedures"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page's language switcher lacks %s", want)
		}
	}
	// The person's own choice, posted from our page, is saved, and the
	// cookie follows it.
	resp := c.postForm(t, "/account/language", url.Values{"lang": {other}, "next": {"/procedures"}})
	wantRedirect(t, "the switcher", resp, "/procedures")
	if got := language(); got != other {
		t.Errorf("choosing %s with the switcher left the account in %q", other, got)
	}
	if ck := resp.setCookie(langCookie); ck == nil || ck.Value != other {
		t.Errorf("the switcher set the cookie %+v, want %s", ck, other)
	}
	// Somewhere else is not where it sends anyone.
	wantRedirect(t, "the switcher with next elsewhere", c.postForm(t, "/account/language", url.Values{"lang": {other}, "next": {"//elsewhere.example/"}}), "/")
}

// TestLanguageLinkForVisitors checks that a visitor who is not logged in
// still switches language with a link: ?lang= shows the page in it and
// remembers it in the cookie, which the login adopts.
func TestLanguageLinkForVisitors(t *testing.T) {
	ts := newTestServer(t)
	c := ts.newClient(t)
	resp := c.get(t, "/login?lang=ar")
	if ck := resp.setCookie(langCookie); ck == nil || ck.Value != "ar" {
		t.Errorf("a visitor's ?lang=ar set the cookie %+v, want ar", ck)
	}
	if !strings.Contains(resp.Body, `href="/login?lang=en"`) || strings.Contains(resp.Body, `action="/account/language"`) {
		t.Error("the login page does not offer the visitor language links")
	}
}
