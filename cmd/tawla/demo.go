package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"tawla/demo"
	"tawla/workspace/sqlite"
)

// runDemo creates a new database file filled with the demo table. It refuses
// a file that already exists, so real data is never mixed with demo data.
// It holds the data file's lock while it fills it, as serve does, so that
// no server starts on a half-filled table.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", envOr("TAWLA_DATA", "data/tawla.db"), "new SQLite database file to fill (TAWLA_DATA)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, err := os.Stat(*data); err == nil {
		return fmt.Errorf("demo: %s already exists; the demo only fills a new file", *data)
	}
	if err := os.MkdirAll(filepath.Dir(*data), 0o750); err != nil {
		return err
	}
	lock, err := lockData(*data)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer lock.Release()
	// Checked again under the lock: a server may have created the file
	// between the first check and the lock.
	if _, err := os.Stat(*data); err == nil {
		return fmt.Errorf("demo: %s already exists; the demo only fills a new file", *data)
	}
	db, err := sqlite.Open(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := demo.Load(ctx, db); err != nil {
		db.Close()
		os.Remove(*data)
		return err
	}
	fmt.Fprintf(stdout, "Demo table written to %s (demo data: fictional people).\n", *data)
	fmt.Fprintf(stdout, "Demo logins, password %q: %s, %s, %s, %s\n", demo.Password,
		demo.AdminEmail, demo.SecretariatEmail, demo.MemberEmail, demo.StakeholderEmail)
	return nil
}
