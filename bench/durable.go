package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"tawla/client"
	"tawla/demo"
	"tawla/workspace/change"
	"tawla/workspace/sqlite"
)

// The durable step: the automerge-paper trace pushed through the whole
// authority path of a real `tawla serve` — websocket, decoding, rebasing,
// the room, one SQLite transaction per batch (synchronous=FULL, or NORMAL
// with the benchmark's -synchronous normal), the
// broadcast, the acknowledgement — by one Go client typing as fast as
// acknowledgements allow. Every update is committed before it is
// acknowledged, so acknowledged updates per second is the document's
// durable throughput.

func init() {
	register(Step{Name: "durable", Run: runDurable})
}

// durableWindow is how many unacknowledged updates the typist allows
// itself: it types as fast as it can, and waits for an acknowledgement
// whenever that many are waiting. Two full pushes (the client sends at
// most client.DefaultMaxUpdatesPerPush at a time) keep the server busy:
// one in flight, the next ready behind it.
const durableWindow = 2 * client.DefaultMaxUpdatesPerPush

// durableQuickEdits is how many transactions the quick run pushes.
const durableQuickEdits = 50_000

func runDurable(ctx context.Context, env *Env, rep *Report) error {
	const name = "automerge-paper"
	tr, err := LoadTrace(env, name)
	if err != nil {
		return err
	}
	limit := 0
	if env.Quick {
		limit = durableQuickEdits
	}
	w, err := buildWire(tr, limit)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	for _, setting := range env.Synchronous {
		if err := runDurableUnder(ctx, env, rep, name, w, setting); err != nil {
			return fmt.Errorf("synchronous=%s: %w", setting, err)
		}
	}
	return nil
}

// runDurableUnder runs the durable step against a server with the
// durability setting (tawla serve -synchronous). Under full, the default,
// its figures are named durable.*; under another setting,
// durable.<setting>.* (durable.normal.updates_per_second).
func runDurableUnder(ctx context.Context, env *Env, rep *Report, name string, w *wireTrace, setting string) error {
	prefix, label, logName := "durable", "", "durable"
	if setting != string(sqlite.SynchronousFull) {
		prefix, label, logName = "durable."+setting, "[synchronous="+setting+"] ", "durable-"+setting
	}
	proc, err := StartTawla(ctx, env, logName, "-synchronous", setting)
	if err != nil {
		return err
	}
	defer proc.Stop()
	base := "http://" + proc.Addr
	sess, err := client.Login(ctx, base, demo.MemberEmail, demo.Password)
	if err != nil {
		return err
	}
	if err := proc.Restart(ctx, env); err != nil {
		return err
	}

	// The disk's sync times vary from run to run: the figures are those of
	// the median run (by throughput), each on a new document.
	runs := durableRuns
	var all []durableRun
	var peakRSS int64
	for i := 0; i < runs; i++ {
		docID, err := CreateTawlaDocument(ctx, proc, fmt.Sprintf("Benchmark: durable replay %d of %s", i+1, name), w.start)
		if err != nil {
			return err
		}
		before, err := proc.Usage()
		if err != nil {
			return err
		}
		stopWatch := proc.WatchRSS(20 * time.Millisecond)
		res, err := durableReplay(ctx, sess, docID, w.sets, durableWindow)
		peakRSS = max(peakRSS, stopWatch())
		if err != nil {
			return err
		}
		after, err := proc.Usage()
		if err != nil {
			return err
		}
		if err := checkDocument(ctx, sess, proc, docID, w.want, len(w.sets)); err != nil {
			return err
		}
		all = append(all, durableRun{durableResult: res, cpu: after.CPU - before.CPU})
	}
	slices.SortFunc(all, func(a, b durableRun) int { return cmp.Compare(a.elapsed, b.elapsed) })
	res := all[len(all)/2]

	n := len(w.sets)
	rate := float64(n) / res.elapsed.Seconds()
	pushP := percentiles(res.pushLatency, 0.5, 0.99)
	updP := percentiles(res.updateLatency, 0.5, 0.99)
	cpu := 100 * res.cpu.Seconds() / res.elapsed.Seconds()
	cpuPerUpdate := float64(res.cpu.Microseconds()) / float64(n)
	rep.Set(prefix+".runs", float64(runs))
	rep.Set(prefix+".updates", float64(n))
	rep.Set(prefix+".seconds", res.elapsed.Seconds())
	rep.Set(prefix+".updates_per_second", rate)
	rep.Set(prefix+".updates_per_second_min", float64(n)/all[len(all)-1].elapsed.Seconds())
	rep.Set(prefix+".updates_per_second_max", float64(n)/all[0].elapsed.Seconds())
	rep.Set(prefix+".pushes", float64(len(res.pushLatency)))
	rep.Set(prefix+".updates_per_push", float64(n)/float64(len(res.pushLatency)))
	rep.Set(prefix+".push_p50_ms", ms(pushP[0]))
	rep.Set(prefix+".push_p99_ms", ms(pushP[1]))
	rep.Set(prefix+".update_p50_ms", ms(updP[0]))
	rep.Set(prefix+".update_p99_ms", ms(updP[1]))
	rep.Set(prefix+".server_cpu_percent", cpu)
	rep.Set(prefix+".server_cpu_us_per_update", cpuPerUpdate)
	rep.Set(prefix+".server_peak_rss_bytes", float64(peakRSS))
	rep.Row("durable", fmt.Sprintf("%s%s: %d updates, each committed before its ack (median of %d runs)", label, name, n, runs),
		fmt.Sprintf("%.0f acknowledged updates/s (runs: %.0f to %.0f)", rate,
			float64(n)/all[len(all)-1].elapsed.Seconds(), float64(n)/all[0].elapsed.Seconds()))
	rep.Row("durable", label+"commit latency per push (sent → doc.pushed), p50 / p99",
		fmt.Sprintf("%.1f / %.1f ms (%.0f updates/push)", ms(pushP[0]), ms(pushP[1]), float64(n)/float64(len(res.pushLatency))))
	rep.Row("durable", label+"latency per update (typed → acknowledged), p50 / p99",
		fmt.Sprintf("%.1f / %.1f ms", ms(updP[0]), ms(updP[1])))
	rep.Row("durable", label+"server CPU (busy share, per update); highest server RSS", fmt.Sprintf("%.0f %%, %.1f µs; %s",
		cpu, cpuPerUpdate, sizeString(uint64(peakRSS))))
	return nil
}

// durableRuns is how many times the trace (its first durableQuickEdits
// transactions in the quick run) is replayed.
const durableRuns = 3

// durableRun is one replay and the server CPU it took.
type durableRun struct {
	durableResult
	cpu time.Duration
}

// durableResult is what one durable replay measured.
type durableResult struct {
	elapsed       time.Duration   // from the first edit to the last acknowledgement
	pushLatency   []time.Duration // per push: sent → doc.pushed handled
	updateLatency []time.Duration // per update: applied locally → its push acknowledged
}

// durableReplay types sets into the document as one editor, never more
// than window updates ahead of the acknowledgements, and waits until the
// last is acknowledged. Any error from the server fails the replay.
func durableReplay(ctx context.Context, sess *client.Session, docID int64, sets []change.Set, window int) (durableResult, error) {
	var res durableResult
	conn, err := sess.Dial(ctx)
	if err != nil {
		return res, err
	}
	made := make([]time.Time, len(sets)) // made[i] is when the update of seq i+1 was applied
	res.updateLatency = make([]time.Duration, len(sets))
	var (
		mu       sync.Mutex
		lastAck  time.Time
		failure  error
		ackedSeq atomic.Int64
	)
	wake := make(chan struct{}, 1)
	signal := func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	opts := client.Options{
		ClientID: "durable-replay",
		OnPushed: func(p client.PushInfo) {
			mu.Lock()
			res.pushLatency = append(res.pushLatency, p.Acked.Sub(p.Sent))
			for s := p.FirstSeq; s <= p.LastSeq; s++ {
				res.updateLatency[s-1] = p.Acked.Sub(made[s-1])
			}
			lastAck = p.Acked
			mu.Unlock()
			ackedSeq.Store(p.LastSeq)
			signal()
		},
		OnError: func(err error) {
			mu.Lock()
			if failure == nil {
				failure = err
			}
			mu.Unlock()
			signal()
		},
	}
	ed, err := client.Open(ctx, conn, docID, opts)
	if err != nil {
		return res, err
	}
	defer ed.Close()
	failed := func() error {
		mu.Lock()
		defer mu.Unlock()
		return failure
	}

	start := time.Now()
	for i, set := range sets {
		for int64(i)-ackedSeq.Load() >= int64(window) {
			if err := failed(); err != nil {
				return res, err
			}
			select {
			case <-wake:
			case <-ctx.Done():
				return res, ctx.Err()
			}
		}
		made[i] = time.Now()
		if err := ed.Apply(set); err != nil {
			return res, fmt.Errorf("edit %d: %w", i, err)
		}
	}
	syncCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := ed.Sync(syncCtx); err != nil {
		if f := failed(); f != nil {
			err = errors.Join(err, f)
		}
		return res, fmt.Errorf("waiting for the last acknowledgement: %w", err)
	}
	if err := failed(); err != nil {
		return res, err
	}
	mu.Lock()
	res.elapsed = lastAck.Sub(start)
	mu.Unlock()
	return res, nil
}

// checkDocument checks, twice, that the document holds want at version:
// as a new editor receives it (doc.state), and as the store rebuilds it
// from the committed snapshot and updates.
func checkDocument(ctx context.Context, sess *client.Session, proc *Proc, docID int64, want string, version int) error {
	conn, err := sess.Dial(ctx)
	if err != nil {
		return err
	}
	ed, err := client.Open(ctx, conn, docID, client.Options{})
	if err != nil {
		return err
	}
	got, gotVersion := ed.Text(), ed.Version()
	ed.Close()
	if got != want {
		return fmt.Errorf("a new editor's text differs from the trace's: %s", firstDifference(got, want))
	}
	if gotVersion != version {
		return fmt.Errorf("a new editor is at version %d, want %d", gotVersion, version)
	}
	text, storedVersion, err := storedText(ctx, proc.Data, docID)
	if err != nil {
		return err
	}
	if text != want {
		return fmt.Errorf("the stored text differs from the trace's: %s", firstDifference(text, want))
	}
	if storedVersion != version {
		return fmt.Errorf("the store has version %d, want %d", storedVersion, version)
	}
	return nil
}

// storedText rebuilds a document's text from its latest committed snapshot
// and the updates after it, reading the server's database file.
func storedText(ctx context.Context, path string, docID int64) (string, int, error) {
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return "", 0, err
	}
	defer db.Close()
	doc, snap, updates, err := db.LoadDocument(ctx, docID)
	if err != nil {
		return "", 0, err
	}
	text := change.NewText(snap.Content)
	for _, u := range updates {
		set, err := change.ParseJSON([]byte(u.Changes))
		if err != nil {
			return "", 0, fmt.Errorf("stored update %d: %w", u.Version, err)
		}
		if err := set.Apply(&text); err != nil {
			return "", 0, fmt.Errorf("stored update %d: %w", u.Version, err)
		}
	}
	return text.String(), doc.Version, nil
}

// percentiles returns the given quantiles (0..1) of ds, nearest rank.
func percentiles(ds []time.Duration, qs ...float64) []time.Duration {
	out := make([]time.Duration, len(qs))
	if len(ds) == 0 {
		return out
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	for i, q := range qs {
		k := int(math.Ceil(q*float64(len(s)))) - 1
		out[i] = s[min(max(k, 0), len(s)-1)]
	}
	return out
}
