package live

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

	"tawla/workspace"
)

// hubFixture is a Hub behind a real HTTP server. Each connection's session
// and account come from the query string (?session=s1&account=1). The hub
// has four kinds of topic (public, secret, revoked, broken), whose
// Authorize consults the fixture's rules, which a test may change between
// messages.
type hubFixture struct {
	hub *Hub
	srv *httptest.Server

	mu sync.Mutex
	// rules maps a kind of topic to the error Authorize returns (nil: allowed).
	rules map[string]error
}

func newHubFixture(t *testing.T) *hubFixture {
	t.Helper()
	f := &hubFixture{
		hub: NewHub(nil),
		rules: map[string]error{
			"public":  nil,
			"secret":  workspace.Errorf(workspace.EFORBIDDEN, "Members only."),
			"revoked": workspace.Errorf(workspace.EUNAUTHORIZED, "Your session has ended."),
			"broken":  errors.New("database is locked"),
		},
	}
	// Short timings, so that dropped connections end quickly.
	f.hub.writeWait = 500 * time.Millisecond
	f.hub.closeGrace = 500 * time.Millisecond
	for kind := range f.rules {
		f.hub.HandleKind(kind, Kind{Entity: true, Authorize: func(context.Context, *workspace.Account, int64) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			return f.rules[kind]
		}})
	}

	upgrader := websocket.Upgrader{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := Upgrade(&upgrader, w, r, nil)
		if err != nil {
			return
		}
		account, _ := strconv.ParseInt(r.URL.Query().Get("account"), 10, 64)
		f.hub.Serve(r.Context(), ws, ConnInfo{
			SessionID: r.URL.Query().Get("session"),
			AccountID: account,
			Account: func(context.Context) (*workspace.Account, error) {
				return &workspace.Account{ID: account, Role: workspace.RoleMember, Active: true}, nil
			},
		})
	}))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		f.hub.Shutdown(ctx)
		f.srv.Close()
		if got := f.hub.Connections(); got != 0 {
			t.Errorf("connections after shutdown = %d, want 0", got)
		}
		f.hub.mu.Lock()
		defer f.hub.mu.Unlock()
		if got := len(f.hub.topics); got != 0 {
			t.Errorf("topics after shutdown = %d, want 0", got)
		}
	})
	return f
}

func (f *hubFixture) setRule(kind string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules[kind] = err
}

// publish publishes data to the topic written as clients write it.
func (f *hubFixture) publish(topic string, data any) {
	t, err := f.hub.ParseTopic(topic)
	if err != nil {
		panic(err)
	}
	f.hub.Publish(t, data)
}

// dial opens a client connection for the session and account.
func (f *hubFixture) dial(t *testing.T, session string, account int64) *websocket.Conn {
	t.Helper()
	url := "ws" + strings.TrimPrefix(f.srv.URL, "http") +
		"/?session=" + session + "&account=" + strconv.FormatInt(account, 10)
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

// waitConnections waits until the hub has want connections.
func (f *hubFixture) waitConnections(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for f.hub.Connections() != want {
		if time.Now().After(deadline) {
			t.Fatalf("connections = %d, want %d", f.hub.Connections(), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// testMessage is any server message, as the client sees it.
type testMessage struct {
	Type    string          `json:"type"`
	ID      *int64          `json:"id"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Topic   string          `json:"topic"`
	Data    json.RawMessage `json:"data"`
}

func send(t *testing.T, ws *websocket.Conn, msg string) {
	t.Helper()
	if err := ws.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, ws *websocket.Conn) testMessage {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	typ, data, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if typ != websocket.TextMessage {
		t.Fatalf("message type = %d, want text", typ)
	}
	var m testMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("unmarshal %q: %v", data, err)
	}
	return m
}

// expect reads the next message and checks its type, code and topic.
func expect(t *testing.T, ws *websocket.Conn, typ, code, topic string) testMessage {
	t.Helper()
	m := read(t, ws)
	if m.Type != typ || m.Code != code || m.Topic != topic {
		t.Fatalf("got %+v, want type=%q code=%q topic=%q", m, typ, code, topic)
	}
	return m
}

// subscribe subscribes and checks the "subscribed" reply.
func subscribe(t *testing.T, ws *websocket.Conn, topic string) {
	t.Helper()
	send(t, ws, `{"type":"subscribe","topic":"`+topic+`"}`)
	expect(t, ws, "subscribed", "", topic)
}

// expectPong pings and checks that the next message is the pong: any event
// queued before the ping would come first.
func expectPong(t *testing.T, ws *websocket.Conn, id int64) {
	t.Helper()
	send(t, ws, `{"type":"ping","id":`+strconv.FormatInt(id, 10)+`}`)
	m := expect(t, ws, "pong", "", "")
	if m.ID == nil || *m.ID != id {
		t.Fatalf("pong id = %v, want %d", m.ID, id)
	}
}

// expectClose reads until the connection ends and checks the close code.
func expectClose(t *testing.T, ws *websocket.Conn, code int) *websocket.CloseError {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, data, err := ws.ReadMessage()
		if err == nil {
			continue // events queued before the close
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) {
			t.Fatalf("read error = %v (after %q), want close %d", err, data, code)
		}
		if ce.Code != code {
			t.Fatalf("close code = %d (%q), want %d", ce.Code, ce.Text, code)
		}
		return ce
	}
}

func TestHubPublish(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		f := newHubFixture(t)
		a, b := f.dial(t, "s1", 1), f.dial(t, "s2", 2)
		subscribe(t, a, "public:1")
		subscribe(t, b, "public:2")

		f.publish("public:1", map[string]any{"item": 3, "title": "Accueil des migrants de retour — استقبال"})
		m := expect(t, a, "event", "", "public:1")
		if got, want := string(m.Data), `{"item":3,"title":"Accueil des migrants de retour — استقبال"}`; got != want {
			t.Fatalf("data = %s, want %s", got, want)
		}
		expectPong(t, b, 1) // b is not subscribed to meeting/1
	})

	t.Run("Unsubscribe", func(t *testing.T) {
		f := newHubFixture(t)
		a := f.dial(t, "s1", 1)
		subscribe(t, a, "public:1")
		send(t, a, `{"type":"unsubscribe","topic":"public:1"}`)
		expect(t, a, "unsubscribed", "", "public:1")

		f.publish("public:1", "after")
		expectPong(t, a, 1)
		f.hub.mu.Lock()
		defer f.hub.mu.Unlock()
		if got := len(f.hub.topics); got != 0 {
			t.Fatalf("topics = %d, want 0", got)
		}
	})

	t.Run("NoSubscribers", func(t *testing.T) {
		f := newHubFixture(t)
		f.publish("public:99", struct{}{})
	})
}

func TestHubAuthorize(t *testing.T) {
	t.Run("Forbidden", func(t *testing.T) {
		f := newHubFixture(t)
		a := f.dial(t, "s1", 1)
		send(t, a, `{"type":"subscribe","topic":"secret:4"}`)
		m := expect(t, a, "error", workspace.EFORBIDDEN, "secret:4")
		if m.Message != "Members only." {
			t.Fatalf("message = %q", m.Message)
		}
		f.publish("secret:4", "ballot")
		expectPong(t, a, 1)
	})

	t.Run("UnknownKind", func(t *testing.T) {
		f := newHubFixture(t)
		a := f.dial(t, "s1", 1)
		send(t, a, `{"type":"subscribe","topic":"meeting:4"}`)
		expect(t, a, "error", workspace.ENOTFOUND, "meeting:4")
		send(t, a, `{"type":"subscribe","topic":"public"}`) // an entity kind needs an ID
		expect(t, a, "error", workspace.ENOTFOUND, "public")
		expectPong(t, a, 1)
	})

	t.Run("InternalError", func(t *testing.T) {
		f := newHubFixture(t)
		a := f.dial(t, "s1", 1)
		send(t, a, `{"type":"subscribe","topic":"broken:1"}`)
		m := expect(t, a, "error", workspace.EINTERNAL, "broken:1")
		if strings.Contains(m.Message, "database") {
			t.Fatalf("message leaks the cause: %q", m.Message)
		}
		expectPong(t, a, 1)
	})

	t.Run("CheckedOnEverySubscribe", func(t *testing.T) {
		f := newHubFixture(t)
		a := f.dial(t, "s1", 1)
		subscribe(t, a, "public:5")

		// The role changes: the next subscribe is refused and the earlier
		// subscription goes.
		f.setRule("public", workspace.Errorf(workspace.EFORBIDDEN, "Not any more."))
		send(t, a, `{"type":"subscribe","topic":"public:5"}`)
		expect(t, a, "error", workspace.EFORBIDDEN, "public:5")
		f.publish("public:5", "edit")
		expectPong(t, a, 1)
	})

	t.Run("Unauthorized", func(t *testing.T) {
		f := newHubFixture(t)
		a, b := f.dial(t, "s1", 1), f.dial(t, "s2", 2)
		subscribe(t, a, "public:5")
		subscribe(t, b, "public:5")
		send(t, a, `{"type":"subscribe","topic":"revoked:2"}`)
		expect(t, a, "error", workspace.EUNAUTHORIZED, "revoked:2")
		expectClose(t, a, websocket.ClosePolicyViolation)
		f.waitConnections(t, 1)

		f.publish("public:5", "still here")
		expect(t, b, "event", "", "public:5")
	})

	t.Run("NilAccount", func(t *testing.T) {
		hub := NewHub(nil)
		hub.HandleKind("public", Kind{Entity: true, Authorize: func(context.Context, *workspace.Account, int64) error { return nil }})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
			if err != nil {
				return
			}
			hub.Serve(r.Context(), ws, ConnInfo{SessionID: "s1", AccountID: 1})
		}))
		defer srv.Close()
		defer hub.Shutdown(context.Background())
		ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		send(t, ws, `{"type":"subscribe","topic":"public:1"}`)
		expect(t, ws, "error", workspace.EUNAUTHORIZED, "public:1")
		expectClose(t, ws, websocket.ClosePolicyViolation)
	})
}

func TestHubBadInput(t *testing.T) {
	f := newHubFixture(t)
	a := f.dial(t, "s1", 1)
	subscribe(t, a, "public:1")

	for _, tt := range []struct {
		name string
		typ  int
		msg  string
	}{
		{"MalformedJSON", websocket.TextMessage, `{"type":"subscribe",`},
		{"InvalidUTF8", websocket.TextMessage, "{\"type\":\"subscribe\",\"topic\":\"public:\xff\xfe\"}"},
		{"Binary", websocket.BinaryMessage, `{"type":"ping","id":1}`},
		{"UnknownType", websocket.TextMessage, `{"type":"publish","topic":"public:1"}`},
		{"NoType", websocket.TextMessage, `{}`},
		{"NotAnObject", websocket.TextMessage, `[1,2,3]`},
		{"EmptyTopic", websocket.TextMessage, `{"type":"subscribe","topic":""}`},
		{"EmptyTopicUnsubscribe", websocket.TextMessage, `{"type":"unsubscribe"}`},
		{"LongTopic", websocket.TextMessage, `{"type":"subscribe","topic":"public:` + strings.Repeat("1", maxTopicLength) + `"}`},
		{"BadPingID", websocket.TextMessage, `{"type":"ping","id":"one"}`},
		{"TopicWithoutID", websocket.TextMessage, `{"type":"subscribe","topic":"public:"}`},
		{"TopicLeadingZero", websocket.TextMessage, `{"type":"subscribe","topic":"public:01"}`},
		{"TopicNegativeID", websocket.TextMessage, `{"type":"subscribe","topic":"public:-1"}`},
		{"TopicWordID", websocket.TextMessage, `{"type":"subscribe","topic":"public:one"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := a.WriteMessage(tt.typ, []byte(tt.msg)); err != nil {
				t.Fatal(err)
			}
			expect(t, a, "error", workspace.EINVALID, "")
		})
	}

	// Nothing changed: the connection is open and still subscribed.
	f.publish("public:1", 1)
	expect(t, a, "event", "", "public:1")
	expectPong(t, a, 42)
	f.hub.mu.Lock()
	defer f.hub.mu.Unlock()
	if got := len(f.hub.topics); got != 1 {
		t.Fatalf("topics = %d, want 1", got)
	}
}

func TestHubPing(t *testing.T) {
	f := newHubFixture(t)
	a := f.dial(t, "s1", 1)
	expectPong(t, a, 7)
	expectPong(t, a, 0)
	expectPong(t, a, 1<<53)
}

func TestHubOversizedMessage(t *testing.T) {
	f := newHubFixture(t)
	a, b := f.dial(t, "s1", 1), f.dial(t, "s2", 2)
	subscribe(t, b, "public:5")

	big := `{"type":"ping","id":1,"pad":"` + strings.Repeat("x", maxMessageSize) + `"}`
	send(t, a, big)
	expectClose(t, a, websocket.CloseMessageTooBig)
	f.waitConnections(t, 1)

	// A message at the limit is fine.
	fit := `{"type":"ping","id":2,"pad":"`
	fit += strings.Repeat("x", maxMessageSize-len(fit)-2) + `"}`
	send(t, b, fit)
	expect(t, b, "pong", "", "")
	f.publish("public:5", "ok")
	expect(t, b, "event", "", "public:5")
}

func TestHubCloseSession(t *testing.T) {
	f := newHubFixture(t)
	a1, a2 := f.dial(t, "s1", 1), f.dial(t, "s1", 1)
	other := f.dial(t, "s2", 1) // same account, another session
	for _, ws := range []*websocket.Conn{a1, a2, other} {
		subscribe(t, ws, "public:1")
	}

	f.hub.CloseSession("s1")
	for _, ws := range []*websocket.Conn{a1, a2} {
		ce := expectClose(t, ws, websocket.ClosePolicyViolation)
		if ce.Text != "session ended" {
			t.Fatalf("close reason = %q, want %q", ce.Text, "session ended")
		}
	}
	f.waitConnections(t, 1)
	f.publish("public:1", "next item")
	expect(t, other, "event", "", "public:1")
	expectPong(t, other, 1)
}

func TestHubCloseAccount(t *testing.T) {
	f := newHubFixture(t)
	a1, a2 := f.dial(t, "s1", 1), f.dial(t, "s2", 1)
	other := f.dial(t, "s3", 2)
	for _, ws := range []*websocket.Conn{a1, a2, other} {
		subscribe(t, ws, "public:1")
	}

	f.hub.CloseAccount(1)
	expectClose(t, a1, websocket.ClosePolicyViolation)
	expectClose(t, a2, websocket.ClosePolicyViolation)
	f.waitConnections(t, 1)
	f.publish("public:1", "next item")
	expect(t, other, "event", "", "public:1")
}

func TestHubSlowClient(t *testing.T) {
	payload := map[string]string{"text": strings.Repeat("مرحبا ", 400)}

	t.Run("CatchesUp", func(t *testing.T) {
		// The client stops reading while events pour in: the hub drops it
		// at once, and once it reads again it finds a 1013 close after the
		// events that were already on their way.
		f := newHubFixture(t)
		f.hub.writeWait = time.Minute // the writer waits for the client
		stuck := f.dial(t, "s1", 1)
		subscribe(t, stuck, "public:5")
		for range 10_000 {
			f.publish("public:5", payload)
		}
		f.hub.mu.Lock()
		topics := len(f.hub.topics)
		f.hub.mu.Unlock()
		if topics != 0 {
			t.Fatalf("topics = %d, want 0: the slow client is still subscribed", topics)
		}
		ce := expectClose(t, stuck, websocket.CloseTryAgainLater)
		if ce.Text != "too slow" {
			t.Fatalf("close reason = %q, want %q", ce.Text, "too slow")
		}
		f.waitConnections(t, 0)
	})

	t.Run("Stuck", func(t *testing.T) {
		// The client never reads again: its connection ends after the
		// write wait, and the hub goes on serving others.
		f := newHubFixture(t)
		stuck := f.dial(t, "s1", 1)
		subscribe(t, stuck, "public:5")
		for range 10_000 {
			f.publish("public:5", payload)
		}
		f.waitConnections(t, 0)

		// The client gets what the network held, then the end of the
		// connection.
		_ = stuck.SetReadDeadline(time.Now().Add(10 * time.Second))
		for n := 0; ; n++ {
			_, _, err := stuck.ReadMessage()
			if err == nil {
				continue
			}
			var ne interface{ Timeout() bool }
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("stuck client not disconnected: %v", err)
			}
			if n >= 10_000 {
				t.Fatalf("stuck client received %d events, want it dropped", n)
			}
			break
		}

		a := f.dial(t, "s2", 2)
		subscribe(t, a, "public:5")
		f.publish("public:5", "hello")
		expect(t, a, "event", "", "public:5")
	})
}

func TestHubShutdown(t *testing.T) {
	f := newHubFixture(t)
	a, b := f.dial(t, "s1", 1), f.dial(t, "s2", 2)
	subscribe(t, a, "public:1")

	done := make(chan struct{})
	go func() {
		defer close(done)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		f.hub.Shutdown(ctx)
	}()
	expectClose(t, a, websocket.CloseGoingAway)
	expectClose(t, b, websocket.CloseGoingAway)
	<-done
	if got := f.hub.Connections(); got != 0 {
		t.Fatalf("connections = %d, want 0", got)
	}

	// New connections are refused with going away.
	c := f.dial(t, "s3", 3)
	expectClose(t, c, websocket.CloseGoingAway)
	f.publish("public:1", "nobody")
}

func TestHubShutdownTimeout(t *testing.T) {
	// A client that never answers the close frame: Shutdown still returns
	// once its context ends, and the connection goes.
	f := newHubFixture(t)
	f.hub.closeGrace = time.Hour
	f.dial(t, "s1", 1)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	f.hub.Shutdown(ctx) // a does not read, so it never answers
	f.waitConnections(t, 0)
}

func TestHubPings(t *testing.T) {
	// The server pings an idle client; a client that answers stays
	// connected past the pong wait.
	f := newHubFixture(t)
	f.hub.pingPeriod = 50 * time.Millisecond
	f.hub.pongWait = 300 * time.Millisecond
	a := f.dial(t, "s1", 1)
	var mu sync.Mutex
	pings := 0
	a.SetPingHandler(func(data string) error {
		mu.Lock()
		pings++
		mu.Unlock()
		return a.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	// Reading runs the ping handler; nothing else arrives meanwhile.
	_ = a.SetReadDeadline(time.Now().Add(time.Second))
	if _, _, err := a.ReadMessage(); err == nil {
		t.Fatal("unexpected message")
	}
	mu.Lock()
	got := pings
	mu.Unlock()
	if got < 3 {
		t.Fatalf("pings = %d, want at least 3", got)
	}
	if got := f.hub.Connections(); got != 1 {
		t.Fatalf("connections = %d, want 1", got)
	}
}

func TestHubPongTimeout(t *testing.T) {
	// A client that does not answer pings is dropped after the pong wait.
	f := newHubFixture(t)
	f.hub.pingPeriod = 50 * time.Millisecond
	f.hub.pongWait = 200 * time.Millisecond
	a := f.dial(t, "s1", 1)
	a.SetPingHandler(func(string) error { return nil }) // never pongs
	f.waitConnections(t, 0)
}

func TestHubEventOrder(t *testing.T) {
	f := newHubFixture(t)
	a := f.dial(t, "s1", 1)
	subscribe(t, a, "public:5")
	for i := range 50 {
		f.publish("public:5", i)
	}
	for i := range 50 {
		m := expect(t, a, "event", "", "public:5")
		if got, want := string(m.Data), strconv.Itoa(i); got != want {
			t.Fatalf("event %d data = %s, want %s", i, got, want)
		}
	}
}

// TestHubConnectionLimits checks the limits Serve enforces by itself, for
// connections that were not reserved: over the limit of a session, the
// connection is closed at once with 1013; a reservation counts as a
// connection until it is cancelled.
func TestHubConnectionLimits(t *testing.T) {
	f := newHubFixture(t)
	f.hub.SetLimits(Limits{ConnectionsPerSession: 2})
	a := f.dial(t, "s1", 1)
	subscribe(t, a, "public:1")
	b := f.dial(t, "s1", 1)
	subscribe(t, b, "public:1")
	c := f.dial(t, "s1", 1)
	if ce := expectClose(t, c, websocket.CloseTryAgainLater); ce.Text != reasonTooMany {
		t.Fatalf("close reason %q, want %q", ce.Text, reasonTooMany)
	}
	// Another session is another budget.
	subscribe(t, f.dial(t, "s2", 1), "public:1")

	if _, err := f.hub.Reserve(ConnInfo{SessionID: "s2"}); err != nil {
		t.Fatalf("reserve a second place for s2: %v", err)
	}
	if _, err := f.hub.Reserve(ConnInfo{SessionID: "s2"}); workspace.ErrorCode(err) != workspace.ETHROTTLED {
		t.Fatalf("reserve a third place for s2: %v, want throttled", err)
	}
	ticket, err := f.hub.Reserve(ConnInfo{SessionID: "s3"})
	if err != nil {
		t.Fatal(err)
	}
	ticket.Cancel()
	ticket.Cancel() // harmless
	if _, err := f.hub.Reserve(ConnInfo{SessionID: "s3"}); err != nil {
		t.Fatalf("a place given back is free again: %v", err)
	}
}
