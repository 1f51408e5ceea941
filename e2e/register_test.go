package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
)

// TestBrowserPublish has the secretariat publish an adopted version from
// the pages: the version's page offers the form, which shows the text's
// SHA-256; once published, the version's page says what it is published
// as, the register lists the entry with its hash, and the public page
// shows the procedure to a visitor who is not logged in.
func TestBrowserPublish(t *testing.T) {
	site, b := start(t)
	ctx := t.Context()
	system := workspace.SystemActor("test")
	title := "Accueil des personnes de retour au guichet unique"
	text := "# " + title + "\n\n## Premier accueil\n\nLe guichet reçoit la personne le jour même et lui remet la liste des pièces.\n"
	proc := &workspace.Procedure{Title: title, Language: "fr", Category: workspace.CategoryServiceStandard,
		Summary: "Comment le guichet unique reçoit une personne de retour."}
	if err := site.DB.CreateProcedure(ctx, system, proc, text); err != nil {
		t.Fatal(err)
	}
	if err := site.DB.CreateVersion(ctx, system, proc.ID, 0, text, &workspace.Version{Message: "Texte soumis à la plénière"}); err != nil {
		t.Fatal(err)
	}
	testsupport.AdoptVersion(t, site.DB, workspace.ActorFor(site.account(t, demo.SecretariatEmail)),
		workspace.ActorFor(site.account(t, demo.MemberEmail)), proc.ID, 1)
	hash := workspace.ContentHash(text)
	versionPath := fmt.Sprintf("/procedures/%d/versions/1", proc.ID)

	// The secretariat opens the adopted version and follows its publish
	// button to the form, which shows the hash of the text.
	s := b.signedIn(t, demo.SecretariatEmail)
	s.open(versionPath)
	s.do("follow the publish button",
		chromedp.Click(chromedp.CSS(`.publish-action a[href="`+versionPath+`/publish"]`)),
		chromedp.WaitVisible(chromedp.CSS("#effective_on")))
	if got := strings.TrimSpace(s.text("#publish-hash")); got != hash {
		t.Errorf("the form shows the hash %q, want %q", got, hash)
	}
	if got := s.value("#effective_on"); got == "" {
		t.Errorf("the effective date is not preset to today")
	}
	note := "Première publication, adoptée en plénière."
	s.typeInto("#note", note)
	s.screenshot("publish-form")
	if status := s.submit(`form.publish-form button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("publish: status %d", status)
	}
	if loc := s.location(); loc.Path != versionPath || loc.Query().Get("done") != "version_published" {
		t.Fatalf("after publishing the page is %s, want %s?done=version_published", loc, versionPath)
	}
	entry, err := site.DB.FindProcedureEntry(ctx, time.Now().Format(time.DateOnly), proc.ID)
	if err != nil {
		t.Fatalf("the procedure is not in the register: %v", err)
	}
	ident := entry.Identifier()
	if badge := s.text(".published-badge"); !strings.Contains(badge, ident+" v1") {
		t.Errorf("the version page reads %q, want it published as %s v1", badge, ident)
	}
	if n := s.count(".publish-action"); n != 0 {
		t.Errorf("the published version still offers to publish it")
	}
	s.screenshot("version-published")

	// The register lists it, with its hash and its public page.
	s.open("/register")
	s.do("find the entry in the register", chromedp.WaitVisible(chromedp.CSS("#"+ident)))
	item := s.text("#" + ident)
	for _, want := range []string{title, hash[:12], "En vigueur"} {
		if !strings.Contains(item, want) {
			t.Errorf("the register's entry reads %q, want %q in it", item, want)
		}
	}
	s.screenshot("register")
	restore := s.asPhone()
	s.screenshot("register-phone")
	restore()
	// In Arabic the page runs right to left; the identifier and the hash
	// stay left to right.
	s.open("/register?lang=ar")
	if lang, dir := s.htmlLangDir(); lang != "ar" || dir != "rtl" {
		t.Errorf("the Arabic register: lang %q dir %q, want ar rtl", lang, dir)
	}
	if got := evaluate[string](s, `getComputedStyle(document.querySelector(".entry-ident")).direction`); got != "ltr" {
		t.Errorf("the identifier runs %s in the Arabic page, want ltr", got)
	}
	s.screenshot("register-ar")

	// A visitor who is not logged in reads it on the public site.
	visitor := b.newSession(t)
	if status := visitor.open("/public/procedures/" + ident + "/fr"); status != http.StatusOK {
		t.Fatalf("the public page: status %d", status)
	}
	body := visitor.text("body")
	for _, want := range []string{title, "Le guichet reçoit la personne le jour même", hash} {
		if !strings.Contains(body, want) {
			t.Errorf("the public page lacks %q", want)
		}
	}
	visitor.screenshot("public-page")
}
