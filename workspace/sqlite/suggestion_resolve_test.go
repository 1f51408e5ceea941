package sqlite_test

import (
	"context"
	"testing"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// TestSuggestionPartlyAcceptedResolved checks that a suggestion the
// secretariat answered partly accepted, which can be neither accepted nor
// rejected, is marked handled (resolved) by whoever decides suggestions —
// not by its author, a stakeholder — with its answer and reason kept and
// the resolution audited; that it may be reopened; that a suggestion
// answered otherwise, or not at all, is not marked handled; and that
// refusals change nothing.
func TestSuggestionPartlyAcceptedResolved(t *testing.T) {
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
	if err := db.OpenConsultation(ctx, secretariat, &workspace.Consultation{ProcedureID: proc.ID, ClosesAt: clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	suggest := func() *workspace.Comment {
		t.Helper()
		c := &workspace.Comment{Kind: workspace.KindSuggestion, Body: "Plus court", Proposed: "sept jours"}
		a := &workspace.Anchor{From: 27, To: 36, Quote: "dix jours"}
		if err := db.CreateDocumentAnchor(ctx, proc.DocumentID, 0, a, func(ctx context.Context, tx *sqlite.Tx, a *workspace.Anchor) error {
			return tx.CreateComment(ctx, stakeholder, a, c)
		}); err != nil {
			t.Fatal(err)
		}
		return c
	}
	refused := func(what string, change func() error, code string) {
		t.Helper()
		before := mustAuditCount(t, db)
		wantCode(t, change(), code)
		if got := mustAuditCount(t, db); got != before {
			t.Errorf("%s: a refused change wrote %d audit entries", what, got-before)
		}
	}
	status := func(id int64) *workspace.Comment {
		t.Helper()
		c, err := db.FindCommentByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	s := suggest()
	// Not answered, or answered accepted: decided by accepting or
	// rejecting, not marked handled.
	refused("unanswered", func() error { _, err := db.SetCommentResolved(ctx, member, s.ID, true); return err }, workspace.ECONFLICT)

	if _, err := db.AnswerComment(ctx, secretariat, s.ID, workspace.AnswerPartly, "Quinze jours, pas sept."); err != nil {
		t.Fatal(err)
	}
	// Stuck before the change: neither accepted nor rejected.
	refused("reject", func() error { _, err := db.RejectSuggestion(ctx, member, s.ID, "Non."); return err }, workspace.ECONFLICT)
	// Its author, a stakeholder, does not decide suggestions.
	refused("the author", func() error { _, err := db.SetCommentResolved(ctx, stakeholder, s.ID, true); return err }, workspace.EFORBIDDEN)

	before := mustAuditCount(t, db)
	got, err := db.SetCommentResolved(ctx, member, s.ID, true)
	if err != nil {
		t.Fatalf("a member marks the suggestion handled: %v", err)
	}
	if got.Status != workspace.StatusResolved || got.Answer != workspace.AnswerPartly || got.Reason != "Quinze jours, pas sept." {
		t.Errorf("after marking handled: status %s, answer %q, reason %q", got.Status, got.Answer, got.Reason)
	}
	if c := status(s.ID); c.Status != workspace.StatusResolved || c.Answer != workspace.AnswerPartly || c.AnsweredBy == nil || *c.AnsweredBy != *secretariat.AccountID {
		t.Errorf("stored: status %s, answer %q by %v", c.Status, c.Answer, c.AnsweredBy)
	}
	if mustAuditCount(t, db) != before+1 {
		t.Errorf("marking handled wrote %d audit entries, want 1", mustAuditCount(t, db)-before)
	}
	entries, _, err := db.FindAuditEntries(ctx, workspace.AuditFilter{EntityType: "comment", EntityID: &s.ID, Limit: 1})
	if err != nil || len(entries) != 1 || entries[0].Action != workspace.AuditCommentResolve {
		t.Errorf("audit: %v, %v; want %s", entries, err, workspace.AuditCommentResolve)
	}

	// Handled, it takes no other answer, and is no longer decided.
	refused("answer accepted", func() error {
		_, err := db.AnswerComment(ctx, secretariat, s.ID, workspace.AnswerAccepted, "")
		return err
	}, workspace.ECONFLICT)
	refused("reject once handled", func() error { _, err := db.RejectSuggestion(ctx, member, s.ID, "Non."); return err }, workspace.ECONFLICT)
	if _, err := db.AnswerComment(ctx, secretariat, s.ID, workspace.AnswerPartly, "Quinze jours ouvrables."); err != nil {
		t.Errorf("the answer's reason is still edited: %v", err)
	}

	// Reopened, then handled again, by the secretariat.
	if got, err := db.SetCommentResolved(ctx, secretariat, s.ID, false); err != nil || got.Status != workspace.StatusOpen {
		t.Fatalf("reopen: %v, %v", got, err)
	}
	if got, err := db.SetCommentResolved(ctx, secretariat, s.ID, true); err != nil || got.Status != workspace.StatusResolved {
		t.Fatalf("handled again: %v, %v", got, err)
	}

	// A suggestion already rejected is not marked handled.
	r := suggest()
	if _, err := db.RejectSuggestion(ctx, member, r.ID, "Fixé par décret."); err != nil {
		t.Fatal(err)
	}
	refused("rejected", func() error { _, err := db.SetCommentResolved(ctx, member, r.ID, true); return err }, workspace.ECONFLICT)
	if c := status(r.ID); c.Status != workspace.StatusRejected {
		t.Errorf("the rejected suggestion is %s", c.Status)
	}
}
