package e2e

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"tawla/demo"
	"tawla/workspace"
)

// login fills the login form of the page the session is on and submits it.
func (s *session) login(email, password string) {
	s.t.Helper()
	s.fill("#email", email)
	s.fill("#password", password)
	if status := s.submit(`form[action="/login"] button[type="submit"]`); status != http.StatusOK {
		s.t.Fatalf("log in as %s: status %d, want %d", email, status, http.StatusOK)
	}
	if got := s.location().Path; got != "/" {
		s.t.Fatalf("after logging in as %s the page is %s, want /", email, got)
	}
}

// signedIn opens a new session (a browser of its own) and logs it in as
// email with the demo password, on the home page it lands on.
func (b *browser) signedIn(t *testing.T, email string) *session {
	t.Helper()
	s := b.newSession(t)
	s.open("/login")
	s.login(email, demo.Password)
	return s
}

// TestBrowserLoginFrench logs the secretariat in from a browser that asks
// for French (see acceptLanguage) and checks the home page it lands on: the
// person's name, the staff navigation, and the table by college.
func TestBrowserLoginFrench(t *testing.T) {
	site, b := start(t)
	s := b.newSession(t)

	if status := s.open("/login"); status != http.StatusOK {
		t.Fatalf("GET /login: status %d, want %d", status, http.StatusOK)
	}
	if lang, dir := s.htmlLangDir(); lang != "fr" || dir != "ltr" {
		t.Errorf(`login page: <html lang=%q dir=%q>, want lang="fr" dir="ltr"`, lang, dir)
	}
	// The screenshots are worth looking at only if the page is styled.
	if rules := evaluate[int](s, `Array.from(document.styleSheets).reduce((n, sheet) => n + sheet.cssRules.length, 0)`); rules == 0 {
		t.Errorf("login page: no CSS rules apply (is /static/css/tawla.css linked, served and not empty?)")
	}
	s.screenshot("login")

	s.login(demo.SecretariatEmail, demo.Password)

	if lang, dir := s.htmlLangDir(); lang != "fr" || dir != "ltr" {
		t.Errorf(`home page: <html lang=%q dir=%q>, want lang="fr" dir="ltr"`, lang, dir)
	}
	want := site.account(t, demo.SecretariatEmail).Name
	if got := strings.TrimSpace(s.text(".nav-wide .whoami .person")); got != want {
		t.Errorf(".whoami .person = %q, want %q", got, want)
	}
	if n := s.count(`.nav-wide .main-nav a[href="/admin/organisations"]`); n != 1 {
		t.Errorf("links to /admin/organisations in the main navigation: %d, want 1", n)
	}
	orgs, err := site.DB.FindOrganisations(t.Context(), workspace.OrganisationFilter{ActiveOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.count(".college .card"); got != len(orgs) {
		t.Errorf("organisation cards on the home page: %d, want %d (the active organisations)", got, len(orgs))
	}
	s.screenshot("home")
}

// TestBrowserLoginArabic chooses Arabic on the login page, logs the
// secretariat in, and checks that the whole interface stays right-to-left
// and in Arabic, on a desktop and on a phone.
func TestBrowserLoginArabic(t *testing.T) {
	_, b := start(t)
	s := b.newSession(t)

	if status := s.open("/login?lang=ar"); status != http.StatusOK {
		t.Fatalf("GET /login?lang=ar: status %d, want %d", status, http.StatusOK)
	}
	checkArabicLayout(t, s, "login page")
	s.screenshot("login")

	s.login(demo.SecretariatEmail, demo.Password)

	// The choice made before logging in is kept for the account, although
	// the secretariat's profile said French.
	checkArabicLayout(t, s, "home page after login")
	nav := s.text(".nav-wide .main-nav ul")
	if !inArabicScript(nav) {
		t.Errorf("main navigation %q: want its words in Arabic script", nav)
	}
	s.screenshot("home-desktop")

	restore := s.asPhone()
	if overflow := evaluate[int](s, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); overflow > 0 {
		t.Errorf("at %d px wide the home page scrolls sideways by %d px", phoneWidth, overflow)
	}
	s.screenshot("home-phone")
	restore()
}

// checkArabicLayout checks that the page is marked Arabic and right-to-left
// and that the browser lays it out right-to-left.
func checkArabicLayout(t *testing.T, s *session, where string) {
	t.Helper()
	if lang, dir := s.htmlLangDir(); lang != "ar" || dir != "rtl" {
		t.Errorf(`%s: <html lang=%q dir=%q>, want lang="ar" dir="rtl"`, where, lang, dir)
	}
	if got := evaluate[string](s, `getComputedStyle(document.body).direction`); got != "rtl" {
		t.Errorf("%s: the body's computed direction is %q, want rtl", where, got)
	}
}

// inArabicScript reports whether text has letters and all of them are
// Arabic.
func inArabicScript(text string) bool {
	letters := 0
	for _, r := range text {
		if !unicode.IsLetter(r) {
			continue
		}
		if !unicode.Is(unicode.Arabic, r) {
			return false
		}
		letters++
	}
	return letters > 0
}

// invitationPath matches the path of an invitation link.
var invitationPath = regexp.MustCompile(`^/invitations/[A-Za-z0-9_-]+$`)

// TestBrowserInvitationFlow follows a new person from the account the
// secretariat creates to their first page: the invitation, offered at the
// top of the new account's page; the link, opened in another browser that
// asks for French, in the account's language (Arabic, right to left) and
// showing the email once; a password with Arabic letters, which logs the
// person in on the home page; and the link, which works once only.
func TestBrowserInvitationFlow(t *testing.T) {
	const (
		name     = "سلمى بن علي"
		email    = "salma.benali@example.tn"
		password = "كلمة سر طويلة 2026"
	)
	site, b := start(t)

	staff := b.signedIn(t, demo.SecretariatEmail)

	if status := staff.open("/admin/accounts/new"); status != http.StatusOK {
		t.Fatalf("GET /admin/accounts/new: status %d, want %d", status, http.StatusOK)
	}
	if evaluate[bool](staff, `document.querySelector('#can_vote').checked`) {
		t.Errorf("the new account form ticks the voting right by default")
	}
	staff.fill("#name", name)
	staff.fill("#email", email)
	org := evaluate[string](staff, `document.querySelector('#organisation_id option:not([value=""])').value`)
	staff.choose("#organisation_id", org)
	staff.choose("#role", string(workspace.RoleMember))
	staff.choose("#language", "ar")
	if status := staff.submit(`form[action="/admin/accounts"] button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("create the account: status %d, want %d", status, http.StatusOK)
	}
	accountPage := staff.location().Path
	if !regexp.MustCompile(`^/admin/accounts/[0-9]+/edit$`).MatchString(accountPage) {
		t.Fatalf("after creating the account the page is %s, want /admin/accounts/{id}/edit", accountPage)
	}
	if got := staff.value("#name"); got != name {
		t.Errorf("the account page shows the name %q, want %q", got, name)
	}
	// The next step is in sight without scrolling.
	invite := `form[action$="/invitation"] button[type="submit"]`
	if bottom := evaluate[float64](staff, `document.querySelector('`+invite+`').getBoundingClientRect().bottom`); bottom > desktopHeight {
		t.Errorf("the invitation button is %.0f px down the new account's page, below the fold (%d px)", bottom, desktopHeight)
	}
	staff.screenshot("account-created")

	if status := staff.submit(invite); status != http.StatusOK {
		t.Fatalf("make the invitation: status %d, want %d", status, http.StatusOK)
	}
	link := staff.value("#invitation-url")
	if !strings.HasPrefix(link, site.URL+"/") || !invitationPath.MatchString(strings.TrimPrefix(link, site.URL)) {
		t.Fatalf("#invitation-url = %q, want %s/invitations/{token}", link, site.URL)
	}
	staff.screenshot("invitation-made")

	// The invited person opens the link in their own browser, which asks
	// for French (acceptLanguage).
	invitee := b.newSession(t)
	invitee.open("/")
	if got := invitee.location(); got.Path != "/login" {
		t.Fatalf("a fresh browser context opened / and got %s, want the login page: it shares the secretariat's cookies", got)
	}
	if status := invitee.open(link); status != http.StatusOK {
		t.Fatalf("open the invitation: status %d, want %d", status, http.StatusOK)
	}
	checkArabicLayout(t, invitee, "invitation page")
	if title := invitee.text("h1"); !inArabicScript(title) {
		t.Errorf("invitation page heading %q: want it in Arabic", title)
	}
	// The email is shown once as text; the field that hands it to password
	// managers is hidden.
	if n := evaluate[int](invitee, `document.body.innerText.split(`+strconv.Quote(email)+`).length - 1`); n != 1 {
		t.Errorf("the invitation page shows the email %d times as text, want 1", n)
	}
	shownFields := `Array.from(document.querySelectorAll('input')).filter((e) => e.value === ` + strconv.Quote(email) + ` && e.getClientRects().length > 0).length`
	if n := evaluate[int](invitee, shownFields); n != 0 {
		t.Errorf("%d visible fields hold the email on the invitation page, want 0", n)
	}
	invitee.fill("#password", password)
	invitee.fill("#confirm", password)
	invitee.screenshot("invitation")
	if status := invitee.submit(`form[action^="/invitations/"] button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("set the password: status %d, want %d", status, http.StatusOK)
	}
	if got := invitee.location().Path; got != "/" {
		t.Fatalf("after setting the password the page is %s, want / (logged in)", got)
	}
	if got := strings.TrimSpace(invitee.text(".nav-wide .whoami .person")); got != name {
		t.Errorf(".whoami .person = %q, want %q", got, name)
	}
	if n := invitee.count(`.notice[role="status"]`); n != 1 {
		t.Errorf("notices on the home page after setting the password: %d, want 1", n)
	}
	checkArabicLayout(t, invitee, "home page after the invitation")
	invitee.screenshot("first-page")

	// The password works on the login form too.
	again := b.newSession(t)
	again.open("/login")
	again.login(email, password)

	// The link is spent: opening it again, from any browser, shows an
	// error page and no form.
	spent := b.newSession(t)
	if status := spent.open(link); status != http.StatusNotFound {
		t.Errorf("open the spent invitation: status %d, want %d", status, http.StatusNotFound)
	}
	if n := spent.count(`.error-message[role="alert"]`); n != 1 {
		t.Errorf("error messages on the spent invitation's page: %d, want 1", n)
	}
	if n := spent.count("#password"); n != 0 {
		t.Errorf("the spent invitation's page still has a password field")
	}
	spent.screenshot("invitation-spent")
}
