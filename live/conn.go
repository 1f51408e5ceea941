package live

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"tawla/workspace"
)

// The live channel's protocol: JSON text frames; docs/protocol.md is the
// contract.
//
// Client to server:
//
//	{"type":"subscribe","topic":"meeting:12"}
//	{"type":"unsubscribe","topic":"meeting:12"}
//	{"type":"ping","id":7}
//	{"type":"doc.push","doc":3,...}   a message routed to its kind's Handler
//
// Server to client:
//
//	{"type":"subscribed","topic":"meeting:12"}
//	{"type":"unsubscribed","topic":"meeting:12"}
//	{"type":"pong","id":7}
//	{"type":"event","topic":"meeting:12","data":{...}}
//	{"type":"error","code":"forbidden","message":"...","topic":"meeting:12"}
//
// Replies and events of one connection arrive in order: "subscribed" comes
// before the topic's first event, and no event of a topic follows its
// "unsubscribed". A bad message (not text, not UTF-8, not JSON, unknown type,
// empty, malformed or too long topic) gets an "invalid" error and changes
// nothing. Subscribing twice and unsubscribing from a topic one does not
// follow are harmless: the reply is the same.

// clientMessage is a message from the client.
type clientMessage struct {
	Type  string `json:"type"`
	Topic string `json:"topic"`
	ID    int64  `json:"id"`
}

// serverMessage is a message to the client.
type serverMessage struct {
	Type    string `json:"type"`
	ID      *int64 `json:"id,omitempty"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	Topic   string `json:"topic,omitempty"`
	Data    any    `json:"data,omitempty"`
}

// frame is one item of a connection's send queue: a JSON text message, or,
// when closeCode is not zero, a close frame after which the writer stops.
type frame struct {
	data        []byte
	closeCode   int
	closeReason string
}

// mustMarshal marshals a reply built from strings and numbers only.
func mustMarshal(m serverMessage) []byte {
	b, err := json.Marshal(m)
	if err != nil {
		panic("live: marshal websocket reply: " + err.Error())
	}
	return b
}

func replyFrame(typ, topic string) frame {
	return frame{data: mustMarshal(serverMessage{Type: typ, Topic: topic})}
}

// errorFrame is the error reply to a message about topic (may be empty),
// in the connection's language.
func (c *wsConn) errorFrame(err error, topic string) frame {
	return frame{data: mustMarshal(serverMessage{Type: "error", Code: workspace.ErrorCode(err), Message: c.localize(err), Topic: topic})}
}

// localize returns err's message as the connection's person reads it.
func (c *wsConn) localize(err error) string {
	if c.info.Localize != nil {
		return c.info.Localize(err)
	}
	return workspace.ErrorMessage(err)
}

// account re-reads the connection's session and returns its account as it
// is now; an ended session gives EUNAUTHORIZED.
func (c *wsConn) account(ctx context.Context) (*workspace.Account, error) {
	if c.info.Account == nil {
		return nil, &workspace.Error{Code: workspace.EUNAUTHORIZED, Key: "error.unauthorized", Message: "Please log in."}
	}
	return c.info.Account(ctx)
}

// Causes of the cancellation of a connection's shared context.
var (
	errReaderDone = errors.New("websocket reader done")
	errWriterDone = errors.New("websocket writer done")
)

// wsConn is one websocket connection served by a Hub.
//
// Writes: the writer goroutine is the only one that writes to ws — messages,
// pings and the close frames the server decides on (a close is either queued
// in send after the replies it follows, or signalled on closeNow). The only
// other writes are those gorilla makes itself from the reader goroutine
// (answers to the client's pings and close frame, 1009 when the read limit is
// exceeded) through WriteControl, which gorilla allows concurrently.
type wsConn struct {
	hub    *Hub
	ws     *websocket.Conn
	info   ConnInfo
	logger *slog.Logger
	id     uint64 // set by register, for logs

	// The send queue: frames wait in queue (at most sendBufferSize) and
	// ready tells the writer there is something. A slice rather than a
	// buffered channel, so that an idle connection holds no queue at all.
	queueMu sync.Mutex
	queue   []frame
	ready   chan struct{} // capacity 1

	closeOnce   sync.Once
	closeNow    chan struct{} // closed by requestClose
	closeCode   int           // written before closeNow is closed
	closeReason string
	closing     atomic.Bool // the reader ignores messages once set

	// bucket paces the client's messages; only the reader uses it.
	bucket *messageBucket

	// Guarded by hub.mu.
	topics   map[Topic]struct{}
	detached bool
}

// trySend queues f without blocking; it reports false if the queue is full.
func (c *wsConn) trySend(f frame) bool {
	c.queueMu.Lock()
	if len(c.queue) >= sendBufferSize {
		c.queueMu.Unlock()
		return false
	}
	c.queue = append(c.queue, f)
	c.queueMu.Unlock()
	select {
	case c.ready <- struct{}{}:
	default: // the writer has been told already
	}
	return true
}

// takeQueue hands the writer every queued frame, giving the queue spare
// as its next backing array.
func (c *wsConn) takeQueue(spare []frame) []frame {
	c.queueMu.Lock()
	defer c.queueMu.Unlock()
	taken := c.queue
	c.queue = spare[:0]
	return taken
}

// requestClose asks the writer to send a close frame now, ahead of anything
// queued, and stop. Only the first request counts. It never blocks.
func (c *wsConn) requestClose(code int, reason string) {
	c.closeOnce.Do(func() {
		c.closeCode, c.closeReason = code, reason
		c.closing.Store(true)
		close(c.closeNow)
	})
}

// Serve runs one websocket connection until it closes. It owns ws from the
// call on and always closes it. It
// reads on the calling goroutine and starts a writer goroutine, both
// sharing a cancel context, and returns once both have ended and the connection's subscriptions are gone.
// Cancelling ctx closes the connection with 1001. When the hub is shut down,
// Serve closes ws with 1001 and returns at once.
func (h *Hub) Serve(ctx context.Context, ws *websocket.Conn, info ConnInfo) {
	h.serve(ctx, ws, info, false)
}

// serve is Serve for a connection whose place in the limits is reserved
// already (Ticket.Serve) or not.
func (h *Hub) serve(ctx context.Context, ws *websocket.Conn, info ConnInfo, reserved bool) {
	c := &wsConn{
		hub:      h,
		ws:       ws,
		info:     info,
		ready:    make(chan struct{}, 1),
		closeNow: make(chan struct{}),
		topics:   make(map[Topic]struct{}),
	}
	if refused := h.register(c, reserved); refused != "" {
		code := websocket.CloseGoingAway
		if refused == reasonTooMany {
			code = websocket.CloseTryAgainLater
		}
		msg := websocket.FormatCloseMessage(code, refused)
		_ = ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(h.writeWait))
		ws.Close()
		return
	}
	defer h.unregister(c)
	defer h.peerGone(c)
	c.logger.Debug("hub: websocket connected")

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	readerDone := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		closeSent := c.writeLoop(ctx)
		cancel(errWriterDone)
		if closeSent {
			// Give the client a moment to answer our close frame, so that
			// it reads the frame before the TCP connection goes away.
			t := time.NewTimer(h.closeGrace)
			select {
			case <-readerDone:
			case <-t.C:
			}
			t.Stop()
		}
		ws.Close() // unblocks the reader
	}()
	// The calling goroutine is the reader: one goroutine fewer per
	// connection than a reader of its own, for the same work.
	func() {
		defer close(readerDone)
		defer cancel(errReaderDone)
		c.readLoop(ctx)
	}()
	wg.Wait()
	c.logger.Debug("hub: websocket disconnected")
}

// readLoop reads and handles the client's messages until the connection
// fails or closes.
func (c *wsConn) readLoop(ctx context.Context) {
	ws, pongWait := c.ws, c.hub.pongWait
	c.hub.mu.Lock()
	limit := c.hub.limits.MaxMessageBytes
	c.hub.mu.Unlock()
	ws.SetReadLimit(limit)
	_ = ws.SetReadDeadline(time.Now().Add(pongWait))
	ws.SetPongHandler(func(string) error {
		return ws.SetReadDeadline(time.Now().Add(pongWait))
	})
	for {
		typ, data, err := ws.ReadMessage()
		if err != nil {
			c.logReadError(err)
			return
		}
		if c.closing.Load() {
			continue // waiting for the client's close frame
		}
		if !c.waitTurn(ctx) {
			return
		}
		_ = ws.SetReadDeadline(time.Now().Add(pongWait))
		c.handleMessage(ctx, typ, data)
	}
}

// waitTurn holds a message back until the connection's message rate lets
// it through; nothing is dropped, and a client sending faster than the
// rate is read more slowly. It reports false when the connection ends
// while waiting.
func (c *wsConn) waitTurn(ctx context.Context) bool {
	wait := c.bucket.take(time.Now())
	if wait <= 0 {
		return true
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-c.closeNow:
		return false
	}
}

func (c *wsConn) logReadError(err error) {
	switch {
	case errors.Is(err, websocket.ErrReadLimit):
		c.logger.Info("hub: websocket message too big")
	case c.closing.Load():
		// We asked for the close; whatever happened next is expected.
	case websocket.IsUnexpectedCloseError(err, websocket.CloseNormalClosure,
		websocket.CloseGoingAway, websocket.CloseNoStatusReceived):
		c.logger.Info("hub: websocket read failed", "error", err)
	default:
		c.logger.Debug("hub: websocket closed by client", "error", err)
	}
}

// handleMessage answers one client message. Bad input gets an error reply
// and changes nothing.
func (c *wsConn) handleMessage(ctx context.Context, typ int, data []byte) {
	if typ != websocket.TextMessage {
		c.reply(c.errorFrame(&workspace.Error{Code: workspace.EINVALID, Key: "error.ws.not_text", Message: "Messages must be JSON text frames."}, ""))
		return
	}
	if !utf8.Valid(data) {
		c.reply(c.errorFrame(&workspace.Error{Code: workspace.EINVALID, Key: "error.ws.not_utf8", Message: "Message is not valid UTF-8."}, ""))
		return
	}
	var m clientMessage
	if err := json.Unmarshal(data, &m); err != nil {
		if json.Valid(data) {
			c.reply(c.errorFrame(&workspace.Error{Code: workspace.EINVALID, Key: "error.ws.not_object", Message: "A message is a JSON object with a type."}, ""))
			return
		}
		c.reply(c.errorFrame(&workspace.Error{Code: workspace.EINVALID, Key: "error.ws.not_json", Message: "Message is not valid JSON."}, ""))
		return
	}
	switch m.Type {
	case "ping":
		id := m.ID
		c.reply(frame{data: mustMarshal(serverMessage{Type: "pong", ID: &id})})
	case "subscribe":
		if t, ok := c.topic(m.Topic); ok {
			c.subscribeChecked(ctx, t, true)
		}
	case "unsubscribe":
		if t, ok := c.topic(m.Topic); ok {
			c.hub.unsubscribe(c, t, true)
		}
	default:
		if k := c.hub.routeFor(m.Type); k != nil {
			c.handleRouted(ctx, k, m.Type, data)
			return
		}
		c.reply(c.errorFrame(&workspace.Error{Code: workspace.EINVALID, Key: "error.ws.unknown_type", Message: "Unknown message type."}, ""))
	}
}

// topic parses the topic of a subscription, replying with an error when it
// is malformed or unknown.
func (c *wsConn) topic(s string) (Topic, bool) {
	t, err := c.hub.ParseTopic(s)
	if err != nil {
		// A malformed topic is not repeated back; an unknown one is, so
		// that the client knows which of its subscriptions failed.
		topic := ""
		if workspace.ErrorCode(err) == workspace.ENOTFOUND {
			topic = s
		}
		c.reply(c.errorFrame(err, topic))
		return Topic{}, false
	}
	return t, true
}

// subscribeChecked authorizes topic afresh and, if allowed, subscribes
// (replying "subscribed" when confirm is true, then calling the kind's
// Subscribed). A refusal also removes an
// earlier subscription to the topic, so that a lost permission takes
// effect; an EUNAUTHORIZED refusal closes the connection with 1008 after
// the error reply.
func (c *wsConn) subscribeChecked(ctx context.Context, topic Topic, confirm bool) {
	acc, err := c.hub.authorize(ctx, c, topic)
	if err == nil {
		if confirm && c.hub.subscribe(c, topic) {
			if k := c.hub.kind(topic.Kind); k != nil && k.Subscribed != nil {
				k.Subscribed(ctx, &Peer{c: c}, acc, topic.ID)
			}
		}
		return
	}
	if workspace.ErrorCode(err) != workspace.EUNAUTHORIZED {
		c.hub.unsubscribe(c, topic, false)
	}
	c.refuse(err, map[string]any{"topic": topic.String()})
}

// refuse answers a message with an error carrying extra fields (such as
// the document it concerns). Internal errors are logged and shown as a
// generic message; an EUNAUTHORIZED error closes the connection with 1008
// after the reply.
func (c *wsConn) refuse(err error, fields map[string]any) {
	code := workspace.ErrorCode(err)
	if code == workspace.EINTERNAL {
		c.logger.Error("hub: message failed", "error", err)
	}
	message := c.localize(err)
	m := map[string]any{"type": "error", "code": code, "message": message}
	for k, v := range fields {
		if _, taken := m[k]; !taken {
			m[k] = v
		}
	}
	data, merr := json.Marshal(m)
	if merr != nil {
		data = mustMarshal(serverMessage{Type: "error", Code: code, Message: message})
	}
	if code != workspace.EUNAUTHORIZED {
		c.reply(frame{data: data})
		return
	}
	c.hub.detach(c)
	c.closing.Store(true)
	if !c.trySend(frame{data: data}) ||
		!c.trySend(frame{closeCode: websocket.ClosePolicyViolation, closeReason: reasonUnauthorized}) {
		c.requestClose(websocket.ClosePolicyViolation, reasonUnauthorized)
	}
}

// reply queues a reply to the client; a client too slow to take it is
// dropped.
func (c *wsConn) reply(f frame) {
	if !c.trySend(f) {
		c.hub.mu.Lock()
		c.hub.dropSlowLocked(c)
		c.hub.mu.Unlock()
	}
}

// writeLoop writes queued messages and periodic pings until a close is
// requested, the context ends or a write fails. It reports whether it sent
// a close frame.
func (c *wsConn) writeLoop(ctx context.Context) (closeSent bool) {
	ticker := time.NewTicker(c.hub.pingPeriod)
	defer ticker.Stop()
	var batch []frame // the frames being written, swapped with the queue
	for {
		// A requested close goes ahead of whatever is queued.
		select {
		case <-c.closeNow:
			return c.writeClose(c.closeCode, c.closeReason)
		default:
		}

		select {
		case <-ctx.Done():
			if context.Cause(ctx) == errReaderDone {
				return false // the connection is gone or closing already
			}
			return c.writeClose(websocket.CloseGoingAway, reasonShutdown)
		case <-c.closeNow:
			return c.writeClose(c.closeCode, c.closeReason)
		case <-c.ready:
			if stop, closeSent := c.writeQueued(&batch); stop {
				return closeSent
			}
		case <-ticker.C:
			if err := c.write(websocket.PingMessage, nil); err != nil {
				return false
			}
		}
	}
}

// writeQueuedPasses bounds how many times writeQueued takes the queue
// again for frames that arrived while it wrote, before it flushes.
const writeQueuedPasses = 4

// writeQueued writes the frames waiting in the queue, in order, and those
// that join it meanwhile (up to writeQueuedPasses takes). On a connection
// opened by Upgrade they are gathered and leave in one write (more when
// they exceed writeBatchMax); on others, one write each. A frame's write
// deadline runs from the moment it is written, as before: the batch's
// from its flush. It reports whether the writer must stop, and then
// whether it sent a close frame.
func (c *wsConn) writeQueued(batch *[]frame) (stop, closeSent bool) {
	bc, _ := c.ws.NetConn().(*batchConn)
	if bc == nil {
		return c.writeFrames(batch, 1)
	}
	bc.gather()
	stop, closeSent = c.writeFrames(batch, writeQueuedPasses)
	if err := bc.flush(time.Now().Add(c.hub.writeWait)); err != nil {
		if !c.closing.Load() {
			c.logger.Info("hub: websocket write failed", "error", err)
		}
		return true, false
	}
	return stop, closeSent
}

// writeFrames takes the queue and writes its frames, then takes it again
// while frames are waiting, at most passes times in all.
func (c *wsConn) writeFrames(batch *[]frame, passes int) (stop, closeSent bool) {
	for pass := 0; pass < passes; pass++ {
		*batch = c.takeQueue(*batch)
		if len(*batch) == 0 {
			return false, false
		}
		for i, f := range *batch {
			// A requested close still goes ahead of the rest.
			select {
			case <-c.closeNow:
				return true, c.writeClose(c.closeCode, c.closeReason)
			default:
			}
			if f.closeCode != 0 {
				return true, c.writeClose(f.closeCode, f.closeReason)
			}
			if err := c.write(websocket.TextMessage, f.data); err != nil {
				return true, false
			}
			(*batch)[i] = frame{} // let the message go
		}
		if cap(*batch) > 64 {
			*batch = nil // a burst is over: do not keep its room
		}
	}
	return false, false
}

func (c *wsConn) write(typ int, data []byte) error {
	_ = c.ws.SetWriteDeadline(time.Now().Add(c.hub.writeWait))
	err := c.ws.WriteMessage(typ, data)
	if err != nil && !c.closing.Load() {
		c.logger.Info("hub: websocket write failed", "error", err)
	}
	return err
}

func (c *wsConn) writeClose(code int, reason string) bool {
	c.closing.Store(true)
	return c.write(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason)) == nil
}
