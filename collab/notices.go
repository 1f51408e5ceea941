package collab

import (
	"strconv"
	"time"
)

// noticeWindow is how long a join, a leave or a moved selection may wait
// for others before the room tells them: short for a person watching
// cursors, long enough that a meeting room opening a draft at once costs
// each connection a few messages rather than one per newcomer.
const noticeWindow = 25 * time.Millisecond

// peerNotice is a peer's join, leave or moved selection, told to the
// others once the notice window of the first waiting notice has passed.
type peerNotice struct {
	from     uint64 // the peer's key
	seq      int    // its place among the turn's joins and leaves
	presence bool
	data     []byte // the doc.peer or doc.presence message; nil once replaced
}

// turnNotices collects the notices of a room for a notice window, so that
// each peer receives them in one message: a join storm of N connections
// then costs each of them a few messages instead of N, and a selection
// moved several times in a window is told once.
type turnNotices struct {
	notices  []peerNotice
	since    time.Time // when the first waiting notice came
	seq      int
	joinedAt map[uint64]int // the seq of the joins of this turn
	lastSeen map[uint64]int // index of each peer's latest presence notice
}

// due returns when the waiting notices must go, and whether any wait.
func (t *turnNotices) due() (time.Time, bool) {
	return t.since.Add(noticeWindow), len(t.notices) > 0
}

// add appends a notice, starting the window when it is the first.
func (t *turnNotices) add(n peerNotice) {
	if len(t.notices) == 0 {
		t.since = time.Now()
	}
	t.notices = append(t.notices, n)
}

// join records that the peer with key joined; data tells the others.
func (t *turnNotices) join(key uint64, data []byte) {
	t.seq++
	if t.joinedAt == nil {
		t.joinedAt = map[uint64]int{}
	}
	t.joinedAt[key] = t.seq
	t.add(peerNotice{from: key, seq: t.seq, data: data})
}

// leave records that the peer with key left.
func (t *turnNotices) leave(key uint64, data []byte) {
	t.seq++
	t.add(peerNotice{from: key, seq: t.seq, data: data})
}

// presence records the peer's selection, replacing one it sent earlier in
// the turn.
func (t *turnNotices) presence(key uint64, data []byte) {
	if t.lastSeen == nil {
		t.lastSeen = map[uint64]int{}
	}
	if i, ok := t.lastSeen[key]; ok {
		t.notices[i].data = nil
	}
	t.lastSeen[key] = len(t.notices)
	t.add(peerNotice{from: key, presence: true, data: data})
}

// deliver sends each peer of the room the waiting notices that concern
// it — the others', and of joins and leaves only those after its own join
// (its doc.state listed the peers before) — alone when there is one, in a
// doc.peers message when there are several; then it forgets them.
func (t *turnNotices) deliver(r *docRoom) {
	if len(t.notices) == 0 {
		return
	}
	var mine [][]byte
	for key, rp := range r.peers {
		joined := t.joinedAt[key] // zero: before the turn
		mine = mine[:0]
		for _, n := range t.notices {
			if n.data != nil && n.from != key && (n.presence || n.seq > joined) {
				mine = append(mine, n.data)
			}
		}
		switch len(mine) {
		case 0:
		case 1:
			rp.peer.Send(mine[0])
		default:
			rp.peer.Send(peersMessage(r.docID, mine))
		}
	}
	kept := t.notices[:0]
	if cap(kept) > 256 {
		kept = nil // a storm is over: do not keep its room
	}
	clear(t.notices)
	*t = turnNotices{notices: kept}
}

// peersMessage builds a doc.peers message carrying messages, in order.
func peersMessage(docID int64, messages [][]byte) []byte {
	n := 64
	for _, m := range messages {
		n += len(m) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, `{"type":"doc.peers","doc":`...)
	b = strconv.AppendInt(b, docID, 10)
	b = append(b, `,"messages":[`...)
	for i, m := range messages {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, m...)
	}
	return append(b, "]}"...)
}
