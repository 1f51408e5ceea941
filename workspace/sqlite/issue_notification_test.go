package sqlite_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
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

	// Assigned to other: its member and admin, and the reporter, who
	// follows it.
	w.clock.Add(time.Minute)
	if _, err := db.AssignIssue(ctx, w.asSecretariat, first.ID, &w.other.ID); err != nil {
		t.Fatal(err)
	}
	wantUnread(t, counts{w.otherMember: 1, w.admin: 1, w.secretariat: 1, w.member: 1})

	// The stakeholder follows and comments: the reporter (following) is
	// told, and the owner's member and admin.
	w.clock.Add(time.Minute)
	if _, err := db.CommentIssue(ctx, w.asStake, first.ID, "Le permis italien est-il échangeable ?"); err != nil {
		t.Fatal(err)
	}
	wantUnread(t, counts{w.member: 2, w.stakeholder: 0, w.otherMember: 2, w.admin: 2})

	// A status change: the followers (the reporter and the stakeholder)
	// and the owner's admin; not its member, who made it.
	w.clock.Add(time.Minute)
	change, err := db.ChangeIssueStatus(ctx, w.asOtherMember, first.ID, workspace.IssueInProgress, "")
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{w.member.ID, w.stakeholder.ID, w.admin.ID}; !slices.Equal(change.Notified, want) {
		t.Errorf("notified %v, want %v", change.Notified, want)
	}
	wantUnread(t, counts{w.member: 3, w.stakeholder: 1, w.otherMember: 2, w.admin: 3})

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
	if list, _ := db.FindNotifications(ctx, w.admin.ID, 10); len(list) != 4 || list[3].Kind != workspace.NotifyIssueAssigned {
		t.Errorf("admin's notifications %+v", list)
	}

	// Marking read: one issue's, then all.
	w.mustIssue(t, w.asSecretariat, &workspace.Issue{Title: "Allocation", OwnerOrganisationID: &w.org.ID}, nil)
	wantUnread(t, counts{w.member: 4})
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

// TestIssueNotificationsReachOwnerAndSecretariat: the owner organisation
// hears of comments and status changes, the followers of assignments, and
// the secretariat of an issue nobody owns; each person once a change,
// never the one who made it, never a stakeholder through its organisation
// nor a deactivated account.
func TestIssueNotificationsReachOwnerAndSecretariat(t *testing.T) {
	ctx := context.Background()
	w := newIssueWorld(t)
	db := w.db
	// A second secretariat account, in the other organisation, and a
	// deactivated one.
	sec2 := MustCreateAccount(t, db, w.other, "Rym Zouari", "rym@example.tn", workspace.RoleSecretariat)
	gone := MustCreateAccount(t, db, w.other, "Hatem Saidi", "hatem@example.tn", workspace.RoleSecretariat)
	gone.Active = false
	if err := db.UpdateAccount(ctx, systemActor, gone); err != nil {
		t.Fatal(err)
	}
	// told returns how many notifications of event acc has.
	told := func(t *testing.T, acc *workspace.Account, event int64) int {
		t.Helper()
		list, err := db.FindNotifications(ctx, acc.ID, 200)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, no := range list {
			if no.EventID != nil && *no.EventID == event {
				n++
			}
		}
		return n
	}
	wantTold := func(t *testing.T, what string, change *sqlite.IssueChange, want ...*workspace.Account) {
		t.Helper()
		var ids []int64
		for _, a := range want {
			ids = append(ids, a.ID)
		}
		slices.Sort(ids)
		if !slices.Equal(change.Notified, ids) {
			t.Errorf("%s: notified %v, want %v", what, change.Notified, ids)
		}
		for _, a := range []*workspace.Account{w.member, w.member2, w.secretariat, w.stakeholder, w.inactive, w.otherMember, w.admin, sec2, gone} {
			wantN := 0
			if slices.Contains(ids, a.ID) {
				wantN = 1
			}
			if got := told(t, a, change.Event.ID); got != wantN {
				t.Errorf("%s: %s has %d notifications of it, want %d", what, a.Name, got, wantN)
			}
		}
	}

	// An issue nobody owns: the active secretariat, whatever its
	// organisation, so that someone sorts it.
	i := &workspace.Issue{Title: "Inscription scolaire refusée", CategoryID: w.housing}
	change, err := db.CreateIssue(ctx, w.asOtherMember, i, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantTold(t, "reported without an owner", change, w.secretariat, sec2)
	if change.Event == nil {
		t.Fatal("no event")
	}
	n, err := db.CountUnreadNotifications(ctx, w.secretariat.ID)
	if err != nil || n != 1 {
		t.Errorf("the secretariat has %d unread (%v), want 1", n, err)
	}
	list, _ := db.FindNotifications(ctx, sec2.ID, 1)
	if len(list) != 1 || list[0].Kind != workspace.NotifyIssueNew || list[0].IssueID != i.ID {
		t.Errorf("the secretariat's notification %+v", list)
	}
	// Reported by the secretariat: the other secretariat only.
	change, err = db.CreateIssue(ctx, workspace.ActorFor(sec2), &workspace.Issue{Title: "Bourse d'études", CategoryID: w.housing}, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantTold(t, "reported by the secretariat", change, w.secretariat)

	// The second member follows. Assigned to org: its members, secretariat
	// and admins (not its stakeholder nor its deactivated member) and the
	// followers — the reporter —, the second member once.
	if err := db.FollowIssue(ctx, w.asMember2, i.ID, true); err != nil {
		t.Fatal(err)
	}
	w.clock.Add(time.Minute)
	change, err = db.AssignIssue(ctx, w.asAdmin, i.ID, &w.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantTold(t, "assigned", change, w.member, w.member2, w.secretariat, w.otherMember)

	// A comment by the stakeholder: the followers and the owner's members,
	// each once, not the stakeholder.
	w.clock.Add(time.Minute)
	change, err = db.CommentIssue(ctx, w.asStake, i.ID, "Le lycée de Chebba a encore des places.")
	if err != nil {
		t.Fatal(err)
	}
	wantTold(t, "commented", change, w.member, w.member2, w.secretariat, w.otherMember)

	// A status change by the owner's member, who also follows: everyone
	// else concerned.
	w.clock.Add(time.Minute)
	change, err = db.ChangeIssueStatus(ctx, w.asMember2, i.ID, workspace.IssueInProgress, "")
	if err != nil {
		t.Fatal(err)
	}
	wantTold(t, "status", change, w.member, w.secretariat, w.otherMember, w.stakeholder)

	// Unassigned: the followers alone.
	w.clock.Add(time.Minute)
	change, err = db.AssignIssue(ctx, w.asSecretariat, i.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantTold(t, "unassigned", change, w.member2, w.otherMember, w.stakeholder)
	// Nothing of this is in the audit log but the changes themselves.
	if got := len(mustAuditEntries(t, db, workspace.AuditFilter{Action: workspace.AuditIssueAssign})); got != 2 {
		t.Errorf("%d assignment entries, want 2", got)
	}
}
