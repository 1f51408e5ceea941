package sqlite_test

import (
	"context"
	"testing"
	"time"
)

// TestMigrationConsultationOpens opens a database made before
// 0016_consultation_opens.sql, with a consultation still open: after the
// migration it reads back open from its creation (no opening date), on
// its version, until its closing date, and the secretariat can close it.
func TestMigrationConsultationOpens(t *testing.T) {
	ctx := context.Background()
	path, conn := openAtSchemaBefore(t, "0016")
	for _, stmt := range []string{
		`INSERT INTO documents (id, kind, version, created_at, updated_at) VALUES (1, 'procedure_draft', 0, '2026-11-01 10:00:00', '2026-11-01 10:00:00')`,
		`INSERT INTO procedures (id, title, language, category, document_id, created_at, updated_at) VALUES (1, 'Accueil', 'fr', 'other', 1, '2026-11-01 10:00:00', '2026-11-01 10:00:00')`,
		`INSERT INTO consultations (id, procedure_id, opened_by, closes_at, created_at, version_number) VALUES (1, 1, NULL, '2099-01-01 10:00:00', '2026-11-02 10:00:00', NULL)`,
	} {
		if _, err := conn.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	conn.Close()

	db := mustOpenPath(t, path)
	c, err := db.FindConsultation(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	if c.OpensAt != nil || !c.OpenAt(now) || c.NotOpenYetAt(now) || c.ClosesAt.Year() != 2099 {
		t.Errorf("after the migration the consultation opens at %v, open %v, closes at %v", c.OpensAt, c.OpenAt(now), c.ClosesAt)
	}
}
