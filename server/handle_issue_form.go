package server

import (
	"net/http"
	"strconv"

	"tawla/workspace"
)

// issueFormView is the form that reports an issue or edits one, with its
// private fields in a section of their own.
type issueFormView struct {
	Issue   *workspace.Issue
	Private *workspace.IssuePrivate
	New     bool
	// Categories are the active categories, and the issue's own if it
	// was deactivated since; Owners the active organisations.
	Categories []option
	Owners     []option
	// Delegations marks the delegations the issue concerns.
	Delegations map[string]bool
	// Base is the state the edit form was filled from
	// (workspace.IssueEditBase), which it sends back; "" for a new issue.
	Base  string
	Error string
	Field string
}

// handleIssueNew shows the form that reports an issue.
func (s *Server) handleIssueNew(w http.ResponseWriter, r *http.Request) {
	s.renderIssueForm(w, r, http.StatusOK, &workspace.Issue{Priority: workspace.PriorityNormal}, &workspace.IssuePrivate{}, true, "", nil)
}

// handleIssueCreate stores a new issue with its private fields, and opens
// it.
func (s *Server) handleIssueCreate(w http.ResponseWriter, r *http.Request) {
	issue, private := &workspace.Issue{}, &workspace.IssuePrivate{}
	// A value that could not be read is refused before the form's own
	// mistakes, the form coming back filled all the same.
	err := parseForm(w, r)
	if err == nil || formKept(err) {
		if readErr := readIssueForm(r, issue, private, true); err == nil {
			err = readErr
		}
	}
	if err != nil {
		s.renderIssueForm(w, r, statusOf(err), issue, private, true, "", err)
		return
	}
	change, err := s.db.CreateIssue(r.Context(), workspace.ActorFor(currentAccount(r)), issue, private)
	if err != nil {
		s.renderIssueForm(w, r, statusOf(err), issue, private, true, "", err)
		return
	}
	s.publishIssueChange(r.Context(), issue.ID, change)
	redirectDone(w, r, issuePath(issue.ID), "issue_created")
}

// handleIssueEdit shows the form that edits an issue, with its private
// fields.
func (s *Server) handleIssueEdit(w http.ResponseWriter, r *http.Request) {
	issue, ok := s.issueFromPath(w, r)
	if !ok {
		return
	}
	private, err := s.db.FindIssuePrivate(r.Context(), workspace.ActorFor(currentAccount(r)), issue.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderIssueForm(w, r, http.StatusOK, issue, private, false, workspace.IssueEditBase(issue, private), nil)
}

// handleIssueUpdate saves an issue's details and its private fields, in
// one transaction.
// The owner and the status change on the issue page.
func (s *Server) handleIssueUpdate(w http.ResponseWriter, r *http.Request) {
	issue, ok := s.issueFromPath(w, r)
	if !ok {
		return
	}
	private := &workspace.IssuePrivate{IssueID: issue.ID}
	formErr := parseForm(w, r)
	if formErr != nil && !formKept(formErr) {
		// A body that cannot be read has no base either: the form that
		// comes back checks nothing on its next save.
		s.renderIssueForm(w, r, statusOf(formErr), issue, private, false, "", formErr)
		return
	}
	// The form comes back with the state it was filled from, so that a
	// second refusal still finds out whether someone saved meanwhile.
	base := formValue(r, "base")
	err := readIssueForm(r, issue, private, false)
	if formErr != nil {
		// A value that could not be read, repaired: refused first.
		err = formErr
	}
	if err != nil {
		s.renderIssueForm(w, r, statusOf(err), issue, private, false, base, err)
		return
	}
	// The private fields are checked before anything is stored, so that a
	// mistake in them does not leave the details saved alone.
	if err := private.Validate(); err != nil {
		s.renderIssueForm(w, r, statusOf(err), issue, private, false, base, err)
		return
	}
	actor := workspace.ActorFor(currentAccount(r))
	// The details and the private fields are saved in one transaction,
	// both over the state the form was filled from.
	change, err := s.db.UpdateIssueFrom(r.Context(), actor, issue, base, private)
	if workspace.ErrorCode(err) == workspace.ECONFLICT {
		// Someone saved meanwhile: the form keeps what this person typed
		// and now stands on the issue as it is, so that saving again after
		// comparing is a choice made knowingly.
		s.renderIssueForm(w, r, http.StatusConflict, issue, private, false, s.currentIssueBase(r, issue.ID), err)
		return
	}
	if err != nil {
		s.renderIssueForm(w, r, statusOf(err), issue, private, false, base, err)
		return
	}
	if change != nil && change.Event != nil {
		s.publishIssueChange(r.Context(), issue.ID, change)
	}
	redirectDone(w, r, issuePath(issue.ID), "issue_saved")
}

// readIssueForm reads the form into issue and private. Numbers that are
// not numbers are refused on their field; the rest is the store's to
// check.
func readIssueForm(r *http.Request, issue *workspace.Issue, private *workspace.IssuePrivate, isNew bool) error {
	issue.Title = formValue(r, "title")
	issue.Description = formValue(r, "description")
	issue.Priority = workspace.IssuePriority(formValue(r, "priority"))
	issue.DueDate = formValue(r, "due_date")
	issue.Delegations = append([]string(nil), r.PostForm["delegations"]...)
	private.PersonName = formValue(r, "person_name")
	private.PersonContact = formValue(r, "person_contact")
	private.Details = formValue(r, "details")
	issue.CategoryID = 0
	if v := formValue(r, "category_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return workspace.Invalid("category_id", "error.issue.category_required", "Choose a category.")
		}
		issue.CategoryID = n
	}
	if isNew {
		issue.OwnerOrganisationID = nil
		if v := formValue(r, "owner_organisation_id"); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return workspace.Invalid("owner_organisation_id", "error.issue.owner_invalid", "Choose an active organisation.")
			}
			issue.OwnerOrganisationID = &n
		}
	}
	return nil
}

// currentIssueBase returns the edit state of issue id as stored now, or ""
// if it cannot be read (the next save then checks nothing).
func (s *Server) currentIssueBase(r *http.Request, id int64) string {
	issue, err := s.db.FindIssueByID(r.Context(), id)
	if err != nil {
		return ""
	}
	private, err := s.db.FindIssuePrivate(r.Context(), workspace.ActorFor(currentAccount(r)), id)
	if err != nil {
		return ""
	}
	return workspace.IssueEditBase(issue, private)
}

// renderIssueForm shows the report or edit form with status, and err's
// message when it comes back after a mistake; the edit form carries base,
// the state it was filled from (workspace.IssueEditBase).
func (s *Server) renderIssueForm(w http.ResponseWriter, r *http.Request, status int, issue *workspace.Issue, private *workspace.IssuePrivate, isNew bool, base string, err error) {
	ctx := r.Context()
	title := "issue.edit_title"
	if isNew {
		title = "issue.new_title"
	}
	p := s.newPage(r, title)
	p.Section = "issues"
	cats, loadErr := s.db.FindIssueCategories(ctx, true)
	if loadErr != nil {
		s.serverError(w, r, loadErr)
		return
	}
	var usable []*workspace.IssueCategory
	for _, c := range cats {
		if c.Active || c.ID == issue.CategoryID {
			usable = append(usable, c)
		}
	}
	orgs, loadErr := s.db.FindOrganisations(ctx, workspace.OrganisationFilter{ActiveOnly: true})
	if loadErr != nil {
		s.serverError(w, r, loadErr)
		return
	}
	chosen := map[string]bool{}
	for _, d := range issue.Delegations {
		chosen[d] = true
	}
	p.Data = issueFormView{
		Issue: issue, Private: private, New: isNew,
		Categories: categoryOptions(usable, p.Lang), Owners: p.OrganisationOptions(orgs),
		Delegations: chosen, Base: base, Error: p.formErrorText(err), Field: fieldError(err),
	}
	s.render(w, r, status, "issue_form", p)
}
