package workspace

import (
	"time"
	"unicode/utf8"
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
	ID        int64        `db:"id"`
	Kind      DocumentKind `db:"kind"`
	Version   int          `db:"version"`
	CreatedAt time.Time    `db:"created_at"`
	UpdatedAt time.Time    `db:"updated_at"`
}

// DocumentUpdate is one accepted change to a document, as stored: Version
// is the document's version after it (the first update has version 1);
// Changes is the change set in CodeMirror's JSON form; ClientID and
// ClientSeq name the editor session and its running number, which makes a
// re-sent push recognisable.
type DocumentUpdate struct {
	DocumentID int64     `db:"document_id"`
	Version    int       `db:"version"`
	ClientID   string    `db:"client_id"`
	ClientSeq  int64     `db:"client_seq"`
	Changes    string    `db:"changes"`
	AccountID  *int64    `db:"account_id"`
	CreatedAt  time.Time `db:"created_at"`
}

// DocumentSnapshot is the full text of a document at a version.
type DocumentSnapshot struct {
	DocumentID int64     `db:"document_id"`
	Version    int       `db:"version"`
	Content    string    `db:"content"`
	CreatedAt  time.Time `db:"created_at"`
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
