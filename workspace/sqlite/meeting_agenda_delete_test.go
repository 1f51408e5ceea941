package sqlite_test

import (
	"context"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// deleteAgendaItem deletes the item and returns the error alone, for the
// tests that do not look at the unlinks it returns.
func deleteAgendaItem(ctx context.Context, db *sqlite.DB, actor workspace.Actor, id int64) error {
	_, err := db.DeleteAgendaItem(ctx, actor, id)
	return err
}
