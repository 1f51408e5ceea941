package main

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"unicode/utf16"
	"unicode/utf8"
)

// Trace is a recorded editing history from ../shared/traces (see its
// README): patches are [position, deleted, inserted] with positions and
// lengths in Unicode code points.
type Trace struct {
	StartContent string  `json:"startContent"`
	EndContent   string  `json:"endContent"`
	Kind         string  `json:"kind"`
	NumAgents    int     `json:"numAgents"`
	Txns         []TxnIn `json:"txns"`
}

// TxnIn is one transaction of a trace.
type TxnIn struct {
	Parents []int   `json:"parents"`
	Agent   int     `json:"agent"`
	Patches []Patch `json:"patches"`
}

// Patch is [position, deleteCount, "inserted text"], in code points.
type Patch struct {
	Pos    int
	Delete int
	Insert string
}

// UnmarshalJSON reads the array form of a patch.
func (p *Patch) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil || len(raw) != 3 {
		return fmt.Errorf("patch %s: want [pos, del, text]", b)
	}
	if err := json.Unmarshal(raw[0], &p.Pos); err != nil {
		return err
	}
	if err := json.Unmarshal(raw[1], &p.Delete); err != nil {
		return err
	}
	return json.Unmarshal(raw[2], &p.Insert)
}

// tracesDir returns the folder of the shared traces: $TAWLA_TRACES when
// set, else ../shared/traces beside the repository (where the project's
// workspace keeps them), else /work/shared/traces (the same folder seen
// from a clone made elsewhere on the machine).
func tracesDir(env *Env) string {
	if d := os.Getenv("TAWLA_TRACES"); d != "" {
		return d
	}
	candidates := []string{filepath.Join(env.Root, "..", "shared", "traces"), "/work/shared/traces"}
	for _, d := range candidates {
		if _, err := os.Stat(filepath.Join(d, "README.md")); err == nil {
			return d
		}
	}
	return candidates[0]
}

// LoadTrace reads and decompresses a trace by name (e.g. "automerge-paper").
func LoadTrace(env *Env, name string) (*Trace, error) {
	f, err := os.Open(filepath.Join(tracesDir(env), name+".json.gz"))
	if err != nil {
		return nil, fmt.Errorf("trace %s: %w (set TAWLA_TRACES to the traces folder)", name, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	var t Trace
	if err := json.NewDecoder(zr).Decode(&t); err != nil {
		return nil, fmt.Errorf("trace %s: %w", name, err)
	}
	return &t, nil
}

// UTF16Offset converts a code-point offset in s to UTF-16 units.
func UTF16Offset(s string, codePoints int) int {
	n := 0
	for i := 0; i < len(s) && codePoints > 0; codePoints-- {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n += utf16.RuneLen(r)
	}
	return n
}
