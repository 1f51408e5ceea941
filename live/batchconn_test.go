package live

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tawla/workspace"
)

// countingConn counts the writes made to the network under a websocket.
type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// countingHijacker hands gorilla the hijacked connection under a
// countingConn, and under a batchConn above it when gather is set (as
// Upgrade does): without, the hub writes one frame at a time, as before
// frames were gathered.
type countingHijacker struct {
	http.ResponseWriter
	writes *atomic.Int64
	gather bool
}

func (h countingHijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	var nc net.Conn = countingConn{Conn: conn, writes: h.writes}
	if h.gather {
		nc = &batchConn{Conn: nc}
	}
	return nc, rw, nil
}

// countingHub is a hub with one kind of topic, "public", open to all,
// behind a server whose connections count their writes.
type countingHub struct {
	hub    *Hub
	srv    *httptest.Server
	writes atomic.Int64
}

func newCountingHub(tb testing.TB, gather bool) *countingHub {
	tb.Helper()
	f := &countingHub{hub: NewHub(nil)}
	f.hub.HandleKind("public", Kind{Entity: true, Authorize: func(context.Context, *workspace.Account, int64) error { return nil }})
	f.hub.SetLimits(Limits{ConnectionsPerSession: 10000, ConnectionsPerAddress: 10000, MessagesPerSecond: 1e9})
	upgrader := websocket.Upgrader{WriteBufferPool: &sync.Pool{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := upgrader.Upgrade(countingHijacker{ResponseWriter: w, writes: &f.writes, gather: gather}, r, nil)
		if err != nil {
			return
		}
		f.hub.Serve(r.Context(), ws, ConnInfo{SessionID: "s", AccountID: 1,
			Account: func(context.Context) (*workspace.Account, error) {
				return &workspace.Account{ID: 1, Role: workspace.RoleMember, Active: true}, nil
			}})
	}))
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		f.hub.Shutdown(ctx)
		f.srv.Close()
	})
	return f
}

// subscriber dials the hub and subscribes to public:1, returning once the
// subscription is confirmed.
func (f *countingHub) subscriber(tb testing.TB) *websocket.Conn {
	tb.Helper()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(f.srv.URL, "http"), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ws.Close() })
	if err := ws.WriteJSON(map[string]any{"type": "subscribe", "topic": "public:1"}); err != nil {
		tb.Fatal(err)
	}
	var m map[string]any
	if err := ws.ReadJSON(&m); err != nil || m["type"] != "subscribed" {
		tb.Fatalf("subscribe: %v, %v", m, err)
	}
	return ws
}

// serverBatchConn returns the batchConn of the hub's only connection.
func (f *countingHub) serverBatchConn(tb testing.TB) *batchConn {
	tb.Helper()
	f.hub.mu.Lock()
	defer f.hub.mu.Unlock()
	if len(f.hub.conns) != 1 {
		tb.Fatalf("%d connections, want 1", len(f.hub.conns))
	}
	for c := range f.hub.conns {
		if bc, ok := c.ws.NetConn().(*batchConn); ok {
			return bc
		}
	}
	tb.Fatal("the connection is not a batchConn")
	return nil
}

// TestGatheredFramesOneWrite checks that the frames waiting for a
// connection leave in one write, in order: the connection's writer is held
// (as by a slow network write) while 50 events are published, then let go.
// Without gathering, the same 50 frames take 50 writes.
func TestGatheredFramesOneWrite(t *testing.T) {
	const events = 50
	for _, gather := range []bool{true, false} {
		t.Run(fmt.Sprintf("gather=%v", gather), func(t *testing.T) {
			f := newCountingHub(t, gather)
			ws := f.subscriber(t)
			var release func()
			if gather {
				bc := f.serverBatchConn(t)
				bc.mu.Lock() // the writer waits at its next batch
				release = bc.mu.Unlock
			}
			before := f.writes.Load()
			topic, _ := f.hub.ParseTopic("public:1")
			for i := range events {
				f.hub.Publish(topic, map[string]int{"n": i})
			}
			if release != nil {
				release()
			}
			_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
			for i := range events {
				var m struct {
					Type string
					Data struct{ N int }
				}
				if err := ws.ReadJSON(&m); err != nil {
					t.Fatalf("event %d: %v", i, err)
				}
				if m.Type != "event" || m.Data.N != i {
					t.Fatalf("frame %d = %+v, want event %d", i, m, i)
				}
			}
			writes := f.writes.Load() - before
			t.Logf("%d frames, %d writes", events, writes)
			if gather && writes != 1 {
				t.Errorf("gathered: %d frames took %d writes, want 1", events, writes)
			}
			if !gather && writes != events {
				t.Errorf("one at a time: %d frames took %d writes, want %d", events, writes, events)
			}
		})
	}
}

// TestBatchConnLargeFrames checks that a batch over writeBatchMax leaves
// in several writes and a frame larger than it on its own, in order, and
// that the buffer taken for the batch is given back.
func TestBatchConnLargeFrames(t *testing.T) {
	server, client := net.Pipe()
	defer client.Close()
	var writes atomic.Int64
	bc := &batchConn{Conn: countingConn{Conn: server, writes: &writes}}
	var got strings.Builder
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := client.Read(buf)
			got.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	small := strings.Repeat("a", writeBatchMax/2+1)
	large := strings.Repeat("b", writeBatchMax+10)
	var want strings.Builder
	bc.gather()
	for _, p := range []string{"1", small, small, large, "2"} {
		if _, err := bc.Write([]byte(p)); err != nil {
			t.Fatal(err)
		}
		want.WriteString(p)
	}
	if err := bc.flush(time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if bc.gathering || bc.buf != nil {
		t.Error("flush left the batch open")
	}
	// "1"+small, then small (a second batch: the first was full), then
	// large on its own, then "2" at the flush.
	if n := writes.Load(); n != 4 {
		t.Errorf("%d writes, want 4", n)
	}
	if _, err := bc.Write([]byte("3")); err != nil { // not gathering: at once
		t.Fatal(err)
	}
	want.WriteString("3")
	if n := writes.Load(); n != 5 {
		t.Errorf("%d writes after a write outside a batch, want 5", n)
	}
	server.Close()
	<-done
	if got.String() != want.String() {
		t.Errorf("the bytes arrived changed or out of order (%d bytes, want %d)", got.Len(), want.Len())
	}
}

// BenchmarkDeliveryWrites counts the network writes per frame delivered
// to 100 subscribers, frame by frame (as before frames were gathered) and
// gathered, when events come one at a time and in bursts of 2 (a room's
// turn: the broadcast and the acknowledgement) and 8 (a turn's frames
// piling up behind a busy connection). It reports writes/frame:
//
//	go test -run '^$' -bench BenchmarkDeliveryWrites ./live/
func BenchmarkDeliveryWrites(b *testing.B) {
	const subscribers = 100
	for _, burst := range []int{1, 2, 8} {
		for _, gather := range []bool{false, true} {
			name := "frame-by-frame"
			if gather {
				name = "gathered"
			}
			b.Run(fmt.Sprintf("burst=%d/%s", burst, name), func(b *testing.B) {
				f := newCountingHub(b, gather)
				var received atomic.Int64
				var wg sync.WaitGroup
				for range subscribers {
					ws := f.subscriber(b)
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							if _, _, err := ws.NextReader(); err != nil {
								return
							}
							received.Add(1)
						}
					}()
				}
				topic, _ := f.hub.ParseTopic("public:1")
				data := json.RawMessage(`{"changes":[[12,"x"]],"clientID":"a1"}`)
				before := f.writes.Load()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					for range burst {
						f.hub.Publish(topic, data)
					}
					want := int64(i+1) * int64(burst) * subscribers
					for received.Load() < want {
						time.Sleep(50 * time.Microsecond)
					}
				}
				b.StopTimer()
				frames := float64(b.N) * float64(burst) * subscribers
				b.ReportMetric(float64(f.writes.Load()-before)/frames, "writes/frame")
				f.hub.Shutdown(context.Background())
				wg.Wait()
			})
		}
	}
}
