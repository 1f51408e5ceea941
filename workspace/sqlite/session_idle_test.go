package sqlite_test

import (
	"context"
	"database/sql"
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

// TestSessionWithoutRecordedUse: a session made before uses were recorded
// (last_seen_at NULL, as migration 0015 leaves them) counts as unused since
// it was made. One made an idle limit ago has ended — FindSession refuses
// it, EndedSessions names it, the purge deletes it — while a younger one
// lives on and EndedSessions leaves it out.
func TestSessionWithoutRecordedUse(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clock := MustSetClock(db)
	org := MustCreateOrganisation(t, db, "Croissant-Rouge")
	a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
	old, err := db.CreateSession(ctx, a.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	clock.Add(workspace.DefaultSessionIdle / 2)
	young, err := db.CreateSession(ctx, a.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := sql.Open("sqlite3", "file:"+db.Path()+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `UPDATE sessions SET last_seen_at = NULL`); err != nil {
		t.Fatal(err)
	}
	clock.Add(workspace.DefaultSessionIdle/2 + time.Second)

	if _, _, err := db.FindSession(ctx, old); workspace.ErrorCode(err) != workspace.EUNAUTHORIZED {
		t.Errorf("a session made an idle limit ago, never recorded in use: %v, want it ended", err)
	}
	if _, _, err := db.FindSession(ctx, young); err != nil {
		t.Errorf("a session made within the idle limit, never recorded in use: %v, want it live", err)
	}
	oldID, youngID := workspace.TokenDigest(old), workspace.TokenDigest(young)
	ended, err := db.EndedSessions(ctx, []string{oldID, youngID, "unknown"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ended) != 2 || ended[0] != oldID || ended[1] != "unknown" {
		t.Errorf("EndedSessions = %q, want the old session and the unknown one", ended)
	}
	p, err := db.PurgeExpired(ctx, db.Now())
	if err != nil {
		t.Fatal(err)
	}
	if p.Sessions != 1 {
		t.Errorf("the purge deleted %d sessions, want the old one only", p.Sessions)
	}
}
