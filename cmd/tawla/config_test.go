package main

import (
	"flag"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
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

// TestServeTrustedProxyFlag checks that -trusted-proxy (and
// TAWLA_TRUSTED_PROXY) is read into the server's trusted networks, and
// that a malformed value stops serve with a message naming the flag, the
// variable and the bad entry.
func TestServeTrustedProxyFlag(t *testing.T) {
	cfg, err := parseServeFlags([]string{"-trusted-proxy", "10.0.0.0/8, 192.0.2.1"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.TrustedProxies) != 2 || cfg.TrustedProxies[0].String() != "10.0.0.0/8" || cfg.TrustedProxies[1].String() != "192.0.2.1/32" {
		t.Errorf("TrustedProxies = %v, want [10.0.0.0/8 192.0.2.1/32]", cfg.TrustedProxies)
	}
	if cfg, err := parseServeFlags(nil, io.Discard); err != nil || len(cfg.TrustedProxies) != 0 {
		t.Errorf("no flag: %v, %v; want no trusted proxy", cfg.TrustedProxies, err)
	}
	for _, args := range [][]string{{"-trusted-proxy", "10.0.0.0/33"}, {"-trusted-proxy", "proxy.example.tn"}} {
		_, err := parseServeFlags(args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "-trusted-proxy") || !strings.Contains(err.Error(), "TAWLA_TRUSTED_PROXY") || !strings.Contains(err.Error(), args[1]) {
			t.Errorf("%v: err = %v, want a refusal naming the flag and the entry", args, err)
		}
	}
	t.Setenv("TAWLA_TRUSTED_PROXY", "10.0.0.1;10.0.0.2")
	if _, err := parseServeFlags(nil, io.Discard); err == nil {
		t.Error("TAWLA_TRUSTED_PROXY=10.0.0.1;10.0.0.2 accepted")
	}
}

// TestServeSessionIdleFlag checks that -session-idle (and
// TAWLA_SESSION_IDLE) sets the idle limit of sessions, that its default is
// eight hours, and that a value that is no duration, or too short to work,
// stops serve with a message naming the flag.
func TestServeSessionIdleFlag(t *testing.T) {
	cfg, err := parseServeFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SessionIdleLimit != 8*time.Hour {
		t.Errorf("default SessionIdleLimit = %v, want 8h", cfg.SessionIdleLimit)
	}
	if cfg, err = parseServeFlags([]string{"-session-idle", "45m"}, io.Discard); err != nil || cfg.SessionIdleLimit != 45*time.Minute {
		t.Errorf("-session-idle 45m: %v, %v; want 45m", cfg.SessionIdleLimit, err)
	}
	for _, bad := range []string{"eight hours", "8", "1m", "-1h"} {
		_, err := parseServeFlags([]string{"-session-idle", bad}, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "-session-idle") || !strings.Contains(err.Error(), "TAWLA_SESSION_IDLE") {
			t.Errorf("-session-idle %q: err = %v, want a refusal naming the flag", bad, err)
		}
	}
}
