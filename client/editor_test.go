package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tawla/client"
)

// These tests play the server's part message by message, to check what the
// Editor sends and how it takes what it receives, including what a real
// server seldom does (updates it has already seen, a gap). The tests of the
// server (server/collab_test.go) run editors against the real thing.

// fakeServer accepts logins with the password "secret" and hands each
// websocket it accepts to the test.
type fakeServer struct {
	*httptest.Server
	conns chan *websocket.Conn
}

func newFakeServer(t *testing.T) *fakeServer {
	t.Helper()
	fs := &fakeServer{conns: make(chan *websocket.Conn, 4)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Origin") != fs.URL || r.PostFormValue("password") != "secret" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "tawla_session", Value: "token-" + r.PostFormValue("email"), Path: "/"})
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("tawla_session")
		if err != nil || c.Value != "token-ana@example.tn" || r.Header.Get("Origin") != fs.URL {
			http.Error(w, "no", http.StatusForbidden)
			return
		}
		up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		fs.conns <- ws
	})
	fs.Server = httptest.NewServer(mux)
	t.Cleanup(fs.Close)
	return fs
}

// accept returns the next websocket the server accepted.
func (fs *fakeServer) accept(t *testing.T) *websocket.Conn {
	t.Helper()
	select {
	case ws := <-fs.conns:
		t.Cleanup(func() { ws.Close() })
		return ws
	case <-time.After(5 * time.Second):
		t.Fatal("no websocket connection")
		return nil
	}
}

// message is what the Editor sends.
type message struct {
	Type    string `json:"type"`
	Doc     int64  `json:"doc"`
	Version *int   `json:"version"`
	Updates []struct {
		ClientID string          `json:"clientID"`
		Seq      int64           `json:"seq"`
		Changes  json.RawMessage `json:"changes"`
	} `json:"updates"`
}

func read(t *testing.T, ws *websocket.Conn) message {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, data, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("server read: %v", err)
	}
	var m message
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("server read %s: %v", data, err)
	}
	return m
}

func write(t *testing.T, ws *websocket.Conn, msg string) {
	t.Helper()
	if err := ws.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		t.Fatalf("server write: %v", err)
	}
}

// wantPush checks that m is a push based on version with the given seqs
// and changes.
func wantPush(t *testing.T, m message, version int, seqs []int64, changes []string) {
	t.Helper()
	ok := m.Type == "doc.push" && m.Doc == 7 && m.Version != nil && *m.Version == version && len(m.Updates) == len(seqs)
	for i := 0; ok && i < len(seqs); i++ {
		u := m.Updates[i]
		ok = u.ClientID == "ed" && u.Seq == seqs[i] && string(u.Changes) == changes[i]
	}
	if !ok {
		t.Fatalf("got %+v, want a push at version %d of seqs %v with changes %v", m, version, seqs, changes)
	}
}

// waitFor polls cond until it holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestLogin(t *testing.T) {
	fs := newFakeServer(t)
	ctx := context.Background()
	if _, err := client.Login(ctx, fs.URL, "ana@example.tn", "wrong"); err == nil {
		t.Fatal("Login with a wrong password: no error")
	}
	s, err := client.Login(ctx, fs.URL, "ana@example.tn", "secret")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := s.Dial(ctx)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer conn.Drop()
	ws := fs.accept(t)
	if err := conn.Send(ctx, []byte(`{"type":"ping","id":1}`)); err != nil {
		t.Fatal(err)
	}
	if m := read(t, ws); m.Type != "ping" {
		t.Fatalf("got %+v", m)
	}
	write(t, ws, `{"type":"pong","id":1}`)
	data, err := conn.Receive(ctx)
	if err != nil || string(data) != `{"type":"pong","id":1}` {
		t.Fatalf("Receive: %s, %v", data, err)
	}
}

// TestEditor follows one editor through the protocol: open, push, others'
// updates before its own, a push held back while one is in flight,
// updates it has already seen, a gap, and a reconnection.
func TestEditor(t *testing.T) {
	fs := newFakeServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := client.Login(ctx, fs.URL, "ana@example.tn", "secret")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var errs []error
	var infos []client.UpdateInfo
	var pushes []client.PushInfo
	opts := client.Options{
		ClientID: "ed",
		OnError:  func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() },
		OnUpdate: func(u client.UpdateInfo) { mu.Lock(); infos = append(infos, u); mu.Unlock() },
		OnPushed: func(p client.PushInfo) { mu.Lock(); pushes = append(pushes, p); mu.Unlock() },
	}

	type opened struct {
		e   *client.Editor
		err error
	}
	done := make(chan opened, 1)
	go func() {
		conn, err := s.Dial(ctx)
		if err != nil {
			done <- opened{nil, err}
			return
		}
		e, err := client.Open(ctx, conn, 7, opts)
		done <- opened{e, err}
	}()
	ws := fs.accept(t)
	if m := read(t, ws); m.Type != "doc.join" || m.Doc != 7 || m.Version != nil {
		t.Fatalf("got %+v, want a join without version", m)
	}
	write(t, ws, `{"type":"doc.state","doc":7,"version":0,"text":"ab😀","canEdit":true,"peers":[{"peer":"3","name":"Rim","colour":"#1f6f8b"}]}`)
	o := <-done
	if o.err != nil {
		t.Fatalf("Open: %v", o.err)
	}
	e := o.e
	defer e.Close()
	if e.Text() != "ab😀" || e.Version() != 0 || !e.CanEdit() || len(e.Peers()) != 1 || e.Peers()[0].Name != "Rim" {
		t.Fatalf("after doc.state: %q at %d, peers %+v", e.Text(), e.Version(), e.Peers())
	}

	// A local edit is pushed at once.
	if err := e.Insert(0, "x"); err != nil {
		t.Fatal(err)
	}
	if err := e.Insert(2, "\xed\xa0\xbd"); err == nil { // half a surrogate pair, as WTF-8
		t.Fatal("inserting invalid UTF-8: no error")
	}
	if err := e.Delete(4, 5); err == nil {
		t.Fatal("deleting half an emoji: no error")
	}
	wantPush(t, read(t, ws), 0, []int64{1}, []string{`[[0,"x"],4]`})

	// While it is in flight, more edits wait.
	if err := e.Insert(1, "é"); err != nil {
		t.Fatal(err)
	}
	if err := e.Replace(2, 3, "A"); err != nil {
		t.Fatal(err)
	}
	if got := e.Text(); got != "xéAb😀" {
		t.Fatalf("local text %q", got)
	}
	// Someone else's update comes first, then the push, rebased over it,
	// then the acknowledgement.
	write(t, ws, `{"type":"doc.updates","doc":7,"version":0,"updates":[{"clientID":"other","changes":[2,[0,"!"],2]}]}`)
	write(t, ws, `{"type":"doc.updates","doc":7,"version":1,"updates":[{"clientID":"ed","changes":[[0,"x"],5]}]}`)
	write(t, ws, `{"type":"doc.pushed","doc":7,"version":2,"seq":1}`)
	// Only now the next push, with both waiting updates, mapped over the
	// other's "!".
	wantPush(t, read(t, ws), 2, []int64{2, 3}, []string{`[1,[0,"é"],5]`, `[2,[1,"A"],4]`})
	if got, v := e.Text(), e.Version(); got != "xéAb!😀" || v != 2 {
		t.Fatalf("after the first push: %q at %d", got, v)
	}

	// The own updates come back with another one; then again from
	// version 3 (two seen already, then a new one), as after a rejoin.
	write(t, ws, `{"type":"doc.updates","doc":7,"version":2,"updates":[{"clientID":"ed","changes":[1,[0,"é"],5]},{"clientID":"ed","changes":[2,[1,"A"],4]},{"clientID":"other","changes":[[1],6]}]}`)
	write(t, ws, `{"type":"doc.updates","doc":7,"version":3,"updates":[{"clientID":"ed","changes":[2,[1,"A"],4]},{"clientID":"other","changes":[[1],6]},{"clientID":"other","changes":[4,[0,"?"],2]}]}`)
	write(t, ws, `{"type":"doc.pushed","doc":7,"version":4,"seq":3}`)
	waitFor(t, "version 6", func() bool { return e.Version() == 6 })
	if err := e.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.Text(); got != "éAb!?😀" || e.Unconfirmed() != 0 {
		t.Fatalf("after the overlap: %q, %d unconfirmed", got, e.Unconfirmed())
	}

	// A gap: the editor refuses it and drops the connection.
	if err := e.Insert(0, "¿"); err != nil {
		t.Fatal(err)
	}
	wantPush(t, read(t, ws), 6, []int64{4}, []string{`[[0,"¿"],7]`})
	write(t, ws, `{"type":"doc.updates","doc":7,"version":9,"updates":[{"clientID":"other","changes":[9,[0,"…"]]}]}`)
	waitFor(t, "the connection to drop", func() bool { return !e.Connected() })
	if err := e.Sync(ctx); !errors.Is(err, client.ErrGap) {
		t.Fatalf("Sync after a gap: %v, want ErrGap", err)
	}
	if err := e.Insert(8, "."); err != nil { // offline edits are kept
		t.Fatal(err)
	}

	// Reconnected, it joins with its version, receives what it missed,
	// then sends both unconfirmed updates.
	reconnected := make(chan error, 1)
	go func() {
		conn, err := s.Dial(ctx)
		if err == nil {
			err = e.Reconnect(ctx, conn)
		}
		reconnected <- err
	}()
	ws = fs.accept(t)
	if m := read(t, ws); m.Type != "doc.join" || m.Version == nil || *m.Version != 6 {
		t.Fatalf("got %+v, want a join at version 6", m)
	}
	write(t, ws, `{"type":"doc.updates","doc":7,"version":6,"updates":[{"clientID":"other","changes":[[2],5]}]}`)
	write(t, ws, `{"type":"doc.joined","doc":7,"version":7,"canEdit":true,"peers":[]}`)
	if err := <-reconnected; err != nil {
		t.Fatalf("Reconnect: %v", err)
	}
	wantPush(t, read(t, ws), 7, []int64{4, 5}, []string{`[[0,"¿"],5]`, `[6,[0,"."]]`})
	if got := e.Text(); got != "¿b!?😀." || len(e.Peers()) != 0 {
		t.Fatalf("after reconnecting: %q, peers %+v", got, e.Peers())
	}

	// A refused push: the next Sync returns the server's error, and the
	// one after pushes again.
	write(t, ws, `{"type":"error","code":"forbidden","message":"You may read this document but not edit it.","doc":7}`)
	var se *client.ServerError
	if err := e.Sync(ctx); !errors.As(err, &se) || se.Code != "forbidden" || se.Doc != 7 {
		t.Fatalf("Sync after a refusal: %v", err)
	}
	synced := make(chan error, 1)
	go func() { synced <- e.Sync(ctx) }()
	wantPush(t, read(t, ws), 7, []int64{4, 5}, []string{`[[0,"¿"],5]`, `[6,[0,"."]]`})
	write(t, ws, `{"type":"doc.updates","doc":7,"version":7,"updates":[{"clientID":"ed","changes":[[0,"¿"],5]},{"clientID":"ed","changes":[6,[0,"."]]}]}`)
	write(t, ws, `{"type":"doc.pushed","doc":7,"version":9,"seq":5}`)
	if err := <-synced; err != nil {
		t.Fatalf("Sync: %v", err)
	}
	if got, v := e.Text(), e.Version(); got != "¿b!?😀." || v != 9 {
		t.Fatalf("at the end: %q at %d", got, v)
	}

	// Hooks run outside the editor's lock, so the last acknowledgement's
	// hook may still be on its way when Sync returns: wait for it.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		mu.Lock()
		n := len(pushes)
		mu.Unlock()
		if n >= 3 {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	var codes []string
	for _, err := range errs {
		codes = append(codes, err.Error())
	}
	if len(errs) != 2 || !errors.Is(errs[0], client.ErrGap) || !errors.As(errs[1], &se) {
		t.Errorf("errors reported: %q, want the gap and the refusal", codes)
	}
	var got []string
	for _, u := range infos {
		got = append(got, u.ClientID+"@"+strconv.Itoa(u.Version)+own(u))
	}
	want := "other@1 ed@2/1 ed@3/2 ed@4/3 other@5 other@6 other@7 ed@8/4 ed@9/5"
	if strings.Join(got, " ") != want {
		t.Errorf("updates seen:\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
	if len(pushes) != 3 || pushes[0].BaseVersion != 0 || pushes[0].Version != 2 || pushes[1].FirstSeq != 2 || pushes[1].LastSeq != 3 || pushes[1].AckSeq != 3 {
		t.Errorf("pushes: %+v", pushes)
	}
}

func own(u client.UpdateInfo) string {
	if !u.Own {
		return ""
	}
	return "/" + strconv.FormatInt(u.Seq, 10)
}

// TestEditorLatency checks that SendDelay holds messages back, in order.
func TestEditorLatency(t *testing.T) {
	fs := newFakeServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := client.Login(ctx, fs.URL, "ana@example.tn", "secret")
	if err != nil {
		t.Fatal(err)
	}
	const delay = 80 * time.Millisecond
	done := make(chan *client.Editor, 1)
	go func() {
		conn, err := s.Dial(ctx)
		if err != nil {
			t.Error(err)
			done <- nil
			return
		}
		e, err := client.Open(ctx, conn, 7, client.Options{ClientID: "ed", SendDelay: delay})
		if err != nil {
			t.Error(err)
		}
		done <- e
	}()
	ws := fs.accept(t)
	read(t, ws)
	write(t, ws, `{"type":"doc.state","doc":7,"version":0,"text":"","canEdit":true,"peers":[]}`)
	e := <-done
	if e == nil {
		t.FailNow()
	}
	defer e.Close()
	start := time.Now()
	if err := e.Insert(0, "a"); err != nil {
		t.Fatal(err)
	}
	if err := e.SetPresence(1, 1); err != nil {
		t.Fatal(err)
	}
	wantPush(t, read(t, ws), 0, []int64{1}, []string{`[[0,"a"]]`})
	if elapsed := time.Since(start); elapsed < delay {
		t.Errorf("push written after %v, want at least %v", elapsed, delay)
	}
	if m := read(t, ws); m.Type != "doc.presence" {
		t.Errorf("got %+v, want the presence after the push", m)
	}
}
