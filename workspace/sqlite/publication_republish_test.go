package sqlite_test

import (
	"context"
	"testing"

	"tawla/workspace"
)

// TestPublishAfterWithdrawal: once its entry is withdrawn, a procedure's
// next adopted version is published as a new entry, PROC-2026-002, whose
// later editions then follow it; the withdrawn entry stays withdrawn with
// its procedure and edition, readable, and both are in the register. The
// version already published, or an older one, is still refused, and the
// procedure is held by one entry at a time.
func TestPublishAfterWithdrawal(t *testing.T) {
	ctx := context.Background()
	rt := newRegisterTable(t)
	proc := rt.procedure(t, "Accueil au guichet", "fr", workspace.CategoryReferralPathway, "# Accueil\n\nv1", "# Accueil\n\nv2", "# Accueil\n\nv3")
	rt.adopt(t, proc, 1)
	rt.adopt(t, proc, 2)
	first := rt.publish(t, request(proc, 1))
	if err := rt.db.WithdrawEntry(ctx, rt.staff, first.EntryID, "Texte à revoir.", 0); err != nil {
		t.Fatal(err)
	}
	if e, err := rt.db.FindProcedureEntry(ctx, registerDay, proc.ID); err != nil || e.ID != first.EntryID || e.Status() != workspace.RegisterWithdrawn {
		t.Fatalf("FindProcedureEntry after the withdrawal = %+v, %v, want the withdrawn entry", e, err)
	}

	// The version published in the withdrawn entry is not published again.
	rt.mustUnchanged(t, workspace.ECONFLICT, func() error {
		_, err := rt.db.Publish(ctx, rt.staff, request(proc, 1))
		return err
	})

	second := rt.publish(t, request(proc, 2))
	if second.EntryID == first.EntryID || second.Identifier != "PROC-2026-002" || second.Edition != 1 {
		t.Fatalf("the next version after the withdrawal = %s edition %d in entry %d, want a new entry PROC-2026-002, edition 1",
			second.Identifier, second.Edition, second.EntryID)
	}
	old := rt.entry(t, first.EntryID)
	if old.Status() != workspace.RegisterWithdrawn || old.Identifier() != first.Identifier || old.WithdrawalReason != "Texte à revoir." ||
		old.Procedures["fr"] != proc.ID || len(old.Current) != 1 || old.Current[0].ID != first.ID || old.ReplacedBy != nil {
		t.Errorf("the withdrawn entry after the new one = %+v", old)
	}
	fresh := rt.entry(t, second.EntryID)
	if fresh.Status() != workspace.RegisterInForce || fresh.Procedures["fr"] != proc.ID || len(fresh.Current) != 1 || fresh.Current[0].ID != second.ID {
		t.Errorf("the new entry = %+v", fresh)
	}
	if e, err := rt.db.FindProcedureEntry(ctx, registerDay, proc.ID); err != nil || e.ID != second.EntryID {
		t.Errorf("FindProcedureEntry after the new entry = %+v, %v, want the new entry", e, err)
	}
	entries, err := rt.db.FindRegisterEntries(ctx, registerDay)
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, e := range entries {
		listed = append(listed, e.Identifier()+" "+string(e.Status()))
	}
	if len(listed) != 2 || listed[0] != "PROC-2026-001 withdrawn" || listed[1] != "PROC-2026-002 in_force" {
		t.Errorf("the register lists %v, want the withdrawn entry and the new one", listed)
	}
	if got := mustAuditEntries(t, rt.db, workspace.AuditFilter{Action: workspace.AuditPublicationPublish, EntityID: &second.EntryID}); len(got) != 1 {
		t.Errorf("%d publication audit entries on the new entry, want 1", len(got))
	}

	// The next version goes into the new entry.
	rt.adopt(t, proc, 3)
	third := rt.publish(t, request(proc, 3))
	if third.EntryID != second.EntryID || third.Edition != 2 {
		t.Errorf("the version after = %s edition %d, want %s edition 2", third.Identifier, third.Edition, second.Identifier)
	}

	// A procedure is held by one entry at a time.
	if err := execDirect(t, rt.db, `INSERT INTO register_procedures (entry_id, language, procedure_id) VALUES (?, 'ar', ?)`, first.EntryID, proc.ID); err == nil {
		t.Error("the register took a second entry holding the procedure")
	}
}
