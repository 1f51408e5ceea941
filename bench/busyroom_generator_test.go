package main

import (
	"math"
	"testing"
	"time"
)

// TestGeneratorShare follows one author's three edits through the
// tracker: one sent at once, one held behind a push in flight until its
// acknowledgement, one the generator was slow to write. Each edit's send
// delay, and the figures without it, must be what the times say.
func TestGeneratorShare(t *testing.T) {
	base := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	at := func(ms float64) time.Time { return base.Add(time.Duration(ms * float64(time.Millisecond))) }
	tr := newRoomTracker(1, 8, 2, base)
	tr.windowStart.Store(int64(time.Millisecond))

	// Edit 1: typed at 10 ms, written at 10.1 ms (sent at once), acked by
	// the kernel's clock at 15 ms; it reaches the two others at 12 and 14.
	tr.markSent(EditID{0, 1}, at(10))
	tr.wrote(0, at(10.1))
	// Edit 2: typed at 11 ms while edit 1 is in flight, so held until the
	// acknowledgement (15 ms, handled and written at 17 ms): 2 ms are the
	// generator's.
	tr.markSent(EditID{0, 2}, at(11))
	tr.arrived(EditID{0, 1}, at(12))
	tr.arrived(EditID{0, 1}, at(14))
	tr.acked(EditID{0, 1}, at(15))
	tr.wrote(0, at(17))
	tr.arrived(EditID{0, 2}, at(19))
	tr.arrived(EditID{0, 2}, at(20))
	tr.acked(EditID{0, 2}, at(21))
	// Edit 3: typed at 30 ms with nothing in flight, written at 36 ms.
	tr.markSent(EditID{0, 3}, at(30))
	tr.wrote(0, at(36))
	tr.arrived(EditID{0, 3}, at(40))
	tr.arrived(EditID{0, 3}, at(41))
	tr.acked(EditID{0, 3}, at(42))
	tr.closed.Store(true)
	share := tr.finish()

	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	if n := share.send.count(); n != 3 {
		t.Fatalf("%d send delays, want 3", n)
	}
	// Send delays 0.1, 2 and 6 ms; everyone 4, 9 and 11 ms, less them 3.9,
	// 7 and 5 ms.
	for _, c := range []struct {
		name string
		h    *durHist
		q    float64
		want float64
	}{
		{"smallest send delay", share.send, 0.01, 0.1},
		{"middle send delay", share.send, 0.5, 2},
		{"largest send delay", share.send, 1, 6},
		{"everyone, largest", tr.everyone, 1, 11},
		{"everyone less the send delay, largest", share.everyoneNet, 1, 7},
		{"everyone less the send delay, smallest", share.everyoneNet, 0.01, 3.9},
		{"arrival less the send delay, largest", share.arrivalNet, 1, 7},
		{"arrival, largest", tr.arrival, 1, 11},
	} {
		// The histogram keeps about 1.5 % of resolution.
		if got := ms(c.h.quantile(c.q)); math.Abs(got-c.want) > 0.02*c.want {
			t.Errorf("%s: %v ms, want %v", c.name, got, c.want)
		}
	}
	if n := tr.everyone.count(); n != 3 {
		t.Errorf("%d edits reached everyone, want 3", n)
	}
}

// TestMovedJudgesRealQuantiles checks that the generator's share is judged
// on a p99 only when some edit lies above it: with 28 edits the p99 is the
// slowest one, which one late send moves; with 200, a share that moves
// the p99 beyond the bars marks the step, and one below them does not.
func TestMovedJudgesRealQuantiles(t *testing.T) {
	figures := func(n int, late int, by time.Duration) (*durHist, *durHist) {
		figure, net := newDurHist(), newDurHist()
		for i := range n {
			d := 5*time.Millisecond + time.Duration(i)*time.Microsecond
			net.record(d)
			if i >= n-late {
				d += by
			}
			figure.record(d)
		}
		return figure, net
	}
	for _, tt := range []struct {
		name     string
		n, late  int
		by       time.Duration
		want     bool
		wantWhat string
	}{
		{"one late edit of 28", 28, 1, 2 * time.Millisecond, false, "the p99 of 28 edits is their slowest"},
		{"ten late edits of 200", 200, 10, 2 * time.Millisecond, true, "the share moves a p99 resting on 200 edits by 2 ms"},
		{"ten slightly late edits of 200", 200, 10, 300 * time.Microsecond, false, "0.3 ms is under the 1 ms bar"},
	} {
		figure, net := figures(tt.n, tt.late, tt.by)
		if got := moved(figure, net, 0.99); got != tt.want {
			t.Errorf("%s: moved = %v, want %v (%s)", tt.name, got, tt.want, tt.wantWhat)
		}
	}
}
