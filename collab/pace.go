package collab

import "time"

// turnEvery is the longest a busy room keeps between the starts of two
// push turns: a push that comes sooner after the last turn than the room's
// pace (turnPace.gap) waits for the rest of it with the others that come
// meanwhile, and they are committed together and sent in one doc.updates
// frame to each connection. A turn costs about the same whatever it
// carries — one commit, then a write per connection — so in a busy room
// this cuts the server's work per update delivered by half or more, and
// its latency under load with it (docs/benchmarks.md, "A fifth full run").
// 16 ms is a screen's frame at 60 Hz: updates that wait for it reach the
// others' screens at most one frame later.
const turnEvery = 16 * time.Millisecond

// fullWrites is the load at which a busy room's turns are turnEvery apart:
// pushes that, each sent in a turn of its own to every connection, would
// take this many writes a second, more than half a core (a write costs
// about 7 µs on the benchmark's machine). A busy room below it keeps a gap
// that grows with the cube of its load: at half of it, an eighth of
// turnEvery. A room of moderate load then waits little, and one near the
// server's limit gathers the most. The law and the figure come from a
// measured sweep (docs/benchmarks.md, "A sixth full run").
const fullWrites = 80_000

// busyWrites is the rate above which a room counts as busy: when its
// pushes, each sent in a turn of its own to every connection in the room,
// would take more than this many writes a second — about a tenth of a core
// (a write to a local socket costs about 7 µs on the benchmark's machine).
// A quieter room takes each push at once: the wait would buy little there.
const busyWrites = 10_000

// quietGap is the average gap between pushes a room starts from: it counts
// as quiet until enough pushes have come close together.
const quietGap = time.Second

// gapWeight makes the latest gap weigh 1/gapWeight in the moving average:
// a room becomes busy after a few dozen close pushes, and quiet again
// after a few long gaps.
const gapWeight = 8

// turnPace paces a room's push turns. It belongs to the room's goroutine.
type turnPace struct {
	lastPush time.Time     // when the room took its latest push
	meanGap  time.Duration // moving average of the time between pushes
	lastTurn time.Time     // when the latest push turn began
}

// pushed records a push the room took at t.
func (p *turnPace) pushed(t time.Time) {
	if p.lastPush.IsZero() {
		p.meanGap = quietGap
	} else {
		p.meanGap += (t.Sub(p.lastPush) - p.meanGap) / gapWeight
	}
	p.lastPush = t
}

// began records a push turn that began at t.
func (p *turnPace) began(t time.Time) { p.lastTurn = t }

// writes is the room's load: the writes a second its pushes would take,
// each sent in a turn of its own to its conns connections.
func (p *turnPace) writes(conns int) float64 {
	if p.lastPush.IsZero() {
		return 0
	}
	return float64(conns) / max(p.meanGap, time.Microsecond).Seconds()
}

// busy reports whether a room with conns connections counts as busy.
func (p *turnPace) busy(conns int) bool { return p.writes(conns) > busyWrites }

// gap is the time a busy room of conns connections keeps between the
// starts of two push turns: turnEvery times the cube of its load as a
// share of fullWrites, at most turnEvery.
func (p *turnPace) gap(conns int) time.Duration {
	load := min(1, p.writes(conns)/fullWrites)
	return time.Duration(float64(turnEvery) * load * load * load)
}

// start returns when a push turn that could begin at now should begin, in
// a room with conns connections: at once in a quiet room, and no sooner
// than its gap after the last one in a busy room.
func (p *turnPace) start(now time.Time, conns int) time.Time {
	if !p.busy(conns) {
		return now
	}
	if next := p.lastTurn.Add(p.gap(conns)); next.After(now) {
		return next
	}
	return now
}
