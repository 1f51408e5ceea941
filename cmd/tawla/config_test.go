package main

import (
	"flag"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
)

// readmeFlagRow is one row of README.md's configuration table.
type readmeFlagRow struct {
	env, def string
}

// readmeFlagRows reads the configuration table of README.md: the rows of
// the table under "## Configuration" whose first cell names a flag.
func readmeFlagRows(t *testing.T) map[string]readmeFlagRow {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Configuration\n")
	if !ok {
		t.Fatal(`README.md has no "## Configuration" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	row := regexp.MustCompile("(?m)^\\| `-([a-z-]+)` \\| `([A-Z_]+)` \\| ([^|]*) \\|")
	rows := map[string]readmeFlagRow{}
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		rows[m[1]] = readmeFlagRow{env: m[2], def: strings.Trim(strings.TrimSpace(m[3]), "`")}
	}
	if len(rows) == 0 {
		t.Fatal("README.md's configuration table has no row")
	}
	return rows
}

// TestServeFlagsDocumented checks README.md's configuration table against
// the flags of tawla serve: every flag has a row with its environment
// variable and its default, every row names a flag, and setting the
// variable does set the flag.
func TestServeFlagsDocumented(t *testing.T) {
	rows := readmeFlagRows(t)
	var cfg Config
	fs := newServeFlags(&cfg, io.Discard)
	seen := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) {
		seen[f.Name] = true
		row, ok := rows[f.Name]
		if !ok {
			t.Errorf("README.md's configuration table has no row for -%s", f.Name)
			return
		}
		if want := envName(f.Name); row.env != want {
			t.Errorf("README.md: -%s reads %s, not %s", f.Name, want, row.env)
		}
		// An empty default is worked out after parsing (-base-url's is
		// http://ADDR): the table says it in words.
		if f.DefValue != "" && row.def != f.DefValue {
			t.Errorf("README.md: -%s defaults to %q, not %q", f.Name, f.DefValue, row.def)
		}
	})
	for name := range rows {
		if !seen[name] {
			t.Errorf("README.md's configuration table has a row for -%s, which tawla serve does not have", name)
		}
	}
	for name, row := range rows {
		if !seen[name] {
			continue
		}
		t.Run(row.env, func(t *testing.T) {
			// A value every flag accepts, a string or a number alike.
			t.Setenv(row.env, "4242")
			var cfg Config
			fs := newServeFlags(&cfg, io.Discard)
			if err := parseServeArgs(fs, nil); err != nil {
				t.Fatal(err)
			}
			if got := fs.Lookup(name).Value.String(); got != "4242" {
				t.Errorf("with %s=4242, -%s = %q", row.env, name, got)
			}
		})
	}
}

// TestServeFlagsEnvironmentRefused checks that a bad value in the
// environment stops serve with the variable's name, as a bad flag would,
// and that a flag given on the command line wins over it.
func TestServeFlagsEnvironmentRefused(t *testing.T) {
	t.Setenv("TAWLA_MAX_MESSAGE", "a lot")
	_, err := parseServeFlags(nil, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "TAWLA_MAX_MESSAGE") {
		t.Errorf("TAWLA_MAX_MESSAGE=\"a lot\": err = %v, want a refusal naming the variable", err)
	}
	cfg, err := parseServeFlags([]string{"-max-message", "2048"}, io.Discard)
	if err != nil {
		t.Fatalf("a flag over a bad variable: %v", err)
	}
	if got, want := cfg.MaxMessage, int64(2048); got != want {
		t.Errorf("MaxMessage = %d, want %d", got, want)
	}
}
