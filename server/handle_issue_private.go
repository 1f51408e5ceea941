package server

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"tawla/workspace"
)

// The personal details of an issue (workspace.IssuePrivate) on its page.
// They are seen on a need-to-know basis (workspace.CanSeeIssuePrivate: the
// secretariat, admins, the issue's reporter and its owner organisation's
// members) and never sit in the page by default: those who may see them get
// a button, a small POST form that works without script, whose answer is
// the issue page with the details shown — a view the store records in the
// audit log in the same transaction. The answer is a member's page, never
// cached (render's no-store), and the details travel in its body only,
// never in an address. Other members read that details exist, not what
// they are; stakeholders see nothing of them. The edit form shows them the
// same way (handle_issue_form.go: sqlite.DB.OpenIssueEdit records its
// view).

// issuePrivateView is what the issue page shows of the personal details.
type issuePrivateView struct {
	// Recorded says that the issue holds personal details; it is told to
	// members only, never to stakeholders.
	Recorded bool
	// Allowed says that the viewer may see them: the page offers the
	// button that shows them.
	Allowed bool
	// Shown holds them on the page that answers the button; nil anywhere
	// else.
	Shown *workspace.IssuePrivate
	// Views are the latest views recorded, newest first, for the
	// secretariat and admins (who read the audit log) only.
	Views []privateViewRow
}

// privateViewRow is one recorded view of an issue's personal details: who,
// when, and the catalogue key of where.
type privateViewRow struct {
	Name     string
	At       time.Time
	WhereKey string
}

// privateViewsShown is how many of the latest views the issue page lists.
const privateViewsShown = 5

// issuePrivateViewOf returns what the issue page shows actor of issue's
// personal details, shown being the details when the page answers the
// button (nil otherwise).
func (s *Server) issuePrivateViewOf(ctx context.Context, actor workspace.Actor, issue *workspace.Issue, shown *workspace.IssuePrivate) (issuePrivateView, error) {
	var v issuePrivateView
	if !actor.Reaches(workspace.AccessMember) {
		return v, nil
	}
	var err error
	if v.Recorded, err = s.db.HasIssuePrivate(ctx, issue.ID); err != nil {
		return v, err
	}
	v.Allowed = workspace.CanSeeIssuePrivate(actor, issue) == nil
	if v.Allowed {
		v.Shown = shown
	}
	if v.Recorded && actor.Reaches(workspace.AccessStaff) {
		if v.Views, err = s.privateViews(ctx, issue.ID); err != nil {
			return v, err
		}
	}
	return v, nil
}

// privateViews returns the latest recorded views of issue id's personal
// details, from the audit log.
func (s *Server) privateViews(ctx context.Context, id int64) ([]privateViewRow, error) {
	entries, _, err := s.db.FindAuditEntries(ctx, workspace.AuditFilter{
		Action: workspace.AuditIssuePrivateView, EntityType: "issue", EntityID: &id, Limit: privateViewsShown})
	if err != nil {
		return nil, err
	}
	rows := make([]privateViewRow, 0, len(entries))
	for _, e := range entries {
		row := privateViewRow{Name: e.ActorName, At: e.At}
		var state struct {
			ShownIn workspace.PrivateShownIn `json:"shown_in"`
		}
		if json.Unmarshal([]byte(e.After), &state) == nil && state.ShownIn.Valid() {
			row.WhereKey = "audit.shown_in." + string(state.ShownIn)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// handleIssuePrivateReveal answers the button "Show personal details": the
// store checks, in the transaction that reads them, that the viewer may see
// them (403 otherwise, and nothing is recorded) and records the view; the
// answer is the issue page with them, never cached.
func (s *Server) handleIssuePrivateReveal(w http.ResponseWriter, r *http.Request) {
	issue, ok := s.issueFromPath(w, r)
	if !ok {
		return
	}
	private, err := s.db.RevealIssuePrivate(r.Context(), workspace.ActorFor(currentAccount(r)), issue.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderIssuePageWith(w, r, http.StatusOK, issue, private, "", nil, nil)
}
