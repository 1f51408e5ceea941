package workspace

import (
	"strings"
	"time"
)

// CommentKind says whether a comment only remarks on a passage or proposes
// replacement text for it.
type CommentKind string

// The kinds of comments.
const (
	KindComment    CommentKind = "comment"
	KindSuggestion CommentKind = "suggestion"
)

// CommentStatus is where a comment's thread stands. A comment is open or
// resolved (and may be reopened); a suggestion is open, accepted (its text
// is in the draft) or rejected (with a reason).
type CommentStatus string

// The statuses of comments and suggestions.
const (
	StatusOpen     CommentStatus = "open"
	StatusResolved CommentStatus = "resolved"
	StatusAccepted CommentStatus = "accepted"
	StatusRejected CommentStatus = "rejected"
)

// CommentStatuses lists the statuses in the order filters offer them.
var CommentStatuses = []CommentStatus{StatusOpen, StatusResolved, StatusAccepted, StatusRejected}

// Answer is the secretariat's recorded answer to a comment or a suggestion,
// the column of the table of observations.
type Answer string

// The answers the secretariat gives.
const (
	AnswerNone     Answer = ""
	AnswerAccepted Answer = "accepted"
	AnswerPartly   Answer = "partly_accepted"
	AnswerRejected Answer = "rejected"
)

// Answers lists the answers in the order forms offer them.
var Answers = []Answer{AnswerAccepted, AnswerPartly, AnswerRejected}

// Valid reports whether a is an answer the secretariat may give.
func (a Answer) Valid() bool {
	for _, k := range Answers {
		if a == k {
			return true
		}
	}
	return false
}

// Comment is a remark on a passage of a procedure's draft, or a suggested
// replacement of it, or a reply in such a thread (ParentID set, no
// anchor). The passage is an Anchor that the co-editing authority maps
// through every update, so a comment stays on its words while the draft
// changes, and across frozen versions.
type Comment struct {
	ID          int64
	ProcedureID int64
	DocumentID  int64
	// ParentID is the comment a reply answers; nil for a thread's start.
	ParentID *int64
	Kind     CommentKind
	Body     string
	// Proposed is the replacement text of a suggestion.
	Proposed string
	Status   CommentStatus
	AuthorID int64
	// Answer and Reason are the secretariat's answer; AnsweredBy and
	// AnsweredAt say who gave it and when.
	Answer     Answer
	Reason     string
	AnsweredBy *int64
	AnsweredAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// AppliedVersion is, for an accepted suggestion, the document version
	// of the update that applied its text; 0 otherwise.
	AppliedVersion int

	// Filled when reading: the passage (nil for a reply), the author with
	// its organisation, who answered, and the replies of a thread.
	Anchor       *Anchor
	Author       *Account
	AnswererName string
	Replies      []*Comment
}

// Passage returns the words the comment is about: the passage's text when
// it was commented on, or, once it was removed, its last text.
func (c *Comment) Passage() string {
	if c.Anchor == nil {
		return ""
	}
	if c.Anchor.Removed {
		return c.Anchor.LastText
	}
	return c.Anchor.Quote
}

// Validate reports the first problem with c as an EINVALID *Error, or nil.
func (c *Comment) Validate() error {
	c.Body = strings.TrimSpace(c.Body)
	switch c.Kind {
	case KindComment:
		if c.Body == "" {
			return Invalid("body", "error.comment.body_required", "Write your comment.")
		}
		c.Proposed = ""
	case KindSuggestion:
		if err := checkText("proposed", c.Proposed, 20000); err != nil {
			return err
		}
	default:
		return Invalid("kind", "error.comment.kind_invalid", "Choose a comment or a suggested change.")
	}
	return checkText("body", c.Body, 5000)
}

// Consultation is a period during which a procedure's draft is open to the
// stakeholders' comments: from OpensAt (from its creation when nil) until
// ClosesAt.
type Consultation struct {
	ID          int64
	ProcedureID int64
	// Version is the number of the frozen version the consultation is on;
	// zero when no version was frozen yet, and it is on the draft.
	Version  int
	OpenedBy *int64
	// OpensAt is when stakeholders may start commenting, when the
	// secretariat set it; nil for a consultation open from its creation.
	OpensAt   *time.Time
	ClosesAt  time.Time
	CreatedAt time.Time
}

// OpenAt reports whether the consultation is open at now: opened, and not
// closed yet.
func (c *Consultation) OpenAt(now time.Time) bool {
	return c != nil && !c.NotOpenYetAt(now) && now.Before(c.ClosesAt)
}

// NotOpenYetAt reports whether the consultation is announced for a later
// opening date at now.
func (c *Consultation) NotOpenYetAt(now time.Time) bool {
	return c != nil && c.OpensAt != nil && now.Before(*c.OpensAt) && now.Before(c.ClosesAt)
}

// Validate reports the first problem with c's dates as an EINVALID
// *Error, or nil: it must close after now, and open before it closes.
func (c *Consultation) Validate(now time.Time) error {
	if !c.ClosesAt.After(now) {
		return Invalid("closes_at", "error.consultation.past", "Choose a closing date in the future.")
	}
	if c.OpensAt != nil && !c.OpensAt.Before(c.ClosesAt) {
		return Invalid("opens_at", "error.consultation.opens_after_closing", "Choose an opening date before the closing date.")
	}
	return nil
}

// CanComment reports whether actor may comment on a procedure's draft (or
// suggest a change, or reply) at now, given its latest consultation (nil
// when none was held): members, the secretariat and admins always;
// stakeholders while a consultation is open.
func CanComment(actor Actor, proc *Procedure, c *Consultation, now time.Time) error {
	if actor.Reaches(AccessMember) {
		return nil
	}
	if !actor.Reaches(AccessAccount) {
		return forbidden("You may not comment.")
	}
	if c != nil && c.ProcedureID == proc.ID && c.NotOpenYetAt(now) {
		return &Error{Code: EFORBIDDEN, Key: "error.comment.consultation_not_open", Message: "The consultation is not open yet."}
	}
	if c == nil || c.ProcedureID != proc.ID || !c.OpenAt(now) {
		return &Error{Code: EFORBIDDEN, Key: "error.comment.consultation_closed", Message: "Comments are open only during a consultation."}
	}
	return nil
}

// CanResolveComment reports whether actor may resolve or reopen a comment:
// its author, or anyone who edits procedures.
func CanResolveComment(actor Actor, c *Comment) error {
	if actor.IsAccount(c.AuthorID) && actor.Reaches(AccessAccount) {
		return nil
	}
	if !actor.Reaches(AccessMember) {
		return forbidden("You may not resolve this comment.")
	}
	return nil
}

// CanDecideSuggestion reports whether actor may accept or reject a
// suggested change: whoever edits the draft (members, the secretariat,
// admins), not stakeholders.
func CanDecideSuggestion(actor Actor) error {
	if !actor.Reaches(AccessMember) {
		return forbidden("You may not accept or reject suggested changes.")
	}
	return nil
}

// CanResolveSuggestion reports whether actor may mark a suggestion
// handled (resolve it) or reopen it: whoever decides suggestions
// (CanDecideSuggestion), and only for one the secretariat answered
// partly accepted — which neither accepting nor rejecting fits, so its
// passage is edited by hand and the thread then closed — and not yet
// accepted or rejected. Others are decided by accepting or rejecting them
// (ECONFLICT).
func CanResolveSuggestion(actor Actor, c *Comment) error {
	if err := CanDecideSuggestion(actor); err != nil {
		return err
	}
	if c.Answer != AnswerPartly {
		return &Error{Code: ECONFLICT, Key: "error.suggestion.resolve_partly", Message: "Only a suggestion answered partly accepted is marked handled; accept or reject the others."}
	}
	if c.Status != StatusOpen && c.Status != StatusResolved {
		return &Error{Code: ECONFLICT, Key: "error.suggestion.decided", Message: "This suggestion has already been decided."}
	}
	return nil
}

// CanAnswerComments reports whether actor may record the table's answer to
// comments: the secretariat and admins.
func CanAnswerComments(actor Actor) error {
	if !actor.Reaches(AccessStaff) {
		return forbidden("Only the secretariat answers comments.")
	}
	return nil
}

// CanManageConsultations reports whether actor may open a procedure's
// consultation or close it before its date: those who answer comments,
// the secretariat and admins.
func CanManageConsultations(actor Actor) error {
	if !actor.Reaches(AccessStaff) {
		return forbidden("Only the secretariat opens and closes consultations.")
	}
	return nil
}

// CheckReason trims an answer's reason and reports a problem with it: a
// rejection must say why.
func CheckReason(a Answer, reason *string) error {
	*reason = strings.TrimSpace(*reason)
	if a == AnswerRejected && *reason == "" {
		return Invalid("reason", "error.comment.reason_required", "Say why it is rejected.")
	}
	return checkText("reason", *reason, 5000)
}

// DecisionAnswer is the answer that agrees with a suggestion's decision:
// accepted for an accepted suggestion, rejected for a rejected one,
// partly accepted for one marked handled (resolved, CanResolveSuggestion),
// and none for an open one.
func DecisionAnswer(status CommentStatus) Answer {
	switch status {
	case StatusAccepted:
		return AnswerAccepted
	case StatusRejected:
		return AnswerRejected
	case StatusResolved:
		return AnswerPartly
	}
	return AnswerNone
}

// CheckDecisionAgrees reports an ECONFLICT *Error when a suggestion's
// decision (its status, accepted, rejected or resolved) and the secretariat's
// answer to it (a) would say different things: a suggestion decided
// takes only the answer of its decision, and one answered is decided only
// as answered. No answer, or an undecided suggestion, agrees with
// anything.
func CheckDecisionAgrees(status CommentStatus, a Answer) error {
	want := DecisionAnswer(status)
	if a == AnswerNone || want == AnswerNone || a == want {
		return nil
	}
	return &Error{Code: ECONFLICT, Key: "error.suggestion.answer_disagrees", Message: "The secretariat's answer and the decision on this suggestion would disagree: decide it as answered, or change the answer first."}
}
