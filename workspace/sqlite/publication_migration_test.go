package sqlite_test

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"sort"
	"testing"

	"tawla/schema"
)

// openAtSchemaBefore creates a database file whose schema stops before
// the migration named first (every earlier one applied and recorded), and
// returns its path with a raw connection to it.
func openAtSchemaBefore(t *testing.T, first string) (string, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tawla.db")
	conn, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := conn.Exec(`CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMP NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	names, err := fs.Glob(schema.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	for _, name := range names {
		if name >= first {
			break
		}
		body, err := fs.ReadFile(schema.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := conn.Exec(`INSERT INTO schema_migrations (name, applied_at) VALUES (?, '2026-12-01 10:00:00')`, name); err != nil {
			t.Fatal(err)
		}
	}
	return path, conn
}

// TestMigrationTranslationSource opens a database made before
// 0013_translation_source.sql, whose register holds a French edition, its
// Arabic translation and a second French edition that applies from 2099,
// with the full-text index holding the latest edition of each language
// only: the migration records that the translation follows French
// edition 1, and opening indexes the first French edition, which the
// search then finds as the one in force.
func TestMigrationTranslationSource(t *testing.T) {
	ctx := context.Background()
	path, conn := openAtSchemaBefore(t, "0013")
	for _, stmt := range []string{
		`INSERT INTO register_entries (id, year, seq, category, created_at) VALUES (1, 2026, 1, 'referral_pathway', '2026-11-01 10:00:00')`,
		`INSERT INTO publications (id, entry_id, language, edition, procedure_id, version_id, version_number, category, title, content, content_sha256, effective_on, published_at)
			VALUES (1, 1, 'fr', 1, 1, 1, 1, 'referral_pathway', 'Orientation', 'ancienne orientation', printf('%064d', 1), '2026-11-01', '2026-11-01 10:00:00')`,
		`INSERT INTO publications (id, entry_id, language, edition, procedure_id, version_id, version_number, category, title, content, content_sha256, effective_on, published_at)
			VALUES (2, 1, 'ar', 1, 2, 2, 1, 'referral_pathway', 'توجيه', 'توجيه قديم', printf('%064d', 2), '2026-11-01', '2026-11-02 10:00:00')`,
		`INSERT INTO publications (id, entry_id, language, edition, procedure_id, version_id, version_number, category, title, content, content_sha256, effective_on, published_at)
			VALUES (3, 1, 'fr', 2, 1, 3, 2, 'referral_pathway', 'Orientation', 'nouvelle permanence', printf('%064d', 3), '2099-01-01', '2026-11-03 10:00:00')`,
		`INSERT INTO publications_fts (rowid, title, body) VALUES (2, 'توجيه', 'توجيه قديم'), (3, 'orientation', 'nouvelle permanence')`,
	} {
		if _, err := conn.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	conn.Close()

	db := mustOpenPath(t, path)
	e, err := db.FindRegisterEntryByID(ctx, registerDay, 1)
	if err != nil {
		t.Fatal(err)
	}
	fr, ar := e.CurrentIn("fr"), e.CurrentIn("ar")
	if fr == nil || fr.Edition != 1 || fr.SourceEdition != 0 || ar == nil || ar.SourceEdition != 1 {
		t.Fatalf("current French %+v, Arabic %+v", fr, ar)
	}
	if next := e.NextIn("fr"); next == nil || next.Edition != 2 || next.SourceEdition != 0 {
		t.Errorf("next French edition %+v", next)
	}
	if n := mustCountRows(t, db, "publications_fts"); n != 3 {
		t.Errorf("%d editions indexed after opening, want 3", n)
	}
	if hits, err := db.SearchPublications(ctx, registerDay, "orientation", 10); err != nil || len(hits) != 1 || hits[0].ID != 1 {
		t.Errorf("search the edition in force: %d hits, %v", len(hits), err)
	}
}
