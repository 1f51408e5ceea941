package collab

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"tawla/live"
	"tawla/workspace"
	"tawla/workspace/change"
	"tawla/workspace/sqlite"
)

// roomInboxSize bounds the messages waiting for a room; a connection that
// sends faster than the room works waits (TCP pushes back on it). The
// inbox holds pointers: a buffer of that many roomMsg values would take
// half a megabyte for every open document, even an idle one.
const roomInboxSize = 4096

// roomBatchMax bounds the messages a room takes in one turn; the pushes
// among them are committed in one transaction (group commit).
const roomBatchMax = 512

// closeRetry is how often a room with nobody in it tries again to close,
// when a message on its way kept it open.
const closeRetry = 100 * time.Millisecond

// storeTimeout bounds one store operation of a room.
const storeTimeout = 15 * time.Second

type roomMsgKind int

const (
	msgJoin roomMsgKind = iota + 1
	msgPush
	msgPresence
	msgLeave
	msgCurrent
	msgEdit
	msgAnchor
)

// roomMsg is one request to a room, already decoded and authorised.
type roomMsg struct {
	kind    roomMsgKind
	msgType string // as the client sent it, for error replies
	peer    *live.Peer
	account *workspace.Account
	canEdit bool

	hasVersion bool
	version    int
	updates    []change.Update
	seqs       []int64
	anchor     int
	head       int

	// reply receives the text and version, for msgCurrent.
	reply chan currentText

	// edit is the server-made update of a msgEdit, newAnchor the request
	// of a msgAnchor; done receives their outcome.
	edit      *Edit
	newAnchor *AnchorRequest
	done      chan editResult
}

type currentText struct {
	text    string
	version int
}

// editResult is the outcome of a server-made update or a new anchor.
type editResult struct {
	version int
	anchor  *workspace.Anchor
	err     error
}

// roomPeer is a connection that has the document open.
type roomPeer struct {
	peer      *live.Peer
	accountID int64
	name      string
	colour    string
}

// docRoom is the authority of one document while someone has it open. One
// goroutine (run) owns the text, the version and the history; every
// request reaches it through the inbox, so requests are handled one at a
// time, in order.
type docRoom struct {
	a      *Authority
	docID  int64
	logger *slog.Logger
	inbox  chan *roomMsg

	mu      sync.Mutex
	closed  bool
	senders int // enqueue calls between their check and their send

	// Owned by the run goroutine. history[i] took the document from
	// histBase+i to histBase+i+1. It is kept parsed, for rebasing; the
	// JSON clients receive is written again from it for the rare join that
	// asks for missed updates, which costs less than keeping both forms of
	// thousands of updates.
	loadErr         error
	text            change.Text
	version         int
	history         []change.Update
	histBase        int
	lastSeq         map[string]int64
	snapshotVersion int
	peers           map[uint64]*roomPeer
	// anchors are the document's live anchors, mapped through every
	// update; moved collects those an update moved since the last commit.
	anchors []*workspace.Anchor
	moved   map[*workspace.Anchor]struct{}
	// detached are the removed anchors that come back when their quote
	// does (reattach, at every commit), returning those of them an update
	// since the last commit may have brought back (noteReturning);
	// settled are the anchors that never come back (settle).
	detached  []*workspace.Anchor
	returning map[*workspace.Anchor]struct{}
	settled   map[int64]struct{}
	// notices are the joins, leaves and selections not yet told to the
	// others.
	notices turnNotices
}

func newDocRoom(a *Authority, docID int64) *docRoom {
	return &docRoom{
		a: a, docID: docID,
		logger:    a.logger.With("doc", docID),
		inbox:     make(chan *roomMsg, roomInboxSize),
		peers:     map[uint64]*roomPeer{},
		moved:     map[*workspace.Anchor]struct{}{},
		returning: map[*workspace.Anchor]struct{}{},
		settled:   map[int64]struct{}{},
	}
}

// enqueue hands msg to the room, waiting while the inbox is full. It
// reports false when the room has closed, or ctx ended first.
func (r *docRoom) enqueue(ctx context.Context, msg roomMsg) bool {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return false
	}
	r.senders++
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.senders--
		r.mu.Unlock()
	}()
	select {
	case r.inbox <- &msg:
		return true
	case <-ctx.Done():
		return false
	}
}

// tryClose closes the room when nobody is in it and nothing is on its way
// to it; after that, enqueue refuses and a new room opens for the next
// request.
func (r *docRoom) tryClose() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.peers) > 0 || len(r.inbox) > 0 || r.senders > 0 {
		return false
	}
	r.closed = true
	return true
}

// current returns the room's text and version, or false when the room has
// closed.
func (r *docRoom) current() (string, int, bool) {
	reply := make(chan currentText, 1)
	if !r.enqueue(context.Background(), roomMsg{kind: msgCurrent, reply: reply}) {
		return "", 0, false
	}
	c := <-reply
	return c.text, c.version, true
}

// run loads the document and serves requests until the last peer has left.
func (r *docRoom) run() {
	r.loadErr = r.load()
	if r.loadErr != nil {
		r.logger.Error("collab: load document", "error", r.loadErr)
	}
	// Two timers: the notice window, and, while nobody is in the room, a
	// retry of closing it. A close can fail because a message was on its
	// way, and that message may never come (its connection ended while
	// sending it): the room must not then wait for ever.
	noticeTimer, retryTimer := time.NewTimer(time.Hour), time.NewTimer(time.Hour)
	noticeTimer.Stop()
	retryTimer.Stop()
	defer noticeTimer.Stop()
	defer retryTimer.Stop()
	var pace turnPace
loop:
	for {
		var noticeC, retryC <-chan time.Time
		if due, pending := r.notices.due(); pending {
			// Notices wait a little for others to join them, then go.
			noticeTimer.Reset(time.Until(due))
			noticeC = noticeTimer.C
		}
		if len(r.peers) == 0 {
			retryTimer.Reset(closeRetry)
			retryC = retryTimer.C
		}
		var first *roomMsg
		select {
		case first = <-r.inbox:
		case <-noticeC:
			r.notices.deliver(r)
			continue
		case <-retryC:
			if r.tryClose() {
				break loop
			}
			continue
		}
		batch := []roomMsg{*first}
		if first.kind == msgPush {
			pace.pushed(time.Now())
			batch = r.gatherPushes(batch, &pace)
		}
		began := time.Now()
	drain:
		for len(batch) < roomBatchMax {
			select {
			case m := <-r.inbox:
				batch = append(batch, *m)
				if m.kind == msgPush {
					pace.pushed(began)
				}
			default:
				break drain
			}
		}
		if slices.ContainsFunc(batch, isPush) {
			pace.began(began)
		}
		r.handleBatch(batch)
		if due, pending := r.notices.due(); pending && !time.Now().Before(due) {
			r.notices.deliver(r)
		}
		if len(r.peers) == 0 && r.tryClose() {
			break
		}
	}
	r.a.roomClosed(r)
	if r.loadErr == nil {
		r.saveSnapshot()
	}
}

func isPush(m roomMsg) bool { return m.kind == msgPush }

// gatherPushes adds to batch, whose first message is a push, the pushes
// and presences that come until the turn may start (pace). It stops early
// at anything else — a join, a leave, a read, a server-made update, a new
// anchor — which should not wait, and when the batch is full.
func (r *docRoom) gatherPushes(batch []roomMsg, pace *turnPace) []roomMsg {
	wait := time.Until(pace.start(time.Now(), len(r.peers)))
	if wait <= 0 {
		return batch
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	for len(batch) < roomBatchMax {
		select {
		case m := <-r.inbox:
			batch = append(batch, *m)
			switch m.kind {
			case msgPush:
				pace.pushed(time.Now())
			case msgPresence:
			default:
				return batch
			}
		case <-t.C:
			return batch
		}
	}
	return batch
}

// load reads the document's latest snapshot, the updates after it and the
// history kept for rebasing.
func (r *docRoom) load() error {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	db, limits := r.a.db, r.a.limits
	doc, snap, updates, err := db.LoadDocument(ctx, r.docID)
	if err != nil {
		return err
	}
	text := change.NewText(snap.Content)
	r.histBase = max(0, doc.Version-limits.HistoryKeep)
	if r.histBase < snap.Version {
		older, err := db.FindDocumentUpdates(ctx, r.docID, r.histBase, snap.Version)
		if err != nil {
			return err
		}
		updates = append(older, updates...)
	}
	for _, u := range updates {
		set, err := change.ParseJSON([]byte(u.Changes))
		if err != nil {
			return err
		}
		if u.Version > snap.Version {
			if err := set.Apply(&text); err != nil {
				return err
			}
		}
		if u.Version > r.histBase {
			r.history = append(r.history, change.Update{Changes: set, ClientID: u.ClientID})
		}
	}
	if r.lastSeq, err = db.LastClientSeqs(ctx, r.docID); err != nil {
		return err
	}
	if r.anchors, err = db.FindLiveDocumentAnchors(ctx, r.docID); err != nil {
		return err
	}
	if r.detached, err = db.FindDetachedDocumentAnchors(ctx, r.docID); err != nil {
		return err
	}
	settled, err := db.FindSettledDocumentAnchors(ctx, r.docID)
	if err != nil {
		return err
	}
	clear(r.settled)
	clear(r.returning)
	for _, id := range settled {
		r.settled[id] = struct{}{}
	}
	clear(r.moved)
	r.text, r.version, r.snapshotVersion = text, doc.Version, snap.Version
	return nil
}

// acceptedPush is a push applied in memory, waiting for its commit.
type acceptedPush struct {
	peer    *live.Peer
	rows    []*workspace.DocumentUpdate
	version int   // the document's version after the push
	seq     int64 // the push's last sequence number
}

// handleBatch serves one turn of requests in order. Consecutive pushes are
// applied in memory and committed together before anything else happens:
// a join, a leave, a read, a server-made update or a new anchor sees only
// committed text, and nobody hears of an update before it is stored.
func (r *docRoom) handleBatch(batch []roomMsg) {
	var pending []acceptedPush
	var presence []roomMsg
	for _, m := range batch {
		switch m.kind {
		case msgPush:
			if ap, ok := r.push(m); ok {
				pending = append(pending, ap)
			}
		case msgPresence:
			presence = append(presence, m)
		default:
			r.flush(pending)
			pending = nil
			switch m.kind {
			case msgJoin:
				r.join(m)
			case msgLeave:
				r.leave(m.peer)
			case msgCurrent:
				m.reply <- currentText{text: r.text.String(), version: r.version}
			case msgEdit:
				m.done <- r.applyEdit(m.edit)
			case msgAnchor:
				m.done <- r.addAnchor(m.newAnchor)
			}
		}
	}
	r.flush(pending)
	for _, m := range presence {
		r.presence(m)
	}
}

func (r *docRoom) refuse(p *live.Peer, about string, err error) {
	p.Refuse(err, map[string]any{"doc": r.docID, "about": about})
}

// refuseMsg answers m with an error that names the document and the kind
// of message refused.
func (r *docRoom) refuseMsg(m roomMsg, err error) {
	r.refuse(m.peer, m.msgType, err)
}

// push rebases a push over the updates accepted since its version and
// applies it to the text in memory. Refused pushes change nothing.
func (r *docRoom) push(m roomMsg) (acceptedPush, bool) {
	if r.loadErr != nil {
		r.refuseMsg(m, r.loadErr)
		return acceptedPush{}, false
	}
	if _, in := r.peers[m.peer.Key()]; !in {
		r.refuseMsg(m, &workspace.Error{Code: workspace.EINVALID, Key: "error.document.join_first", Message: "Join the document first."})
		return acceptedPush{}, false
	}
	rebased, err := r.rebase(m.version, m.updates)
	if err != nil {
		r.refuseMsg(m, err)
		return acceptedPush{}, false
	}
	seqs := m.seqs[len(m.seqs)-len(rebased):]
	ap := acceptedPush{peer: m.peer, version: r.version, seq: m.seqs[len(m.seqs)-1]}
	if len(rebased) == 0 {
		return ap, true // all of it was accepted before: a resend
	}
	clientID := rebased[0].ClientID
	if seqs[0] <= r.lastSeq[clientID] {
		r.refuseMsg(m, workspace.KeyErrorf(workspace.ECONFLICT, "error.document.sequence_stale", "Sequence number %d of client %s is not above %d, the last one accepted from it: reload the document.", seqs[0], clientID, r.lastSeq[clientID]))
		return acceptedPush{}, false
	}
	if err := r.accept(m.version, rebased); err != nil {
		r.refuseMsg(m, err)
		return acceptedPush{}, false
	}
	ap.rows = r.updateRows(rebased, seqs, m.account.ID)
	r.lastSeq[clientID] = seqs[len(seqs)-1]
	ap.version = r.version
	return ap, true
}

// rebase rebases updates based on version base over the updates accepted
// since. It refuses a base the room cannot rebase from.
func (r *docRoom) rebase(base int, updates []change.Update) ([]change.Update, error) {
	if base > r.version || base < 0 {
		return nil, workspace.KeyErrorf(workspace.EINVALID, "error.document.future_version", "Version %d is from the future: the document is at version %d.", base, r.version)
	}
	if base < r.histBase {
		return nil, workspace.KeyErrorf(workspace.ECONFLICT, "error.document.history_gone", "Version %d is older than the history kept (from %d): reload the document.", base, r.histBase)
	}
	rebased, err := rebaseEach(updates, r.history[base-r.histBase:])
	if err != nil {
		return nil, workspace.Errorf(workspace.EINVALID, "The changes do not fit version %d: %v", base, err)
	}
	return rebased, nil
}

// accept applies rebased updates, which follow one another from the
// current text, to the text in memory, maps the anchors through them and
// adds them to the history. It changes nothing when it fails. base is the
// version the updates were made on, for error messages.
func (r *docRoom) accept(base int, rebased []change.Update) error {
	all, err := composeUpdates(rebased)
	if err != nil {
		return workspace.Errorf(workspace.EINVALID, "The updates of the push do not follow one another: %v", err)
	}
	if all.NewLen() > r.a.limits.MaxDocumentUnits {
		return &workspace.Error{Code: workspace.EINVALID, Key: "error.document.too_large", Message: "The document would be larger than the limit."}
	}
	if all.Len() != r.text.Len() {
		return workspace.Errorf(workspace.EINVALID, "The changes do not apply to version %d: %v", base,
			fmt.Errorf("%w: the changes apply to %d units, the document has %d", change.ErrLength, all.Len(), r.text.Len()))
	}
	// The anchors are mapped before the text changes: a passage that an
	// update removes keeps the text it had just before.
	mapped, err := r.mapAnchors(rebased)
	if err != nil {
		return workspace.Errorf(workspace.EINVALID, "The changes do not apply to version %d: %v", base, err)
	}
	if err := all.Apply(&r.text); err != nil {
		return workspace.Errorf(workspace.EINVALID, "The changes do not apply to version %d: %v", base, err)
	}
	r.keepAnchors(mapped)
	r.noteReturning(all)
	r.history = append(r.history, rebased...)
	r.version += len(rebased)
	return nil
}

// updateRows returns the rows that store accepted updates, attributed to
// accountID.
func (r *docRoom) updateRows(rebased []change.Update, seqs []int64, accountID int64) []*workspace.DocumentUpdate {
	rows := make([]*workspace.DocumentUpdate, len(rebased))
	for i, u := range rebased {
		js, err := u.Changes.MarshalJSON()
		if err != nil { // cannot happen for a set that applied
			r.logger.Error("collab: encode update", "error", err)
			js = []byte("[]")
		}
		rows[i] = &workspace.DocumentUpdate{ClientID: u.ClientID, ClientSeq: seqs[i], Changes: string(js), AccountID: &accountID}
	}
	return rows
}

// composeUpdates returns the composition of the updates' changes, which
// must follow one another. The push applies it as one change, so that a
// push that does not apply changes nothing.
//
// Composing one update after another copies the growing composition at
// every step: the 1,000 keystrokes of a push typed in a run cost time in
// the square of the run's length. Composing neighbours pairwise, then the
// results pairwise, copies each piece about log2(n) times. Composition is
// associative: the result keeps, deletes and inserts the same text in the
// same places whichever way it is bracketed, and that is all that
// applying it, and its checks, depend on.
func composeUpdates(updates []change.Update) (change.Set, error) {
	sets := make([]change.Set, len(updates))
	for i, u := range updates {
		if i > 0 && updates[i-1].Changes.NewLen() != u.Changes.Len() {
			// The error Compose gives for the same updates in turn.
			return change.Set{}, fmt.Errorf("%w: cannot compose a change producing %d units with one applying to %d",
				change.ErrLength, updates[i-1].Changes.NewLen(), u.Changes.Len())
		}
		sets[i] = u.Changes
	}
	for len(sets) > 1 {
		n := 0
		for i := 0; i < len(sets); i += 2 {
			if i+1 < len(sets) {
				composed, err := sets[i].Compose(sets[i+1])
				if err != nil {
					return change.Set{}, err
				}
				sets[n] = composed
			} else {
				sets[n] = sets[i]
			}
			n++
		}
		sets = sets[:n]
	}
	return sets[0], nil
}

// rebaseEach rebases updates over the updates of over one at a time, as
// change.Rebase (rebaseUpdates) with one update of over each time. That is
// what a client computes when it applies each update it receives in turn
// (receiveUpdates with one update), whatever the batches the updates came
// in. Rebasing over all of them at once composes them first, and mapping
// over a composition is not always mapping over each in turn, in CodeMirror
// as here: a replacement of a range that one update deletes and the next
// inserts into lands after that insertion when mapped over each, before it
// when mapped over both composed. A client that received the two in
// different messages would then diverge from the server.
// change.RebaseEach computes exactly that (TestRebaseEachAsRebaseOneByOne)
// with less work: one slice for the whole rebase, and no mapping of the
// push's last update that nothing would use.
func rebaseEach(updates, over []change.Update) ([]change.Update, error) {
	return change.RebaseEach(updates, over)
}

// flush commits the pending pushes in one transaction, then sends the
// accepted updates to everyone in the room and acknowledges each push. If
// the commit fails, nothing is sent, the pushers get an error, and the room
// reloads the document from the store.
func (r *docRoom) flush(pending []acceptedPush) {
	if len(pending) == 0 {
		return
	}
	var rows []*workspace.DocumentUpdate
	for _, ap := range pending {
		rows = append(rows, ap.rows...)
	}
	if len(rows) > 0 {
		if err := r.commit(rows, nil); err != nil {
			// Minutes approved while the pushes waited for their turn
			// refuse them as a push arriving now would be refused; any
			// other failure is the store's.
			refusal := err
			if workspace.ErrorCode(err) != workspace.EFORBIDDEN {
				refusal = workspace.Errorf(workspace.EINTERNAL, "The changes could not be saved.")
			}
			for _, ap := range pending {
				r.refuse(ap.peer, msgTypePush, refusal)
			}
			return
		}
	}
	for _, ap := range pending {
		ap.peer.Send(mustJSON(map[string]any{"type": "doc.pushed", "doc": r.docID, "version": ap.version, "seq": ap.seq}))
	}
}

// commit stores rows, the updates accepted since the last commit, with the
// anchors they moved or brought back (reattach), a snapshot when one falls due and within's writes,
// in one transaction; then it sends the updates to everyone in the room.
// If the transaction fails, nothing is sent and the room reloads the
// document from the store, forgetting what it had not stored.
func (r *docRoom) commit(rows []*workspace.DocumentUpdate, within func(context.Context, *sqlite.Tx, int) error) error {
	from := r.version - len(rows)
	// A snapshot that falls due goes in the same transaction as the
	// updates: one commit, and one sync of the disk, instead of two.
	snapshot := r.version-r.snapshotVersion >= r.a.limits.SnapshotEvery
	app := sqlite.DocumentAppend{From: from, Updates: rows}
	// The error of the request's own writes is the request's to report,
	// not a failure of the store to log.
	var withinErr error
	if within != nil {
		app.Within = func(ctx context.Context, tx *sqlite.Tx, version int) error {
			withinErr = within(ctx, tx, version)
			return withinErr
		}
	}
	if snapshot {
		text := r.text.String()
		app.Snapshot = &text
	}
	reattached := r.reattach()
	for a := range r.moved {
		app.Anchors = append(app.Anchors, a)
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	err := r.a.db.AppendDocument(ctx, r.docID, app)
	cancel()
	if err != nil {
		if err != withinErr && workspace.ErrorCode(err) == workspace.EINTERNAL {
			r.logger.Error("collab: store updates", "from", from, "count", len(rows), "error", err)
		}
		r.history = nil
		r.loadErr = r.load()
		return err
	}
	clear(r.moved)
	if snapshot {
		r.snapshotVersion = r.version
	}
	r.broadcast(r.updatesMessage(from, len(rows), func(b []byte, i int, enc *clientIDEncoder) []byte {
		return appendUpdateJSON(b, enc.json(rows[i].ClientID), rows[i].Changes)
	}))
	r.trimHistory()
	if len(reattached) > 0 && r.a.onReattached != nil {
		r.a.onReattached(r.docID, reattached)
	}
	return nil
}

// trimHistory drops the oldest updates once the history is a quarter over
// what it keeps, so that trimming is rare.
func (r *docRoom) trimHistory() {
	keep := r.a.limits.HistoryKeep
	if len(r.history) <= keep+keep/4 {
		return
	}
	drop := len(r.history) - keep
	r.history = append([]change.Update(nil), r.history[drop:]...)
	r.histBase += drop
}

// saveSnapshot stores the current text when it has moved on since the
// latest snapshot.
func (r *docRoom) saveSnapshot() {
	if r.version == r.snapshotVersion {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	if err := r.a.db.SaveDocumentSnapshot(ctx, r.docID, r.version, r.text.String()); err != nil {
		r.logger.Error("collab: save snapshot", "version", r.version, "error", err)
		return
	}
	r.snapshotVersion = r.version
}

// join opens the document for a peer: the whole text, or, for a peer that
// reconnects with the version it has, the updates it missed.
func (r *docRoom) join(m roomMsg) {
	if r.loadErr != nil {
		r.refuseJoin(m, r.loadErr)
		return
	}
	if m.hasVersion && (m.version > r.version || m.version < 0) {
		r.refuseJoin(m, workspace.KeyErrorf(workspace.EINVALID, "error.document.future_version", "Version %d is from the future: the document is at version %d.", m.version, r.version))
		return
	}
	if m.hasVersion && m.version < r.histBase {
		r.refuseJoin(m, workspace.KeyErrorf(workspace.ECONFLICT, "error.document.history_gone", "Version %d is older than the history kept (from %d): reload the document.", m.version, r.histBase))
		return
	}
	rp, known := r.peers[m.peer.Key()]
	if !known {
		rp = &roomPeer{peer: m.peer, accountID: m.account.ID, name: m.account.Name, colour: PeerColour(m.account.ID)}
	}
	others := []map[string]any{}
	for key, o := range r.peers {
		if key != m.peer.Key() {
			others = append(others, peerInfo(r.docID, o, ""))
		}
	}
	if m.hasVersion {
		if m.version < r.version {
			missed := r.history[m.version-r.histBase:]
			m.peer.Send(r.updatesMessage(m.version, len(missed), func(b []byte, i int, enc *clientIDEncoder) []byte {
				b = append(b, `{"clientID":`...)
				b = append(b, enc.json(missed[i].ClientID)...)
				b = append(b, `,"changes":`...)
				// A set in the history applied, so it encodes.
				b, _ = missed[i].Changes.AppendJSON(b)
				return append(b, '}')
			}))
		}
		m.peer.Send(mustJSON(map[string]any{"type": "doc.joined", "doc": r.docID, "version": r.version, "canEdit": m.canEdit, "peers": others}))
	} else {
		m.peer.Send(mustJSON(map[string]any{"type": "doc.state", "doc": r.docID, "version": r.version, "text": r.text.String(), "canEdit": m.canEdit, "peers": others}))
	}
	if !known {
		r.peers[m.peer.Key()] = rp
		r.notices.join(m.peer.Key(), mustJSON(peerInfo(r.docID, rp, "join")))
	}
}

// refuseJoin refuses a join. A connection that was not in the document is
// forgotten; one that was already in stays in, as its first join holds:
// forgetting it would leave it in the room with nobody to take it out
// when the connection ends.
func (r *docRoom) refuseJoin(m roomMsg, err error) {
	if _, in := r.peers[m.peer.Key()]; !in {
		r.a.left(m.peer, r.docID)
	}
	r.refuseMsg(m, err)
}

// leave closes the document for a peer and tells the others.
func (r *docRoom) leave(p *live.Peer) {
	rp, ok := r.peers[p.Key()]
	if !ok {
		return
	}
	delete(r.peers, p.Key())
	r.a.left(p, r.docID)
	r.notices.leave(p.Key(), mustJSON(peerInfo(r.docID, rp, "leave")))
}

// presence relays a peer's selection to the others, with the name and
// colour the server knows for it.
func (r *docRoom) presence(m roomMsg) {
	rp, ok := r.peers[m.peer.Key()]
	if !ok {
		r.refuseMsg(m, workspace.Errorf(workspace.EINVALID, "Join the document first."))
		return
	}
	if m.version > r.version || m.anchor > r.a.limits.MaxDocumentUnits || m.head > r.a.limits.MaxDocumentUnits {
		r.refuseMsg(m, workspace.Errorf(workspace.EINVALID, "The selection is out of range."))
		return
	}
	msg := peerInfo(r.docID, rp, "")
	msg["type"], msg["doc"], msg["version"], msg["anchor"], msg["head"] = "doc.presence", r.docID, m.version, m.anchor, m.head
	r.notices.presence(m.peer.Key(), mustJSON(msg))
}

func (r *docRoom) broadcast(data []byte) {
	for _, rp := range r.peers {
		rp.peer.Send(data)
	}
}

// updatesMessage builds a doc.updates message of n updates from version
// from; update appends the JSON of the i-th.
func (r *docRoom) updatesMessage(from, n int, update func(b []byte, i int, enc *clientIDEncoder) []byte) []byte {
	b := make([]byte, 0, 64+n*64)
	b = append(b, `{"type":"doc.updates","doc":`...)
	b = strconv.AppendInt(b, r.docID, 10)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, int64(from), 10)
	b = append(b, `,"updates":[`...)
	var enc clientIDEncoder
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = update(b, i, &enc)
	}
	return append(b, "]}"...)
}

// appendUpdateJSON appends one update as clients receive it, its changes
// already in JSON.
func appendUpdateJSON(b, clientIDJSON []byte, changes string) []byte {
	b = append(b, `{"clientID":`...)
	b = append(b, clientIDJSON...)
	b = append(b, `,"changes":`...)
	b = append(b, changes...)
	return append(b, '}')
}

// clientIDEncoder encodes client IDs as JSON strings, once for a run of
// updates from one client.
type clientIDEncoder struct {
	last    string
	encoded []byte
}

func (e *clientIDEncoder) json(clientID string) []byte {
	if e.encoded == nil || clientID != e.last {
		e.last = clientID
		e.encoded, _ = json.Marshal(clientID)
	}
	return e.encoded
}

// peerInfo describes a peer for the others: as an item of doc.state's
// peers list when event is empty, else as a doc.peer message.
func peerInfo(docID int64, rp *roomPeer, event string) map[string]any {
	m := map[string]any{"peer": strconv.FormatUint(rp.peer.Key(), 10), "name": rp.name, "colour": rp.colour}
	if event != "" {
		m["type"], m["doc"], m["event"] = "doc.peer", docID, event
	}
	return m
}

// peerColours are distinct colours dark enough for white text and visible
// on white, one per account.
var peerColours = []string{"#1f6f8b", "#a23b72", "#2e7d32", "#b85c00", "#5e35b1", "#c62828", "#00796b", "#6d4c41"}

// PeerColour returns the colour that marks an account's cursor and
// selection for the other editors: the same for all its connections.
func PeerColour(accountID int64) string {
	return peerColours[int(accountID%int64(len(peerColours)))]
}

// mustJSON encodes a message built from plain values.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("collab: encode message: " + err.Error())
	}
	return b
}
