package e2e

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tawla/internal/testsupport"
	"tawla/server"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

const (
	// testTimeout bounds a whole browser test: when it runs out, the
	// browser is stopped, so a hung page fails the test instead of
	// blocking the run.
	testTimeout = 60 * time.Second
	// stepTimeout bounds one step (a navigation, a query, a click), so
	// that a missing element fails with the step's name well before
	// testTimeout.
	stepTimeout = 15 * time.Second

	// The desktop window, and the phone used for the narrow screenshots.
	desktopWidth, desktopHeight = 1280, 900
	phoneWidth, phoneHeight     = 390, 844
)

// acceptLanguage is the languages the browser asks for.
const acceptLanguage = "fr-TN,fr,ar"

// defaultChromium is where Debian's chromium package puts the browser.
const defaultChromium = "/usr/bin/chromium"

// chromiumPath returns the browser the tests drive: TAWLA_CHROMIUM when set,
// Debian's Chromium otherwise, and whether the tests must run (TAWLA_E2E=1).
func chromiumPath() (path string, required bool) {
	path = os.Getenv("TAWLA_CHROMIUM")
	if path == "" {
		path = defaultChromium
	}
	return path, os.Getenv("TAWLA_E2E") == "1"
}

// findChromium returns the absolute path of the browser, or skips the test
// when there is none; with TAWLA_E2E=1 a missing browser fails the test
// instead, so that CI cannot go green by skipping.
func findChromium(t *testing.T) string {
	t.Helper()
	path, required := chromiumPath()
	found, err := exec.LookPath(path)
	if err == nil {
		return found
	}
	msg := fmt.Sprintf("chromium not found at %s: install it with `apt-get install chromium` (Debian), or set TAWLA_CHROMIUM to the browser's path", path)
	if required {
		t.Fatal(msg)
	}
	t.Skip(msg + "; set TAWLA_E2E=1 to make this a failure")
	return ""
}

// site is a running Tawla: the real server over a real SQLite file that
// holds the demo table, served on a local port.
type site struct {
	URL string
	DB  *sqlite.DB
}

// startSite opens a new database in t.TempDir, loads the demo table and
// serves it. The server's logs go to the test's output. Everything stops
// when the test ends.
func startSite(t *testing.T) *site {
	t.Helper()
	db, _ := testsupport.OpenStore(t)

	// The base URL must be known before the server is made, since
	// invitation links are built from it: take the port first.
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv, err := server.New(server.Config{BaseURL: base, Logger: logger}, db)
	if err != nil {
		ts.Listener.Close()
		t.Fatalf("new server: %v", err)
	}
	ts.Config.Handler = srv
	ts.Start()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		ts.Close()
	})
	return &site{URL: base, DB: db}
}

// account returns the stored account with email, for the names the pages
// must show.
func (s *site) account(t *testing.T, email string) *workspace.Account {
	t.Helper()
	acc, err := s.DB.FindAccountByEmail(t.Context(), email)
	if err != nil {
		t.Fatalf("find account %s: %v", email, err)
	}
	return acc
}

// browser is one headless Chromium for one test. Each session it opens has
// its own cookies.
type browser struct {
	site *site
	// ctx owns the browser process; sessions are made from it.
	ctx    context.Context
	outDir string
}

// start finds the browser (or skips the test, see findChromium), then
// starts the site and the browser. The browser stops at the end of the test
// or after testTimeout, whichever comes first, and before the site does.
func start(t *testing.T) (*site, *browser) {
	t.Helper()
	path := findChromium(t)
	s := startSite(t)
	return s, startBrowser(t, s, path)
}

// startBrowser starts the Chromium at path for the test.
func startBrowser(t *testing.T, s *site, path string) *browser {
	t.Helper()

	// The deadline is on the allocator on purpose: when it runs out,
	// chromedp stops the browser and every pending step fails at once.
	deadlineCtx, cancelDeadline := context.WithTimeout(context.Background(), testTimeout)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests may run as root, in a container
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		// A browser set up for Mahdia asks for French first, then Arabic,
		// whatever the locale of the machine that runs the tests.
		chromedp.Flag("accept-lang", acceptLanguage),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(desktopWidth, desktopHeight),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(deadlineCtx, opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc() // waits for the browser to exit
		cancelDeadline()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return &browser{site: s, ctx: ctx, outDir: outputDir(t)}
}

// outputDir returns testoutput/<TestName> in the package directory, emptied
// of the files of an earlier run, and says where it is.
func outputDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("testoutput", filepath.FromSlash(t.Name())))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots: %s", dir)
	return dir
}

// session is one browser tab in a browser context of its own: a person at
// their own computer, with no cookies shared with other sessions.
type session struct {
	t       *testing.T
	b       *browser
	ctx     context.Context
	mu      sync.Mutex
	console []chromedp.ConsoleMessage
}

// newSession opens a fresh browser context with one tab at the desktop
// size. When the test ends, the tab's uncaught script errors and Content
// Security Policy violations fail it.
func (b *browser) newSession(t *testing.T) *session {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	s := &session{t: t, b: b, ctx: ctx}
	t.Cleanup(func() {
		cancel()
		s.checkConsole()
	})
	// The first step creates the tab; it runs without a step timeout, which
	// would close the tab when it ends.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			s.mu.Lock()
			s.console = append(s.console, m)
			s.mu.Unlock()
		}
	}()
	s.do("set the desktop size", chromedp.EmulateViewport(desktopWidth, desktopHeight))
	return s
}

// checkConsole fails the test for a script error or a refused resource
// (the page's scripts and styles must all be Tawla's own files), and logs
// the tab's other console messages.
func (s *session) checkConsole() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.console {
		switch {
		case m.IsException():
			s.t.Errorf("script error in %s:%d: %s", m.URL, m.Line+1, m.Text)
		case strings.Contains(m.Text, "Content Security Policy"):
			s.t.Errorf("content security policy violation in %s: %s", m.URL, m.Text)
		default:
			s.t.Logf("console %s: %s %s", m.Type, m.URL, m.Text)
		}
	}
}

// step returns a context for one step, bounded by stepTimeout.
func (s *session) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(s.ctx, stepTimeout)
}

// do runs steps that return nothing; what names them in a failure.
func (s *session) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	ctx, cancel := s.step()
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		s.t.Fatalf("%s: %v", what, s.explain(err))
	}
}

// explain adds to err what a timeout usually means in these tests.
func (s *session) explain(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w (a selector matched nothing, or the page did not load; the page was %s)", err, s.lastURL())
	}
	return err
}

// lastURL returns the tab's address without waiting, for failure messages.
func (s *session) lastURL() string {
	ctx, cancel := context.WithTimeout(s.ctx, time.Second)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "unknown"
	}
	return u
}

// open loads path (relative to the site, or an absolute URL) and returns
// the HTTP status of the page.
func (s *session) open(path string) int64 {
	s.t.Helper()
	target := path
	if strings.HasPrefix(path, "/") {
		target = s.b.site.URL + path
	}
	ctx, cancel := s.step()
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(target))
	if err != nil {
		s.t.Fatalf("open %s: %v", target, s.explain(err))
	}
	return resp.Status
}

// submit clicks the button matched by the CSS selector button, waits for
// the page it leads to and returns that page's HTTP status (after
// redirects).
func (s *session) submit(button string) int64 {
	s.t.Helper()
	ctx, cancel := s.step()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(button)))
	if err != nil {
		s.t.Fatalf("click %s: %v", button, s.explain(err))
	}
	return resp.Status
}

// fill types value into the field matched by the CSS selector field, as a
// person would, and checks that the field holds exactly value afterwards.
func (s *session) fill(field, value string) {
	s.t.Helper()
	s.do("fill "+field, chromedp.Clear(chromedp.CSS(field)))
	s.typeInto(field, value)
}

// typeInto focuses the field matched by the CSS selector field and types
// value into it as it is (fill clears the field first, which chromedp
// cannot do to an empty textarea), then checks that it holds value.
//
// It focuses, then sends key events, rather than using chromedp.SendKeys:
// SendKeys in chromedp v0.23 reads the node's attributes before taking the
// node's lock, a data race with the DOM events that update them, which the
// race detector reports when a page changes an attribute meanwhile.
func (s *session) typeInto(field, value string) {
	s.t.Helper()
	s.do("type into "+field, chromedp.Focus(chromedp.CSS(field)), chromedp.KeyEvent(value))
	if got := s.value(field); got != value {
		s.t.Fatalf("%s holds %q after typing, want %q", field, got, value)
	}
}

// choose selects the option with value in the select matched by sel.
func (s *session) choose(sel, value string) {
	s.t.Helper()
	s.do("choose "+value+" in "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
	if got := s.value(sel); got != value {
		s.t.Fatalf("%s has %q selected, want %q (no such option?)", sel, got, value)
	}
}

// value returns the value of the form field matched by sel.
func (s *session) value(sel string) string {
	s.t.Helper()
	ctx, cancel := s.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		s.t.Fatalf("read the value of %s: %v", sel, s.explain(err))
	}
	return v
}

// text returns the visible text of the first element matched by sel.
func (s *session) text(sel string) string {
	s.t.Helper()
	ctx, cancel := s.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		s.t.Fatalf("read the text of %s: %v", sel, s.explain(err))
	}
	return v
}

// count returns how many elements of the loaded page match sel, without
// waiting for any to appear.
func (s *session) count(sel string) int {
	s.t.Helper()
	return evaluate[int](s, fmt.Sprintf("document.querySelectorAll(%q).length", sel))
}

// location returns the tab's current address, parsed.
func (s *session) location() *url.URL {
	s.t.Helper()
	ctx, cancel := s.step()
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		s.t.Fatalf("read the location: %v", s.explain(err))
	}
	u, err := url.Parse(raw)
	if err != nil {
		s.t.Fatalf("parse the location %q: %v", raw, err)
	}
	return u
}

// htmlLangDir returns the lang and dir attributes of the page's <html>.
func (s *session) htmlLangDir() (lang, dir string) {
	s.t.Helper()
	v := evaluate[[]string](s, `[document.documentElement.lang, document.documentElement.dir]`)
	if len(v) != 2 {
		s.t.Fatalf("read lang and dir: got %q", v)
	}
	return v[0], v[1]
}

// evaluate runs a JavaScript expression in the page and decodes its value.
func evaluate[T any](s *session, expr string) T {
	s.t.Helper()
	ctx, cancel := s.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		s.t.Fatalf("evaluate %s: %v", expr, s.explain(err))
	}
	return v
}

// screenshot writes a PNG of the whole page (beyond the window) to the
// test's output directory as name.png.
func (s *session) screenshot(name string) {
	s.t.Helper()
	ctx, cancel := s.step()
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		s.t.Fatalf("screenshot %s: %v", name, s.explain(err))
	}
	file := filepath.Join(s.b.outDir, name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.t.Logf("screenshot: %s", file)
}

// asPhone lays the page out at a phone's width until the returned func is
// called.
func (s *session) asPhone() (restore func()) {
	s.t.Helper()
	s.do("emulate a phone", chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile))
	return func() {
		s.t.Helper()
		s.do("leave the phone size", chromedp.EmulateViewport(desktopWidth, desktopHeight))
	}
}
