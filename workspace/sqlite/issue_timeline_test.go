package sqlite_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"tawla/workspace"
)

func TestChangeIssueStatus(t *testing.T) {
	ctx := context.Background()
	w := newIssueWorld(t)
	db := w.db
	i := w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Carte d'identité bloquée"}, nil)
	// The stakeholder follows; the second member comments, and so follows.
	if err := db.FollowIssue(ctx, w.asStake, i.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CommentIssue(ctx, w.asMember2, i.ID, "Je m'en occupe."); err != nil {
		t.Fatal(err)
	}

	t.Run("Refused", func(t *testing.T) {
		before := mustDumpTables(t, db)
		for _, tt := range []struct {
			name   string
			actor  workspace.Actor
			id     int64
			to     workspace.IssueStatus
			reason string
			code   string
		}{
			{"Stakeholder", w.asStake, i.ID, workspace.IssueInProgress, "", workspace.EFORBIDDEN},
			{"Inactive", w.asInactive, i.ID, workspace.IssueInProgress, "", workspace.EFORBIDDEN},
			{"UnknownIssue", w.asMember, 999, workspace.IssueInProgress, "", workspace.ENOTFOUND},
			{"Same", w.asMember, i.ID, workspace.IssueOpen, "", workspace.ECONFLICT},
			{"UnknownStatus", w.asMember, i.ID, "done", "", workspace.EINVALID},
			{"EndWithoutReason", w.asMember, i.ID, workspace.IssueResolved, "  ", workspace.EINVALID},
			{"ReasonNotUTF8", w.asMember, i.ID, workspace.IssueResolved, "R\xe9solu", workspace.EINVALID},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, err := db.ChangeIssueStatus(ctx, tt.actor, tt.id, tt.to, tt.reason)
				refusedUnchanged(t, db, before, err, tt.code, "")
			})
		}
	})

	w.clock.Add(time.Hour)
	change, err := db.ChangeIssueStatus(ctx, w.asMember, i.ID, workspace.IssueInProgress, "")
	if err != nil {
		t.Fatal(err)
	}
	e := change.Event
	if e == nil || e.Kind != workspace.EventStatus || e.FromValue != "open" || e.ToValue != "in_progress" || e.ActorID == nil || *e.ActorID != w.member.ID {
		t.Errorf("event %+v", e)
	}
	// Followers but the actor: the stakeholder and the second member.
	if want := []int64{w.member2.ID, w.stakeholder.ID}; !slices.Equal(change.Notified, want) {
		t.Errorf("notified %v, want %v", change.Notified, want)
	}

	w.clock.Add(time.Hour)
	if _, err := db.ChangeIssueStatus(ctx, w.asSecretariat, i.ID, workspace.IssueResolved, " La CIN a été délivrée. "); err != nil {
		t.Fatal(err)
	}
	got, _ := db.FindIssueByID(ctx, i.ID)
	if got.Status != workspace.IssueResolved || got.StatusReason != "La CIN a été délivrée." || got.ClosedAt == nil || !got.ClosedAt.Equal(w.clock.Now()) {
		t.Errorf("resolved: %s %q closed at %v", got.Status, got.StatusReason, got.ClosedAt)
	}
	// An ended issue is reopened before anything else, with a reason.
	before := mustDumpTables(t, db)
	_, err = db.ChangeIssueStatus(ctx, w.asMember, i.ID, workspace.IssueClosed, "Doublon")
	refusedUnchanged(t, db, before, err, workspace.ECONFLICT, "")
	_, err = db.ChangeIssueStatus(ctx, w.asMember, i.ID, workspace.IssueOpen, "")
	refusedUnchanged(t, db, before, err, workspace.EINVALID, "")
	if _, err := db.ChangeIssueStatus(ctx, w.asMember, i.ID, workspace.IssueOpen, "La CIN comporte une erreur."); err != nil {
		t.Fatal(err)
	}
	got, _ = db.FindIssueByID(ctx, i.ID)
	if got.Status != workspace.IssueOpen || got.ClosedAt != nil || got.StatusReason != "La CIN comporte une erreur." {
		t.Errorf("reopened: %s %q closed at %v", got.Status, got.StatusReason, got.ClosedAt)
	}
	entries := mustAuditEntries(t, db, workspace.AuditFilter{Action: workspace.AuditIssueStatus})
	if len(entries) != 3 {
		t.Fatalf("%d status entries, want 3", len(entries))
	}
	if b, a := decodeAudit(t, entries[0].Before), decodeAudit(t, entries[0].After); b["status"] != "resolved" || a["status"] != "open" {
		t.Errorf("audit %v → %v", b["status"], a["status"])
	}
}

func TestAssignIssue(t *testing.T) {
	ctx := context.Background()
	w := newIssueWorld(t)
	db := w.db
	i := w.mustIssue(t, w.asSecretariat, &workspace.Issue{Title: "Projet bloqué", OwnerOrganisationID: &w.org.ID}, nil)
	dormant := MustCreateOrganisation(t, db, "Ancienne cellule")
	dormant.Active = false
	if err := db.UpdateOrganisation(ctx, systemActor, dormant); err != nil {
		t.Fatal(err)
	}

	t.Run("Refused", func(t *testing.T) {
		before := mustDumpTables(t, db)
		_, err := db.AssignIssue(ctx, w.asStake, i.ID, &w.other.ID)
		refusedUnchanged(t, db, before, err, workspace.EFORBIDDEN, "")
		_, err = db.AssignIssue(ctx, w.asMember, 999, &w.other.ID)
		refusedUnchanged(t, db, before, err, workspace.ENOTFOUND, "")
		_, err = db.AssignIssue(ctx, w.asMember, i.ID, ptr(int64(999)))
		refusedUnchanged(t, db, before, err, workspace.EINVALID, "")
		_, err = db.AssignIssue(ctx, w.asMember, i.ID, &dormant.ID)
		refusedUnchanged(t, db, before, err, workspace.EINVALID, "")
		wantRefused(t, err, workspace.EINVALID, "error.issue.owner_invalid")
	})

	// The same owner again: nothing written.
	before := mustDumpTables(t, db)
	change, err := db.AssignIssue(ctx, w.asMember, i.ID, ptr(w.org.ID))
	if err != nil || change.Event != nil || mustDumpTables(t, db) != before {
		t.Errorf("assigning the same owner: %+v, %v", change, err)
	}

	// The other organisation's member assigns it to their own organisation:
	// its admin is told, and the reporter, who follows the issue; not the
	// member who did it.
	change, err = db.AssignIssue(ctx, w.asOtherMember, i.ID, &w.other.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{w.secretariat.ID, w.admin.ID}
	if e := change.Event; e == nil || e.Kind != workspace.EventAssignment || e.FromValue != idText(w.org.ID) || e.ToValue != idText(w.other.ID) {
		t.Errorf("event %+v", change.Event)
	}
	if !slices.Equal(change.Notified, want) {
		t.Errorf("notified %v, want %v", change.Notified, want)
	}
	got, _ := db.FindIssueByID(ctx, i.ID)
	if got.Owner == nil || got.Owner.ID != w.other.ID {
		t.Errorf("owner %+v", got.Owner)
	}
	// Nobody owns it: the followers alone are told.
	change, err = db.AssignIssue(ctx, w.asMember, i.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if change.Event.ToValue != "" || !slices.Equal(change.Notified, []int64{w.secretariat.ID}) {
		t.Errorf("unassigned: event %+v, notified %v", change.Event, change.Notified)
	}
	if got, _ := db.FindIssueByID(ctx, i.ID); got.Owner != nil || got.OwnerOrganisationID != nil {
		t.Errorf("owner %+v after unassigning", got.Owner)
	}
	entries := mustAuditEntries(t, db, workspace.AuditFilter{Action: workspace.AuditIssueAssign})
	if len(entries) != 2 {
		t.Errorf("%d assignment entries, want 2", len(entries))
	}
}

func idText(id int64) string { return strconv.FormatInt(id, 10) }

func TestCommentIssue(t *testing.T) {
	ctx := context.Background()
	w := newIssueWorld(t)
	db := w.db
	i := w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Inscription scolaire"}, nil)

	t.Run("Refused", func(t *testing.T) {
		before := mustDumpTables(t, db)
		_, err := db.CommentIssue(ctx, w.asInactive, i.ID, "Bonjour")
		refusedUnchanged(t, db, before, err, workspace.EFORBIDDEN, "")
		_, err = db.CommentIssue(ctx, workspace.Actor{}, i.ID, "Bonjour")
		refusedUnchanged(t, db, before, err, workspace.EFORBIDDEN, "")
		_, err = db.CommentIssue(ctx, w.asStake, 999, "Bonjour")
		refusedUnchanged(t, db, before, err, workspace.ENOTFOUND, "")
		_, err = db.CommentIssue(ctx, w.asStake, i.ID, "   ")
		refusedUnchanged(t, db, before, err, workspace.EINVALID, "")
		_, err = db.CommentIssue(ctx, w.asStake, i.ID, "Bon\xffjour")
		refusedUnchanged(t, db, before, err, workspace.EINVALID, "")
	})

	w.clock.Add(time.Minute)
	// A stakeholder comments: the reporter is told, and the stakeholder
	// now follows.
	change, err := db.CommentIssue(ctx, w.asStake, i.ID, " Le lycée demande un certificat de scolarité traduit. ")
	if err != nil {
		t.Fatal(err)
	}
	if e := change.Event; e == nil || e.Kind != workspace.EventComment || e.Body != "Le lycée demande un certificat de scolarité traduit." {
		t.Errorf("event %+v", change.Event)
	}
	if !slices.Equal(change.Notified, []int64{w.member.ID}) {
		t.Errorf("notified %v, want the reporter", change.Notified)
	}
	if ok, _ := db.IsFollowingIssue(ctx, w.stakeholder.ID, i.ID); !ok {
		t.Error("the commenter does not follow")
	}
	got, _ := db.FindIssueByID(ctx, i.ID)
	if !got.UpdatedAt.Equal(w.clock.Now()) {
		t.Errorf("updated at %v, want the comment's time", got.UpdatedAt)
	}
	// The reporter answers: the stakeholder is told.
	change, err = db.CommentIssue(ctx, w.asMember, i.ID, "Merci, nous contactons le commissariat.")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(change.Notified, []int64{w.stakeholder.ID}) {
		t.Errorf("notified %v, want the stakeholder", change.Notified)
	}
	entries := mustAuditEntries(t, db, workspace.AuditFilter{Action: workspace.AuditIssueComment})
	if len(entries) != 2 || decodeAudit(t, entries[0].After)["body"] != "Merci, nous contactons le commissariat." {
		t.Errorf("audit entries %+v", entries)
	}
}

func TestFollowIssue(t *testing.T) {
	ctx := context.Background()
	w := newIssueWorld(t)
	db := w.db
	i := w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Logement d'urgence"}, nil)

	before := mustDumpTables(t, db)
	err := db.FollowIssue(ctx, w.asInactive, i.ID, true)
	refusedUnchanged(t, db, before, err, workspace.EFORBIDDEN, "")
	err = db.FollowIssue(ctx, w.asStake, 999, true)
	refusedUnchanged(t, db, before, err, workspace.ENOTFOUND, "")
	err = db.FollowIssue(ctx, systemActor, i.ID, true)
	refusedUnchanged(t, db, before, err, workspace.EINVALID, "")

	for _, follow := range []bool{true, true, false, false, true} {
		if err := db.FollowIssue(ctx, w.asStake, i.ID, follow); err != nil {
			t.Fatal(err)
		}
		if got, err := db.IsFollowingIssue(ctx, w.stakeholder.ID, i.ID); err != nil || got != follow {
			t.Errorf("following %v after FollowIssue(%v): %v", got, follow, err)
		}
	}
	// The reporter may stop following their own issue.
	if err := db.FollowIssue(ctx, w.asMember, i.ID, false); err != nil {
		t.Fatal(err)
	}
	change, err := db.ChangeIssueStatus(ctx, w.asMember2, i.ID, workspace.IssueUnderDiscussion, "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(change.Notified, []int64{w.stakeholder.ID}) {
		t.Errorf("notified %v, want only the stakeholder still following", change.Notified)
	}
	if got, _ := db.IsFollowingIssue(ctx, w.member.ID, 999); got {
		t.Error("following an unknown issue")
	}
}

func TestFindIssueTimeline(t *testing.T) {
	ctx := context.Background()
	w := newIssueWorld(t)
	db := w.db
	i := w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Attestation de travail"}, nil)
	steps := []func() error{
		func() error { _, err := db.CommentIssue(ctx, w.asStake, i.ID, "Premier commentaire"); return err },
		func() error {
			_, err := db.ChangeIssueStatus(ctx, w.asMember, i.ID, workspace.IssueUnderDiscussion, "")
			return err
		},
		func() error { _, err := db.AssignIssue(ctx, w.asMember, i.ID, &w.other.ID); return err },
		func() error {
			_, err := db.UpdateIssue(ctx, w.asMember, &workspace.Issue{ID: i.ID, Title: "Attestation de travail (Italie)", CategoryID: w.housing})
			return err
		},
		func() error { _, err := db.CommentIssue(ctx, systemActor, i.ID, "Note du système"); return err },
	}
	for _, step := range steps {
		w.clock.Add(time.Minute)
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	events, err := db.FindIssueTimeline(ctx, i.ID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []workspace.IssueEventKind
	for _, e := range events {
		kinds = append(kinds, e.Kind)
	}
	want := []workspace.IssueEventKind{workspace.EventCreated, workspace.EventComment, workspace.EventStatus, workspace.EventAssignment, workspace.EventEdit, workspace.EventComment}
	if !slices.Equal(kinds, want) {
		t.Fatalf("timeline %v, want %v", kinds, want)
	}
	if a := events[1].Actor; a == nil || a.ID != w.stakeholder.ID || a.Organisation == nil || a.Organisation.ID != w.org.ID || a.PasswordHash != "" {
		t.Errorf("comment's actor %+v", a)
	}
	if events[5].Actor != nil || events[5].ActorID != nil {
		t.Errorf("the system's comment has actor %+v", events[5].Actor)
	}
	for n := 1; n < len(events); n++ {
		if !events[n].CreatedAt.After(events[n-1].CreatedAt) {
			t.Errorf("event %d at %v, not after %v", n, events[n].CreatedAt, events[n-1].CreatedAt)
		}
	}
	if _, err := db.FindIssueTimeline(ctx, 999); workspace.ErrorCode(err) != workspace.ENOTFOUND {
		t.Errorf("timeline of an unknown issue: %v", err)
	}
}
