package server

import (
	"net/http"
	"strconv"

	"tawla/workspace"
)

// issueFormView is the form that reports an issue or edits one, with its
// private fields in a section of their own for those who may see them
// (workspace.CanSeeIssuePrivate).
type issueFormView struct {
	Issue *workspace.Issue
	// Private is nil when the editor may not see the personal details:
	// the form then neither shows nor sends them, and saving keeps them.
	Private *workspace.IssuePrivate
	// PrivateRecorded says, when Private is nil, that the issue holds
	// personal details the editor may not see.
	PrivateRecorded bool
	New             bool
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
// fields for an editor who may see them: the store reads them and records
// the view in one transaction (sqlite.DB.OpenIssueEdit). The page, as
// every member's page, is never cached.
func (s *Server) handleIssueEdit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	edit, err := s.db.OpenIssueEdit(r.Context(), workspace.ActorFor(currentAccount(r)), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderIssueForm(w, r, http.StatusOK, edit.Issue, edit.Private, false, edit.Base, nil)
}

// handleIssueUpdate saves an issue's details and, when the form holds
// them, its private fields, in one transaction. A form without private
// fields — the one of an editor who may not see them — keeps the stored
// ones. The owner and the status change on the issue page.
func (s *Server) handleIssueUpdate(w http.ResponseWriter, r *http.Request) {
	issue, ok := s.issueFromPath(w, r)
	if !ok {
		return
	}
	formErr := parseForm(w, r)
	if formErr != nil && !formKept(formErr) {
		// A body that cannot be read has no base either: the form that
		// comes back checks nothing on its next save.
		s.renderIssueForm(w, r, statusOf(formErr), issue, nil, false, "", formErr)
		return
	}
	var private *workspace.IssuePrivate
	if formHoldsPrivate(r) {
		private = &workspace.IssuePrivate{IssueID: issue.ID}
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
	if private != nil {
		if err := private.Validate(); err != nil {
			s.renderIssueForm(w, r, statusOf(err), issue, private, false, base, err)
			return
		}
	}
	actor := workspace.ActorFor(currentAccount(r))
	// The details and the private fields are saved in one transaction,
	// both over the state the form was filled from; the store decides
	// there whether the editor may write the private fields.
	change, err := s.db.UpdateIssueFrom(r.Context(), actor, issue, base, private)
	if code := workspace.ErrorCode(err); code == workspace.ECONFLICT || code == workspace.EFORBIDDEN {
		// Someone saved meanwhile, or the issue has moved out of the
		// editor's charge: the form keeps what this person typed and now
		// stands on the issue as it is, so that saving again after
		// comparing is a choice made knowingly — without the private
		// fields for an editor who may no longer see them.
		current, mayPrivate := s.currentIssueBase(r, issue.ID)
		if !mayPrivate {
			private = nil
		}
		s.renderIssueForm(w, r, statusOf(err), issue, private, false, current, err)
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

// privateFormFields are the names of the form's private fields.
var privateFormFields = []string{"person_name", "person_contact", "details"}

// formHoldsPrivate reports whether the posted form holds private fields:
// the form of an editor who may see them always sends the three, the form
// of anyone else none, and a form without them keeps the stored ones.
func formHoldsPrivate(r *http.Request) bool {
	for _, name := range privateFormFields {
		if _, ok := r.PostForm[name]; ok {
			return true
		}
	}
	return false
}

// readIssueForm reads the form into issue and, when not nil, private.
// Numbers that are not numbers are refused on their field; the rest is the
// store's to check.
func readIssueForm(r *http.Request, issue *workspace.Issue, private *workspace.IssuePrivate, isNew bool) error {
	issue.Title = formValue(r, "title")
	issue.Description = formValue(r, "description")
	issue.Priority = workspace.IssuePriority(formValue(r, "priority"))
	issue.DueDate = formValue(r, "due_date")
	issue.Delegations = append([]string(nil), r.PostForm["delegations"]...)
	if private != nil {
		private.PersonName = formValue(r, "person_name")
		private.PersonContact = formValue(r, "person_contact")
		private.Details = formValue(r, "details")
	}
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

// currentIssueBase returns the edit state of issue id as stored now, for
// the editor, and whether the editor may see its private fields; "" and
// false if it cannot be read (the next save then checks nothing).
func (s *Server) currentIssueBase(r *http.Request, id int64) (string, bool) {
	base, private, err := s.db.FindIssueEditBase(r.Context(), workspace.ActorFor(currentAccount(r)), id)
	if err != nil {
		return "", false
	}
	return base, private
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
	recorded := false
	if private == nil && !isNew {
		if recorded, loadErr = s.db.HasIssuePrivate(ctx, issue.ID); loadErr != nil {
			s.serverError(w, r, loadErr)
			return
		}
	}
	p.Data = issueFormView{
		Issue: issue, Private: private, PrivateRecorded: recorded, New: isNew,
		Categories: categoryOptions(usable, p.Lang), Owners: p.OrganisationOptions(orgs),
		Delegations: chosen, Base: base, Error: p.formErrorText(err), Field: fieldError(err),
	}
	s.render(w, r, status, "issue_form", p)
}
