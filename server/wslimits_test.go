package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/live"
	"tawla/workspace"
)

// TestWebsocketLimits checks the bounds of the live channel: connections
// per session and per address are refused over their limit with 429
// before any upgrade, and counted again once closed; a connection that
// sends faster than its message rate is read more slowly, losing nothing;
// and a join storm in one document reaches each connection in a few
// batched messages, not one per newcomer.
func TestWebsocketLimits(t *testing.T) {
	dialStatus := func(t *testing.T, c *client) (*websocket.Conn, int) {
		t.Helper()
		ws, resp, err := dialWS(t, c, c.ts.URL)
		if err == nil {
			return ws, http.StatusSwitchingProtocols
		}
		if resp == nil {
			t.Fatalf("dial: %v", err)
		}
		return nil, resp.StatusCode
	}
	waitConnections := func(t *testing.T, ts *testServer, want int) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for ts.srv.Hub().Connections() != want {
			if time.Now().After(deadline) {
				t.Fatalf("connections: %d, want %d", ts.srv.Hub().Connections(), want)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}

	t.Run("PerSession", func(t *testing.T) {
		ts := newTestServerWith(t, func(c *Config) { c.Live = live.Limits{ConnectionsPerSession: 3, ConnectionsPerAddress: 100} })
		member := ts.sessionClient(t, demo.MemberEmail)
		var open []*websocket.Conn
		for i := range 3 {
			ws, status := dialStatus(t, member)
			if status != http.StatusSwitchingProtocols {
				t.Fatalf("connection %d: status %d, want an upgrade", i+1, status)
			}
			open = append(open, ws)
		}
		if _, status := dialStatus(t, member); status != http.StatusTooManyRequests {
			t.Fatalf("a 4th connection of the session: status %d, want 429", status)
		}
		// Another session of the same person is another budget.
		if _, status := dialStatus(t, ts.sessionClient(t, demo.MemberEmail)); status != http.StatusSwitchingProtocols {
			t.Fatalf("another session: status %d, want an upgrade", status)
		}
		// The hub registers a connection just after its upgrade: wait for
		// all four, so that three means the closed one has gone.
		waitConnections(t, ts, 4)
		open[0].Close()
		waitConnections(t, ts, 3)
		if _, status := dialStatus(t, member); status != http.StatusSwitchingProtocols {
			t.Fatalf("after closing one: status %d, want an upgrade", status)
		}
	})

	t.Run("PerAddress", func(t *testing.T) {
		ts := newTestServerWith(t, func(c *Config) { c.Live = live.Limits{ConnectionsPerSession: 3, ConnectionsPerAddress: 5} })
		a, b := ts.sessionClient(t, demo.MemberEmail), ts.sessionClient(t, demo.SecretariatEmail)
		for i, c := range []*client{a, a, a, b, b} {
			if _, status := dialStatus(t, c); status != http.StatusSwitchingProtocols {
				t.Fatalf("connection %d: status %d, want an upgrade", i+1, status)
			}
		}
		if _, status := dialStatus(t, b); status != http.StatusTooManyRequests {
			t.Fatalf("a 6th connection from the address: status %d, want 429", status)
		}
	})

	t.Run("MessageRate", func(t *testing.T) {
		const rate, burst, sent = 20, 5, 45
		ts := newTestServerWith(t, func(c *Config) { c.Live = live.Limits{MessagesPerSecond: rate, MessageBurst: burst} })
		ws := mustDialWS(t, ts.sessionClient(t, demo.MemberEmail))
		start := time.Now()
		for i := range sent {
			testsupport.SendText(t, ws, fmt.Sprintf(`{"type":"ping","id":%d}`, i))
		}
		for i := range sent {
			m, err := wsRead(ws, 10*time.Second)
			if err != nil {
				t.Fatalf("pong %d: %v", i, err)
			}
			if m.Type != "pong" {
				t.Fatalf("message %d: %v, want a pong", i, m)
			}
		}
		// The first burst pass at once, the others at the rate: a lower
		// bound, which a slow machine can only exceed.
		elapsed := time.Since(start)
		if least := time.Duration(float64(sent-burst) / rate * float64(time.Second) * 0.9); elapsed < least {
			t.Errorf("%d pings answered in %v, want at least %v at %d a second after a burst of %d", sent, elapsed, least, rate, burst)
		}
	})

	t.Run("JoinStormBatched", func(t *testing.T) {
		const n = 40
		ts := newTestServerWith(t, func(c *Config) { c.Live = live.Limits{ConnectionsPerSession: n} })
		proc := &workspace.Procedure{Title: "Salle comble", Language: "fr", Category: workspace.CategoryOther}
		if err := ts.db.CreateProcedure(t.Context(), workspace.SystemActor("test"), proc, "Texte"); err != nil {
			t.Fatal(err)
		}
		member := ts.sessionClient(t, demo.MemberEmail)
		conns := make([]*websocket.Conn, n)
		for i := range conns {
			conns[i] = mustDialWS(t, member)
		}
		join := fmt.Sprintf(`{"type":"doc.join","doc":%d}`, proc.DocumentID)
		var wg sync.WaitGroup
		for _, ws := range conns {
			wg.Go(func() { testsupport.SendText(t, ws, join) })
		}
		wg.Wait()

		var mu sync.Mutex
		frames := 0
		for i, ws := range conns {
			wg.Go(func() {
				// Each connection must come to know the n-1 others, from
				// its doc.state and the notices after it.
				others := map[string]bool{}
				got := 0
				for len(others) < n-1 {
					_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
					_, data, err := ws.ReadMessage()
					if err != nil {
						t.Errorf("connection %d knows %d others: %v", i, len(others), err)
						return
					}
					var m struct {
						Type     string                  `json:"type"`
						Peers    []struct{ Peer string } `json:"peers"`
						Peer     string                  `json:"peer"`
						Event    string                  `json:"event"`
						Messages []json.RawMessage       `json:"messages"`
					}
					if err := json.Unmarshal(data, &m); err != nil {
						t.Errorf("connection %d: %s: %v", i, data, err)
						return
					}
					switch m.Type {
					case "doc.state":
						for _, p := range m.Peers {
							others[p.Peer] = true
						}
					case "doc.peer":
						got++
						others[m.Peer] = true
					case "doc.peers":
						got++
						for _, raw := range m.Messages {
							var sub struct{ Type, Peer, Event string }
							if err := json.Unmarshal(raw, &sub); err != nil || sub.Type != "doc.peer" || sub.Event != "join" {
								t.Errorf("connection %d: in doc.peers: %s", i, raw)
							}
							others[sub.Peer] = true
						}
					}
				}
				mu.Lock()
				frames += got
				mu.Unlock()
			})
		}
		wg.Wait()
		// One message per newcomer would be n(n-1)/2 in all.
		unbatched := n * (n - 1) / 2
		t.Logf("%d connections joined: %d notice messages in all (one per newcomer: %d)", n, frames, unbatched)
		if frames > unbatched/2 {
			t.Errorf("%d notice messages for a join storm of %d, want at most half of %d", frames, n, unbatched)
		}
	})
}
