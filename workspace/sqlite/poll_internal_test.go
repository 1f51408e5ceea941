package sqlite

import (
	"context"
	"path/filepath"
	"testing"
)

// TestBallotKeysAreConflicts checks that the key violations the store
// relies on to refuse a second ballot, should two pass its own check, are
// the ones isKeyViolation recognises (and CastVote turns into ECONFLICT):
// poll_participants and named_ballots on (poll, voter), secret_ballots on
// its random id.
func TestBallotKeysAreConflicts(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "tawla.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.write.Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// The rows name no poll, account or organisation: only the keys are
	// under test.
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		t.Fatal(err)
	}
	defer func() { _, _ = conn.ExecContext(ctx, `PRAGMA foreign_keys = ON`) }()
	for _, tt := range []struct {
		table, insert string
	}{
		{"poll_participants", `INSERT INTO poll_participants (poll_id, voter_key) VALUES (1, 'a:1')`},
		{"named_ballots", `INSERT INTO named_ballots (poll_id, voter_key, account_id, organisation_id, college, choices, cast_at, updated_at)
			VALUES (1, 'a:1', 1, 1, 'state', '[1]', '2026-03-02 08:30:00+00:00', '2026-03-02 08:30:00+00:00')`},
		{"secret_ballots", `INSERT INTO secret_ballots (id, poll_id, college, choices) VALUES (8842, 1, 'state', '[1]')`},
	} {
		t.Run(tt.table, func(t *testing.T) {
			if _, err := conn.ExecContext(ctx, tt.insert); err != nil {
				t.Fatal(err)
			}
			_, err := conn.ExecContext(ctx, tt.insert)
			if err == nil || !isKeyViolation(err) {
				t.Errorf("second row: %v, want a key violation", err)
			}
		})
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO poll_participants (poll_id, voter_key) VALUES (1, NULL)`); err == nil || isKeyViolation(err) {
		t.Errorf("a NOT NULL failure: %v, want no key violation", err)
	}
}
