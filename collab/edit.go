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
	// Passage, when not nil, is the update instead of Base and Changes:
	// a passage replaced as it stands in the room when the update's turn
	// comes, on the condition that its text is still the one expected.
	Passage *PassageEdit
	// Within, when not nil, runs in the transaction that stores the
	// update, with the document's version after it: the request's other
	// writes (marking a suggestion accepted, an audit entry). Its error
	// rolls everything back — the update is then neither stored nor sent —
	// and is returned by Apply.
	Within func(ctx context.Context, tx *sqlite.Tx, version int) error
}

// PassageEdit replaces the passage of a live anchor with Insert, provided
// that the passage's text is still Expect when the room makes the update:
// the check and the update happen in the same turn of the room, which no
// other update can come between, and are committed together. Accepting a
// suggested change uses it, so that it never erases edits made to the
// passage since the suggestion quoted it.
type PassageEdit struct {
	AnchorID int64
	Expect   string
	Insert   string
}

// passageChanges returns the changes of p against the room's current
// text, based on its current version: ECONFLICT when the anchor's passage
// was deleted (error.suggestion.passage_removed) or no longer reads
// p.Expect (error.suggestion.passage_changed).
func (r *docRoom) passageChanges(p *PassageEdit) (change.Set, error) {
	for _, a := range r.anchors {
		if a.ID != p.AnchorID || a.Removed {
			continue
		}
		if r.text.Slice(a.From, a.To) != p.Expect {
			return change.Set{}, &workspace.Error{Code: workspace.ECONFLICT, Key: "error.suggestion.passage_changed", Message: "The passage has been edited since this suggestion: accepting it would erase those edits."}
		}
		return change.Of(r.text.Len(), change.Spec{From: a.From, To: a.To, Insert: p.Insert})
	}
	return change.Set{}, &workspace.Error{Code: workspace.ECONFLICT, Key: "error.suggestion.passage_removed", Message: "The passage of this suggestion has been deleted."}
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
	if e.Passage != nil {
		set, err := r.passageChanges(e.Passage)
		if err != nil {
			return editResult{err: err}
		}
		e.Base, e.Changes = r.version, set
	}
	clientID := serverClientPrefix + strconv.Itoa(r.version+1)
	rebased, err := r.rebase(e.Base, []change.Update{{Changes: e.Changes, ClientID: clientID}})
	if err != nil {
		return editResult{err: err}
	}
	if err := r.accept(e.Base, rebased); err != nil {
		return editResult{err: err}
	}
	if e.Passage != nil {
		r.settle(e.Passage.AnchorID)
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
