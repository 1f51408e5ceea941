package collab_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tawla/collab"
	"tawla/demo"
	"tawla/server"
	"tawla/workspace"
	"tawla/workspace/change"
	"tawla/workspace/sqlite"
)

// TestCollabCrashRecovery kills a real server process with SIGKILL in the
// middle of a stream of pushes from several clients, restarts it on the
// same database file, and checks that every acknowledged update survived
// exactly once, then that the clients' re-sent pushes double nothing.
//
// The server process is this test binary run again in helper mode
// (TestHelperCollabServerProcess): it opens the store and serves
// server.New behind a net/http server, as "tawla serve" does.

// Environment of the helper process.
const (
	crashDataEnv = "TAWLA_TEST_CRASH_SERVER_DATA" // the database file; set only in the helper
	crashAddrEnv = "TAWLA_TEST_CRASH_SERVER_ADDR" // the address to listen on
)

// crashListening prefixes the line on which the helper tells its address.
const crashListening = "crash-server listening on "

// crashSnapshotEvery makes the helper write snapshots often, so that the
// document is rebuilt from a snapshot and the updates after it.
const crashSnapshotEvery = 50

// TestHelperCollabServerProcess is the server process of
// TestCollabCrashRecovery; it does nothing in a normal test run.
func TestHelperCollabServerProcess(t *testing.T) {
	data := os.Getenv(crashDataEnv)
	if data == "" {
		t.Skip("the server process of TestCollabCrashRecovery")
	}
	// The parent holds our stdin: when it goes, we go.
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(3)
	}()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, data)
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	ln, err := net.Listen("tcp", os.Getenv(crashAddrEnv))
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	app, err := server.New(server.Config{
		BaseURL: "http://" + ln.Addr().String(),
		Logger:  logger,
		Collab:  collab.Limits{SnapshotEvery: crashSnapshotEvery},
	}, db)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	// The same HTTP server settings as cmd/tawla.
	hs := &http.Server{
		Handler:           app,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	fmt.Printf("%s%s\n", crashListening, ln.Addr())
	err = hs.Serve(ln)
	t.Fatalf("serve: %v", err) // Serve only returns on failure: the parent kills us
}

// crashServer is a running helper process.
type crashServer struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	addr   string
	stderr string // file receiving the process's logs
	done   chan struct{}
}

// startCrashServer runs a server process over the database file data,
// listening on addr, and returns once it accepts connections.
func startCrashServer(t *testing.T, data, addr, stderrFile string) *crashServer {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperCollabServerProcess$", "-test.count=1", "-test.timeout=10m")
	cmd.Env = append(os.Environ(), crashDataEnv+"="+data, crashAddrEnv+"="+addr)
	logs, err := os.OpenFile(stderrFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer logs.Close()
	cmd.Stderr = logs
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &crashServer{cmd: cmd, stderr: stderrFile, done: make(chan struct{})}
	if s.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the server process: %v", err)
	}
	go func() {
		_ = cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(s.kill)

	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		found := false
		for sc.Scan() {
			if line := sc.Text(); !found && strings.HasPrefix(line, crashListening) {
				found = true
				lines <- strings.TrimPrefix(line, crashListening)
			}
		}
		close(lines)
	}()
	select {
	case a, ok := <-lines:
		if !ok {
			t.Fatalf("the server process ended before listening:\n%s", s.logs())
		}
		s.addr = a
	case <-time.After(60 * time.Second):
		t.Fatalf("the server process did not start listening:\n%s", s.logs())
	}
	return s
}

// kill ends the process with SIGKILL and waits until it is gone.
func (s *crashServer) kill() {
	_ = s.cmd.Process.Kill()
	<-s.done
	s.stdin.Close()
}

// logs returns what the process has logged.
func (s *crashServer) logs() string {
	b, _ := os.ReadFile(s.stderr)
	return string(b)
}

func (s *crashServer) url() string { return "http://" + s.addr }

// crashPush is a push waiting for its acknowledgement: one update
// inserting char, sent as frame.
type crashPush struct {
	seq   int64
	char  rune
	frame string
}

// crashClient is a minimal co-editing client: it keeps one push in flight,
// follows the document's version and text from doc.updates, and records
// which of its updates the server acknowledged.
type crashClient struct {
	index    int
	email    string
	clientID string
	jar      http.CookieJar
	rng      *rand.Rand

	ws      *websocket.Conn
	docID   int64
	text    change.Text
	version int
	seq     int64
	pending *crashPush
	// acked holds the sequence numbers the server acknowledged, by
	// doc.pushed or by sending the update back in doc.updates.
	acked map[int64]bool
	// chars holds the character each sequence number inserts.
	chars map[int64]rune
}

// crashCharOf is the character the update (client, seq) inserts: one
// UTF-16 unit, distinct for every update of the test.
func crashCharOf(client int, seq int64) rune {
	return rune(0x4E00 + client*0x800 + int(seq))
}

// crashMaxSeq bounds the updates of one client, so that characters stay
// distinct.
const crashMaxSeq = 0x7FF

// login logs the client in through the login form of the server at base.
func (c *crashClient) login(t *testing.T, base string) {
	t.Helper()
	hc := &http.Client{
		Jar:           c.jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer hc.CloseIdleConnections()
	form := url.Values{"email": {c.email}, "password": {demo.Password}}
	req, err := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("login as %s: %v", c.email, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login as %s: status %d, want 303", c.email, resp.StatusCode)
	}
}

// crashDial opens the live channel of the server at base with the client's
// session cookie.
func crashDial(jar http.CookieJar, base string) (*websocket.Conn, error) {
	d := websocket.Dialer{Jar: jar, HandshakeTimeout: 10 * time.Second}
	ws, resp, err := d.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws", http.Header{"Origin": {base}})
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	return ws, err
}

// read returns the next message, or an error once the connection fails.
func (c *crashClient) read() (rejFrame, error) {
	return rejRead(c.ws, 20*time.Second)
}

// handle applies one message from the server to the client's state. It
// returns an error on a message that breaks the protocol.
func (c *crashClient) handle(f rejFrame) error {
	switch f.Type {
	case "doc.updates":
		if f.Version != c.version {
			return fmt.Errorf("%s: doc.updates from version %d, the client is at %d", c.clientID, f.Version, c.version)
		}
		for _, u := range f.Updates {
			set, err := change.ParseJSON(u.Changes)
			if err != nil {
				return fmt.Errorf("%s: update %d: %v", c.clientID, c.version+1, err)
			}
			if err := set.Apply(&c.text); err != nil {
				return fmt.Errorf("%s: update %d: %v", c.clientID, c.version+1, err)
			}
			c.version++
			if u.ClientID == c.clientID {
				if c.pending == nil {
					return fmt.Errorf("%s: an update of its own at version %d, with no push in flight", c.clientID, c.version)
				}
				c.acked[c.pending.seq] = true
			}
		}
	case "doc.pushed":
		if c.pending == nil || f.Seq != c.pending.seq {
			return fmt.Errorf("%s: %s, with push %v in flight", c.clientID, f, c.pending)
		}
		if f.Version > c.version {
			return fmt.Errorf("%s: %s before the updates up to it", c.clientID, f)
		}
		c.acked[c.pending.seq] = true
		c.pending = nil
	case "error":
		return fmt.Errorf("%s: %s", c.clientID, f)
	}
	return nil
}

// pushNext sends a new push: one character at a random position of the
// text the client has.
func (c *crashClient) pushNext() error {
	c.seq++
	ch := crashCharOf(c.index, c.seq)
	n := c.text.Len()
	pos := c.rng.IntN(n + 1)
	var changes string
	switch {
	case pos == 0:
		changes = fmt.Sprintf(`[[0,"%c"],%d]`, ch, n)
	case pos == n:
		changes = fmt.Sprintf(`[%d,[0,"%c"]]`, n, ch)
	default:
		changes = fmt.Sprintf(`[%d,[0,"%c"],%d]`, pos, ch, n-pos)
	}
	p := &crashPush{seq: c.seq, char: ch, frame: fmt.Sprintf(
		`{"type":"doc.push","doc":%d,"version":%d,"updates":[{"clientID":%q,"seq":%d,"changes":%s}]}`,
		c.docID, c.version, c.clientID, c.seq, changes)}
	c.pending = p
	c.chars[p.seq] = ch
	return c.send(p.frame)
}

func (c *crashClient) send(msg string) error {
	_ = c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, []byte(msg))
}

// stream pushes one update after another until the connection fails,
// counting acknowledgements in acks. It returns the protocol error that
// stopped it, or nil when the connection went away.
func (c *crashClient) stream(acks *atomic.Int64) error {
	for {
		if c.pending == nil && c.seq < crashMaxSeq {
			if err := c.pushNext(); err != nil {
				return nil
			}
		}
		f, err := c.read()
		if err != nil {
			return nil
		}
		before := len(c.acked)
		if err := c.handle(f); err != nil {
			return err
		}
		acks.Add(int64(len(c.acked) - before))
	}
}

// join opens the document: the whole text when the client has none yet,
// else the updates it missed since its version.
func (c *crashClient) join(base string, fresh bool) error {
	ws, err := crashDial(c.jar, base)
	if err != nil {
		return fmt.Errorf("%s: dial: %w", c.clientID, err)
	}
	c.ws = ws
	if fresh {
		if err := c.send(fmt.Sprintf(`{"type":"doc.join","doc":%d}`, c.docID)); err != nil {
			return err
		}
	} else if err := c.send(fmt.Sprintf(`{"type":"doc.join","doc":%d,"version":%d}`, c.docID, c.version)); err != nil {
		return err
	}
	for {
		f, err := c.read()
		if err != nil {
			return fmt.Errorf("%s: join: %w", c.clientID, err)
		}
		switch {
		case f.Type == "doc.state" && fresh:
			c.text, c.version = change.NewText(f.Text), f.Version
			return nil
		case f.Type == "doc.joined" && !fresh:
			if f.Version != c.version {
				return fmt.Errorf("%s: joined at version %d, the client is at %d", c.clientID, f.Version, c.version)
			}
			return nil
		}
		if err := c.handle(f); err != nil {
			return err
		}
	}
}

// crashKey identifies an update by its client and sequence number.
type crashKey struct {
	clientID string
	seq      int64
}

// checkCrashStore opens the database file (no server may be running on
// it) and checks the stored history: versions 1..N without a gap, no
// update twice, the text rebuilt from the latest snapshot equal to the
// one replayed from the first text. It returns the text, the version and
// the stored updates by key.
func checkCrashStore(t *testing.T, data string, docID int64, initial string) (string, int, map[crashKey]int) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, data)
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	defer db.Close()
	doc, snap, _, err := db.LoadDocument(ctx, docID)
	if err != nil {
		t.Fatalf("LoadDocument: %v", err)
	}
	ups, err := db.FindDocumentUpdates(ctx, docID, 0, doc.Version)
	if err != nil {
		t.Fatal(err)
	}
	if len(ups) != doc.Version {
		t.Fatalf("the document is at version %d with %d updates stored", doc.Version, len(ups))
	}
	stored := map[crashKey]int{}
	replayed := change.NewText(initial)
	for i, u := range ups {
		if u.Version != i+1 {
			t.Fatalf("update %d has version %d: versions are not contiguous", i+1, u.Version)
		}
		k := crashKey{u.ClientID, u.ClientSeq}
		if v, dup := stored[k]; dup {
			t.Fatalf("update %s/%d stored twice: versions %d and %d", k.clientID, k.seq, v, u.Version)
		}
		stored[k] = u.Version
		set, err := change.ParseJSON([]byte(u.Changes))
		if err != nil {
			t.Fatalf("update %d: %v", u.Version, err)
		}
		if err := set.Apply(&replayed); err != nil {
			t.Fatalf("update %d: %v", u.Version, err)
		}
	}
	rebuilt, version, err := db.LoadDocumentText(ctx, docID)
	if err != nil {
		t.Fatalf("rebuild from the snapshot: %v", err)
	}
	if version != doc.Version || rebuilt.String() != replayed.String() {
		t.Fatalf("rebuilt from snapshot %d: %q at version %d; replayed from the first text: %q at version %d",
			snap.Version, rebuilt.String(), version, replayed.String(), doc.Version)
	}
	t.Logf("store: version %d, latest snapshot at version %d", doc.Version, snap.Version)
	return rebuilt.String(), doc.Version, stored
}

// crashCountChars checks that each character of want appears in text as
// many times as want says.
func crashCountChars(t *testing.T, what, text string, want map[rune]int) {
	t.Helper()
	got := map[rune]int{}
	for _, r := range text {
		if _, ok := want[r]; ok {
			got[r]++
		}
	}
	for r, n := range want {
		if got[r] != n {
			t.Errorf("%s: character %U appears %d times, want %d", what, r, got[r], n)
		}
	}
}

func TestCollabCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	ctx := context.Background()
	dir := t.TempDir()
	data := filepath.Join(dir, "tawla.db")
	stderr := filepath.Join(dir, "server.log")
	const initial = "Parcours d'un migrant de retour — مسار العائد\n"

	db, err := sqlite.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	p := &workspace.Procedure{Title: "Créer une petite entreprise au retour", Language: "fr", Category: workspace.CategoryOther}
	if err := db.CreateProcedure(ctx, workspace.SystemActor("test"), p, initial); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if t.Failed() {
			b, _ := os.ReadFile(stderr)
			t.Logf("server logs:\n%s", b)
		}
	}()

	srv := startCrashServer(t, data, "127.0.0.1:0", stderr)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	emails := []string{demo.MemberEmail, "hela.jaziri@demo.tn", "rim.sassi@demo.tn", demo.SecretariatEmail, "wafa.mabrouk@demo.tn"}
	clients := make([]*crashClient, len(emails))
	for i, email := range emails {
		jar, _ := cookiejar.New(nil)
		c := &crashClient{
			index: i, email: email, clientID: fmt.Sprintf("crash-%d", i), jar: jar,
			rng: rand.New(rand.NewPCG(seed, uint64(i))), docID: p.DocumentID,
			acked: map[int64]bool{}, chars: map[int64]rune{},
		}
		c.login(t, srv.url())
		if err := c.join(srv.url(), true); err != nil {
			t.Fatal(err)
		}
		clients[i] = c
	}

	// Stream pushes from every client at once; kill the server once some
	// hundreds are acknowledged, while the clients go on pushing.
	// The kill falls anywhere between 300 and 700 acknowledgements.
	killAfter := int64(300 + rand.New(rand.NewPCG(seed, 99)).IntN(400))
	var acks atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, len(clients))
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = c.stream(&acks)
		}()
	}
	streamsDone := make(chan struct{})
	go func() {
		wg.Wait()
		close(streamsDone)
	}()
	start := time.Now()
	for acks.Load() < killAfter {
		select {
		case <-streamsDone:
			srv.kill()
			t.Fatalf("the streams ended after %d acknowledgements (errors %v)", acks.Load(), errs)
		case <-time.After(time.Millisecond):
		}
		if time.Since(start) > 2*time.Minute {
			srv.kill()
			<-streamsDone
			t.Fatalf("only %d acknowledgements after %v (errors %v)", acks.Load(), time.Since(start), errs)
		}
	}
	srv.kill()
	killedAt := acks.Load()
	<-streamsDone
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	inFlight := 0
	for _, c := range clients {
		if c.pending != nil {
			inFlight++
		}
	}
	t.Logf("killed after %d acknowledgements (%v), %d acknowledged in all, %d pushes in flight", killedAt, time.Since(start).Round(time.Millisecond), acks.Load(), inFlight)

	// Every acknowledged update is stored exactly once; nothing a client
	// did not send is stored.
	text, version, stored := checkCrashStore(t, data, p.DocumentID, initial)
	want := map[rune]int{}
	for _, c := range clients {
		for seq := int64(1); seq <= c.seq; seq++ {
			_, in := stored[crashKey{c.clientID, seq}]
			switch {
			case c.acked[seq] && !in:
				t.Errorf("update %s/%d was acknowledged but is not stored", c.clientID, seq)
			case !in && (c.pending == nil || seq != c.pending.seq):
				t.Errorf("update %s/%d is not stored, yet the client went on to the next", c.clientID, seq)
			}
			if in {
				want[c.chars[seq]] = 1
			} else {
				want[c.chars[seq]] = 0
			}
		}
	}
	for k := range stored {
		if !strings.HasPrefix(k.clientID, "crash-") {
			t.Errorf("stored update %s/%d from no client of the test", k.clientID, k.seq)
		}
	}
	if len(stored) != version {
		t.Fatalf("%d updates stored at version %d", len(stored), version)
	}
	lost := 0
	for _, c := range clients {
		if c.pending != nil && !c.acked[c.pending.seq] {
			if _, in := stored[crashKey{c.clientID, c.pending.seq}]; in {
				lost++
			}
		}
	}
	t.Logf("%d updates stored whose acknowledgement the crash lost", lost)
	crashCountChars(t, "after the crash", text, want)
	if t.Failed() {
		t.FailNow()
	}

	// The restarted server serves the stored text.
	srv = startCrashServer(t, data, srv.addr, stderr)
	observer := &crashClient{clientID: "observer", jar: clients[0].jar, docID: p.DocumentID, acked: map[int64]bool{}}
	if err := observer.join(srv.url(), true); err != nil {
		t.Fatal(err)
	}
	if observer.text.String() != text || observer.version != version {
		t.Fatalf("restarted server: %q at version %d, want the stored %q at version %d", observer.text.String(), observer.version, text, version)
	}
	observer.ws.Close()

	// The clients reconnect with the version they have, catch up, and
	// send their unconfirmed push again, exactly as they first sent it.
	var resent sync.WaitGroup
	for i, c := range clients {
		resent.Add(1)
		go func() {
			defer resent.Done()
			errs[i] = func() error {
				if err := c.join(srv.url(), false); err != nil {
					return err
				}
				if c.pending == nil {
					return nil
				}
				if err := c.send(c.pending.frame); err != nil {
					return err
				}
				for c.pending != nil {
					f, err := c.read()
					if err != nil {
						return fmt.Errorf("%s: waiting for the acknowledgement of the re-sent push: %w", c.clientID, err)
					}
					if err := c.handle(f); err != nil {
						return err
					}
				}
				return nil
			}()
		}()
	}
	resent.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}

	// Everyone ends on the same text, where each character pushed appears
	// exactly once.
	final := &crashClient{clientID: "final", jar: clients[0].jar, docID: p.DocumentID, acked: map[int64]bool{}}
	if err := final.join(srv.url(), true); err != nil {
		t.Fatal(err)
	}
	for _, c := range clients {
		for c.version < final.version {
			f, err := c.read()
			if err != nil {
				t.Fatalf("%s: catching up to version %d: %v", c.clientID, final.version, err)
			}
			if err := c.handle(f); err != nil {
				t.Fatal(err)
			}
		}
		if got := c.text.String(); got != final.text.String() || c.version != final.version {
			t.Fatalf("%s has %q at version %d, the server %q at version %d", c.clientID, got, c.version, final.text.String(), final.version)
		}
	}
	for r := range want {
		want[r] = 1
	}
	crashCountChars(t, "after the re-sent pushes", final.text.String(), want)
	if got, wantLen := final.text.Len(), change.NewText(initial).Len()+len(want); got != wantLen {
		t.Errorf("final text of %d units, want %d (the first text and one per update)", got, wantLen)
	}

	srv.kill()
	text, version, stored = checkCrashStore(t, data, p.DocumentID, initial)
	if text != final.text.String() || version != final.version {
		t.Fatalf("stored %q at version %d, the server served %q at version %d", text, version, final.text.String(), final.version)
	}
	for _, c := range clients {
		for seq := int64(1); seq <= c.seq; seq++ {
			if _, in := stored[crashKey{c.clientID, seq}]; !in {
				t.Errorf("update %s/%d is not stored after it was re-sent", c.clientID, seq)
			}
		}
	}
	if logs := srv.logs(); strings.Contains(logs, "level=ERROR") {
		t.Errorf("the server logged errors:\n%s", logs)
	}
}
