package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// ShareDB's counting readers. They connect and subscribe as the full
// editors do (handshake, then "s" for the document, whose snapshot gives
// the version), then go to the event loop. There each message's top-level
// fields are picked out by a scan that skips the values it does not need
// (the op above all) without decoding them: an op message of the document
// at the expected version is op seq of client src, whose edits editsOf
// knows. Versions are checked as the full editor checks them: an older
// one is a duplicate, a newer one means ops were lost.

// openCounter connects a counting reader to doc.
func (d *sharedbDriver) openCounter(ctx context.Context, doc DocRef, h Handlers) (SimEditor, error) {
	tcp, rest, err := wsDial(ctx, d.proc.Addr, "/", nil)
	if err != nil {
		return nil, fmt.Errorf("sharedb: %w", err)
	}
	j := newJoinConn(tcp, rest)
	fail := func(err error) (SimEditor, error) {
		tcp.Close()
		return nil, err
	}
	hs, _ := json.Marshal(map[string]any{"a": "hs", "id": nil, "protocol": 1, "protocolMinor": 2})
	if err := j.send(wsText, hs); err != nil {
		return fail(fmt.Errorf("sharedb handshake: %w", err))
	}
	err = j.until(ctx, func(_ byte, b []byte) (bool, error) {
		var m sharedbMsg
		if err := json.Unmarshal(b, &m); err != nil {
			return false, fmt.Errorf("sharedb handshake: %w", err)
		}
		if m.Error != nil {
			return false, fmt.Errorf("sharedb handshake: %w", m.Error)
		}
		return m.A == "hs" && m.ID != nil, nil
	})
	if err != nil {
		return fail(err)
	}
	sub, _ := json.Marshal(sharedbMsg{A: "s", C: sharedbCollection, D: string(doc)})
	if err := j.send(wsText, sub); err != nil {
		return fail(fmt.Errorf("sharedb subscribe: %w", err))
	}
	rc := &sharedbCounter{d: d, doc: []byte(doc), h: h}
	var early [][]byte
	err = j.until(ctx, func(_ byte, b []byte) (bool, error) {
		var m sharedbMsg
		if err := json.Unmarshal(b, &m); err != nil {
			return false, fmt.Errorf("sharedb subscribe: %w", err)
		}
		if m.A != "s" {
			early = append(early, append([]byte(nil), b...))
			return false, nil
		}
		if m.Error != nil {
			return false, fmt.Errorf("sharedb subscribe: %w", m.Error)
		}
		if m.Data == nil || m.Data.Type == nil || m.Data.Data == nil {
			return false, fmt.Errorf("sharedb subscribe: document %s does not exist", doc)
		}
		rc.version = m.Data.V
		return true, nil
	})
	if err != nil {
		return fail(err)
	}
	if h.Synced != nil {
		h.Synced(time.Now())
	}
	now := time.Now()
	for _, b := range early {
		if err := rc.handle(wsText, b, now); err != nil && h.Failed != nil {
			h.Failed(err)
		}
	}
	return j.handOff("sharedb", rc.handle, h.Failed, nil)
}

// sharedbCounter recognises the edits of one counting reader's messages;
// it runs on the event loop.
type sharedbCounter struct {
	d       *sharedbDriver
	doc     []byte
	h       Handlers
	version int
}

// sharedbFields are the top-level fields of a message the counter needs.
type sharedbFields struct {
	a, d, src []byte
	seq, v    int
	hasV      bool
	err       []byte
}

// handle reports the arrival of the edits an op message carries.
func (rc *sharedbCounter) handle(_ byte, b []byte, at time.Time) error {
	var f sharedbFields
	err := jsonTopFields(b, func(key, val []byte) error {
		switch string(key) {
		case "a":
			f.a = jsonStringBytes(val)
		case "d":
			f.d = jsonStringBytes(val)
		case "src":
			f.src = jsonStringBytes(val)
		case "seq":
			f.seq, _ = strconv.Atoi(string(val))
		case "v":
			n, err := strconv.Atoi(string(val))
			f.v, f.hasV = n, err == nil
		case "error":
			f.err = val
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sharedb: reading %.200s: %w", b, err)
	}
	if f.err != nil {
		return fmt.Errorf("sharedb: error %s", f.err)
	}
	if string(f.a) != "op" || !bytes.Equal(f.d, rc.doc) || !f.hasV {
		return nil
	}
	switch {
	case f.v < rc.version:
		return nil // a duplicate, sent around a subscription
	case f.v > rc.version:
		return fmt.Errorf("sharedb: op at version %d while at %d: ops were lost", f.v, rc.version)
	}
	rc.version++
	if rc.h.Arrived != nil {
		for _, id := range rc.d.editsOf(string(f.src), f.seq) {
			rc.h.Arrived(id, at)
		}
	}
	return nil
}

// jsonStringBytes returns the contents of a JSON string without escapes
// (ShareDB's ids and actions have none), or nil for anything else.
func jsonStringBytes(val []byte) []byte {
	if len(val) < 2 || val[0] != '"' || val[len(val)-1] != '"' || bytes.IndexByte(val, '\\') >= 0 {
		return nil
	}
	return val[1 : len(val)-1]
}

// jsonTopFields calls fn with each key of a JSON object and its raw value,
// skipping over the values without decoding them: strings are stepped
// through (escapes included), arrays and objects by counting brackets
// outside strings. Keys are passed without their quotes; a key holding an
// escape is passed raw.
func jsonTopFields(b []byte, fn func(key, val []byte) error) error {
	i := jsonSkipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return errors.New("not a JSON object")
	}
	i = jsonSkipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return errors.New("a key expected")
		}
		end, err := jsonSkipValue(b, i)
		if err != nil {
			return err
		}
		key := b[i+1 : end-1]
		i = jsonSkipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return errors.New("':' expected")
		}
		i = jsonSkipSpace(b, i+1)
		end, err = jsonSkipValue(b, i)
		if err != nil {
			return err
		}
		if err := fn(key, b[i:end]); err != nil {
			return err
		}
		i = jsonSkipSpace(b, end)
		if i >= len(b) {
			return errors.New("unterminated object")
		}
		switch b[i] {
		case ',':
			i = jsonSkipSpace(b, i+1)
		case '}':
			return nil
		default:
			return errors.New("',' or '}' expected")
		}
	}
}

func jsonSkipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// jsonSkipValue returns the end of the JSON value starting at b[i].
func jsonSkipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errors.New("a value expected")
	}
	switch b[i] {
	case '"':
		for j := i + 1; j < len(b); j++ {
			switch b[j] {
			case '\\':
				j++
			case '"':
				return j + 1, nil
			}
		}
		return 0, errors.New("unterminated string")
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, err := jsonSkipValue(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errors.New("unterminated array or object")
	default:
		j := i
		for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' && b[j] != '\r' && b[j] != '\t' {
			j++
		}
		if j == i {
			return 0, errors.New("a value expected")
		}
		return j, nil
	}
}
