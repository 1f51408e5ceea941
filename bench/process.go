package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"tawla/demo"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// pinSelf pins every thread the load generator has now to cpu ("" leaves
// them free). Pinning only the calling thread is not enough: the Go
// runtime has started several before main runs, and those would spread
// the load generator over the server's core too. Threads started later
// inherit the mask of the thread that starts them, so once all are pinned
// all stay pinned.
func pinSelf(cpu string) error {
	if cpu == "" {
		return nil
	}
	n, err := strconv.Atoi(cpu)
	if err != nil {
		return err
	}
	var set unix.CPUSet
	set.Set(n)
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return err
	}
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil {
			continue
		}
		// A thread may have ended since the listing.
		if err := unix.SchedSetaffinity(tid, &set); err != nil && !errors.Is(err, unix.ESRCH) {
			return fmt.Errorf("pin thread %d: %w", tid, err)
		}
	}
	return nil
}

// Proc is a server process started by the benchmark, pinned to its core.
type Proc struct {
	Name string
	Addr string // host:port it listens on
	// Data is the SQLite file of a tawla server ("" for the others).
	Data string
	cmd  *exec.Cmd
	log  *os.File
	// How it was started, for Restart.
	dir  string
	args []string
	runs int
}

// freeAddr returns a loopback address with a free port.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startProc starts name's command pinned to cpu with taskset, logging to a
// file in env.Work, and waits until addr accepts connections.
func startProc(ctx context.Context, env *Env, name, addr string, dir string, args ...string) (*Proc, error) {
	return startProcAs(ctx, env, name, name, addr, dir, args...)
}

// startProcAs is startProc logging to logName.log.
func startProcAs(ctx context.Context, env *Env, name, logName, addr string, dir string, args ...string) (*Proc, error) {
	given := args
	if env.ServerCPU != "" {
		args = append([]string{"taskset", "-c", env.ServerCPU}, args...)
	}
	log, err := os.Create(filepath.Join(env.Work, logName+".log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &Proc{Name: name, Addr: addr, cmd: cmd, log: log, dir: dir, args: given}
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return p, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			p.Stop()
			return nil, fmt.Errorf("%s did not listen on %s (see %s)", name, addr, log.Name())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// StartTawla fills a new database with the demo table and serves it with
// `tawla serve`, pinned to the server core.
func StartTawla(ctx context.Context, env *Env, name string, extra ...string) (*Proc, error) {
	data := filepath.Join(env.Work, name+".db")
	if out, err := exec.CommandContext(ctx, env.TawlaBin, "demo", "-data", data).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("tawla demo: %v: %s", err, out)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	// The peers have no limit on connections or messages: neither has
	// Tawla here, where a few sessions on one address open hundreds of
	// websockets and one editor pushes as fast as it can.
	args := append([]string{env.TawlaBin, "serve", "-addr", addr, "-data", data, "-log-level", "warn",
		"-max-session-connections", "1000000", "-max-address-connections", "1000000", "-max-message-rate", "1e9"}, extra...)
	p, err := startProc(ctx, env, name, addr, env.Root, args...)
	if err != nil {
		return nil, err
	}
	p.Data = data
	return p, nil
}

// CreateTawlaDocument creates a procedure whose draft holds text, in the
// name of the demo member, in the database of the tawla server p, and
// returns the draft's document ID for doc.join. The server may be running:
// SQLite in WAL mode lets both processes write the file, and the server
// reads the new document when someone first opens it. (The web form would
// start the draft with the title as a heading; the benchmark needs the
// exact text.)
func CreateTawlaDocument(ctx context.Context, p *Proc, title, text string) (int64, error) {
	db, err := sqlite.Open(ctx, p.Data)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	acc, err := db.FindAccountByEmail(ctx, demo.MemberEmail)
	if err != nil {
		return 0, err
	}
	proc := &workspace.Procedure{Title: title, Language: "fr", Category: workspace.CategoryOther,
		Summary: "Document created by the benchmark (bench/)."}
	if err := db.CreateProcedure(ctx, workspace.ActorFor(acc), proc, text); err != nil {
		return 0, err
	}
	return proc.DocumentID, nil
}

// Restart stops the process and starts its command again, on the same
// address (and, for tawla, the same database: sessions opened before stay
// valid). Memory figures need it: a login's argon2id takes 64 MiB, which
// the Go runtime keeps for minutes after, so a server measured after
// logins would hide any growth below that.
func (p *Proc) Restart(ctx context.Context, env *Env) error {
	p.Stop()
	p.runs++
	q, err := startProcAs(ctx, env, p.Name, fmt.Sprintf("%s.%d", p.Name, p.runs), p.Addr, p.dir, p.args...)
	if err != nil {
		return err
	}
	p.cmd, p.log = q.cmd, q.log
	return nil
}

// Usage is what a server process has used so far.
type Usage struct {
	CPU     time.Duration // user + system time of the process and its threads
	RSS     int64         // resident memory now, bytes
	PeakRSS int64         // highest resident memory, bytes
	// WriteCalls counts the write system calls of the process so far
	// (write, writev, pwrite: the kernel's syscw in /proc/<pid>/io), to
	// sockets and files alike; -1 when the kernel does not tell.
	WriteCalls int64
}

// Usage reads the process's CPU time and memory from /proc. The process
// is the command itself, or the child taskset execs into (same pid).
func (p *Proc) Usage() (Usage, error) {
	pid := p.cmd.Process.Pid
	var u Usage
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return u, err
	}
	// Fields after the command name, which is in parentheses.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
	if len(fields) < 13 {
		return u, fmt.Errorf("unexpected /proc stat: %s", stat)
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	u.CPU = time.Duration(utime+stime) * time.Second / ticks
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return u, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			u.RSS = kib(v)
		} else if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			u.PeakRSS = kib(v)
		}
	}
	if err := sc.Err(); err != nil {
		return u, err
	}
	u.WriteCalls = writeCalls(pid)
	return u, nil
}

// writeCalls reads syscw, the count of write system calls, from
// /proc/<pid>/io; -1 when it cannot.
func writeCalls(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "syscw:"); ok {
			if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
				return n
			}
		}
	}
	return -1
}

// WatchRSS samples the process's resident memory every interval (and
// once at once) until the returned function is called; that function
// returns the highest value seen. Unlike Usage's PeakRSS, which holds the
// peak of the process's whole life (a login's argon2id alone takes 64 MiB
// for a moment), it shows what happened while it watched.
func (p *Proc) WatchRSS(every time.Duration) (stop func() int64) {
	var peak int64
	sample := func() {
		if u, err := p.Usage(); err == nil {
			peak = max(peak, u.RSS)
		}
	}
	sample()
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				sample()
				return
			case <-t.C:
				sample()
			}
		}
	}()
	return func() int64 {
		close(done)
		<-finished
		return peak
	}
}

func kib(v string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
	return n * 1024
}

// Stop ends the process and its children.
func (p *Proc) Stop() {
	if p.cmd.Process != nil {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = p.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	p.log.Close()
}
