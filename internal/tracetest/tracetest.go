// Package tracetest reads the shared editing traces (../shared/traces, see
// its README) for tests and Go benchmarks: a sequential trace as a list of
// edits counted in UTF-16 units, the texts it passes through, and each
// transaction as a change set in CodeMirror's JSON form. A test that finds
// no trace skips.
package tracetest

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

// Edit replaces Delete UTF-16 units at Pos with Insert.
type Edit struct {
	Pos    int
	Delete int
	Insert string
}

// Txn is one transaction of a trace: its edits, in the order they apply.
type Txn []Edit

// Trace is a sequential trace: the transactions that turn "" into End.
type Trace struct {
	Txns []Txn
	End  string
}

// Dir returns the folder of the traces, as the benchmark command finds
// it: $TAWLA_TRACES when set, else ../shared/traces beside the module's
// root (as the project's workspace keeps them), else /work/shared/traces
// (the same folder seen from a clone made elsewhere on the machine, as CI
// makes one).
func Dir() string {
	if d := os.Getenv("TAWLA_TRACES"); d != "" {
		return d
	}
	_, file, _, _ := runtime.Caller(0)
	candidates := []string{filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "traces"), "/work/shared/traces"}
	for _, d := range candidates {
		if _, err := os.Stat(filepath.Join(d, "README.md")); err == nil {
			return d
		}
	}
	return candidates[0]
}

// Load reads the sequential trace name (e.g. "automerge-paper"), skipping
// tb when it is not there.
func Load(tb testing.TB, name string) *Trace {
	tb.Helper()
	path := filepath.Join(Dir(), name+".json.gz")
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		tb.Skipf("no trace at %s (set TAWLA_TRACES)", path)
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	var raw struct {
		EndContent string `json:"endContent"`
		Txns       []struct {
			Patches [][3]json.RawMessage `json:"patches"`
		} `json:"txns"`
	}
	if err := json.NewDecoder(z).Decode(&raw); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	t := &Trace{End: raw.EndContent}
	// Positions in the file count code points; they are UTF-16 units too
	// as long as every character is in the Basic Multilingual Plane,
	// which Load checks (the shared traces are).
	for _, txn := range raw.Txns {
		var out Txn
		for _, p := range txn.Patches {
			var e Edit
			if json.Unmarshal(p[0], &e.Pos) != nil || json.Unmarshal(p[1], &e.Delete) != nil || json.Unmarshal(p[2], &e.Insert) != nil {
				tb.Fatalf("%s: malformed patch", path)
			}
			if strings.ContainsFunc(e.Insert, func(r rune) bool { return r > 0xFFFF }) {
				tb.Fatalf("%s: a character beyond the Basic Multilingual Plane", path)
			}
			out = append(out, e)
		}
		t.Txns = append(t.Txns, out)
	}
	if got := t.TextAt(len(t.Txns)); got != t.End {
		tb.Fatalf("%s: replay does not give endContent", path)
	}
	return t
}

// TextAt returns the text after the first n transactions (all of them
// when n exceeds them).
func (t *Trace) TextAt(n int) string {
	return t.TextsAt(n)[0]
}

// TextsAt returns the texts after the first n transactions for each n of
// points, in one replay (points in increasing order).
func (t *Trace) TextsAt(points ...int) []string {
	texts := make([]string, 0, len(points))
	var g gapText
	done := 0
	for _, n := range points {
		for ; done < min(n, len(t.Txns)); done++ {
			for _, e := range t.Txns[done] {
				g.replace(e.Pos, e.Delete, utf16.Encode([]rune(e.Insert)))
			}
		}
		texts = append(texts, g.String())
	}
	return texts
}

// gapText is a text of UTF-16 units with a gap where the last edit was,
// so that replaying a trace costs what its edits move, not the text's
// length at every edit.
type gapText struct {
	buf      []uint16
	gap, end int // the gap is buf[gap:end]
}

// replace replaces del units at pos with ins.
func (g *gapText) replace(pos, del int, ins []uint16) {
	if pos < g.gap {
		n := g.gap - pos
		copy(g.buf[g.end-n:g.end], g.buf[pos:g.gap])
		g.gap, g.end = pos, g.end-n
	} else if pos > g.gap {
		n := pos - g.gap
		copy(g.buf[g.gap:g.gap+n], g.buf[g.end:g.end+n])
		g.gap, g.end = pos, g.end+n
	}
	g.end += del
	if g.end-g.gap < len(ins) {
		after := len(g.buf) - g.end
		buf := make([]uint16, 2*len(g.buf)+len(ins)+64)
		copy(buf, g.buf[:g.gap])
		copy(buf[len(buf)-after:], g.buf[g.end:])
		g.buf, g.end = buf, len(buf)-after
	}
	copy(g.buf[g.gap:], ins)
	g.gap += len(ins)
}

// String returns the text.
func (g *gapText) String() string {
	return string(utf16.Decode(slices.Concat(g.buf[:g.gap], g.buf[g.end:])))
}

// ChangeSets returns every edit of the first n transactions (all when n
// exceeds them) as one change set in CodeMirror's JSON form, as the store
// keeps an update's changes.
func (t *Trace) ChangeSets(n int) []string {
	n = min(n, len(t.Txns))
	out := make([]string, 0, n)
	length := 0
	for _, txn := range t.Txns[:n] {
		for _, e := range txn {
			out = append(out, changeJSON(length, e))
			length += len(utf16.Encode([]rune(e.Insert))) - e.Delete
		}
	}
	return out
}

// changeJSON writes one edit of a text of length units as a change set,
// in the form CodeMirror writes (a deletion as [n], no empty part).
func changeJSON(length int, e Edit) string {
	var b strings.Builder
	b.WriteByte('[')
	if e.Pos > 0 {
		fmt.Fprintf(&b, "%d,", e.Pos)
	}
	if e.Insert == "" {
		fmt.Fprintf(&b, "[%d]", e.Delete)
	} else {
		lines, _ := json.Marshal(strings.Split(e.Insert, "\n"))
		fmt.Fprintf(&b, "[%d,%s", e.Delete, lines[1:])
	}
	if rest := length - e.Pos - e.Delete; rest > 0 {
		fmt.Fprintf(&b, ",%d", rest)
	}
	b.WriteByte(']')
	return b.String()
}
