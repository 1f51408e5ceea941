package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"slices"
	"sort"
	"time"
	"unicode/utf8"

	"tawla/workspace/change"
)

// The replay step: real editing traces played through the server's
// document engine (package change) as the updates would arrive from
// clients — decode the change set's JSON, rebase it (over nothing: a trace
// is sequential), apply it to the text — timed without any network or
// storage. The final text must be the trace's endContent.

func init() {
	register(Step{Name: "replay", Run: runReplay})
}

// replayTraces are the sequential traces the replay step plays.
var replayTraces = []string{"automerge-paper", "seph-blog1"}

// quickEdits is how many transactions of each trace the quick run plays.
const quickEdits = 50_000

func runReplay(ctx context.Context, env *Env, rep *Report) error {
	reps := 5
	if env.Quick {
		reps = 3
	}
	for _, name := range replayTraces {
		if err := ctx.Err(); err != nil {
			return err
		}
		tr, err := LoadTrace(env, name)
		if err != nil {
			return err
		}
		limit := 0
		if env.Quick {
			limit = quickEdits
		}
		w, err := buildWire(tr, limit)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		var splice time.Duration
		if name == "automerge-paper" {
			if splice, err = measureSplice(tr, limit, w.want, reps); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		// Only the messages stay: the heap the replay starts from is
		// small, and the forced collections of the memory run are quick.
		tr, w.sets = nil, nil
		res, err := measureReplay(w, reps)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		prefix := "replay." + name + "."
		rep.Set(prefix+"edits", float64(len(w.messages)))
		rep.Set(prefix+"total_ms", ms(res.total))
		rep.Set(prefix+"ns_per_edit", float64(res.total.Nanoseconds())/float64(len(w.messages)))
		rep.Set(prefix+"allocs", float64(res.allocs))
		rep.Set(prefix+"allocs_per_edit", float64(res.allocs)/float64(len(w.messages)))
		rep.Set(prefix+"alloc_bytes", float64(res.allocBytes))
		rep.Set(prefix+"peak_live_bytes", float64(res.peakLive))
		rep.Set(prefix+"text_units", float64(res.units))
		rep.Row("replay", fmt.Sprintf("%s: %d edits, decode+rebase+apply", name, len(w.messages)),
			fmt.Sprintf("%.1f ms (%.0f ns/edit)", ms(res.total), float64(res.total.Nanoseconds())/float64(len(w.messages))))
		rep.Row("replay", name+": allocations; peak live heap",
			fmt.Sprintf("%d (%.1f/edit, %s); %s", res.allocs, float64(res.allocs)/float64(len(w.messages)),
				sizeString(res.allocBytes), sizeString(res.peakLive)))
		if splice > 0 {
			rep.Set(prefix+"splice_ms", ms(splice))
			rep.Row("replay", name+": bare byte splice (baseline)", fmt.Sprintf("%.1f ms", ms(splice)))
		}
	}
	return nil
}

// wireTrace is a trace prepared as clients would send it: one change set
// per transaction, in CodeMirror's JSON, with positions in UTF-16 units.
type wireTrace struct {
	start    string
	messages [][]byte     // the changes of each transaction, as JSON
	sets     []change.Set // the same change sets, parsed
	want     string       // the text after the last message
}

// buildWire converts the first limit transactions of a sequential trace
// (all when limit is 0) into change sets. Trace positions count code
// points and the engine counts UTF-16 units: the conversion follows the
// text's characters outside the Basic Multilingual Plane, which take two
// units. want is endContent for the whole trace, the text a plain splice
// replay gives for a prefix.
func buildWire(t *Trace, limit int) (*wireTrace, error) {
	if t.Kind != "" && t.Kind != "sequential" {
		return nil, fmt.Errorf("trace kind %q is not sequential", t.Kind)
	}
	txns := t.Txns
	if limit > 0 && limit < len(txns) {
		txns = txns[:limit]
	}
	w := &wireTrace{start: t.StartContent, messages: make([][]byte, 0, len(txns)), sets: make([]change.Set, 0, len(txns))}
	pos := newUnitMap(t.StartContent)
	for i, txn := range txns {
		var set change.Set
		for j, p := range txn.Patches {
			if p.Pos < 0 || p.Delete < 0 || p.Pos+p.Delete > pos.runes {
				return nil, fmt.Errorf("transaction %d patch %d: [%d, %d] is outside a %d-character text", i, j, p.Pos, p.Delete, pos.runes)
			}
			from, to := pos.units(p.Pos), pos.units(p.Pos+p.Delete)
			one, err := change.Of(pos.length(), change.Spec{From: from, To: to, Insert: p.Insert})
			if err != nil {
				return nil, fmt.Errorf("transaction %d patch %d: %w", i, j, err)
			}
			if j == 0 {
				set = one
			} else if set, err = set.Compose(one); err != nil {
				return nil, fmt.Errorf("transaction %d patch %d: %w", i, j, err)
			}
			pos.splice(p.Pos, p.Delete, p.Insert)
		}
		if len(txn.Patches) == 0 || set.Empty() {
			continue // nothing a client would send
		}
		js, err := set.MarshalJSON()
		if err != nil {
			return nil, fmt.Errorf("transaction %d: %w", i, err)
		}
		w.messages = append(w.messages, js)
		w.sets = append(w.sets, set)
	}
	if len(txns) == len(t.Txns) {
		w.want = t.EndContent
	} else {
		w.want = spliceReplay(t.StartContent, txns)
	}
	return w, nil
}

// unitMap converts code-point positions of a text being edited into
// UTF-16 positions. It keeps only the text's length and where its
// characters outside the Basic Multilingual Plane are (two units each),
// which is all the conversion needs.
type unitMap struct {
	runes  int   // the text's length in code points
	astral []int // code-point positions of the two-unit characters, sorted
}

func newUnitMap(s string) *unitMap {
	m := &unitMap{}
	m.splice(0, 0, s)
	return m
}

// units returns the UTF-16 position of code-point position p.
func (m *unitMap) units(p int) int {
	return p + sort.SearchInts(m.astral, p)
}

// length returns the text's length in UTF-16 units.
func (m *unitMap) length() int { return m.runes + len(m.astral) }

// splice records that del code points at pos were replaced by ins.
func (m *unitMap) splice(pos, del int, ins string) {
	n := utf8.RuneCountInString(ins)
	lo := sort.SearchInts(m.astral, pos)
	hi := sort.SearchInts(m.astral, pos+del)
	var added []int
	i := pos
	for _, r := range ins {
		if r > 0xFFFF {
			added = append(added, i)
		}
		i++
	}
	for k := hi; k < len(m.astral); k++ {
		m.astral[k] += n - del
	}
	m.astral = slices.Replace(m.astral, lo, hi, added...)
	m.runes += n - del
}

// spliceReplay applies the patches of txns to start as
// Array.prototype.splice would, in code points, and returns the text: the
// reference the engine's result is checked against.
func spliceReplay(start string, txns []TxnIn) string {
	var g runeGap
	g.insert(0, []rune(start))
	for _, txn := range txns {
		for _, p := range txn.Patches {
			g.delete(p.Pos, p.Delete)
			g.insert(p.Pos, []rune(p.Insert))
		}
	}
	return g.String()
}

// runeGap is a gap buffer of code points: a plain splice replay that does
// not copy the whole text on every edit.
type runeGap struct {
	buf        []rune
	start, end int // the gap
}

func (g *runeGap) moveGap(p int) {
	if p < g.start {
		n := g.start - p
		copy(g.buf[g.end-n:g.end], g.buf[p:g.start])
		g.start, g.end = p, g.end-n
	} else if p > g.start {
		n := p - g.start
		copy(g.buf[g.start:], g.buf[g.end:g.end+n])
		g.start, g.end = p, g.end+n
	}
}

func (g *runeGap) delete(p, n int) {
	g.moveGap(p)
	g.end += n
}

func (g *runeGap) insert(p int, rs []rune) {
	g.moveGap(p)
	if g.end-g.start < len(rs) {
		size := 2*len(g.buf) + len(rs) + 1024
		buf := make([]rune, size)
		copy(buf, g.buf[:g.start])
		tail := len(g.buf) - g.end
		copy(buf[size-tail:], g.buf[g.end:])
		g.buf, g.end = buf, size-tail
	}
	g.start += copy(g.buf[g.start:], rs)
}

func (g *runeGap) String() string {
	return string(g.buf[:g.start]) + string(g.buf[g.end:])
}

// replayResult is what measureReplay found.
type replayResult struct {
	total      time.Duration // median of the timed runs
	allocs     uint64        // heap allocations of one run
	allocBytes uint64        // bytes allocated by one run
	peakLive   uint64        // highest live heap during a run, above the heap before it
	units      int           // the final text's length in UTF-16 units
}

// liveEvery is how many edits apart the memory run measures the live
// heap.
const liveEvery = 10_000

// measureReplay plays the messages through the engine reps times and
// returns the median time, then once more, untimed, measuring the live
// heap (after a forced collection) every liveEvery edits and at the end:
// what the engine holds, whatever the collector's pace. Every run's final
// text must be w.want.
func measureReplay(w *wireTrace, reps int) (replayResult, error) {
	var res replayResult
	times := make([]time.Duration, 0, reps)
	for i := 0; i < reps; i++ {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		text, err := engineReplay(w, nil)
		d := time.Since(start)
		runtime.ReadMemStats(&after)
		if err != nil {
			return res, err
		}
		if got := text.String(); got != w.want {
			return res, fmt.Errorf("the engine's final text differs from the expected one: %s", firstDifference(got, w.want))
		}
		times = append(times, d)
		res.allocs, res.allocBytes, res.units = after.Mallocs-before.Mallocs, after.TotalAlloc-before.TotalAlloc, text.Len()
	}
	res.total = median(times)

	runtime.GC()
	base := heapObjects()
	peak := base
	live := func() {
		runtime.GC()
		peak = max(peak, heapObjects())
	}
	text, err := engineReplay(w, func(i int) {
		if (i+1)%liveEvery == 0 {
			live()
		}
	})
	if err != nil {
		return res, err
	}
	live()
	runtime.KeepAlive(text)
	res.peakLive = peak - base
	return res, nil
}

// engineReplay is the timed work: each message decoded as the server
// decodes a pushed update, rebased over the updates accepted since its
// base version (none: the trace is sequential, each edit based on the one
// before), and applied to the text. each, when not nil, is called after
// every edit.
func engineReplay(w *wireTrace, each func(i int)) (change.Text, error) {
	text := change.NewText(w.start)
	updates := make([]change.Update, 1)
	for i, msg := range w.messages {
		set, err := change.ParseJSON(msg)
		if err != nil {
			return text, fmt.Errorf("edit %d: %w", i, err)
		}
		updates[0] = change.Update{Changes: set, ClientID: "replay"}
		rebased, err := change.Rebase(updates, nil)
		if err != nil {
			return text, fmt.Errorf("edit %d: %w", i, err)
		}
		for _, u := range rebased {
			if err := u.Changes.Apply(&text); err != nil {
				return text, fmt.Errorf("edit %d: %w", i, err)
			}
		}
		if each != nil {
			each(i)
		}
	}
	return text, nil
}

// heapObjects returns the bytes of heap objects, live or not yet swept
// (only live ones right after runtime.GC), without stopping the world.
func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// measureSplice times the bare baseline: the patches applied to a byte
// slice with a copy of the text after each position, as a plain array
// splice does, without any encoding. It needs an ASCII trace, where code
// points are bytes. It returns the median of reps runs.
func measureSplice(t *Trace, limit int, want string, reps int) (time.Duration, error) {
	txns := t.Txns
	if limit > 0 && limit < len(txns) {
		txns = txns[:limit]
	}
	size := len(t.StartContent)
	for _, txn := range txns {
		for _, p := range txn.Patches {
			if !isASCII(p.Insert) {
				return 0, fmt.Errorf("the byte splice baseline needs an ASCII trace")
			}
			size += len(p.Insert)
		}
	}
	times := make([]time.Duration, 0, reps)
	for i := 0; i < reps; i++ {
		runtime.GC()
		start := time.Now()
		buf := make([]byte, len(t.StartContent), size)
		copy(buf, t.StartContent)
		for _, txn := range txns {
			for _, p := range txn.Patches {
				buf = byteSplice(buf, p.Pos, p.Delete, p.Insert)
			}
		}
		times = append(times, time.Since(start))
		if string(buf) != want {
			return 0, fmt.Errorf("the byte splice's final text differs from the expected one: %s", firstDifference(string(buf), want))
		}
	}
	return median(times), nil
}

// byteSplice replaces del bytes at pos with ins, moving the tail in place;
// buf has room for the growth.
func byteSplice(buf []byte, pos, del int, ins string) []byte {
	n := len(buf) - del + len(ins)
	tail := buf[pos+del:]
	buf = buf[:max(n, len(buf))]
	copy(buf[pos+len(ins):], tail)
	copy(buf[pos:], ins)
	return buf[:n]
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// firstDifference describes where two texts part, for error messages.
func firstDifference(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	excerpt := func(s string) string {
		end := min(len(s), i+40)
		return fmt.Sprintf("%q", s[i:end])
	}
	return fmt.Sprintf("%d bytes against %d, first difference at byte %d: got %s, want %s", len(got), len(want), i, excerpt(got), excerpt(want))
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

// sizeString writes a byte count with a binary unit.
func sizeString(n uint64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
