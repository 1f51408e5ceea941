package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// The Yjs peer: bench/peers/yjs-server.js (@y/websocket-server's
// setupWSConnection, in memory) driven over the y-websocket protocol by Go
// clients that hold a real Yjs document (driver_yjs_doc.go) and behave like
// y-websocket's WebsocketProvider:
//
//   - on connecting, the client sends sync step 1 (its state vector) and
//     answers the server's step 1 with step 2; it is synced when the
//     server's step 2 has been applied;
//   - each edit is one transaction (Y.Text delete then insert) whose update
//     is sent at once, as the provider does on every 'update' event.
//     Nothing is batched and there is no flow control: Yjs clients do not
//     wait for anything.
//
// Yjs has no acknowledgement in its protocol. The y-websocket server,
// though, broadcasts every update it applies to every connection of the
// document, the author's included; the echo reaching its author is the
// moment the server has applied the update (in memory) and is the
// acknowledgement reported here. A real client ignores the echo (applying
// it again changes nothing), and so does this one apart from the timing.
//
// An edit is recognised on the far side by the update's own content, which
// the server re-encodes but does not change: the ID (client, clock) of the
// item the edit inserted, or, for an edit that only deletes, the first
// range of its delete set. A deletion that another author made first is
// not re-broadcast by the server (its transaction changes nothing), so
// such an edit never arrives nor is acknowledged: the step counts it as
// lost. Awareness (cursors, presence) is not sent, as for the other
// servers.

func init() { registerDriver(func() Driver { return &yjsDriver{} }) }

// yjsDriver runs the Yjs peer. Its methods may be called concurrently once
// Start has returned.
type yjsDriver struct {
	proc *Proc
	docs atomic.Int64

	mu      sync.Mutex
	clients map[uint64]bool // the Yjs client ids given out

	inserts sync.Map // yID of an edit's inserted item → yjsEdit
	deletes sync.Map // yID starting a delete-only edit's range → yjsEdit
}

// yjsEdit is an edit as the driver recognises it in updates.
type yjsEdit struct {
	by *yjsEditor
	id EditID
}

// Name implements Driver.
func (d *yjsDriver) Name() string { return "yjs" }

// Start implements Driver.
func (d *yjsDriver) Start(ctx context.Context, env *Env) error {
	p, err := startPeer(ctx, env, "yjs", "yjs-server.js")
	if err != nil {
		return err
	}
	d.proc = p
	d.clients = map[uint64]bool{}
	return nil
}

// Server implements Driver.
func (d *yjsDriver) Server() *Proc { return d.proc }

// Stop implements Driver.
func (d *yjsDriver) Stop() {
	if d.proc != nil {
		d.proc.Stop()
	}
}

// CreateDoc implements Driver: a first client types the text into a new
// document and leaves once the server has echoed the update.
func (d *yjsDriver) CreateDoc(ctx context.Context, text string) (DocRef, error) {
	ref := DocRef(fmt.Sprintf("bench-%d", d.docs.Add(1)))
	acked := make(chan struct{}, 1)
	failed := make(chan error, 1)
	se, err := d.Open(ctx, ref, Author, Handlers{
		Acked: func(EditID, time.Time) { acked <- struct{}{} },
		Failed: func(err error) {
			select {
			case failed <- err:
			default:
			}
		},
	})
	if err != nil {
		return "", err
	}
	defer se.Close()
	if text == "" {
		return ref, nil
	}
	if err := se.Edit(EditID{Author: -1, N: 1}, 0, 0, text); err != nil {
		return "", err
	}
	select {
	case <-acked:
		return ref, nil
	case err := <-failed:
		return "", err
	case <-ctx.Done():
		return "", ctx.Err()
	case <-time.After(30 * time.Second):
		return "", errors.New("yjs: the server did not echo the document's creation")
	}
}

// newClientID draws a Yjs client id, random as Yjs draws them, and unique
// in the run.
func (d *yjsDriver) newClientID() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	for {
		id := uint64(rand.Uint32())
		if !d.clients[id] {
			d.clients[id] = true
			return id
		}
	}
}

// y-websocket's message types, and y-protocols' sync steps.
const (
	yMsgSync      = 0
	yMsgAwareness = 1
	ySyncStep1    = 0
	ySyncStep2    = 1
	ySyncUpdate   = 2
)

// yjsEditor is one y-websocket client with its own Y.Doc.
type yjsEditor struct {
	d      *yjsDriver
	c      *peerConn
	h      Handlers
	reader bool
	done   chan struct{} // closed when the reader ends
	synced chan struct{} // closed when the server's step 2 is applied

	mu     sync.Mutex
	doc    *yDoc
	ready  bool
	early  [][]byte // updates received before the server's step 2
	closed bool
}

// Open implements Driver. It returns once the editor has applied the
// server's sync step 2, after calling h.Synced. A Counter is a counting
// reader (driver_yjs_count.go).
func (d *yjsDriver) Open(ctx context.Context, doc DocRef, role Role, h Handlers) (SimEditor, error) {
	if role == Counter {
		return d.openCounter(ctx, doc, h)
	}
	reader := role != Author
	c, err := dialPeer(ctx, "ws://"+d.proc.Addr+"/"+string(doc))
	if err != nil {
		return nil, fmt.Errorf("yjs: %w", err)
	}
	e := &yjsEditor{d: d, c: c, h: h, reader: reader, done: make(chan struct{}), synced: make(chan struct{}), doc: newYDoc(d.newClientID())}
	if !reader {
		c.conn.reportWrites(&c.author, h.Wrote)
	}
	var msg yEncoder
	msg.uint(yMsgSync)
	msg.uint(ySyncStep1)
	msg.bytes(e.doc.stateVector())
	if err := c.send(websocket.BinaryMessage, msg.b); err != nil {
		c.ws.Close()
		return nil, fmt.Errorf("yjs: sync step 1: %w", err)
	}
	go e.read()
	timeout := time.NewTimer(30 * time.Second)
	defer timeout.Stop()
	select {
	case <-e.synced:
		return e, nil
	case <-e.done:
		return nil, errors.New("yjs: connection closed before the document was synced")
	case <-ctx.Done():
		e.Close()
		return nil, ctx.Err()
	case <-timeout.C:
		e.Close()
		return nil, errors.New("yjs: no sync step 2 from the server within 30 s")
	}
}

// read handles the server's messages until the connection ends.
func (e *yjsEditor) read() {
	defer close(e.done)
	for {
		_, data, err := e.c.ws.ReadMessage()
		if err != nil {
			e.mu.Lock()
			closed := e.closed
			e.mu.Unlock()
			if !closed && !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
				e.fail(fmt.Errorf("yjs: %w", err))
			}
			return
		}
		if err := e.handle(data); err != nil {
			e.fail(err)
		}
	}
}

func (e *yjsEditor) fail(err error) {
	if e.h.Failed != nil {
		e.h.Failed(err)
	}
}

// handle is the provider's reaction to one message.
func (e *yjsEditor) handle(data []byte) error {
	dec := yDecoder{b: data}
	if kind := dec.uint(); kind != yMsgSync {
		return nil // awareness and the rest carry no text
	}
	step := dec.uint()
	payload := dec.bytes()
	if dec.err != nil {
		return fmt.Errorf("yjs: reading a sync message: %w", dec.err)
	}
	switch step {
	case ySyncStep1:
		e.mu.Lock()
		diff, err := e.doc.diffUpdate(payload)
		e.mu.Unlock()
		if err != nil {
			return err
		}
		var msg yEncoder
		msg.uint(yMsgSync)
		msg.uint(ySyncStep2)
		msg.bytes(diff)
		return e.c.send(websocket.BinaryMessage, msg.b)
	case ySyncStep2:
		e.mu.Lock()
		_, err := e.doc.applyUpdate(payload)
		if err == nil && !e.ready {
			for _, u := range e.early {
				if _, err = e.doc.applyUpdate(u); err != nil {
					break
				}
			}
			e.early = nil
			e.ready = true
			at := time.Now()
			e.mu.Unlock()
			if e.h.Synced != nil {
				e.h.Synced(at)
			}
			close(e.synced)
			return err
		}
		e.mu.Unlock()
		return err
	case ySyncUpdate:
		e.mu.Lock()
		if !e.ready {
			e.early = append(e.early, append([]byte(nil), payload...))
			e.mu.Unlock()
			return nil
		}
		info, err := e.doc.applyUpdate(payload)
		e.mu.Unlock()
		at := e.c.stamp()
		if err != nil {
			return err
		}
		if ed, ok := e.d.editOf(info); ok {
			if ed.by == e {
				if e.h.Acked != nil {
					e.h.Acked(ed.id, at)
				}
			} else if e.h.Arrived != nil {
				e.h.Arrived(ed.id, at)
			}
		}
		return nil
	}
	return nil
}

// editOf recognises the edit an update carries.
func (d *yjsDriver) editOf(info yUpdateInfo) (yjsEdit, bool) {
	for _, id := range info.structs {
		if v, ok := d.inserts.Load(id); ok {
			return v.(yjsEdit), true
		}
	}
	for _, r := range info.deletes {
		if v, ok := d.deletes.Load(yID{r.client, r.clock}); ok {
			return v.(yjsEdit), true
		}
	}
	return yjsEdit{}, false
}

// Edit implements SimEditor: one Yjs transaction, its update sent at once.
// A range past the end of the text (which remote edits may have shortened
// since the caller read Len) is clamped to it, and a position inside a
// surrogate pair moves past the pair.
func (e *yjsEditor) Edit(id EditID, pos, del int, ins string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return errors.New("yjs: editor closed")
	}
	if e.reader {
		return errors.New("yjs: a reader does not edit")
	}
	e.c.setAuthor(id.Author)
	pos, del = clampEdit(pos, del, e.doc.length)
	end := pos + del
	if e.doc.splitsPair(pos) {
		pos++
	}
	if end < pos || e.doc.splitsPair(end) {
		end++
	}
	del = end - pos
	update, item, ds, err := e.doc.localEdit(pos, del, ins)
	if err != nil {
		return err
	}
	if update == nil {
		return errEmptyEdit
	}
	// Known before the update can reach anyone.
	ed := yjsEdit{by: e, id: id}
	if item != nil {
		e.d.inserts.Store(item.id, ed)
	} else {
		for _, r := range ds {
			e.d.deletes.LoadOrStore(yID{r.client, r.clock}, ed)
		}
	}
	var msg yEncoder
	msg.uint(yMsgSync)
	msg.uint(ySyncUpdate)
	msg.bytes(update)
	return e.c.send(websocket.BinaryMessage, msg.b)
}

// Len implements SimEditor.
func (e *yjsEditor) Len() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.doc.length
}

// Text implements SimEditor.
func (e *yjsEditor) Text() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.doc.String()
}

// Close implements SimEditor.
func (e *yjsEditor) Close() error {
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
