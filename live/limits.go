package live

import (
	"context"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"tawla/workspace"
)

// Limits bounds what one person or one machine may hold of the hub: a
// member's session cannot open thousands of connections, nor a
// connection send messages faster than the hub serves them.
type Limits struct {
	// MaxMessageBytes is the read limit of one client message; a bigger
	// message closes its connection with 1009.
	MaxMessageBytes int64
	// ConnectionsPerSession and ConnectionsPerAddress bound the open
	// connections of one session and of one client address.
	ConnectionsPerSession int
	ConnectionsPerAddress int
	// MessagesPerSecond and MessageBurst rate-limit the messages of one
	// connection: a connection may send MessageBurst messages at once,
	// then MessagesPerSecond on average. Beyond that the hub reads its
	// messages more slowly — nothing is refused or lost, TCP pushes back
	// on the client.
	MessagesPerSecond float64
	MessageBurst      int
}

// DefaultLimits are the limits docs/protocol.md states. The message rate
// leaves ample room for typing (a fast typist's editor sends a few pushes
// and selections a second) and for a page's subscriptions at load.
var DefaultLimits = Limits{
	MaxMessageBytes:       maxMessageSize,
	ConnectionsPerSession: 20,
	ConnectionsPerAddress: 200,
	MessagesPerSecond:     100,
	MessageBurst:          200,
}

// withDefaults returns l with its zero fields taken from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxMessageBytes > 0 {
		d.MaxMessageBytes = l.MaxMessageBytes
	}
	if l.ConnectionsPerSession > 0 {
		d.ConnectionsPerSession = l.ConnectionsPerSession
	}
	if l.ConnectionsPerAddress > 0 {
		d.ConnectionsPerAddress = l.ConnectionsPerAddress
	}
	if l.MessagesPerSecond > 0 {
		d.MessagesPerSecond = l.MessagesPerSecond
	}
	if l.MessageBurst > 0 {
		d.MessageBurst = l.MessageBurst
	}
	return d
}

// SetLimits sets the hub's limits; zero fields take DefaultLimits. Call it
// before the hub serves connections.
func (h *Hub) SetLimits(l Limits) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.limits = l.withDefaults()
}

// errTooManyConnections refuses a connection over the limits.
var errTooManyConnections = &workspace.Error{Code: workspace.ETHROTTLED, Key: "error.ws.too_many_connections", Message: "Too many open connections: close other Tawla tabs or windows, then try again."}

// Reserve holds a place within the limits for a connection of info, or
// returns an ETHROTTLED error, so that the HTTP handler can refuse it
// before the upgrade. The place is taken by Ticket.Serve, or given back by
// Ticket.Cancel when the upgrade fails.
func (h *Hub) Reserve(info ConnInfo) (*Ticket, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.admitLocked(info); err != nil {
		return nil, err
	}
	h.countLocked(info, 1)
	return &Ticket{hub: h, info: info}, nil
}

// Ticket is a place reserved within the hub's limits for one connection.
// Exactly one of Serve and Cancel must be called.
type Ticket struct {
	hub  *Hub
	info ConnInfo
	once sync.Once
}

// Serve runs the connection in the reserved place, as Hub.Serve does.
func (t *Ticket) Serve(ctx context.Context, ws *websocket.Conn) {
	served := false
	t.once.Do(func() { served = true })
	if !served {
		panic("live: a ticket served after its use")
	}
	t.hub.serve(ctx, ws, t.info, true)
}

// Cancel gives the place back; after Serve it does nothing.
func (t *Ticket) Cancel() {
	t.once.Do(func() {
		t.hub.mu.Lock()
		defer t.hub.mu.Unlock()
		t.hub.countLocked(t.info, -1)
	})
}

func (h *Hub) admitLocked(info ConnInfo) error {
	if info.SessionID != "" && h.perSession[info.SessionID] >= h.limits.ConnectionsPerSession {
		return errTooManyConnections
	}
	if info.Address != "" && h.perAddress[info.Address] >= h.limits.ConnectionsPerAddress {
		return errTooManyConnections
	}
	return nil
}

// countLocked adds n (1 or -1) to the connection counts of info's session
// and address.
func (h *Hub) countLocked(info ConnInfo, n int) {
	addCount(h.perSession, info.SessionID, n)
	addCount(h.perAddress, info.Address, n)
}

// addCount adds n to counts[key], forgetting keys that fall to zero; an
// empty key is not counted.
func addCount(counts map[string]int, key string, n int) {
	if key == "" {
		return
	}
	if counts[key] += n; counts[key] <= 0 {
		delete(counts, key)
	}
}

// messageBucket is a token bucket: tokens accrue at rate per second up to
// burst, and each message takes one.
type messageBucket struct {
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newMessageBucket(l Limits, now time.Time) *messageBucket {
	return &messageBucket{rate: l.MessagesPerSecond, burst: float64(l.MessageBurst), tokens: float64(l.MessageBurst), last: now}
}

// take takes a token at now and returns how long to wait before the
// message may be served (zero when a token was there).
func (b *messageBucket) take(now time.Time) time.Duration {
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / b.rate * float64(time.Second))
}
