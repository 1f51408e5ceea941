package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
)

// Report collects the benchmark's figures: named numbers for
// results.json, and rows for the printed table. It is safe for concurrent
// use.
type Report struct {
	mu      sync.Mutex
	results map[string]float64
	rows    [][]string
}

// NewReport returns an empty report.
func NewReport() *Report {
	return &Report{results: map[string]float64{}}
}

// Set records a named figure. Names are dotted, lower case, and documented
// in docs/benchmarks.md: step.subject.measure_unit, e.g.
// "replay.automerge-paper.total_ms".
func (r *Report) Set(name string, v float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.results[name] = v
}

// Get returns a figure recorded earlier and whether it exists.
func (r *Report) Get(name string) (float64, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.results[name]
	return v, ok
}

// Row adds a row to the printed table: the step, what was measured, and
// the figure with its unit.
func (r *Report) Row(step, what, figure string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rows = append(r.rows, []string{step, what, figure})
}

// Print writes the table.
func (r *Report) Print(w io.Writer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "step\tmeasure\tfigure")
	fmt.Fprintln(tw, "----\t-------\t------")
	for _, row := range r.rows {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
}

// WriteJSON writes the figures as one flat JSON object, names sorted.
func (r *Report) WriteJSON(path string) error {
	r.mu.Lock()
	names := make([]string, 0, len(r.results))
	for k := range r.results {
		names = append(names, k)
	}
	sort.Strings(names)
	ordered := make(map[string]float64, len(names))
	for _, k := range names {
		ordered[k] = r.results[k]
	}
	r.mu.Unlock()
	b, err := json.MarshalIndent(ordered, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
