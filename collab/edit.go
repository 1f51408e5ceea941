package collab

import (
	"context"
	"strconv"
	"strings"

	"tawla/workspace"
	"tawla/workspace/change"
	"tawla/workspace/sqlite"
)

// Edit is an update that the server makes to a document for a request no
// connected editor sent: restoring a version, accepting a suggested change,
// pre-filling the minutes of a meeting. The room treats it as a push: it
// rebases it over the updates accepted since Base, commits it and
// broadcasts it to everyone who has the document open.
type Edit struct {
	// Account is who asked for the update: it must be allowed to edit the
	// document, and the update is attributed to it.
	Account *workspace.Account
	// Base is the version Changes apply to.
	Base    int
	Changes change.Set
	// Within, when not nil, runs in the transaction that stores the
	// update, with the document's version after it: the request's other
	// writes (marking a suggestion accepted, an audit entry). Its error
	// rolls everything back — the update is then neither stored nor sent —
	// and is returned by Apply.
	Within func(ctx context.Context, tx *sqlite.Tx, version int) error
}

// serverClientPrefix starts the client ID of every server-made update:
// "server:" and the version the update made. Clients may not use it, so
// that no push is ever taken for a resend of a server-made update, nor the
// reverse.
const serverClientPrefix = "server:"

// Apply makes a server-made update to a document and returns the
// document's version after it. The update is stored and sent to the
// editors in the same way as a push, in a transaction of its own with the
// edit's other writes; in that transaction, CanEditDocument decides on the
// account as it is then. When ctx ends first, the update may still be
// made.
func (a *Authority) Apply(ctx context.Context, docID int64, e Edit) (int, error) {
	if e.Account == nil {
		return 0, &workspace.Error{Code: workspace.EUNAUTHORIZED, Key: "error.unauthorized", Message: "Please log in."}
	}
	res, err := a.await(ctx, docID, roomMsg{kind: msgEdit, edit: &e})
	if err != nil {
		return 0, err
	}
	return res.version, res.err
}

// applyEdit rebases a server-made update, applies it and commits it with
// its other writes.
func (r *docRoom) applyEdit(e *Edit) editResult {
	if r.loadErr != nil {
		return editResult{err: r.loadErr}
	}
	clientID := serverClientPrefix + strconv.Itoa(r.version+1)
	rebased, err := r.rebase(e.Base, []change.Update{{Changes: e.Changes, ClientID: clientID}})
	if err != nil {
		return editResult{err: err}
	}
	if err := r.accept(e.Base, rebased); err != nil {
		return editResult{err: err}
	}
	rows := r.updateRows(rebased, []int64{1}, e.Account.ID)
	r.lastSeq[clientID] = 1
	within := func(ctx context.Context, tx *sqlite.Tx, version int) error {
		acc, err := tx.FindAccount(ctx, e.Account.ID)
		if err != nil {
			return err
		}
		doc, err := tx.FindDocument(ctx, r.docID)
		if err != nil {
			return err
		}
		if err := workspace.CanEditDocument(acc, doc); err != nil {
			return err
		}
		if e.Within == nil {
			return nil
		}
		return e.Within(ctx, tx, version)
	}
	if err := r.commit(rows, within); err != nil {
		return editResult{err: err}
	}
	return editResult{version: r.version}
}

// isServerClientID reports whether a client ID is reserved for the
// server's own updates.
func isServerClientID(clientID string) bool {
	return strings.HasPrefix(clientID, serverClientPrefix)
}
