// Package live is Tawla's live channel: websocket connections (one reader
// and one writer goroutine each, ping/pong, deadlines, a read limit), the
// hub of topics that name entities ("meeting:12", "document:3"), their
// authorisation on every subscription and message, and the routing of
// messages to the handler of their kind. It knows no HTTP page and no store:
// the rules that read the store are given to it by the code that wires it.
package live

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"tawla/workspace"
)

// Timings and limits of the live channel, after the gorilla chat example. A
// Hub copies the timings into its fields so that tests can shorten them on a
// fresh Hub without racing with other hubs.
const (
	// defaultWriteWait bounds the writing of one message to the peer.
	defaultWriteWait = 10 * time.Second
	// defaultPongWait is how long the peer may stay silent (no message, no
	// pong) before the connection is considered dead.
	defaultPongWait = 60 * time.Second
	// defaultPingPeriod must be shorter than defaultPongWait so that the
	// peer's pong arrives in time.
	defaultPingPeriod = defaultPongWait * 9 / 10
	// defaultCloseGrace is how long a connection waits for the peer's reply
	// to our close frame before dropping the TCP connection. Closing at once
	// could reset the connection and lose the close frame on the way.
	defaultCloseGrace = 2 * time.Second

	// maxMessageSize is the default read limit of one client message, one
	// mebibyte: a push of a thousand keystrokes fits; a bigger message
	// closes the connection with 1009 (gorilla does it).
	maxMessageSize = 1 << 20
	// sendBufferSize is the number of messages queued for one connection;
	// a connection whose queue is full is too slow and is dropped.
	sendBufferSize = 256
	// maxSubscriptions bounds the topics of one connection, so that one
	// client cannot grow the hub's maps without limit.
	maxSubscriptions = 256
)

// Close reasons sent to the client with the close code.
const (
	reasonSessionEnded   = "session ended"
	reasonAccountChanged = "account changed"
	reasonUnauthorized   = "unauthorized"
	reasonTooSlow        = "too slow"
	reasonShutdown       = "server shutting down"
	reasonTooMany        = "too many connections"
)

// ConnInfo describes who is on a websocket connection.
type ConnInfo struct {
	// SessionID is the digest of the session token, as CloseSession takes it.
	SessionID string
	AccountID int64
	// Account re-reads the session and returns its account as it is now.
	// The hub calls it for every subscription and every routed message,
	// so that a revoked session or a changed role takes effect on the next
	// one. It returns an EUNAUTHORIZED error once the session has ended;
	// that error closes the connection (1008). A nil Account refuses
	// everything.
	Account func(ctx context.Context) (*workspace.Account, error)
	// Address is the client's network address (without the port), for the
	// limit of connections per address; empty counts against none.
	Address string
	// Localize returns the message of an error as the connection's person
	// reads it (in the language of the page that opened it). Nil shows
	// workspace.ErrorMessage.
	Localize func(err error) string
}

// Hub holds the live connections and their topic subscriptions, and sends
// published events to subscribers. Its methods are safe for concurrent use.
// Publish, CloseSession and CloseAccount never wait for a connection: a
// connection that cannot keep up is dropped, not waited for.
type Hub struct {
	logger *slog.Logger

	// Timings, defaults from the constants above; tests may change them
	// between NewHub and the first Serve.
	writeWait  time.Duration
	pongWait   time.Duration
	pingPeriod time.Duration
	closeGrace time.Duration

	mu       sync.Mutex
	nextID   uint64
	conns    map[*wsConn]struct{}
	topics   map[Topic]map[*wsConn]struct{}
	shutdown bool
	drained  chan struct{} // closed once shut down with no connection left
	kinds    map[string]*Kind
	routes   []route

	// limits bound connections and messages; perSession and perAddress
	// count the open connections.
	limits     Limits
	perSession map[string]int
	perAddress map[string]int
}

// NewHub returns an empty, running Hub that logs to logger (nil discards).
func NewHub(logger *slog.Logger) *Hub {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Hub{
		logger:     logger,
		writeWait:  defaultWriteWait,
		pongWait:   defaultPongWait,
		pingPeriod: defaultPingPeriod,
		closeGrace: defaultCloseGrace,
		limits:     DefaultLimits,
		perSession: make(map[string]int),
		perAddress: make(map[string]int),
		conns:      make(map[*wsConn]struct{}),
		topics:     make(map[Topic]map[*wsConn]struct{}),
		kinds:      make(map[string]*Kind),
		drained:    make(chan struct{}),
	}
}

// Publish sends an event {"type":"event","topic":topic,"data":data} to every
// subscriber of topic. It marshals data once and never blocks: a subscriber
// whose send buffer is full is unsubscribed from everything and closed with
// 1013 (try again later); its client reconnects and reloads.
// Call it after the change is committed, never inside a transaction.
func (h *Hub) Publish(topic Topic, data any) {
	msg, err := json.Marshal(serverMessage{Type: "event", Topic: topic.String(), Data: data})
	if err != nil {
		h.logger.Error("hub: marshal event", "topic", topic, "error", err)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var slow []*wsConn
	for c := range h.topics[topic] {
		if !c.trySend(frame{data: msg}) {
			slow = append(slow, c)
		}
	}
	for _, c := range slow {
		h.dropSlowLocked(c)
	}
}

// CloseSession closes every connection of the session (code 1008, reason
// "session ended"). It returns at once; the connections end within the
// write wait.
func (h *Hub) CloseSession(sessionID string) {
	h.closeWhere(func(c *wsConn) bool { return c.info.SessionID == sessionID },
		websocket.ClosePolicyViolation, reasonSessionEnded)
}

// CloseAccount closes every connection of the account (code 1008, reason
// "account changed"), for example after a role change or a deactivation. It
// returns at once.
func (h *Hub) CloseAccount(accountID int64) {
	h.closeWhere(func(c *wsConn) bool { return c.info.AccountID == accountID },
		websocket.ClosePolicyViolation, reasonAccountChanged)
}

func (h *Hub) closeWhere(match func(*wsConn) bool, code int, reason string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.conns {
		if match(c) {
			h.detachLocked(c)
			c.requestClose(code, reason)
		}
	}
}

// Shutdown refuses new connections, sends a 1001 going-away close to every
// connection, and waits until all of them are gone or ctx is done. When ctx
// ends first, the remaining connections are closed without a close frame,
// so that their Serve calls return soon after.
func (h *Hub) Shutdown(ctx context.Context) {
	h.mu.Lock()
	if !h.shutdown {
		h.shutdown = true
		for c := range h.conns {
			h.detachLocked(c)
			c.requestClose(websocket.CloseGoingAway, reasonShutdown)
		}
		if len(h.conns) == 0 {
			close(h.drained)
		}
	}
	h.mu.Unlock()

	select {
	case <-h.drained:
	case <-ctx.Done():
		h.mu.Lock()
		for c := range h.conns {
			c.ws.Close() // safe concurrently with the reader and writer
		}
		h.mu.Unlock()
	}
}

// SessionIDs returns the session digest of every open connection, each
// once, so that the server can ask which sessions have ended since their
// connections opened (a session that ends for idleness does so without
// anyone logging out) and close those with CloseSession.
func (h *Hub) SessionIDs() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	seen := make(map[string]bool, len(h.conns))
	ids := make([]string, 0, len(h.conns))
	for c := range h.conns {
		if id := c.info.SessionID; id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

// Connections returns the number of open connections.
func (h *Hub) Connections() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.conns)
}

// register adds c to the hub. It refuses c once the hub is shut down
// (reasonShutdown) or, unless its place was reserved, when c would exceed
// the connection limits. A refused reservation is given back.
func (h *Hub) register(c *wsConn, reserved bool) (refused string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.shutdown {
		if reserved {
			h.countLocked(c.info, -1)
		}
		return reasonShutdown
	}
	if !reserved {
		if h.admitLocked(c.info) != nil {
			return reasonTooMany
		}
		h.countLocked(c.info, 1)
	}
	c.bucket = newMessageBucket(h.limits, time.Now())
	h.nextID++
	c.id = h.nextID
	c.logger = h.logger.With("conn", c.id, "account_id", c.info.AccountID)
	h.conns[c] = struct{}{}
	return ""
}

// unregister removes c and all its subscriptions.
func (h *Hub) unregister(c *wsConn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.detachLocked(c)
	if _, ok := h.conns[c]; ok {
		h.countLocked(c.info, -1)
	}
	delete(h.conns, c)
	if h.shutdown && len(h.conns) == 0 {
		close(h.drained)
	}
}

// subscribe adds c to topic's subscribers and queues the "subscribed" reply
// under the lock, so that the reply precedes the topic's first event. It
// reports whether c follows the topic and was told so.
func (h *Hub) subscribe(c *wsConn, topic Topic) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if c.detached {
		return false // closing: say nothing more
	}
	if _, ok := c.topics[topic]; !ok {
		if len(c.topics) >= maxSubscriptions {
			if !c.trySend(c.errorFrame(&workspace.Error{Code: workspace.EINVALID, Key: "error.topic_too_many", Message: "Too many subscriptions on one connection."}, topic.String())) {
				h.dropSlowLocked(c)
			}
			return false
		}
		subs := h.topics[topic]
		if subs == nil {
			subs = make(map[*wsConn]struct{})
			h.topics[topic] = subs
		}
		subs[c] = struct{}{}
		c.topics[topic] = struct{}{}
	}
	if !c.trySend(replyFrame("subscribed", topic.String())) {
		h.dropSlowLocked(c)
		return false
	}
	return true
}

// unsubscribe removes c from topic's subscribers. When reply is true it
// queues the "unsubscribed" reply under the lock, so that no event of the
// topic follows it.
func (h *Hub) unsubscribe(c *wsConn, topic Topic, reply bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if c.detached {
		return
	}
	h.removeLocked(c, topic)
	if reply && !c.trySend(replyFrame("unsubscribed", topic.String())) {
		h.dropSlowLocked(c)
	}
}

func (h *Hub) removeLocked(c *wsConn, topic Topic) {
	delete(c.topics, topic)
	if subs := h.topics[topic]; subs != nil {
		delete(subs, c)
		if len(subs) == 0 {
			delete(h.topics, topic)
		}
	}
}

// detachLocked removes every subscription of c and marks it as closing: it
// receives no more events and no more replies are queued by the hub.
func (h *Hub) detachLocked(c *wsConn) {
	for topic := range c.topics {
		h.removeLocked(c, topic)
	}
	c.detached = true
}

// detach is detachLocked for callers that do not hold the lock.
func (h *Hub) detach(c *wsConn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.detachLocked(c)
}

// dropSlowLocked drops a connection whose send buffer is full.
func (h *Hub) dropSlowLocked(c *wsConn) {
	if c.detached {
		return
	}
	h.detachLocked(c)
	c.requestClose(websocket.CloseTryAgainLater, reasonTooSlow)
	c.logger.Warn("hub: dropping slow websocket client", "buffer", sendBufferSize)
}
