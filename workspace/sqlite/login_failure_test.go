package sqlite_test

import (
	"context"
	"strings"
	"testing"

	"tawla/workspace"
)

// TestRecordFailedLogin checks the audit entry of a failed login: about
// the account, by the visitor named by its address, with the address; and
// that an unknown account is refused and records nothing.
func TestRecordFailedLogin(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	org := MustCreateOrganisation(t, db, "Croissant-Rouge")
	a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
	if err := db.RecordFailedLogin(ctx, a.ID, "2001:db8::7"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.RecordFailedLogin(ctx, a.ID+1000, "192.0.2.1"), workspace.ENOTFOUND)
	entries, total, err := db.FindAuditEntries(ctx, workspace.AuditFilter{Action: workspace.AuditAccountLoginFailed, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if total != 1 {
		t.Fatalf("%d failed-login entries, want 1", total)
	}
	e := entries[0]
	if e.EntityType != "account" || e.EntityID != a.ID || e.ActorID != nil || e.ActorName != "2001:db8::7" || !strings.Contains(e.After, `"address":"2001:db8::7"`) {
		t.Errorf("entry = %+v, want account %d, by and with the address", e, a.ID)
	}
}

// TestFindAccountByEmptyEmail checks that no email finds no account: the
// login form sent without an email used to find the first account by name
// (an empty filter selects every account), and its failure was audited
// against that account.
func TestFindAccountByEmptyEmail(t *testing.T) {
	db := MustOpenDB(t)
	org := MustCreateOrganisation(t, db, "Croissant-Rouge")
	MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
	for _, email := range []string{"", "  "} {
		_, err := db.FindAccountByEmail(context.Background(), email)
		wantCode(t, err, workspace.ENOTFOUND)
	}
}
