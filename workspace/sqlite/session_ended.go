package sqlite

import (
	"context"
	"fmt"
	"time"

	"tawla/workspace"
)

// endedChunk bounds the session digests asked about in one statement,
// well under SQLite's limit on a statement's parameters.
const endedChunk = 500

// EndedSessions returns those of the given session digests whose session
// has ended: unknown (purged), revoked, expired, unused for the idle limit,
// or whose account is deactivated — every session FindSession would
// refuse. It only reads, so asking does not count as a use: the live
// channel asks it of its open connections, whose pings are no use either.
func (db *DB) EndedSessions(ctx context.Context, ids []string) ([]string, error) {
	now := db.Now()
	var ended []string
	for start := 0; start < len(ids); start += endedChunk {
		chunk := ids[start:min(start+endedChunk, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		var rows []struct {
			ID         string     `db:"id"`
			CreatedAt  time.Time  `db:"created_at"`
			ExpiresAt  time.Time  `db:"expires_at"`
			RevokedAt  *time.Time `db:"revoked_at"`
			LastSeenAt *time.Time `db:"last_seen_at"`
			Active     bool       `db:"active"`
		}
		if err := db.read.SelectContext(ctx, &rows, `SELECT s.id, s.created_at, s.expires_at, s.revoked_at, s.last_seen_at, a.active
			FROM sessions s JOIN accounts a ON a.id = s.account_id
			WHERE s.id IN (`+placeholders(len(chunk))+`)`, args...); err != nil {
			return nil, fmt.Errorf("sqlite: ended sessions: %w", err)
		}
		live := make(map[string]bool, len(rows))
		for _, r := range rows {
			s := workspace.Session{ID: r.ID, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, RevokedAt: r.RevokedAt, LastSeenAt: r.LastSeenAt}
			live[r.ID] = r.Active && !s.EndedAt(now, db.sessionIdle)
		}
		for _, id := range chunk {
			if !live[id] {
				ended = append(ended, id)
			}
		}
	}
	return ended, nil
}
