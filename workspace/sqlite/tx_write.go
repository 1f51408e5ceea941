package sqlite

import "context"

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
