package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"tawla/demo"
	"tawla/workspace/sqlite"
)

// The page-weight budgets of issue 15, in bytes transferred (compressed,
// headers included), for a phone on the meeting room's Wi-Fi.
const (
	editorFirstBudget  = 150 * 1000
	editorSecondBudget = 15 * 1000
	pageBudget         = 50 * 1000
)

// transfer counts the bytes a tab receives, from Chromium's network
// events: Network.loadingFinished's encodedDataLength of every request
// that finished (what came over the wire: headers and the compressed
// body; nothing for a file read from the cache).
type transfer struct {
	mu       sync.Mutex
	bytes    float64
	requests int
	cached   int
	// encodings counts the responses by Content-Encoding ("" for none).
	encodings map[string]int
}

// listen starts counting the tab's traffic.
func (tr *transfer) listen(s *session) {
	s.t.Helper()
	ctx, cancel := s.step()
	defer cancel()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		s.t.Fatalf("enable the network events: %v", err)
	}
	if err := chromedp.Listen(s.ctx, func(ev any) {
		tr.mu.Lock()
		defer tr.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventLoadingFinished:
			tr.bytes += e.EncodedDataLength
			tr.requests++
		case *network.EventRequestServedFromCache:
			tr.cached++
		case *network.EventResponseReceived:
			if e.Response != nil && !e.Response.FromDiskCache {
				enc := ""
				for k, v := range e.Response.Headers {
					if strings.EqualFold(k, "Content-Encoding") {
						enc, _ = v.(string)
					}
				}
				if tr.encodings == nil {
					tr.encodings = map[string]int{}
				}
				tr.encodings[enc]++
			}
		}
	}); err != nil {
		s.t.Fatalf("listen to the network: %v", err)
	}
}

// reset starts a new count of the bytes (the encodings are counted over
// the whole test).
func (tr *transfer) reset() {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.bytes, tr.requests, tr.cached = 0, 0, 0
}

// read returns the count so far.
func (tr *transfer) read() (bytes float64, requests, cached int) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.bytes, tr.requests, tr.cached
}

// pageWeight is one line of the table.
type pageWeight struct {
	kind, path      string
	bytes           float64
	requests        int
	cached          int
	budget          float64
	firstOrReturned string
}

// TestBrowserPageWeight loads each kind of page in Chromium and sums the
// bytes transferred: the procedure editor's page under 150 KB on a first
// visit (nothing cached) and under 15 KB on a second, any other page under
// 50 KB on a first visit. It prints the table (go test -tags sqlite_fts5
// ./e2e/ -run TestBrowserPageWeight -v); docs/benchmarks.md lists it.
func TestBrowserPageWeight(t *testing.T) {
	site, b := start(t)
	ctx := t.Context()
	proc := draftIn(t, site, "fr")
	issues, _, err := site.DB.FindIssues(ctx, sqlite.IssueFilter{})
	if err != nil || len(issues) == 0 {
		t.Fatalf("find an issue: %d, %v", len(issues), err)
	}
	meetings, _, err := site.DB.FindMeetings(ctx, sqlite.MeetingFilter{})
	if err != nil || len(meetings) == 0 {
		t.Fatalf("find a meeting: %d, %v", len(meetings), err)
	}
	polls, err := site.DB.FindPolls(ctx, sqlite.PollFilter{})
	if err != nil || len(polls) == 0 {
		t.Fatalf("find a poll: %d, %v", len(polls), err)
	}

	s := b.newSession(t)
	var tr transfer
	tr.listen(s)
	noCache := func(disabled bool) {
		ctx, cancel := s.step()
		defer cancel()
		if _, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: disabled}); err != nil {
			t.Fatalf("set the cache (disabled %v): %v", disabled, err)
		}
	}
	var table []pageWeight
	measure := func(kind, path string, budget float64, visit string) {
		t.Helper()
		tr.reset()
		if status := s.open(path); status != http.StatusOK {
			t.Fatalf("GET %s: status %d", path, status)
		}
		// Whatever the page loads once it is shown (the editor's
		// preview, a live channel's first answers) is counted too.
		s.poll("wait for the page to load", `document.readyState === "complete"`)
		time.Sleep(1500 * time.Millisecond)
		bytes, requests, cached := tr.read()
		table = append(table, pageWeight{kind: kind, path: path, bytes: bytes, requests: requests, cached: cached, budget: budget, firstOrReturned: visit})
	}

	// Every first visit is made with the cache off: the page and all it
	// needs, as a phone that never came before downloads it.
	noCache(true)
	measure("login", "/login", pageBudget, "first")
	s.login(demo.MemberEmail, demo.Password)
	measure("home", "/", pageBudget, "first")
	measure("procedures", "/procedures", pageBudget, "first")
	procPath := fmt.Sprintf("/procedures/%d", proc.ID)
	measure("procedure editor", procPath, editorFirstBudget, "first")
	measure("issues", "/issues", pageBudget, "first")
	measure("issue", fmt.Sprintf("/issues/%d", issues[0].Issue.ID), pageBudget, "first")
	measure("meeting", fmt.Sprintf("/meetings/%d", meetings[0].ID), pageBudget, "first")
	measure("meeting room", fmt.Sprintf("/meetings/%d/room", meetings[0].ID), pageBudget, "first")
	measure("poll", fmt.Sprintf("/polls/%d", polls[0].ID), pageBudget, "first")
	// The public pages (issue 13), when this build has them.
	if public := publicProcedurePath(t, s); public != "" {
		measure("public procedure", public, pageBudget, "first")
	}

	// The editor's page again, with the cache on: once to fill it, then
	// after another page, as a person comes back to the draft.
	noCache(false)
	s.open(procPath)
	s.poll("wait for the page to load", `document.readyState === "complete"`)
	s.open("/procedures")
	measure("procedure editor", procPath, editorSecondBudget, "second")

	var out strings.Builder
	fmt.Fprintf(&out, "\n%-18s %-7s %-28s %9s %9s %8s %7s\n", "page", "visit", "path", "KB", "budget", "requests", "cached")
	for _, w := range table {
		fmt.Fprintf(&out, "%-18s %-7s %-28s %9.1f %9.0f %8d %7d\n", w.kind, w.firstOrReturned, w.path, w.bytes/1000, w.budget/1000, w.requests, w.cached)
	}
	tr.mu.Lock()
	fmt.Fprintf(&out, "responses by Content-Encoding: br %d, gzip %d, none %d\n", tr.encodings["br"], tr.encodings["gzip"], tr.encodings[""])
	tr.mu.Unlock()
	t.Log(out.String())
	for _, w := range table {
		if w.bytes > w.budget {
			t.Errorf("%s (%s visit, %s): %.1f KB transferred, over the budget of %.0f KB", w.kind, w.firstOrReturned, w.path, w.bytes/1000, w.budget/1000)
		}
		if w.bytes == 0 && w.firstOrReturned == "first" {
			t.Errorf("%s: no byte counted: are the network events still reported?", w.kind)
		}
	}
}

// publicProcedurePath returns the address of a published procedure's
// public page, or "" when this build has no public register (or nothing
// published in it).
func publicProcedurePath(t *testing.T, s *session) string {
	t.Helper()
	if status := s.open("/public/procedures"); status != http.StatusOK {
		t.Logf("no public register in this build (GET /public/procedures: %d): its page is not measured", status)
		return ""
	}
	href := evaluate[string](s, `(() => {
		const a = Array.from(document.querySelectorAll('a[href^="/public/procedures/PROC-"], a[href^="/public/procedures/proc-"]'))[0];
		return a ? a.getAttribute("href") : "";
	})()`)
	if href == "" {
		t.Logf("the public register lists no procedure: its page is not measured")
	}
	return href
}
