package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// y-websocket's counting readers. They sync as a new provider with an
// empty document does: sync step 1 with an empty state vector, the
// server's step 2 (the whole document) read but not applied, and the
// server's step 1 answered with step 2 of an empty document (an update
// with no struct and an empty delete set: what a Y.Doc that holds nothing
// of its own sends). Then, on the event loop, each update is scanned
// (scanUpdate: the first IDs of its structs and its delete set, nothing
// integrated) and recognised as the full editors recognise it (editOf).

// yEmptyUpdate is the v1 update of an empty document.
var yEmptyUpdate = []byte{0, 0}

// openCounter connects a counting reader to doc.
func (d *yjsDriver) openCounter(ctx context.Context, doc DocRef, h Handlers) (SimEditor, error) {
	tcp, rest, err := wsDial(ctx, d.proc.Addr, "/"+string(doc), nil)
	if err != nil {
		return nil, fmt.Errorf("yjs: %w", err)
	}
	j := newJoinConn(tcp, rest)
	var step1 yEncoder
	step1.uint(yMsgSync)
	step1.uint(ySyncStep1)
	step1.bytes([]byte{0}) // an empty state vector
	if err := j.send(wsBinary, step1.b); err != nil {
		tcp.Close()
		return nil, fmt.Errorf("yjs: sync step 1: %w", err)
	}
	err = j.until(ctx, func(_ byte, b []byte) (bool, error) {
		step, _, err := yCounterMessage(b)
		if err != nil {
			return false, err
		}
		switch step {
		case ySyncStep1:
			return false, j.send(wsBinary, yStep2Empty())
		case ySyncStep2:
			return true, nil
		}
		return false, nil // an update before the document: a full editor applies it unreported
	})
	if err != nil {
		tcp.Close()
		return nil, err
	}
	if h.Synced != nil {
		h.Synced(time.Now())
	}
	rc := &yjsCounter{d: d, h: h}
	return j.handOff("yjs", rc.handle, h.Failed, func(c *loopConn) { rc.c = c })
}

// yStep2Empty is sync step 2 carrying the empty update.
func yStep2Empty() []byte {
	var msg yEncoder
	msg.uint(yMsgSync)
	msg.uint(ySyncStep2)
	msg.bytes(yEmptyUpdate)
	return msg.b
}

// yCounterMessage reads a y-websocket message's sync step and payload; a
// message that is not a sync message (awareness) has step -1.
func yCounterMessage(b []byte) (step int, payload []byte, err error) {
	dec := yDecoder{b: b}
	if kind := dec.uint(); kind != yMsgSync {
		return -1, nil, nil
	}
	step = int(dec.uint())
	payload = dec.bytes()
	if dec.err != nil {
		return -1, nil, fmt.Errorf("yjs: reading a sync message: %w", dec.err)
	}
	return step, payload, nil
}

// yjsCounter recognises the edits of one counting reader's messages; it
// runs on the event loop.
type yjsCounter struct {
	d    *yjsDriver
	h    Handlers
	c    *loopConn
	info yUpdateInfo // reused from update to update
}

// handle reports the arrival of the edit an update carries, and answers
// a sync step 1 as the provider does.
func (rc *yjsCounter) handle(_ byte, b []byte, at time.Time) error {
	step, payload, err := yCounterMessage(b)
	if err != nil {
		return err
	}
	switch step {
	case ySyncStep1:
		return rc.c.write(wsFrame(wsBinary, yStep2Empty()))
	case ySyncUpdate:
		if err := scanUpdate(payload, &rc.info); err != nil {
			return err
		}
		ed, ok := rc.d.editOf(rc.info)
		if ok && ed.by != nil && rc.h.Arrived != nil {
			rc.h.Arrived(ed.id, at)
		}
		return nil
	case ySyncStep2, -1:
		return nil
	}
	return errors.New("yjs: unknown sync step")
}
