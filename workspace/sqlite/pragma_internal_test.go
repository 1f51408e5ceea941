package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestPragmas checks the settings every connection must carry: WAL,
// foreign keys, a busy timeout; the writer syncs at every commit and the
// readers may not write.
func TestPragmas(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "tawla.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The readiness check shortens the writer's busy timeout to its
	// context's deadline; the pragmas below must hold after it.
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if err := db.CheckWritable(short); err != nil {
		t.Fatalf("CheckWritable: %v", err)
	}
	for _, tt := range []struct {
		name, pragma string
		want         string
	}{
		{"JournalMode", "journal_mode", "wal"},
		{"ForeignKeys", "foreign_keys", "1"},
		{"BusyTimeout", "busy_timeout", "10000"},
		{"SynchronousFull", "synchronous", "2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			if err := db.write.GetContext(ctx, &got, "PRAGMA "+tt.pragma); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("writer PRAGMA %s = %s, want %s", tt.pragma, got, tt.want)
			}
		})
	}
	var queryOnly string
	if err := db.read.GetContext(ctx, &queryOnly, "PRAGMA query_only"); err != nil {
		t.Fatal(err)
	}
	if queryOnly != "1" {
		t.Errorf("reader PRAGMA query_only = %s, want 1", queryOnly)
	}
	if _, err := db.read.ExecContext(ctx, `INSERT INTO organisations (name_fr, college, created_at, updated_at) VALUES ('x', 'state', 0, 0)`); err == nil {
		t.Error("a reader connection wrote to the database")
	}
}

// TestPragmaSynchronous checks that the writer syncs as Options says (the
// serve flag -synchronous): FULL by default, NORMAL when asked, and that
// the readers are opened alike whatever the choice.
func TestPragmaSynchronous(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		opts Options
		want string // PRAGMA synchronous: 1 NORMAL, 2 FULL
	}{
		{Options{}, "2"},
		{Options{Synchronous: SynchronousFull}, "2"},
		{Options{Synchronous: SynchronousNormal}, "1"},
	} {
		t.Run(string(tt.opts.Synchronous), func(t *testing.T) {
			db, err := OpenWith(ctx, filepath.Join(t.TempDir(), "tawla.db"), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var got string
			if err := db.write.GetContext(ctx, &got, "PRAGMA synchronous"); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("writer PRAGMA synchronous = %s, want %s", got, tt.want)
			}
			var queryOnly string
			if err := db.read.GetContext(ctx, &queryOnly, "PRAGMA query_only"); err != nil {
				t.Fatal(err)
			}
			if queryOnly != "1" {
				t.Errorf("reader PRAGMA query_only = %s, want 1", queryOnly)
			}
		})
	}
	if _, err := OpenWith(ctx, filepath.Join(t.TempDir(), "tawla.db"), Options{Synchronous: "off"}); err == nil {
		t.Error("OpenWith accepted synchronous=off")
	}
	for in, want := range map[string]Synchronous{"full": SynchronousFull, "NORMAL": SynchronousNormal, " Normal ": SynchronousNormal} {
		if got, err := ParseSynchronous(in); err != nil || got != want {
			t.Errorf("ParseSynchronous(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "off", "extra", "4242"} {
		if _, err := ParseSynchronous(in); err == nil {
			t.Errorf("ParseSynchronous(%q) accepted", in)
		}
	}
}
