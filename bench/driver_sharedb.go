package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// The ShareDB peer: bench/peers/sharedb-server.js (ShareDB with its
// in-memory database, ot-text-unicode registered) driven over ShareDB's
// JSON websocket protocol by Go clients that behave like ShareDB's own
// browser client (sharedb/lib/client/doc.js):
//
//   - one op in flight; edits made while it waits are composed into one
//     pending op, sent when the in-flight op is acknowledged;
//   - a remote op is transformed against the in-flight op (the client's
//     op on the left) and then the pending one before it is applied;
//   - an op's acknowledgement is the server's reply carrying the op's src
//     and seq; it acknowledges every edit composed into the op, and the op
//     arrives at the others as one op, so each of those edits arrives with
//     it. Composition is what ShareDB's client does, and it is part of the
//     latency ShareDB users see.
//
// The edits an op carries are looked up by (src, seq) in the driver, which
// all the editors share: the wire carries no edit identity, and none is
// added to it.

func init() { registerDriver(func() Driver { return &sharedbDriver{} }) }

// sharedbCollection is the ShareDB collection the documents live in.
const sharedbCollection = "docs"

// sharedbTextType is ot-text-unicode's URI, as registered on the server.
const sharedbTextType = "http://sharejs.org/types/text-unicode"

// sharedbDriver runs the ShareDB peer. Its methods may be called
// concurrently once Start has returned.
type sharedbDriver struct {
	proc *Proc
	docs atomic.Int64

	mu    sync.RWMutex
	bySrc map[string]*sharedbEditor // editors by their ShareDB client id
}

// Name implements Driver.
func (d *sharedbDriver) Name() string { return "sharedb" }

// Start implements Driver.
func (d *sharedbDriver) Start(ctx context.Context, env *Env) error {
	p, err := startPeer(ctx, env, "sharedb", "sharedb-server.js")
	if err != nil {
		return err
	}
	d.proc = p
	d.bySrc = map[string]*sharedbEditor{}
	return nil
}

// Server implements Driver.
func (d *sharedbDriver) Server() *Proc { return d.proc }

// Stop implements Driver.
func (d *sharedbDriver) Stop() {
	if d.proc != nil {
		d.proc.Stop()
	}
}

// sharedbMsg is a message of ShareDB's protocol, both ways; only the fields
// the benchmark uses.
type sharedbMsg struct {
	A      string          `json:"a"`
	C      string          `json:"c,omitempty"`
	D      string          `json:"d,omitempty"`
	V      *int            `json:"v,omitempty"`
	Src    string          `json:"src,omitempty"`
	Seq    int             `json:"seq,omitempty"`
	Op     json.RawMessage `json:"op,omitempty"`
	Create *sharedbCreate  `json:"create,omitempty"`
	X      *struct{}       `json:"x,omitempty"`
	// Handshake replies.
	ID       *string `json:"id,omitempty"`
	Protocol int     `json:"protocol,omitempty"`
	Minor    int     `json:"protocolMinor,omitempty"`
	// Subscribe and fetch replies.
	Data  *sharedbSnapshot `json:"data,omitempty"`
	Error *sharedbError    `json:"error,omitempty"`
}

type sharedbCreate struct {
	Type string `json:"type"`
	Data string `json:"data"`
}

type sharedbSnapshot struct {
	V    int     `json:"v"`
	Type *string `json:"type"`
	Data *string `json:"data"`
}

type sharedbError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *sharedbError) Error() string { return "sharedb " + e.Code + ": " + e.Message }

// dial connects and completes ShareDB's handshake, returning the client id
// the server gave the connection (the src of its ops). Messages other than
// the handshake's are returned in early, in order.
func (d *sharedbDriver) dial(ctx context.Context) (c *peerConn, src string, err error) {
	c, err = dialPeer(ctx, "ws://"+d.proc.Addr+"/")
	if err != nil {
		return nil, "", fmt.Errorf("sharedb: %w", err)
	}
	defer c.readUntil(ctx)()
	// The browser client sends its handshake as soon as the socket opens,
	// without waiting for the legacy "init" message.
	hs, _ := json.Marshal(map[string]any{"a": "hs", "id": nil, "protocol": 1, "protocolMinor": 2})
	if err := c.send(websocket.TextMessage, hs); err != nil {
		c.ws.Close()
		return nil, "", fmt.Errorf("sharedb handshake: %w", err)
	}
	for {
		var m sharedbMsg
		if err := c.ws.ReadJSON(&m); err != nil {
			c.ws.Close()
			return nil, "", fmt.Errorf("sharedb handshake: %w", err)
		}
		if m.Error != nil {
			c.ws.Close()
			return nil, "", fmt.Errorf("sharedb handshake: %w", m.Error)
		}
		if m.A == "hs" && m.ID != nil {
			return c, *m.ID, nil
		}
	}
}

// CreateDoc implements Driver: one connection creates the document with
// ot-text-unicode's type and text, and leaves once the server has
// acknowledged the creation.
func (d *sharedbDriver) CreateDoc(ctx context.Context, text string) (DocRef, error) {
	id := fmt.Sprintf("bench-%d", d.docs.Add(1))
	c, src, err := d.dial(ctx)
	if err != nil {
		return "", err
	}
	defer c.close()
	zero := 0
	msg, err := json.Marshal(sharedbMsg{A: "op", C: sharedbCollection, D: id, V: &zero, Src: src, Seq: 1,
		Create: &sharedbCreate{Type: sharedbTextType, Data: text}, X: &struct{}{}})
	if err != nil {
		return "", err
	}
	if err := c.send(websocket.TextMessage, msg); err != nil {
		return "", fmt.Errorf("sharedb create: %w", err)
	}
	defer c.readUntil(ctx)()
	for {
		var m sharedbMsg
		if err := c.ws.ReadJSON(&m); err != nil {
			return "", fmt.Errorf("sharedb create: %w", err)
		}
		if m.Error != nil {
			return "", fmt.Errorf("sharedb create: %w", m.Error)
		}
		if m.A == "op" && m.Src == src && m.Seq == 1 {
			return DocRef(id), nil
		}
	}
}

// sharedbOp is an op of one editor's: sent (in flight) or waiting.
type sharedbOp struct {
	op    textOp
	seq   int
	edits []EditID
}

// sharedbEditor is one ShareDB client subscribed to the document.
type sharedbEditor struct {
	d      *sharedbDriver
	c      *peerConn
	doc    string
	src    string
	h      Handlers
	reader bool
	done   chan struct{} // closed when the reader ends

	mu       sync.Mutex
	text     []rune
	len16    int
	version  int
	inflight *sharedbOp
	pending  *sharedbOp
	nextSeq  int
	closed   bool

	logMu sync.RWMutex
	sent  [][]EditID // the edits of each op sent, by seq-1
}

// Open implements Driver. It returns once the editor holds the document's
// snapshot, after calling h.Synced. A Counter is a counting reader
// (driver_sharedb_count.go).
func (d *sharedbDriver) Open(ctx context.Context, doc DocRef, role Role, h Handlers) (SimEditor, error) {
	if role == Counter {
		return d.openCounter(ctx, doc, h)
	}
	reader := role != Author
	c, src, err := d.dial(ctx)
	if err != nil {
		return nil, err
	}
	e := &sharedbEditor{d: d, c: c, doc: string(doc), src: src, h: h, reader: reader, done: make(chan struct{}), nextSeq: 1}
	if !reader {
		c.conn.reportWrites(&c.author, h.Wrote)
	}
	d.mu.Lock()
	d.bySrc[src] = e
	d.mu.Unlock()

	sub, _ := json.Marshal(sharedbMsg{A: "s", C: sharedbCollection, D: e.doc})
	if err := c.send(websocket.TextMessage, sub); err != nil {
		c.ws.Close()
		return nil, fmt.Errorf("sharedb subscribe: %w", err)
	}
	clearDeadline := c.readUntil(ctx)
	var early []sharedbMsg
	for {
		var m sharedbMsg
		if err := c.ws.ReadJSON(&m); err != nil {
			c.ws.Close()
			return nil, fmt.Errorf("sharedb subscribe: %w", err)
		}
		if m.A == "s" {
			if m.Error != nil {
				c.ws.Close()
				return nil, fmt.Errorf("sharedb subscribe: %w", m.Error)
			}
			if m.Data == nil || m.Data.Type == nil || m.Data.Data == nil {
				c.ws.Close()
				return nil, fmt.Errorf("sharedb subscribe: document %s does not exist", doc)
			}
			e.text = []rune(*m.Data.Data)
			e.len16 = utf16Len(e.text)
			e.version = m.Data.V
			break
		}
		early = append(early, m)
	}
	clearDeadline()
	if h.Synced != nil {
		h.Synced(time.Now())
	}
	for i := range early {
		e.handle(&early[i])
	}
	go e.read()
	return e, nil
}

// read handles the server's messages until the connection ends.
func (e *sharedbEditor) read() {
	defer close(e.done)
	for {
		_, data, err := e.c.ws.ReadMessage()
		if err != nil {
			e.mu.Lock()
			closed := e.closed
			e.mu.Unlock()
			if !closed && !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
				e.fail(fmt.Errorf("sharedb: %w", err))
			}
			return
		}
		var m sharedbMsg
		if err := json.Unmarshal(data, &m); err != nil {
			e.fail(fmt.Errorf("sharedb: reading %.200s: %w", data, err))
			continue
		}
		e.handle(&m)
	}
}

func (e *sharedbEditor) fail(err error) {
	if e.h.Failed != nil {
		e.h.Failed(err)
	}
}

// handle is the client's reaction to one message: ShareDB's
// Doc._handleOp.
func (e *sharedbEditor) handle(m *sharedbMsg) {
	if m.A != "op" || m.D != e.doc {
		if m.Error != nil {
			e.fail(m.Error)
		}
		return
	}
	e.mu.Lock()
	if m.Error != nil {
		e.mu.Unlock()
		e.fail(m.Error)
		return
	}
	if e.inflight != nil && m.Src == e.src && m.Seq == e.inflight.seq {
		// Acknowledgement of the op in flight: the server has committed it
		// (to memory) as version v.
		if m.V == nil || *m.V != e.version {
			v := "none"
			if m.V != nil {
				v = fmt.Sprint(*m.V)
			}
			e.mu.Unlock()
			e.fail(fmt.Errorf("sharedb: ack of seq %d at version %s, expected %d", m.Seq, v, e.version))
			return
		}
		at := e.c.stamp()
		e.version++
		acked := e.inflight.edits
		e.inflight = nil
		err := e.flushLocked()
		e.mu.Unlock()
		if err != nil {
			e.fail(err)
		}
		if e.h.Acked != nil {
			for _, id := range acked {
				e.h.Acked(id, at)
			}
		}
		return
	}
	if m.V == nil || m.Op == nil {
		e.mu.Unlock()
		return // a create or delete of the document: not part of the workload
	}
	if *m.V < e.version {
		e.mu.Unlock()
		return // a duplicate, sent around a subscription
	}
	if *m.V > e.version {
		e.mu.Unlock()
		e.fail(fmt.Errorf("sharedb: op at version %d while at %d: ops were lost", *m.V, e.version))
		return
	}
	var op textOp
	if err := json.Unmarshal(m.Op, &op); err != nil {
		e.mu.Unlock()
		e.fail(fmt.Errorf("sharedb: op %s: %w", m.Op, err))
		return
	}
	err := e.applyRemoteLocked(op)
	e.mu.Unlock()
	at := e.c.stamp()
	if err != nil {
		e.fail(err)
		return
	}
	if e.h.Arrived != nil {
		for _, id := range e.d.editsOf(m.Src, m.Seq) {
			e.h.Arrived(id, at)
		}
	}
}

// applyRemoteLocked transforms a remote op past the in-flight and pending
// ops (ShareDB's transformX, client op on the left) and applies it.
func (e *sharedbEditor) applyRemoteLocked(op textOp) error {
	for _, mine := range []*sharedbOp{e.inflight, e.pending} {
		if mine == nil {
			continue
		}
		mineNext, err := transformText(mine.op, op, true)
		if err != nil {
			return fmt.Errorf("sharedb: transform: %w", err)
		}
		opNext, err := transformText(op, mine.op, false)
		if err != nil {
			return fmt.Errorf("sharedb: transform: %w", err)
		}
		mine.op, op = mineNext, opNext
	}
	text, delta, err := applyText(e.text, op)
	if err != nil {
		return fmt.Errorf("sharedb: apply remote op: %w", err)
	}
	e.text, e.len16 = text, e.len16+delta
	e.version++
	return nil
}

// flushLocked sends the pending op when no op is in flight.
func (e *sharedbEditor) flushLocked() error {
	if e.inflight != nil || e.pending == nil {
		return nil
	}
	op := e.pending
	e.pending = nil
	op.seq = e.nextSeq
	e.nextSeq++
	e.inflight = op
	// Record the op's edits before it can reach anyone.
	e.logMu.Lock()
	e.sent = append(e.sent, op.edits)
	e.logMu.Unlock()
	v := e.version
	msg, err := json.Marshal(sharedbMsg{A: "op", C: sharedbCollection, D: e.doc, V: &v, Src: e.src, Seq: op.seq, Op: mustJSON(op.op), X: &struct{}{}})
	if err != nil {
		return err
	}
	if err := e.c.send(websocket.TextMessage, msg); err != nil {
		return fmt.Errorf("sharedb: send op: %w", err)
	}
	return nil
}

func mustJSON(op textOp) json.RawMessage {
	b, err := op.MarshalJSON()
	if err != nil {
		panic(err) // ops are built by this file and always encode
	}
	return b
}

// editsOf returns the edits carried by op seq of the client src.
func (d *sharedbDriver) editsOf(src string, seq int) []EditID {
	d.mu.RLock()
	e := d.bySrc[src]
	d.mu.RUnlock()
	if e == nil || seq < 1 {
		return nil
	}
	e.logMu.RLock()
	defer e.logMu.RUnlock()
	if seq > len(e.sent) {
		return nil
	}
	return e.sent[seq-1]
}

// Edit implements SimEditor: the edit becomes an ot-text-unicode op,
// applied locally at once, then composed into the pending op and sent when
// nothing is in flight. A range past the end of the text (which remote
// edits may have shortened since the caller read Len) is clamped to it,
// and a position inside a surrogate pair moves past the pair.
func (e *sharedbEditor) Edit(id EditID, pos, del int, ins string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return errors.New("sharedb: editor closed")
	}
	if e.reader {
		return errors.New("sharedb: a reader does not edit")
	}
	e.c.setAuthor(id.Author)
	pos, del = clampEdit(pos, del, e.len16)
	start, err := runeIndex(e.text, pos)
	if err != nil {
		return err
	}
	end, err := runeIndex(e.text, pos+del)
	if err != nil {
		return err
	}
	op := textOp{{Skip: start}, {Del: end - start}, {Ins: []rune(ins)}}.normalize()
	if len(op) == 0 {
		return errEmptyEdit
	}
	text, delta, err := applyText(e.text, op)
	if err != nil {
		return err
	}
	e.text, e.len16 = text, e.len16+delta
	if e.pending == nil {
		e.pending = &sharedbOp{op: op, edits: []EditID{id}}
	} else {
		composed, err := composeText(e.pending.op, op)
		if err != nil {
			return err
		}
		e.pending.op = composed
		e.pending.edits = append(e.pending.edits, id)
	}
	return e.flushLocked()
}

// Len implements SimEditor.
func (e *sharedbEditor) Len() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.len16
}

// Text implements SimEditor.
func (e *sharedbEditor) Text() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return string(e.text)
}

// Close implements SimEditor.
func (e *sharedbEditor) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	e.mu.Unlock()
	err := e.c.close()
	<-e.done
	return err
}
