// Package collab is the authority of co-edited documents: one room per open
// document orders every request, rebases pushes over the updates accepted
// since their version, commits them (with the anchors they move) before
// anyone hears of them, broadcasts them and relays presence. It also
// accepts updates that the server makes itself, for a request that no
// connected editor sent (restore a version, accept a suggested change,
// pre-fill the minutes). It reaches clients through package live and the
// store through workspace/sqlite; it knows no HTTP page.
package collab

import (
	"context"
	"log/slog"
	"sync"

	"tawla/live"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// TopicKind is the kind of live topic of documents: "document:3". Its
// messages are those whose type starts with "doc.".
const TopicKind = "document"

// Authority is the authority of every co-edited document. It serves the
// "doc." messages of every connection (it is the live.Handler of the
// document topics), and the server-made updates and anchors of requests.
// A room exists while someone has its document open or a request is on
// its way to it. Its methods are safe for concurrent use.
type Authority struct {
	db     *sqlite.DB
	logger *slog.Logger
	limits Limits

	mu    sync.Mutex
	rooms map[int64]*docRoom
	// joined records the rooms each connection is in, to leave them when
	// the connection ends.
	joined map[uint64]map[int64]*live.Peer
	// kinds caches each document's kind, which never changes.
	kinds map[int64]workspace.DocumentKind
	// onReattached, set before any room opens, hears of the anchors a
	// commit re-attached (OnReattached).
	onReattached func(docID int64, anchorIDs []int64)
}

// OnReattached sets fn to be told, after each commit that re-attached
// anchors whose quote came back (a room's reattach), the document and
// those anchors, so that the pages following it hear that their threads
// changed. It must be called before the authority serves anything; fn
// runs on the room's goroutine and must not block.
func (a *Authority) OnReattached(fn func(docID int64, anchorIDs []int64)) {
	a.onReattached = fn
}

// New returns the authority of the documents of db. Zero fields of limits
// take DefaultLimits; a nil logger discards.
func New(db *sqlite.DB, logger *slog.Logger, limits Limits) *Authority {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Authority{
		db: db, logger: logger, limits: limits.withDefaults(),
		rooms:  map[int64]*docRoom{},
		joined: map[uint64]map[int64]*live.Peer{},
		kinds:  map[int64]workspace.DocumentKind{},
	}
}

// Kind returns the live topic kind of documents, to register with
// live.Hub.HandleKind under TopicKind: following "document:3" and sending
// its "doc." messages both need the right to read the document, decided
// on the store's current state every time.
func (a *Authority) Kind() live.Kind {
	return live.Kind{
		Entity:        true,
		Authorize:     a.authorizeRead,
		MessagePrefix: "doc.",
		IDField:       "doc",
		Handler:       a,
	}
}

// authorizeRead is the rule of the document topics.
func (a *Authority) authorizeRead(ctx context.Context, acc *workspace.Account, docID int64) error {
	doc, err := a.document(ctx, docID)
	if err != nil {
		return err
	}
	return workspace.CanReadDocument(acc, doc)
}

// document returns what the rules of a document read of it. For a
// procedure's draft that is its kind, which never changes, so it is read
// from the store once and kept: every push is checked twice (to read,
// then to edit), and the typing of a busy room should not cost two
// queries a keystroke. Minutes are sealed when a later meeting approves
// them, so theirs is read again at every message. The account is read
// for every message.
func (a *Authority) document(ctx context.Context, docID int64) (*workspace.Document, error) {
	a.mu.Lock()
	kind, ok := a.kinds[docID]
	a.mu.Unlock()
	if ok && kind == workspace.DocumentProcedureDraft {
		return &workspace.Document{ID: docID, Kind: kind}, nil
	}
	doc, err := a.db.FindDocumentByID(ctx, docID)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	a.kinds[docID] = doc.Kind
	a.mu.Unlock()
	return doc, nil
}

// Handle implements live.Handler for a message that Decode accepted and
// whose document the hub has authorised acc to read. It runs on the
// connection's reader goroutine: decoding and permission checks happen
// there, in parallel across connections; ordering happens in the room.
func (a *Authority) Handle(ctx context.Context, p *live.Peer, acc *workspace.Account, msgType string, docID int64, decoded any) {
	msg := decoded.(roomMsg)
	fields := map[string]any{"doc": docID, "about": msgType}
	if msg.kind == msgJoin || msg.kind == msgPush {
		doc, err := a.document(ctx, docID)
		if err != nil {
			refuseUnlessGone(ctx, p, err, fields)
			return
		}
		editErr := workspace.CanEditDocument(acc, doc)
		if msg.kind == msgPush && editErr != nil {
			p.Refuse(editErr, fields)
			return
		}
		msg.canEdit = editErr == nil
	}
	msg.peer, msg.account = p, acc
	if msg.kind != msgJoin && !a.hasJoined(p, docID) {
		if msg.kind == msgLeave {
			return // leaving a document one is not in changes nothing
		}
		p.Refuse(&workspace.Error{Code: workspace.EINVALID, Key: "error.document.join_first", Message: "Join the document first."}, fields)
		return
	}
	if err := a.deliver(ctx, docID, msg); err != nil {
		refuseUnlessGone(ctx, p, err, fields)
	}
}

// refuseUnlessGone refuses a message with err, unless the connection is
// ending: its context is then done, the store calls made for the message
// fail with that, and there is nobody left to answer (nor an internal
// error to log).
func refuseUnlessGone(ctx context.Context, p *live.Peer, err error, fields map[string]any) {
	if ctx.Err() != nil {
		return
	}
	p.Refuse(err, fields)
}

func (a *Authority) hasJoined(p *live.Peer, docID int64) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, ok := a.joined[p.Key()][docID]
	return ok
}

// deliver hands msg to the document's room, opening the room (loading the
// document) when nobody has it open.
func (a *Authority) deliver(ctx context.Context, docID int64, msg roomMsg) error {
	for {
		a.mu.Lock()
		room := a.rooms[docID]
		if room == nil && msg.kind == msgLeave {
			a.mu.Unlock()
			return nil // the room has closed: nobody is left to tell
		}
		if room == nil {
			room = newDocRoom(a, docID)
			a.rooms[docID] = room
			go room.run()
		}
		if msg.kind == msgJoin {
			if a.joined[msg.peer.Key()] == nil {
				a.joined[msg.peer.Key()] = map[int64]*live.Peer{}
			}
			a.joined[msg.peer.Key()][docID] = msg.peer
		}
		a.mu.Unlock()
		if room.enqueue(ctx, msg) {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// The room closed between the lookup and the send: open a new one.
	}
}

// roomClosed removes a room that has closed itself.
func (a *Authority) roomClosed(r *docRoom) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.rooms[r.docID] == r {
		delete(a.rooms, r.docID)
	}
}

// left records that the peer is no longer in the document.
func (a *Authority) left(p *live.Peer, docID int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if rooms := a.joined[p.Key()]; rooms != nil {
		delete(rooms, docID)
		if len(rooms) == 0 {
			delete(a.joined, p.Key())
		}
	}
}

// PeerGone implements live.Handler: the connection has ended, so it
// leaves every document it was in.
func (a *Authority) PeerGone(p *live.Peer) {
	a.mu.Lock()
	rooms := a.joined[p.Key()]
	delete(a.joined, p.Key())
	var docs []int64
	for docID := range rooms {
		docs = append(docs, docID)
	}
	a.mu.Unlock()
	for _, docID := range docs {
		_ = a.deliver(context.Background(), docID, roomMsg{kind: msgLeave, msgType: msgTypeLeave, peer: p})
	}
}

// RoomOpen reports whether the document has a room (someone has it open,
// or a request is on its way to it), for tests and monitoring.
func (a *Authority) RoomOpen(docID int64) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rooms[docID] != nil
}

// Text returns the current text of a document and its version: from its
// room when someone has it open, from the store otherwise.
func (a *Authority) Text(ctx context.Context, docID int64) (string, int, error) {
	a.mu.Lock()
	room := a.rooms[docID]
	a.mu.Unlock()
	if room != nil {
		if text, version, ok := room.current(); ok {
			return text, version, nil
		}
	}
	text, version, err := a.db.LoadDocumentText(ctx, docID)
	if err != nil {
		return "", 0, err
	}
	return text.String(), version, nil
}
