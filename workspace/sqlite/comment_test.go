package sqlite_test

import (
	"context"
	"testing"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// TestComments_Rules drives the store's comment methods as each role: a
// refused change is EFORBIDDEN (or EINVALID, ECONFLICT) and writes
// nothing, not even an audit entry; an accepted one writes its audit
// entry.
func TestComments_Rules(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clock := MustSetClock(db)
	org := MustCreateOrganisation(t, db, "Association des Tunisiens de retour")
	member := workspace.ActorFor(MustCreateAccount(t, db, org, "Fethi Hamdi", "fethi@example.tn", workspace.RoleMember))
	stakeholderAcc := MustCreateAccount(t, db, org, "Imen Khelifi", "imen@example.tn", workspace.RoleStakeholder)
	stakeholder := workspace.ActorFor(stakeholderAcc)
	secretariat := workspace.ActorFor(MustCreateAccount(t, db, org, "Amel Trabelsi", "amel@example.tn", workspace.RoleSecretariat))
	proc := &workspace.Procedure{Title: "Accueil", Language: "fr", Category: workspace.CategoryOther}
	if err := db.CreateProcedure(ctx, member, proc, "# Accueil\n\nLe délai est de dix jours.\n"); err != nil {
		t.Fatal(err)
	}
	place := func(actor workspace.Actor, kind workspace.CommentKind, proposed string) (*workspace.Comment, error) {
		c := &workspace.Comment{Kind: kind, Body: "Remarque", Proposed: proposed}
		a := &workspace.Anchor{From: 27, To: 36, Quote: "dix jours"}
		err := db.CreateDocumentAnchor(ctx, proc.DocumentID, 0, a, func(ctx context.Context, tx *sqlite.Tx, a *workspace.Anchor) error {
			return tx.CreateComment(ctx, actor, a, c)
		})
		return c, err
	}
	unchanged := func(t *testing.T, before int, err error, code string) {
		t.Helper()
		wantCode(t, err, code)
		if got := mustAuditCount(t, db); got != before {
			t.Errorf("a refused change wrote %d audit entries", got-before)
		}
	}

	t.Run("StakeholderWithoutConsultation", func(t *testing.T) {
		before := mustAuditCount(t, db)
		_, err := place(stakeholder, workspace.KindComment, "")
		unchanged(t, before, err, workspace.EFORBIDDEN)
		anchors, err := db.FindDocumentAnchors(ctx, proc.DocumentID)
		if err != nil {
			t.Fatal(err)
		}
		if len(anchors) != 0 {
			t.Errorf("a refused comment left %d anchors", len(anchors))
		}
	})

	t.Run("ConsultationForStaffOnly", func(t *testing.T) {
		before := mustAuditCount(t, db)
		err := db.OpenConsultation(ctx, member, &workspace.Consultation{ProcedureID: proc.ID, ClosesAt: clock.Now().Add(time.Hour)})
		unchanged(t, before, err, workspace.EFORBIDDEN)
		err = db.OpenConsultation(ctx, secretariat, &workspace.Consultation{ProcedureID: proc.ID, ClosesAt: clock.Now().Add(-time.Minute)})
		unchanged(t, before, err, workspace.EINVALID)
	})

	if err := db.OpenConsultation(ctx, secretariat, &workspace.Consultation{ProcedureID: proc.ID, ClosesAt: clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	comment, err := place(stakeholder, workspace.KindComment, "")
	if err != nil {
		t.Fatalf("a stakeholder's comment during the consultation: %v", err)
	}
	if comment.AuthorID != stakeholderAcc.ID || comment.Status != workspace.StatusOpen {
		t.Errorf("comment by %d, %s; want by the stakeholder, open", comment.AuthorID, comment.Status)
	}
	suggestion, err := place(stakeholder, workspace.KindSuggestion, "48 heures")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("Answer", func(t *testing.T) {
		before := mustAuditCount(t, db)
		_, err := db.AnswerComment(ctx, member, comment.ID, workspace.AnswerAccepted, "")
		unchanged(t, before, err, workspace.EFORBIDDEN)
		_, err = db.AnswerComment(ctx, secretariat, comment.ID, workspace.AnswerRejected, " ")
		unchanged(t, before, err, workspace.EINVALID)
		got, err := db.AnswerComment(ctx, secretariat, comment.ID, workspace.AnswerPartly, "En partie.")
		if err != nil {
			t.Fatal(err)
		}
		if got.Answer != workspace.AnswerPartly || got.AnsweredBy == nil || *got.AnsweredBy != *secretariat.AccountID {
			t.Errorf("answer %q by %v", got.Answer, got.AnsweredBy)
		}
	})

	t.Run("Resolve", func(t *testing.T) {
		other := workspace.ActorFor(MustCreateAccount(t, db, org, "Autre partie prenante", "autre@example.tn", workspace.RoleStakeholder))
		before := mustAuditCount(t, db)
		_, err := db.SetCommentResolved(ctx, other, comment.ID, true)
		unchanged(t, before, err, workspace.EFORBIDDEN)
		// An unanswered suggestion is accepted or rejected, not resolved.
		_, err = db.SetCommentResolved(ctx, member, suggestion.ID, true)
		unchanged(t, before, err, workspace.ECONFLICT)
		if _, err := db.SetCommentResolved(ctx, stakeholder, comment.ID, true); err != nil {
			t.Errorf("the author resolves: %v", err)
		}
		got, err := db.SetCommentResolved(ctx, member, comment.ID, false)
		if err != nil || got.Status != workspace.StatusOpen {
			t.Errorf("a member reopens: %v, %v", got, err)
		}
	})

	t.Run("Reject", func(t *testing.T) {
		before := mustAuditCount(t, db)
		_, err := db.RejectSuggestion(ctx, stakeholder, suggestion.ID, "Non.")
		unchanged(t, before, err, workspace.EFORBIDDEN)
		_, err = db.RejectSuggestion(ctx, member, suggestion.ID, "")
		unchanged(t, before, err, workspace.EINVALID)
		_, err = db.RejectSuggestion(ctx, member, comment.ID, "Non.")
		unchanged(t, before, err, workspace.EINVALID)
		if _, err := db.RejectSuggestion(ctx, member, suggestion.ID, "Le délai est fixé par décret."); err != nil {
			t.Fatal(err)
		}
		before = mustAuditCount(t, db)
		_, err = db.RejectSuggestion(ctx, secretariat, suggestion.ID, "Encore.")
		unchanged(t, before, err, workspace.ECONFLICT)
	})

	t.Run("ReplyAfterClosing", func(t *testing.T) {
		clock.Add(2 * time.Hour)
		before := mustAuditCount(t, db)
		err := db.CreateReply(ctx, stakeholder, comment.ID, &workspace.Comment{Body: "Trop tard ?"})
		unchanged(t, before, err, workspace.EFORBIDDEN)
		if err := db.CreateReply(ctx, member, comment.ID, &workspace.Comment{Body: "Toujours possible."}); err != nil {
			t.Fatal(err)
		}
		threads, err := db.FindCommentThreads(ctx, sqlite.CommentFilter{ProcedureID: proc.ID, Kind: workspace.KindComment})
		if err != nil {
			t.Fatal(err)
		}
		if len(threads) != 1 || len(threads[0].Replies) != 1 || threads[0].Replies[0].Body != "Toujours possible." {
			t.Errorf("threads after the replies: %+v", threads)
		}
	})
}

// TestConsultationOnVersion checks that a consultation is on a frozen
// version: the latest unless one is named, one that exists, and the
// draft only while none is frozen.
func TestConsultationOnVersion(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clock := MustSetClock(db)
	org := MustCreateOrganisation(t, db, "Direction régionale de l'emploi")
	member := workspace.ActorFor(MustCreateAccount(t, db, org, "Fethi Hamdi", "fethi@example.tn", workspace.RoleMember))
	secretariat := workspace.ActorFor(MustCreateAccount(t, db, org, "Amel Trabelsi", "amel@example.tn", workspace.RoleSecretariat))
	proc := &workspace.Procedure{Title: "Orientation", Language: "fr", Category: workspace.CategoryOther}
	if err := db.CreateProcedure(ctx, member, proc, "# Orientation\n"); err != nil {
		t.Fatal(err)
	}
	open := func(version int) (*workspace.Consultation, error) {
		c := &workspace.Consultation{ProcedureID: proc.ID, Version: version, ClosesAt: clock.Now().Add(time.Hour)}
		if err := db.OpenConsultation(ctx, secretariat, c); err != nil {
			return nil, err
		}
		found, err := db.FindConsultation(ctx, proc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if found.ID != c.ID || found.Version != c.Version {
			t.Fatalf("found consultation %d on version %d, want %d on %d", found.ID, found.Version, c.ID, c.Version)
		}
		return found, nil
	}

	if c, err := open(0); err != nil || c.Version != 0 {
		t.Fatalf("before any version: %+v, %v; want one on the draft", c, err)
	}
	if _, err := open(1); workspace.ErrorCode(err) != workspace.EINVALID {
		t.Fatalf("on a version that does not exist: %v, want invalid", err)
	}
	for _, message := range []string{"Première lecture", "Après la réunion"} {
		if err := db.CreateVersion(ctx, member, proc.ID, 0, "# Orientation\n\n"+message+"\n", &workspace.Version{Message: message}); err != nil {
			t.Fatal(err)
		}
	}
	if c, err := open(0); err != nil || c.Version != 2 {
		t.Fatalf("without a version named: %+v, %v; want one on the latest, 2", c, err)
	}
	if c, err := open(1); err != nil || c.Version != 1 {
		t.Fatalf("on version 1: %+v, %v", c, err)
	}
	if _, err := open(3); workspace.ErrorCode(err) != workspace.EINVALID {
		t.Fatalf("on version 3 of 2: %v, want invalid", err)
	}
}
