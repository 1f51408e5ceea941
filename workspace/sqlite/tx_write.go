package sqlite

import (
	"context"

	"tawla/workspace"
)

// withWriteTx runs fn in a write transaction (beginWrite) whose Tx carries
// the store's time, db.Now(), taken when the transaction began. The
// transaction is committed when fn returns nil, and rolled back when fn
// returns an error, which withWriteTx returns as it is. The error of the
// commit is returned as it is too.
func (db *DB) withWriteTx(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(&Tx{db: db, tx: tx, now: db.Now()}); err != nil {
		return err
	}
	return tx.Commit()
}

// withActorTx is withWriteTx for a change made by actor: first thing in
// the transaction, the actor is read again (findActor), so that the rules
// fn checks count the account's role and state at the moment of the
// write, and fn is handed the actor as read. An error reading the actor
// is returned as it is, and nothing is written.
func (db *DB) withActorTx(ctx context.Context, actor workspace.Actor, fn func(tx *Tx, actor workspace.Actor) error) error {
	return db.withWriteTx(ctx, func(tx *Tx) error {
		actor, err := findActor(ctx, tx.tx, actor)
		if err != nil {
			return err
		}
		return fn(tx, actor)
	})
}
