package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
)

// publicArabicText is the Arabic procedure TestBrowserPublicArabic
// publishes: headings for the table of contents, and a long line that must
// wrap on a phone.
const publicArabicText = "# استقبال العائدين في مكتب التشغيل\n\n" +
	"## الاستقبال\n\nيستقبل المكتب الشخص العائد في أجل أقصاه ثلاثة أيام ويسجل طلبه في دفتر خاص بالعائدين.\n\n" +
	"## الوثائق المطلوبة\n\n- بطاقة التعريف الوطنية\n- شهادة الإقامة\n\n" +
	"## المتابعة\n\nيتصل المكتب بالشخص بعد شهر للتثبت من حصوله على الخدمة.\n"

// TestBrowserPublicArabic publishes an Arabic procedure and reads its
// public page in a browser that asks for French: the page takes the text's
// language, laid out right to left (the page and the text), with its
// table of contents; it fits a 360 px phone; and printed (print media
// emulated), the register header with the identifier, the edition, the
// date and the hash is on the page while the navigation is not.
func TestBrowserPublicArabic(t *testing.T) {
	site, b := start(t)
	ctx := t.Context()
	staff := workspace.ActorFor(site.account(t, demo.SecretariatEmail))
	voter := workspace.ActorFor(site.account(t, demo.MemberEmail))
	proc := &workspace.Procedure{Title: "استقبال العائدين في مكتب التشغيل", Language: "ar", Category: workspace.CategoryServiceStandard,
		Summary: "كيف يستقبل مكتب التشغيل الشخص العائد ويتابع طلبه."}
	if err := site.DB.CreateProcedure(ctx, voter, proc, publicArabicText); err != nil {
		t.Fatal(err)
	}
	if err := site.DB.CreateVersion(ctx, voter, proc.ID, 0, publicArabicText, &workspace.Version{Message: "النسخة الأولى"}); err != nil {
		t.Fatal(err)
	}
	testsupport.AdoptVersion(t, site.DB, staff, voter, proc.ID, 1)
	pub, err := site.DB.Publish(ctx, staff, &workspace.PublishRequest{ProcedureID: proc.ID, VersionNumber: 1, EffectiveOn: "2026-12-15", Year: 2026})
	if err != nil {
		t.Fatal(err)
	}

	s := b.newSession(t)
	path := "/public/procedures/" + pub.Identifier + "/ar"
	if status := s.open(path); status != http.StatusOK {
		t.Fatalf("GET %s: status %d, want %d", path, status, http.StatusOK)
	}
	checkArabicLayout(t, s, "public procedure page")
	if got := evaluate[string](s, `getComputedStyle(document.querySelector(".public-text p")).direction`); got != "rtl" {
		t.Errorf("the text's computed direction is %q, want rtl", got)
	}
	if got := evaluate[string](s, `getComputedStyle(document.querySelector(".public-text")).textAlign`); got != "start" && got != "right" {
		t.Errorf("the text is aligned %q, want start (the right in Arabic)", got)
	}
	if got := s.count(".public-toc a"); got != 3 {
		t.Errorf("the table of contents has %d links, want one per heading", got)
	}
	if got := s.count("script"); got != 0 {
		t.Errorf("the public page has %d scripts, want none", got)
	}
	s.screenshot("public-arabic")

	s.do("lay the page out at 360 px", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	if overflow := evaluate[int](s, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); overflow > 0 {
		t.Errorf("at 360 px wide the public page scrolls sideways by %d px", overflow)
	}
	s.screenshot("public-arabic-phone")
	s.do("leave the phone size", chromedp.EmulateViewport(desktopWidth, desktopHeight))

	// Printed: the register header is there, the navigation is not.
	printCtx, cancel := s.step()
	if _, err := chromedp.Call(printCtx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		cancel()
		t.Fatalf("emulate print media: %v", err)
	}
	cancel()
	if !evaluate[bool](s, `matchMedia("print").matches`) {
		t.Fatal("print media is not emulated")
	}
	visible := `(sel) => { const e = document.querySelector(sel); if (!e) return false; const st = getComputedStyle(e); return st.display !== "none" && st.visibility !== "hidden" && e.getBoundingClientRect().height > 0; }`
	if !evaluate[bool](s, `(`+visible+`)("#register-header")`) {
		t.Fatal("printed, the register header is not shown")
	}
	header := evaluate[string](s, `document.querySelector("#register-header").innerText`)
	for _, want := range []string{pub.Identifier, pub.Label(), "2026-12-15", pub.ContentSHA256} {
		if !strings.Contains(header, want) {
			t.Errorf("printed, the register header %q lacks %q", header, want)
		}
	}
	for _, hidden := range []string{".public-nav", ".public-footer", ".languages", ".public-toc", ".public-actions"} {
		if evaluate[bool](s, `(`+visible+`)(`+jsString(hidden)+`)`) {
			t.Errorf("printed, %s is shown", hidden)
		}
	}
	// A screenshot under print media keeps the screen's viewport, which
	// cuts an A4 layout; the page as the browser prints it is kept as a
	// PDF beside it, sized by the stylesheet's @page (A4).
	preferCSSPageSize := true
	pdfCtx, cancelPDF := s.step()
	defer cancelPDF()
	pdf, err := chromedp.Call(pdfCtx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &preferCSSPageSize})
	if err != nil {
		t.Fatalf("print to PDF: %v", err)
	}
	file := filepath.Join(s.b.outDir, "public-arabic-print.pdf")
	if err := os.WriteFile(file, pdf.Data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("printed: %s", file)
}

// TestBrowserPublicFutureEdition publishes a French procedure's first
// edition to apply from 2020 and its second from 2099, and reads the
// second's page: a banner says it applies from 2099 and that the first
// applies until then, whose link leads to the entry's page, which shows
// the first edition with a banner announcing the second; in Arabic the
// banner reads right to left.
func TestBrowserPublicFutureEdition(t *testing.T) {
	site, b := start(t)
	ctx := t.Context()
	staff := workspace.ActorFor(site.account(t, demo.SecretariatEmail))
	voter := workspace.ActorFor(site.account(t, demo.MemberEmail))
	proc := &workspace.Procedure{Title: "Accueil au guichet", Language: "fr", Category: workspace.CategoryServiceStandard,
		Summary: "Comment le guichet reçoit la personne de retour."}
	texts := []string{"# Accueil au guichet\n\nLe guichet reçoit la personne le jour même.\n",
		"# Accueil au guichet\n\nLe guichet reçoit la personne sur rendez-vous.\n"}
	if err := site.DB.CreateProcedure(ctx, voter, proc, texts[0]); err != nil {
		t.Fatal(err)
	}
	var pubs []*workspace.Publication
	for i, text := range texts {
		if err := site.DB.CreateVersion(ctx, voter, proc.ID, 0, text, &workspace.Version{Message: "Version"}); err != nil {
			t.Fatal(err)
		}
		testsupport.AdoptVersion(t, site.DB, staff, voter, proc.ID, i+1)
		pub, err := site.DB.Publish(ctx, staff, &workspace.PublishRequest{ProcedureID: proc.ID, VersionNumber: i + 1,
			EffectiveOn: []string{"2020-01-01", "2099-01-01"}[i], Year: 2026})
		if err != nil {
			t.Fatal(err)
		}
		pubs = append(pubs, pub)
	}
	entryPath := "/public/procedures/" + pubs[0].Identifier + "/fr"

	s := b.newSession(t)
	if status := s.open(entryPath + "/editions/2"); status != http.StatusOK {
		t.Fatalf("GET edition 2: status %d", status)
	}
	if !s.shown(".status-banner.future") {
		t.Fatal("the future edition's page shows no banner")
	}
	banner := s.text(".status-banner.future")
	for _, want := range []string{"2099-01-01", pubs[0].Label()} {
		if !strings.Contains(banner, want) {
			t.Errorf("the banner %q lacks %q", banner, want)
		}
	}
	if n := s.count(".status-banner.older"); n != 0 {
		t.Errorf("the future edition is said to be an older one")
	}
	s.screenshot("public-future-edition")

	if status := s.submit(".status-banner.future a"); status != http.StatusOK {
		t.Fatalf("follow the edition in force: status %d", status)
	}
	if got := s.location().Path; got != entryPath {
		t.Fatalf("the banner's link leads to %s, want %s", got, entryPath)
	}
	if header := s.text("#register-header"); !strings.Contains(header, pubs[0].Label()) || !strings.Contains(header, "2020-01-01") {
		t.Errorf("the entry's page shows %q, want the first edition, in force", header)
	}
	if next := s.text(".status-banner.upcoming"); !strings.Contains(next, "2099-01-01") || !strings.Contains(next, pubs[1].Label()) {
		t.Errorf("the edition in force announces %q, want the second edition from 2099-01-01", next)
	}

	if status := s.open(entryPath + "/editions/2?lang=ar"); status != http.StatusOK {
		t.Fatalf("GET edition 2 in Arabic: status %d", status)
	}
	if got := evaluate[string](s, `getComputedStyle(document.querySelector(".status-banner.future")).direction`); got != "rtl" {
		t.Errorf("the Arabic banner's direction is %q, want rtl", got)
	}
}

// jsString returns s as a JavaScript string literal (s holds no quote or
// backslash here).
func jsString(s string) string { return `"` + s + `"` }
