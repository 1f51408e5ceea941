package main

import (
	"context"
	"fmt"
	"sync"
	"time"
	"unicode/utf16"

	"tawla/client"
	"tawla/demo"
)

// The join storm: a meeting starts and everyone opens the procedure at
// once. Clients open one 100 KB document, their joins spread evenly over
// one second; each is in sync when it holds the whole text (doc.state
// received, its length and content checked).

func init() {
	register(Step{Name: "joinstorm", Run: runJoinStorm})
}

const (
	// stormClients is how many clients join, stormQuickClients in the
	// quick run.
	stormClients      = 200
	stormQuickClients = 50
	// stormSpread is the time over which the joins start.
	stormSpread = time.Second
	// stormTextBytes is the document's size: the start of the paper of
	// the automerge-paper trace, as it was finally written (ASCII).
	stormTextBytes = 100_000
)

func runJoinStorm(ctx context.Context, env *Env, rep *Report) error {
	n := stormClients
	if env.Quick {
		n = stormQuickClients
	}
	text, err := stormText(env)
	if err != nil {
		return err
	}
	proc, err := StartTawla(ctx, env, "joinstorm")
	if err != nil {
		return err
	}
	defer proc.Stop()
	docID, err := CreateTawlaDocument(ctx, proc, "Benchmark: join storm", text)
	if err != nil {
		return err
	}
	// People log in before the meeting; the storm is about opening the
	// document. Every account may read the draft; the stakeholder may not
	// edit it. The restart gives back the memory the logins took.
	var sessions []*client.Session
	for _, email := range []string{demo.MemberEmail, demo.SecretariatEmail, demo.AdminEmail, demo.StakeholderEmail} {
		s, err := client.Login(ctx, "http://"+proc.Addr, email, demo.Password)
		if err != nil {
			return err
		}
		sessions = append(sessions, s)
	}
	if err := proc.Restart(ctx, env); err != nil {
		return err
	}
	before, err := proc.Usage()
	if err != nil {
		return err
	}
	stopWatch := proc.WatchRSS(10 * time.Millisecond)
	res, err := joinStorm(ctx, sessions, docID, text, n, stormSpread)
	peakRSS := stopWatch()
	if err != nil {
		return err
	}
	after, err := proc.Usage()
	if err != nil {
		return err
	}

	p := percentiles(res.latency, 0.5, 0.99, 1)
	prefix := "joinstorm."
	rep.Set(prefix+"clients", float64(n))
	rep.Set(prefix+"text_bytes", float64(len(text)))
	rep.Set(prefix+"all_synced_ms", ms(res.allSynced))
	rep.Set(prefix+"after_last_join_ms", ms(res.afterLast))
	rep.Set(prefix+"join_p50_ms", ms(p[0]))
	rep.Set(prefix+"join_p99_ms", ms(p[1]))
	rep.Set(prefix+"join_max_ms", ms(p[2]))
	rep.Set(prefix+"errors", float64(res.errors))
	rep.Set(prefix+"server_cpu_seconds", (after.CPU - before.CPU).Seconds())
	rep.Set(prefix+"server_rss_before_bytes", float64(before.RSS))
	rep.Set(prefix+"server_peak_rss_bytes", float64(peakRSS))
	rep.Row("joinstorm", fmt.Sprintf("%d clients open a %d KB document, joins spread over %v: all in sync after", n, len(text)/1000, stormSpread),
		fmt.Sprintf("%.0f ms (%.1f ms after the last join began)", ms(res.allSynced), ms(res.afterLast)))
	rep.Row("joinstorm", "join latency (dial → doc.state), p50 / p99 / max",
		fmt.Sprintf("%.1f / %.1f / %.1f ms", ms(p[0]), ms(p[1]), ms(p[2])))
	rep.Row("joinstorm", "errors; server CPU; server RSS before → highest during the storm",
		fmt.Sprintf("%d; %.2f s; %s → %s", res.errors, (after.CPU-before.CPU).Seconds(),
			sizeString(uint64(before.RSS)), sizeString(uint64(peakRSS))))
	if res.errors > 0 {
		return fmt.Errorf("%d of %d clients could not open the document; the first said: %w", res.errors, n, res.firstErr)
	}
	return nil
}

// stormText returns the join storm's document.
func stormText(env *Env) (string, error) {
	tr, err := LoadTrace(env, "automerge-paper")
	if err != nil {
		return "", err
	}
	if len(tr.EndContent) < stormTextBytes || !isASCII(tr.EndContent) {
		return "", fmt.Errorf("automerge-paper's final text is not %d bytes of ASCII", stormTextBytes)
	}
	return tr.EndContent[:stormTextBytes], nil
}

// stormResult is what a join storm measured.
type stormResult struct {
	latency   []time.Duration // per client that synced: dial → doc.state handled
	allSynced time.Duration   // from the first join to the last client in sync
	afterLast time.Duration   // from the last join's start to the last client in sync
	errors    int
	firstErr  error
}

// joinStorm opens n editors of the document, the i-th starting i*spread/n
// after the first, each with the next of sessions, and waits until each
// holds the text or failed. It fails when a client holds another text:
// that is a bug, not a measurement.
func joinStorm(ctx context.Context, sessions []*client.Session, docID int64, text string, n int, spread time.Duration) (stormResult, error) {
	var res stormResult
	wantUnits := len(utf16.Encode([]rune(text)))
	type joined struct {
		ed       *client.Editor
		began    time.Time
		synced   time.Time
		err      error
		mismatch error
	}
	out := make([]joined, n)
	var wg sync.WaitGroup
	start := time.Now().Add(50 * time.Millisecond)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			j := &out[i]
			time.Sleep(time.Until(start.Add(time.Duration(i) * spread / time.Duration(n))))
			j.began = time.Now()
			openCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			conn, err := sessions[i%len(sessions)].Dial(openCtx)
			if err != nil {
				j.err = err
				return
			}
			if j.ed, j.err = client.Open(openCtx, conn, docID, client.Options{}); j.err != nil {
				return
			}
			j.synced = time.Now()
			if got := j.ed.Len(); got != wantUnits {
				j.mismatch = fmt.Errorf("client %d holds %d units, want %d", i, got, wantUnits)
			}
		}(i)
	}
	wg.Wait()
	// The content, once everyone is in: comparing 100 KB strings while
	// others still join would slow the load generator down.
	var last time.Time
	for i := range out {
		j := &out[i]
		if j.ed != nil {
			if j.mismatch == nil {
				if got := j.ed.Text(); got != text {
					j.mismatch = fmt.Errorf("client %d: %s", i, firstDifference(got, text))
				}
			}
			j.ed.Close()
		}
		if j.mismatch != nil {
			return res, fmt.Errorf("a client does not hold the document's text: %w", j.mismatch)
		}
		if j.err != nil {
			res.errors++
			if res.firstErr == nil {
				res.firstErr = j.err
			}
			continue
		}
		res.latency = append(res.latency, j.synced.Sub(j.began))
		if j.synced.After(last) {
			last = j.synced
		}
	}
	if !last.IsZero() {
		res.allSynced = last.Sub(out[0].began)
		res.afterLast = last.Sub(out[n-1].began)
	}
	return res, nil
}
