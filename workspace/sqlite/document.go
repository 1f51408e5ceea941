package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	sqlite3 "github.com/mattn/go-sqlite3"

	"tawla/workspace"
	"tawla/workspace/change"
)

// createDocument inserts a new document at version 0 with text as its first
// snapshot, inside tx, and returns its ID.
func (db *DB) createDocument(ctx context.Context, tx *sqlx.Tx, kind workspace.DocumentKind, text string) (int64, error) {
	now := db.Now()
	res, err := tx.ExecContext(ctx, `INSERT INTO documents (kind, version, created_at, updated_at) VALUES (?, 0, ?, ?)`, kind, now, now)
	if err != nil {
		return 0, fmt.Errorf("sqlite: create document: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("sqlite: create document: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO document_snapshots (document_id, version, content, created_at) VALUES (?, 0, ?, ?)`, id, text, now); err != nil {
		return 0, fmt.Errorf("sqlite: create document snapshot: %w", err)
	}
	return id, nil
}

// CreateDocument stores a new document of the given kind at version 0
// with text as its first snapshot and returns its ID. The document belongs
// to nothing yet: the capability that owns it (a meeting for its minutes)
// records the link in its own table.
func (db *DB) CreateDocument(ctx context.Context, kind workspace.DocumentKind, text string) (int64, error) {
	if err := workspace.CheckDocumentText(text); err != nil {
		return 0, err
	}
	var id int64
	err := db.withWriteTx(ctx, func(tx *Tx) error {
		var err error
		id, err = db.createDocument(ctx, tx.tx, kind, text)
		return err
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// FindDocumentByID returns the document with id, or ENOTFOUND.
func (db *DB) FindDocumentByID(ctx context.Context, id int64) (*workspace.Document, error) {
	return findDocument(ctx, db.read, id)
}

// LoadDocument returns what it takes to rebuild a document's current text:
// its latest snapshot and the updates accepted after it, in order. It reads
// both in one transaction, so they fit together.
func (db *DB) LoadDocument(ctx context.Context, id int64) (*workspace.Document, *workspace.DocumentSnapshot, []*workspace.DocumentUpdate, error) {
	tx, err := db.read.BeginTxx(ctx, nil)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("sqlite: load document: %w", err)
	}
	defer tx.Rollback()

	d, err := findDocument(ctx, tx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	var snap workspace.DocumentSnapshot
	if err := tx.QueryRowxContext(ctx, `
		SELECT document_id, version, content, created_at FROM document_snapshots
		WHERE document_id = ? ORDER BY version DESC LIMIT 1`, id).Scan(&snap.DocumentID, &snap.Version, &snap.Content, &snap.CreatedAt); err != nil {
		return nil, nil, nil, fmt.Errorf("sqlite: load document snapshot: %w", err)
	}
	updates, err := findDocumentUpdates(ctx, tx, id, snap.Version, d.Version)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(updates) != d.Version-snap.Version {
		return nil, nil, nil, fmt.Errorf("sqlite: document %d: %d updates after snapshot %d, want %d", id, len(updates), snap.Version, d.Version-snap.Version)
	}
	return d, &snap, updates, nil
}

// LoadDocumentText rebuilds a document's current text from its latest
// snapshot and the updates after it (LoadDocument), and returns it with
// the document's version.
func (db *DB) LoadDocumentText(ctx context.Context, id int64) (change.Text, int, error) {
	doc, snap, updates, err := db.LoadDocument(ctx, id)
	if err != nil {
		return change.Text{}, 0, err
	}
	text := change.NewText(snap.Content)
	for _, u := range updates {
		set, err := change.ParseJSON([]byte(u.Changes))
		if err != nil {
			return change.Text{}, 0, fmt.Errorf("sqlite: document %d update %d: %w", id, u.Version, err)
		}
		if err := set.Apply(&text); err != nil {
			return change.Text{}, 0, fmt.Errorf("sqlite: document %d update %d: %w", id, u.Version, err)
		}
	}
	return text, doc.Version, nil
}

// FindDocumentUpdates returns the updates of a document with versions in
// (after, upTo], in order.
func (db *DB) FindDocumentUpdates(ctx context.Context, id int64, after, upTo int) ([]*workspace.DocumentUpdate, error) {
	return findDocumentUpdates(ctx, db.read, id, after, upTo)
}

func findDocumentUpdates(ctx context.Context, q sqlx.QueryerContext, id int64, after, upTo int) ([]*workspace.DocumentUpdate, error) {
	rows, err := q.QueryxContext(ctx, `
		SELECT document_id, version, client_id, client_seq, changes, account_id, created_at
		FROM document_updates WHERE document_id = ? AND version > ? AND version <= ? ORDER BY version`, id, after, upTo)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find document updates: %w", err)
	}
	defer rows.Close()
	updates := []*workspace.DocumentUpdate{}
	for rows.Next() {
		var u workspace.DocumentUpdate
		if err := rows.Scan(&u.DocumentID, &u.Version, &u.ClientID, &u.ClientSeq, &u.Changes, &u.AccountID, &u.CreatedAt); err != nil {
			return nil, fmt.Errorf("sqlite: find document updates: %w", err)
		}
		updates = append(updates, &u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: find document updates: %w", err)
	}
	return updates, nil
}

// AppendDocumentUpdates stores updates as the next versions of the
// document, in one transaction: the first gets version from+1. It fails
// with ECONFLICT, storing nothing, when the document is not at version
// from (another writer got there first) or when an update's client ID and
// sequence number were already stored.
func (db *DB) AppendDocumentUpdates(ctx context.Context, id int64, from int, updates []*workspace.DocumentUpdate) error {
	if len(updates) == 0 {
		return nil
	}
	return db.AppendDocument(ctx, id, DocumentAppend{From: from, Updates: updates})
}

// AppendDocumentUpdatesAndSnapshot is AppendDocumentUpdates that also
// stores content, the document's text after the updates, as the snapshot
// of their last version, in the same transaction: one commit (and one sync
// of the disk) instead of two. It stores nothing when the updates cannot
// be stored.
func (db *DB) AppendDocumentUpdatesAndSnapshot(ctx context.Context, id int64, from int, updates []*workspace.DocumentUpdate, content string) error {
	return db.AppendDocument(ctx, id, DocumentAppend{From: from, Updates: updates, Snapshot: &content})
}

// DocumentAppend is what one commit of a co-edited document stores: the
// updates accepted since version From, and with them, optionally, the
// snapshot of the text after them, the anchors they moved, and the other
// writes of the request that made them.
type DocumentAppend struct {
	From    int
	Updates []*workspace.DocumentUpdate
	// Snapshot is the text after the updates, stored as the snapshot of
	// their last version when not nil.
	Snapshot *string
	// Anchors are the anchors the updates moved, removed or re-attached
	// (those whose ReattachedVersion is the last update's: each of their
	// threads gets a comment.reattach audit entry), with their new
	// positions.
	Anchors []*workspace.Anchor
	// Within, when not nil, runs last in the transaction, with the
	// document's version after the updates; its error rolls everything
	// back and is returned as it is.
	Within func(ctx context.Context, tx *Tx, version int) error
}

// AppendDocument stores a in one transaction: all of it, or nothing. It
// fails with ECONFLICT when the document is not at version a.From
// (another writer got there first) or when an update's client ID and
// sequence number were already stored; with ENOTFOUND when the document
// does not exist; with EFORBIDDEN (workspace.SealedError) when it is
// minutes that a later meeting approved.
func (db *DB) AppendDocument(ctx context.Context, id int64, a DocumentAppend) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	from, updates := a.From, a.Updates
	now := db.Now()
	to := from + len(updates)
	// Minutes that a later meeting approved take no more updates. The room
	// checks that when a push arrives; checking it here too, in the
	// transaction, refuses a push that was waiting in the room's turn
	// when the approval committed.
	res, err := tx.ExecContext(ctx, `
		UPDATE documents SET version = ?, updated_at = ?
		WHERE id = ? AND version = ?
			AND (kind <> 'minutes' OR NOT EXISTS (
				SELECT 1 FROM meetings WHERE minutes_document_id = documents.id AND minutes_approved_at IS NOT NULL))`,
		to, now, id, from)
	if err != nil {
		return fmt.Errorf("sqlite: append document updates: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		doc, err := findDocument(ctx, tx, id)
		if err != nil {
			return err
		}
		if doc.Sealed {
			return workspace.SealedError()
		}
		return workspace.KeyErrorf(workspace.ECONFLICT, "error.document.moved", "The document is no longer at version %d.", from)
	}
	// The updates of a group commit go in multi-row INSERTs: a statement
	// costs a round trip through database/sql and cgo, which for the
	// small rows of typing weighs more than SQLite's own work. The time is
	// bound as the text the driver would write for it, formatted once.
	createdAt := now.Format(sqlite3.SQLiteTimestampFormats[0])
	var stmt *sqlx.Stmt
	stmtRows := 0
	defer func() {
		if stmt != nil {
			stmt.Close()
		}
	}()
	args := make([]any, 0, 7*min(len(updates), updatesPerInsert))
	for start := 0; start < len(updates); start += updatesPerInsert {
		part := updates[start:min(len(updates), start+updatesPerInsert)]
		if len(part) != stmtRows {
			if stmt != nil {
				stmt.Close()
			}
			if stmt, err = tx.PreparexContext(ctx, insertUpdatesSQL(len(part))); err != nil {
				return fmt.Errorf("sqlite: append document updates: %w", err)
			}
			stmtRows = len(part)
		}
		args = args[:0]
		for i, u := range part {
			u.DocumentID, u.Version, u.CreatedAt = id, from+start+i+1, now
			args = append(args, u.DocumentID, u.Version, u.ClientID, u.ClientSeq, u.Changes, u.AccountID, createdAt)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			if isUniqueViolation(err) {
				// The failed statement stored nothing; find the update
				// that was stored already, in order.
				return insertUpdatesOneByOne(ctx, tx, part, createdAt)
			}
			return fmt.Errorf("sqlite: append document update: %w", err)
		}
	}
	if a.Snapshot != nil {
		if err := saveDocumentSnapshot(ctx, tx, id, to, *a.Snapshot, now); err != nil {
			return err
		}
	}
	if err := moveDocumentAnchors(ctx, tx, id, a.Anchors, now); err != nil {
		return err
	}
	if err := db.recordReattached(ctx, tx, a.Anchors, to); err != nil {
		return err
	}
	if a.Within != nil {
		if err := a.Within(ctx, &Tx{db: db, tx: tx, now: now}, to); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// updatesPerInsert bounds the rows of one INSERT of AppendDocumentUpdates
// (7 parameters each, far below SQLite's limit of 32,766).
const updatesPerInsert = 64

// insertUpdatesSQL returns the INSERT statement of n document updates.
func insertUpdatesSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO document_updates (document_id, version, client_id, client_seq, changes, account_id, created_at) VALUES `)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`(?, ?, ?, ?, ?, ?, ?)`)
	}
	return b.String()
}

// insertUpdatesOneByOne inserts updates one at a time and returns the
// error of the first one that fails: ECONFLICT naming it when it was
// stored already. It is the slow path of AppendDocumentUpdates, after a
// multi-row INSERT hit a uniqueness constraint.
func insertUpdatesOneByOne(ctx context.Context, tx *sqlx.Tx, updates []*workspace.DocumentUpdate, createdAt string) error {
	stmt, err := tx.PreparexContext(ctx, insertUpdatesSQL(1))
	if err != nil {
		return fmt.Errorf("sqlite: append document updates: %w", err)
	}
	defer stmt.Close()
	for _, u := range updates {
		if _, err := stmt.ExecContext(ctx, u.DocumentID, u.Version, u.ClientID, u.ClientSeq, u.Changes, u.AccountID, createdAt); err != nil {
			if isUniqueViolation(err) {
				return workspace.Errorf(workspace.ECONFLICT, "Update %s/%d was already accepted.", u.ClientID, u.ClientSeq)
			}
			return fmt.Errorf("sqlite: append document update: %w", err)
		}
	}
	return fmt.Errorf("sqlite: append document updates: a uniqueness constraint failed for a batch whose updates each insert")
}

// SaveDocumentSnapshot stores the document's full text at version, so that
// opening it replays only the updates after. Saving a snapshot that exists
// already is a no-op.
func (db *DB) SaveDocumentSnapshot(ctx context.Context, id int64, version int, content string) error {
	return db.withWriteTx(ctx, func(tx *Tx) error {
		return saveDocumentSnapshot(ctx, tx.tx, id, version, content, db.Now())
	})
}

func saveDocumentSnapshot(ctx context.Context, tx *sqlx.Tx, id int64, version int, content string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO document_snapshots (document_id, version, content, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (document_id, version) DO NOTHING`, id, version, content, now); err != nil {
		if isForeignKeyViolation(err) {
			return notFound("Document")
		}
		return fmt.Errorf("sqlite: save document snapshot: %w", err)
	}
	return nil
}

// LastClientSeqs returns, for each client ID that has updates in the
// document, the highest sequence number stored.
func (db *DB) LastClientSeqs(ctx context.Context, id int64) (map[string]int64, error) {
	rows, err := db.read.QueryxContext(ctx, `SELECT client_id, MAX(client_seq) FROM document_updates WHERE document_id = ? GROUP BY client_id`, id)
	if err != nil {
		return nil, fmt.Errorf("sqlite: last client sequences: %w", err)
	}
	defer rows.Close()
	seqs := map[string]int64{}
	for rows.Next() {
		var client string
		var seq int64
		if err := rows.Scan(&client, &seq); err != nil {
			return nil, fmt.Errorf("sqlite: last client sequences: %w", err)
		}
		seqs[client] = seq
	}
	return seqs, rows.Err()
}

func findDocument(ctx context.Context, q sqlx.QueryerContext, id int64) (*workspace.Document, error) {
	var d workspace.Document
	err := q.QueryRowxContext(ctx, `
		SELECT id, kind, version, created_at, updated_at,
			EXISTS (SELECT 1 FROM meetings WHERE minutes_document_id = documents.id AND minutes_approved_at IS NOT NULL)
		FROM documents WHERE id = ?`, id).
		Scan(&d.ID, &d.Kind, &d.Version, &d.CreatedAt, &d.UpdatedAt, &d.Sealed)
	if isNoRows(err) {
		return nil, notFound("Document")
	} else if err != nil {
		return nil, fmt.Errorf("sqlite: find document: %w", err)
	}
	return &d, nil
}
