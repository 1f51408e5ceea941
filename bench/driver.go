package main

import (
	"context"
	"time"
)

// A Driver connects simulated editors to one collaboration server: Tawla,
// or a peer (ShareDB, y-websocket). The busy-room, join-storm and
// concurrent-trace steps are written once against this interface, so that
// every server gets exactly the same load and the same measurements.
type Driver interface {
	// Name names the server in the table and in results.json
	// ("tawla", "sharedb", "yjs").
	Name() string
	// Start starts the server, pinned to the server core.
	Start(ctx context.Context, env *Env) error
	// Server returns the running server process, for CPU and memory.
	Server() *Proc
	// CreateDoc creates a new shared document holding text and returns a
	// reference the editors open.
	CreateDoc(ctx context.Context, text string) (DocRef, error)
	// Open connects one editor to the document, in a role: an Author, a
	// full Reader (never edits, holds the text), or a Counter (a counting
	// reader, counting.go: never edits, holds no text, only times the
	// edits that arrive). The handlers are called from the editor's own
	// goroutines, or the event loop's for a Counter, and must be cheap.
	Open(ctx context.Context, doc DocRef, role Role, h Handlers) (SimEditor, error)
	// Stop stops the server.
	Stop()
}

// DocRef names a document on a server.
type DocRef string

// EditID identifies one edit across the run: the author's index and the
// running number of the author's edits (from 1).
type EditID struct {
	Author int
	N      int
}

// Handlers receive what an editor sees, with the time it saw it.
type Handlers struct {
	// Synced is called once the editor holds the document's text
	// (after Open, and after the initial sync for CRDT servers).
	Synced func(at time.Time)
	// Acked is called when the server acknowledges one of this editor's
	// edits, with the time the acknowledgement reached the socket (an
	// author's reads are timed by the kernel: stamp.go).
	Acked func(id EditID, at time.Time)
	// Arrived is called when another editor's edit has been applied here,
	// with the time the message carrying it reached the socket (for a
	// Counter: recognised in a frame received here).
	Arrived func(id EditID, at time.Time)
	// Failed reports an error the server sent or the connection hit.
	Failed func(err error)
	// Wrote is called by an author's connection just before it writes a
	// message, once the author's index is known (from its first Edit):
	// the busy room measures how long the generator kept edits from
	// going out.
	Wrote func(author int, at time.Time)
}

// SimEditor is one simulated editor connected to a server.
type SimEditor interface {
	// Edit applies a local edit — delete del UTF-16 units at pos, then
	// insert ins — and sends it. The driver tags it with id so that its
	// acknowledgement and its arrival at the others can be timed; how it
	// recognises the edit on the far side is the driver's business.
	Edit(id EditID, pos, del int, ins string) error
	// Len returns the editor's current text length in UTF-16 units.
	Len() int
	// Text returns the editor's current text.
	Text() string
	// Close disconnects.
	Close() error
}

// drivers lists the servers the comparative steps run against, Tawla
// first; each driver's file registers it from an init function.
var drivers []func() Driver

// registerDriver adds a server to the comparative steps.
func registerDriver(newDriver func() Driver) { drivers = append(drivers, newDriver) }
