package sqlite_test

import (
	"context"
	"testing"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// TestComments_NotifyAuthor: a reply to a comment by someone else, and the
// answer recorded to it (by the secretariat, or with a suggestion's
// decision), notify the comment's author, naming the comment and its
// procedure; one's own reply or answer does not.
func TestComments_NotifyAuthor(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clock := MustSetClock(db)
	org := MustCreateOrganisation(t, db, "Association des Tunisiens de retour")
	memberAcc := MustCreateAccount(t, db, org, "Fethi Hamdi", "fethi@example.tn", workspace.RoleMember)
	stakeholderAcc := MustCreateAccount(t, db, org, "Imen Khelifi", "imen@example.tn", workspace.RoleStakeholder)
	secretariatAcc := MustCreateAccount(t, db, org, "Amel Trabelsi", "amel@example.tn", workspace.RoleSecretariat)
	member, stakeholder, secretariat := workspace.ActorFor(memberAcc), workspace.ActorFor(stakeholderAcc), workspace.ActorFor(secretariatAcc)
	proc := &workspace.Procedure{Title: "Accueil", Language: "fr", Category: workspace.CategoryOther}
	if err := db.CreateProcedure(ctx, member, proc, "# Accueil\n\nLe délai est de dix jours.\n"); err != nil {
		t.Fatal(err)
	}
	if err := db.OpenConsultation(ctx, secretariat, &workspace.Consultation{ProcedureID: proc.ID, ClosesAt: clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	place := func(actor workspace.Actor) *workspace.Comment {
		t.Helper()
		c := &workspace.Comment{Kind: workspace.KindComment, Body: "Remarque"}
		a := &workspace.Anchor{From: 27, To: 36, Quote: "dix jours"}
		if err := db.CreateDocumentAnchor(ctx, proc.DocumentID, 0, a, func(ctx context.Context, tx *sqlite.Tx, a *workspace.Anchor) error {
			return tx.CreateComment(ctx, actor, a, c)
		}); err != nil {
			t.Fatal(err)
		}
		return c
	}
	reply := func(actor workspace.Actor, to *workspace.Comment) *workspace.Comment {
		t.Helper()
		r := &workspace.Comment{Body: "Réponse"}
		if err := db.CreateReply(ctx, actor, to.ID, r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	notifications := func(acc *workspace.Account) []*workspace.Notification {
		t.Helper()
		list, err := db.FindNotifications(ctx, acc.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		return list
	}

	c := place(stakeholder)
	reply(stakeholder, c)
	if got := notifications(stakeholderAcc); len(got) != 0 {
		t.Fatalf("one's own reply notified: %+v", got)
	}
	r := reply(member, c)
	got := notifications(stakeholderAcc)
	if len(got) != 1 || got[0].Kind != workspace.NotifyCommentReply || got[0].CommentID == nil || *got[0].CommentID != r.ID ||
		got[0].ProcedureID != proc.ID || got[0].ProcedureTitle != "Accueil" || got[0].IssueID != 0 || got[0].ReadAt != nil {
		t.Fatalf("after the member's reply the author has %+v, want one unread comment_reply on the reply", got)
	}
	if _, err := db.AnswerComment(ctx, secretariat, c.ID, workspace.AnswerAccepted, ""); err != nil {
		t.Fatal(err)
	}
	got = notifications(stakeholderAcc)
	if len(got) != 2 || got[0].Kind != workspace.NotifyCommentAnswer || *got[0].CommentID != c.ID {
		t.Fatalf("after the answer the author has %+v, want a comment_answer on the thread first", got)
	}
	if n, err := db.CountUnreadNotifications(ctx, stakeholderAcc.ID); err != nil || n != 2 {
		t.Errorf("%d unread (%v), want 2", n, err)
	}
	if got := notifications(memberAcc); len(got) != 0 {
		t.Errorf("the member who replied was notified: %+v", got)
	}

	own := place(secretariat)
	if _, err := db.AnswerComment(ctx, secretariat, own.ID, workspace.AnswerAccepted, ""); err != nil {
		t.Fatal(err)
	}
	if got := notifications(secretariatAcc); len(got) != 0 {
		t.Errorf("one's own answer notified: %+v", got)
	}

	// A suggestion decided by a member is answered with the decision: its
	// author hears of it too.
	sugg := &workspace.Comment{Kind: workspace.KindSuggestion, Body: "Plus court", Proposed: "sept jours"}
	if err := db.CreateDocumentAnchor(ctx, proc.DocumentID, 0, &workspace.Anchor{From: 27, To: 36, Quote: "dix jours"}, func(ctx context.Context, tx *sqlite.Tx, a *workspace.Anchor) error {
		return tx.CreateComment(ctx, stakeholder, a, sugg)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RejectSuggestion(ctx, member, sugg.ID, "Le délai légal est de dix jours."); err != nil {
		t.Fatal(err)
	}
	if got := notifications(stakeholderAcc); len(got) != 3 || got[0].Kind != workspace.NotifyCommentAnswer || *got[0].CommentID != sugg.ID {
		t.Errorf("after the rejection the author has %+v", got)
	}
}
