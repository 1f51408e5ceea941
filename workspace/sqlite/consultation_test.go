package sqlite_test

import (
	"context"
	"testing"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// TestConsultation_OpensAndClosesNow: a consultation announced for a later
// opening date refuses the stakeholders' comments until then, and opens
// by itself; only the secretariat closes it before its date, which then
// refuses comments, writes its audit entry, and cannot be done twice; an
// opening date after the closing date is refused. A refusal writes
// nothing.
func TestConsultation_OpensAndClosesNow(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clock := MustSetClock(db)
	org := MustCreateOrganisation(t, db, "Association des Tunisiens de retour")
	member := workspace.ActorFor(MustCreateAccount(t, db, org, "Fethi Hamdi", "fethi@example.tn", workspace.RoleMember))
	stakeholder := workspace.ActorFor(MustCreateAccount(t, db, org, "Imen Khelifi", "imen@example.tn", workspace.RoleStakeholder))
	secretariat := workspace.ActorFor(MustCreateAccount(t, db, org, "Amel Trabelsi", "amel@example.tn", workspace.RoleSecretariat))
	proc := &workspace.Procedure{Title: "Accueil", Language: "fr", Category: workspace.CategoryOther}
	if err := db.CreateProcedure(ctx, member, proc, "# Accueil\n\nLe délai est de dix jours.\n"); err != nil {
		t.Fatal(err)
	}
	comment := func(actor workspace.Actor) error {
		c := &workspace.Comment{Kind: workspace.KindComment, Body: "Remarque"}
		a := &workspace.Anchor{From: 27, To: 36, Quote: "dix jours"}
		return db.CreateDocumentAnchor(ctx, proc.DocumentID, 0, a, func(ctx context.Context, tx *sqlite.Tx, a *workspace.Anchor) error {
			return tx.CreateComment(ctx, actor, a, c)
		})
	}

	opens, closes := clock.Now().Add(24*time.Hour), clock.Now().Add(10*24*time.Hour)
	before := mustAuditCount(t, db)
	err := db.OpenConsultation(ctx, secretariat, &workspace.Consultation{ProcedureID: proc.ID, OpensAt: &closes, ClosesAt: opens})
	wantCode(t, err, workspace.EINVALID)
	if got := mustAuditCount(t, db); got != before {
		t.Errorf("a refused opening wrote %d audit entries", got-before)
	}

	cons := &workspace.Consultation{ProcedureID: proc.ID, OpensAt: &opens, ClosesAt: closes}
	if err := db.OpenConsultation(ctx, secretariat, cons); err != nil {
		t.Fatal(err)
	}
	found, err := db.FindConsultation(ctx, proc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if found.OpensAt == nil || !found.OpensAt.Equal(opens) || !found.NotOpenYetAt(clock.Now()) || found.OpenAt(clock.Now()) {
		t.Fatalf("the consultation read back opens at %v, announced %v, open %v", found.OpensAt, found.NotOpenYetAt(clock.Now()), found.OpenAt(clock.Now()))
	}
	if err := comment(stakeholder); workspace.ErrorKey(err) != "error.comment.consultation_not_open" {
		t.Errorf("a stakeholder's comment before the opening date: %v, want error.comment.consultation_not_open", err)
	}
	clock.Add(24 * time.Hour)
	if err := comment(stakeholder); err != nil {
		t.Errorf("a stakeholder's comment from the opening date: %v", err)
	}

	for _, actor := range []workspace.Actor{stakeholder, member} {
		before := mustAuditCount(t, db)
		_, err := db.CloseConsultation(ctx, actor, proc.ID)
		wantCode(t, err, workspace.EFORBIDDEN)
		if got := mustAuditCount(t, db); got != before {
			t.Errorf("a refused closing wrote %d audit entries", got-before)
		}
	}
	if err := comment(stakeholder); err != nil {
		t.Errorf("a refused closing closed the consultation: %v", err)
	}

	clock.Add(time.Hour)
	closed, err := db.CloseConsultation(ctx, secretariat, proc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !closed.ClosesAt.Equal(clock.Now()) || closed.OpenAt(clock.Now()) {
		t.Errorf("closed now, the consultation closes at %v, want %v", closed.ClosesAt, clock.Now())
	}
	entries, _, err := db.FindAuditEntries(ctx, workspace.AuditFilter{Action: workspace.AuditConsultationClose})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].EntityID != cons.ID {
		t.Errorf("%d audit entries of the closing, want 1 on the consultation", len(entries))
	}
	if err := comment(stakeholder); workspace.ErrorKey(err) != "error.comment.consultation_closed" {
		t.Errorf("a stakeholder's comment once closed: %v, want error.comment.consultation_closed", err)
	}
	if err := comment(member); err != nil {
		t.Errorf("a member's comment once closed: %v", err)
	}
	before = mustAuditCount(t, db)
	_, err = db.CloseConsultation(ctx, secretariat, proc.ID)
	wantCode(t, err, workspace.ECONFLICT)
	if got := mustAuditCount(t, db); got != before {
		t.Errorf("closing twice wrote %d audit entries", got-before)
	}

	// One announced and closed before it opened never opens.
	later := clock.Now().Add(48 * time.Hour)
	if err := db.OpenConsultation(ctx, secretariat, &workspace.Consultation{ProcedureID: proc.ID, OpensAt: &later, ClosesAt: later.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CloseConsultation(ctx, secretariat, proc.ID); err != nil {
		t.Fatal(err)
	}
	clock.Add(49 * time.Hour)
	if err := comment(stakeholder); workspace.ErrorKey(err) != "error.comment.consultation_closed" {
		t.Errorf("a stakeholder's comment after the date of a cancelled opening: %v", err)
	}
}

// TestAnnouncementWhileOpenRefused: announcing a consultation for later
// while another is open would end the open one at once (the latest
// decides), unconfirmed and unrecorded: it is refused, nothing written,
// and the open one still takes comments. Opening the next one from now
// still replaces it, and once the open one is closed the next may be
// announced.
func TestAnnouncementWhileOpenRefused(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clock := MustSetClock(db)
	org := MustCreateOrganisation(t, db, "Association des Tunisiens de retour")
	secretariat := workspace.ActorFor(MustCreateAccount(t, db, org, "Amel Trabelsi", "amel@example.tn", workspace.RoleSecretariat))
	proc := &workspace.Procedure{Title: "Accueil", Language: "fr", Category: workspace.CategoryOther}
	if err := db.CreateProcedure(ctx, secretariat, proc, "# Accueil\n\nLe délai est de dix jours.\n"); err != nil {
		t.Fatal(err)
	}
	day := 24 * time.Hour
	open := &workspace.Consultation{ProcedureID: proc.ID, ClosesAt: clock.Now().Add(20 * day)}
	if err := db.OpenConsultation(ctx, secretariat, open); err != nil {
		t.Fatal(err)
	}

	opens := clock.Now().Add(30 * day)
	before := mustAuditCount(t, db)
	err := db.OpenConsultation(ctx, secretariat, &workspace.Consultation{ProcedureID: proc.ID, OpensAt: &opens, ClosesAt: opens.Add(20 * day)})
	wantCode(t, err, workspace.ECONFLICT)
	if key := workspace.ErrorKey(err); key != "error.consultation.still_open" {
		t.Errorf("refusal key %q, want error.consultation.still_open", key)
	}
	if got := mustAuditCount(t, db); got != before {
		t.Errorf("a refused announcement wrote %d audit entries", got-before)
	}
	if latest, err := db.FindConsultation(ctx, proc.ID); err != nil || latest.ID != open.ID || !latest.OpenAt(clock.Now()) {
		t.Errorf("after the refused announcement the latest consultation is %+v (%v), want the open one, still open", latest, err)
	}

	// Opening the next one from now replaces the open one, as before.
	next := &workspace.Consultation{ProcedureID: proc.ID, ClosesAt: clock.Now().Add(25 * day)}
	if err := db.OpenConsultation(ctx, secretariat, next); err != nil {
		t.Fatalf("a consultation opened from now while one is open: %v", err)
	}
	// Closed, it leaves room for an announcement.
	if _, err := db.CloseConsultation(ctx, secretariat, proc.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.OpenConsultation(ctx, secretariat, &workspace.Consultation{ProcedureID: proc.ID, OpensAt: &opens, ClosesAt: opens.Add(20 * day)}); err != nil {
		t.Errorf("an announcement after the close: %v", err)
	}
}
