// Command bench measures Tawla's co-editing engine and server, and the
// collaboration servers people would otherwise pick, on the same machine
// with the same load. `make bench` runs every step; `make bench-quick` a
// reduced version of each. The figures are printed as one table and
// written to bench/out/results.json (a flat object of named numbers, each
// name documented in docs/benchmarks.md).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"tawla/workspace/sqlite"
)

// Env is what every step may use.
type Env struct {
	// Quick asks for the reduced version of each step.
	Quick bool
	// Root is the repository's root folder.
	Root string
	// TawlaBin is the tawla binary to start servers from.
	TawlaBin string
	// Work is a scratch folder for databases and logs, removed at the end.
	Work string
	// ServerCPU and LoadCPU are the cores the servers and the load
	// generator are pinned to ("" when the machine has one core).
	ServerCPU, LoadCPU string
	// Synchronous lists the durability settings (tawla serve
	// -synchronous) the durable and busy-room steps run Tawla under, each
	// in turn: "full" (the server's default) and/or "normal"; both unless
	// -synchronous says otherwise.
	Synchronous []string
}

// Step is one measurement of the benchmark.
type Step struct {
	Name string
	// Run measures and records its figures in rep. An error fails the
	// whole benchmark: a wrong final text must never go unnoticed.
	Run func(ctx context.Context, env *Env, rep *Report) error
}

// steps lists the benchmark's steps, in the order they run. Each lives in
// its own file.
var steps []Step

// register adds a step; each step's file calls it from an init function
// so that main.go lists no step by hand.
func register(s Step) { steps = append(steps, s) }

// loadGenProcs is how many Ps the load generator runs with on its one
// core. Left alone, the runtime gives a process pinned to one core one P,
// and then the counting readers' event loop, which serves hundreds of
// sockets in one pass on its own thread, and the authors' goroutines wait
// for one another: at 10 authors + 500 readers an author's send waited up
// to 20 ms behind a pass. With two, the kernel time-slices the loop's
// thread and the authors' on the core (docs/benchmarks.md, "A sixth full
// run").
const loadGenProcs = 2

func main() {
	quick := flag.Bool("quick", false, "run the reduced version of each step")
	out := flag.String("out", "bench/out/results.json", "where to write the figures")
	only := flag.String("steps", "", "comma-separated step names to run (default: all)")
	tawlaBin := flag.String("tawla", "bin/tawla", "the tawla binary")
	durability := flag.String("synchronous", "full,normal", "comma-separated durability settings (full, normal) to run Tawla under in the durable and busyroom steps")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// TAWLA_BENCH_CPUPROFILE names a file for a CPU profile of the load
	// generator (the benchmark process), for finding what it spends.
	if path := os.Getenv("TAWLA_BENCH_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	if err := run(ctx, *quick, *out, *only, *tawlaBin, *durability); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(ctx context.Context, quick bool, out, only, tawlaBin, durability string) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	var settings []string
	for _, v := range strings.Split(durability, ",") {
		if strings.TrimSpace(v) == "" {
			continue
		}
		s, err := sqlite.ParseSynchronous(v)
		if err != nil {
			return fmt.Errorf("-synchronous: %w", err)
		}
		if !slices.Contains(settings, string(s)) {
			settings = append(settings, string(s))
		}
	}
	if len(settings) == 0 {
		settings = []string{string(sqlite.SynchronousFull)}
	}
	work, err := os.MkdirTemp("", "tawla-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if !filepath.IsAbs(tawlaBin) {
		tawlaBin = filepath.Join(root, tawlaBin)
	}
	env := &Env{Quick: quick, Root: root, TawlaBin: tawlaBin, Work: work, Synchronous: settings}
	if runtime.NumCPU() >= 2 {
		env.ServerCPU, env.LoadCPU = "0", "1"
	}
	if err := pinSelf(env.LoadCPU); err != nil {
		return err
	}
	if env.LoadCPU != "" {
		runtime.GOMAXPROCS(loadGenProcs)
	}
	rep := NewReport()
	rep.Set("machine.cpus", float64(runtime.NumCPU()))
	rep.Set("machine.loadgen_procs", float64(runtime.GOMAXPROCS(0)))
	if quick {
		rep.Set("run.quick", 1)
	} else {
		rep.Set("run.quick", 0)
	}
	wanted := map[string]bool{}
	for _, name := range strings.Split(only, ",") {
		if name = strings.TrimSpace(name); name != "" {
			wanted[name] = true
		}
	}
	began := time.Now()
	for _, s := range steps {
		if len(wanted) > 0 && !wanted[s.Name] {
			continue
		}
		fmt.Fprintf(os.Stderr, "bench: %s…\n", s.Name)
		start := time.Now()
		if err := s.Run(ctx, env, rep); err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
		rep.Set("step."+s.Name+".seconds", time.Since(start).Seconds())
	}
	rep.Set("run.seconds", time.Since(began).Seconds())
	rep.Print(os.Stdout)
	return rep.WriteJSON(out)
}
