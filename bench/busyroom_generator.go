package main

import (
	"slices"
	"sync"
	"time"
)

// What the load generator adds to the busy room's figures, and when a step
// is GENERATOR-BOUND.
//
// Every message an editor receives is timed by the kernel (stamp.go for
// the authors, the event loop for the counting readers), so the generator
// being slow to read and handle what it received changes no figure. What
// it can still add is on the sending side: an edit is timed from when its
// author typed it, and the generator may be slow to put it on the wire.
// For each measured edit that delay is
//
//	the first write of its author's connection after it was typed
//	− the later of: when it was typed, and when the latest
//	  acknowledgement of that author before the write reached the socket
//
// the second term because a client that keeps one push in flight (Tawla's,
// ShareDB's) holds an edit typed meanwhile until the acknowledgement, and
// the server's part of that wait is not the generator's. Taking that delay
// off each of the edit's figures gives what the step would have measured
// with a generator that sends at once; the difference is the generator's
// share.

// roomWriteLog is when one author's connection began writing each of its
// messages, in order, as durations since the tracker's base.
type roomWriteLog struct {
	mu sync.Mutex
	at []int64
}

// wrote records that author's connection is about to write a message.
func (t *roomTracker) wrote(author int, at time.Time) {
	if author < 0 || author >= len(t.writes) || t.closed.Load() {
		return
	}
	w := &t.writes[author]
	w.mu.Lock()
	w.at = append(w.at, t.since(at))
	w.mu.Unlock()
}

// roomShare is the generator's share of a step's figures.
type roomShare struct {
	send        *durHist // per measured edit: the generator's delay in sending it
	arrivalNet  *durHist // the arrival figure with each edit's send delay taken off
	everyoneNet *durHist // the everyone figure, likewise
}

// finish makes the figure of everyone (each measured edit's delay to its
// last recipient, by the kernel's times) and the generator's share. It is
// called once the step's connections have stopped counting (closed).
func (t *roomTracker) finish() roomShare {
	share := roomShare{send: newDurHist(), arrivalNet: newDurHist(), everyoneNet: newDurHist()}
	from := t.windowStart.Load()
	for a := range t.writes {
		w := &t.writes[a]
		w.mu.Lock()
		writes := slices.Clone(w.at)
		w.mu.Unlock()
		edits := t.edits[a*t.perAuthor : (a+1)*t.perAuthor]
		for k := range edits {
			e := &edits[k]
			sent := e.sent.Load()
			if sent == 0 {
				break // an author's edits are typed in order
			}
			p := e.delays.Load()
			if sent < from || p == nil {
				continue
			}
			delays := (*p)[:min(int(e.arrivals.Load()), len(*p))]
			send := sendDelay(writes, edits[:k], sent)
			share.send.record(send)
			var last int32
			for _, us := range delays {
				d := time.Duration(us) * time.Microsecond
				share.arrivalNet.record(max(d-send, 0))
				last = max(last, us)
			}
			if len(delays) == int(t.recipients) {
				d := time.Duration(last) * time.Microsecond
				t.everyone.record(d)
				share.everyoneNet.record(max(d-send, 0))
			}
		}
	}
	return share
}

// sendDelay is the generator's delay in sending an edit typed at sent
// (since base): writes are its author's connection's writes, earlier its
// author's edits before it.
func sendDelay(writes []int64, earlier []roomEditState, sent int64) time.Duration {
	i, _ := slices.BinarySearch(writes, sent)
	if i == len(writes) {
		return 0 // never written: it counts as undelivered instead
	}
	written := writes[i]
	from := sent
	for j := range earlier {
		if ack := earlier[j].acked.Load(); ack != 0 && ack <= written {
			from = max(from, ack)
		}
	}
	return time.Duration(written - from)
}

// shareAt is the generator's share of a figure at its quantile q: the
// figure less the same figure without each edit's send delay (net).
func shareAt(figure, net *durHist, q float64) time.Duration {
	return figure.quantile(q) - net.quantile(q)
}

// moved reports whether taking the generator's share off moved the
// quantile q of a figure by more than roomBoundLag and roomBoundShare of
// it. A quantile that is the figure's largest value (a p99 of fewer than
// 100 edits: the 28 of two authors in a 3 s window) is not judged: one
// edit sent late by a hiccup of the generator moves it, and one hiccup
// is not a generator that cannot keep up.
func moved(figure, net *durHist, q float64) bool {
	if float64(figure.count())*(1-q) < 1 {
		return false
	}
	d := shareAt(figure, net, q)
	return d > roomBoundLag && float64(d) > roomBoundShare*float64(figure.quantile(q))
}

// readersWait is how long, at p99, the counting readers' data waited in
// their sockets beyond the loop's pace. Their frames are timed by the
// kernel, so the wait changes no figure unless the sockets fill (fill).
func (r *roomResult) readersWait() time.Duration {
	return max(r.loop.quantile(0.99)-loopPace(), 0)
}

// generatorBound reports whether the step measured the load generator
// rather than the server. It did when:
//   - the generator's core was over roomBoundCore percent busy;
//   - the authors typed fewer edits in the window than their schedule put
//     there, by more than roomBoundTyping of them (and more than two): the
//     load was not the one asked for. Typing late by a few milliseconds
//     changes no figure (an edit is timed from when it was typed) and not
//     the rate, so lateness alone is reported, not judged;
//   - its share (finish) moved the arrival p95 or the everyone p99 by
//     more than roomBoundLag and roomBoundShare of the figure;
//   - one of its receiving sockets, authors' or readers', got over
//     roomBoundFill full: the server's writes may then have waited for it.
func (r *roomResult) generatorBound() bool {
	short := r.scheduled - r.typed
	if r.loadGenCPU > roomBoundCore || r.fill > roomBoundFill || (short > 2 && float64(short) > roomBoundTyping*float64(r.scheduled)) {
		return true
	}
	return moved(r.arrival, r.share.arrivalNet, 0.95) || moved(r.everyone, r.share.everyoneNet, 0.99)
}
