package sqlite_test

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"tawla/schema"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// mustDatabaseAt creates a database file with the migrations up to and
// including last applied as the store applies them (foreign keys on, each
// in a transaction, recorded in schema_migrations), then runs fill on it,
// and returns its path.
func mustDatabaseAt(t *testing.T, last string, fill func(*sql.Tx) error) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.db")
	conn, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on&_journal_mode=WAL")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	if _, err := conn.Exec(`CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMP NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	names, err := fs.Glob(schema.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	for _, name := range names {
		if name > last {
			break
		}
		body, err := fs.ReadFile(schema.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		tx, err := conn.Begin()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := tx.Exec(`INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, name, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	tx, err := conn.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if err := fill(tx); err != nil {
		t.Fatalf("fill the database at %s: %v", last, err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestMigrationMeetingCancel: a database at 0011 with meetings that other
// tables point at (invitees, agenda items carried over from an earlier
// meeting, decisions, actions, a poll, minutes) migrates to 0012 with every
// row, reference and index kept; the meetings can then be cancelled, and
// the CHECK still refuses a status no code knows.
func TestMigrationMeetingCancel(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	path := mustDatabaseAt(t, "0011_minutes_index.sql", func(tx *sql.Tx) error {
		for _, q := range []struct {
			query string
			args  []any
		}{
			{`INSERT INTO organisations (id, name_fr, name_ar, college, created_at, updated_at) VALUES (1, 'Gouvernorat de Mahdia', 'ولاية المهدية', 'state', ?, ?)`, []any{at, at}},
			{`INSERT INTO accounts (id, name, email, organisation_id, role, created_at, updated_at) VALUES (1, 'Sonia', 'sonia@example.tn', 1, 'secretariat', ?, ?)`, []any{at, at}},
			{`INSERT INTO documents (id, kind, created_at, updated_at) VALUES (1, 'minutes', ?, ?)`, []any{at, at}},
			{`INSERT INTO meetings (id, title, kind, language, starts_at, ends_at, status, quorum_rule, minutes_document_id, started_at, closed_at, carried_over, created_by, created_at, updated_at)
				VALUES (1, 'Plénière de janvier', 'plenary', 'fr', ?, ?, 'closed', 'half_plus_one', 1, ?, ?, TRUE, 1, ?, ?)`, []any{at, at.Add(2 * time.Hour), at, at.Add(2 * time.Hour), at, at}},
			{`INSERT INTO meetings (id, title, kind, language, starts_at, ends_at, place, status, quorum_rule, created_by, created_at, updated_at)
				VALUES (2, 'اجتماع فيفري', 'plenary', 'ar', ?, ?, 'Salle du conseil', 'planned', 'none', 1, ?, ?)`, []any{at.AddDate(0, 1, 0), at.AddDate(0, 1, 0).Add(time.Hour), at, at}},
			{`INSERT INTO meeting_invitees (meeting_id, account_id, attendance) VALUES (1, 1, 'present'), (2, 1, 'invited')`, nil},
			{`INSERT INTO agenda_items (id, meeting_id, position, kind, title, created_at, updated_at) VALUES (1, 1, 1, 'ordinary', 'Ouverture', ?, ?)`, []any{at, at}},
			{`INSERT INTO agenda_items (id, meeting_id, position, kind, title, source_meeting_id, created_at, updated_at) VALUES (2, 2, 1, 'minutes_approval', '', 1, ?, ?)`, []any{at, at}},
			{`INSERT INTO agenda_items (id, meeting_id, position, kind, title, source_meeting_id, created_at, updated_at) VALUES (3, 2, 2, 'matters_arising', '', 1, ?, ?)`, []any{at, at}},
			{`INSERT INTO decisions (id, meeting_id, agenda_item_id, text, outcome, recorded_by, created_at, updated_at) VALUES (1, 1, 1, 'Adopté', 'adopted', 1, ?, ?)`, []any{at, at}},
			{`INSERT INTO actions (id, decision_id, meeting_id, title, owner_organisation_id, due_date, status, created_at, updated_at) VALUES (1, 1, 1, 'Liste des contacts', 1, '2026-02-01', 'open', ?, ?)`, []any{at, at}},
			{`INSERT INTO agenda_item_actions (agenda_item_id, action_id) VALUES (3, 1)`, nil},
		} {
			if _, err := tx.Exec(q.query, q.args...); err != nil {
				return err
			}
		}
		return nil
	})

	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open migrates 0012: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	applied, err := db.AppliedMigrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(applied, "0012_meeting_cancel.sql") {
		t.Fatalf("applied = %v, want 0012", applied)
	}

	closed, err := db.FindMeetingRecord(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	m := closed.Meeting
	if m.Title != "Plénière de janvier" || m.Status != workspace.MeetingClosed || !m.CarriedOver || m.MinutesDocumentID == nil ||
		*m.MinutesDocumentID != 1 || !m.StartsAt.Equal(at) || m.CancelledAt != nil || m.CancelReason != "" || m.Sequence() != 0 {
		t.Errorf("closed meeting after migration = %+v", m)
	}
	if len(closed.Items) != 1 || closed.Items[0].Decision == nil || len(closed.Items[0].Decision.Actions) != 1 || len(closed.Invitees) != 1 {
		t.Errorf("closed meeting's record after migration: %d items, %d invitees", len(closed.Items), len(closed.Invitees))
	}
	planned, err := db.FindMeetingRecord(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if p := planned.Meeting; p.Title != "اجتماع فيفري" || p.Status != workspace.MeetingPlanned || p.Place != "Salle du conseil" {
		t.Errorf("planned meeting after migration = %+v", p)
	}
	if len(planned.Items) != 2 || planned.Items[0].SourceMeetingTitle != "Plénière de janvier" || len(planned.Items[1].Actions) != 1 {
		t.Errorf("planned meeting's carried items after migration = %+v", planned.Items)
	}

	// The schema holds what it held: foreign keys, indexes.
	conn, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var violations int
	if err := conn.QueryRow(`SELECT COUNT(*) FROM pragma_foreign_key_check`).Scan(&violations); err != nil {
		t.Fatal(err)
	}
	if violations != 0 {
		t.Errorf("%d foreign key violations after the migration", violations)
	}
	var indexes []string
	rows, err := conn.Query(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'meetings' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		indexes = append(indexes, name)
	}
	rows.Close()
	if want := []string{"meetings_minutes_document", "meetings_starts_at"}; !slices.Equal(indexes, want) {
		t.Errorf("indexes on meetings = %v, want %v", indexes, want)
	}
	var leftover int
	if err := conn.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'meetings_before_cancel'`).Scan(&leftover); err != nil {
		t.Fatal(err)
	}
	if leftover != 0 {
		t.Error("the migration left its copy of the old table")
	}

	// The new status works, and hands the carried items on to the next
	// meeting created.
	staff := workspace.ActorFor(&workspace.Account{ID: 1, Role: workspace.RoleSecretariat, Active: true})
	if _, err := db.CancelMeeting(ctx, staff, 2, "Salle indisponible"); err != nil {
		t.Fatalf("CancelMeeting after migration: %v", err)
	}
	// A status no code knows is still refused by the table.
	w, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Exec(`UPDATE meetings SET status = 'postponed' WHERE id = 2`); err == nil {
		t.Error("the meetings table took an unknown status")
	}
	if _, err := w.Exec(`UPDATE meetings SET cancelled_at = NULL WHERE id = 2`); err == nil {
		t.Error("a cancelled meeting lost its time of cancellation")
	}
}
