package sqlite_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// TestMigrationRegisterRepublish: a database from before
// 0017_register_republish.sql whose register holds an entry in force (in
// French and Arabic) and a withdrawn one migrates with every entry,
// procedure and edition kept, the withdrawn entry's procedure released
// and the others held; the withdrawn procedure's next adopted version
// then publishes as a new entry, while a second entry holding a held
// procedure is still refused.
func TestMigrationRegisterRepublish(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	withdrawnAt := at.Add(48 * time.Hour)
	// Every migration before 0017, whatever those numbered 0015 and 0016
	// are named: "0016~" sorts after them all.
	path := mustDatabaseAt(t, "0016~", func(tx *sql.Tx) error {
		for _, q := range []struct {
			query string
			args  []any
		}{
			{`INSERT INTO organisations (id, name_fr, name_ar, college, created_at, updated_at) VALUES (1, 'Gouvernorat de Mahdia', 'ولاية المهدية', 'state', ?, ?)`, []any{at, at}},
			{`INSERT INTO accounts (id, name, email, organisation_id, role, created_at, updated_at) VALUES (1, 'Leila', 'leila@example.tn', 1, 'secretariat', ?, ?)`, []any{at, at}},
			{`INSERT INTO documents (id, kind, created_at, updated_at) VALUES (1, 'procedure_draft', ?, ?), (2, 'procedure_draft', ?, ?), (3, 'procedure_draft', ?, ?)`, []any{at, at, at, at, at, at}},
			{`INSERT INTO procedures (id, title, language, category, document_id, created_by, created_at, updated_at) VALUES
				(1, 'Orientation', 'fr', 'referral_pathway', 1, 1, ?, ?),
				(2, 'توجيه', 'ar', 'referral_pathway', 2, 1, ?, ?),
				(3, 'Accueil au guichet', 'fr', 'service_standard', 3, 1, ?, ?)`, []any{at, at, at, at, at, at}},
			{`INSERT INTO procedure_versions (id, procedure_id, number, message, content, document_version, created_by, created_at, adopted_at) VALUES
				(1, 1, 1, 'v1', 'orientation', 0, 1, ?, ?),
				(2, 2, 1, 'v1', 'توجيه', 0, 1, ?, ?),
				(3, 3, 1, 'v1', 'accueil', 0, 1, ?, ?),
				(4, 3, 2, 'v2', 'accueil révisé', 0, 1, ?, ?)`, []any{at, at, at, at, at, at, at, at}},
			{`INSERT INTO register_entries (id, year, seq, category, created_at, created_by) VALUES (1, 2026, 1, 'referral_pathway', ?, 1)`, []any{at}},
			{`INSERT INTO register_entries (id, year, seq, category, created_at, created_by, withdrawn_at, withdrawn_by, withdrawal_reason)
				VALUES (2, 2026, 2, 'service_standard', ?, 1, ?, 1, 'Texte à revoir.')`, []any{at, withdrawnAt}},
			{`INSERT INTO register_procedures (entry_id, language, procedure_id) VALUES (1, 'fr', 1), (1, 'ar', 2), (2, 'fr', 3)`, nil},
			{`INSERT INTO publications (id, entry_id, language, edition, procedure_id, version_id, version_number, category, title, content, content_sha256, effective_on, published_at, published_by)
				VALUES (1, 1, 'fr', 1, 1, 1, 1, 'referral_pathway', 'Orientation', 'orientation', printf('%064d', 1), '2026-11-02', ?, 1),
				       (2, 1, 'ar', 1, 2, 2, 1, 'referral_pathway', 'توجيه', 'توجيه', printf('%064d', 2), '2026-11-02', ?, 1),
				       (3, 2, 'fr', 1, 3, 3, 1, 'service_standard', 'Accueil au guichet', 'accueil', printf('%064d', 3), '2026-11-02', ?, 1)`, []any{at, at, at}},
		} {
			if _, err := tx.Exec(q.query, q.args...); err != nil {
				return err
			}
		}
		return nil
	})

	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open migrates 0017: %v", err)
	}
	t.Cleanup(func() { db.Close() })

	conn, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(`SELECT entry_id, language, procedure_id, released_at IS NOT NULL FROM register_procedures ORDER BY entry_id, language`)
	if err != nil {
		t.Fatal(err)
	}
	type held struct {
		entry    int64
		language string
		proc     int64
		released bool
	}
	var got []held
	for rows.Next() {
		var h held
		if err := rows.Scan(&h.entry, &h.language, &h.proc, &h.released); err != nil {
			t.Fatal(err)
		}
		got = append(got, h)
	}
	rows.Close()
	want := []held{{1, "ar", 2, false}, {1, "fr", 1, false}, {2, "fr", 3, true}}
	if len(got) != len(want) {
		t.Fatalf("register_procedures after the migration = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("register_procedures row %d = %v, want %v", i, got[i], want[i])
		}
	}
	var leftover, violations int
	if err := conn.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'register_procedures_before_republish'`).Scan(&leftover); err != nil || leftover != 0 {
		t.Errorf("the migration left its copy of the old table (%d, %v)", leftover, err)
	}
	if err := conn.QueryRow(`SELECT COUNT(*) FROM pragma_foreign_key_check`).Scan(&violations); err != nil || violations != 0 {
		t.Errorf("%d foreign key violations after the migration (%v)", violations, err)
	}

	inForce, err := db.FindRegisterEntryByID(ctx, registerDay, 1)
	if err != nil {
		t.Fatal(err)
	}
	if inForce.Status() != workspace.RegisterInForce || inForce.Procedures["fr"] != 1 || inForce.Procedures["ar"] != 2 || len(inForce.Current) != 2 {
		t.Errorf("the entry in force after the migration = %+v", inForce)
	}
	gone, err := db.FindRegisterEntryByID(ctx, registerDay, 2)
	if err != nil {
		t.Fatal(err)
	}
	if gone.Status() != workspace.RegisterWithdrawn || gone.WithdrawalReason != "Texte à revoir." || gone.Procedures["fr"] != 3 ||
		gone.CurrentIn("fr") == nil || gone.CurrentIn("fr").Content != "accueil" {
		t.Errorf("the withdrawn entry after the migration = %+v", gone)
	}

	staff := workspace.ActorFor(&workspace.Account{ID: 1, OrganisationID: 1, Role: workspace.RoleSecretariat, Active: true})
	pub, err := db.Publish(ctx, staff, &workspace.PublishRequest{ProcedureID: 3, VersionNumber: 2, EffectiveOn: registerDay, Year: 2026})
	if err != nil {
		t.Fatalf("publish the withdrawn procedure's next version: %v", err)
	}
	if pub.Identifier != "PROC-2026-003" || pub.Edition != 1 || pub.EntryID == 2 {
		t.Errorf("the next version = %s edition %d in entry %d, want a new entry PROC-2026-003", pub.Identifier, pub.Edition, pub.EntryID)
	}
	if after, err := db.FindRegisterEntryByID(ctx, registerDay, 2); err != nil || after.Status() != workspace.RegisterWithdrawn || len(after.Current) != 1 {
		t.Errorf("the withdrawn entry after the new one = %+v, %v", after, err)
	}
	if err := execDirect(t, db, `INSERT INTO register_procedures (entry_id, language, procedure_id) VALUES (?, 'ar', 1)`, pub.EntryID); err == nil {
		t.Error("the register took a second entry holding a held procedure")
	}
}
