package sqlite_test

import (
	"context"
	"strings"
	"testing"

	"tawla/workspace"
)

// TestIssuePrivateNeedToKnowStore: the store reads and writes an issue's
// personal details for its reporter, its owner organisation's members, the
// secretariat and admins, and refuses everyone else — another member of
// the reporter's own organisation, a stakeholder, a deactivated account —
// on every method, changing nothing. Reassigning the issue moves the
// right with it.
func TestIssuePrivateNeedToKnowStore(t *testing.T) {
	ctx := context.Background()
	w := newIssueWorld(t)
	db := w.db
	// Reported by the member of org, owned by other.
	secret := &workspace.IssuePrivate{PersonName: "Oumayma Fictive", PersonContact: "+216 00 111 222", Details: "Dossier 4471"}
	i := w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Carte de séjour", OwnerOrganisationID: &w.other.ID}, secret)

	for _, tt := range []struct {
		name    string
		actor   workspace.Actor
		allowed bool
	}{
		{"Reporter", w.asMember, true},
		{"OwnerMember", w.asOtherMember, true},
		{"Secretariat", w.asSecretariat, true},
		{"Admin", w.asAdmin, true},
		{"OtherMember", w.asMember2, false},
		{"Stakeholder", w.asStake, false},
		{"Inactive", w.asInactive, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dump := mustDumpTables(t, db)
			found, err := db.FindIssuePrivate(ctx, tt.actor, i.ID)
			if !tt.allowed {
				wantRefused(t, err, workspace.EFORBIDDEN, "error.issue.private_forbidden")
				_, err = db.RevealIssuePrivate(ctx, tt.actor, i.ID)
				refusedUnchanged(t, db, dump, err, workspace.EFORBIDDEN, "error.issue.private_forbidden")
				err = db.SetIssuePrivate(ctx, tt.actor, &workspace.IssuePrivate{IssueID: i.ID, PersonName: "Écrasé"})
				refusedUnchanged(t, db, dump, err, workspace.EFORBIDDEN, "")
				if edit, err := db.OpenIssueEdit(ctx, tt.actor, i.ID); err == nil && edit.Private != nil {
					t.Errorf("the edit form holds the private fields: %+v", edit.Private)
				}
				if mustDumpTables(t, db) != dump {
					t.Error("opening the edit form without the private fields wrote")
				}
				return
			}
			if err != nil || found.PersonName != secret.PersonName {
				t.Fatalf("FindIssuePrivate: %+v, %v", found, err)
			}
			shown, err := db.RevealIssuePrivate(ctx, tt.actor, i.ID)
			if err != nil || shown.Details != secret.Details {
				t.Fatalf("RevealIssuePrivate: %+v, %v", shown, err)
			}
			edit, err := db.OpenIssueEdit(ctx, tt.actor, i.ID)
			if err != nil || edit.Private == nil || edit.Private.PersonContact != secret.PersonContact {
				t.Fatalf("OpenIssueEdit: %+v, %v", edit, err)
			}
			if err := db.SetIssuePrivate(ctx, tt.actor, &workspace.IssuePrivate{IssueID: i.ID,
				PersonName: secret.PersonName, PersonContact: secret.PersonContact, Details: secret.Details}); err != nil {
				t.Errorf("SetIssuePrivate: %v", err)
			}
		})
	}

	// Assigned to org, the issue is no longer other's to know about; the
	// reporter keeps it, and org's members gain it.
	if _, err := db.AssignIssue(ctx, w.asSecretariat, i.ID, &w.org.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindIssuePrivate(ctx, w.asOtherMember, i.ID); workspace.ErrorCode(err) != workspace.EFORBIDDEN {
		t.Errorf("the former owner's member after the reassignment: %v, want forbidden", err)
	}
	if _, err := db.FindIssuePrivate(ctx, w.asMember2, i.ID); err != nil {
		t.Errorf("the new owner's member after the reassignment: %v", err)
	}
	// An issue that does not exist is not found, for anyone.
	_, err := db.RevealIssuePrivate(ctx, w.asSecretariat, 99999)
	wantCode(t, err, workspace.ENOTFOUND)
}

// TestIssuePrivateRevealRecordsView: showing an issue's personal details —
// on the issue page at the viewer's request, or in the edit form — writes
// one audit entry naming who saw them, on which issue and where, never
// what they hold; details that are empty show nothing and record nothing,
// and so does a refusal.
func TestIssuePrivateRevealRecordsView(t *testing.T) {
	ctx := context.Background()
	w := newIssueWorld(t)
	db := w.db
	secret := &workspace.IssuePrivate{PersonName: "Ridha Imaginaire", PersonContact: "ridha@example.tn", Details: "Passeport 99X"}
	i := w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Passeport perdu"}, secret)
	bare := w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Sans détails"}, nil)

	if _, err := db.RevealIssuePrivate(ctx, w.asSecretariat, i.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.OpenIssueEdit(ctx, w.asMember, i.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RevealIssuePrivate(ctx, w.asOtherMember, i.ID); workspace.ErrorCode(err) != workspace.EFORBIDDEN {
		t.Fatalf("another member: %v", err)
	}
	if p, err := db.RevealIssuePrivate(ctx, w.asSecretariat, bare.ID); err != nil || !p.Empty() {
		t.Fatalf("an issue without private fields: %+v, %v", p, err)
	}
	if _, err := db.OpenIssueEdit(ctx, w.asMember, bare.ID); err != nil {
		t.Fatal(err)
	}

	entries := mustAuditEntries(t, db, workspace.AuditFilter{Action: workspace.AuditIssuePrivateView})
	if len(entries) != 2 {
		t.Fatalf("%d views recorded, want 2: %+v", len(entries), entries)
	}
	// Newest first: the edit form, then the page.
	for n, want := range []struct {
		actor   *workspace.Account
		shownIn string
	}{{w.member, "edit_form"}, {w.secretariat, "issue_page"}} {
		e := entries[n]
		if e.EntityType != "issue" || e.EntityID != i.ID || e.ActorID == nil || *e.ActorID != want.actor.ID || e.ActorName != want.actor.Name {
			t.Errorf("view %d: %+v, want %s on issue %d", n, e, want.actor.Name, i.ID)
		}
		if after := decodeAudit(t, e.After); e.Before != "" || len(after) != 1 || after["shown_in"] != want.shownIn {
			t.Errorf("view %d records %q → %q, want only shown_in %s", n, e.Before, e.After, want.shownIn)
		}
		for _, v := range []string{secret.PersonName, secret.PersonContact, secret.Details} {
			if strings.Contains(e.Before+e.After, v) {
				t.Errorf("view %d holds the private value %q", n, v)
			}
		}
	}
}

// TestIssuePrivateKeptWhenEditedByOthersStore: a member who may not see an
// issue's personal details edits it from a form that holds none (Private
// nil) and whose state is that of the details alone: the save keeps the
// stored personal details, a change to them meanwhile is no conflict, a
// change to the details still is, and sending personal details anyway is
// refused with nothing saved.
func TestIssuePrivateKeptWhenEditedByOthersStore(t *testing.T) {
	ctx := context.Background()
	w := newIssueWorld(t)
	db := w.db
	secret := &workspace.IssuePrivate{PersonName: "Hamza Inventé", PersonContact: "+216 00 999 000", Details: "Suivi 12"}
	i := w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Équivalence", OwnerOrganisationID: &w.org.ID}, secret)

	edit, err := db.OpenIssueEdit(ctx, w.asOtherMember, i.ID)
	if err != nil {
		t.Fatal(err)
	}
	if edit.Private != nil || edit.Base != workspace.IssueEditBase(edit.Issue, nil) {
		t.Fatalf("the other member's form: private %+v, base %q", edit.Private, edit.Base)
	}
	if base, private, err := db.FindIssueEditBase(ctx, w.asOtherMember, i.ID); err != nil || private || base != edit.Base {
		t.Errorf("FindIssueEditBase: %q, %v, %v; want %q without the private fields", base, private, err, edit.Base)
	}
	if base, private, err := db.FindIssueEditBase(ctx, w.asMember, i.ID); err != nil || !private || base == edit.Base {
		t.Errorf("FindIssueEditBase for the reporter: %q, %v, %v; want a state with the private fields", base, private, err)
	}

	// The reporter changes the personal details meanwhile.
	changed := &workspace.IssuePrivate{IssueID: i.ID, PersonName: secret.PersonName, PersonContact: "+216 00 999 111", Details: secret.Details}
	if err := db.SetIssuePrivate(ctx, w.asMember, changed); err != nil {
		t.Fatal(err)
	}

	// Sending personal details anyway is refused, nothing saved.
	dump := mustDumpTables(t, db)
	forged := *edit.Issue
	forged.Title = "Équivalence (forcée)"
	_, err = db.UpdateIssueFrom(ctx, w.asOtherMember, &forged, edit.Base, &workspace.IssuePrivate{IssueID: i.ID})
	refusedUnchanged(t, db, dump, err, workspace.EFORBIDDEN, "error.issue.private_forbidden")

	// The other member's save goes through, and keeps them.
	saved := *edit.Issue
	saved.Title = "Équivalence du diplôme"
	if _, err := db.UpdateIssueFrom(ctx, w.asOtherMember, &saved, edit.Base, nil); err != nil {
		t.Fatalf("the other member's save: %v", err)
	}
	got, err := db.FindIssuePrivate(ctx, w.asMember, i.ID)
	if err != nil || got.PersonName != changed.PersonName || got.PersonContact != changed.PersonContact || got.Details != changed.Details {
		t.Errorf("after the other member's save the private fields are %+v, %v; want them kept", got, err)
	}

	// Saving again from the same form: the details have moved on.
	dump = mustDumpTables(t, db)
	late := *edit.Issue
	late.Title = "Équivalence"
	_, err = db.UpdateIssueFrom(ctx, w.asOtherMember, &late, edit.Base, nil)
	refusedUnchanged(t, db, dump, err, workspace.ECONFLICT, "error.issue.changed_meanwhile")
}
