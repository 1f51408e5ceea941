package workspace

import (
	"strconv"
	"strings"
	"time"
)

// Version is a frozen, numbered state of a procedure's draft: Number counts
// from 1 within the procedure, Content is the draft's text at the
// document's version DocumentVersion, and Message says why it was frozen.
type Version struct {
	ID              int64
	ProcedureID     int64
	Number          int
	Message         string
	Content         string
	DocumentVersion int
	CreatedBy       *int64
	CreatedByName   string
	CreatedAt       time.Time
	// AdoptedAt is when a poll (AdoptedByPoll) adopted the version, which
	// is then ready for publication; nil until then.
	AdoptedAt     *time.Time
	AdoptedByPoll *int64
}

// Label returns the version's name as people write it: "v2".
func (v *Version) Label() string { return "v" + strconv.Itoa(v.Number) }

// Previous returns the number of the version before v (0 before v1).
func (v *Version) Previous() int { return v.Number - 1 }

// MaxVersionMessage is the longest message of a frozen version, in
// characters.
const MaxVersionMessage = 500

// ValidateMessage trims the version's message and reports a missing or
// too long one as an EINVALID *Error on the field "message": a version
// nobody can tell apart from its neighbours is of no use to the table.
func (v *Version) ValidateMessage() error {
	v.Message = strings.TrimSpace(v.Message)
	if v.Message == "" {
		return Invalid("message", "error.version.message_required", "Say what this version is.")
	}
	return checkLine("message", v.Message, MaxVersionMessage)
}

// CanFreezeVersion reports whether actor may freeze a procedure's draft as
// a version: those who write procedures (CanEditProcedures), since a
// version is a step of the drafting. Restoring a version is an update of
// the draft, decided by CanEditDocument.
func CanFreezeVersion(actor Actor) error {
	if !actor.Reaches(AccessMember) {
		return forbidden("You may not freeze versions.")
	}
	return nil
}

// Audit actions of versions and of the editing of drafts.
const (
	AuditVersionFreeze  = "version.freeze"
	AuditVersionRestore = "version.restore"
	// AuditVersionRestoreUndo records that a restore was undone.
	AuditVersionRestoreUndo = "version.restore_undo"
	// AuditDocumentSession records one editing session of a document.
	AuditDocumentSession = "document.session"
)
