package workspace

import (
	"strings"
	"time"
)

// IssueStatus is where an issue stands. An issue opens, is taken up for
// discussion, then in hand, and ends resolved (a service or a procedure
// answered it) or closed (for another reason: a duplicate, out of the
// table's reach…); an ended issue may be reopened.
type IssueStatus string

// The statuses of an issue.
const (
	IssueOpen            IssueStatus = "open"
	IssueUnderDiscussion IssueStatus = "under_discussion"
	IssueInProgress      IssueStatus = "in_progress"
	IssueResolved        IssueStatus = "resolved"
	IssueClosed          IssueStatus = "closed"
)

// IssueStatuses lists the statuses in their order.
var IssueStatuses = []IssueStatus{IssueOpen, IssueUnderDiscussion, IssueInProgress, IssueResolved, IssueClosed}

// Valid reports whether s is a known status.
func (s IssueStatus) Valid() bool {
	for _, k := range IssueStatuses {
		if s == k {
			return true
		}
	}
	return false
}

// Ended reports whether an issue with status s is resolved or closed.
func (s IssueStatus) Ended() bool { return s == IssueResolved || s == IssueClosed }

// CheckTransition reports whether an issue may go from status from to
// status to, and trims reason, which must be given to end an issue
// (resolved or closed) and to reopen one. Staying in the same status is
// not a transition.
func CheckTransition(from, to IssueStatus, reason *string) error {
	*reason = strings.TrimSpace(*reason)
	if !to.Valid() {
		return Invalid("status", "error.issue.status_invalid", "Choose a status.")
	}
	// The form offers only the moves the issue's status allows: these two
	// come from a page older than the status, which someone changed
	// meanwhile, so they are conflicts with the issue as it is now.
	if from == to {
		return &Error{Code: ECONFLICT, Field: "status", Key: "error.issue.status_same", Message: "The issue already has this status."}
	}
	if from.Ended() && to != IssueOpen {
		return &Error{Code: ECONFLICT, Field: "status", Key: "error.issue.reopen_first", Message: "An ended issue is reopened before anything else."}
	}
	if (to.Ended() || from.Ended()) && *reason == "" {
		return Invalid("reason", "error.issue.reason_required", "Say why.")
	}
	return checkText("reason", *reason, 2000)
}

// IssuePriority says how urgent an issue is.
type IssuePriority string

// The priorities of an issue.
const (
	PriorityLow    IssuePriority = "low"
	PriorityNormal IssuePriority = "normal"
	PriorityHigh   IssuePriority = "high"
	PriorityUrgent IssuePriority = "urgent"
)

// IssuePriorities lists the priorities from the lowest.
var IssuePriorities = []IssuePriority{PriorityLow, PriorityNormal, PriorityHigh, PriorityUrgent}

// Valid reports whether p is a known priority.
func (p IssuePriority) Valid() bool {
	for _, k := range IssuePriorities {
		if p == k {
			return true
		}
	}
	return false
}

// IssueCategory is a kind of problem (employment, civil status…). The
// secretariat edits the list; a category in use is deactivated rather
// than deleted.
type IssueCategory struct {
	ID        int64
	NameFR    string
	NameAR    string
	NameEN    string
	Position  int
	Active    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Name returns the category's name in lang, falling back to French.
func (c *IssueCategory) Name(lang string) string {
	switch {
	case lang == "ar" && c.NameAR != "":
		return c.NameAR
	case lang == "en" && c.NameEN != "":
		return c.NameEN
	}
	return c.NameFR
}

// Validate trims the names and reports the first problem as an EINVALID
// *Error, or nil.
func (c *IssueCategory) Validate() error {
	c.NameFR, c.NameAR, c.NameEN = strings.TrimSpace(c.NameFR), strings.TrimSpace(c.NameAR), strings.TrimSpace(c.NameEN)
	// The field marked is the one that is missing, French first.
	for _, f := range []struct{ field, name string }{{"name_fr", c.NameFR}, {"name_ar", c.NameAR}} {
		if f.name == "" {
			return Invalid(f.field, "error.category.name_required", "Give the category's name in French and in Arabic.")
		}
	}
	for _, f := range []struct{ field, name string }{{"name_fr", c.NameFR}, {"name_ar", c.NameAR}, {"name_en", c.NameEN}} {
		if err := checkLine(f.field, f.name, 100); err != nil {
			return err
		}
	}
	return nil
}

// Delegations are the delegations of the governorate of Mahdia, by the
// key stored with an issue; pages name them through the catalogue
// ("delegation.<key>").
var Delegations = []string{
	"mahdia", "bou_merdes", "chebba", "chorbane", "el_jem", "essouassi",
	"hebira", "ksour_essef", "melloulech", "ouled_chamekh", "sidi_alouane",
}

// ValidDelegation reports whether key is one of Delegations.
func ValidDelegation(key string) bool {
	for _, k := range Delegations {
		if k == key {
			return true
		}
	}
	return false
}

// Issue is a problem returning migrants face, brought to the table and
// followed until a service or a procedure resolves it. Its ID is its
// number (#12).
type Issue struct {
	ID          int64
	Title       string
	Description string
	CategoryID  int64
	Status      IssueStatus
	// StatusReason says why the issue was resolved, closed or reopened.
	StatusReason        string
	Priority            IssuePriority
	OwnerOrganisationID *int64
	// DueDate is a calendar day in the table's time zone, "YYYY-MM-DD",
	// or "" for none.
	DueDate     string
	ReporterID  int64
	Delegations []string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ClosedAt    *time.Time

	// Filled when reading: the category, the owner organisation, the
	// reporter with their organisation.
	Category *IssueCategory
	Owner    *Organisation
	Reporter *Account
}

// Validate trims i's texts and reports the first problem as an EINVALID
// *Error, or nil. Status is not the form's to set on an existing issue:
// it changes through CheckTransition.
func (i *Issue) Validate() error {
	i.Title = strings.TrimSpace(i.Title)
	i.Description = strings.TrimSpace(i.Description)
	i.DueDate = strings.TrimSpace(i.DueDate)
	if i.Title == "" {
		return Invalid("title", "error.issue.title_required", "An issue needs a title.")
	}
	if err := checkLine("title", i.Title, 200); err != nil {
		return err
	}
	if err := checkText("description", i.Description, 20000); err != nil {
		return err
	}
	if i.CategoryID <= 0 {
		return Invalid("category_id", "error.issue.category_required", "Choose a category.")
	}
	if i.Priority == "" {
		i.Priority = PriorityNormal
	}
	if !i.Priority.Valid() {
		return Invalid("priority", "error.issue.priority_invalid", "Choose a priority.")
	}
	if i.DueDate != "" {
		if _, ok := parseDay(i.DueDate); !ok {
			return Invalid("due_date", "error.issue.due_date_invalid", "Give the due date as a day (YYYY-MM-DD).")
		}
	}
	seen := map[string]bool{}
	kept := i.Delegations[:0]
	for _, d := range i.Delegations {
		if !ValidDelegation(d) {
			return Invalid("delegations", "error.issue.delegation_invalid", "Choose delegations of the governorate.")
		}
		if !seen[d] {
			seen[d] = true
			kept = append(kept, d)
		}
	}
	i.Delegations = kept
	return nil
}

// Overdue reports whether the issue is still open after its due date,
// today being the calendar day in the table's time zone.
func (i *Issue) Overdue(today string) bool {
	return i.DueDate != "" && !i.Status.Ended() && i.DueDate < today
}

// IssuePrivate holds personal details about the returning migrant an
// issue was reported for. Only the secretariat, admins and the members in
// charge of the issue — its reporter and its owner organisation's members —
// see and write them (CanSeeIssuePrivate), and every time they are shown
// to someone the audit log records it; they appear on no export, search
// result, feed, notification, timeline or public page.
type IssuePrivate struct {
	IssueID       int64
	PersonName    string
	PersonContact string
	Details       string
	UpdatedAt     time.Time
}

// PrivateShownIn says where an issue's personal details were shown to
// someone: the audit entry of each view records it.
type PrivateShownIn string

// The places that show an issue's personal details.
const (
	// ShownOnIssuePage: the issue page, at the viewer's request ("Show
	// personal details").
	ShownOnIssuePage PrivateShownIn = "issue_page"
	// ShownInEditForm: the issue's edit form, which holds them to edit.
	ShownInEditForm PrivateShownIn = "edit_form"
)

// Valid reports whether w is a known place.
func (w PrivateShownIn) Valid() bool { return w == ShownOnIssuePage || w == ShownInEditForm }

// Validate trims the fields and reports the first problem as an EINVALID
// *Error, or nil.
func (p *IssuePrivate) Validate() error {
	p.PersonName = strings.TrimSpace(p.PersonName)
	p.PersonContact = strings.TrimSpace(p.PersonContact)
	p.Details = strings.TrimSpace(p.Details)
	if err := checkLine("person_name", p.PersonName, 200); err != nil {
		return err
	}
	if err := checkText("person_contact", p.PersonContact, 500); err != nil {
		return err
	}
	return checkText("details", p.Details, 5000)
}

// Empty reports whether no private field is filled.
func (p *IssuePrivate) Empty() bool {
	return p == nil || (p.PersonName == "" && p.PersonContact == "" && p.Details == "")
}

// IssueEventKind says what an event of an issue's timeline records.
type IssueEventKind string

// The kinds of timeline events.
const (
	EventCreated    IssueEventKind = "created"
	EventComment    IssueEventKind = "comment"
	EventStatus     IssueEventKind = "status"
	EventAssignment IssueEventKind = "assignment"
	EventLink       IssueEventKind = "link"
	EventUnlink     IssueEventKind = "unlink"
	EventEdit       IssueEventKind = "edit"
)

// IssueEvent is one entry of an issue's timeline: a comment (Body, in
// Markdown), or a change from FromValue to ToValue (a status, an owner
// organisation's id, a link's description).
type IssueEvent struct {
	ID        int64
	IssueID   int64
	Kind      IssueEventKind
	ActorID   *int64
	Body      string
	FromValue string
	ToValue   string
	CreatedAt time.Time

	// Actor is the account with its organisation, filled when reading.
	Actor *Account
}

// CheckIssueComment trims a comment's body and reports a problem with it.
func CheckIssueComment(body *string) error {
	*body = strings.TrimSpace(*body)
	if *body == "" {
		return Invalid("body", "error.comment.body_required", "Write your comment.")
	}
	return checkText("body", *body, 10000)
}

// IssueLinkKind says what an issue is linked to.
type IssueLinkKind string

// The kinds of things an issue links to.
const (
	LinkMeeting    IssueLinkKind = "meeting"
	LinkAgendaItem IssueLinkKind = "agenda_item"
	LinkDecision   IssueLinkKind = "decision"
	LinkAction     IssueLinkKind = "action"
	LinkProcedure  IssueLinkKind = "procedure"
	// LinkPassage is a passage of a procedure's draft: TargetID is the
	// procedure, AnchorID the passage.
	LinkPassage IssueLinkKind = "passage"
)

// IssueLinkKinds lists the kinds in the order forms offer them.
var IssueLinkKinds = []IssueLinkKind{LinkMeeting, LinkAgendaItem, LinkDecision, LinkAction, LinkProcedure, LinkPassage}

// Valid reports whether k is a known kind.
func (k IssueLinkKind) Valid() bool {
	for _, x := range IssueLinkKinds {
		if k == x {
			return true
		}
	}
	return false
}

// InMeeting reports whether a link of kind k leads into a meeting — the
// meeting itself, an agenda item, a decision or an action — whose titles
// and texts only those who may read meetings see (CanReadMeetings), while
// every account reads issues.
func (k IssueLinkKind) InMeeting() bool {
	return k == LinkMeeting || k == LinkAgendaItem || k == LinkDecision || k == LinkAction
}

// IssueLink links an issue to where it was discussed (a meeting, an
// agenda item), what was decided (a decision, an action) or what answers
// it (a procedure, or a passage of one).
type IssueLink struct {
	ID         int64
	IssueID    int64
	TargetKind IssueLinkKind
	TargetID   int64
	AnchorID   *int64
	CreatedBy  *int64
	CreatedAt  time.Time

	// Filled when reading: the target's title (a meeting's, an agenda
	// item's meeting and position, a decision's text, an action's title,
	// a procedure's), and for a passage its anchor.
	TargetTitle string
	Anchor      *Anchor
	// TargetCancelled says that the meeting linked to, or the meeting of
	// the agenda item linked to, was cancelled.
	TargetCancelled bool
}

// NotificationKind says what a notification tells.
type NotificationKind string

// The kinds of notifications.
const (
	NotifyIssueNew      NotificationKind = "issue_new"
	NotifyIssueAssigned NotificationKind = "issue_assigned"
	NotifyIssueComment  NotificationKind = "issue_comment"
	NotifyIssueStatus   NotificationKind = "issue_status"
	// About a procedure's comment: a reply to it, the answer recorded to
	// it (by the secretariat, or with a suggestion's decision).
	NotifyCommentReply  NotificationKind = "comment_reply"
	NotifyCommentAnswer NotificationKind = "comment_answer"
)

// Notification tells an account of something that happened to an issue:
// a new issue, to the owner organisation's members (its active accounts
// but stakeholders, who may follow the issue instead) or, when it has no
// owner, to the active secretariat, so that someone sorts it; an
// assignment, to the new owner's members and the issue's followers; a
// comment or a change of status, to the followers and the owner's
// members. The account that made the change is never told of it, and
// nobody is told twice of one change. It names the issue and the event,
// never their private fields.
//
// A notification about a procedure's comment (Kind NotifyCommentReply or
// NotifyCommentAnswer) tells the comment's author of a reply by someone
// else, or of the answer recorded to it; it names the comment (CommentID)
// instead of an issue (IssueID zero).
type Notification struct {
	ID        int64
	AccountID int64
	Kind      NotificationKind
	IssueID   int64
	EventID   *int64
	CommentID *int64
	CreatedAt time.Time
	ReadAt    *time.Time

	// Filled when reading: the issue's title, or the procedure (ID and
	// title) of the comment.
	IssueTitle     string
	ProcedureID    int64
	ProcedureTitle string
}

// AboutComment reports whether n is about a procedure's comment rather
// than an issue.
func (n *Notification) AboutComment() bool {
	return n.CommentID != nil
}

// IssueStats are the figures of the issue dashboard.
type IssueStats struct {
	// ByStatus counts every issue by status.
	ByStatus map[IssueStatus]int
	// ByCategory counts the issues not ended, per category, in the
	// categories' order (every active category, zeros included).
	ByCategory []CategoryCount
	// OverdueByOrganisation counts the overdue issues per owner
	// organisation, most first; issues with no owner are not counted.
	OverdueByOrganisation []OrganisationCount
	// OpenSince holds when each issue not ended was reported, for the
	// chart of their ages.
	OpenSince []time.Time
}

// CategoryCount is a number of issues in a category.
type CategoryCount struct {
	Category *IssueCategory
	Count    int
}

// OrganisationCount is a number of issues owned by an organisation.
type OrganisationCount struct {
	Organisation *Organisation
	Count        int
}
