package sqlite_test

import (
	"context"
	"testing"
	"time"

	"tawla/workspace"
)

func TestIssueNotifications(t *testing.T) {
	ctx := context.Background()
	w := newIssueWorld(t)
	db := w.db
	unread := func(t *testing.T, a *workspace.Account) int {
		t.Helper()
		n, err := db.CountUnreadNotifications(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	type counts map[*workspace.Account]int
	wantUnread := func(t *testing.T, want counts) {
		t.Helper()
		for a, n := range want {
			if got := unread(t, a); got != n {
				t.Errorf("%s has %d unread, want %d", a.Name, got, n)
			}
		}
	}

	// A new issue of org's: its member, second member and secretariat but
	// the reporter; not its stakeholder, not its deactivated member.
	secret := &workspace.IssuePrivate{PersonName: "Hédi Anonyme", Details: "Dossier 4412"}
	first := w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Permis de conduire étranger", OwnerOrganisationID: &w.org.ID}, secret)
	wantUnread(t, counts{w.member: 0, w.member2: 1, w.secretariat: 1, w.stakeholder: 0, w.inactive: 0, w.otherMember: 0, w.admin: 0})

	// Assigned to other: its member and admin.
	w.clock.Add(time.Minute)
	if _, err := db.AssignIssue(ctx, w.asSecretariat, first.ID, &w.other.ID); err != nil {
		t.Fatal(err)
	}
	wantUnread(t, counts{w.otherMember: 1, w.admin: 1, w.secretariat: 1})

	// The stakeholder follows and comments: the reporter (following) is told.
	w.clock.Add(time.Minute)
	if _, err := db.CommentIssue(ctx, w.asStake, first.ID, "Le permis italien est-il échangeable ?"); err != nil {
		t.Fatal(err)
	}
	wantUnread(t, counts{w.member: 1, w.stakeholder: 0, w.otherMember: 1})

	// A status change: the followers (the reporter and the stakeholder).
	w.clock.Add(time.Minute)
	change, err := db.ChangeIssueStatus(ctx, w.asOtherMember, first.ID, workspace.IssueInProgress, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(change.Notified) != 2 {
		t.Errorf("notified %v, want the reporter and the stakeholder", change.Notified)
	}
	wantUnread(t, counts{w.member: 2, w.stakeholder: 1, w.otherMember: 1})

	// A follower deactivated is told nothing more.
	if err := db.FollowIssue(ctx, w.asMember2, first.ID, true); err != nil {
		t.Fatal(err)
	}
	acc, _ := db.FindAccountByID(ctx, w.member2.ID)
	acc.Active = false
	if err := db.UpdateAccount(ctx, systemActor, acc); err != nil {
		t.Fatal(err)
	}
	w.clock.Add(time.Minute)
	change, err = db.CommentIssue(ctx, w.asMember, first.ID, "Oui, avec une attestation du consulat.")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range change.Notified {
		if id == w.member2.ID || id == w.member.ID {
			t.Errorf("notified %v: the actor or a deactivated account", change.Notified)
		}
	}
	wantUnread(t, counts{w.member2: 1, w.stakeholder: 2})

	// The list: newest first, with the issue's title, and nothing private.
	list, err := db.FindNotifications(ctx, w.stakeholder.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Kind != workspace.NotifyIssueComment || list[1].Kind != workspace.NotifyIssueStatus {
		t.Fatalf("stakeholder's notifications %+v", list)
	}
	n := list[0]
	if n.IssueID != first.ID || n.IssueTitle != "Permis de conduire étranger" || n.EventID == nil || n.ReadAt != nil || n.AccountID != w.stakeholder.ID {
		t.Errorf("notification %+v", n)
	}
	if list, _ := db.FindNotifications(ctx, w.secretariat.ID, 1); len(list) != 1 || list[0].Kind != workspace.NotifyIssueNew {
		t.Errorf("secretariat's notifications %+v", list)
	}
	if list, _ := db.FindNotifications(ctx, w.admin.ID, 10); len(list) != 1 || list[0].Kind != workspace.NotifyIssueAssigned {
		t.Errorf("admin's notifications %+v", list)
	}

	// Marking read: one issue's, then all.
	w.mustIssue(t, w.asSecretariat, &workspace.Issue{Title: "Allocation", OwnerOrganisationID: &w.org.ID}, nil)
	wantUnread(t, counts{w.member: 3})
	if err := db.MarkNotificationsRead(ctx, w.asMember, first.ID); err != nil {
		t.Fatal(err)
	}
	wantUnread(t, counts{w.member: 1, w.stakeholder: 2})
	list, _ = db.FindNotifications(ctx, w.member.ID, 10)
	for _, n := range list {
		if (n.IssueID == first.ID) != (n.ReadAt != nil) {
			t.Errorf("notification of issue %d read at %v", n.IssueID, n.ReadAt)
		}
	}
	if err := db.MarkNotificationsRead(ctx, w.asMember, 0); err != nil {
		t.Fatal(err)
	}
	wantUnread(t, counts{w.member: 0, w.stakeholder: 2})
	err = db.MarkNotificationsRead(ctx, workspace.Actor{}, 0)
	wantCode(t, err, workspace.EFORBIDDEN)
	if err := db.MarkNotificationsRead(ctx, systemActor, 0); err != nil {
		t.Errorf("the system marks nothing read: %v", err)
	}
	wantNoPrivateValues(t, db, secret)
}
