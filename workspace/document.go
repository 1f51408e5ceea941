package workspace

import (
	"time"
	"unicode/utf8"

	"tawla/workspace/change"
)

// DocumentKind says what a co-edited document belongs to.
type DocumentKind string

// The kinds of co-edited documents.
const (
	DocumentProcedureDraft DocumentKind = "procedure_draft"
	DocumentMinutes        DocumentKind = "minutes"
)

// Document is a co-edited text. Version counts the updates accepted so far;
// the text at a version is the latest snapshot at or before it with the
// updates after the snapshot applied in order.
type Document struct {
	ID      int64
	Kind    DocumentKind
	Version int
	// Sealed says the text may no longer change: the minutes of a meeting
	// once a later meeting approved them are the table's record.
	Sealed    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// DocumentUpdate is one accepted change to a document, as stored: Version
// is the document's version after it (the first update has version 1);
// Changes is the change set in CodeMirror's JSON form; ClientID and
// ClientSeq name the editor session and its running number, which makes a
// re-sent push recognisable.
type DocumentUpdate struct {
	DocumentID int64
	Version    int
	ClientID   string
	ClientSeq  int64
	Changes    string
	AccountID  *int64
	CreatedAt  time.Time
}

// DocumentSnapshot is the full text of a document at a version.
type DocumentSnapshot struct {
	DocumentID int64
	Version    int
	Content    string
	CreatedAt  time.Time
}

// MaxDocumentBytes is the default largest size of a document's text, in
// bytes of UTF-8. The server can be configured with another limit.
const MaxDocumentBytes = 1 << 20

// CheckDocumentText refuses text that is not valid UTF-8 or is larger than
// MaxDocumentBytes.
func CheckDocumentText(text string) error {
	if !utf8.ValidString(text) {
		return Invalid("text", "error.text.utf8", "The text is not valid UTF-8.")
	}
	if len(text) > MaxDocumentBytes {
		return Invalid("text", "error.document.too_large", "The document is too large.")
	}
	return nil
}

// Anchor is a passage of a document — the place a comment is about, the
// range a suggested change would replace — that follows the text: the
// co-editing authority maps it through every accepted update and stores
// the new positions in the same transaction. From and To count UTF-16 code
// units and hold at the document's current version.
type Anchor struct {
	ID         int64
	DocumentID int64
	From, To   int
	// CreatedVersion is the document's version when the anchor was made,
	// and Quote the passage's text then.
	CreatedVersion int
	Quote          string
	// Removed says that an update deleted the whole passage: From and To
	// are then where it was, RemovedVersion the version that deleted it,
	// and LastText its text just before.
	Removed        bool
	RemovedVersion int
	LastText       string
	// ReattachedVersion is the version of the latest update that brought
	// a removed passage's quote back (Reattach); 0 if none did.
	ReattachedVersion int
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Map moves the anchor through one update, set, and reports whether it
// moved or was removed. Text inserted at either end of a passage stays
// outside it; a passage whose text the update deletes whole is removed,
// keeping its last text, which before returns (the text between two
// positions of the document before the update). A point (From == To) stays
// before text inserted at it and is never removed. version is the
// document's version after the update. A removed anchor no longer moves.
func (a *Anchor) Map(set change.Set, version int, before func(from, to int) string) (changed bool, err error) {
	if a.Removed {
		return false, nil
	}
	fromAssoc := 1
	if a.From == a.To {
		fromAssoc = -1
	}
	from, _, err := set.MapPos(a.From, fromAssoc, change.Simple)
	if err != nil {
		return false, err
	}
	to, _, err := set.MapPos(a.To, -1, change.Simple)
	if err != nil {
		return false, err
	}
	if a.From < a.To && to <= from {
		a.Removed, a.RemovedVersion, a.LastText = true, version, before(a.From, a.To)
		// Where the passage was: for a replaced passage, where the text
		// that replaced it begins.
		a.From, a.To = to, to
		return true, nil
	}
	changed = from != a.From || to != a.To
	a.From, a.To = from, to
	return changed, nil
}

// Reattach puts a removed anchor back on the passage from..to, which
// reads its Quote again at version: it is live once more, and remembers
// the version it came back at. An anchor that is not removed, or has no
// quote, stays as it is and Reattach reports false.
func (a *Anchor) Reattach(from, to, version int) bool {
	if !a.Removed || a.Quote == "" || from < 0 || to <= from {
		return false
	}
	a.From, a.To = from, to
	a.Removed, a.RemovedVersion, a.LastText = false, 0, ""
	a.ReattachedVersion = version
	return true
}

// CanReadDocument reports whether acc may open a document, returning an
// EFORBIDDEN error if not: every account reads procedure drafts; the
// minutes of meetings are for the table's members.
func CanReadDocument(acc *Account, doc *Document) error {
	switch doc.Kind {
	case DocumentProcedureDraft:
		if AccessAccount.Allows(acc) {
			return nil
		}
	case DocumentMinutes:
		if AccessMember.Allows(acc) {
			return nil
		}
	}
	return &Error{Code: EFORBIDDEN, Key: "error.document.read_forbidden", Message: "You may not open this document."}
}

// SealedError is the EFORBIDDEN error of a change to minutes that a later
// meeting has approved (Document.Sealed).
func SealedError() *Error {
	return &Error{Code: EFORBIDDEN, Key: "error.document.minutes_approved", Message: "These minutes have been approved: they can no longer change."}
}

// CanEditDocument reports whether acc may change a document's text,
// returning an EFORBIDDEN error if not: members, the secretariat and
// admins edit drafts and minutes until they are approved (Sealed);
// stakeholders read drafts and comment.
func CanEditDocument(acc *Account, doc *Document) error {
	if err := CanReadDocument(acc, doc); err != nil {
		return err
	}
	if doc.Sealed {
		return SealedError()
	}
	if AccessMember.Allows(acc) {
		return nil
	}
	return &Error{Code: EFORBIDDEN, Key: "error.document.edit_forbidden", Message: "You may read this document but not edit it."}
}
