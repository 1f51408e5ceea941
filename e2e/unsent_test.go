package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"tawla/demo"
)

// What is typed while the link is down, and by the co-editor meanwhile.
const (
	typedOffline   = "Ajouté hors ligne dans la salle de Mahdia : la fiche de suivi part le jour même"
	typedBefore    = "Tapé sur un lien lent : le dossier est complet à l'accueil"
	typedMeanwhile = "Pendant ce temps, la délégation confirme le rendez-vous"
)

// The slow link of a meeting room's shared Wi-Fi: 400 kbit/s each way,
// 400 ms before each answer.
const (
	slowLatency    = 400              // ms
	slowThroughput = 400 * 1000 / 8.0 // bytes per second
)

// TestBrowserUnsentEditsSurviveClose has a member type while the link is
// down, close the page, and open the draft again in two tabs of the same
// browser: both offer the edits kept on the device, saying how many and
// showing the text they add; both
// send them (a person who taps twice, or two tabs reopened at once); the
// server takes them once, and every co-editor, and the server, have them
// exactly once. Afterwards nothing is offered any more.
func TestBrowserUnsentEditsSurviveClose(t *testing.T) {
	site, b := start(t)
	proc := draftIn(t, site, "fr")
	draftPath := fmt.Sprintf("/procedures/%d", proc.ID)

	co := b.signedIn(t, demo.SecretariatEmail)
	co.open(draftPath)
	co.waitEditor()
	original := co.editorState().Text

	line := plugCable(t, site)
	m := b.newSession(t)
	m.open(line.URL + "/login")
	m.login(demo.MemberEmail, demo.Password)
	m.open(line.URL + draftPath)
	m.waitEditor()

	// The link goes; the member types; the edits are kept on the device.
	line.pull()
	m.emulateOffline(true)
	m.waitConnection(`state === "offline"`, "the page to say it is offline")
	if err := m.typeAtEnd(typedOffline); err != nil {
		t.Fatalf("type offline: %v", err)
	}
	m.waitOwnText(typedOffline)
	unsent := m.waitKept(proc.DocumentID)
	if got := m.text("#draft-saved"); !strings.Contains(got, "conservées sur cet appareil") {
		t.Errorf("#draft-saved says %q, want it to say the edits are kept on this device", got)
	}
	m.screenshot("offline-kept")

	// The page is closed; the link comes back; the draft is opened again,
	// twice, in the same browser.
	m.closeTab()
	line.plug()
	reopened := []*session{m.reopenTab(), m.reopenTab()}
	for i, r := range reopened {
		r.open(line.URL + draftPath)
		r.waitEditor()
		r.waitOffer(unsent)
		// The offer shows, folded, the text the kept edits add.
		if got := evaluate[string](r, `document.querySelector("#draft-recover .draft-recover-preview li")?.textContent ?? ""`); got != typedOffline {
			t.Errorf("the offer's preview shows %q, want the text typed offline %q", got, typedOffline)
		}
		r.screenshot(fmt.Sprintf("offer-%d", i+1))
	}
	if strings.Contains(co.editorState().Text, typedOffline) {
		t.Fatalf("the co-editor has the offline edits before they were sent")
	}
	parallel(t, "send the kept edits from both tabs",
		func() error {
			return reopened[0].keys(chromedp.Click(chromedp.CSS(`#draft-recover button[data-recover="send"]`)))
		},
		func() error {
			return reopened[1].keys(chromedp.Click(chromedp.CSS(`#draft-recover button[data-recover="send"]`)))
		},
	)
	for _, r := range reopened {
		r.poll("wait for the kept edits to be sent", `document.querySelector('#draft-recover[data-state="sent"]') !== null`)
	}
	state := converge(t, "after sending the kept edits", co, reopened[0], reopened[1])
	if n := strings.Count(state.Text, typedOffline); n != 1 || !strings.HasPrefix(state.Text, original) {
		t.Errorf("the text holds the offline line %d times (want once), after the original draft (%v):\n%s", n, strings.HasPrefix(state.Text, original), state.Text)
	}
	checkServer(t, site, proc.DocumentID, state)
	reopened[0].screenshot("sent")

	// Nothing is kept any more, and nothing is offered.
	if n := reopened[0].keptOnDevice(proc.DocumentID); n != 0 {
		t.Errorf("%d updates still kept on the device after they were sent", n)
	}
	again := m.reopenTab()
	again.open(line.URL + draftPath)
	again.waitEditor()
	time.Sleep(500 * time.Millisecond) // the offer, if any, comes from IndexedDB
	if n := again.count("#draft-recover"); n != 0 {
		t.Errorf("a page opened after the edits were sent offers them again")
	}
}

// TestBrowserSlowLink edits on an emulated meeting-room link (400 kbit/s,
// 400 ms), loses it, keeps typing, closes the page, opens it again once
// the link is back, and sends what was kept, while a co-editor typed in
// the meantime: the pages and the server converge on a text that holds
// everything once.
func TestBrowserSlowLink(t *testing.T) {
	site, b := start(t)
	proc := draftIn(t, site, "fr")
	draftPath := fmt.Sprintf("/procedures/%d", proc.ID)

	co := b.signedIn(t, demo.SecretariatEmail)
	co.open(draftPath)
	co.waitEditor()
	original := co.editorState().Text

	line := plugCable(t, site)
	m := b.newSession(t)
	m.emulateSlowLink()
	began := time.Now()
	m.open(line.URL + "/login")
	m.login(demo.MemberEmail, demo.Password)
	m.open(line.URL + draftPath)
	m.waitEditor()
	t.Logf("login and draft opened over the slow link in %v", time.Since(began).Round(time.Millisecond))

	// Typing on the slow link reaches everyone.
	if err := m.typeAtEnd(typedBefore); err != nil {
		t.Fatalf("type on the slow link: %v", err)
	}
	m.waitOwnText(typedBefore)
	converge(t, "on the slow link", co, m)

	// The link goes; the member goes on typing; so does the co-editor.
	line.pull()
	m.emulateOffline(true)
	m.waitConnection(`state !== "connected"`, "the page to notice the cut")
	if err := m.typeAtEnd(typedOffline); err != nil {
		t.Fatalf("type offline: %v", err)
	}
	if err := co.typeAtStart(typedMeanwhile); err != nil {
		t.Fatalf("the co-editor types: %v", err)
	}
	m.waitOwnText(typedOffline)
	co.waitOwnText(typedMeanwhile)
	co.waitSaved()
	unsent := m.waitKept(proc.DocumentID)

	// The page is closed; the link comes back, slow again; the page is
	// opened again and sends what was kept.
	m.closeTab()
	line.plug()
	r := m.reopenTab()
	r.emulateSlowLink()
	r.open(line.URL + draftPath)
	r.waitEditor()
	r.waitOffer(unsent)
	r.do("send the kept edits", chromedp.Click(chromedp.CSS(`#draft-recover button[data-recover="send"]`)))
	r.poll("wait for the kept edits to be sent", `document.querySelector('#draft-recover[data-state="sent"]') !== null`)
	state := converge(t, "after the link came back", co, r)
	checkLayout(t, state.Text, original, []string{typedMeanwhile}, []string{typedBefore, typedOffline})
	checkServer(t, site, proc.DocumentID, state)
	r.screenshot("after")
}

// emulateSlowLink makes the session's network the slow link above.
func (s *session) emulateSlowLink() {
	s.t.Helper()
	ctx, cancel := s.step()
	defer cancel()
	conditions := []*network.Conditions{{Latency: slowLatency, DownloadThroughput: slowThroughput, UploadThroughput: slowThroughput}}
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: conditions}); err != nil {
		s.t.Fatalf("emulate a slow link: %v", err)
	}
}

// keptJS counts the updates kept on the device for a document, in the
// store web/src/unsent.js writes.
const keptJS = `(doc) => new Promise((resolve) => {
	const open = indexedDB.open("tawla-unsent");
	open.onerror = () => resolve(-1);
	open.onsuccess = () => {
		const db = open.result;
		if (!db.objectStoreNames.contains("updates")) { db.close(); resolve(0); return; }
		const all = db.transaction("updates").objectStore("updates").getAll();
		all.onsuccess = () => { db.close(); resolve(all.result.filter((r) => r.doc === doc).reduce((n, r) => n + r.updates.length, 0)); };
		all.onerror = () => { db.close(); resolve(-1); };
	};
})`

// keptOnDevice returns how many updates of the document are kept on the
// device.
func (s *session) keptOnDevice(doc int64) int {
	s.t.Helper()
	ctx, cancel := s.step()
	defer cancel()
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf("(%s)(%d)", keptJS, doc), chromedp.EvalAwaitPromise))
	if err != nil {
		s.t.Fatalf("read what the device keeps: %v", err)
	}
	return kept
}

// waitKept waits until the device keeps every unsent update of the page,
// and returns their number.
func (s *session) waitKept(doc int64) int {
	s.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for {
		unsent := s.editorState().Unsent
		kept := s.keptOnDevice(doc)
		if unsent > 0 && kept == unsent {
			return kept
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the device keeps %d updates, the page has %d unsent", kept, unsent)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitOffer waits until the page offers the edits kept on the device and
// checks that it says how many.
func (s *session) waitOffer(n int) {
	s.t.Helper()
	s.poll("wait for the page to offer the kept edits", `document.querySelector('#draft-recover[data-state="waiting"]') !== null`)
	if got := s.attr("#draft-recover", "data-waiting"); got != fmt.Sprint(n) {
		s.t.Errorf("the page offers %s updates, want %d", got, n)
	}
	text := s.text("#draft-recover .draft-recover-text")
	if !strings.Contains(text, fmt.Sprint(n)) || !strings.Contains(text, "conservées sur cet appareil") {
		s.t.Errorf("the offer says %q: want the number %d and that they are kept on this device", text, n)
	}
}

// closeTab closes the session's tab as a person closes it: at once,
// without the page's leave confirmation.
func (s *session) closeTab() {
	s.t.Helper()
	c := chromedp.FromContext(s.ctx)
	ctx, cancel := s.step()
	defer cancel()
	if _, err := cdp.Call(ctx, c.Browser, target.CloseTarget, target.CloseTargetParams{TargetID: c.Target.TargetID}); err != nil {
		s.t.Fatalf("close the tab: %v", err)
	}
}

// reopenTab opens a new tab in the session's browser context: the same
// person on the same device, with the same cookies and storage.
func (s *session) reopenTab() *session {
	s.t.Helper()
	ctx, cancel := chromedp.NewContext(s.ctx)
	r := &session{t: s.t, b: s.b, ctx: ctx}
	s.t.Cleanup(func() {
		cancel()
		r.checkConsole()
	})
	if err := chromedp.Do(ctx); err != nil {
		s.t.Fatalf("open a tab: %v", err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			r.mu.Lock()
			r.console = append(r.console, m)
			r.mu.Unlock()
		}
	}()
	r.do("set the desktop size", chromedp.EmulateViewport(desktopWidth, desktopHeight))
	return r
}
