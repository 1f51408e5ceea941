package e2e

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"tawla/demo"
)

// maxPhoneHeader is the most of a phone's height the header may take: the
// brand and the menu button on one line. Before the compact menu, the
// secretariat's navigation wrapped to 250 of 844 px.
const maxPhoneHeader = 100

// shownJS reports whether the element matched by the selector is shown:
// checkVisibility, unlike a look at its boxes, also counts the content of
// a closed details element as hidden.
const shownJS = `((sel) => { const e = document.querySelector(sel); return !!e && e.checkVisibility({visibilityProperty: true}); })`

// TestBrowserPhoneMenu checks the header of a phone, in French and in
// Arabic: the navigation folds into a menu that keeps the header to one
// line, opens from the keyboard, lists every section within the screen
// (mirrored in Arabic) and leads to them; on a desktop the navigation is
// shown as before and the menu is not.
func TestBrowserPhoneMenu(t *testing.T) {
	_, b := start(t)
	s := b.signedIn(t, demo.SecretariatEmail)

	if !s.shown(".nav-wide .main-nav") || s.shown(".nav-menu") {
		t.Errorf("desktop: the navigation is not shown under the bar, or the phone menu is")
	}

	restore := s.asPhone()
	for _, lang := range []string{"fr", "ar"} {
		t.Run(lang, func(t *testing.T) {
			if status := s.open("/?lang=" + lang); status != http.StatusOK {
				t.Fatalf("GET /?lang=%s: status %d", lang, status)
			}
			if h := evaluate[float64](s, `document.querySelector(".site-header").getBoundingClientRect().height`); h > maxPhoneHeader {
				t.Errorf("the header takes %.0f of %d px, want at most %d", h, phoneHeight, maxPhoneHeader)
			}
			if wide, panel, button := s.shown(".nav-wide"), s.shown(".nav-menu-panel"), s.shown(".nav-menu > summary"); wide || panel || !button {
				s.screenshot("phone-header-" + lang)
				t.Fatalf("phone: navigation under the bar shown %v, menu panel shown %v, menu button shown %v; want only the button", wide, panel, button)
			}
			// The button sits at the end of the line: on the right in
			// French, on the left in Arabic.
			summaryRight := `document.querySelector(".nav-menu > summary").getBoundingClientRect().left > document.querySelector(".brand").getBoundingClientRect().left`
			if got, want := evaluate[bool](s, summaryRight), lang != "ar"; got != want {
				t.Errorf("the menu button is right of the brand: %v, want %v", got, want)
			}
			s.screenshot("phone-closed-" + lang)

			s.do("open the menu from the keyboard",
				chromedp.Focus(chromedp.CSS(".nav-menu > summary")),
				chromedp.KeyEvent(kb.Enter),
			)
			if !s.shown(".nav-menu-panel") {
				t.Fatalf("Enter on the menu button did not open the menu")
			}
			for _, href := range []string{"/", "/procedures", "/admin/organisations", "/admin/accounts", "/admin/audit"} {
				sel := `.nav-menu-panel a[href="` + href + `"]`
				inside := evaluate[bool](s, `(() => { const r = document.querySelector('`+sel+`').getBoundingClientRect();
					return r.width > 0 && r.left >= 0 && r.right <= document.documentElement.clientWidth; })()`)
				if !inside {
					t.Errorf("the menu's link to %s is not shown within the screen", href)
				}
			}
			if overflow := evaluate[int](s, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); overflow > 0 {
				t.Errorf("with the menu open the page scrolls sideways by %d px", overflow)
			}
			s.screenshot("phone-open-" + lang)

			if status := s.submit(`.nav-menu-panel a[href="/procedures"]`); status != http.StatusOK {
				t.Fatalf("follow the menu to /procedures: status %d", status)
			}
			if got := s.location().Path; got != "/procedures" {
				t.Errorf("the menu's link led to %s, want /procedures", got)
			}
		})
	}
	restore()
}

// shown reports whether the element matched by sel is shown.
func (s *session) shown(sel string) bool {
	s.t.Helper()
	return evaluate[bool](s, fmt.Sprintf("%s(%q)", shownJS, sel))
}
