package collab

import (
	"testing"
	"time"
)

// TestTurnPace follows a room from quiet to busy and back: a quiet room
// takes a push at once; once pushes come close together for a room of its
// size, a turn waits for the room's gap after the last, which grows with
// the cube of its load up to turnEvery; a room with few connections
// never waits; after a few long gaps, the room is quiet again.
func TestTurnPace(t *testing.T) {
	const conns = 150 // busy when pushes come less than 15 ms apart
	var p turnPace
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	if p.busy(conns) || !p.start(at, conns).Equal(at) {
		t.Fatal("a room that never had a push holds one")
	}
	pushes := 0
	for ; !p.busy(conns); pushes++ {
		if pushes > 200 {
			t.Fatal("still quiet after 200 pushes 4 ms apart")
		}
		if got := p.start(at, conns); !got.Equal(at) {
			t.Fatalf("push %d of a quiet room starts a turn %v late, want at once", pushes, got.Sub(at))
		}
		p.pushed(at)
		p.began(at)
		at = at.Add(4 * time.Millisecond)
	}
	if pushes < 10 {
		t.Fatalf("busy after %d pushes, want a few dozen", pushes)
	}
	if p.busy(10) {
		t.Fatalf("a room of 10 connections is busy with pushes %v apart", p.meanGap)
	}
	if got := p.start(at, 10); !got.Equal(at) {
		t.Fatalf("a room of 10 connections holds a push %v", got.Sub(at))
	}
	// Pushes 4 ms apart to 150 connections would be 37,500 writes a
	// second: the gap is turnEvery × (37,500 / fullWrites)³, give or take
	// the moving average's lag.
	load := float64(conns) / p.meanGap.Seconds() / fullWrites
	gap := p.gap(conns)
	if want := time.Duration(float64(turnEvery) * load * load * load); gap != want || gap <= 0 || gap >= turnEvery/2 {
		t.Fatalf("a room of %d connections with pushes %v apart keeps %v between turns, want %v, under half of %v", conns, p.meanGap, gap, want, turnEvery)
	}
	last := p.lastTurn
	if got := p.start(last.Add(gap/2), conns); !got.Equal(last.Add(gap)) {
		t.Fatalf("a push half a gap after a busy room's turn starts the next %v after it, want %v", got.Sub(last), gap)
	}
	// A larger room, as loaded, keeps a longer gap; one whose load is over
	// fullWrites keeps turnEvery.
	if bigger := p.gap(2 * conns); bigger <= gap {
		t.Fatalf("a room of %d connections keeps %v, no more than one of %d (%v)", 2*conns, bigger, conns, gap)
	}
	if got := p.gap(10 * conns); got != turnEvery {
		t.Fatalf("a room of %d connections with pushes %v apart keeps %v, want %v", 10*conns, p.meanGap, got, turnEvery)
	}
	// A push after the turn's time goes at once, busy or not.
	later := last.Add(gap + time.Millisecond)
	if got := p.start(later, conns); !got.Equal(later) {
		t.Fatalf("a push %v after the last turn waits %v, want none", later.Sub(last), got.Sub(later))
	}
	// Pushes still 4 ms apart, gathered four to a turn, keep it busy.
	for range 50 {
		p.pushed(at)
		if next := p.start(at, conns); !next.After(at) {
			p.began(at)
		}
		at = at.Add(4 * time.Millisecond)
	}
	if !p.busy(conns) {
		t.Fatalf("pushes 4 ms apart made the room quiet (mean gap %v)", p.meanGap)
	}
	// Long gaps make it quiet again.
	for range 5 {
		at = at.Add(300 * time.Millisecond)
		p.pushed(at)
		p.began(at)
	}
	if p.busy(conns) {
		t.Fatalf("still busy after gaps of 300 ms (mean gap %v)", p.meanGap)
	}
	next := at.Add(time.Millisecond)
	if got := p.start(next, conns); !got.Equal(next) {
		t.Fatalf("a quiet room again holds a push %v", got.Sub(next))
	}
}
