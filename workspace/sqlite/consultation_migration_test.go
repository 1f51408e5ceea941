package sqlite_test

import (
	"context"
	"testing"
	"time"
)

// TestMigrationConsultationOpens opens a database made before
// 0016_consultation_opens_notifications.sql, with a consultation still
// open and an unread notification about an issue: after the migration the
// consultation reads back open from its creation (no opening date) until
// its closing date, and the notification is kept as it was.
func TestMigrationConsultationOpens(t *testing.T) {
	ctx := context.Background()
	path, conn := openAtSchemaBefore(t, "0016")
	for _, stmt := range []string{
		`INSERT INTO documents (id, kind, version, created_at, updated_at) VALUES (1, 'procedure_draft', 0, '2026-11-01 10:00:00', '2026-11-01 10:00:00')`,
		`INSERT INTO procedures (id, title, language, category, document_id, created_at, updated_at) VALUES (1, 'Accueil', 'fr', 'other', 1, '2026-11-01 10:00:00', '2026-11-01 10:00:00')`,
		`INSERT INTO consultations (id, procedure_id, opened_by, closes_at, created_at, version_number) VALUES (1, 1, NULL, '2099-01-01 10:00:00', '2026-11-02 10:00:00', NULL)`,
		`INSERT INTO organisations (id, name_fr, college, created_at, updated_at) VALUES (1, 'Association', 'civil_society', '2026-11-01 10:00:00', '2026-11-01 10:00:00')`,
		`INSERT INTO accounts (id, name, email, organisation_id, role, created_at, updated_at) VALUES (1, 'Imen', 'imen@example.tn', 1, 'member', '2026-11-01 10:00:00', '2026-11-01 10:00:00')`,
		`INSERT INTO issues (id, title, category_id, status, priority, reporter_id, created_at, updated_at) VALUES (1, 'Cartes de séjour', 1, 'open', 'normal', 1, '2026-11-01 10:00:00', '2026-11-01 10:00:00')`,
		`INSERT INTO issue_events (id, issue_id, kind, actor_id, created_at) VALUES (1, 1, 'created', 1, '2026-11-01 10:00:00')`,
		`INSERT INTO notifications (id, account_id, kind, issue_id, event_id, created_at) VALUES (7, 1, 'issue_new', 1, 1, '2026-11-01 10:00:00')`,
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
	list, err := db.FindNotifications(ctx, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != 7 || list[0].IssueID != 1 || list[0].IssueTitle != "Cartes de séjour" || list[0].ReadAt != nil || list[0].AboutComment() {
		t.Errorf("after the migration the notifications are %+v, want the unread one about issue 1", list)
	}
	if n, err := db.CountUnreadNotifications(ctx, 1); err != nil || n != 1 {
		t.Errorf("%d unread notifications (%v), want 1", n, err)
	}
}
