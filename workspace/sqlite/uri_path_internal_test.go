package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestOpenPathWithURICharacters opens databases whose paths hold the
// characters a "file:" URI reads as its own — '#', '?', '%' — and checks
// that each is written at its very path, and nothing beside it at the
// path cut where the character stands.
func TestOpenPathWithURICharacters(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"a#b.db", "a?b.db", "a%20b.db", "données#2?x=1%.db"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, name)
			db, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.write.ExecContext(ctx, `CREATE TABLE probe (x INTEGER)`); err != nil {
				t.Fatal(err)
			}
			db.Close()
			again, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer again.Close()
			var n int
			if err := again.read.GetContext(ctx, &n, `SELECT COUNT(*) FROM sqlite_schema WHERE name = 'probe'`); err != nil || n != 1 {
				t.Fatalf("the table written is not in %s when opened again: %d, %v", path, n, err)
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if base := e.Name(); base != name && base != name+"-wal" && base != name+"-shm" {
					t.Errorf("%s written beside %s", base, name)
				}
			}
		})
	}
}
