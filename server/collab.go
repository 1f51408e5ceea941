package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"

	"tawla/workspace"
	"tawla/workspace/change"
	"tawla/workspace/sqlite"
)

// CollabLimits bounds what one client may ask of the co-editing authority.
type CollabLimits struct {
	// MaxDocumentUnits is the largest document, in UTF-16 code units.
	MaxDocumentUnits int
	// MaxUpdatesPerPush bounds the updates of one push.
	MaxUpdatesPerPush int
	// HistoryKeep is how many accepted updates a room keeps for rebasing;
	// a push based on an older version is refused with ECONFLICT.
	HistoryKeep int
	// SnapshotEvery is how many updates may pile up after the latest
	// snapshot before the room writes a new one.
	SnapshotEvery int
}

// DefaultCollabLimits are the limits docs/protocol.md states.
var DefaultCollabLimits = CollabLimits{
	MaxDocumentUnits:  1 << 20,
	MaxUpdatesPerPush: 1000,
	HistoryKeep:       10_000,
	SnapshotEvery:     1000,
}

// withDefaults returns l with its zero fields taken from
// DefaultCollabLimits.
func (l CollabLimits) withDefaults() CollabLimits {
	d := DefaultCollabLimits
	if l.MaxDocumentUnits > 0 {
		d.MaxDocumentUnits = l.MaxDocumentUnits
	}
	if l.MaxUpdatesPerPush > 0 {
		d.MaxUpdatesPerPush = l.MaxUpdatesPerPush
	}
	if l.HistoryKeep > 0 {
		d.HistoryKeep = l.HistoryKeep
	}
	if l.SnapshotEvery > 0 {
		d.SnapshotEvery = l.SnapshotEvery
	}
	return d
}

// documentText returns the current text and version of a document, from
// its room when it is open, from the store otherwise.
func (s *Server) documentText(ctx context.Context, docID int64) (string, int, error) {
	return s.collab.documentText(ctx, docID)
}

// maxClientIDLength bounds the clientID of an update.
const maxClientIDLength = 64

// collab is the authority of every co-edited document. It receives the
// "doc." messages of every connection (it is a MessageHandler), checks each
// one against the sender's current account, and hands it to the document's
// room, which orders, rebases, stores and broadcasts. A room exists while
// someone has its document open.
type collab struct {
	db     *sqlite.DB
	logger *slog.Logger
	limits CollabLimits

	mu    sync.Mutex
	rooms map[int64]*docRoom
	// joined records the rooms each connection is in, to leave them when
	// the connection ends.
	joined map[uint64]map[int64]*Peer
	// kinds caches each document's kind, which never changes.
	kinds map[int64]workspace.DocumentKind
}

func newCollab(db *sqlite.DB, logger *slog.Logger, limits CollabLimits) *collab {
	return &collab{
		db: db, logger: logger, limits: limits,
		rooms:  map[int64]*docRoom{},
		joined: map[uint64]map[int64]*Peer{},
		kinds:  map[int64]workspace.DocumentKind{},
	}
}

// The co-editing messages a client may send; docs/protocol.md describes
// them and the websocket authorisation matrix test checks each one.
const (
	msgTypeJoin     = "doc.join"
	msgTypePush     = "doc.push"
	msgTypePresence = "doc.presence"
	msgTypeLeave    = "doc.leave"
)

// collabMessageTypes lists the co-editing messages a client may send.
var collabMessageTypes = []string{msgTypeJoin, msgTypePush, msgTypePresence, msgTypeLeave}

// docClientMessage is any "doc." message from a client.
type docClientMessage struct {
	Type    string         `json:"type"`
	Doc     int64          `json:"doc"`
	Version *int           `json:"version"`
	Updates []pushedUpdate `json:"updates"`
	Anchor  *int           `json:"anchor"`
	Head    *int           `json:"head"`
}

// pushedUpdate is one update of a push, as the client sends it.
type pushedUpdate struct {
	ClientID string          `json:"clientID"`
	Seq      int64           `json:"seq"`
	Changes  json.RawMessage `json:"changes"`
}

// HandleMessage implements MessageHandler. It runs on the connection's
// reader goroutine: decoding and permission checks happen here, in
// parallel across connections; ordering happens in the room.
func (cb *collab) HandleMessage(ctx context.Context, p *Peer, msgType string, data []byte) {
	var m docClientMessage
	if err := json.Unmarshal(data, &m); err != nil {
		p.Refuse(workspace.Errorf(workspace.EINVALID, "The message does not fit the %s format.", msgType), nil)
		return
	}
	fields := map[string]any{"doc": m.Doc, "about": msgType}
	if m.Doc <= 0 {
		p.Refuse(workspace.Errorf(workspace.EINVALID, "The message names no document."), fields)
		return
	}
	if m.Version != nil && *m.Version < 0 {
		p.Refuse(workspace.Errorf(workspace.EINVALID, "Version %d does not exist: versions count from 0.", *m.Version), fields)
		return
	}
	acc, err := p.Account(ctx)
	if err != nil {
		refuseUnlessGone(ctx, p, err, fields)
		return
	}
	canRead, canEdit, err := cb.access(ctx, acc, m.Doc)
	if err != nil {
		refuseUnlessGone(ctx, p, err, fields)
		return
	}
	if !canRead {
		p.Refuse(&workspace.Error{Code: workspace.EFORBIDDEN, Message: "You may not open this document."}, fields)
		return
	}

	msg := roomMsg{msgType: msgType, peer: p, account: acc, canEdit: canEdit}
	switch msgType {
	case msgTypeJoin:
		msg.kind = msgJoin
		if m.Version != nil {
			msg.hasVersion, msg.version = true, *m.Version
		}
	case msgTypePush:
		if !canEdit {
			p.Refuse(&workspace.Error{Code: workspace.EFORBIDDEN, Message: "You may read this document but not edit it."}, fields)
			return
		}
		if err := cb.decodePush(&m, &msg); err != nil {
			p.Refuse(err, fields)
			return
		}
		msg.kind = msgPush
	case msgTypePresence:
		if m.Version == nil || m.Anchor == nil || m.Head == nil || *m.Anchor < 0 || *m.Head < 0 {
			p.Refuse(workspace.Errorf(workspace.EINVALID, "Presence needs a version, and an anchor and a head of 0 or more."), fields)
			return
		}
		msg.kind, msg.version, msg.anchor, msg.head = msgPresence, *m.Version, *m.Anchor, *m.Head
	case msgTypeLeave:
		msg.kind = msgLeave
	default:
		p.Refuse(workspace.Errorf(workspace.EINVALID, "Unknown message type."), fields)
		return
	}
	if msg.kind != msgJoin && !cb.hasJoined(p, m.Doc) {
		if msg.kind == msgLeave {
			return // leaving a document one is not in changes nothing
		}
		p.Refuse(workspace.Errorf(workspace.EINVALID, "Join the document first."), fields)
		return
	}
	if err := cb.deliver(ctx, m.Doc, msg); err != nil {
		refuseUnlessGone(ctx, p, err, fields)
	}
}

// refuseUnlessGone refuses a message with err, unless the connection is
// ending: its context is then done, the store calls made for the message
// fail with that, and there is nobody left to answer (nor an internal
// error to log).
func refuseUnlessGone(ctx context.Context, p *Peer, err error, fields map[string]any) {
	if ctx.Err() != nil {
		return
	}
	p.Refuse(err, fields)
}

// decodePush checks a push's shape and parses its change sets.
func (cb *collab) decodePush(m *docClientMessage, msg *roomMsg) error {
	if m.Version == nil {
		return workspace.Errorf(workspace.EINVALID, "A push needs the version it is based on.")
	}
	if len(m.Updates) == 0 || len(m.Updates) > cb.limits.MaxUpdatesPerPush {
		return workspace.Errorf(workspace.EINVALID, "A push carries 1 to %d updates.", cb.limits.MaxUpdatesPerPush)
	}
	msg.version = *m.Version
	msg.updates = make([]change.Update, len(m.Updates))
	msg.seqs = make([]int64, len(m.Updates))
	for i, u := range m.Updates {
		if u.ClientID == "" || len(u.ClientID) > maxClientIDLength {
			return workspace.Errorf(workspace.EINVALID, "Update %d: the clientID must be 1 to %d bytes.", i, maxClientIDLength)
		}
		if u.Seq <= 0 || (i > 0 && (u.ClientID != m.Updates[i-1].ClientID || u.Seq <= m.Updates[i-1].Seq)) {
			return workspace.Errorf(workspace.EINVALID, "Update %d: sequence numbers must be positive and increasing, from one client.", i)
		}
		set, err := change.ParseJSON(u.Changes)
		if err != nil {
			return workspace.Errorf(workspace.EINVALID, "Update %d: %v", i, err)
		}
		msg.updates[i] = change.Update{Changes: set, ClientID: u.ClientID}
		msg.seqs[i] = u.Seq
	}
	return nil
}

// access says whether acc may read and edit the document. Procedure drafts
// are read by every account and edited by members, the secretariat and
// admins.
func (cb *collab) access(ctx context.Context, acc *workspace.Account, docID int64) (canRead, canEdit bool, err error) {
	kind, err := cb.kind(ctx, docID)
	if err != nil {
		return false, false, err
	}
	switch kind {
	case workspace.DocumentProcedureDraft:
		return workspace.AccessAccount.Allows(acc), workspace.AccessMember.Allows(acc), nil
	}
	return false, false, nil
}

func (cb *collab) kind(ctx context.Context, docID int64) (workspace.DocumentKind, error) {
	cb.mu.Lock()
	kind, ok := cb.kinds[docID]
	cb.mu.Unlock()
	if ok {
		return kind, nil
	}
	doc, err := cb.db.FindDocumentByID(ctx, docID)
	if err != nil {
		return "", err
	}
	cb.mu.Lock()
	cb.kinds[docID] = doc.Kind
	cb.mu.Unlock()
	return doc.Kind, nil
}

func (cb *collab) hasJoined(p *Peer, docID int64) bool {
	cb.mu.Lock()
	defer cb.mu.Unlock()
	_, ok := cb.joined[p.Key()][docID]
	return ok
}

// deliver hands msg to the document's room, opening the room (loading the
// document) when nobody has it open.
func (cb *collab) deliver(ctx context.Context, docID int64, msg roomMsg) error {
	for {
		cb.mu.Lock()
		room := cb.rooms[docID]
		if room == nil && msg.kind == msgLeave {
			cb.mu.Unlock()
			return nil // the room has closed: nobody is left to tell
		}
		if room == nil {
			room = newDocRoom(cb, docID)
			cb.rooms[docID] = room
			go room.run()
		}
		if msg.kind == msgJoin {
			if cb.joined[msg.peer.Key()] == nil {
				cb.joined[msg.peer.Key()] = map[int64]*Peer{}
			}
			cb.joined[msg.peer.Key()][docID] = msg.peer
		}
		cb.mu.Unlock()
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
func (cb *collab) roomClosed(r *docRoom) {
	cb.mu.Lock()
	defer cb.mu.Unlock()
	if cb.rooms[r.docID] == r {
		delete(cb.rooms, r.docID)
	}
}

// left records that the peer is no longer in the document.
func (cb *collab) left(p *Peer, docID int64) {
	cb.mu.Lock()
	defer cb.mu.Unlock()
	if rooms := cb.joined[p.Key()]; rooms != nil {
		delete(rooms, docID)
		if len(rooms) == 0 {
			delete(cb.joined, p.Key())
		}
	}
}

// PeerGone implements MessageHandler: the connection has ended, so it
// leaves every document it was in.
func (cb *collab) PeerGone(p *Peer) {
	cb.mu.Lock()
	rooms := cb.joined[p.Key()]
	delete(cb.joined, p.Key())
	var docs []int64
	for docID := range rooms {
		docs = append(docs, docID)
	}
	cb.mu.Unlock()
	for _, docID := range docs {
		_ = cb.deliver(context.Background(), docID, roomMsg{kind: msgLeave, msgType: msgTypeLeave, peer: p})
	}
}

// documentText returns the current text of a document and its version:
// from its room when someone has it open, from the store otherwise.
func (cb *collab) documentText(ctx context.Context, docID int64) (string, int, error) {
	cb.mu.Lock()
	room := cb.rooms[docID]
	cb.mu.Unlock()
	if room != nil {
		if text, version, ok := room.current(); ok {
			return text, version, nil
		}
	}
	text, version, err := loadDocumentText(ctx, cb.db, docID)
	if err != nil {
		return "", 0, err
	}
	return text.String(), version, nil
}

// loadDocumentText rebuilds a document's current text from its latest
// snapshot and the updates after it.
func loadDocumentText(ctx context.Context, db *sqlite.DB, docID int64) (change.Text, int, error) {
	doc, snap, updates, err := db.LoadDocument(ctx, docID)
	if err != nil {
		return change.Text{}, 0, err
	}
	text := change.NewText(snap.Content)
	for _, u := range updates {
		set, err := change.ParseJSON([]byte(u.Changes))
		if err != nil {
			return change.Text{}, 0, fmt.Errorf("document %d update %d: %w", docID, u.Version, err)
		}
		if err := set.Apply(&text); err != nil {
			return change.Text{}, 0, fmt.Errorf("document %d update %d: %w", docID, u.Version, err)
		}
	}
	return text, doc.Version, nil
}
