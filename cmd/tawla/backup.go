package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"tawla/workspace/sqlite"
)

// runBackup writes a consistent copy of the database (VACUUM INTO), safe to
// run while the server is serving: it takes no lock on the data file and
// opens it read-only, so it neither waits for the server nor migrates the
// file (a copy taken before an upgrade is the database the old version
// left). The copy is created 0600.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", envOr("TAWLA_DATA", "data/tawla.db"), "SQLite database file (TAWLA_DATA)")
	out := fs.String("out", "", "file to write the copy to (must not exist)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("backup: -out is required")
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("backup: %s already exists", *out)
	}
	if _, err := os.Stat(*data); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	db, err := sqlite.OpenReadOnly(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backup written to %s\n", *out)
	return nil
}
