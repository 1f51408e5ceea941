package client

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"tawla/workspace/change"
)

// Errors of an Editor. Errors the server sends are *ServerError.
var (
	// ErrClosed means the Editor was closed.
	ErrClosed = errors.New("client: editor closed")
	// ErrDisconnected means the Editor has no connection: Disconnect was
	// called, or the connection failed. Reconnect gives it a new one.
	ErrDisconnected = errors.New("client: editor disconnected")
	// ErrGap means the server sent updates that do not follow the
	// Editor's version: some are missing. The Editor drops the connection,
	// and a Reconnect fetches what is missing.
	ErrGap = errors.New("client: updates missing")
	// ErrProtocol means the server sent something the protocol does not
	// allow, or updates that do not fit the local text. The Editor drops
	// the connection.
	ErrProtocol = errors.New("client: protocol error")
)

// DefaultMaxUpdatesPerPush is the server's default limit on the updates of
// one push (docs/protocol.md).
const DefaultMaxUpdatesPerPush = 1000

// ServerError is an error message from the server: the message it answers
// was refused and changed nothing.
type ServerError struct {
	// Code is one of the protocol's codes: invalid, not_found, forbidden,
	// conflict, unauthorized, internal.
	Code string
	// Message is the server's explanation, for people.
	Message string
	// Doc is the document the refused message named, or 0.
	Doc int64
}

func (e *ServerError) Error() string {
	return fmt.Sprintf("client: server refused (%s): %s", e.Code, e.Message)
}

// Options configures an Editor. The zero value gives an editor with a
// random client ID, no added latency and no hooks.
//
// The hooks are called from the Editor's receiving goroutine, in the order
// the messages arrived, without the Editor's lock held; they should return
// quickly (the server drops a connection that does not keep up reading),
// and may call the Editor's methods.
type Options struct {
	// ClientID names this editor in the updates it pushes; the server
	// recognises resent updates by it and the sequence number. It must be
	// unique to this Editor (1 to 64 bytes); empty means a random one.
	ClientID string
	// SendDelay holds every outgoing message back for that long before it
	// is written, and ReceiveDelay every incoming message before it is
	// handled, as a slow network would; order is kept.
	SendDelay, ReceiveDelay time.Duration
	// MaxUpdatesPerPush bounds the updates of one push; zero means
	// DefaultMaxUpdatesPerPush. The rest follow in the next push.
	MaxUpdatesPerPush int

	// OnError receives every error message from the server (a
	// *ServerError) and every failure of the connection.
	OnError func(error)
	// OnPeer receives joins and leaves of other connections.
	OnPeer func(PeerEvent)
	// OnPresence receives the selections of other connections.
	OnPresence func(Presence)
	// OnUpdate receives each accepted update as it arrives, for latency
	// measurements.
	OnUpdate func(UpdateInfo)
	// OnPushed receives each push when the server acknowledges it.
	OnPushed func(PushInfo)
}

// Peer is another connection that has the document open, with the name and
// colour the server gives it.
type Peer struct {
	ID     string `json:"peer"`
	Name   string `json:"name"`
	Colour string `json:"colour"`
}

// PeerEvent is a doc.peer message: a peer opened (Joined) or left the
// document.
type PeerEvent struct {
	Peer
	Joined bool
}

// Presence is a doc.presence message: a peer's selection, in the document
// at Version plus that peer's unconfirmed updates.
type Presence struct {
	Peer
	Version, Anchor, Head int
}

// UpdateInfo describes one accepted update as it reaches the Editor.
type UpdateInfo struct {
	// Version is the document's version after the update.
	Version  int
	ClientID string
	// Own is true for this Editor's own updates, whose sequence number is
	// then Seq (the protocol does not send others' sequence numbers).
	Own bool
	Seq int64
	// Received is when the Editor handled the update (after ReceiveDelay).
	Received time.Time
}

// PushInfo describes one push, once acknowledged.
type PushInfo struct {
	// BaseVersion is the version the push was based on; Version the
	// document's version the acknowledgement gave. The push was rebased
	// over others' updates when Version-BaseVersion > Updates.
	BaseVersion, Version int
	// FirstSeq and LastSeq are the sequence numbers of the updates pushed,
	// Updates their number; AckSeq is the seq the acknowledgement named.
	FirstSeq, LastSeq, AckSeq int64
	Updates                   int
	// Sent is when the push was queued (before SendDelay); Acked when the
	// acknowledgement was handled (after ReceiveDelay).
	Sent, Acked time.Time
}

// localUpdate is a local change not yet confirmed by the server.
type localUpdate struct {
	changes change.Set
	seq     int64
}

// Editor co-edits one document over one connection, as CodeMirror does in
// the browser with @codemirror/collab 6.1.1: it keeps the local text, the
// version it has synced up to and the local updates the server has not
// confirmed yet. Local edits apply at once; whenever there are unconfirmed
// updates and no push is in flight, it pushes all of them (up to
// MaxUpdatesPerPush) with the synced version, and doc.pushed ends the
// push. Updates from the server are applied one at a time with
// receiveUpdates' algorithm: its own, recognised by client ID, confirm the
// unconfirmed ones; the others are applied, and the unconfirmed ones
// mapped over them.
//
// An Editor owns the Conn it is given. One goroutine reads it and one
// writes it (plus one delaying incoming messages, with ReceiveDelay); all
// methods are safe for concurrent use.
type Editor struct {
	docID        int64
	opts         Options
	clientID     string
	clientIDJSON []byte

	mu          sync.Mutex
	link        *link // nil while disconnected
	closed      bool
	opened      bool // the first doc.state has arrived
	joined      bool // the current link is joined and up to date
	canEdit     bool
	text        change.Text
	version     int
	seq         int64
	unconfirmed []localUpdate
	spare       []localUpdate // receive's other buffer for unconfirmed
	inFlight    bool
	push        PushInfo // the push in flight
	peers       map[string]Peer
	pushErr     error // the error that refused the latest push, until Sync reports it
	errCount    int   // server errors received so far
	lastErr     error // the latest of them
	linkErr     error // why the latest link ended
	notify      chan struct{}
}

// Open joins the document docID over conn, waits for its text (doc.state)
// and returns an Editor for it. The Editor owns conn from then on; on error
// conn is closed.
func Open(ctx context.Context, conn *Conn, docID int64, opts Options) (*Editor, error) {
	if opts.MaxUpdatesPerPush <= 0 {
		opts.MaxUpdatesPerPush = DefaultMaxUpdatesPerPush
	}
	if opts.ClientID == "" {
		opts.ClientID = rand.Text()[:12]
	}
	id, err := json.Marshal(opts.ClientID)
	if err != nil {
		conn.Drop()
		return nil, err
	}
	e := &Editor{docID: docID, opts: opts, clientID: opts.ClientID, clientIDJSON: id, peers: map[string]Peer{}}
	e.mu.Lock()
	errs := e.errCount
	l := e.attach(conn)
	e.mu.Unlock()
	if err := e.waitJoined(ctx, l, errs); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// Reconnect gives a disconnected Editor a new connection (dropping the
// current one, if any): it joins with the synced version, receives the
// updates it missed, and returns once the server has answered doc.joined;
// the unconfirmed updates are then pushed. The Editor owns conn from then
// on; on error conn is dropped and the Editor stays disconnected.
func (e *Editor) Reconnect(ctx context.Context, conn *Conn) error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		conn.Drop()
		return ErrClosed
	}
	old := e.link
	if old != nil {
		e.unlinkLocked(fmt.Errorf("%w: replaced by Reconnect", ErrDisconnected))
	}
	errs := e.errCount
	l := e.attach(conn)
	e.mu.Unlock()
	if old != nil {
		old.stop()
	}
	if err := e.waitJoined(ctx, l, errs); err != nil {
		e.mu.Lock()
		if e.link == l {
			e.unlinkLocked(err)
		}
		e.mu.Unlock()
		l.stop()
		return err
	}
	return nil
}

// attach starts serving conn as the Editor's link and sends the join: with
// the synced version once the document is open, without before.
func (e *Editor) attach(conn *Conn) *link {
	l := newLink(e, conn)
	e.link, e.joined, e.inFlight = l, false, false
	b := append(make([]byte, 0, 64), `{"type":"doc.join","doc":`...)
	b = strconv.AppendInt(b, e.docID, 10)
	if e.opened {
		b = append(b, `,"version":`...)
		b = strconv.AppendInt(b, int64(e.version), 10)
	}
	l.send(append(b, '}'))
	return l
}

// waitJoined waits until link l is joined, or an error message or the end
// of l says why not.
func (e *Editor) waitJoined(ctx context.Context, l *link, errs int) error {
	for {
		e.mu.Lock()
		switch {
		case e.closed:
			e.mu.Unlock()
			return ErrClosed
		case e.link == l && e.joined:
			e.mu.Unlock()
			return nil
		case e.errCount != errs:
			err := e.lastErr
			e.mu.Unlock()
			return err
		case e.link != l:
			err := e.linkErr
			e.mu.Unlock()
			return err
		}
		ch := e.waitChan()
		e.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Disconnect drops the connection at once, without a close frame, as a
// network cut would: messages not yet written are lost, a push in flight
// may or may not have reached the server. Local edits go on and are kept
// until Reconnect sends them.
func (e *Editor) Disconnect() {
	e.mu.Lock()
	l := e.link
	if l != nil {
		e.unlinkLocked(fmt.Errorf("%w: Disconnect", ErrDisconnected))
	}
	e.mu.Unlock()
	if l != nil {
		l.stop()
	}
}

// Close closes the connection politely and ends the Editor; its text and
// version stay readable.
func (e *Editor) Close() error {
	e.mu.Lock()
	l := e.link
	e.closed = true
	if l != nil {
		e.unlinkLocked(ErrClosed)
	}
	e.mu.Unlock()
	if l == nil {
		return nil
	}
	l.stopWith(l.conn.Close)
	return nil
}

// unlinkLocked forgets the current link, which the caller then stops.
func (e *Editor) unlinkLocked(why error) {
	e.link, e.joined, e.inFlight, e.linkErr = nil, false, false, why
	e.wake()
}

// waitChan returns a channel closed at the Editor's next change of state.
func (e *Editor) waitChan() chan struct{} {
	if e.notify == nil {
		e.notify = make(chan struct{})
	}
	return e.notify
}

// wake tells the waiters that the state changed.
func (e *Editor) wake() {
	if e.notify != nil {
		close(e.notify)
		e.notify = nil
	}
}

// Sync waits until every local update is confirmed and no push is in
// flight, pushing again if the latest push was refused. When the server
// refuses a push, the next call of Sync returns its error (the next one
// pushes again); it returns ErrDisconnected when the Editor has no
// connection or loses it, and ctx's error when ctx ends first.
func (e *Editor) Sync(ctx context.Context) error {
	for {
		e.mu.Lock()
		switch {
		case e.closed:
			e.mu.Unlock()
			return ErrClosed
		case e.pushErr != nil:
			err := e.pushErr
			e.pushErr = nil
			e.mu.Unlock()
			return err
		case e.link == nil:
			err := e.linkErr
			e.mu.Unlock()
			return err
		case len(e.unconfirmed) == 0 && !e.inFlight:
			e.mu.Unlock()
			return nil
		}
		e.maybePush()
		ch := e.waitChan()
		e.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// WaitVersion waits until the Editor has synced up to version v or
// further: it has received every update up to v. It returns
// ErrDisconnected when the Editor has no connection or loses it, or ctx's
// error.
func (e *Editor) WaitVersion(ctx context.Context, v int) error {
	for {
		e.mu.Lock()
		switch {
		case e.version >= v:
			e.mu.Unlock()
			return nil
		case e.closed:
			e.mu.Unlock()
			return ErrClosed
		case e.link == nil:
			err := e.linkErr
			e.mu.Unlock()
			return err
		}
		ch := e.waitChan()
		e.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Text returns the local text: the synced version with the unconfirmed
// updates applied.
func (e *Editor) Text() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.text.String()
}

// Len returns the length of the local text in UTF-16 code units.
func (e *Editor) Len() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.text.Len()
}

// Version returns the version the Editor has synced up to.
func (e *Editor) Version() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.version
}

// ClientID returns the client ID of the Editor's updates.
func (e *Editor) ClientID() string { return e.clientID }

// Seq returns the sequence number of the latest local update (0 before the
// first).
func (e *Editor) Seq() int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.seq
}

// Unconfirmed returns the number of local updates the server has not
// confirmed yet.
func (e *Editor) Unconfirmed() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.unconfirmed)
}

// CanEdit reports what the server said at the latest join: whether this
// account may push. The server checks every push again.
func (e *Editor) CanEdit() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.canEdit
}

// Connected reports whether the Editor has a connection and has joined
// over it.
func (e *Editor) Connected() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.link != nil && e.joined
}

// Peers returns the other connections in the document, by ID.
func (e *Editor) Peers() []Peer {
	e.mu.Lock()
	defer e.mu.Unlock()
	peers := make([]Peer, 0, len(e.peers))
	for _, p := range e.peers {
		peers = append(peers, p)
	}
	sort.Slice(peers, func(i, j int) bool { return peers[i].ID < peers[j].ID })
	return peers
}

// Insert inserts s at pos, in UTF-16 code units of the local text.
func (e *Editor) Insert(pos int, s string) error { return e.Replace(pos, pos, s) }

// Delete deletes the local text from from to to.
func (e *Editor) Delete(from, to int) error { return e.Replace(from, to, "") }

// Replace replaces the local text from from to to with s. A range outside
// the text or one that would cut a surrogate pair is an error and changes
// nothing.
func (e *Editor) Replace(from, to int, s string) error {
	return e.Edit(func(change.Text) []change.Spec {
		return []change.Spec{{From: from, To: to, Insert: s}}
	})
}

// Edit makes one local update from the changes fn returns, as one
// CodeMirror transaction: fn receives the local text and returns changes
// in its positions. It runs with the Editor's lock held, so the text does
// not move under it; it must not keep the text, change it, or call the
// Editor. No change, or only empty ones, makes no update.
func (e *Editor) Edit(fn func(text change.Text) []change.Spec) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.usable(); err != nil {
		return err
	}
	set, err := change.Of(e.text.Len(), fn(e.text)...)
	if err != nil {
		return err
	}
	return e.applyLocal(set)
}

// Apply applies set to the local text as one local update.
func (e *Editor) Apply(set change.Set) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.usable(); err != nil {
		return err
	}
	return e.applyLocal(set)
}

func (e *Editor) usable() error {
	if e.closed {
		return ErrClosed
	}
	return nil
}

// applyLocal applies a local change and records it as unconfirmed.
func (e *Editor) applyLocal(set change.Set) error {
	if err := set.Apply(&e.text); err != nil {
		return err
	}
	if set.Empty() {
		return nil
	}
	e.seq++
	e.unconfirmed = append(e.unconfirmed, localUpdate{changes: set, seq: e.seq})
	e.maybePush()
	return nil
}

// SetPresence tells the others where this editor's selection is, in the
// local text.
func (e *Editor) SetPresence(anchor, head int) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.usable(); err != nil {
		return err
	}
	if e.link == nil || !e.joined {
		return ErrDisconnected
	}
	b := append(make([]byte, 0, 96), `{"type":"doc.presence","doc":`...)
	b = strconv.AppendInt(b, e.docID, 10)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, int64(e.version), 10)
	b = append(b, `,"anchor":`...)
	b = strconv.AppendInt(b, int64(anchor), 10)
	b = append(b, `,"head":`...)
	b = strconv.AppendInt(b, int64(head), 10)
	e.link.send(append(b, '}'))
	return nil
}

// maybePush sends the unconfirmed updates, as sendableUpdates gives them,
// when there are some, the link is joined and no push is in flight.
func (e *Editor) maybePush() {
	if e.link == nil || !e.joined || e.inFlight || e.closed || len(e.unconfirmed) == 0 {
		return
	}
	updates := e.unconfirmed[:min(len(e.unconfirmed), e.opts.MaxUpdatesPerPush)]
	b := make([]byte, 0, 64+len(updates)*64)
	b = append(b, `{"type":"doc.push","doc":`...)
	b = strconv.AppendInt(b, e.docID, 10)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, int64(e.version), 10)
	b = append(b, `,"updates":[`...)
	for i, u := range updates {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"clientID":`...)
		b = append(b, e.clientIDJSON...)
		b = append(b, `,"seq":`...)
		b = strconv.AppendInt(b, u.seq, 10)
		b = append(b, `,"changes":`...)
		var err error
		if b, err = u.changes.AppendJSON(b); err != nil {
			// A set that applied always encodes; should it not, the
			// server's refusal will say so.
			b = append(b, "null"...)
		}
		b = append(b, '}')
	}
	b = append(b, "]}"...)
	e.inFlight, e.pushErr = true, nil
	e.push = PushInfo{
		BaseVersion: e.version, FirstSeq: updates[0].seq, LastSeq: updates[len(updates)-1].seq,
		Updates: len(updates), Sent: time.Now(),
	}
	e.link.send(b)
}

// serverMessage is any message from the server, decoded in one go.
type serverMessage struct {
	Type    string       `json:"type"`
	Doc     int64        `json:"doc"`
	Version int          `json:"version"`
	Seq     int64        `json:"seq"`
	Text    string       `json:"text"`
	CanEdit bool         `json:"canEdit"`
	Peers   []Peer       `json:"peers"`
	Updates []wireUpdate `json:"updates"`
	Peer    string       `json:"peer"`
	Name    string       `json:"name"`
	Colour  string       `json:"colour"`
	Event   string       `json:"event"`
	Anchor  int          `json:"anchor"`
	Head    int          `json:"head"`
	Code    string       `json:"code"`
	Message string       `json:"message"`
	// Messages are the doc.peer and doc.presence messages a doc.peers
	// message carries.
	Messages []serverMessage `json:"messages"`
}

// wireUpdate is one update of doc.updates.
type wireUpdate struct {
	ClientID string     `json:"clientID"`
	Changes  change.Set `json:"changes"`
}

// outcome is what handling one message leaves for the hooks, which run
// after the lock is released.
type outcome struct {
	updates   []UpdateInfo
	pushed    *PushInfo
	peers     []PeerEvent
	presences []Presence
	err       error
	broken    bool // the link was dropped: stop it
}

// handle serves one message that arrived on link l.
func (e *Editor) handle(l *link, data []byte) {
	var m serverMessage
	var out outcome
	decodeErr := json.Unmarshal(data, &m)
	e.mu.Lock()
	if e.link != l {
		e.mu.Unlock()
		return // a message of a link dropped since
	}
	if decodeErr != nil {
		out.err = e.breakLocked(fmt.Errorf("%w: undecodable message: %v", ErrProtocol, decodeErr))
	} else if m.Doc == 0 || m.Doc == e.docID {
		e.serve(l, &m, &out)
	}
	e.mu.Unlock()
	if out.broken {
		l.stop()
	}
	e.emit(&out)
}

// serve applies message m; the lock is held.
func (e *Editor) serve(l *link, m *serverMessage, out *outcome) {
	switch m.Type {
	case "doc.state":
		if e.opened {
			out.err = e.breakLocked(fmt.Errorf("%w: doc.state for a document already open", ErrProtocol))
			return
		}
		e.text, e.version, e.canEdit = change.NewText(m.Text), m.Version, m.CanEdit
		e.opened, e.joined = true, true
		e.setPeers(m.Peers)
		e.wake()
	case "doc.joined":
		if !e.opened || m.Version != e.version {
			out.err = e.breakLocked(fmt.Errorf("%w: joined at version %d, but the editor is at %d", ErrGap, m.Version, e.version))
			return
		}
		e.joined, e.canEdit = true, m.CanEdit
		e.setPeers(m.Peers)
		e.maybePush()
		e.wake()
	case "doc.updates":
		if !e.opened {
			return
		}
		if m.Version > e.version {
			out.err = e.breakLocked(fmt.Errorf("%w: updates from version %d, but the editor is at %d", ErrGap, m.Version, e.version))
			return
		}
		updates := m.Updates
		if skip := e.version - m.Version; skip < len(updates) {
			updates = updates[skip:]
		} else {
			return // all seen already
		}
		collect := e.opts.OnUpdate != nil
		var now time.Time
		if collect {
			now = time.Now()
		}
		infos := l.infos[:0]
		for i := range updates {
			own, seq, err := e.receive(&updates[i])
			if err != nil {
				out.err = e.breakLocked(err)
				return
			}
			if collect {
				infos = append(infos, UpdateInfo{Version: e.version, ClientID: updates[i].ClientID, Own: own, Seq: seq, Received: now})
			}
		}
		l.infos, out.updates = infos, infos
		e.wake()
	case "doc.pushed":
		if !e.inFlight {
			return
		}
		e.inFlight = false
		if e.opts.OnPushed != nil {
			p := e.push
			p.Version, p.AckSeq, p.Acked = m.Version, m.Seq, time.Now()
			out.pushed = &p
		}
		e.maybePush()
		e.wake()
	case "doc.peer":
		p := Peer{ID: m.Peer, Name: m.Name, Colour: m.Colour}
		if m.Event == "leave" {
			delete(e.peers, p.ID)
		} else {
			e.peers[p.ID] = p
		}
		if e.opts.OnPeer != nil {
			out.peers = append(out.peers, PeerEvent{Peer: p, Joined: m.Event != "leave"})
		}
	case "doc.peers":
		for i := range m.Messages {
			sub := &m.Messages[i]
			if sub.Type != "doc.peer" && sub.Type != "doc.presence" {
				out.err = e.breakLocked(fmt.Errorf("%w: doc.peers carries a %q message", ErrProtocol, sub.Type))
				return
			}
			e.serve(l, sub, out)
		}
	case "doc.presence":
		if e.opts.OnPresence != nil {
			out.presences = append(out.presences, Presence{Peer: Peer{ID: m.Peer, Name: m.Name, Colour: m.Colour}, Version: m.Version, Anchor: m.Anchor, Head: m.Head})
		}
	case "error":
		err := &ServerError{Code: m.Code, Message: m.Message, Doc: m.Doc}
		// Errors do not say which message they answer; one that comes
		// while a push is in flight ends it, so that the next edit, Sync
		// or Reconnect pushes again (resending is harmless).
		if e.inFlight {
			e.inFlight, e.pushErr = false, err
		}
		e.errCount++
		e.lastErr = err
		out.err = err
		e.wake()
	}
}

// breakLocked drops the current link because of err, which it returns.
func (e *Editor) breakLocked(err error) error {
	e.unlinkLocked(err)
	return err
}

// setPeers replaces the list of peers.
func (e *Editor) setPeers(peers []Peer) {
	clear(e.peers)
	for _, p := range peers {
		e.peers[p.ID] = p
	}
}

// emit calls the hooks for what handling a message produced.
func (e *Editor) emit(out *outcome) {
	o := &e.opts
	for _, u := range out.updates {
		o.OnUpdate(u)
	}
	if out.pushed != nil {
		o.OnPushed(*out.pushed)
	}
	for _, p := range out.peers {
		o.OnPeer(p)
	}
	for _, p := range out.presences {
		o.OnPresence(p)
	}
	if out.err != nil && o.OnError != nil {
		o.OnError(out.err)
	}
}

// receive applies one accepted update, the next after e.version, exactly
// as receiveUpdates of @codemirror/collab 6.1.1 does when given that one
// update: if it is this editor's own (by client ID) and an update is
// unconfirmed, it confirms the first unconfirmed update; otherwise the
// unconfirmed updates are mapped over it, and it, mapped over them, applies
// to the local text. It reports whether the update was its own, with its
// seq. On error nothing has changed.
//
// Updates are received one at a time, never composed in a batch as
// receiveUpdates does with several: mapping over a composition is not
// always mapping over each in turn, and the server rebases pushes over each
// accepted update in turn, so a batch would make this editor diverge from
// it whenever the updates of a batch touch the same place.
func (e *Editor) receive(u *wireUpdate) (own bool, seq int64, err error) {
	if len(e.unconfirmed) > 0 && u.ClientID == e.clientID {
		seq = e.unconfirmed[0].seq
		e.unconfirmed[0] = localUpdate{}
		e.unconfirmed = e.unconfirmed[1:]
		e.version++
		return true, seq, nil
	}
	changes := u.Changes
	mapped := e.spare[:0]
	for _, lu := range e.unconfirmed {
		m, err := lu.changes.Map(changes.Desc(), false)
		if err != nil {
			return false, 0, fmt.Errorf("%w: mapping local update %d over update %d: %v", ErrProtocol, lu.seq, e.version+1, err)
		}
		if changes, err = changes.Map(lu.changes.Desc(), true); err != nil {
			return false, 0, fmt.Errorf("%w: mapping update %d over local update %d: %v", ErrProtocol, e.version+1, lu.seq, err)
		}
		mapped = append(mapped, localUpdate{changes: m, seq: lu.seq})
	}
	if err := changes.Apply(&e.text); err != nil {
		return false, 0, fmt.Errorf("%w: update %d: %v", ErrProtocol, e.version+1, err)
	}
	if len(e.unconfirmed) > 0 {
		clear(e.unconfirmed)
		e.unconfirmed, e.spare = mapped, e.unconfirmed[:0]
	}
	e.version++
	return false, 0, nil
}

// link is one connection of an Editor, with its writer (and, with
// ReceiveDelay, its delayer) goroutine.
type link struct {
	e    *Editor
	conn *Conn
	done chan struct{}
	once sync.Once

	mu      sync.Mutex
	out, in []timed       // messages waiting for their time
	outWake chan struct{} // signalled when out gets a message
	inWake  chan struct{}

	infos []UpdateInfo // reused by the goroutine that handles messages
}

// timed is a message and when it may go on.
type timed struct {
	data []byte
	due  time.Time
}

func newLink(e *Editor, conn *Conn) *link {
	l := &link{e: e, conn: conn, done: make(chan struct{}), outWake: make(chan struct{}, 1), inWake: make(chan struct{}, 1)}
	go l.writeLoop()
	go l.readLoop()
	if e.opts.ReceiveDelay > 0 {
		go l.delayLoop()
	}
	return l
}

// stop ends the link's goroutines and drops its connection.
func (l *link) stop() { l.stopWith(l.conn.Drop) }

func (l *link) stopWith(closeConn func() error) {
	l.once.Do(func() {
		close(l.done)
		_ = closeConn()
	})
}

// send queues data for the writer, to go after SendDelay.
func (l *link) send(data []byte) {
	var due time.Time
	if d := l.e.opts.SendDelay; d > 0 {
		due = time.Now().Add(d)
	}
	l.mu.Lock()
	l.out = append(l.out, timed{data, due})
	l.mu.Unlock()
	select {
	case l.outWake <- struct{}{}:
	default:
	}
}

// lost reports that the link failed on its own.
func (l *link) lost(err error) {
	e := l.e
	e.mu.Lock()
	current := e.link == l
	if current {
		err = fmt.Errorf("%w: %v", ErrDisconnected, err)
		e.unlinkLocked(err)
	}
	e.mu.Unlock()
	l.stop()
	if current && e.opts.OnError != nil {
		e.opts.OnError(err)
	}
}

func (l *link) writeLoop() {
	for {
		select {
		case <-l.done:
			return
		case <-l.outWake:
		}
		l.mu.Lock()
		batch := l.out
		l.out = nil
		l.mu.Unlock()
		for _, m := range batch {
			if !l.wait(m.due) {
				return
			}
			if err := l.conn.Send(context.Background(), m.data); err != nil {
				l.lost(err)
				return
			}
		}
	}
}

func (l *link) readLoop() {
	delayed := l.e.opts.ReceiveDelay > 0
	for {
		data, err := l.conn.Receive(context.Background())
		if err != nil {
			l.lost(err)
			return
		}
		if !delayed {
			l.e.handle(l, data)
			continue
		}
		l.mu.Lock()
		l.in = append(l.in, timed{data, time.Now().Add(l.e.opts.ReceiveDelay)})
		l.mu.Unlock()
		select {
		case l.inWake <- struct{}{}:
		default:
		}
	}
}

// delayLoop handles incoming messages once their delay is over.
func (l *link) delayLoop() {
	for {
		select {
		case <-l.done:
			return
		case <-l.inWake:
		}
		l.mu.Lock()
		batch := l.in
		l.in = nil
		l.mu.Unlock()
		for _, m := range batch {
			if !l.wait(m.due) {
				return
			}
			l.e.handle(l, m.data)
		}
	}
}

// wait waits until due, reporting false if the link stops first.
func (l *link) wait(due time.Time) bool {
	d := time.Until(due)
	if d <= 0 {
		select {
		case <-l.done:
			return false
		default:
			return true
		}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-l.done:
		return false
	case <-t.C:
		return true
	}
}
