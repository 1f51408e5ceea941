package collab_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	wsclient "tawla/client"
	"tawla/demo"
	"tawla/live"
	"tawla/server"
)

// TestBusyRoomGathersPushes makes a room of 120 connections busy — pushes
// one right after the other — then sends pushes from many connections, a
// millisecond apart: the busy room commits and sends those that come
// within one turn's gap together, so a reader gets them in fewer
// doc.updates frames, and in order; every pusher still gets its
// acknowledgement, and the stored text has every update. (60 pushes a
// millisecond apart came in 53 to 59 frames without the wait for the
// turn's gap, in 10 to 19 with it, with the race detector or without, on
// a quiet machine; 26 once in CI, with the race detector and the browser
// tests running beside it, which stretch the sender's millisecond sleeps.
// The bound, 40, still tells the two apart.)
func TestBusyRoomGathersPushes(t *testing.T) {
	ts := newTestServerWith(t, func(c *server.Config) { c.Live = live.Limits{ConnectionsPerSession: 100} })
	docID := collabDoc(t, ts, "")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	join := func(s *wsclient.Session) *wsclient.Conn {
		conn := collabDial(t, ctx, s)
		t.Cleanup(func() { conn.Drop() })
		rawSend(t, conn, fmt.Sprintf(`{"type":"doc.join","doc":%d}`, docID))
		rawNext(t, conn, "doc.state")
		return conn
	}
	// A room of 120 connections counts as busy when its pushes come less
	// than 12 ms apart on average, and keeps the longest gap between turns
	// when they come 1.2 ms apart or less.
	readers, secretariat := collabLogin(t, ts, demo.MemberEmail), collabLogin(t, ts, demo.SecretariatEmail)
	reader := join(readers)
	for range 59 {
		join(readers) // they read nothing: what they are sent waits for them
	}
	const pushes = 60
	const maxFrames = 40
	pushers := make([]*wsclient.Conn, pushes)
	for i := range pushers {
		pushers[i] = join(secretariat)
	}
	// Busy: 40 pushes sent one right after the other, each on the
	// version the one before it makes.
	const warmUp = 40
	for n := range warmUp {
		changes := `[[0,"."]]`
		if n > 0 {
			changes = fmt.Sprintf(`[[0,"."],%d]`, n)
		}
		rawSend(t, pushers[0], fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":%d,"updates":[{"clientID":"w","seq":%d,"changes":%s}]}`, docID, n, n+1, changes))
	}
	for range warmUp {
		waitPushed(t, pushers[0], "the warming pusher")
	}
	for v := 0; v < warmUp; {
		m := rawNext(t, reader, "doc.updates")
		v = m.Version + len(m.Updates)
	}

	// Each inserts one letter at the start of version warmUp, a
	// millisecond after the one before (as a room's many typists do, and
	// more than a turn of a quiet room takes here); the room rebases each
	// over those before it.
	for i, conn := range pushers {
		time.Sleep(time.Millisecond)
		rawSend(t, conn, fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":%d,"updates":[{"clientID":"p%d","seq":1,"changes":[[0,"%c"],%d]}]}`, docID, warmUp, i, 0xC0+i, warmUp))
	}
	frames, got := 0, 0
	for got < pushes {
		m := rawNext(t, reader, "doc.updates")
		if m.Version != warmUp+got {
			t.Fatalf("doc.updates from version %d, want %d", m.Version, warmUp+got)
		}
		frames++
		got += len(m.Updates)
	}
	if got != pushes || frames > maxFrames {
		t.Fatalf("the reader got %d updates in %d frames, want %d updates in at most %d", got, frames, pushes, maxFrames)
	}
	for i, conn := range pushers {
		waitPushed(t, conn, fmt.Sprintf("pusher %d", i))
	}
	waitServerVersion(t, ts, docID, warmUp+pushes)
	text, _, err := ts.collab.Text(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	if utf8.RuneCountInString(text) != warmUp+pushes || strings.Count(text, ".") != warmUp {
		t.Fatalf("stored text %q, want %d dots and %d letters", text, warmUp, pushes)
	}
	t.Logf("%d pushes reached the reader in %d frames", pushes, frames)
}

// waitPushed reads who's messages until its push's acknowledgement,
// passing over the updates and joins the room sends meanwhile.
func waitPushed(t *testing.T, conn *wsclient.Conn, who string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		data, err := conn.Receive(ctx)
		if err != nil {
			t.Fatalf("%s waiting for doc.pushed: %v", who, err)
		}
		var m collabMsg
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: message %s: %v", who, data, err)
		}
		switch m.Type {
		case "doc.pushed":
			return
		case "doc.updates", "doc.peer", "doc.peers":
		default:
			t.Fatalf("%s got %s, want doc.pushed", who, data)
		}
	}
}
