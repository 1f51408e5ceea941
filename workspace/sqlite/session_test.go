package sqlite_test

import (
	"context"
	"testing"
	"time"

	"tawla/workspace"
)

func TestCreateSession(t *testing.T) {
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		clock := MustSetClock(db)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
		tok, err := db.CreateSession(ctx, a.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		s, acc, err := db.FindSession(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		if s.ID != workspace.TokenDigest(tok) {
			t.Errorf("session ID = %q, want the token's digest", s.ID)
		}
		if s.ID == tok {
			t.Error("the session is stored under the token itself, want its digest")
		}
		if s.AccountID != a.ID || acc.ID != a.ID || acc.Email != "amel@example.tn" {
			t.Errorf("session for account %d (%q), want %d", s.AccountID, acc.Email, a.ID)
		}
		if acc.Organisation == nil || acc.Organisation.ID != org.ID {
			t.Errorf("account Organisation = %+v, want %d", acc.Organisation, org.ID)
		}
		if !s.CreatedAt.Equal(clock.Now()) || !s.ExpiresAt.Equal(clock.Now().Add(workspace.SessionLifetime)) {
			t.Errorf("CreatedAt, ExpiresAt = %v, %v, want %v, %v", s.CreatedAt, s.ExpiresAt, clock.Now(), clock.Now().Add(workspace.SessionLifetime))
		}
		if s.RevokedAt != nil {
			t.Errorf("RevokedAt = %v, want nil", s.RevokedAt)
		}
	})

	t.Run("DifferentTokens", func(t *testing.T) {
		db := MustOpenDB(t)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
		seen := map[string]bool{}
		for range 5 {
			tok, err := db.CreateSession(ctx, a.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			if tok == "" || seen[tok] {
				t.Fatalf("CreateSession returned %q twice or empty", tok)
			}
			seen[tok] = true
		}
		for tok := range seen {
			if _, _, err := db.FindSession(ctx, tok); err != nil {
				t.Errorf("FindSession: %v, want every session alive", err)
			}
		}
	})

	t.Run("ReplacingRevokesTheOldOne", func(t *testing.T) {
		db := MustOpenDB(t)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
		old, err := db.CreateSession(ctx, a.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		kept, err := db.CreateSession(ctx, a.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		tok, err := db.CreateSession(ctx, a.ID, workspace.TokenDigest(old))
		if err != nil {
			t.Fatal(err)
		}
		if tok == old {
			t.Fatal("the new token equals the replaced one")
		}
		_, _, err = db.FindSession(ctx, old)
		wantCode(t, err, workspace.EUNAUTHORIZED)
		if _, _, err := db.FindSession(ctx, tok); err != nil {
			t.Errorf("new session: %v", err)
		}
		if _, _, err := db.FindSession(ctx, kept); err != nil {
			t.Errorf("a session that was not replaced: %v, want it alive", err)
		}
	})

	t.Run("ReplacingUnknownSession", func(t *testing.T) {
		db := MustOpenDB(t)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
		tok, err := db.CreateSession(ctx, a.ID, workspace.TokenDigest("stale cookie"))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.FindSession(ctx, tok); err != nil {
			t.Errorf("FindSession: %v", err)
		}
	})

	t.Run("UnknownAccount", func(t *testing.T) {
		db := MustOpenDB(t)
		_, err := db.CreateSession(ctx, 404, "")
		wantCode(t, err, workspace.ENOTFOUND)
		if n := mustAuditCount(t, db); n != 0 {
			t.Errorf("%d audit entries after a refused login, want 0", n)
		}
	})
}

func TestFindSession(t *testing.T) {
	ctx := context.Background()

	t.Run("Unknown", func(t *testing.T) {
		db := MustOpenDB(t)
		for _, tok := range []string{"", "nope", workspace.NewToken()} {
			_, _, err := db.FindSession(ctx, tok)
			wantCode(t, err, workspace.EUNAUTHORIZED)
		}
	})

	t.Run("DigestIsNotAToken", func(t *testing.T) {
		// Someone who reads the database must not be able to log in with
		// what it holds.
		db := MustOpenDB(t)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
		tok, err := db.CreateSession(ctx, a.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = db.FindSession(ctx, workspace.TokenDigest(tok))
		wantCode(t, err, workspace.EUNAUTHORIZED)
	})

	t.Run("Expired", func(t *testing.T) {
		db := MustOpenDB(t)
		clock := MustSetClock(db)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
		tok, err := db.CreateSession(ctx, a.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		// The session is used every few hours, so that only its absolute
		// expiry, not its idle limit, ends it.
		for elapsed := time.Duration(0); elapsed < workspace.SessionLifetime-time.Second; {
			step := min(workspace.DefaultSessionIdle/2, workspace.SessionLifetime-time.Second-elapsed)
			clock.Add(step)
			elapsed += step
			s, _, err := db.FindSession(ctx, tok)
			if err != nil {
				t.Fatalf("FindSession %v after login, before expiry: %v", elapsed, err)
			}
			if err := db.TouchSession(ctx, s.ID); err != nil {
				t.Fatal(err)
			}
		}
		clock.Add(time.Second)
		_, _, err = db.FindSession(ctx, tok)
		wantCode(t, err, workspace.EUNAUTHORIZED)
		clock.Add(24 * time.Hour)
		_, _, err = db.FindSession(ctx, tok)
		wantCode(t, err, workspace.EUNAUTHORIZED)
	})

	t.Run("InactiveAccount", func(t *testing.T) {
		db := MustOpenDB(t)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
		a.Active = false
		if err := db.UpdateAccount(ctx, systemActor, a); err != nil {
			t.Fatal(err)
		}
		tok, err := db.CreateSession(ctx, a.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = db.FindSession(ctx, tok)
		wantCode(t, err, workspace.EUNAUTHORIZED)
	})
}

func TestRevokeSession(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	org := MustCreateOrganisation(t, db, "Croissant-Rouge")
	a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
	tok, err := db.CreateSession(ctx, a.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	other, err := db.CreateSession(ctx, a.ID, "")
	if err != nil {
		t.Fatal(err)
	}

	if err := db.RevokeSession(ctx, workspace.TokenDigest(tok)); err != nil {
		t.Fatalf("first RevokeSession: %v", err)
	}
	_, _, err = db.FindSession(ctx, tok)
	wantCode(t, err, workspace.EUNAUTHORIZED)
	if _, _, err := db.FindSession(ctx, other); err != nil {
		t.Errorf("the account's other session: %v, want it alive", err)
	}

	if err := db.RevokeSession(ctx, workspace.TokenDigest(tok)); err != nil {
		t.Errorf("second RevokeSession: %v, want nil", err)
	}
	if err := db.RevokeSession(ctx, workspace.TokenDigest("never issued")); err != nil {
		t.Errorf("RevokeSession of an unknown session: %v, want nil", err)
	}
	logouts := mustAuditEntries(t, db, workspace.AuditFilter{Action: workspace.AuditAccountLogout})
	if len(logouts) != 1 {
		t.Fatalf("%d logout entries, want 1: only a real logout is recorded", len(logouts))
	}
	if e := logouts[0]; e.EntityID != a.ID || e.ActorID == nil || *e.ActorID != a.ID {
		t.Errorf("logout entry %+v, want account %d as entity and actor", e, a.ID)
	}
}

// BenchmarkFindSession reads a live session and its account, as the
// websocket does for every message a connection sends.
func BenchmarkFindSession(b *testing.B) {
	ctx := context.Background()
	db := MustOpenDB(b)
	org := MustCreateOrganisation(b, db, "Croissant-Rouge")
	a := MustCreateAccount(b, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
	tok, err := db.CreateSession(ctx, a.ID, "")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := db.FindSession(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}
