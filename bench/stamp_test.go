package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestStampedConn runs a websocket client over a stampedConn against a
// real server: every message comes through whole; a read is stamped with
// when its data reached the socket (just after the server's write), not
// when it was read, 50 ms later (between the server's write's start and
// its end, which a loaded machine may hold apart); and
// the write hook sees the client's text and binary messages, not its
// control frames nor the handshake.
func TestStampedConn(t *testing.T) {
	var upgrader websocket.Upgrader
	type write struct{ start, end time.Time }
	wrote := make(chan write, 8)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		for {
			kind, msg, err := ws.ReadMessage()
			if err != nil {
				return
			}
			start := time.Now()
			err = ws.WriteMessage(kind, msg)
			wrote <- write{start, time.Now()}
			if err != nil {
				return
			}
		}
	}))
	defer srv.Close()

	var conn *stampedConn
	d := websocket.Dialer{NetDialContext: stampedDialer(func(c *stampedConn) { conn = c })}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := d.DialContext(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if conn == nil {
		t.Fatal("the dialer did not hand over its connection")
	}
	// The kernel turns its receive timestamps on a moment after the
	// socket asks for them: echo until it times a read (a loaded machine
	// may take a while).
	for warm := 0; !conn.kernelStamped.Load(); warm++ {
		if warm == 200 {
			t.Fatal("the kernel timed none of 200 reads")
		}
		if err := ws.WriteMessage(websocket.TextMessage, []byte("warm")); err != nil {
			t.Fatal(err)
		}
		<-wrote
		if _, _, err := ws.ReadMessage(); err != nil {
			t.Fatal(err)
		}
		if !conn.kernelStamped.Load() {
			time.Sleep(10 * time.Millisecond)
		}
	}
	var writes atomic.Int32
	conn.onWrite(func(time.Time) { writes.Add(1) })

	if err := ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("é", 40_000) // larger than the read buffer: several reads
	for i, m := range []struct {
		kind int
		text string
	}{{websocket.TextMessage, "bonjour"}, {websocket.BinaryMessage, "\x00\x01"}, {websocket.TextMessage, big}} {
		if err := ws.WriteMessage(m.kind, []byte(m.text)); err != nil {
			t.Fatal(err)
		}
		sent := <-wrote
		// The message waits in the socket before it is read: its stamp
		// must be when it arrived, not when it was read.
		time.Sleep(50 * time.Millisecond)
		kind, got, err := ws.ReadMessage()
		read := time.Now()
		if err != nil {
			t.Fatal(err)
		}
		if kind != m.kind || string(got) != m.text {
			t.Fatalf("message %d came back as type %d, %d bytes; want type %d, %d bytes", i, kind, len(got), m.kind, len(m.text))
		}
		if !conn.kernelStamped.Load() {
			t.Fatalf("message %d: the kernel did not time its read", i)
		}
		if at := conn.Stamp(); at.Before(sent.start.Add(-time.Millisecond)) || at.After(sent.end.Add(25*time.Millisecond)) {
			t.Fatalf("message %d stamped %v after the server's write began (which took %v), read %v after it", i, at.Sub(sent.start), sent.end.Sub(sent.start), read.Sub(sent.start))
		}
	}
	if n := writes.Load(); n != 3 {
		t.Fatalf("the write hook saw %d messages, want 3 (a ping is not one)", n)
	}
}
