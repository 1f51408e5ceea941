package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"tawla/client"
	"tawla/workspace/change"
)

func init() { register(Step{Name: "concurrent", Run: runConcurrent}) }

// The concurrent trace: friendsforever, two people typing into one
// document at once, played against Tawla by one websocket client per
// author, each pushing every transaction based on the version its author
// had. Names in results.json are concurrent.friendsforever.<measure>.
//
// How the trace's concurrency is reproduced. A transaction applies to the
// document as it was after its parents. Each author's client is a
// @codemirror/collab client speaking the raw protocol: its local text is
// the synced version plus its unconfirmed updates, and it pushes those with
// the synced version, which the server rebases over whatever it accepted
// since. The client of author a applies a's transaction t to its local
// text, and queues it for pushing, only when its local text is exactly the
// document after t's parents:
//
//   - every author's transactions form a chain in the trace (each has the
//     previous one of its author in its past: checked), so the local text
//     always holds all of the author's own earlier transactions;
//   - of the other authors' transactions, the client applies an incoming
//     update only while it is in t's past, and holds the rest back, in
//     order, until a later transaction of a needs them. The server sends
//     updates in its order and every author's updates in that author's
//     order, so what the client has applied of author b is always a prefix
//     of b's chain: exactly the part t's parents know once the client has
//     applied as many of b's updates as t's past holds. Its own updates
//     that come back behind a held one stay unconfirmed, as they would on
//     a slow network, and are pushed again with the synced version; the
//     server recognises them by client ID and sequence number.
//
// Each transaction's patches count code points in the document after its
// parents, which is the client's local text at that moment; they are
// converted to UTF-16 on that text.
//
// The order the server accepts concurrent transactions in matters. Tawla
// is a central authority with operational transformation (as
// @codemirror/collab): when two concurrent insertions land at the same
// place, the one accepted first comes first. That happens here even
// though the trace's authors never insert at the same position at once,
// because a deletion can bring two places together: at byte 3798, one
// author deletes a character and types ", huh?" where it was while the
// other types " The" just after it. The recording engine (a CRDT) keeps
// ", huh?" first, where the deleted character stood; accepting " The"
// first, as the transactions' numbering would, gives "90s The, hh?u". So
// the server accepts the transactions in the order of the same session
// linearised (friendsforever_flat), the order the recording engine itself
// chose: each client takes its turn in that order (a turn shared by both)
// and hands the turn to the other author only once the server has
// acknowledged all of its updates. The turn also keeps either client from
// running thousands of transactions ahead of the other, so that its
// unconfirmed updates stay as few as the trace's concurrency makes them
// (about a hundred at most).

// ffTrace is the trace prepared for playing: per transaction its author,
// and per other author how many of that author's updates it needs applied.
type ffTrace struct {
	agents  int
	txns    []TxnIn
	empty   []bool  // the transaction changes nothing: no update
	need    [][]int // need[t][b]: updates of author b in t's past (non-empty ones)
	updates int     // non-empty transactions: the updates the server accepts
	byAgent [][]int // each author's transactions, in order
	ascii   bool    // every insertion is ASCII: code points are UTF-16 units
	order   []int   // the order the server accepts the transactions in
	pos     []int   // pos[t]: t's place in order
}

// prepareConcurrent prepares trace t for playing, the server accepting
// its transactions in the order of flat, the same session linearised.
func prepareConcurrent(t, flat *Trace) (*ffTrace, error) {
	if t.Kind != "concurrent" {
		return nil, fmt.Errorf("trace kind %q, want concurrent", t.Kind)
	}
	agents := t.NumAgents
	for _, txn := range t.Txns {
		agents = max(agents, txn.Agent+1)
	}
	p := &ffTrace{agents: agents, txns: t.Txns, empty: make([]bool, len(t.Txns)), need: make([][]int, len(t.Txns)),
		byAgent: make([][]int, agents), ascii: true}
	// known[t][b]: transactions of b in t's past, t included; with chains,
	// that count says exactly which.
	known := make([][]int, len(t.Txns))
	count := make([]int, agents)
	nonEmpty := make([][]int, agents) // nonEmpty[b][k]: non-empty among b's first k
	for b := range nonEmpty {
		nonEmpty[b] = []int{0}
	}
	for i, txn := range t.Txns {
		k := make([]int, agents)
		for _, parent := range txn.Parents {
			if parent < 0 || parent >= i {
				return nil, fmt.Errorf("transaction %d: parent %d is not an earlier transaction", i, parent)
			}
			for b := range k {
				k[b] = max(k[b], known[parent][b])
			}
		}
		a := txn.Agent
		if k[a] != count[a] {
			return nil, fmt.Errorf("transaction %d of author %d does not follow the author's previous one: the two-client model needs each author's transactions to form a chain", i, a)
		}
		count[a]++
		k[a] = count[a]
		known[i] = k
		empty := true
		for _, patch := range txn.Patches {
			if patch.Delete > 0 || patch.Insert != "" {
				empty = false
			}
			for j := 0; j < len(patch.Insert); j++ {
				if patch.Insert[j] >= utf8.RuneSelf {
					p.ascii = false
				}
			}
		}
		p.empty[i] = empty
		last := nonEmpty[a][len(nonEmpty[a])-1]
		if !empty {
			last++
			p.updates++
		}
		nonEmpty[a] = append(nonEmpty[a], last)
		p.byAgent[a] = append(p.byAgent[a], i)
	}
	for i := range t.Txns {
		p.need[i] = make([]int, agents)
		for b := range agents {
			p.need[i][b] = nonEmpty[b][known[i][b]]
		}
	}
	var err error
	if p.order, err = linearOrder(t, flat, p.byAgent); err != nil {
		return nil, err
	}
	p.pos = make([]int, len(t.Txns))
	for k, i := range p.order {
		p.pos[i] = k
	}
	return p, nil
}

// linearOrder finds each transaction of flat, the linearised trace, in t,
// the concurrent one, and returns t's transactions in flat's order. The
// linearised trace carries the same transactions with positions moved to
// fit one sequential replay, in an order that respects the parents (and
// so each author's chain); its transactions name no author, so each is
// matched, in order, with the next unmatched transaction of one of the
// authors whose parents are all matched and that deletes and inserts the
// same. When several authors' next transactions fit (the same letter
// typed by both), the one whose position is nearest wins: the linearised
// trace moves positions only by the other author's concurrent text.
func linearOrder(t, flat *Trace, byAgent [][]int) ([]int, error) {
	if len(flat.Txns) != len(t.Txns) || flat.EndContent != t.EndContent {
		return nil, errors.New("the linearised trace is not the same session")
	}
	next := make([]int, len(byAgent)) // next unmatched transaction of each author
	matched := make([]bool, len(t.Txns))
	order := make([]int, 0, len(t.Txns))
	same := func(a, b []Patch) bool {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if a[i].Delete != b[i].Delete || a[i].Insert != b[i].Insert {
				return false
			}
		}
		return true
	}
	for k, ft := range flat.Txns {
		best, bestDist := -1, 0
		for a := range byAgent {
			if next[a] == len(byAgent[a]) {
				continue
			}
			i := byAgent[a][next[a]]
			ready := true
			for _, parent := range t.Txns[i].Parents {
				ready = ready && matched[parent]
			}
			if !ready || !same(t.Txns[i].Patches, ft.Patches) {
				continue
			}
			dist := 0
			if len(ft.Patches) > 0 {
				dist = max(ft.Patches[0].Pos-t.Txns[i].Patches[0].Pos, t.Txns[i].Patches[0].Pos-ft.Patches[0].Pos)
			}
			if best < 0 || dist < bestDist {
				best, bestDist = a, dist
			}
		}
		if best < 0 {
			return nil, fmt.Errorf("transaction %d of the linearised trace matches no transaction of the concurrent one", k)
		}
		i := byAgent[best][next[best]]
		next[best]++
		matched[i] = true
		order = append(order, i)
	}
	return order, nil
}

func runConcurrent(ctx context.Context, env *Env, rep *Report) error {
	if err := pinSelf(env.LoadCPU); err != nil {
		return err
	}
	t, err := LoadTrace(env, "friendsforever")
	if err != nil {
		return err
	}
	flat, err := LoadTrace(env, "friendsforever_flat")
	if err != nil {
		return err
	}
	plan, err := prepareConcurrent(t, flat)
	if err != nil {
		return err
	}
	d := &tawlaDriver{}
	if err := d.Start(ctx, env); err != nil {
		return err
	}
	defer d.Stop()
	ref, err := d.CreateDoc(ctx, "")
	if err != nil {
		return err
	}
	docID := d.docs[ref].id

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	shared := &ffShared{plan: plan, ack: newDurHist(), wake: make([]chan struct{}, plan.agents)}
	agents := make([]*ffAgent, plan.agents)
	for a := range agents {
		shared.wake[a] = make(chan struct{}, 1)
		conn, err := d.authors[a%len(d.authors)].Dial(ctx)
		if err != nil {
			return err
		}
		agents[a] = newFFAgent(ctx, shared, a, conn, docID)
		defer agents[a].close()
		if err := agents[a].join(ctx); err != nil {
			return fmt.Errorf("author %d: %w", a, err)
		}
	}
	start := agents[0].version
	for _, ag := range agents {
		if ag.version != start || ag.text.Len() != 0 {
			return fmt.Errorf("the authors joined different or non-empty documents (versions %d and %d)", start, ag.version)
		}
	}

	began := time.Now()
	errs := make(chan error, len(agents))
	for _, ag := range agents {
		go func() { errs <- ag.run(ctx, start+plan.updates) }()
	}
	var first error
	for range agents {
		if err := <-errs; err != nil && first == nil {
			first = err
			cancel() // the other author would wait for ever
		}
	}
	if first != nil {
		return first
	}
	total := time.Since(began)

	// Fail loudly: every client, and a newcomer, must hold endContent.
	for _, ag := range agents {
		if got := ag.text.String(); got != t.EndContent {
			return fmt.Errorf("author %d ends with a text that differs from endContent: %s", ag.id, firstDiff(got, t.EndContent))
		}
	}
	conn, err := d.authors[0].Dial(ctx)
	if err != nil {
		return err
	}
	ed, err := client.Open(ctx, conn, docID, client.Options{})
	if err != nil {
		return err
	}
	got, version := ed.Text(), ed.Version()
	ed.Close()
	if got != t.EndContent {
		return fmt.Errorf("the server's text differs from endContent: %s", firstDiff(got, t.EndContent))
	}
	if version != start+plan.updates {
		return fmt.Errorf("the document is at version %d, want %d", version, start+plan.updates)
	}

	pushes, resent := 0, 0
	for _, ag := range agents {
		pushes += ag.pushes
		resent += ag.resent
	}
	const p = "concurrent.friendsforever."
	rep.Set(p+"txns", float64(len(t.Txns)))
	rep.Set(p+"updates", float64(plan.updates))
	rep.Set(p+"total_ms", roomMillis(total))
	rep.Set(p+"txns_per_s", float64(len(t.Txns))/total.Seconds())
	rep.Set(p+"ack_p50_ms", roomMillis(shared.ack.quantile(0.5)))
	rep.Set(p+"ack_p99_ms", roomMillis(shared.ack.quantile(0.99)))
	rep.Set(p+"pushes", float64(pushes))
	rep.Set(p+"resent_updates", float64(resent))
	rep.Set(p+"waits", float64(shared.waits.Load()))
	rep.Row("concurrent", "friendsforever, 2 clients, pushed from each author's version",
		fmt.Sprintf("= endContent · %d txns in %s · ack p50 %s p99 %s · %d pushes",
			len(t.Txns), roomMS(total), roomMS(shared.ack.quantile(0.5)), roomMS(shared.ack.quantile(0.99)), pushes))
	return nil
}

// firstDiff describes where got first differs from want.
func firstDiff(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	excerpt := func(s string) string {
		return strconv.Quote(s[max(0, i-20):min(len(s), i+20)])
	}
	return fmt.Sprintf("lengths %d and %d, first difference at byte %d: %s, want %s", len(got), len(want), i, excerpt(got), excerpt(want))
}

// ffShared is what the authors' clients share: the trace, the turn (the
// next transaction to apply, in the trace's order) and the measurements.
type ffShared struct {
	plan  *ffTrace
	turn  atomic.Int64
	wake  []chan struct{} // by author: the turn may have come
	ack   *durHist
	waits atomic.Int64 // times a client waited for another's update
}

// advance passes the turn on to the transaction at place next of the
// order and wakes its author.
func (s *ffShared) advance(next int) {
	s.turn.Store(int64(next))
	if next < len(s.plan.order) {
		select {
		case s.wake[s.plan.txns[s.plan.order[next]].Agent] <- struct{}{}:
		default:
		}
	}
}

// ffLocal is an unconfirmed local update.
type ffLocal struct {
	changes change.Set
	seq     int64
}

// ffIncoming is an accepted update received and not yet applied.
type ffIncoming struct {
	ClientID string     `json:"clientID"`
	Changes  change.Set `json:"changes"`
}

// ffMessage is a message from the server.
type ffMessage struct {
	Type    string       `json:"type"`
	Version int          `json:"version"`
	Seq     int64        `json:"seq"`
	Text    string       `json:"text"`
	Updates []ffIncoming `json:"updates"`
	Code    string       `json:"code"`
	Message string       `json:"message"`
	About   string       `json:"about"`
}

// ffAgent is one author's client: a @codemirror/collab client on the raw
// protocol that may hold received updates back. One goroutine (run) owns
// everything but the connection's reader.
type ffAgent struct {
	s        *ffShared
	id       int
	clientID string
	conn     *client.Conn
	docID    int64
	in       chan []byte // messages from the reader goroutine
	readErr  chan error

	text        change.Text // the synced version plus the unconfirmed updates
	version     int         // the synced version
	unconfirmed []ffLocal
	held        []ffIncoming // received, the next after version, not applied
	applied     []int        // by author: updates of theirs applied here
	seq         int64
	ackedSeq    int64
	inFlight    bool
	sentAt      []time.Time // by seq: when the update was made
	pushes      int
	resent      int // updates pushed again, already accepted
	buf         []byte
	closeOnce   sync.Once
}

func newFFAgent(ctx context.Context, s *ffShared, id int, conn *client.Conn, docID int64) *ffAgent {
	a := &ffAgent{
		s: s, id: id, clientID: "ff" + strconv.Itoa(id), conn: conn, docID: docID,
		in: make(chan []byte, 4096), readErr: make(chan error, 1),
		applied: make([]int, s.plan.agents), sentAt: []time.Time{{}},
	}
	go func() {
		for {
			data, err := conn.Receive(ctx)
			if err != nil {
				a.readErr <- err
				return
			}
			select {
			case a.in <- data:
			case <-ctx.Done():
				return
			}
		}
	}()
	return a
}

func (a *ffAgent) close() { a.closeOnce.Do(func() { _ = a.conn.Close() }) }

// join opens the document and waits for its text.
func (a *ffAgent) join(ctx context.Context) error {
	msg := fmt.Appendf(nil, `{"type":"doc.join","doc":%d}`, a.docID)
	if err := a.conn.Send(ctx, msg); err != nil {
		return err
	}
	for {
		m, err := a.next(ctx)
		if err != nil {
			return err
		}
		if m.Type == "doc.state" {
			a.text, a.version = change.NewText(m.Text), m.Version
			return nil
		}
	}
}

// next returns the next message, failing on an error message, a lost
// connection, or ten seconds of silence (the play is stuck).
func (a *ffAgent) next(ctx context.Context) (*ffMessage, error) {
	timer := time.NewTimer(10 * time.Second)
	defer timer.Stop()
	select {
	case data := <-a.in:
		var m ffMessage
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("undecodable message: %w", err)
		}
		if m.Type == "error" {
			return nil, fmt.Errorf("server refused %s (%s): %s", m.About, m.Code, m.Message)
		}
		return &m, nil
	case err := <-a.readErr:
		return nil, err
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-timer.C:
		return nil, errors.New("nothing from the server for 10 s: the play is stuck")
	}
}

// run plays the author's transactions, then waits until the server has
// acknowledged every one and the client has applied all final updates.
func (a *ffAgent) run(ctx context.Context, final int) error {
	plan := a.s.plan
	for _, i := range plan.byAgent[a.id] {
		waited := false
		for {
			if err := a.applyHeld(plan.need[i]); err != nil {
				return err
			}
			if int(a.s.turn.Load()) == plan.pos[i] && a.knows(plan.need[i]) {
				break
			}
			if int(a.s.turn.Load()) == plan.pos[i] {
				waited = true
			}
			if err := a.wait(ctx); err != nil {
				return fmt.Errorf("author %d, before transaction %d: %w", a.id, i, err)
			}
		}
		if waited {
			a.s.waits.Add(1)
		}
		if !plan.empty[i] {
			if err := a.applyTxn(i); err != nil {
				return fmt.Errorf("author %d, transaction %d: %w", a.id, i, err)
			}
		}
		// The other author's turn: only once the server has accepted
		// every update of this one, so that it accepts them in order.
		if next := plan.pos[i] + 1; next < len(plan.order) && plan.txns[plan.order[next]].Agent != a.id {
			for a.ackedSeq < a.seq {
				if err := a.wait(ctx); err != nil {
					return fmt.Errorf("author %d, after transaction %d: %w", a.id, i, err)
				}
			}
		}
		a.s.advance(plan.pos[i] + 1)
	}
	for a.ackedSeq < a.seq || a.version < final {
		if err := a.applyHeld(nil); err != nil {
			return err
		}
		if a.ackedSeq == a.seq && a.version >= final {
			break
		}
		if err := a.wait(ctx); err != nil {
			return fmt.Errorf("author %d, at the end: %w", a.id, err)
		}
	}
	if a.version != final || len(a.unconfirmed) > 0 {
		return fmt.Errorf("author %d ends at version %d with %d unconfirmed updates, want version %d", a.id, a.version, len(a.unconfirmed), final)
	}
	return nil
}

// knows reports whether the client has applied every update of the others
// that need lists.
func (a *ffAgent) knows(need []int) bool {
	for b, n := range need {
		if b != a.id && a.applied[b] < n {
			return false
		}
	}
	return true
}

// wait handles one message, or returns when the turn may have come.
func (a *ffAgent) wait(ctx context.Context) error {
	select {
	case <-a.s.wake[a.id]:
		return nil
	default:
	}
	timer := time.NewTimer(10 * time.Second)
	defer timer.Stop()
	select {
	case <-a.s.wake[a.id]:
		return nil
	case data := <-a.in:
		return a.handle(data)
	case err := <-a.readErr:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return errors.New("nothing happened for 10 s: the play is stuck")
	}
}

// handle serves one message from the server.
func (a *ffAgent) handle(data []byte) error {
	var m ffMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("undecodable message: %w", err)
	}
	switch m.Type {
	case "error":
		return fmt.Errorf("server refused %s (%s): %s", m.About, m.Code, m.Message)
	case "doc.updates":
		expected := a.version + len(a.held)
		if m.Version > expected {
			return fmt.Errorf("updates from version %d, expected %d: some are missing", m.Version, expected)
		}
		if skip := expected - m.Version; skip < len(m.Updates) {
			a.held = append(a.held, m.Updates[skip:]...)
		}
	case "doc.pushed":
		if !a.inFlight {
			return errors.New("an acknowledgement with no push in flight")
		}
		a.inFlight = false
		now := time.Now()
		for seq := a.ackedSeq + 1; seq <= m.Seq; seq++ {
			a.s.ack.record(now.Sub(a.sentAt[seq]))
		}
		a.ackedSeq = max(a.ackedSeq, m.Seq)
		return a.maybePush()
	}
	return nil
}

// applyHeld applies held updates from the front while they may be: the
// client's own always (they confirm unconfirmed ones), another author's
// while need asks for more of theirs (nil: all).
func (a *ffAgent) applyHeld(need []int) error {
	n := 0
	for ; n < len(a.held); n++ {
		u := &a.held[n]
		own := u.ClientID == a.clientID
		b := -1
		if !own {
			var err error
			if b, err = a.authorOf(u.ClientID); err != nil {
				return err
			}
			if need != nil && a.applied[b] >= need[b] {
				break
			}
		}
		if err := a.receive(u, own); err != nil {
			return err
		}
		if b >= 0 {
			a.applied[b]++
		}
	}
	if n > 0 {
		clear(a.held[:n])
		a.held = a.held[n:]
	}
	return nil
}

func (a *ffAgent) authorOf(clientID string) (int, error) {
	if len(clientID) > 2 && clientID[:2] == "ff" {
		if b, err := strconv.Atoi(clientID[2:]); err == nil && b >= 0 && b < a.s.plan.agents {
			return b, nil
		}
	}
	return 0, fmt.Errorf("an update from an unknown client %q", clientID)
}

// receive applies one accepted update exactly as client.Editor does
// (receiveUpdates of @codemirror/collab with that one update).
func (a *ffAgent) receive(u *ffIncoming, own bool) error {
	if own {
		if len(a.unconfirmed) == 0 {
			return errors.New("an own update came back with none unconfirmed")
		}
		a.unconfirmed[0] = ffLocal{}
		a.unconfirmed = a.unconfirmed[1:]
		a.version++
		return nil
	}
	changes := u.Changes
	for i, lu := range a.unconfirmed {
		m, err := lu.changes.Map(changes.Desc(), false)
		if err != nil {
			return fmt.Errorf("mapping local update %d over update %d: %w", lu.seq, a.version+1, err)
		}
		if changes, err = changes.Map(lu.changes.Desc(), true); err != nil {
			return fmt.Errorf("mapping update %d over local update %d: %w", a.version+1, lu.seq, err)
		}
		a.unconfirmed[i].changes = m
	}
	if err := changes.Apply(&a.text); err != nil {
		return fmt.Errorf("update %d: %w", a.version+1, err)
	}
	a.version++
	return nil
}

// applyTxn makes transaction i one local update: its patches apply one
// after the other (as splice does), in code points of the local text.
func (a *ffAgent) applyTxn(i int) error {
	var total change.Set
	for j, p := range a.s.plan.txns[i].Patches {
		from, to := p.Pos, p.Pos+p.Delete
		n := a.text.Len()
		if !a.s.plan.ascii {
			var err error
			if from, to, err = utf16Range(a.text.String(), p.Pos, p.Delete); err != nil {
				return err
			}
		}
		if from < 0 || to > n || from > to {
			return fmt.Errorf("patch %d [%d, %d] does not fit the local text of %d units: the play lost the trace", j, p.Pos, p.Delete, n)
		}
		set, err := change.Of(n, change.Spec{From: from, To: to, Insert: p.Insert})
		if err != nil {
			return err
		}
		if err := set.Apply(&a.text); err != nil {
			return err
		}
		if j == 0 {
			total = set
		} else if total, err = total.Compose(set); err != nil {
			return err
		}
	}
	a.seq++
	a.unconfirmed = append(a.unconfirmed, ffLocal{changes: total, seq: a.seq})
	a.sentAt = append(a.sentAt, time.Now())
	return a.maybePush()
}

// utf16Range converts a range of code points of s to UTF-16 units.
func utf16Range(s string, pos, del int) (from, to int, err error) {
	if pos < 0 || del < 0 || pos+del > utf8.RuneCountInString(s) {
		return 0, 0, fmt.Errorf("code points %d+%d are outside a text of %d", pos, del, utf8.RuneCountInString(s))
	}
	from = UTF16Offset(s, pos)
	i := 0
	for k := 0; k < pos; k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return from, from + UTF16Offset(s[i:], del), nil
}

// maybePush pushes the unconfirmed updates with the synced version, as
// collab does, when no push is in flight and some of them have not been
// acknowledged yet (those that were wait, held, behind another's update;
// pushing only them again would change nothing).
func (a *ffAgent) maybePush() error {
	if a.inFlight || len(a.unconfirmed) == 0 || a.unconfirmed[len(a.unconfirmed)-1].seq <= a.ackedSeq {
		return nil
	}
	updates := a.unconfirmed
	if len(updates) > client.DefaultMaxUpdatesPerPush {
		if updates[client.DefaultMaxUpdatesPerPush-1].seq <= a.ackedSeq {
			return fmt.Errorf("%d unconfirmed updates: more than a push carries are already accepted", len(updates))
		}
		updates = updates[:client.DefaultMaxUpdatesPerPush]
	}
	b := a.buf[:0]
	b = append(b, `{"type":"doc.push","doc":`...)
	b = strconv.AppendInt(b, a.docID, 10)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, int64(a.version), 10)
	b = append(b, `,"updates":[`...)
	for i, u := range updates {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"clientID":"`...)
		b = append(b, a.clientID...)
		b = append(b, `","seq":`...)
		b = strconv.AppendInt(b, u.seq, 10)
		b = append(b, `,"changes":`...)
		var err error
		if b, err = u.changes.AppendJSON(b); err != nil {
			return err
		}
		b = append(b, '}')
		if u.seq <= a.ackedSeq {
			a.resent++
		}
	}
	b = append(b, "]}"...)
	a.buf = b
	a.inFlight = true
	a.pushes++
	return a.conn.Send(context.Background(), b)
}
