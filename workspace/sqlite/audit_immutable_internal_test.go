package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"tawla/workspace"
)

// TestAuditLogImmutable checks that the database itself refuses to update
// or delete audit entries, through the store's own writer, while new
// entries are still added.
func TestAuditLogImmutable(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "tawla.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	org := &workspace.Organisation{NameFR: "Croissant-Rouge", College: workspace.CollegeState}
	if err := db.CreateOrganisation(ctx, workspace.SystemActor("test"), org); err != nil {
		t.Fatal(err)
	}
	count := func() (n int) {
		t.Helper()
		if err := db.write.GetContext(ctx, &n, `SELECT COUNT(*) FROM audit_log`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	if before == 0 {
		t.Fatal("no audit entry to change")
	}
	for _, stmt := range []string{
		`UPDATE audit_log SET actor_name = 'someone else'`,
		`UPDATE audit_log SET after_json = '' WHERE id = (SELECT MAX(id) FROM audit_log)`,
		`DELETE FROM audit_log`,
		`DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)`,
		`INSERT OR REPLACE INTO audit_log (id, at, actor_name, action, entity_type, entity_id) SELECT id, at, 'forged', action, entity_type, entity_id FROM audit_log`,
	} {
		_, err := db.write.ExecContext(ctx, stmt)
		if err == nil || !strings.Contains(err.Error(), "audit log cannot be changed") {
			t.Errorf("%s: err = %v, want the trigger's refusal", stmt, err)
		}
	}
	var names []string
	if err := db.write.SelectContext(ctx, &names, `SELECT actor_name FROM audit_log`); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if n != "test" {
			t.Errorf("an entry's actor became %q", n)
		}
	}
	if got := count(); got != before {
		t.Errorf("%d audit entries after the refusals, want %d", got, before)
	}
	org.Contact = "contact@example.tn"
	if err := db.UpdateOrganisation(ctx, workspace.SystemActor("test"), org); err != nil {
		t.Fatalf("a change recorded after the refusals: %v", err)
	}
	if got := count(); got != before+1 {
		t.Errorf("%d audit entries after a new change, want %d", got, before+1)
	}
}
