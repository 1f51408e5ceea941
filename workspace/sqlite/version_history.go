package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// FindDocumentHistory returns what it takes to tell who wrote what in a
// document: a snapshot's text and every update since, in order, read in
// one transaction. With maxUpdates 0 the snapshot is the first one, and
// the history is as long as the document's life. Otherwise it is the
// first snapshot after which at most maxUpdates updates were made, or,
// when there is none (snapshots are written every collab
// Limits.SnapshotEvery updates), the latest one: the updates read, and
// the work of replaying them, are so bounded by maxUpdates plus the
// snapshots' spacing, however long the document has lived.
func (db *DB) FindDocumentHistory(ctx context.Context, id int64, maxUpdates int) (first *workspace.DocumentSnapshot, updates []*workspace.DocumentUpdate, err error) {
	tx, err := db.read.BeginTxx(ctx, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: document history: %w", err)
	}
	defer tx.Rollback()
	d, err := findDocument(ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	from := 0
	if maxUpdates > 0 {
		from = max(0, d.Version-maxUpdates)
	}
	snap, err := findSnapshot(ctx, tx, `version >= ? ORDER BY version`, id, from)
	if errors.Is(err, sql.ErrNoRows) {
		snap, err = findSnapshot(ctx, tx, `version >= ? ORDER BY version DESC`, id, 0)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: document history: %w", err)
	}
	if updates, err = findDocumentUpdates(ctx, tx, id, snap.Version, d.Version); err != nil {
		return nil, nil, err
	}
	return snap, updates, nil
}

// FindDocumentHistoryAt returns the latest snapshot of a document taken
// at or before version at, and the updates since, in order, up to version
// upTo (or the document's version, if lower), read in one transaction:
// what it takes to know the text from version at to upTo, from at most
// about a snapshot's spacing of updates before it.
func (db *DB) FindDocumentHistoryAt(ctx context.Context, id int64, at, upTo int) (first *workspace.DocumentSnapshot, updates []*workspace.DocumentUpdate, err error) {
	tx, err := db.read.BeginTxx(ctx, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: document history: %w", err)
	}
	defer tx.Rollback()
	d, err := findDocument(ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	snap, err := findSnapshot(ctx, tx, `version <= ? ORDER BY version DESC`, id, max(at, 0))
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: document history: %w", err)
	}
	if updates, err = findDocumentUpdates(ctx, tx, id, snap.Version, min(upTo, d.Version)); err != nil {
		return nil, nil, err
	}
	return snap, updates, nil
}

// findSnapshot returns the first snapshot of document id, in the order
// where says (a condition on version with one argument, and an ORDER BY).
func findSnapshot(ctx context.Context, q sqlx.QueryerContext, where string, id int64, version int) (*workspace.DocumentSnapshot, error) {
	var snap workspace.DocumentSnapshot
	err := q.QueryRowxContext(ctx, `
		SELECT document_id, version, content, created_at FROM document_snapshots
		WHERE document_id = ? AND `+where+` LIMIT 1`, id, version).Scan(&snap.DocumentID, &snap.Version, &snap.Content, &snap.CreatedAt)
	if err != nil {
		return nil, err
	}
	return &snap, nil
}

// sessionAudit is what the audit log keeps of an editing session.
type sessionAudit struct {
	FirstVersion int    `json:"first_version"`
	LastVersion  int    `json:"last_version"`
	Updates      int    `json:"updates"`
	Inserted     int    `json:"inserted"`
	Deleted      int    `json:"deleted"`
	Start        string `json:"start"`
	End          string `json:"end"`
}

// RecordEditingSessions writes an audit entry for every editing session
// that has ended (workspace.EditingSession.Closed at the store's clock)
// and was not recorded yet, one transaction per document, and returns how
// many it wrote. The log so shows who edited a document, when and how
// much, without an entry per keystroke. It reads only the updates after
// each document's mark, the version up to which every session is
// recorded, so a run costs what was written since the last. Entries are
// written under the session's account, and refer to the document.
func (db *DB) RecordEditingSessions(ctx context.Context) (int, error) {
	var docs []int64
	if err := db.read.SelectContext(ctx, &docs, `
		SELECT d.id FROM documents d LEFT JOIN document_session_marks m ON m.document_id = d.id
		WHERE d.version > COALESCE(m.version, 0) ORDER BY d.id`); err != nil {
		return 0, fmt.Errorf("sqlite: record editing sessions: %w", err)
	}
	total := 0
	for _, id := range docs {
		n, err := db.recordDocumentSessions(ctx, id)
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

// recordDocumentSessions records the ended sessions of one document.
func (db *DB) recordDocumentSessions(ctx context.Context, id int64) (int, error) {
	var written int
	err := db.withWriteTx(ctx, func(tx *Tx) error {
		d, err := findDocument(ctx, tx.tx, id)
		if err != nil {
			return err
		}
		var mark int
		if err := tx.tx.GetContext(ctx, &mark, `SELECT COALESCE((SELECT version FROM document_session_marks WHERE document_id = ?), 0)`, id); err != nil {
			return fmt.Errorf("sqlite: record editing sessions: %w", err)
		}
		updates, err := findDocumentUpdates(ctx, tx.tx, id, mark, d.Version)
		if err != nil {
			return err
		}
		sessions, err := workspace.GroupSessions(updates)
		if err != nil {
			return err
		}
		now := db.Now()
		// The mark moves up to the update before the first session still
		// open: sessions are interleaved, so one that ended may lie after an
		// open one, and the rows of document_sessions keep it from being
		// recorded again when the mark catches up.
		newMark := d.Version
		for _, s := range sessions {
			if !s.Closed(now) {
				newMark = min(newMark, s.FirstVersion-1)
			}
		}
		// Nor may the mark cut a session in two: grouped again from the mark,
		// its tail would pass for a session of its own.
		for moved := true; moved; {
			moved = false
			for _, s := range sessions {
				if s.FirstVersion <= newMark && newMark < s.LastVersion {
					newMark, moved = s.FirstVersion-1, true
				}
			}
		}
		written = 0
		for _, s := range sessions {
			if !s.Closed(now) {
				continue
			}
			res, err := tx.tx.ExecContext(ctx, `
				INSERT INTO document_sessions (document_id, first_version, last_version, account_id) VALUES (?, ?, ?, ?)
				ON CONFLICT (document_id, first_version) DO NOTHING`, id, s.FirstVersion, s.LastVersion, s.AccountID)
			if err != nil {
				return fmt.Errorf("sqlite: record editing session: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			actor := workspace.SystemActor("tawla")
			if s.AccountID != nil {
				acc, err := findAccountByID(ctx, tx.tx, *s.AccountID)
				if err != nil {
					return err
				}
				actor = workspace.ActorFor(acc)
			}
			format := "2006-01-02T15:04:05Z07:00"
			if err := db.recordAudit(ctx, tx.tx, actor, workspace.AuditDocumentSession, "document", id, nil, sessionAudit{
				FirstVersion: s.FirstVersion, LastVersion: s.LastVersion, Updates: s.Updates,
				Inserted: s.Inserted, Deleted: s.Deleted,
				Start: s.Start.UTC().Format(format), End: s.End.UTC().Format(format),
			}); err != nil {
				return err
			}
			written++
		}
		if newMark > mark {
			if _, err := tx.tx.ExecContext(ctx, `
				INSERT INTO document_session_marks (document_id, version) VALUES (?, ?)
				ON CONFLICT (document_id) DO UPDATE SET version = excluded.version`, id, newMark); err != nil {
				return fmt.Errorf("sqlite: record editing sessions: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return written, nil
}
