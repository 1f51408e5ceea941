package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
)

// TestPeersSmoke runs each peer server for real: three authors make 50
// edits each at once, a full reader and a counting reader watch, and every
// edit must be acknowledged to its author and arrive at the four others,
// and the authors and the full reader must end with one text. Then each author deletes alone, to cover edits
// that only delete. Skipped without Node and bench/peers installed
// (make bench-peers), unless TAWLA_BENCH=1.
func TestPeersSmoke(t *testing.T) {
	peersInstalled(t)
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []Driver{&sharedbDriver{}, &yjsDriver{}} {
		t.Run(d.Name(), func(t *testing.T) { smokeDriver(t, root, d) })
	}
}

// smokeLog counts what the editors report.
type smokeLog struct {
	mu      sync.Mutex
	sent    map[EditID]time.Time
	acked   map[EditID][]time.Duration
	arrived map[EditID][]time.Duration
	synced  int
	errs    []error
}

func (l *smokeLog) handlers() Handlers {
	since := func(id EditID, at time.Time) time.Duration {
		return at.Sub(l.sent[id])
	}
	return Handlers{
		Synced: func(time.Time) { l.mu.Lock(); l.synced++; l.mu.Unlock() },
		Acked: func(id EditID, at time.Time) {
			l.mu.Lock()
			l.acked[id] = append(l.acked[id], since(id, at))
			l.mu.Unlock()
		},
		Arrived: func(id EditID, at time.Time) {
			l.mu.Lock()
			l.arrived[id] = append(l.arrived[id], since(id, at))
			l.mu.Unlock()
		},
		Failed: func(err error) { l.mu.Lock(); l.errs = append(l.errs, err); l.mu.Unlock() },
	}
}

// complete reports whether every edit sent was acknowledged once and
// arrived at others editors.
func (l *smokeLog) complete(others int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for id := range l.sent {
		if len(l.acked[id]) != 1 || len(l.arrived[id]) != others {
			return false
		}
	}
	return true
}

func smokeDriver(t *testing.T, root string, d Driver) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	env := &Env{Root: root, Work: t.TempDir()}
	if err := d.Start(ctx, env); err != nil {
		t.Fatal(err)
	}
	defer d.Stop()
	doc, err := d.CreateDoc(ctx, "Hello, world. Bonjour 😀 !\n")
	if err != nil {
		t.Fatal(err)
	}
	log := &smokeLog{sent: map[EditID]time.Time{}, acked: map[EditID][]time.Duration{}, arrived: map[EditID][]time.Duration{}}
	const authors, edits = 3, 50
	var eds []SimEditor
	// The authors, a full reader and a counting reader.
	for i := range authors + 2 {
		role := Author
		switch i {
		case authors:
			role = Reader
		case authors + 1:
			role = Counter
		}
		e, err := d.Open(ctx, doc, role, log.handlers())
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		eds = append(eds, e)
	}
	if log.synced != len(eds) {
		t.Fatalf("%d editors synced, want %d", log.synced, len(eds))
	}
	if got := eds[0].Text(); got != "Hello, world. Bonjour 😀 !\n" {
		t.Fatalf("text after opening = %q", got)
	}

	edit := func(e SimEditor, id EditID, pos, del int, ins string) {
		log.mu.Lock()
		log.sent[id] = time.Now()
		log.mu.Unlock()
		if err := e.Edit(id, pos, del, ins); err != nil {
			t.Errorf("edit %v: %v", id, err)
		}
	}
	var wg sync.WaitGroup
	for a := range authors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(a), 1))
			for n := 1; n <= edits; n++ {
				length := eds[a].Len()
				pos := r.IntN(length + 1)
				del := 0
				if r.IntN(3) == 0 {
					del = r.IntN(4)
				}
				edit(eds[a], EditID{a, n}, pos, del, randText(r, 1+r.IntN(3)))
				time.Sleep(time.Duration(r.IntN(3000)) * time.Microsecond)
			}
		}()
	}
	wg.Wait()
	waitFor(t, func() bool { return log.complete(authors + 1) })

	// Deletes only, one author at a time so that no two overlap.
	for a := range authors {
		id := EditID{a, edits + 1}
		edit(eds[a], id, 2, 3, "")
		waitFor(t, func() bool { return log.complete(authors + 1) })
	}

	want := eds[0].Text()
	if n, text := eds[authors+1].Len(), eds[authors+1].Text(); n != -1 || text != "" {
		t.Errorf("the counting reader holds %d units, %q: it should hold no text", n, text)
	}
	for i, e := range eds[:authors+1] {
		if got := e.Text(); got != want {
			t.Errorf("editor %d has %q, editor 0 %q", i, got, want)
		}
		if n := len(utf16.Encode([]rune(want))); e.Len() != n {
			t.Errorf("editor %d: Len = %d, the text has %d UTF-16 units", i, e.Len(), n)
		}
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	for _, err := range log.errs {
		t.Errorf("editor failed: %v", err)
	}
	var acks, arrivals []time.Duration
	for _, v := range log.acked {
		acks = append(acks, v...)
	}
	for _, v := range log.arrived {
		arrivals = append(arrivals, v...)
	}
	t.Logf("%s: %d edits, %d acks (p50 %v, max %v), %d arrivals (p50 %v, max %v), final text %d UTF-16 units",
		d.Name(), len(log.sent), len(acks), quantile(acks, 0.5), quantile(acks, 1), len(arrivals), quantile(arrivals, 0.5), quantile(arrivals, 1), eds[0].Len())
}

// waitFor polls done for up to 30 seconds.
func waitFor(t *testing.T, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting for acknowledgements and arrivals")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func quantile(ds []time.Duration, q float64) string {
	if len(ds) == 0 {
		return "-"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return fmt.Sprint(s[int(q*float64(len(s)-1))].Round(time.Microsecond))
}
