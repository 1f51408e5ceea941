package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
)

// publicFixture is a register made for the public site's tests: an entry
// with two French editions and an Arabic translation, and an older entry
// withdrawn and replaced by it.
type publicFixture struct {
	entry         *workspace.RegisterEntry
	fr1, fr2, ar1 *workspace.Publication
	old           *workspace.Publication
	oldEntry      *workspace.RegisterEntry
}

// The texts of the fixture's editions.
const (
	publicFR1 = "# Accueil des migrants de retour\n\n## Premier contact\n\nLe guichet reçoit la personne et note sa demande.\n\n## Orientation\n\nLe guichet oriente vers le service compétent.\n"
	publicFR2 = "# Accueil des migrants de retour\n\n## Premier contact\n\nLe guichet reçoit la personne dans les trois jours et note sa demande.\n\n## Orientation\n\nLe guichet oriente vers le service compétent.\n\n## Suivi\n\nUn point est fait après un mois.\n"
	publicAR1 = "# استقبال المهاجرين العائدين\n\n## الاتصال الأول\n\nيستقبل الشباك الشخص ويسجل طلبه.\n\n## التوجيه\n\nيوجه الشباك الشخص إلى المصلحة المختصة.\n"
	publicOld = "# Ancienne procédure d'accueil\n\nTexte remplacé.\n"
)

// publishedProcedure creates a procedure in lang with a version per text,
// each adopted by a vote.
func publishedProcedure(t *testing.T, ts *testServer, title, lang string, texts ...string) *workspace.Procedure {
	t.Helper()
	ctx := context.Background()
	staff := workspace.ActorFor(ts.account(t, demo.SecretariatEmail))
	voter := workspace.ActorFor(ts.account(t, demo.MemberEmail))
	p := &workspace.Procedure{Title: title, Language: lang, Category: workspace.CategoryReferralPathway, Summary: "Résumé : " + title}
	if err := ts.db.CreateProcedure(ctx, voter, p, texts[0]); err != nil {
		t.Fatalf("CreateProcedure: %v", err)
	}
	for i, text := range texts {
		if err := ts.db.CreateVersion(ctx, voter, p.ID, 0, text, &workspace.Version{Message: "Version"}); err != nil {
			t.Fatalf("CreateVersion: %v", err)
		}
		testsupport.AdoptVersion(t, ts.db, staff, voter, p.ID, i+1)
	}
	return p
}

// publishVersion publishes version number of p as the secretariat.
func publishVersion(t *testing.T, ts *testServer, p *workspace.Procedure, number int, translationOf int64) *workspace.Publication {
	t.Helper()
	staff := workspace.ActorFor(ts.account(t, demo.SecretariatEmail))
	pub, err := ts.db.Publish(context.Background(), staff, &workspace.PublishRequest{
		ProcedureID: p.ID, VersionNumber: number, TranslationOf: translationOf,
		EffectiveOn: "2026-12-07", Note: "Note de l'édition " + strconv.Itoa(number), Year: 2026,
	})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	return pub
}

// newPublicFixture publishes the fixture's register in ts's store.
func newPublicFixture(t *testing.T, ts *testServer) *publicFixture {
	t.Helper()
	ctx := context.Background()
	f := &publicFixture{}
	fr := publishedProcedure(t, ts, "Accueil des migrants de retour", "fr", publicFR1, publicFR2)
	f.fr1 = publishVersion(t, ts, fr, 1, 0)
	f.fr2 = publishVersion(t, ts, fr, 2, 0)
	ar := publishedProcedure(t, ts, "استقبال المهاجرين العائدين", "ar", publicAR1)
	f.ar1 = publishVersion(t, ts, ar, 1, f.fr1.EntryID)
	old := publishedProcedure(t, ts, "Ancienne procédure d'accueil", "fr", publicOld)
	f.old = publishVersion(t, ts, old, 1, 0)
	staff := workspace.ActorFor(ts.account(t, demo.SecretariatEmail))
	if err := ts.db.WithdrawEntry(ctx, staff, f.old.EntryID, "Remplacée par la procédure d'accueil commune.", f.fr1.EntryID); err != nil {
		t.Fatalf("WithdrawEntry: %v", err)
	}
	var err error
	if f.entry, err = ts.db.FindRegisterEntryByID(ctx, ts.srv.today(), f.fr1.EntryID); err != nil {
		t.Fatal(err)
	}
	if f.oldEntry, err = ts.db.FindRegisterEntryByID(ctx, ts.srv.today(), f.old.EntryID); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestPublicSite reads the public site over one register
// (newPublicFixture), each concern in its subtest: they only read, so one
// server and one fixture serve them all.
func TestPublicSite(t *testing.T) {
	ts := newTestServer(t)
	f := newPublicFixture(t, ts)
	for _, tt := range []struct {
		name string
		test func(*testing.T, *testServer, *publicFixture)
	}{
		{"ProcedurePage", testPublicProcedurePage},
		{"EntryRedirect", testPublicEntryRedirect},
		{"BadInput", testPublicBadInput},
		{"Downloads", testPublicDownloads},
		{"HistoryAndChanges", testPublicHistoryAndChanges},
		{"StatusBanner", testPublicStatusBanner},
		{"Search", testPublicSearch},
		{"Check", testPublicCheck},
		{"SitemapAndRobots", testPublicSitemapAndRobots},
		{"HomeAndList", testPublicHomeAndList},
		{"PageWeight", testPublicPageWeight},
	} {
		t.Run(tt.name, func(t *testing.T) { tt.test(t, ts, f) })
	}
}

// mustGet fetches path anonymously and fails unless the status is want.
func mustGet(t *testing.T, c *client, path string, want int) *response {
	t.Helper()
	resp := c.get(t, path)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: status %d, want %d\n%s", path, resp.StatusCode, want, resp.Body)
	}
	return resp
}

// testPublicProcedurePage checks the page of an edition: the register
// header, the table of contents from the headings, the hreflang
// alternates, the links to history and downloads, the direction of an
// Arabic page, and that a logged-in person sees the same page.
func testPublicProcedurePage(t *testing.T, ts *testServer, f *publicFixture) {
	c := ts.newClient(t)
	ident := f.fr2.Identifier
	frPath := "/public/procedures/" + ident + "/fr"
	body := mustGet(t, c, frPath, http.StatusOK).Body
	for _, want := range []string{
		`<html lang="fr" dir="ltr">`,
		ident + " v2",
		f.fr2.ContentSHA256,
		"2026-12-07",
		`id="register-header"`,
		`href="#premier-contact"`,
		`<h2 id="suivi"`,
		`hreflang="ar" href="` + ts.URL + "/public/procedures/" + ident + `/ar"`,
		`hreflang="fr" href="` + ts.URL + "/public/procedures/" + ident + `/fr"`,
		`href="` + frPath + `/history"`,
		`href="` + frPath + `/editions/2/markdown"`,
		`href="` + frPath + `/editions/2/html"`,
		`href="/login"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the French page lacks %q", want)
		}
	}
	if strings.Contains(body, "<script") {
		t.Error("the public page has a script")
	}

	arBody := mustGet(t, c, "/public/procedures/"+ident+"/ar", http.StatusOK).Body
	if !strings.Contains(arBody, `<html lang="ar" dir="rtl">`) {
		t.Error("the Arabic page is not in Arabic, right to left")
	}
	// A chosen interface language wins over the text's, which keeps its
	// own language and direction.
	enBody := mustGet(t, c, "/public/procedures/"+ident+"/ar?lang=en", http.StatusOK).Body
	if !strings.Contains(enBody, `<html lang="en" dir="ltr">`) || !strings.Contains(enBody, `<div id="public-text" class="public-text" lang="ar" dir="rtl">`) {
		t.Error("with ?lang=en the page is not in English around an Arabic text")
	}
	// The page's own words (banner, register header, links) keep the
	// reader's language and direction: only the text, its title, summary,
	// note and contents take the text's.
	if !strings.Contains(enBody, `<article class="public-procedure">`) || !strings.Contains(enBody, `<h1 lang="ar" dir="rtl">`) {
		t.Error("with ?lang=en the page's own words take the Arabic text's direction, or its title does not")
	}

	// The header's Arabic link leads to the Arabic text when there is one,
	// with the Arabic interface; its English link, there being no English
	// text, keeps the French text. An entry in French only keeps its text.
	frBody := mustGet(t, c, "/public/procedures/"+ident+"/fr", http.StatusOK).Body
	for _, want := range []string{`href="/public/procedures/` + ident + `/ar?lang=ar" lang="ar" hreflang="ar"`, `href="/public/procedures/` + ident + `/fr?lang=en" lang="en"`} {
		if !strings.Contains(frBody, want) {
			t.Errorf("the French page's language links lack %s", want)
		}
	}
	if oldBody := mustGet(t, c, "/public/procedures/"+f.old.Identifier+"/fr", http.StatusOK).Body; !strings.Contains(oldBody, `href="/public/procedures/`+f.old.Identifier+`/fr?lang=ar"`) {
		t.Error("a French-only entry's Arabic link does not keep its text")
	}

	// A member who is logged in reads the same page as the public.
	member := ts.sessionClient(t, demo.MemberEmail)
	if got := mustGet(t, member, frPath, http.StatusOK).Body; got != body {
		t.Error("a logged-in member sees another page than the public")
	}

	// The old edition says it is not the one in force.
	old := mustGet(t, c, frPath+"/editions/1", http.StatusOK).Body
	if !strings.Contains(old, `class="status-banner older"`) || !strings.Contains(old, f.fr1.ContentSHA256) {
		t.Error("edition 1 does not say a newer edition is in force, or lacks its hash")
	}
}

// testPublicEntryRedirect checks that an identifier, in any case, leads to
// the visitor's language when the entry has it.
func testPublicEntryRedirect(t *testing.T, ts *testServer, f *publicFixture) {
	c := ts.newClient(t)
	ident := f.fr1.Identifier
	for _, tt := range []struct {
		name, accept, path, want string
	}{
		{"French", "fr", "/public/procedures/" + ident, "/public/procedures/" + ident + "/fr"},
		{"Arabic", "ar", "/public/procedures/" + ident, "/public/procedures/" + ident + "/ar"},
		{"LowerCase", "ar", "/public/procedures/" + strings.ToLower(ident), "/public/procedures/" + ident + "/ar"},
		{"OnlyFrench", "ar", "/public/procedures/" + f.old.Identifier, "/public/procedures/" + f.old.Identifier + "/fr"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, ts.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Accept-Language", tt.accept)
			resp := c.do(t, req)
			if resp.StatusCode != http.StatusSeeOther || resp.location() != tt.want {
				t.Errorf("GET %s: %d to %q, want 303 to %q", tt.path, resp.StatusCode, resp.location(), tt.want)
			}
		})
	}
}

// testPublicBadInput checks that addresses naming nothing in the register
// get a clear 404 page of the public site.
func testPublicBadInput(t *testing.T, ts *testServer, f *publicFixture) {
	c := ts.newClient(t)
	base := "/public/procedures/" + f.fr1.Identifier
	for _, path := range []string{
		"/public/procedures/PROC-2026-999",
		"/public/procedures/PROC-2026-999/fr",
		"/public/procedures/not-an-identifier/fr",
		"/public/procedures/PROC-26-1/fr",
		base + "/en",
		base + "/xx",
		base + "/en/history",
		"/public/procedures/" + f.old.Identifier + "/ar",
		base + "/fr/editions/0",
		base + "/fr/editions/abc",
		base + "/fr/editions/-1",
		base + "/fr/editions/02",
		base + "/fr/editions/3",
		base + "/fr/editions/99999999999999999999999",
		base + "/fr/editions/0/changes",
		base + "/fr/editions/abc/markdown",
		base + "/ar/editions/2/markdown",
		base + "/fr/editions/3/html",
		// Addresses no route serves, under /public: the public page too,
		// not the members' one that offers to log in.
		base + "/fr/editions",
		base + "/fr/editions/1/pdf",
		"/public/feed.atom/x",
		"/public/nothing-here",
	} {
		t.Run(path, func(t *testing.T) {
			resp := mustGet(t, c, path, http.StatusNotFound)
			if !strings.Contains(resp.Body, `class="error-message"`) || !strings.Contains(resp.Body, `href="/public"`) {
				t.Errorf("GET %s: the 404 is not the public error page:\n%s", path, resp.Body)
			}
		})
	}
	// An entry asked for in a language it is not published in, or an
	// edition it does not have: the page says so and offers what there is.
	for _, path := range []string{"/public/procedures/" + f.old.Identifier + "/ar", base + "/fr/editions/3"} {
		resp := mustGet(t, c, path, http.StatusNotFound)
		if !strings.Contains(resp.Body, "publiée dans cette langue") || !strings.Contains(resp.Body, `href="/public/procedures/`+strings.TrimPrefix(path, "/public/procedures/")[:len(f.old.Identifier)]+`/fr"`) {
			t.Errorf("GET %s: the 404 does not offer the edition in force:\n%s", path, excerpt(resp.Body))
		}
	}
	// A trailing slash is taken away, the query kept.
	noRedirect := ts.newClient(t)
	noRedirect.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for path, want := range map[string]string{
		"/public/":            "/public",
		base + "/fr/?lang=ar": base + "/fr?lang=ar",
		"/public/procedures/": "/public/procedures",
	} {
		if resp := noRedirect.get(t, path); resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != want {
			t.Errorf("GET %s: status %d, Location %q; want 301 to %s", path, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
}

// testPublicDownloads checks that the Markdown download is exactly the
// stored text, whose SHA-256 is the one shown, under a file name that says
// what it is, and that the HTML download stands alone.
func testPublicDownloads(t *testing.T, ts *testServer, f *publicFixture) {
	c := ts.newClient(t)
	base := "/public/procedures/" + f.ar1.Identifier + "/ar/editions/1"

	md := mustGet(t, c, base+"/markdown", http.StatusOK)
	if md.Body != publicAR1 {
		t.Errorf("the Markdown download is %q, want the stored text %q", md.Body, publicAR1)
	}
	sum := sha256.Sum256([]byte(md.Body))
	if got := hex.EncodeToString(sum[:]); got != f.ar1.ContentSHA256 {
		t.Errorf("the download's SHA-256 is %s, the register's %s", got, f.ar1.ContentSHA256)
	}
	wantName := f.ar1.Identifier + "-v1-ar.md"
	if cd := md.Header.Get("Content-Disposition"); cd != `attachment; filename=`+wantName {
		t.Errorf("Content-Disposition = %q, want the file name %s", cd, wantName)
	}
	if ct := md.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/markdown") {
		t.Errorf("Content-Type = %q", ct)
	}

	html := mustGet(t, c, base+"/html", http.StatusOK)
	if cd := html.Header.Get("Content-Disposition"); !strings.Contains(cd, f.ar1.Identifier+"-v1-ar.html") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	for _, want := range []string{`<html lang="ar" dir="rtl">`, "<style>", f.ar1.ContentSHA256, f.ar1.Identifier + " v1", "الاتصال الأول"} {
		if !strings.Contains(html.Body, want) {
			t.Errorf("the HTML download lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "<link", "src=\"http", "@import", "url("} {
		if strings.Contains(html.Body, bad) {
			t.Errorf("the HTML download loads something: it holds %q", bad)
		}
	}
	// A copy of an edition a later one replaced says so; the edition in
	// force's does not.
	older := mustGet(t, c, "/public/procedures/"+f.fr1.Identifier+"/fr/editions/1/html", http.StatusOK).Body
	if !strings.Contains(older, `<p class="status">`) || !strings.Contains(older, f.fr2.Label()) {
		t.Error("the HTML copy of a replaced edition does not say it is not the edition in force")
	}
	if current := mustGet(t, c, "/public/procedures/"+f.fr2.Identifier+"/fr/editions/2/html", http.StatusOK).Body; strings.Contains(current, `<p class="status">`) {
		t.Error("the HTML copy of the edition in force says it no longer applies")
	}
}

// testPublicHistoryAndChanges checks the changelog computed from the
// diff between consecutive editions.
func testPublicHistoryAndChanges(t *testing.T, ts *testServer, f *publicFixture) {
	c := ts.newClient(t)
	base := "/public/procedures/" + f.fr1.Identifier + "/fr"
	history := mustGet(t, c, base+"/history", http.StatusOK).Body
	for _, want := range []string{f.fr1.Identifier + " v2", f.fr1.Identifier + " v1", "Suivi", "Premier contact", base + "/editions/2/changes", "Note de l&#39;édition 2"} {
		if !strings.Contains(history, want) {
			t.Errorf("the history lacks %q", want)
		}
	}
	// A reader abroad learns what hour a publication was made: its time
	// carries the table's offset from UTC.
	if offset := f.fr1.PublishedAt.In(ts.srv.location).Format("UTC-07:00"); !strings.Contains(strings.ReplaceAll(history, "&#43;", "+"), offset+"</span>") {
		t.Errorf("the history's publication times lack their offset %s", offset)
	} else if edition := mustGet(t, c, base+"/editions/1", http.StatusOK).Body; !strings.Contains(strings.ReplaceAll(edition, "&#43;", "+"), offset+"</time>") {
		t.Errorf("the edition's register header lacks the offset %s of its publication time", offset)
	}
	changes := mustGet(t, c, base+"/editions/2/changes", http.StatusOK).Body
	for _, want := range []string{"<ins>", "trois jours", f.fr1.Identifier + " v1", "<p dir=\"auto\" class=\"changed\"><ins>Suivi</ins></p>"} {
		if !strings.Contains(changes, want) {
			t.Errorf("the changes lack %q", want)
		}
	}
	// The reader sees the words, not the Markdown's marks.
	if text := changes[strings.Index(changes, `class="diff-inline"`):]; strings.Contains(text, "## ") || strings.Contains(text, "# Accueil") {
		t.Error("the changes show the headings' hashes of the source")
	}
	first := mustGet(t, c, base+"/editions/1/changes", http.StatusOK).Body
	if strings.Contains(first, "<ins>") {
		t.Error("the first edition shows changes from nothing")
	}
}

// testPublicStatusBanner checks that a withdrawn entry stays readable
// with its reason and a link to what replaces it.
func testPublicStatusBanner(t *testing.T, ts *testServer, f *publicFixture) {
	c := ts.newClient(t)
	body := mustGet(t, c, "/public/procedures/"+f.old.Identifier+"/fr", http.StatusOK).Body
	for _, want := range []string{`class="status-banner withdrawn"`, "Remplacée par la procédure d&#39;accueil commune.", `href="/public/procedures/` + f.fr1.Identifier + `"`, "Texte remplacé."} {
		if !strings.Contains(body, want) {
			t.Errorf("the withdrawn entry's page lacks %q", want)
		}
	}
	list := mustGet(t, c, "/public/procedures?category=referral_pathway", http.StatusOK).Body
	if !strings.Contains(list, f.old.Identifier) || !strings.Contains(list, `register-status withdrawn`) {
		t.Error("the register's list does not show the withdrawn entry as withdrawn")
	}
	// Its date is not said to be one from which it is in force.
	if i := strings.Index(list, f.old.Identifier); i < 0 || !strings.Contains(list[i:], "Était en vigueur depuis le") {
		t.Error("the register's list says the withdrawn entry is in force from its date")
	}
	// The home page's latest publications are only what applies now: the
	// French v2 and the Arabic v1 (which shares the French v1's label).
	home := mustGet(t, c, "/public", http.StatusOK).Body
	if strings.Contains(home, f.old.Identifier) || strings.Count(home, f.fr1.Label()) != 1 || !strings.Contains(home, f.fr2.Label()) {
		t.Error("the home page lists a withdrawn entry or a replaced edition among the latest, or not the edition in force")
	}
}

// testPublicSearch checks the public search: found words are marked in an
// escaped snippet, entries in force come before those withdrawn and each
// says where it stands, and FTS5 syntax is read as words, never as an
// error.
func testPublicSearch(t *testing.T, ts *testServer, f *publicFixture) {
	c := ts.newClient(t)
	body := mustGet(t, c, "/public/search?q=guichet", http.StatusOK).Body
	if !strings.Contains(body, "<mark>guichet</mark>") || !strings.Contains(body, "/public/procedures/"+f.fr2.Identifier+"/fr") {
		t.Errorf("searching guichet does not find the French edition:\n%s", body)
	}
	if strings.Contains(body, "## ") {
		t.Error("a snippet shows the Markdown marks of headings")
	}
	// "accueil" is in the titles of the entry in force and of the one
	// withdrawn: the one in force comes first, each marked with its status.
	both := mustGet(t, c, "/public/search?q=accueil", http.StatusOK).Body
	inForce, withdrawn := strings.Index(both, "/public/procedures/"+f.fr2.Identifier+"/fr"), strings.Index(both, "/public/procedures/"+f.old.Identifier+"/fr")
	switch {
	case inForce < 0 || withdrawn < 0:
		t.Errorf("searching accueil does not find both entries:\n%s", both)
	case withdrawn < inForce:
		t.Errorf("the withdrawn entry comes before the one in force")
	case !strings.Contains(both[withdrawn:], "register-status withdrawn") || !strings.Contains(both[inForce:withdrawn], "register-status in-force"):
		t.Errorf("the results do not mark each entry with its status:\n%s", both)
	}
	// An identifier as printed on a copy leads to its entry.
	noRedirect := ts.newClient(t)
	noRedirect.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, q := range []string{f.fr2.Identifier, strings.ToLower(f.fr2.Identifier), f.fr2.Label()} {
		if resp := noRedirect.get(t, "/public/search?q="+url.QueryEscape(q)); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/public/procedures/"+f.fr2.Identifier {
			t.Errorf("searching %q: status %d, Location %q; want its entry", q, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if resp := noRedirect.get(t, "/public/search?q=PROC-2026-999"); resp.StatusCode != http.StatusOK {
		t.Errorf("searching an identifier not in the register: status %d, want the results page", resp.StatusCode)
	}
	ar := mustGet(t, c, "/public/search?q="+url.QueryEscape("الشباك"), http.StatusOK).Body
	if !strings.Contains(ar, "/public/procedures/"+f.ar1.Identifier+"/ar") {
		t.Error("searching in Arabic does not find the Arabic edition")
	}
	for _, q := range []string{`"`, `guichet"`, `*`, `NEAR(a b)`, `a OR b AND NOT c`, `(`, `^guichet`, `col:guichet`, `-guichet`, `'; DROP TABLE publications; --`, `<script>alert(1)</script>`} {
		resp := mustGet(t, c, "/public/search?q="+url.QueryEscape(q), http.StatusOK)
		if strings.Contains(resp.Body, "<script>alert") {
			t.Errorf("the query %q is written back unescaped", q)
		}
	}
}

// testPublicCheck checks the hash check page.
func testPublicCheck(t *testing.T, ts *testServer, f *publicFixture) {
	c := ts.newClient(t)
	found := mustGet(t, c, "/public/check?sha256="+strings.ToUpper(f.fr2.ContentSHA256), http.StatusOK).Body
	if !strings.Contains(found, f.fr2.Identifier+" v2") {
		t.Error("the check does not find the French edition 2 by its hash")
	}
	missing := mustGet(t, c, "/public/check?sha256="+strings.Repeat("0", 64), http.StatusOK).Body
	if strings.Contains(missing, f.fr2.Identifier+" v2") {
		t.Error("an unknown hash finds an edition")
	}
	invalid := mustGet(t, c, "/public/check?sha256=not-a-hash", http.StatusOK).Body
	if !strings.Contains(invalid, `aria-invalid="true"`) {
		t.Error("an ill-formed hash is not said to be ill-formed")
	}
	// The line sha256sum prints may be pasted whole; the edition found is
	// said to be in force.
	line := mustGet(t, c, "/public/check?sha256="+url.QueryEscape(f.fr2.ContentSHA256+"  "+f.fr2.Identifier+"-v2-fr.md"), http.StatusOK).Body
	if !strings.Contains(line, f.fr2.Identifier+" v2") || !strings.Contains(line, "register-status in-force") || strings.Contains(line, "check-older") {
		t.Error("a pasted sha256sum line does not find the edition in force, said to be in force")
	}
	// An older edition of an entry in force: said not to be the edition in
	// force, with a link to it. A withdrawn entry's: said to be withdrawn.
	older := mustGet(t, c, "/public/check?sha256="+f.fr1.ContentSHA256, http.StatusOK).Body
	if !strings.Contains(older, `class="check-older"`) || !strings.Contains(older, `href="/public/procedures/`+f.fr2.Identifier+`/fr"`) {
		t.Error("the check of a replaced edition does not say so, nor link to the edition in force")
	}
	withdrawn := mustGet(t, c, "/public/check?sha256="+f.old.ContentSHA256, http.StatusOK).Body
	if !strings.Contains(withdrawn, f.old.Identifier+" v1") || !strings.Contains(withdrawn, "register-status withdrawn") {
		t.Error("the check of a withdrawn entry's text does not say it is withdrawn")
	}
}

// testPublicSitemapAndRobots checks that the sitemap lists every language
// edition with its hreflang alternates, absolute from the base URL, and
// that robots.txt names it.
func testPublicSitemapAndRobots(t *testing.T, ts *testServer, f *publicFixture) {
	c := ts.newClient(t)
	sitemap := mustGet(t, c, "/sitemap.xml", http.StatusOK).Body
	ident := f.fr1.Identifier
	for _, want := range []string{
		`xmlns:xhtml="http://www.w3.org/1999/xhtml"`,
		"<loc>" + ts.URL + "/public</loc>",
		"<loc>" + ts.URL + "/public/procedures/" + ident + "/fr</loc>",
		"<loc>" + ts.URL + "/public/procedures/" + ident + "/ar</loc>",
		"<loc>" + ts.URL + "/public/procedures/" + ident + "/fr/editions/1</loc>",
		"<loc>" + ts.URL + "/public/procedures/" + ident + "/fr/editions/2</loc>",
		"<loc>" + ts.URL + "/public/procedures/" + ident + "/ar/history</loc>",
		`<xhtml:link rel="alternate" hreflang="ar" href="` + ts.URL + "/public/procedures/" + ident + `/ar"/>`,
	} {
		if !strings.Contains(sitemap, want) {
			t.Errorf("the sitemap lacks %q", want)
		}
	}
	robots := mustGet(t, c, "/robots.txt", http.StatusOK).Body
	if !strings.Contains(robots, "Sitemap: "+ts.URL+"/sitemap.xml") {
		t.Errorf("robots.txt does not name the sitemap:\n%s", robots)
	}
}

// testPublicHomeAndList checks the home page and the list by category.
func testPublicHomeAndList(t *testing.T, ts *testServer, f *publicFixture) {
	c := ts.newClient(t)
	home := mustGet(t, c, "/public", http.StatusOK).Body
	for _, want := range []string{"/public/procedures/" + f.ar1.Identifier + "/ar", `action="/public/search"`, "/public/procedures?category=referral_pathway", `href="/login"`} {
		if !strings.Contains(home, want) {
			t.Errorf("the home page lacks %q", want)
		}
	}
	other := mustGet(t, c, "/public/procedures?category=other", http.StatusOK).Body
	if strings.Contains(other, f.fr1.Identifier) {
		t.Error("the category other lists a referral pathway")
	}
	all := mustGet(t, c, "/public/procedures", http.StatusOK).Body
	if !strings.Contains(all, f.fr1.Identifier) || !strings.Contains(all, "استقبال المهاجرين العائدين") {
		t.Error("the register lacks the entry or its Arabic title")
	}
	login := mustGet(t, c, "/login", http.StatusOK).Body
	if !strings.Contains(login, `href="/public"`) {
		t.Error("the login page has no link to the published procedures")
	}
}
