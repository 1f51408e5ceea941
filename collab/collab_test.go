package collab_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	wsclient "tawla/client"
	"tawla/collab"
	"tawla/demo"
	"tawla/workspace"
	"tawla/workspace/change"
)

// The co-editing tests drive the server with Go editors (package tawla/client)
// that behave as @codemirror/collab does in the browser, and with raw
// protocol messages where precision matters.

// collabDoc creates a procedure whose draft is text and returns the draft's
// document ID.
func collabDoc(t *testing.T, ts *testServer, text string) int64 {
	t.Helper()
	p := &workspace.Procedure{Title: "Parcours d'un migrant de retour " + strconv.Itoa(int(time.Now().UnixNano()%1e6)), Language: "fr", Category: workspace.CategoryOther}
	if err := ts.db.CreateProcedure(context.Background(), workspace.SystemActor("test"), p, text); err != nil {
		t.Fatalf("CreateProcedure: %v", err)
	}
	return p.DocumentID
}

// collabLogin logs in as the demo account with email through the client
// package.
func collabLogin(t *testing.T, ts *testServer, email string) *wsclient.Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := wsclient.Login(ctx, ts.URL, email, demo.Password)
	if err != nil {
		t.Fatalf("Login(%s): %v", email, err)
	}
	return s
}

// collabDial opens a websocket for the session.
func collabDial(t *testing.T, ctx context.Context, s *wsclient.Session) *wsclient.Conn {
	t.Helper()
	conn, err := s.Dial(ctx)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	return conn
}

// collabOpen opens the document in a new editor over a new connection; the
// editor is closed when the test ends.
func collabOpen(t *testing.T, ctx context.Context, s *wsclient.Session, docID int64, opts wsclient.Options) *wsclient.Editor {
	t.Helper()
	e, err := wsclient.Open(ctx, collabDial(t, ctx, s), docID, opts)
	if err != nil {
		t.Fatalf("Open(doc %d): %v", docID, err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// errorRecorder collects the errors editors report.
type errorRecorder struct {
	mu   sync.Mutex
	errs []string
}

func (r *errorRecorder) record(who string) func(error) {
	return func(err error) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.errs = append(r.errs, who+": "+err.Error())
	}
}

func (r *errorRecorder) check(t *testing.T) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, e := range r.errs {
		if i == 10 {
			t.Errorf("… and %d more errors", len(r.errs)-i)
			break
		}
		t.Errorf("editor error: %s", e)
	}
}

// collabSnippets are what the simulated typists insert: French with
// accents, Arabic, emoji made of surrogate pairs, with a skin-tone modifier,
// ZWJ sequences, a flag, a variation selector, line breaks.
var collabSnippets = []string{
	"é", "à", "ç", "œ", "Ê", "ô", "déjà ", "français ", "procédure ", "l'élève ", "« ", " »",
	"مرحبا", " بالعالم", "ي", "ة", "ﻻ", "مشروع صغير ",
	"😀", "👋🏽", "👨‍👩‍👧", "🧑🏿‍💻", "🇹🇳", "❤️", "𝔸",
	"\n", "\n\n", " ", "x", "—", "- [ ] ",
}

// unitBoundaries returns the UTF-16 offsets in s at which a change may
// start or end without splitting a surrogate pair: the start of every code
// point, and the end.
func unitBoundaries(s string, dst []int) []int {
	dst = dst[:0]
	pos := 0
	for _, r := range s {
		dst = append(dst, pos)
		if r >= 0x10000 {
			pos += 2
		} else {
			pos++
		}
	}
	return append(dst, pos)
}

// randomSnippet returns one to three snippets.
func randomSnippet(rng *rand.Rand) string {
	s := collabSnippets[rng.IntN(len(collabSnippets))]
	for range rng.IntN(3) {
		s += collabSnippets[rng.IntN(len(collabSnippets))]
	}
	return s
}

// typist makes random edits to a text: it returns the changes of one
// update, on code point boundaries of the text, or none.
type typist struct {
	rng    *rand.Rand
	bounds []int
	// maxLen is the length above which it mostly deletes.
	maxLen int
}

func (ty *typist) edit(text change.Text) []change.Spec {
	rng := ty.rng
	ty.bounds = unitBoundaries(text.String(), ty.bounds)
	b := ty.bounds
	n := len(b) - 1 // code points
	// rangeAt picks a range of up to 12 code points starting at b[i].
	rangeAt := func(i int) (int, int) {
		j := i + 1 + rng.IntN(min(12, n-i))
		return b[i], b[j]
	}
	op := rng.IntN(20)
	switch {
	case n == 0 || op < 9 && text.Len() < ty.maxLen:
		at := b[rng.IntN(len(b))]
		return []change.Spec{{From: at, To: at, Insert: randomSnippet(rng)}}
	case op < 15:
		from, to := rangeAt(rng.IntN(n))
		return []change.Spec{{From: from, To: to}}
	case op < 18:
		from, to := rangeAt(rng.IntN(n))
		return []change.Spec{{From: from, To: to, Insert: randomSnippet(rng)}}
	default:
		// Two changes in one update: an insertion and a later deletion.
		i := rng.IntN(len(b))
		specs := []change.Spec{{From: b[i], To: b[i], Insert: randomSnippet(rng)}}
		if i < n {
			from, to := rangeAt(i + rng.IntN(n-i))
			if from == b[i] {
				specs[0].To = to // one replacement rather than two touching changes
			} else {
				specs = append(specs, change.Spec{From: from, To: to})
			}
		}
		return specs
	}
}

// collabSeed returns the seed of a randomised test, from TAWLA_SEED when
// set, and logs it.
func collabSeed(t *testing.T) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("TAWLA_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("TAWLA_SEED=%q: %v", s, err)
		}
	}
	t.Logf("seed %d (run again with TAWLA_SEED=%d)", seed, seed)
	return seed
}

// replayStored rebuilds the document's text at version from the version-0
// text and every stored update, checking that the updates are versions
// 1..version with no client sequence number twice.
func replayStored(t *testing.T, ts *testServer, docID int64, initial string, version int) string {
	t.Helper()
	updates, err := ts.db.FindDocumentUpdates(context.Background(), docID, 0, version)
	if err != nil {
		t.Fatalf("FindDocumentUpdates: %v", err)
	}
	if len(updates) != version {
		t.Fatalf("stored updates: %d, want %d", len(updates), version)
	}
	text := change.NewText(initial)
	seen := map[string]bool{}
	for i, u := range updates {
		if u.Version != i+1 {
			t.Fatalf("stored update %d has version %d", i+1, u.Version)
		}
		key := u.ClientID + "/" + strconv.FormatInt(u.ClientSeq, 10)
		if seen[key] {
			t.Fatalf("update %s stored twice", key)
		}
		seen[key] = true
		set, err := change.ParseJSON([]byte(u.Changes))
		if err != nil {
			t.Fatalf("stored update %d: %v", u.Version, err)
		}
		if err := set.Apply(&text); err != nil {
			t.Fatalf("stored update %d: %v", u.Version, err)
		}
	}
	return text.String()
}

// waitRoomClosed waits until nobody has the document open on the server,
// so that it has saved its final snapshot.
func waitRoomClosed(t *testing.T, ts *testServer, docID int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		open := ts.collab.RoomOpen(docID)
		if !open {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("document %d is still open on the server", docID)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// checkConverged checks that every editor and the server hold the same
// text at the same version, and that the stored updates replayed from the
// first text and the snapshot the server saves give it too. It closes the
// editors.
func checkConverged(t *testing.T, ts *testServer, docID int64, initial string, editors []*wsclient.Editor) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	text, version, err := ts.collab.Text(ctx, docID)
	if err != nil {
		t.Fatalf("documentText: %v", err)
	}
	for i, e := range editors {
		if err := e.WaitVersion(ctx, version); err != nil {
			t.Fatalf("editor %d: waiting for version %d: %v (at %d)", i, version, err, e.Version())
		}
		if got := e.Version(); got != version {
			t.Errorf("editor %d at version %d, server at %d", i, got, version)
		}
		if got := e.Text(); got != text {
			t.Errorf("editor %d diverged from the server at version %d:\n%s", i, version, textDiff(got, text))
		}
	}
	if got := replayStored(t, ts, docID, initial, version); got != text {
		t.Errorf("replaying the stored updates diverges from the server:\n%s", textDiff(got, text))
	}
	for _, e := range editors {
		e.Close()
	}
	waitRoomClosed(t, ts, docID)
	// The room leaves the room map before it writes its closing snapshot
	// (so that a newcomer opens a new room at once): wait for the snapshot.
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, snap, after, err := ts.db.LoadDocument(ctx, docID)
		if err != nil {
			t.Fatalf("LoadDocument: %v", err)
		}
		if snap.Version == version && len(after) == 0 && snap.Content == text {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("after the last editor left: snapshot at version %d with %d updates after, want the text at version %d", snap.Version, len(after), version)
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	return text
}

// textDiff shows where two texts first differ.
func textDiff(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	for i > 0 && !utf8.RuneStart(got[min(i, len(got)-1)]) {
		i--
	}
	from := max(0, i-40)
	for from > 0 && !utf8.RuneStart(want[from]) {
		from--
	}
	clip := func(s string) string {
		if from >= len(s) {
			return ""
		}
		s = s[from:]
		if len(s) > 120 {
			s = s[:120]
		}
		return strings.ToValidUTF8(s, "?")
	}
	return fmt.Sprintf("got  (%d bytes) …%q…\nwant (%d bytes) …%q…", len(got), clip(got), len(want), clip(want))
}

// TestCollabConvergence simulates a table typing in one draft at once:
// several accounts, several connections each, random concurrent inserts,
// deletions and replacements in French, Arabic and emoji, random pauses,
// and connections that drop and come back with unconfirmed edits. At the
// end, every editor, the server, a replay of the stored updates from the
// first text and the snapshot must all hold the same text, and every local
// update must have been accepted exactly once.
func TestCollabConvergence(t *testing.T) {
	const minUpdates = 10_000
	seed := collabSeed(t)
	rng := rand.New(rand.NewPCG(seed, 0))
	ts := newTestServer(t)
	const initial = "# Créer sa petite entreprise au retour\n\nمرحبا 👋🏽\n"
	docID := collabDoc(t, ts, initial)

	emails := []string{demo.MemberEmail, demo.SecretariatEmail, demo.AdminEmail, "hela.jaziri@demo.tn", "leila.hammami@demo.tn"}
	sessions := make([]*wsclient.Session, len(emails))
	for i, email := range emails {
		sessions[i] = collabLogin(t, ts, email)
	}
	clients := 5 + rng.IntN(16)
	t.Logf("%d editors over %d accounts", clients, len(emails))

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var errs errorRecorder
	editors := make([]*wsclient.Editor, clients)
	for i := range editors {
		editors[i] = collabOpen(t, ctx, sessions[i%len(sessions)], docID, wsclient.Options{
			ClientID: fmt.Sprintf("sim-%d", i),
			OnError:  errs.record(fmt.Sprintf("editor %d", i)),
		})
	}

	var made atomic.Int64 // local updates made by every editor
	var reconnects atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for i, e := range editors {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(i)+1))
			ty := &typist{rng: rng, maxLen: 2000}
			// maxAhead bounds the unconfirmed updates of this editor:
			// some type in short bursts, some in long ones.
			maxAhead := 2 + rng.IntN(23)
			for made.Load() < minUpdates && ctx.Err() == nil {
				before := e.Seq()
				if err := e.Edit(ty.edit); err != nil {
					errs.record(fmt.Sprintf("editor %d", i))(fmt.Errorf("local edit: %w", err))
					return
				}
				made.Add(e.Seq() - before)
				switch r := rng.IntN(400); {
				case r == 0:
					// The network goes; the typist goes on, then it comes back.
					e.Disconnect()
					for range rng.IntN(6) {
						before := e.Seq()
						if err := e.Edit(ty.edit); err != nil {
							errs.record(fmt.Sprintf("editor %d", i))(fmt.Errorf("offline edit: %w", err))
						}
						made.Add(e.Seq() - before)
					}
					time.Sleep(time.Duration(rng.IntN(20)) * time.Millisecond)
					conn, err := sessions[i%len(sessions)].Dial(ctx)
					if err == nil {
						err = e.Reconnect(ctx, conn)
					}
					if err != nil {
						errs.record(fmt.Sprintf("editor %d", i))(fmt.Errorf("reconnect: %w", err))
						return
					}
					reconnects.Add(1)
				case r < 40:
					time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
				}
				// A typist far ahead of the server waits a little, as a
				// person would not type hundreds of keys a second: the cost
				// of mapping grows with the unconfirmed updates.
				for e.Unconfirmed() > maxAhead && ctx.Err() == nil && e.Connected() {
					time.Sleep(time.Millisecond)
				}
			}
			if err := e.Sync(ctx); err != nil {
				errs.record(fmt.Sprintf("editor %d", i))(fmt.Errorf("sync: %w", err))
			}
		})
	}
	wg.Wait()
	errs.check(t)
	if t.Failed() {
		t.FailNow()
	}
	_, version, err := ts.collab.Text(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d updates accepted in %v, %d reconnections", version, time.Since(start).Round(time.Millisecond), reconnects.Load())
	if int64(version) != made.Load() {
		t.Errorf("server at version %d, but the editors made %d updates: each must be accepted exactly once", version, made.Load())
	}
	if version < minUpdates {
		t.Errorf("only %d updates, want at least %d", version, minUpdates)
	}
	text := checkConverged(t, ts, docID, initial, editors)
	if !utf8.ValidString(text) {
		t.Errorf("the final text is not valid UTF-8")
	}
}

// TestCollabSlowTypists has typists behind a slow network (150 ms added to
// every message in each direction, so 300 ms to an answer) type at the
// same time as typists on a fast one. Their pushes are always behind the
// document, so the server rebases them; every push must be accepted the
// first time (no error, no resend: each push starts where the previous one
// ended and is acknowledged up to its last update), and all must converge.
func TestCollabSlowTypists(t *testing.T) {
	const latency = 150 * time.Millisecond
	seed := collabSeed(t)
	ts := newTestServer(t)
	const initial = "Étapes :\n"
	docID := collabDoc(t, ts, initial)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sessions := []*wsclient.Session{collabLogin(t, ts, demo.MemberEmail), collabLogin(t, ts, "mounir.benamor@demo.tn")}

	type pushLog struct {
		mu     sync.Mutex
		pushes []wsclient.PushInfo
	}
	var errs errorRecorder
	const slow, fast = 3, 3
	editors := make([]*wsclient.Editor, slow+fast)
	logs := make([]*pushLog, len(editors))
	for i := range editors {
		opts := wsclient.Options{ClientID: fmt.Sprintf("fast-%d", i), OnError: errs.record(fmt.Sprintf("editor %d", i))}
		if i < slow {
			opts.ClientID = fmt.Sprintf("slow-%d", i)
			opts.SendDelay, opts.ReceiveDelay = latency, latency
		}
		log := &pushLog{}
		logs[i] = log
		opts.OnPushed = func(p wsclient.PushInfo) {
			log.mu.Lock()
			log.pushes = append(log.pushes, p)
			log.mu.Unlock()
		}
		editors[i] = collabOpen(t, ctx, sessions[i%2], docID, opts)
	}

	var made atomic.Int64
	var wg sync.WaitGroup
	typing := 2 * time.Second
	for i, e := range editors {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(i)+1))
			ty := &typist{rng: rng, maxLen: 1500}
			pause := 10 * time.Millisecond
			if i < slow {
				pause = 25 * time.Millisecond
			}
			for end := time.Now().Add(typing); time.Now().Before(end); {
				before := e.Seq()
				if err := e.Edit(ty.edit); err != nil {
					errs.record(fmt.Sprintf("editor %d", i))(err)
					return
				}
				made.Add(e.Seq() - before)
				time.Sleep(pause/2 + time.Duration(rng.Int64N(int64(pause))))
			}
			if err := e.Sync(ctx); err != nil {
				errs.record(fmt.Sprintf("editor %d", i))(fmt.Errorf("sync: %w", err))
			}
		})
	}
	wg.Wait()
	errs.check(t)

	rebased := 0
	for i, log := range logs {
		log.mu.Lock()
		next := int64(1)
		for _, p := range log.pushes {
			if p.FirstSeq != next || p.AckSeq != p.LastSeq || p.Updates != int(p.LastSeq-p.FirstSeq+1) {
				t.Errorf("editor %d: push %+v after seq %d: want each update pushed once and acknowledged", i, p, next-1)
			}
			next = p.LastSeq + 1
			if i < slow && p.Version-p.BaseVersion > p.Updates {
				rebased++
			}
		}
		if got := editors[i].Seq(); next-1 != got {
			t.Errorf("editor %d made %d updates, pushed %d", i, got, next-1)
		}
		log.mu.Unlock()
	}
	if rebased == 0 {
		t.Errorf("no push of a slow typist was rebased: the test did not make them concurrent")
	}
	_, version, err := ts.collab.Text(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d updates; %d pushes of slow typists rebased over others", version, rebased)
	if int64(version) != made.Load() {
		t.Errorf("server at version %d, but the editors made %d updates", version, made.Load())
	}
	checkConverged(t, ts, docID, initial, editors)
}

// TestCollabRebaseOverEachUpdate pins how the server rebases a push that
// is behind: over each update accepted since its version in turn, as an
// editor that received those updates in separate messages has mapped its
// unconfirmed ones. Here a push replacing "abc" with "😀", based on version
// 0, comes after an update deleting "abc" and another inserting "👋🏽" in
// its place. Mapped over each, the "😀" lands after the "👋🏽", as in the
// pushing editor; mapped over the two composed (rebaseUpdates given both at
// once), it lands before, and that editor would diverge from the server.
func TestCollabRebaseOverEachUpdate(t *testing.T) {
	ts := newTestServer(t)
	docID := collabDoc(t, ts, "abc")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	pusher := collabDial(t, ctx, collabLogin(t, ts, demo.MemberEmail))
	defer pusher.Drop()
	rawSend(t, pusher, fmt.Sprintf(`{"type":"doc.join","doc":%d}`, docID))
	rawNext(t, pusher, "doc.state")

	other := collabOpen(t, ctx, collabLogin(t, ts, demo.SecretariatEmail), docID, wsclient.Options{})
	if err := other.Delete(0, 3); err != nil {
		t.Fatal(err)
	}
	if err := other.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := other.Insert(0, "👋🏽"); err != nil {
		t.Fatal(err)
	}
	if err := other.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	for v := range 2 {
		if m := rawNext(t, pusher, "doc.updates"); m.Version != v || len(m.Updates) != 1 {
			t.Fatalf("doc.updates %+v, want update %d alone", m, v+1)
		}
	}

	rawSend(t, pusher, fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":0,"updates":[{"clientID":"late","seq":1,"changes":[[3,"😀"]]}]}`, docID))
	m := rawNext(t, pusher, "doc.updates")
	if m.Version != 2 || len(m.Updates) != 1 || string(m.Updates[0].Changes) != `[4,[0,"😀"]]` {
		t.Fatalf("doc.updates %+v, want the replacement as an insertion after the 👋🏽", m)
	}
	rawNext(t, pusher, "doc.pushed")
	pusher.Drop()
	wantServerText(t, ts, docID, "👋🏽😀", 3)
	checkConverged(t, ts, docID, "abc", []*wsclient.Editor{other})
}

// collabMsg is any co-editing message from the server, for the tests that
// speak the protocol directly.
type collabMsg struct {
	Type    string `json:"type"`
	Doc     int64  `json:"doc"`
	Version int    `json:"version"`
	Seq     int64  `json:"seq"`
	Text    string `json:"text"`
	CanEdit bool   `json:"canEdit"`
	Updates []struct {
		ClientID string          `json:"clientID"`
		Changes  json.RawMessage `json:"changes"`
	} `json:"updates"`
	Peers  []wsclient.Peer `json:"peers"`
	Peer   string          `json:"peer"`
	Name   string          `json:"name"`
	Colour string          `json:"colour"`
	Event  string          `json:"event"`
	Anchor int             `json:"anchor"`
	Head   int             `json:"head"`
	// Messages are those a doc.peers message carries.
	Messages []collabMsg `json:"messages"`
	Code     string      `json:"code"`
	Message  string      `json:"message"`
	ID       int64       `json:"id"`
}

// rawSend sends one message as it is.
func rawSend(t *testing.T, conn *wsclient.Conn, msg string) {
	t.Helper()
	if err := conn.Send(context.Background(), []byte(msg)); err != nil {
		t.Fatalf("send %s: %v", msg, err)
	}
}

// rawNext reads the next message, which must have type want; doc.peer
// messages on the way are skipped, unless wanted.
func rawNext(t *testing.T, conn *wsclient.Conn, want string) collabMsg {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		data, err := conn.Receive(ctx)
		if err != nil {
			t.Fatalf("waiting for %s: %v", want, err)
		}
		var m collabMsg
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("message %s: %v", data, err)
		}
		if m.Type == "doc.peers" && want != "doc.peers" {
			// Joins are not what is awaited; anything else in the batch is.
			for _, sub := range m.Messages {
				if sub.Type == want {
					return sub
				}
				if sub.Type != "doc.peer" {
					t.Fatalf("got %s, want a %s message", data, want)
				}
			}
			continue
		}
		if m.Type == "doc.peer" && want != "doc.peer" {
			continue
		}
		if m.Type != want {
			t.Fatalf("got %s, want a %s message", data, want)
		}
		return m
	}
}

// rawQuiet checks that nothing else is on its way: a ping's pong is the
// next message.
func rawQuiet(t *testing.T, conn *wsclient.Conn) {
	t.Helper()
	rawSend(t, conn, `{"type":"ping","id":4242}`)
	if m := rawNext(t, conn, "pong"); m.ID != 4242 {
		t.Fatalf("pong %d, want 4242", m.ID)
	}
}

// waitServerVersion waits until the server's document reaches version.
func waitServerVersion(t *testing.T, ts *testServer, docID int64, version int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, v, err := ts.collab.Text(context.Background(), docID)
		if err != nil {
			t.Fatal(err)
		}
		if v >= version {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("document %d at version %d, want %d", docID, v, version)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// wantServerText checks the server's text and version of the document.
func wantServerText(t *testing.T, ts *testServer, docID int64, text string, version int) {
	t.Helper()
	got, v, err := ts.collab.Text(context.Background(), docID)
	if err != nil {
		t.Fatal(err)
	}
	if got != text || v != version {
		t.Fatalf("server: %q at version %d, want %q at version %d", got, v, text, version)
	}
}

// TestCollabIdempotentPush resends a push whose acknowledgement was lost:
// the connection drops after the server applied the push but before the
// client read doc.pushed; the client reconnects and sends the same push,
// with the same base version, again. It must be applied once.
func TestCollabIdempotentPush(t *testing.T) {
	ts := newTestServer(t)
	member := collabLogin(t, ts, demo.MemberEmail)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// pushOnceAndLoseAck joins the document, pushes, waits until the
	// server has applied the push and drops the connection unread.
	pushOnceAndLoseAck := func(t *testing.T, docID int64, push string) {
		conn := collabDial(t, ctx, member)
		rawSend(t, conn, fmt.Sprintf(`{"type":"doc.join","doc":%d}`, docID))
		if m := rawNext(t, conn, "doc.state"); m.Version != 0 || m.Text != "Bonjour" {
			t.Fatalf("doc.state: %+v", m)
		}
		rawSend(t, conn, push)
		waitServerVersion(t, ts, docID, 1)
		conn.Drop()
	}

	t.Run("LostAck", func(t *testing.T) {
		docID := collabDoc(t, ts, "Bonjour")
		push := fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":0,"updates":[{"clientID":"idem","seq":1,"changes":[7,[0," à tous 👋🏽"]]}]}`, docID)
		pushOnceAndLoseAck(t, docID, push)

		// Back, the client joins with the version it has and resends
		// straight away, before reading.
		conn := collabDial(t, ctx, member)
		defer conn.Drop()
		rawSend(t, conn, fmt.Sprintf(`{"type":"doc.join","doc":%d,"version":0}`, docID))
		rawSend(t, conn, push)
		m := rawNext(t, conn, "doc.updates")
		if m.Version != 0 || len(m.Updates) != 1 || m.Updates[0].ClientID != "idem" {
			t.Fatalf("missed updates: %+v", m)
		}
		if m := rawNext(t, conn, "doc.joined"); m.Version != 1 {
			t.Fatalf("doc.joined at version %d, want 1", m.Version)
		}
		if m := rawNext(t, conn, "doc.pushed"); m.Version != 1 || m.Seq != 1 {
			t.Fatalf("doc.pushed: version %d seq %d, want 1 and 1", m.Version, m.Seq)
		}
		rawQuiet(t, conn)
		wantServerText(t, ts, docID, "Bonjour à tous 👋🏽", 1)
		replayStored(t, ts, docID, "Bonjour", 1)
	})

	t.Run("AfterAnotherUpdate", func(t *testing.T) {
		docID := collabDoc(t, ts, "Bonjour")
		push := fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":0,"updates":[{"clientID":"idem","seq":1,"changes":[7,[0," à tous"]]}]}`, docID)
		pushOnceAndLoseAck(t, docID, push)

		// Someone else's update is accepted while the client is away.
		other := collabOpen(t, ctx, collabLogin(t, ts, demo.SecretariatEmail), docID, wsclient.Options{})
		if err := other.Insert(0, "« "); err != nil {
			t.Fatal(err)
		}
		if err := other.Sync(ctx); err != nil {
			t.Fatal(err)
		}

		conn := collabDial(t, ctx, member)
		defer conn.Drop()
		rawSend(t, conn, fmt.Sprintf(`{"type":"doc.join","doc":%d,"version":0}`, docID))
		rawSend(t, conn, push)
		if m := rawNext(t, conn, "doc.updates"); m.Version != 0 || len(m.Updates) != 2 {
			t.Fatalf("missed updates: %+v, want both", m)
		}
		rawNext(t, conn, "doc.joined")
		if m := rawNext(t, conn, "doc.pushed"); m.Version != 2 || m.Seq != 1 {
			t.Fatalf("doc.pushed: version %d seq %d, want 2 and 1", m.Version, m.Seq)
		}
		rawQuiet(t, conn)
		wantServerText(t, ts, docID, "« Bonjour à tous", 2)

		// The same push again with a new update after it, still based on
		// version 0: only the new one is applied, moved over the other's.
		rawSend(t, conn, fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":0,"updates":[`+
			`{"clientID":"idem","seq":1,"changes":[7,[0," à tous"]]},`+
			`{"clientID":"idem","seq":2,"changes":[14,[0," !"]]}]}`, docID))
		m := rawNext(t, conn, "doc.updates")
		if m.Version != 2 || len(m.Updates) != 1 || string(m.Updates[0].Changes) != `[16,[0," !"]]` {
			t.Fatalf("doc.updates: %+v, want seq 2 alone, rebased", m)
		}
		if m := rawNext(t, conn, "doc.pushed"); m.Version != 3 || m.Seq != 2 {
			t.Fatalf("doc.pushed: version %d seq %d, want 3 and 2", m.Version, m.Seq)
		}
		wantServerText(t, ts, docID, "« Bonjour à tous !", 3)
		if err := other.WaitVersion(ctx, 3); err != nil {
			t.Fatal(err)
		}
		if got := other.Text(); got != "« Bonjour à tous !" {
			t.Fatalf("other editor: %q", got)
		}
		replayStored(t, ts, docID, "Bonjour", 3)
	})
}

// TestCollabPresence checks that joins, leaves and selections reach the
// others, with the name and colour the server knows, whatever the client
// claims.
func TestCollabPresence(t *testing.T) {
	ts := newTestServer(t)
	docID := collabDoc(t, ts, "Bonjour tout le monde")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	member, secretariat := ts.account(t, demo.MemberEmail), ts.account(t, demo.SecretariatEmail)

	peers := make(chan wsclient.PeerEvent, 16)
	presences := make(chan wsclient.Presence, 16)
	a := collabOpen(t, ctx, collabLogin(t, ts, demo.MemberEmail), docID, wsclient.Options{
		OnPeer:     func(p wsclient.PeerEvent) { peers <- p },
		OnPresence: func(p wsclient.Presence) { presences <- p },
	})
	nextPeer := func() wsclient.PeerEvent {
		t.Helper()
		select {
		case p := <-peers:
			return p
		case <-ctx.Done():
			t.Fatal("no doc.peer message")
			return wsclient.PeerEvent{}
		}
	}

	b := collabDial(t, ctx, collabLogin(t, ts, demo.SecretariatEmail))
	defer b.Drop()
	rawSend(t, b, fmt.Sprintf(`{"type":"doc.join","doc":%d}`, docID))
	state := rawNext(t, b, "doc.state")
	want := wsclient.Peer{Name: member.Name, Colour: collab.PeerColour(member.ID)}
	if len(state.Peers) != 1 || state.Peers[0].Name != want.Name || state.Peers[0].Colour != want.Colour || state.Peers[0].ID == "" {
		t.Fatalf("doc.state peers: %+v, want the member, %+v", state.Peers, want)
	}
	if !state.CanEdit {
		t.Errorf("the secretariat may not edit")
	}
	joined := nextPeer()
	wantB := wsclient.Peer{ID: joined.ID, Name: secretariat.Name, Colour: collab.PeerColour(secretariat.ID)}
	if !joined.Joined || joined.Peer != wantB || joined.ID == "" || joined.ID == state.Peers[0].ID {
		t.Fatalf("doc.peer: %+v, want the secretariat joining", joined)
	}
	if got := a.Peers(); len(got) != 1 || got[0] != wantB {
		t.Fatalf("Peers: %+v, want %+v", got, wantB)
	}

	// The client claims another name and colour: the server's are shown.
	rawSend(t, b, fmt.Sprintf(`{"type":"doc.presence","doc":%d,"version":0,"anchor":3,"head":7,"name":"Mallory","colour":"#000000","peer":"1"}`, docID))
	select {
	case p := <-presences:
		if p.Peer != wantB || p.Version != 0 || p.Anchor != 3 || p.Head != 7 {
			t.Fatalf("doc.presence: %+v, want %+v at 3..7", p, wantB)
		}
	case <-ctx.Done():
		t.Fatal("no doc.presence message")
	}

	if err := a.SetPresence(5, 5); err != nil {
		t.Fatal(err)
	}
	p := rawNext(t, b, "doc.presence")
	if p.Peer != state.Peers[0].ID || p.Name != member.Name || p.Colour != collab.PeerColour(member.ID) || p.Anchor != 5 || p.Head != 5 {
		t.Fatalf("doc.presence: %+v, want the member at 5", p)
	}

	// Leaving, by message or by losing the connection, is announced.
	rawSend(t, b, fmt.Sprintf(`{"type":"doc.leave","doc":%d}`, docID))
	if left := nextPeer(); left.Joined || left.Peer != wantB {
		t.Fatalf("doc.peer: %+v, want the secretariat leaving", left)
	}
	rawSend(t, b, fmt.Sprintf(`{"type":"doc.join","doc":%d}`, docID))
	rawNext(t, b, "doc.state")
	if again := nextPeer(); !again.Joined || again.Peer != wantB {
		t.Fatalf("doc.peer: %+v, want the secretariat joining again", again)
	}
	b.Drop()
	if left := nextPeer(); left.Joined || left.Peer != wantB {
		t.Fatalf("doc.peer: %+v, want the secretariat gone with its connection", left)
	}
	if got := a.Peers(); len(got) != 0 {
		t.Fatalf("Peers: %+v, want none", got)
	}
	select {
	case p := <-presences:
		t.Fatalf("the member received its own presence or a stray one: %+v", p)
	default:
	}
}

// TestCollabRoleChangeNextPush demotes a member who has the draft open to
// stakeholder: the next push is refused without a reconnect, changes
// nothing, and the connection stays open (stakeholders still read); once
// promoted back, the same connection pushes again.
func TestCollabRoleChangeNextPush(t *testing.T) {
	ts := newTestServer(t)
	docID := collabDoc(t, ts, "Brouillon")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const email = "nizar.bouzid@demo.tn"
	acc := ts.account(t, email)

	var errs []string
	var mu sync.Mutex
	e := collabOpen(t, ctx, collabLogin(t, ts, email), docID, wsclient.Options{OnError: func(err error) {
		mu.Lock()
		errs = append(errs, err.Error())
		mu.Unlock()
	}})
	if !e.CanEdit() {
		t.Fatal("a member may not edit the draft")
	}
	if err := e.Insert(9, " v1"); err != nil {
		t.Fatal(err)
	}
	if err := e.Sync(ctx); err != nil {
		t.Fatalf("Sync as a member: %v", err)
	}

	setRole := func(role workspace.Role) {
		t.Helper()
		a := *acc
		a.Role = role
		if err := ts.db.UpdateAccount(ctx, workspace.SystemActor("test"), &a); err != nil {
			t.Fatalf("change role: %v", err)
		}
	}
	setRole(workspace.RoleStakeholder)

	if err := e.Insert(0, "Non : "); err != nil {
		t.Fatal(err)
	}
	err := e.Sync(ctx)
	var se *wsclient.ServerError
	if !errors.As(err, &se) || se.Code != workspace.EFORBIDDEN || se.Doc != docID {
		t.Fatalf("Sync as a stakeholder: %v, want a forbidden error for document %d", err, docID)
	}
	wantServerText(t, ts, docID, "Brouillon v1", 1)

	// Still connected: the others' updates arrive.
	other := collabOpen(t, ctx, collabLogin(t, ts, demo.AdminEmail), docID, wsclient.Options{})
	if err := other.Insert(12, " (relu)"); err != nil {
		t.Fatal(err)
	}
	if err := other.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.WaitVersion(ctx, 2); err != nil {
		t.Fatalf("the demoted member's connection: %v", err)
	}
	if !e.Connected() {
		t.Fatal("the demoted member was disconnected")
	}
	if got, want := e.Text(), "Non : Brouillon v1 (relu)"; got != want {
		t.Fatalf("demoted member's text %q, want %q (with the refused edit kept locally)", got, want)
	}

	setRole(workspace.RoleMember)
	if err := e.Sync(ctx); err != nil {
		t.Fatalf("Sync after promotion: %v", err)
	}
	wantServerText(t, ts, docID, "Non : Brouillon v1 (relu)", 3)
	mu.Lock()
	defer mu.Unlock()
	if len(errs) != 1 || !strings.Contains(errs[0], "(forbidden)") {
		t.Errorf("errors: %q, want the one forbidden push", errs)
	}
}

// TestCollabMissedUpdatesAsBroadcast checks that a client that joins with
// an old version receives the updates it missed exactly as they were
// broadcast when they were accepted: from a room that has them in memory,
// and from one that loaded them from the store.
func TestCollabMissedUpdatesAsBroadcast(t *testing.T) {
	ts := newTestServer(t)
	docID := collabDoc(t, ts, "abc")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sess := collabLogin(t, ts, demo.MemberEmail)

	updatesOf := func(conn *wsclient.Conn) []string {
		t.Helper()
		for {
			data, err := conn.Receive(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var m struct {
				Type    string            `json:"type"`
				Updates []json.RawMessage `json:"updates"`
			}
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatal(err)
			}
			switch m.Type {
			case "doc.peer", "doc.peers", "doc.pushed":
				continue
			case "doc.updates":
				var raw []string
				for _, u := range m.Updates {
					raw = append(raw, string(u))
				}
				return raw
			}
			t.Fatalf("got %s, want doc.updates", data)
		}
	}

	pusher := collabDial(t, ctx, sess)
	defer pusher.Drop()
	rawSend(t, pusher, fmt.Sprintf(`{"type":"doc.join","doc":%d}`, docID))
	rawNext(t, pusher, "doc.state")
	// A client ID that JSON escapes, and text of every width.
	const client = `a<b&"c`
	rawSend(t, pusher, fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":0,"updates":[`+
		`{"clientID":"a<b&\"c","seq":1,"changes":[3,[0,"é👋"]]},`+
		`{"clientID":"a<b&\"c","seq":2,"changes":[[1],5]}]}`, docID))
	broadcast := updatesOf(pusher)
	rawSend(t, pusher, fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":2,"updates":[`+
		`{"clientID":"a<b&\"c","seq":3,"changes":[1,[2,"مرحبا","x"],2]}]}`, docID))
	broadcast = append(broadcast, updatesOf(pusher)...)
	if len(broadcast) != 3 || !strings.Contains(broadcast[0], `\u003cb\u0026\"c`) {
		t.Fatalf("broadcast %q, want 3 updates of client %q", broadcast, client)
	}

	late := collabDial(t, ctx, sess)
	rawSend(t, late, fmt.Sprintf(`{"type":"doc.join","doc":%d,"version":0}`, docID))
	if got := updatesOf(late); fmt.Sprint(got) != fmt.Sprint(broadcast) {
		t.Errorf("missed updates from the open room:\n got %q\nwant %q", got, broadcast)
	}
	late.Drop()
	pusher.Drop()
	waitRoomClosed(t, ts, docID)

	reloaded := collabDial(t, ctx, sess)
	defer reloaded.Drop()
	rawSend(t, reloaded, fmt.Sprintf(`{"type":"doc.join","doc":%d,"version":1}`, docID))
	if got := updatesOf(reloaded); fmt.Sprint(got) != fmt.Sprint(broadcast[1:]) {
		t.Errorf("missed updates from a reloaded room:\n got %q\nwant %q", got, broadcast[1:])
	}
}
