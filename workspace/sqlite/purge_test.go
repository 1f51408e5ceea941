package sqlite_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// mustCountRows returns the number of rows of table, read through a
// connection of its own to db's file.
func mustCountRows(tb testing.TB, db *sqlite.DB, table string) int {
	tb.Helper()
	conn, err := sql.Open("sqlite3", "file:"+db.Path()+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// TestPurgeExpired builds every kind of dead session and invitation beside
// a live one of each, purges, and checks that exactly the dead ones are
// gone.
func TestPurgeExpired(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clock := MustSetClock(db)
	org := MustCreateOrganisation(t, db, "Croissant-Rouge")
	staff := MustCreateAccount(t, db, org, "Sonia", "sonia@example.tn", workspace.RoleSecretariat)
	amel := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
	omar := MustCreateAccount(t, db, org, "Omar", "omar@example.tn", workspace.RoleMember)
	hedi := MustCreateAccount(t, db, org, "Hedi", "hedi@example.tn", workspace.RoleMember)
	actor := workspace.ActorFor(staff)

	mustSession := func(acc *workspace.Account) string {
		t.Helper()
		token, err := db.CreateSession(ctx, acc.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		return token
	}
	mustInvite := func(acc *workspace.Account) string {
		t.Helper()
		token, err := db.CreateInvitation(ctx, actor, acc.ID)
		if err != nil {
			t.Fatal(err)
		}
		return token
	}

	mustSession(amel) // will have expired
	mustInvite(omar)  // will have expired
	clock.Add(workspace.SessionLifetime - time.Hour)

	mustSession(amel) // revoked when the invitation below sets her password
	logout := mustSession(amel)
	logoutSession, _, err := db.FindSession(ctx, logout)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.RevokeSession(ctx, logoutSession.ID); err != nil {
		t.Fatal(err)
	}
	used := mustInvite(amel)
	if _, err := db.UseInvitation(ctx, used, "$argon2id$stub"); err != nil {
		t.Fatal(err)
	}
	mustInvite(hedi) // retired by the next
	pending := mustInvite(hedi)
	live := mustSession(amel)
	clock.Add(2 * time.Hour)

	if got, want := mustCountRows(t, db, "sessions"), 4; got != want {
		t.Fatalf("%d sessions before the purge, want %d", got, want)
	}
	got, err := db.PurgeExpired(ctx, db.Now())
	if err != nil {
		t.Fatalf("PurgeExpired: %v", err)
	}
	// Sessions: the expired one, the logged-out one, and the one the
	// password set by the invitation revoked. Invitations: the expired,
	// the used and the retired ones.
	if want := (sqlite.Purged{Sessions: 3, Invitations: 3}); got != want {
		t.Errorf("PurgeExpired = %+v, want %+v", got, want)
	}
	if got, want := mustCountRows(t, db, "sessions"), 1; got != want {
		t.Errorf("%d sessions after the purge, want %d", got, want)
	}
	if got, want := mustCountRows(t, db, "invitations"), 1; got != want {
		t.Errorf("%d invitations after the purge, want %d", got, want)
	}
	if _, _, err := db.FindSession(ctx, live); err != nil {
		t.Errorf("the live session after the purge: %v", err)
	}
	if _, err := db.FindInvitation(ctx, pending); err != nil {
		t.Errorf("the pending invitation after the purge: %v", err)
	}

	again, err := db.PurgeExpired(ctx, db.Now())
	if err != nil || again != (sqlite.Purged{}) {
		t.Errorf("second PurgeExpired = %+v, %v; want nothing deleted", again, err)
	}
}
