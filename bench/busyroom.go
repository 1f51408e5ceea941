package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"
)

func init() { register(Step{Name: "busyroom", Run: runBusyRoom}) }

// The busy room: N authors type into one document at a steady rate while
// R readers follow it, every one of them a real websocket connection on
// loopback, against every registered driver with the same load. Names in
// results.json are
//
//	busyroom.<driver>.authors<N>.readers<R>.<measure>
//
// with the measures listed in docs/benchmarks.md (ack_p50_ms,
// arrival_p99_ms, everyone_p99_ms, deliveries_per_s, server_cpu_pct, …),
// then per driver and reader count busyroom.<driver>.readers<R>.max_authors
// (the largest N whose arrival p95 stayed under 100 ms), and the
// comparisons busyroom.ratio.*.
const (
	// roomRate is each author's typing rate, in edits per second.
	roomRate = 5
	// roomStopP95 and roomStopErrors end a series (growing N at a fixed
	// reader count): the next N would only be worse.
	roomStopP95    = 2 * time.Second
	roomStopErrors = 5.0 // percent of the edits
	// roomFastP95 is the bar for "the largest N with p95 under 100 ms".
	roomFastP95 = 100 * time.Millisecond
	// roomStartText is about how much of the trace's final text the
	// document starts with.
	roomStartText = 4 << 10
	// roomOpenParallel bounds the editors being opened at once.
	roomOpenParallel = 8
	// A step is GENERATOR-BOUND when it measured the load generator
	// rather than the server (generatorBound, busyroom_generator.go): when
	// the generator's share of a figure is over roomBoundLag and over
	// roomBoundShare of it, when the authors typed fewer edits in the
	// window than their schedule put there by over roomBoundTyping of
	// them, when a receiving socket got over roomBoundFill full, or when
	// its core is over roomBoundCore percent busy (then everything on it
	// queues).
	roomBoundLag    = time.Millisecond
	roomBoundShare  = 0.10
	roomBoundTyping = 0.05
	// roomBoundFill is how full, as a share of its receive buffer, a
	// receiving socket of the generator may get before the server's
	// writes to it may have waited for the generator.
	roomBoundFill = 0.25
	roomBoundCore = 95.0
	// roomProbePeriod is the probe's sleep: it wakes every period and
	// records how late it woke. The probe says how long any goroutine of
	// the generator waits for the core; it is reported, not judged: what
	// such waits add to the figures is the generator's share.
	roomProbePeriod = time.Millisecond
	// roomForeignLoad is how much more busy than the server's own CPU use,
	// in points of percent, its core may be before the table says that
	// something else ran there (the kernel's share of loopback traffic
	// included).
	roomForeignLoad = 20.0
	// roomTargetAuthors and roomTargetReaders are the step whose p99
	// push-to-everyone latency is compared between servers.
	roomTargetAuthors, roomTargetReaders = 50, 100
	// roomCPUAuthors and roomCPUReaders are the step whose server CPU per
	// delivery issue 14 set a target for.
	roomCPUAuthors, roomCPUReaders = 100, 100
)

// roomPlan is what the busy room runs: the reader counts, and for each the
// author counts in increasing order; the timing of each step.
type roomPlan struct {
	authors, readers       []int
	warmup, measure, drain time.Duration
	// targetMeasure, when longer than measure, is the window of the step
	// the servers are compared at (roomTargetAuthors, roomTargetReaders):
	// its p99 is then that of some 2,500 edits instead of 750, the 25th
	// slowest rather than the 8th.
	targetMeasure time.Duration
	// targetWindows is how many windows each repeated step (roomRepeated)
	// has: its own in the series, and the others once every series has
	// run, the servers taking turns (busyroom_repeated.go). Its figures are
	// the medians of its windows', which one slow moment of the machine
	// moves less than a single window's.
	targetWindows int
	serverCPU     string // the servers' core, "" when not pinned
}

// window is the measured window of the step of n authors and readers.
func (p roomPlan) window(n, readers int) time.Duration {
	if n == roomTargetAuthors && readers == roomTargetReaders && p.targetMeasure > p.measure {
		return p.targetMeasure
	}
	return p.measure
}

// busyRoomPlan returns the full or the quick plan. For profiling one
// step, TAWLA_BUSYROOM_AUTHORS and TAWLA_BUSYROOM_READERS (comma-separated
// counts), TAWLA_BUSYROOM_SECONDS (the measured window) and
// TAWLA_BUSYROOM_WINDOWS (the windows of each repeated step, among the
// steps run) override it.
func busyRoomPlan(quick bool) (roomPlan, error) {
	plan := roomPlan{
		authors: []int{2, 10, 50, 100, 200}, readers: []int{0, 100, 500},
		warmup: time.Second, measure: 3 * time.Second, drain: 3 * time.Second,
		targetMeasure: 10 * time.Second, targetWindows: 3,
	}
	if quick {
		plan = roomPlan{
			authors: []int{2, 10, 50}, readers: []int{0, 100},
			warmup: 500 * time.Millisecond, measure: 2 * time.Second, drain: 2 * time.Second,
		}
	}
	for _, o := range []struct {
		env  string
		into *[]int
		min  int
	}{{"TAWLA_BUSYROOM_AUTHORS", &plan.authors, 2}, {"TAWLA_BUSYROOM_READERS", &plan.readers, 0}} {
		v := os.Getenv(o.env)
		if v == "" {
			continue
		}
		*o.into = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < o.min {
				return plan, fmt.Errorf("%s: %q is not a count of %d or more", o.env, f, o.min)
			}
			*o.into = append(*o.into, n)
		}
	}
	if v := os.Getenv("TAWLA_BUSYROOM_SECONDS"); v != "" {
		secs, err := strconv.ParseFloat(v, 64)
		if err != nil || secs <= 0 {
			return plan, fmt.Errorf("TAWLA_BUSYROOM_SECONDS: %q is not a duration in seconds", v)
		}
		plan.measure = time.Duration(secs * float64(time.Second))
		plan.targetMeasure, plan.targetWindows = 0, 0
	}
	if v := os.Getenv("TAWLA_BUSYROOM_WINDOWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return plan, fmt.Errorf("TAWLA_BUSYROOM_WINDOWS: %q is not a count of 1 or more", v)
		}
		plan.targetWindows = n
	}
	return plan, nil
}

func runBusyRoom(ctx context.Context, env *Env, rep *Report) error {
	if err := pinSelf(env.LoadCPU); err != nil {
		return err
	}
	plan, err := busyRoomPlan(env.Quick)
	if err != nil {
		return err
	}
	plan.serverCPU = env.ServerCPU
	trace, err := LoadTrace(env, "seph-blog1")
	if err != nil {
		return err
	}
	edits, start, err := roomWorkload(trace)
	if err != nil {
		return err
	}
	ds, err := roomDrivers(env.Synchronous)
	if err != nil {
		return err
	}
	all := map[string]map[[2]int]*roomResult{} // driver → (authors, readers) → result
	var names []string
	for _, d := range ds {
		name := d.Name()
		names = append(names, name)
		all[name] = map[[2]int]*roomResult{}
		if err := d.Start(ctx, env); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		err := func() error {
			defer d.Stop()
			for _, readers := range plan.readers {
				if err := runRoomSeries(ctx, env, d, plan, readers, edits, start, rep, all[name]); err != nil {
					return fmt.Errorf("%s, %d readers: %w", name, readers, err)
				}
			}
			return nil
		}()
		if err != nil {
			return err
		}
	}
	if err := runRepeatedWindows(ctx, env, ds, plan, all, edits, start, rep); err != nil {
		return err
	}
	compareRooms(rep, plan, names, all)
	return nil
}

// runRoomSeries runs the steps of one reader count, N growing, until one
// is too slow or fails too often. A step the server cannot even set up
// (a document or a connection refused, the server gone) counts as all
// errors and ends the series; the server is then started again for the
// next one. Only a server that cannot be started ends the benchmark.
func runRoomSeries(ctx context.Context, env *Env, d Driver, plan roomPlan, readers int, edits []Patch, start string, rep *Report, results map[[2]int]*roomResult) error {
	name := d.Name()
	maxN, lastN := 0, 0
	why := "ran to the end of the plan"
	defer func() {
		rep.Set(fmt.Sprintf("busyroom.%s.readers%d.max_authors", name, readers), float64(maxN))
		rep.Set(fmt.Sprintf("busyroom.%s.readers%d.largest_authors_run", name, readers), float64(lastN))
		if ctx.Err() == nil {
			rep.Row("busyroom", fmt.Sprintf("%s %d readers", name, readers), fmt.Sprintf("went to %d authors: %s", lastN, why))
		}
	}()
	for _, n := range plan.authors {
		lastN = n
		began := time.Now()
		res, err := runRoomStep(ctx, d, plan, n, readers, edits, start)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: busyroom %s %da+%dr failed after %.1f s: %v\n", name, n, readers, time.Since(began).Seconds(), err)
			rep.Set(fmt.Sprintf("busyroom.%s.authors%d.readers%d.errors_pct", name, n, readers), 100)
			rep.Row("busyroom", fmt.Sprintf("%s %da+%dr", name, n, readers), "FAILED: "+err.Error())
			why = "stopped: the step failed"
			d.Stop()
			if err := d.Start(ctx, env); err != nil {
				return fmt.Errorf("start again after a failed step: %w", err)
			}
			return nil
		}
		results[[2]int{n, readers}] = res
		fig := res.record(rep, name)
		fmt.Fprintf(os.Stderr, "bench: busyroom %s %da+%dr (%.1f s, setup %.1f s): %s\n", name, n, readers, time.Since(began).Seconds(), res.setup.Seconds(), fig)
		p95 := res.arrival.quantile(0.95)
		if res.arrival.count() > 0 && p95 < roomFastP95 && res.errorPct() <= roomStopErrors {
			maxN = n
		}
		if res.arrival.count() == 0 || p95 > roomStopP95 || res.errorPct() > roomStopErrors {
			why = fmt.Sprintf("stopped there (p95 %s, errors %.1f %%)", roomMS(p95), res.errorPct())
			if n == plan.authors[len(plan.authors)-1] {
				why = fmt.Sprintf("the end of the plan, and too slow to go on (p95 %s, errors %.1f %%)", roomMS(p95), res.errorPct())
			}
			return nil
		}
	}
	return nil
}

// roomDrivers returns a new instance of every registered driver, Tawla
// first (once per durability setting in settings: "tawla" under full,
// "tawla-normal" under normal), or only those TAWLA_BENCH_DRIVERS names
// (comma-separated), for profiling one server.
func roomDrivers(settings []string) ([]Driver, error) {
	var ds []Driver
	for _, newDriver := range drivers {
		d := newDriver()
		if _, ok := d.(*tawlaDriver); ok {
			for _, s := range settings {
				ds = append(ds, &tawlaDriver{synchronous: s})
			}
			if len(settings) > 0 {
				continue
			}
		}
		ds = append(ds, d)
	}
	if only := os.Getenv("TAWLA_BENCH_DRIVERS"); only != "" {
		var kept []Driver
		for _, d := range ds {
			if slices.Contains(strings.Split(only, ","), d.Name()) {
				kept = append(kept, d)
			}
		}
		ds = kept
	}
	if len(ds) == 0 {
		return nil, errors.New("no driver registered (or none named in TAWLA_BENCH_DRIVERS)")
	}
	sort.SliceStable(ds, func(i, j int) bool { return isTawla(ds[i].Name()) && !isTawla(ds[j].Name()) })
	return ds, nil
}

// isTawla reports whether a driver's name is one of Tawla's series
// ("tawla", "tawla-normal"); the others are peers.
func isTawla(name string) bool { return name == "tawla" || strings.HasPrefix(name, "tawla-") }

// compareRooms records Tawla's figures as ratios to each peer's: the p99
// push-to-everyone latency at the target step and the server CPU per
// delivery at the CPU step (below 1: Tawla is faster; the medians of
// their windows' when they ran several), and, per reader count, the
// largest N with p95 under 100 ms (above 1: Tawla holds more authors).
func compareRooms(rep *Report, plan roomPlan, names []string, all map[string]map[[2]int]*roomResult) {
	for _, us := range names {
		if isTawla(us) {
			compareRoomsOf(rep, plan, us, names, all)
		}
	}
}

// compareRoomsOf records the ratios of one of Tawla's series, us, to the
// peers. The default series ("tawla") writes busyroom.ratio.*; another
// (say "tawla-normal") busyroom.ratio.<us>.*.
func compareRoomsOf(rep *Report, plan roomPlan, us string, names []string, all map[string]map[[2]int]*roomResult) {
	prefix := "busyroom.ratio."
	if us != "tawla" {
		prefix += us + "."
	}
	var peers []string
	for _, name := range names {
		if !isTawla(name) {
			peers = append(peers, name)
		}
	}
	if _, ok := all[us]; !ok || len(peers) == 0 {
		return
	}
	target := [2]int{roomTargetAuthors, roomTargetReaders}
	if ours, ok := all[us][target]; ok && ours.everyone.count() > 0 {
		for _, peer := range peers {
			theirs, ok := all[peer][target]
			if !ok || theirs.everyone.count() == 0 {
				rep.Row("busyroom", fmt.Sprintf("%s/%s p99 to everyone, %d+%d", us, peer, target[0], target[1]), peer+" did not reach this step")
				continue
			}
			r := ours.medianP99().Seconds() / theirs.medianP99().Seconds()
			rep.Set(fmt.Sprintf("%severyone_p99.authors%d.readers%d.%s", prefix, target[0], target[1], peer), r)
			rep.Row("busyroom", fmt.Sprintf("%s/%s p99 to everyone, %d+%d", us, peer, target[0], target[1]),
				fmt.Sprintf("%.2f× (%s vs %s%s)", r, roomMS(ours.medianP99()), roomMS(theirs.medianP99()), windowsNote(ours, theirs)))
		}
	}
	cpuStep := [2]int{roomCPUAuthors, roomCPUReaders}
	if ours, ok := all[us][cpuStep]; ok && ours.medianCPU() > 0 {
		for _, peer := range peers {
			theirs, ok := all[peer][cpuStep]
			if !ok || theirs.medianCPU() == 0 {
				continue
			}
			r := ours.medianCPU() / theirs.medianCPU()
			rep.Set(fmt.Sprintf("%sserver_cpu.authors%d.readers%d.%s", prefix, cpuStep[0], cpuStep[1], peer), r)
			rep.Row("busyroom", fmt.Sprintf("%s/%s server CPU per delivery, %d+%d", us, peer, cpuStep[0], cpuStep[1]),
				fmt.Sprintf("%.2f× (%.1f vs %.1f µs%s)", r, ours.medianCPU(), theirs.medianCPU(), windowsNote(ours, theirs)))
		}
	}
	for _, readers := range plan.readers {
		ourMax, _ := rep.Get(fmt.Sprintf("busyroom.%s.readers%d.max_authors", us, readers))
		best, bestName := -1.0, ""
		for _, peer := range peers {
			if v, ok := rep.Get(fmt.Sprintf("busyroom.%s.readers%d.max_authors", peer, readers)); ok && v > best {
				best, bestName = v, peer
			}
		}
		if bestName == "" {
			continue
		}
		what := fmt.Sprintf("%s/best peer, largest N with p95 < 100 ms, %d readers", us, readers)
		largest := float64(plan.authors[len(plan.authors)-1])
		note := ""
		switch {
		case ourMax == largest && best == largest:
			note = fmt.Sprintf(" (both held the largest N tried, %d: this run does not tell them apart)", int(largest))
		case ourMax == largest:
			note = fmt.Sprintf(" (%s held the largest N tried, %d: at least this)", us, int(largest))
		}
		if best > 0 {
			rep.Set(fmt.Sprintf("%smax_authors.readers%d", prefix, readers), ourMax/best)
			rep.Row("busyroom", what, fmt.Sprintf("%.1f× (%d vs %s %d)%s", ourMax/best, int(ourMax), bestName, int(best), note))
		} else {
			rep.Row("busyroom", what, fmt.Sprintf("%s %d, no peer held even N = %d%s", us, int(ourMax), plan.authors[0], note))
		}
	}
}

// roomWorkload returns the trace's patches as edits, in order, with empty
// ones left out, and the document's first text: the start of the trace's
// final text, cut at a line end. The busy room counts positions in UTF-16
// units; seph-blog1 has no character outside the Basic Multilingual
// Plane, where code points and UTF-16 units are the same, and this checks
// it rather than converting.
func roomWorkload(t *Trace) ([]Patch, string, error) {
	var edits []Patch
	for _, txn := range t.Txns {
		for _, p := range txn.Patches {
			if p.Delete == 0 && p.Insert == "" {
				continue
			}
			for _, r := range p.Insert {
				if r > 0xFFFF {
					return nil, "", fmt.Errorf("the trace inserts %U, outside the BMP: convert positions to UTF-16", r)
				}
			}
			edits = append(edits, p)
		}
	}
	text := t.EndContent
	if len(text) > roomStartText {
		// After the last line end before the limit, or at a character
		// boundary when lines are long.
		cut := strings.LastIndexByte(text[:roomStartText], '\n') + 1
		if cut < roomStartText/2 {
			cut = roomStartText
			for !utf8.RuneStart(text[cut]) {
				cut--
			}
		}
		text = text[:cut]
	}
	for _, r := range text {
		if r > 0xFFFF {
			return nil, "", fmt.Errorf("the start text holds %U, outside the BMP", r)
		}
	}
	if len(edits) == 0 {
		return nil, "", errors.New("the trace has no edit")
	}
	return edits, text, nil
}

// roomResult is what one step measured.
type roomResult struct {
	authors, readers int
	window           time.Duration
	edits            int // edits sent within the measured window
	ack              *durHist
	arrival          *durHist // push → arrival, over every (edit, recipient) pair
	everyone         *durHist // push → arrival at the last recipient, per edit
	share            roomShare
	windows          []roomWindow // at a repeated step: each window's figures, this one's first (busyroom_repeated.go)
	typingLate       *durHist     // how late the authors typed against their schedule
	scheduled, typed int64        // edits due in the window by the schedule, and typed in it
	fill             float64      // how full a receiving socket of the generator was at its fullest, as a share of its buffer
	deliveries       int64        // arrivals during the window, of any edit
	failures         int64        // Failed calls and failed Edit calls, over the whole step
	unacked          int          // measured edits never acknowledged
	undelivered      int          // measured edits that missed at least one recipient
	serverCPU        float64
	serverRSS        int64
	serverPeakRSS    int64
	loadGenCPU       float64
	loadGenCPUTime   time.Duration // the generator's CPU time over the window
	serverCPUTime    time.Duration // the server's
	lag              *durHist      // the probe's lateness over the window
	loop             *durHist      // how long the counting readers' data waited in their sockets, per read
	loopCPU          time.Duration // the event loops' CPU time over the window
	loopReads        int64         // their reads over the window
	loopFrames       int64         // the messages they handled over the window
	serverCore       float64       // how busy the server's core was, in %, whoever used it
	serverWrites     int64         // the server's write system calls during the window; -1 unknown
	setup            time.Duration
	firstErr         error // the first failure, if any
}

// errorPct is the share of the measured edits that went wrong, in percent:
// failures (errors from the server, lost connections, refused edits), and
// edits never acknowledged or never delivered to everyone by the end; at
// most 100.
func (r *roomResult) errorPct() float64 {
	if r.edits == 0 {
		return 100
	}
	return min(100, 100*float64(r.failures+int64(r.unacked)+int64(r.undelivered))/float64(r.edits))
}

// record sets the step's figures and adds its row to the table; it
// returns the row's figure.
func (r *roomResult) record(rep *Report, driver string) string {
	p := fmt.Sprintf("busyroom.%s.authors%d.readers%d.", driver, r.authors, r.readers)
	for _, h := range []struct {
		name string
		h    *durHist
	}{{"ack", r.ack}, {"arrival", r.arrival}, {"everyone", r.everyone}} {
		if h.h.count() == 0 {
			continue
		}
		for _, q := range []struct {
			name string
			q    float64
		}{{"p50", 0.50}, {"p95", 0.95}, {"p99", 0.99}} {
			rep.Set(p+h.name+"_"+q.name+"_ms", roomMillis(h.h.quantile(q.q)))
		}
	}
	secs := r.window.Seconds()
	rep.Set(p+"edits", float64(r.edits))
	rep.Set(p+"edits_per_s", float64(r.edits)/secs)
	rep.Set(p+"deliveries_per_s", float64(r.deliveries)/secs)
	rep.Set(p+"server_cpu_pct", r.serverCPU)
	rep.Set(p+"server_rss_mb", float64(r.serverRSS)/(1<<20))
	rep.Set(p+"server_peak_rss_mb", float64(r.serverPeakRSS)/(1<<20))
	rep.Set(p+"loadgen_cpu_pct", r.loadGenCPU)
	rep.Set(p+"server_core_busy_pct", r.serverCore)
	writes := ""
	if r.serverWrites >= 0 && r.deliveries > 0 {
		perDelivery := float64(r.serverWrites) / float64(r.deliveries)
		rep.Set(p+"server_write_calls", float64(r.serverWrites))
		rep.Set(p+"server_write_calls_per_delivery", perDelivery)
		writes = fmt.Sprintf(" · %.3f writes/deliv", perDelivery)
	}
	rep.Set(p+"errors_pct", r.errorPct())
	rep.Set(p+"failures", float64(r.failures))
	rep.Set(p+"unacked", float64(r.unacked))
	rep.Set(p+"undelivered", float64(r.undelivered))
	rep.Set(p+"setup_s", r.setup.Seconds())
	perDeliv := ""
	if r.deliveries > 0 {
		gen := float64(r.loadGenCPUTime.Microseconds()) / float64(r.deliveries)
		srv := r.serverCPUPerDelivery()
		rep.Set(p+"loadgen_cpu_us_per_delivery", gen)
		rep.Set(p+"server_cpu_us_per_delivery", srv)
		perDeliv = fmt.Sprintf(" · µs/deliv gen %.1f server %.1f", gen, srv)
	}
	if r.loopFrames > 0 {
		perFrame := float64(r.loopCPU.Microseconds()) / float64(r.loopFrames)
		rep.Set(p+"loadgen_loop_cpu_pct", 100*r.loopCPU.Seconds()/secs)
		rep.Set(p+"loadgen_loop_us_per_message", perFrame)
		rep.Set(p+"loadgen_loop_messages_per_read", float64(r.loopFrames)/float64(max(r.loopReads, 1)))
		perDeliv += fmt.Sprintf(" · readers' loop %.0f%%, %.1f µs/msg", 100*r.loopCPU.Seconds()/secs, perFrame)
	}
	rep.Set(p+"loadgen_lag_p99_ms", roomMillis(r.lag.quantile(0.99)))
	if r.loop.count() > 0 {
		rep.Set(p+"loadgen_read_wait_p99_ms", roomMillis(r.loop.quantile(0.99)))
	}
	rep.Set(p+"loadgen_typing_late_p99_ms", roomMillis(r.typingLate.quantile(0.99)))
	rep.Set(p+"edits_scheduled", float64(r.scheduled))
	rep.Set(p+"edits_typed", float64(r.typed))
	rep.Set(p+"loadgen_socket_fill_max_pct", 100*r.fill)
	genShare := ""
	if r.share.send.count() > 0 {
		arrivalBy := shareAt(r.arrival, r.share.arrivalNet, 0.95)
		everyoneBy := shareAt(r.everyone, r.share.everyoneNet, 0.99)
		rep.Set(p+"loadgen_send_p50_ms", roomMillis(r.share.send.quantile(0.5)))
		rep.Set(p+"loadgen_send_p99_ms", roomMillis(r.share.send.quantile(0.99)))
		rep.Set(p+"loadgen_share_arrival_p95_ms", roomMillis(arrivalBy))
		rep.Set(p+"loadgen_share_everyone_p99_ms", roomMillis(everyoneBy))
		genShare = fmt.Sprintf(" · gen send p99 %s, share of arrival p95 %s, of everyone p99 %s",
			roomMSQ(r.share.send, 0.99), roomMS(arrivalBy), roomMS(everyoneBy))
	}
	bound := 0.0
	if r.generatorBound() {
		bound = 1
	}
	rep.Set(p+"loadgen_bound", bound)

	fig := fmt.Sprintf("ack %s/%s · arrival %s/%s/%s · everyone p99 %s · %s deliv/s%s · cpu %.0f%% · rss %.0f MB · err %.1f%% · gen %.0f%%%s%s · typed %d of %d due, late p99 %s · probe late p99 %s · readers wait p99 %s · sockets %.0f%% full at most",
		roomMSQ(r.ack, 0.5), roomMSQ(r.ack, 0.99),
		roomMSQ(r.arrival, 0.5), roomMSQ(r.arrival, 0.95), roomMSQ(r.arrival, 0.99), roomMSQ(r.everyone, 0.99),
		roomThousands(float64(r.deliveries)/secs), writes, r.serverCPU, float64(r.serverRSS)/(1<<20), r.errorPct(), r.loadGenCPU,
		perDeliv, genShare, r.typed, r.scheduled, roomMSQ(r.typingLate, 0.99), roomMSQ(r.lag, 0.99), roomMS(r.readersWait()), 100*r.fill)
	if bound == 1 {
		fig += " GENERATOR-BOUND"
	}
	if r.serverCore-r.serverCPU > roomForeignLoad {
		fig += fmt.Sprintf(" (server core %.0f%% busy: SHARED)", r.serverCore)
	}
	rep.Row("busyroom", fmt.Sprintf("%s %da+%dr", driver, r.authors, r.readers), fig)
	return fig
}

// roomTracker follows every edit of one step: when it was sent, when it
// was acknowledged, how many recipients have it. Handlers call it from
// every connection's goroutine; it takes no lock and, per event, allocates
// nothing.
type roomTracker struct {
	base        time.Time    // times are kept as durations since base
	windowStart atomic.Int64 // edits sent from then on (since base) are measured
	perAuthor   int          // room for edits per author
	recipients  int32        // clients other than the author
	edits       []roomEditState
	ack         *durHist
	arrival     *durHist
	everyone    *durHist
	// writes logs each author connection's writes (busyroom_generator.go);
	// typingLate is how late the authors' goroutines typed against their
	// schedule, over the window; scheduled counts the edits the schedule
	// puts in the window, typed those typed in it.
	writes     []roomWriteLog
	typingLate *durHist
	scheduled  atomic.Int64
	typed      atomic.Int64
	deliveries atomic.Int64
	failures   atomic.Int64
	synced     atomic.Int64
	closed     atomic.Bool
	firstErr   atomic.Pointer[error]
}

type roomEditState struct {
	sent     atomic.Int64 // since base; 0 before it was sent
	acked    atomic.Int64 // since base, as the kernel timed it; 0 before
	arrivals atomic.Int32
	// delays holds, for a measured edit, its delay to each recipient in
	// microseconds, in the order the arrivals were handled
	// (busyroom_generator.go).
	delays atomic.Pointer[[]int32]
}

func newRoomTracker(authors, perAuthor, recipients int, base time.Time) *roomTracker {
	t := &roomTracker{
		base: base, perAuthor: perAuthor, recipients: int32(recipients),
		edits: make([]roomEditState, authors*perAuthor),
		ack:   newDurHist(), arrival: newDurHist(), everyone: newDurHist(),
		writes: make([]roomWriteLog, authors), typingLate: newDurHist(),
	}
	// Until the window's start is known, nothing is measured.
	t.windowStart.Store(math.MaxInt64)
	return t
}

// edit returns the state of edit id, or nil for an id out of range.
func (t *roomTracker) edit(id EditID) *roomEditState {
	if id.Author < 0 || id.N < 1 || id.N > t.perAuthor {
		return nil
	}
	i := id.Author*t.perAuthor + id.N - 1
	if i >= len(t.edits) {
		return nil
	}
	return &t.edits[i]
}

func (t *roomTracker) since(at time.Time) int64 {
	d := int64(at.Sub(t.base))
	return max(d, 1)
}

// markSent records that edit id was typed at at; a measured edit gets
// room for its delays to every recipient.
func (t *roomTracker) markSent(id EditID, at time.Time) {
	e := t.edit(id)
	sent := t.since(at)
	if sent >= t.windowStart.Load() {
		delays := make([]int32, t.recipients)
		e.delays.Store(&delays)
	}
	e.sent.Store(sent)
}

// acked records the acknowledgement of edit id (every edit's, for the
// generator's share, finish; measured ones go into the ack figure).
func (t *roomTracker) acked(id EditID, at time.Time) {
	e := t.edit(id)
	if e == nil || t.closed.Load() {
		return
	}
	ack := t.since(at)
	if !e.acked.CompareAndSwap(0, ack) {
		return
	}
	if sent := e.sent.Load(); sent >= t.windowStart.Load() {
		t.ack.record(time.Duration(ack - sent))
	}
}

// arrived records edit id's arrival at one recipient. The figure of
// everyone is made once the step is over (finish), from the delays kept.
func (t *roomTracker) arrived(id EditID, at time.Time) {
	t.deliveries.Add(1)
	e := t.edit(id)
	if e == nil || t.closed.Load() {
		return
	}
	sent := e.sent.Load()
	if sent < t.windowStart.Load() {
		return
	}
	d := time.Duration(t.since(at) - sent)
	t.arrival.record(d)
	n := e.arrivals.Add(1)
	if p := e.delays.Load(); p != nil && int(n) <= len(*p) {
		(*p)[n-1] = int32(min(max(d.Microseconds(), 0), math.MaxInt32))
	}
}

func (t *roomTracker) failed(err error) {
	if t.closed.Load() {
		return
	}
	t.failures.Add(1)
	t.firstErr.CompareAndSwap(nil, &err)
}

// pending reports how many measured edits still wait for their
// acknowledgement or for a recipient.
func (t *roomTracker) pending() (unacked, undelivered int) {
	from := t.windowStart.Load()
	for i := range t.edits {
		e := &t.edits[i]
		if s := e.sent.Load(); s == 0 || s < from {
			continue
		}
		if e.acked.Load() == 0 {
			unacked++
		}
		if e.arrivals.Load() < t.recipients {
			undelivered++
		}
	}
	return unacked, undelivered
}

// runRoomStep runs one step: a new document, the editors, warm-up,
// measured window, drain.
func runRoomStep(ctx context.Context, d Driver, plan roomPlan, n, readers int, edits []Patch, start string) (*roomResult, error) {
	if err := roomSettle(ctx, d.Server()); err != nil {
		return nil, err
	}
	setupStart := time.Now()
	ref, err := d.CreateDoc(ctx, start)
	if err != nil {
		return nil, err
	}
	measure := plan.window(n, readers)
	perAuthor := int(roomRate*(plan.warmup+measure).Seconds()*2) + 32
	// Without its monotonic reading, base makes every time of the step
	// count on the wall clock: the counting readers' frames are timed by
	// the kernel (SO_TIMESTAMPNS), in wall-clock time, and the other
	// times must be on the same clock.
	base := time.Now().Round(0)
	t := newRoomTracker(n, perAuthor, n+readers-1, base)
	handlers := Handlers{
		Synced:  func(time.Time) { t.synced.Add(1) },
		Acked:   t.acked,
		Arrived: t.arrived,
		Failed:  t.failed,
		Wrote:   t.wrote,
	}
	eds := make([]SimEditor, n+readers)
	defer func() {
		t.closed.Store(true)
		roomCloseAll(eds)
	}()
	if err := roomOpenAll(ctx, d, ref, handlers, eds, n); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(30 * time.Second)
	for t.synced.Load() < int64(n+readers) {
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("only %d of %d editors synced after 30 s", t.synced.Load(), n+readers)
		}
		time.Sleep(10 * time.Millisecond)
	}
	setup := time.Since(setupStart)

	// The clock of the step starts now.
	began := time.Now()
	windowStart := began.Add(plan.warmup)
	t.windowStart.Store(int64(windowStart.Sub(base)))
	windowEnd := windowStart.Add(measure)
	// Should the step end early, the authors stop at their next edit.
	typing, stopTyping := context.WithCancel(ctx)
	defer stopTyping()
	var wg sync.WaitGroup
	for a := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := typeAuthor(typing, eds[a], a, t, edits, windowEnd); err != nil {
				t.failed(err)
			}
		}()
	}

	roomSleepUntil(ctx, windowStart)
	loop := newDurHist()
	loopWait.Store(loop)
	fill := &fillGauge{}
	socketFill.Store(fill)
	lag := newDurHist()
	probeDone := make(chan struct{})
	go roomProbe(lag, windowEnd, probeDone)
	u0, err := d.Server().Usage()
	if err != nil {
		return nil, err
	}
	c0 := coreTicks(plan.serverCPU)
	lc0, lr0, lf0 := loopStats.cpu.Load(), loopStats.reads.Load(), loopStats.frames.Load()
	l0, d0, w0 := loadGenCPU(), t.deliveries.Load(), time.Now()
	roomSleepUntil(ctx, windowEnd)
	u1, err := d.Server().Usage()
	if err != nil {
		return nil, err
	}
	c1 := coreTicks(plan.serverCPU)
	l1, d1, w1 := loadGenCPU(), t.deliveries.Load(), time.Now()
	lc1, lr1, lf1 := loopStats.cpu.Load(), loopStats.reads.Load(), loopStats.frames.Load()
	loopWait.Store(nil)
	socketFill.Store(nil)
	<-probeDone
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// Drain: the edits of the window have until then to arrive everywhere.
	drainEnd := time.Now().Add(plan.drain)
	unacked, undelivered := t.pending()
	for (unacked > 0 || undelivered > 0) && time.Now().Before(drainEnd) {
		time.Sleep(20 * time.Millisecond)
		unacked, undelivered = t.pending()
	}
	t.closed.Store(true)
	share := t.finish()

	res := &roomResult{
		authors: n, readers: readers, window: w1.Sub(w0),
		ack: t.ack, arrival: t.arrival, everyone: t.everyone, share: share, typingLate: t.typingLate, fill: fill.share(),
		scheduled: t.scheduled.Load(), typed: t.typed.Load(),
		deliveries: d1 - d0, failures: t.failures.Load(),
		unacked: unacked, undelivered: undelivered,
		serverRSS: u1.RSS, serverPeakRSS: u1.PeakRSS, setup: setup,
		loadGenCPUTime: l1 - l0, serverCPUTime: u1.CPU - u0.CPU, lag: lag, loop: loop,
		loopCPU: time.Duration(lc1 - lc0), loopReads: lr1 - lr0, loopFrames: lf1 - lf0,
	}
	wall := w1.Sub(w0).Seconds()
	res.serverCPU = 100 * (u1.CPU - u0.CPU).Seconds() / wall
	res.serverWrites = -1
	if u0.WriteCalls >= 0 && u1.WriteCalls >= 0 {
		res.serverWrites = u1.WriteCalls - u0.WriteCalls
	}
	res.loadGenCPU = 100 * (l1 - l0).Seconds() / wall
	if total := c1.total - c0.total; total > 0 {
		res.serverCore = 100 * float64(c1.busy-c0.busy) / float64(total)
	}
	from := t.windowStart.Load()
	for i := range t.edits {
		if s := t.edits[i].sent.Load(); s != 0 && s >= from {
			res.edits++
		}
	}
	if p := t.firstErr.Load(); p != nil {
		res.firstErr = *p
		fmt.Fprintf(os.Stderr, "bench: busyroom %s %d authors %d readers: %d failures, the first: %v\n", d.Name(), n, readers, res.failures, res.firstErr)
	}
	return res, nil
}

// roomProbe measures the load generator's own delay until end: it sleeps
// roomProbePeriod in a loop and records how late it gets going again.
// The sleep is the kernel's (nanosleep on the probe's own thread), not a
// Go timer, so that what it measures is not how Go's timers fire (a
// message wakes the runtime's poller at once): after the sleep the probe
// must get its thread scheduled on the core, then a P, as a goroutine
// woken by a message must. A goroutine of the generator that has
// something to do waits about as long.
func roomProbe(h *durHist, end time.Time, done chan<- struct{}) {
	defer close(done)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ts := unix.NsecToTimespec(int64(roomProbePeriod))
	for {
		t0 := time.Now()
		if !t0.Before(end) {
			return
		}
		_ = unix.Nanosleep(&ts, nil)
		h.record(time.Since(t0) - roomProbePeriod)
	}
}

// typeAuthor makes author a type through the trace from its own place in
// it, at roomRate edits per second on average with exponential gaps (a
// Poisson process), until end. The trace's positions are shifted so that
// the author's first edit lands at a random place of the document, then
// clamped to the text: each author types in its own passage, as people in
// a meeting do.
func typeAuthor(ctx context.Context, ed SimEditor, a int, t *roomTracker, edits []Patch, end time.Time) error {
	rng := rand.New(rand.NewPCG(uint64(a)+1, 0x7a61))
	next := (a * 7919 * 31) % len(edits)
	shift := edits[next].Pos - rng.IntN(ed.Len()+1)
	k := 1
	at := time.Now().Add(time.Duration(rng.Float64() * float64(time.Second) / roomRate))
	for {
		due := t.since(at) >= t.windowStart.Load() && at.Before(end)
		if due {
			t.scheduled.Add(1)
		}
		if !at.Before(end) || k > t.perAuthor || !roomSleepUntil(ctx, at) {
			return nil
		}
		now := time.Now()
		if due {
			t.typingLate.record(now.Sub(at))
		}
		if t.since(now) >= t.windowStart.Load() && now.Before(end) {
			t.typed.Add(1)
		}
		at = at.Add(time.Duration(rng.ExpFloat64() * float64(time.Second) / roomRate))
		for tries := 0; tries < 16; tries++ {
			e := edits[next]
			next = (next + 1) % len(edits)
			length := ed.Len()
			pos := min(max(e.Pos-shift, 0), length)
			del := min(e.Delete, length-pos)
			if del == 0 && e.Insert == "" {
				continue
			}
			id := EditID{Author: a, N: k}
			t.markSent(id, time.Now())
			err := ed.Edit(id, pos, del, e.Insert)
			if errors.Is(err, errEmptyEdit) {
				continue
			}
			if err != nil {
				return fmt.Errorf("author %d, edit %d: %w", a, k, err)
			}
			k++
			break
		}
	}
}

// roomOpenAll opens the editors, a few at a time: the first authors of
// them as authors, the others as counting readers (Counter). Which connection is which
// author is settled by the edits' ids, not by the order of opening.
func roomOpenAll(ctx context.Context, d Driver, ref DocRef, h Handlers, eds []SimEditor, authors int) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, roomOpenParallel)
	for i := range eds {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			reader := i >= authors
			role := Author
			if reader {
				role = Counter
			}
			ed, err := d.Open(ctx, ref, role, h)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = fmt.Errorf("open editor %d (reader %v): %w", i, reader, err)
				}
				return
			}
			eds[i] = ed
		}()
	}
	wg.Wait()
	return firstErr
}

// roomCloseAll closes the editors opened, a few at a time.
func roomCloseAll(eds []SimEditor) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	for _, ed := range eds {
		if ed == nil {
			continue
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			_ = ed.Close()
		}()
	}
	wg.Wait()
}

// roomSettle waits, up to ten seconds, until the server has been idle for a
// moment (under 10 % of a core over 100 ms), so that the aftermath of one
// step (hundreds of connections leaving) is not counted in the next.
func roomSettle(ctx context.Context, p *Proc) error {
	deadline := time.Now().Add(10 * time.Second)
	prev, err := p.Usage()
	if err != nil {
		return err
	}
	for time.Now().Before(deadline) {
		if !roomSleepUntil(ctx, time.Now().Add(100*time.Millisecond)) {
			return ctx.Err()
		}
		u, err := p.Usage()
		if err != nil {
			return err
		}
		// CPU time counts in ticks of 10 ms: at most one tick in 100 ms.
		if u.CPU-prev.CPU <= 10*time.Millisecond {
			return nil
		}
		prev = u
	}
	return nil
}

// roomSleepUntil sleeps until at, reporting false if ctx ended first.
func roomSleepUntil(ctx context.Context, at time.Time) bool {
	d := time.Until(at)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

// cpuTicks is a core's time from /proc/stat, in clock ticks.
type cpuTicks struct{ busy, total int64 }

// coreTicks reads how long core cpu has been busy and in all ("" or an
// unreadable /proc/stat gives zeros).
func coreTicks(cpu string) cpuTicks {
	if cpu == "" {
		return cpuTicks{}
	}
	stat, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTicks{}
	}
	for _, line := range strings.Split(string(stat), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 9 || fields[0] != "cpu"+cpu {
			continue
		}
		var t cpuTicks
		// user nice system idle iowait irq softirq steal
		for i, f := range fields[1:9] {
			v, _ := strconv.ParseInt(f, 10, 64)
			t.total += v
			if i != 3 && i != 4 {
				t.busy += v
			}
		}
		return t
	}
	return cpuTicks{}
}

// loadGenCPU returns the CPU time the benchmark process (the load generator)
// has used so far.
func loadGenCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// durHist is a histogram of durations with about 1.5 % resolution, in the
// manner of HdrHistogram: exact microseconds below 128 µs, then 64
// buckets per power of two. Recording is one atomic add, safe from any
// goroutine; memory does not grow with the number of samples.
type durHist struct {
	buckets [durHistBuckets]atomic.Int64
	n       atomic.Int64
}

const (
	durHistSub     = 64
	durHistBuckets = durHistSub * 40
)

func newDurHist() *durHist { return &durHist{} }

func durHistIndex(us uint64) int {
	if us < 2*durHistSub {
		return int(us)
	}
	e := bits.Len64(us) - 7 // us>>e is in [64, 128)
	return min(durHistSub*(e+1)+int(us>>e)-durHistSub, durHistBuckets-1)
}

// durHistValue returns the middle of bucket i, in microseconds.
func durHistValue(i int) float64 {
	if i < 2*durHistSub {
		return float64(i)
	}
	e := i/durHistSub - 1
	m := uint64(i%durHistSub + durHistSub)
	return float64(m<<e) + float64(uint64(1)<<e)/2
}

func (h *durHist) record(d time.Duration) {
	us := max(d.Microseconds(), 0)
	h.buckets[durHistIndex(uint64(us))].Add(1)
	h.n.Add(1)
}

func (h *durHist) count() int64 { return h.n.Load() }

// quantile returns the duration below which a fraction q of the samples
// lie (0 for an empty histogram).
func (h *durHist) quantile(q float64) time.Duration {
	n := h.n.Load()
	if n == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(n)))
	var seen int64
	for i := range h.buckets {
		seen += h.buckets[i].Load()
		if seen >= rank {
			return time.Duration(durHistValue(i) * float64(time.Microsecond))
		}
	}
	return time.Duration(durHistValue(durHistBuckets-1) * float64(time.Microsecond))
}

func roomMillis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// roomMS formats a latency for the table: two significant digits below 10 ms.
func roomMS(d time.Duration) string {
	v := roomMillis(d)
	if v < 10 {
		return strconv.FormatFloat(v, 'f', 1, 64) + " ms"
	}
	return strconv.FormatFloat(v, 'f', 0, 64) + " ms"
}

// roomMSQ formats a quantile of h without its unit, "–" when h is empty.
func roomMSQ(h *durHist, q float64) string {
	if h.count() == 0 {
		return "–"
	}
	return strings.TrimSuffix(roomMS(h.quantile(q)), " ms")
}

// roomThousands formats a count with a thin separator: 12,300.
func roomThousands(v float64) string {
	s := strconv.FormatInt(int64(math.Round(v)), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
