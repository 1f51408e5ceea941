package sqlite

import (
	"context"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// findActor returns actor as it stands inside tx: an account's role and
// rights are read again, so that a rule checked in this transaction sees a
// role change or a deactivation committed after the request read the
// account. An account that no longer exists becomes nobody, whom every
// rule refuses. The system and nobody are returned as they are.
func findActor(ctx context.Context, tx *sqlx.Tx, actor workspace.Actor) (workspace.Actor, error) {
	if actor.System || actor.AccountID == nil {
		return actor, nil
	}
	acc, err := findAccountByID(ctx, tx, *actor.AccountID)
	if workspace.ErrorCode(err) == workspace.ENOTFOUND {
		return workspace.Actor{}, nil
	} else if err != nil {
		return workspace.Actor{}, err
	}
	return workspace.ActorFor(acc), nil
}
