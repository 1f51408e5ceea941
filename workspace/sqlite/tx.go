package sqlite

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// Tx is a write transaction of the store, handed to code that adds its own
// writes to a store operation it asked for — marking a suggestion accepted
// in the transaction that stores the update applying it, say — so that
// both are stored or neither. It is valid only during the call it is
// handed to; its methods are the writes other packages may add.
type Tx struct {
	db  *DB
	tx  *sqlx.Tx
	now time.Time
}

// Now returns the time of the transaction, as the store's clock gave it.
func (tx *Tx) Now() time.Time { return tx.now }

// RecordAudit writes an audit entry in the transaction; before and after
// are encoded as JSON, nil leaving the column empty.
func (tx *Tx) RecordAudit(ctx context.Context, actor workspace.Actor, action, entityType string, entityID int64, before, after any) error {
	return tx.db.recordAudit(ctx, tx.tx, actor, action, entityType, entityID, before, after)
}

// FindAccount returns the account with id as the transaction sees it, so
// that a rule decided in the transaction counts the account's role and
// state at the moment of the write.
func (tx *Tx) FindAccount(ctx context.Context, id int64) (*workspace.Account, error) {
	return findAccountByID(ctx, tx.tx, id)
}

// FindDocument returns the document with id as the transaction sees it.
func (tx *Tx) FindDocument(ctx context.Context, id int64) (*workspace.Document, error) {
	return findDocument(ctx, tx.tx, id)
}
