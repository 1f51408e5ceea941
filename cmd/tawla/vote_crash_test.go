package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"tawla/demo"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// crashVoters are the demo members with a voting right.
var crashVoters = []string{
	demo.MemberEmail, "hela.jaziri@demo.tn", "mounir.benamor@demo.tn", "rim.sassi@demo.tn",
	"wafa.mabrouk@demo.tn", "salwa.chebbi@demo.tn", "yassine.kefi@demo.tn", "kamel.ayari@demo.tn",
	"najla.zouari@demo.tn", "fethi.hamdi@demo.tn", "adel.messaoudi@demo.tn",
}

// buildTawla builds the tawla binary into dir.
func buildTawla(t *testing.T, dir string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command to build tawla: %v", err)
	}
	bin := filepath.Join(dir, "tawla")
	out, err := exec.Command(goBin, "build", "-tags", "sqlite_fts5", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serveProcess is a running `tawla serve`.
type serveProcess struct {
	cmd  *exec.Cmd
	base string
	logs string
	done chan struct{}
}

// startServe runs `tawla serve` on data and returns once it accepts
// connections.
func startServe(t *testing.T, bin, data, logs string) *serveProcess {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	out, err := os.OpenFile(logs, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(bin, "serve", "-addr", addr, "-data", data, "-log-level", "info")
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start tawla serve: %v", err)
	}
	p := &serveProcess{cmd: cmd, base: "http://" + addr, logs: logs, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Cleanup(p.kill)
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return p
		}
		select {
		case <-p.done:
			t.Fatalf("tawla serve exited:\n%s", readFile(logs))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("tawla serve did not listen on %s:\n%s", addr, readFile(logs))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill ends the process with SIGKILL and waits for it.
func (p *serveProcess) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

func readFile(path string) string {
	data, _ := os.ReadFile(path)
	return string(data)
}

// post posts form to path of the server as the session token's account,
// as a browser on the site does, and returns the status (0 when no answer
// came).
func post(base, token, path string, form url.Values) int {
	req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(&http.Cookie{Name: "tawla_session", Value: token})
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestVoteCrashRecovery builds tawla, serves a demo database with
// `tawla serve`, has the members vote in two secret polls through the
// poll page's form, and kills the process with SIGKILL while they vote.
// One poll's deadline passes while the server is down. After a restart on
// the same file, that poll is closed at once with every acknowledged
// ballot counted (and takes no more); the other takes the ballots that
// were not acknowledged, and once the secretariat closes it, every
// acknowledged ballot is counted too, none twice.
func TestVoteCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs tawla")
	}
	dir := t.TempDir()
	bin := buildTawla(t, dir)
	data := filepath.Join(dir, "tawla.db")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"demo", "-data", data}, nil, &out, &errOut); err != nil {
		t.Fatalf("demo: %v\n%s", err, errOut.String())
	}

	// Two secret polls on the adoption of two procedures' versions, opened by the
	// secretariat: "open" has no deadline, "due" closes a few seconds
	// from now. Every voter and the secretariat get a session.
	ctx := context.Background()
	db, err := sqlite.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	secretariat, err := db.FindAccountByEmail(ctx, demo.SecretariatEmail)
	if err != nil {
		t.Fatal(err)
	}
	staff := workspace.ActorFor(secretariat)
	// Each poll is on a procedure's version of its own: one version is
	// put to one open vote at a time.
	newPoll := func(question string, closesAt *time.Time) *workspace.Poll {
		proc := &workspace.Procedure{Title: "Parcours voté pendant une panne : " + question, Language: "fr", Category: workspace.CategoryReferralPathway}
		if err := db.CreateProcedure(ctx, staff, proc, "# Parcours\n"); err != nil {
			t.Fatal(err)
		}
		version := &workspace.Version{Message: "Version soumise au vote"}
		if err := db.CreateVersion(ctx, staff, proc.ID, 0, "# Parcours\n", version); err != nil {
			t.Fatal(err)
		}
		p := &workspace.Poll{Question: question, Kind: workspace.PollYesNo, Mode: workspace.BallotSecret,
			Unit: workspace.VotePerPerson, Majority: workspace.MajoritySimple, CollegeRule: workspace.CollegeRuleNone,
			ProcedureID: &proc.ID, VersionNumber: version.Number, ClosesAt: closesAt}
		if err := db.CreatePoll(ctx, staff, p); err != nil {
			t.Fatal(err)
		}
		opened, err := db.OpenPoll(ctx, staff, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		return opened
	}
	deadline := time.Now().Add(8 * time.Second).Truncate(time.Second)
	open := newPoll("Adopter la version (sans échéance) ?", nil)
	due := newPoll("Adopter la version (avec échéance) ?", &deadline)
	option := func(p *workspace.Poll, key string) string {
		for _, o := range p.Options {
			if o.Key == key {
				return strconv.FormatInt(o.ID, 10)
			}
		}
		t.Fatalf("no option %s", key)
		return ""
	}
	type voter struct {
		acc   *workspace.Account
		token string
		key   string // yes or no
		acked map[int64]bool
	}
	var voters []*voter
	for i, email := range crashVoters {
		acc, err := db.FindAccountByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		token, err := db.CreateSession(ctx, acc.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		voters = append(voters, &voter{acc: acc, token: token, key: map[bool]string{true: workspace.OptionYes, false: workspace.OptionNo}[i%3 != 2], acked: map[int64]bool{}})
	}
	staffToken, err := db.CreateSession(ctx, secretariat.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// The members vote in both polls, one after another; the server is
	// killed once some ballots are acknowledged and others are on their
	// way.
	logs := filepath.Join(dir, "serve.log")
	srv := startServe(t, bin, data, logs)
	var mu sync.Mutex
	acked := 0
	killed := make(chan struct{})
	var wg sync.WaitGroup
	for i, v := range voters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j, p := range []*workspace.Poll{due, open} {
				select {
				case <-killed:
					return
				case <-time.After(time.Duration(i*2+j) * 15 * time.Millisecond):
				}
				status := post(srv.base, v.token, "/polls/"+strconv.FormatInt(p.ID, 10)+"/vote", url.Values{"choice": {option(p, v.key)}})
				if status == http.StatusSeeOther {
					mu.Lock()
					v.acked[p.ID] = true
					acked++
					mu.Unlock()
				}
			}
		}()
	}
	for {
		mu.Lock()
		n := acked
		mu.Unlock()
		if n >= len(voters) {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	srv.kill()
	close(killed)
	wg.Wait()
	t.Logf("%d ballots acknowledged before SIGKILL", acked)
	if acked >= 2*len(voters) {
		t.Logf("every ballot was acknowledged before the kill: the crash happened after voting")
	}

	// The deadline of "due" passes while the server is down.
	if wait := time.Until(deadline.Add(500 * time.Millisecond)); wait > 0 {
		time.Sleep(wait)
	}
	srv = startServe(t, bin, data, logs)
	db, err = sqlite.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	waitClosed := func(id int64) *workspace.Poll {
		t.Helper()
		until := time.Now().Add(10 * time.Second)
		for {
			p, err := db.FindPollByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if p.Status == workspace.PollClosed {
				return p
			}
			if time.Now().After(until) {
				t.Fatalf("poll %d is still %s after the restart:\n%s", id, p.Status, readFile(logs))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	// check asserts that every acknowledged ballot of p is counted, and
	// no ballot twice.
	check := func(p *workspace.Poll) {
		t.Helper()
		r := p.Result
		if r == nil {
			t.Fatalf("poll %d closed without a result", p.ID)
		}
		yes, no := 0, 0
		for _, v := range voters {
			voted, err := db.HasVoted(ctx, workspace.ActorFor(v.acc), p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if v.acked[p.ID] {
				if !voted {
					t.Errorf("poll %d: %s's acknowledged ballot is lost", p.ID, v.acc.Email)
				}
				if v.key == workspace.OptionYes {
					yes++
				} else {
					no++
				}
			}
		}
		turnout, err := db.PollTurnout(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Cast != turnout || r.Cast > len(voters) || r.Yes+r.No+r.Abstain != r.Cast {
			t.Errorf("poll %d: %d ballots counted (%d yes, %d no, %d abstentions) for %d participants of %d voters",
				p.ID, r.Cast, r.Yes, r.No, r.Abstain, turnout, len(voters))
		}
		if r.Yes < yes || r.No < no {
			t.Errorf("poll %d: %d yes and %d no counted, but %d yes and %d no were acknowledged", p.ID, r.Yes, r.No, yes, no)
		}
		t.Logf("poll %d: %d acknowledged ballots, %d counted (%d yes, %d no)", p.ID, yes+no, r.Cast, r.Yes, r.No)
	}

	// "due" was closed at the restart, with its ballots, and takes no more.
	closedDue := waitClosed(due.ID)
	if closedDue.ClosedAt == nil || closedDue.ClosedAt.Before(deadline) {
		t.Errorf("poll %d closed at %v, before its deadline %v", due.ID, closedDue.ClosedAt, deadline)
	}
	check(closedDue)
	for _, v := range voters {
		if status := post(srv.base, v.token, "/polls/"+strconv.FormatInt(due.ID, 10)+"/vote", url.Values{"choice": {option(due, v.key)}}); status == http.StatusSeeOther {
			t.Errorf("%s voted in poll %d after its deadline", v.acc.Email, due.ID)
		}
	}

	// The others vote in "open" again: those whose ballot was stored but
	// not acknowledged are refused, the others counted; the secretariat
	// closes it.
	for _, v := range voters {
		if v.acked[open.ID] {
			continue
		}
		if status := post(srv.base, v.token, "/polls/"+strconv.FormatInt(open.ID, 10)+"/vote", url.Values{"choice": {option(open, v.key)}}); status == http.StatusSeeOther {
			v.acked[open.ID] = true
		}
	}
	if status := post(srv.base, staffToken, "/polls/"+strconv.FormatInt(open.ID, 10)+"/close", url.Values{}); status != http.StatusSeeOther {
		t.Fatalf("the secretariat closes poll %d: %d\n%s", open.ID, status, readFile(logs))
	}
	closedOpen := waitClosed(open.ID)
	check(closedOpen)
	if closedOpen.Result.Cast != len(voters) {
		t.Errorf("poll %d: %d ballots counted, want one from each of the %d voters", open.ID, closedOpen.Result.Cast, len(voters))
	}
	if l := readFile(logs); strings.Contains(l, "level=ERROR") || strings.Contains(l, `"level":"ERROR"`) {
		t.Errorf("the server logged errors:\n%s", readFile(logs))
	}
}
