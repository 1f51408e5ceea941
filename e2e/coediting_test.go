package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"tawla/client"
	"tawla/demo"
	"tawla/workspace"
)

// What the two people type. The French has accents, an apostrophe, a dash
// and an emoji outside the Basic Multilingual Plane (two UTF-16 code
// units); the Arabic has a shadda and tanwin, which are marks of their own.
const (
	frenchTyped  = "Étape ajoutée : le conseiller vérifie le reçu déposé à la délégation — même s'il manque l'attestation 🤝"
	arabicTyped  = "ملاحظة: يتسلّم المهاجر العائد وصلاً مختوماً من المعتمدية"
	arabicCut    = "أُضيف دون اتصال: تُرسل نسخة من الملف إلى مكتب التشغيل"
	frenchDuring = "Pendant la coupure : la conseillère prévient la délégation régionale, où l'on répond vite"
)

// convergeTimeout bounds the wait for pages to end on the same text.
const convergeTimeout = 20 * time.Second

// TestBrowserCoEditing has two people edit one draft at the same time from
// their own browsers: the member types French at the end, the secretariat
// types Arabic at the start. Both pages end on the same text as the server,
// and each shows the other's cursor with their name. Then the
// secretariat's network goes away: the page says it is offline and keeps
// what is typed; the member goes on typing; when the network comes back,
// the text typed offline reaches the member and everyone ends on the same
// text again.
//
// The secretariat's browser reaches the site through a cable (a TCP proxy)
// that the test pulls out: Chromium's offline emulation stops the traffic
// of an open websocket but does not close it, so on its own the page would
// notice only when its heartbeat goes unanswered, half a minute later. A
// real network change makes Chromium close its sockets at once; pulling
// the cable does that, and the offline emulation on top makes the browser
// say that it is offline, as it would.
func TestBrowserCoEditing(t *testing.T) {
	began := time.Now()
	site, b := start(t)
	proc := draftIn(t, site, "fr")
	memberName := site.account(t, demo.MemberEmail).Name
	secretariatName := site.account(t, demo.SecretariatEmail).Name
	draftPath := fmt.Sprintf("/procedures/%d", proc.ID)

	member := b.signedIn(t, demo.MemberEmail)
	member.open(draftPath)
	member.waitEditor()

	line := plugCable(t, site)
	secretariat := b.newSession(t)
	secretariat.open(line.URL + "/login")
	secretariat.login(demo.SecretariatEmail, demo.Password)
	secretariat.open(line.URL + draftPath)
	secretariat.waitEditor()
	if got, want := secretariat.location().Host, strings.TrimPrefix(line.URL, "http://"); got != want {
		t.Fatalf("the secretariat's page is on %s, want %s: it does not go through the cable", got, want)
	}

	original := member.editorState().Text
	if original == "" {
		t.Fatalf("the draft of procedure %d is empty: the demo should give it a text", proc.ID)
	}
	if got := secretariat.editorState().Text; got != original {
		t.Fatalf("the two pages open the draft with different texts:\nmember:      %q\nsecretariat: %q", original, got)
	}
	// Each sees the other in the list of people present.
	member.waitPeerListed(secretariatName)
	secretariat.waitPeerListed(memberName)
	t.Logf("both pages open and connected after %v", time.Since(began).Round(time.Millisecond))

	// Both type at the same time: the member at the end, the secretariat
	// at the start, each on a line of their own.
	typed := time.Now()
	parallel(t, "type at the same time",
		func() error { return member.typeAtEnd(frenchTyped) },
		func() error { return secretariat.typeAtStart(arabicTyped) },
	)
	member.waitOwnText(frenchTyped)
	secretariat.waitOwnText(arabicTyped)
	t.Logf("typing took %v", time.Since(typed).Round(time.Millisecond))

	converging := time.Now()
	state := converge(t, "after typing at the same time", member, secretariat)
	t.Logf("the pages converged %v after the typing ended, at version %d", time.Since(converging).Round(time.Millisecond), state.Version)
	checkLayout(t, state.Text, original, []string{arabicTyped}, []string{frenchTyped})
	member.waitSaved()
	secretariat.waitSaved()

	// Each page shows the other's caret, with their name, where they
	// typed: the member scrolls up to the start, the secretariat down to
	// the end.
	member.waitPeerCaret(secretariatName, arabicTyped, scrollTop)
	secretariat.waitPeerCaret(memberName, frenchTyped, scrollBottom)
	// The Arabic line reads right to left in the French draft.
	if got := member.lineDirection(arabicTyped); got != "rtl" {
		t.Errorf("the line typed in Arabic is laid out %q, want rtl", got)
	}
	if got := secretariat.lineDirection(frenchTyped); got != "ltr" {
		t.Errorf("the line typed in French is laid out %q, want ltr", got)
	}
	member.screenshot("member-together")
	secretariat.screenshot("secretariat-together")
	// The server has the same text (a third person joins, with the Go
	// client).
	checkServer(t, site, proc.DocumentID, state)

	// The secretariat's network goes away.
	cut := time.Now()
	line.pull()
	secretariat.waitConnection(`state !== "connected"`, "the page to notice the cut")
	secretariat.emulateOffline(true)
	secretariat.waitConnection(`state === "offline"`, "the page to say it is offline")
	t.Logf("the page noticed the cut after %v", time.Since(cut).Round(time.Millisecond))
	// For the member, the secretariat has left.
	member.waitPeerGone(secretariatName, scrollTop)

	parallel(t, "type while one page is offline",
		func() error { return member.typeAtEnd(frenchDuring) },
		func() error { return secretariat.typeAtStart(arabicCut) },
	)
	secretariat.waitOwnText(arabicCut)
	member.waitOwnText(frenchDuring)
	member.waitSaved()
	off := secretariat.editorState()
	if off.Connection != "offline" || off.Unsent == 0 {
		t.Errorf("offline page after typing: connection %q with %d unsent updates, want offline with some", off.Connection, off.Unsent)
	}
	if got := secretariat.attr("#draft-saved", "data-state"); got != "unsent" {
		t.Errorf(`offline page: #draft-saved data-state=%q, want "unsent"`, got)
	}
	if got := secretariat.attr("#draft-status", "data-state"); got != "statusOffline" {
		t.Errorf(`offline page: #draft-status data-state=%q, want "statusOffline"`, got)
	}
	if strings.Contains(off.Text, frenchDuring) {
		t.Errorf("the offline page received what the member typed during the cut: the cable did not cut")
	}
	if on := member.editorState(); strings.Contains(on.Text, arabicCut) {
		t.Errorf("the member's page received what was typed offline before the network came back")
	}
	secretariat.screenshot("secretariat-offline")
	member.screenshot("member-during-cut")

	// The network comes back: the page reconnects by itself, sends what it
	// kept and receives what it missed.
	back := time.Now()
	line.plug()
	secretariat.emulateOffline(false)
	secretariat.waitConnection(`state === "connected"`, "the page to reconnect")
	t.Logf("the page reconnected %v after the network came back", time.Since(back).Round(time.Millisecond))
	state = converge(t, "after the network came back", member, secretariat)
	t.Logf("the pages converged %v after the network came back, at version %d", time.Since(back).Round(time.Millisecond), state.Version)
	checkLayout(t, state.Text, original, []string{arabicCut, arabicTyped}, []string{frenchTyped, frenchDuring})
	member.waitSaved()
	secretariat.waitSaved()
	member.waitPeerCaret(secretariatName, arabicCut, scrollTop)
	secretariat.waitPeerCaret(memberName, frenchDuring, scrollBottom)
	member.screenshot("member-after-reconnect")
	secretariat.screenshot("secretariat-after-reconnect")
	checkServer(t, site, proc.DocumentID, state)
	t.Logf("the test took %v", time.Since(began).Round(time.Millisecond))
}

// draftIn returns the demo's procedure in lang.
func draftIn(t *testing.T, s *site, lang string) *workspace.Procedure {
	t.Helper()
	procs, err := s.DB.FindProcedures(t.Context())
	if err != nil {
		t.Fatalf("find procedures: %v", err)
	}
	for _, p := range procs {
		if p.Language == lang {
			return p
		}
	}
	t.Fatalf("the demo has no procedure in %q", lang)
	return nil
}

// parallel runs fns at the same time and fails the test with the errors of
// those that fail.
func parallel(t *testing.T, what string, fns ...func() error) {
	t.Helper()
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() { errs[i] = fn() })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("%s (%d): %v", what, i, err)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

// editorJS finds the editor's container in the page.
const editorJS = `document.getElementById("procedure-editor")`

// editorState is what the page's editor reports (web/src/editor.js,
// exposeForTests) and its connection state.
type editorState struct {
	Text       string `json:"text"`
	Version    int    `json:"version"`
	Unsent     int    `json:"unsent"`
	Connection string `json:"connection"`
}

// editorState reads the editor's state from the page.
func (s *session) editorState() editorState {
	s.t.Helper()
	return evaluate[editorState](s, `(() => {
		const e = `+editorJS+`, ed = e.tawlaEditor;
		return {text: ed.text(), version: ed.version(), unsent: ed.unsent(), connection: e.dataset.connection || ""};
	})()`)
}

// waitEditor waits until the page's editor has the draft and is connected.
// The page is made to behave as if it had the focus, as the window of a
// person typing does: the browser gives the focus to one tab only, and the
// editor shares the cursor only once it has had the focus.
func (s *session) waitEditor() {
	s.t.Helper()
	ctx, cancel := s.step()
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		s.t.Fatalf("emulate the focus: %v", err)
	}
	s.do("wait for the editor to open the draft",
		chromedp.Poll[chromedp.Void](`(() => { const e = `+editorJS+`; return !!(e && e.tawlaEditor && e.dataset.connection === "connected"); })()`,
			chromedp.WithPollingInterval(50*time.Millisecond)))
}

// waitConnection waits until the condition on state, the editor's
// connection state, holds.
func (s *session) waitConnection(cond, what string) {
	s.t.Helper()
	s.poll("wait for "+what+" ("+cond+")", `(() => { const state = `+editorJS+`.dataset.connection; return `+cond+`; })()`)
}

// waitOwnText waits until the page's text holds what it typed.
func (s *session) waitOwnText(want string) {
	s.t.Helper()
	ctx, cancel := s.step()
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.PollFunction[chromedp.Void](`(want) => `+editorJS+`.tawlaEditor.text().includes(want)`,
		chromedp.WithPollingArgs(want), chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		s.t.Fatalf("the page's text does not hold what was typed, %q: %v\ntext: %q", want, s.explain(err), s.editorState().Text)
	}
}

// waitSaved waits until the page says that everything typed is saved.
func (s *session) waitSaved() {
	s.t.Helper()
	s.poll("wait for #draft-saved to say saved", `document.querySelector('#draft-saved[data-state="saved"]') !== null`)
}

// poll waits until the expression is true. A page that has just been
// opened may still be replacing its JavaScript context when the poll
// starts, and Chromium then answers that it cannot find the context: the
// poll, which only reads, starts again in the new one.
func (s *session) poll(what, expr string) {
	s.t.Helper()
	for attempt := 1; ; attempt++ {
		ctx, cancel := s.step()
		err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(50*time.Millisecond)))
		cancel()
		if err == nil {
			return
		}
		if attempt < 3 && strings.Contains(err.Error(), "Cannot find context with specified id") {
			continue
		}
		s.t.Fatalf("%s: %v", what, s.explain(err))
	}
}

// attr returns the attribute name of the first element matched by sel.
func (s *session) attr(sel, name string) string {
	s.t.Helper()
	return evaluate[string](s, fmt.Sprintf(`(document.querySelector(%q)?.getAttribute(%q)) ?? ""`, sel, name))
}

// peerCaretLineJS returns the text of the editor line that holds the caret
// labelled with the name, without the labels of the carets in it; null when
// there is no such caret.
const peerCaretLineJS = `(name) => {
	for (const label of ` + editorJS + `.querySelectorAll(".cm-peer-caret .cm-peer-name")) {
		if (label.textContent !== name) continue;
		const line = label.closest(".cm-line");
		if (!line) continue;
		const copy = line.cloneNode(true);
		copy.querySelectorAll(".cm-peer-caret").forEach((c) => c.remove());
		return copy.textContent;
	}
	return null;
}`

// Where waitPeerCaret scrolls the editor: CodeMirror draws only the lines
// in view, and a caret out of view is not in the page.
const (
	scrollTop    = "0"
	scrollBottom = "scroller.scrollHeight"
)

// waitPeerCaret scrolls the editor to scroll and waits until the page
// shows the caret of the person called name, with their name, on the line
// that holds text.
func (s *session) waitPeerCaret(name, text, scroll string) {
	s.t.Helper()
	ctx, cancel := s.step()
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.PollFunction[chromedp.Void](`(name, text) => {
			const scroller = `+editorJS+`.querySelector(".cm-scroller");
			scroller.scrollTop = `+scroll+`;
			const line = (`+peerCaretLineJS+`)(name);
			return line !== null && line.includes(text);
		}`,
		chromedp.WithPollingArgs(name, text), chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		ctx, cancel := context.WithTimeout(s.ctx, time.Second)
		defer cancel()
		line, _ := chromedp.Run(ctx, chromedp.Evaluate[*string](fmt.Sprintf("(%s)(%q)", peerCaretLineJS, name)))
		labels, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(`+editorJS+`.querySelectorAll(".cm-peer-name"), (e) => e.textContent)`))
		shown := "no caret with that name"
		if line != nil {
			shown = fmt.Sprintf("its caret is on the line %q", *line)
		}
		s.t.Fatalf("the page does not show %s's caret on the line with %q: %v; %s (labels shown: %q)", name, text, s.explain(err), shown, labels)
	}
}

// waitPeerGone scrolls the editor to scroll, where the person called name
// was, and waits until the page shows neither their caret nor their name
// in the list of people present.
func (s *session) waitPeerGone(name, scroll string) {
	s.t.Helper()
	ctx, cancel := s.step()
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.PollFunction[chromedp.Void](`(name) => {
			const scroller = `+editorJS+`.querySelector(".cm-scroller");
			scroller.scrollTop = `+scroll+`;
			const listed = Array.from(document.querySelectorAll("#draft-peers li"), (li) => li.textContent.trim()).includes(name);
			return !listed && (`+peerCaretLineJS+`)(name) === null;
		}`,
		chromedp.WithPollingArgs(name), chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		s.t.Fatalf("the page still shows %s, in the list of people present or by their caret: %v", name, s.explain(err))
	}
}

// lineDirection returns the direction the editor lays out the line that
// holds text in (the line must be in view), or "" when there is no such line.
func (s *session) lineDirection(text string) string {
	s.t.Helper()
	return evaluate[string](s, fmt.Sprintf(`(() => {
		const line = Array.from(%s.querySelectorAll(".cm-line")).find((l) => l.textContent.includes(%q));
		return line ? getComputedStyle(line).direction : "";
	})()`, editorJS, text))
}

// waitPeerListed waits until the list of people present names name.
func (s *session) waitPeerListed(name string) {
	s.t.Helper()
	ctx, cancel := s.step()
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.PollFunction[chromedp.Void](`(name) => Array.from(document.querySelectorAll("#draft-peers li"), (li) => li.textContent.trim()).includes(name)`,
		chromedp.WithPollingArgs(name), chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		s.t.Fatalf("the list of people present does not name %s: %v (it says %q)", name, s.explain(err), s.text("#draft-peers"))
	}
}

// typeAtEnd types text on a line of its own at the end of the draft, with
// the keyboard. It returns an error rather than failing the test, so that
// two pages can type at the same time.
func (s *session) typeAtEnd(text string) error {
	return s.keys(
		chromedp.Focus(chromedp.CSS(".cm-content")),
		chromedp.KeyEvent(kb.End, chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		enterKey,
		chromedp.KeyEvent(text),
	)
}

// typeAtStart types text on a line of its own at the start of the draft.
func (s *session) typeAtStart(text string) error {
	return s.keys(
		chromedp.Focus(chromedp.CSS(".cm-content")),
		chromedp.KeyEvent(kb.Home, chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		enterKey,
		chromedp.KeyEvent(kb.ArrowUp),
		chromedp.KeyEvent(text),
	)
}

// keys runs key steps within a step's time.
func (s *session) keys(steps ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := s.step()
	defer cancel()
	return chromedp.Do(ctx, steps...)
}

// enterKey presses Enter with no char event: CodeMirror handles Enter on
// keydown, and a char event after it could insert a second line break.
var enterKey = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
		_, err := cdp.Call(ctx, t, input.DispatchKeyEvent, input.DispatchKeyEventParams{
			Type: typ, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13,
		})
		if err != nil {
			return err
		}
	}
	return nil
})

// emulateOffline makes the browser of the session offline, or online
// again: no request goes out, and navigator.onLine says so.
func (s *session) emulateOffline(offline bool) {
	s.t.Helper()
	ctx, cancel := s.step()
	defer cancel()
	conditions := []*network.Conditions{}
	if offline {
		conditions = append(conditions, &network.Conditions{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
	}
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: conditions}); err != nil {
		s.t.Fatalf("emulate the network (offline %v): %v", offline, err)
	}
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		s.t.Fatalf("override the network state (offline %v): %v", offline, err)
	}
}

// converge waits until every page has the same text at the same version
// with nothing unsent, connected, and returns that state.
func converge(t *testing.T, when string, pages ...*session) editorState {
	t.Helper()
	deadline := time.Now().Add(convergeTimeout)
	for {
		states := make([]editorState, len(pages))
		same := true
		for i, p := range pages {
			states[i] = p.editorState()
			if states[i].Unsent != 0 || states[i].Connection != "connected" || states[i] != states[0] {
				same = false
			}
		}
		if same {
			return states[0]
		}
		if time.Now().After(deadline) {
			var b strings.Builder
			for i, st := range states {
				fmt.Fprintf(&b, "\npage %d: version %d, %d unsent, %s, text %q", i, st.Version, st.Unsent, st.Connection, st.Text)
			}
			t.Fatalf("%s: the pages did not converge within %v:%s", when, convergeTimeout, b.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkLayout checks that text is the original draft with the lines typed
// at the start (latest first) before it and the lines typed at the end
// after it, in order, each exactly once.
func checkLayout(t *testing.T, text, original string, atStart, atEnd []string) {
	t.Helper()
	for _, typed := range append(append([]string{}, atStart...), atEnd...) {
		if n := strings.Count(text, typed); n != 1 {
			t.Errorf("the text holds %q %d times, want once:\n%s", typed, n, text)
		}
	}
	head := strings.Join(atStart, "\n") + "\n"
	rest, ok := strings.CutPrefix(text, head)
	if !ok {
		t.Errorf("the text does not start with the lines typed at the start, %q:\n%s", head, text)
		return
	}
	rest, ok = strings.CutPrefix(rest, original)
	if !ok {
		t.Errorf("the original draft does not follow the lines typed at the start:\n%s", text)
		return
	}
	for _, typed := range atEnd {
		i := strings.Index(rest, typed)
		if i < 0 {
			t.Errorf("%q is not after the original draft, in the order typed:\n%s", typed, text)
			return
		}
		// Each is on a line of its own, with a list marker at most.
		if before := rest[:i]; !strings.Contains(before, "\n") || len(before[strings.LastIndex(before, "\n")+1:]) > 3 {
			t.Errorf("%q does not start a line of its own:\n%s", typed, text)
		}
		rest = rest[i+len(typed):]
	}
	if rest != "" {
		t.Errorf("the text goes on after the last line typed at the end: %q", rest)
	}
}

// checkServer opens the document as a third person, with the Go client,
// and checks that the server has the pages' text at their version.
func checkServer(t *testing.T, s *site, docID int64, want editorState) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), stepTimeout)
	defer cancel()
	sess, err := client.Login(ctx, s.URL, demo.AdminEmail, demo.Password)
	if err != nil {
		t.Fatalf("log in the Go client: %v", err)
	}
	conn, err := sess.Dial(ctx)
	if err != nil {
		t.Fatalf("open a websocket from Go: %v", err)
	}
	ed, err := client.Open(ctx, conn, docID, client.Options{})
	if err != nil {
		t.Fatalf("open document %d from Go: %v", docID, err)
	}
	defer ed.Close()
	if got := ed.Version(); got != want.Version {
		t.Errorf("the server's document is at version %d, the pages at %d", got, want.Version)
	}
	if got := ed.Text(); got != want.Text {
		t.Errorf("the server's text differs from the pages':\nserver: %q\npages:  %q", got, want.Text)
	}
}

// cable carries one browser's connections to the site through a port of
// its own, so that a test can pull it out (close every connection at once
// and refuse new ones) and plug it back, as a network that goes away and
// comes back.
type cable struct {
	URL    string
	ln     net.Listener
	target string
	wg     sync.WaitGroup

	mu    sync.Mutex
	out   bool // pulled out: connections are refused
	conns map[net.Conn]struct{}
}

// plugCable returns a cable to the site, plugged in. It is pulled out for
// good when the test ends.
func plugCable(t *testing.T, s *site) *cable {
	t.Helper()
	target, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen for the cable: %v", err)
	}
	c := &cable{URL: "http://" + ln.Addr().String(), ln: ln, target: target.Host, conns: map[net.Conn]struct{}{}}
	c.wg.Go(c.serve)
	t.Cleanup(func() {
		ln.Close()
		c.pull()
		c.wg.Wait()
	})
	return c
}

// pull closes every connection through the cable and refuses new ones
// until plug.
func (c *cable) pull() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.out = true
	for conn := range c.conns {
		conn.Close()
	}
	clear(c.conns)
}

// plug lets connections through again.
func (c *cable) plug() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.out = false
}

func (c *cable) serve() {
	for {
		in, err := c.ln.Accept()
		if err != nil {
			return
		}
		c.wg.Go(func() { c.carry(in) })
	}
}

// carry joins in to a new connection to the site, both ways, until either
// side ends or the cable is pulled.
func (c *cable) carry(in net.Conn) {
	if !c.track(in) {
		in.Close()
		return
	}
	out, err := net.Dial("tcp", c.target)
	if err != nil {
		c.drop(in)
		return
	}
	if !c.track(out) {
		out.Close()
		c.drop(in)
		return
	}
	var wg sync.WaitGroup
	copyThen := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		c.drop(in)
		c.drop(out)
	}
	wg.Go(func() { copyThen(out, in) })
	wg.Go(func() { copyThen(in, out) })
	wg.Wait()
}

// track adds conn to the cable's connections, unless it is pulled out.
func (c *cable) track(conn net.Conn) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.out {
		return false
	}
	c.conns[conn] = struct{}{}
	return true
}

// drop closes conn and forgets it.
func (c *cable) drop(conn net.Conn) {
	c.mu.Lock()
	delete(c.conns, conn)
	c.mu.Unlock()
	conn.Close()
}
