package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// TestSessionIdle checks that a session unused for the idle limit ends,
// that a recorded use keeps it alive, and that the purge deletes it once
// ended.
func TestSessionIdle(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clock := MustSetClock(db)
	org := MustCreateOrganisation(t, db, "Croissant-Rouge")
	a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
	tok, err := db.CreateSession(ctx, a.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := db.FindSession(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if s.LastSeenAt == nil || !s.LastSeenAt.Equal(clock.Now()) {
		t.Errorf("LastSeenAt of a new session = %v, want its creation %v", s.LastSeenAt, clock.Now())
	}

	clock.Add(workspace.DefaultSessionIdle - time.Second)
	s, _, err = db.FindSession(ctx, tok)
	if err != nil {
		t.Fatalf("a second before the idle limit: %v", err)
	}
	if !s.UseDue(clock.Now()) {
		t.Error("UseDue after hours without a record = false")
	}
	if err := db.TouchSession(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	clock.Add(workspace.DefaultSessionIdle - time.Second)
	if s, _, err = db.FindSession(ctx, tok); err != nil {
		t.Fatalf("after a use, a second before the idle limit again: %v", err)
	}
	if s.UseDue(s.LastSeenAt.Add(workspace.SessionUseInterval - time.Second)) {
		t.Error("UseDue within the interval = true, want no write")
	}

	clock.Add(time.Second)
	if _, _, err := db.FindSession(ctx, tok); workspace.ErrorCode(err) != workspace.EUNAUTHORIZED {
		t.Fatalf("unused for the idle limit: err = %v, want EUNAUTHORIZED", err)
	}
	// A use recorded too late does not bring it back: FindSession refuses
	// it first, and nothing touches a session it refused.
	p, err := db.PurgeExpired(ctx, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if p.Sessions != 1 {
		t.Errorf("purged %d sessions, want the idle one", p.Sessions)
	}
}

// TestSessionIdleOption checks that the idle limit is the deployment's
// choice, and that one too short to work is refused.
func TestSessionIdleOption(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.OpenWith(ctx, filepath.Join(t.TempDir(), "tawla.db"), sqlite.Options{SessionIdle: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := MustSetClock(db)
	org := MustCreateOrganisation(t, db, "Croissant-Rouge")
	a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
	tok, err := db.CreateSession(ctx, a.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	clock.Add(30 * time.Minute)
	if _, _, err := db.FindSession(ctx, tok); workspace.ErrorCode(err) != workspace.EUNAUTHORIZED {
		t.Errorf("unused for 30 minutes with a limit of 30: err = %v, want EUNAUTHORIZED", err)
	}

	if _, err := sqlite.OpenWith(ctx, filepath.Join(t.TempDir(), "short.db"), sqlite.Options{SessionIdle: time.Minute}); err == nil {
		t.Error("OpenWith accepted an idle limit of one minute")
	}
}
