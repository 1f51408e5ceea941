package server

import (
	"net/http"
	"strconv"

	"tawla/workspace"
)

// The categories of issues (GET and POST /issues/categories, POST
// /issues/categories/{id}/edit): the secretariat names them in the three
// languages, orders them and deactivates those no longer used. A category
// is never deleted, since issues keep it.
//
// A category's form posts to /issues/categories/{id}/edit rather than
// /issues/categories/{id}: the mux would find the latter in conflict with
// every /issues/{id}/… route (/issues/categories/passages matches both,
// and neither is more specific), and refuse to start.

// issueCategoriesView is the categories page: the list, each with its
// edit form, and the form of a new category. After a refused post, Form
// holds what was sent, FormID the category it was for (0: the new one),
// and Error and Field what was wrong.
type issueCategoriesView struct {
	Categories []*workspace.IssueCategory
	Form       *workspace.IssueCategory
	FormID     int64
	Error      string
	Field      string
	// MaxName is the longest name, in characters.
	MaxName int
}

// Edited returns the values an edit form of c shows: those sent, after a
// refused post of that form, or c's own.
func (v issueCategoriesView) Edited(c *workspace.IssueCategory) *workspace.IssueCategory {
	if v.Form != nil && v.FormID == c.ID {
		return v.Form
	}
	return c
}

// NewForm returns the values the form of a new category shows.
func (v issueCategoriesView) NewForm() *workspace.IssueCategory {
	if v.Form != nil && v.FormID == 0 {
		return v.Form
	}
	return &workspace.IssueCategory{}
}

// maxCategoryName is the longest name of a category (IssueCategory.Validate).
const maxCategoryName = 100

// handleIssueCategories lists every category, inactive ones included.
func (s *Server) handleIssueCategories(w http.ResponseWriter, r *http.Request) {
	s.renderIssueCategories(w, r, http.StatusOK, nil, 0, nil)
}

// handleIssueCategoryCreate adds a category at the end of the list.
func (s *Server) handleIssueCategoryCreate(w http.ResponseWriter, r *http.Request) {
	c := &workspace.IssueCategory{}
	formErr := parseForm(w, r)
	if formErr == nil || formKept(formErr) {
		readIssueCategoryForm(r, c)
	}
	if formErr != nil {
		s.renderIssueCategories(w, r, statusOf(formErr), c, 0, formErr)
		return
	}
	if err := s.db.CreateIssueCategory(r.Context(), workspace.ActorFor(currentAccount(r)), c); err != nil {
		s.renderIssueCategories(w, r, statusOf(err), c, 0, err)
		return
	}
	redirectDone(w, r, "/issues/categories", "category_created")
}

// handleIssueCategoryUpdate renames a category, moves it to another
// position, or deactivates or reactivates it, as the form says: a
// category's form sends its names, its position and whether it is active.
func (s *Server) handleIssueCategoryUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	categories, err := s.db.FindIssueCategories(r.Context(), true)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var c *workspace.IssueCategory
	for _, k := range categories {
		if k.ID == id {
			copied := *k
			c = &copied
		}
	}
	if c == nil {
		s.renderError(w, r, &workspace.Error{Code: workspace.ENOTFOUND, Key: "error.not_found", Message: "Category not found."})
		return
	}
	formErr := parseForm(w, r)
	if formErr == nil || formKept(formErr) {
		readIssueCategoryForm(r, c)
		c.Active = formChecked(r, "active")
	}
	if formErr != nil {
		s.renderIssueCategories(w, r, statusOf(formErr), c, id, formErr)
		return
	}
	if raw := formValue(r, "position"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n <= 0 || n > 10000 {
			s.renderIssueCategories(w, r, http.StatusBadRequest, c, id,
				workspace.Invalid("position", "error.category.position_invalid", "Give the position as a whole number from 1."))
			return
		}
		c.Position = n
	}
	if err := s.db.UpdateIssueCategory(r.Context(), workspace.ActorFor(currentAccount(r)), c); err != nil {
		s.renderIssueCategories(w, r, statusOf(err), c, id, err)
		return
	}
	redirectDone(w, r, "/issues/categories", "category_saved")
}

// readIssueCategoryForm reads the names of a category's form.
func readIssueCategoryForm(r *http.Request, c *workspace.IssueCategory) {
	c.NameFR = formValue(r, "name_fr")
	c.NameAR = formValue(r, "name_ar")
	c.NameEN = formValue(r, "name_en")
}

// renderIssueCategories shows the categories page with status, and after
// a refused post the form (of category formID, 0 for a new one) filled
// with what was sent and the error.
func (s *Server) renderIssueCategories(w http.ResponseWriter, r *http.Request, status int, form *workspace.IssueCategory, formID int64, err error) {
	categories, ferr := s.db.FindIssueCategories(r.Context(), true)
	if ferr != nil {
		s.serverError(w, r, ferr)
		return
	}
	p := s.newPage(r, "categories.title").withNotice(r)
	p.Section = "issues"
	p.Data = issueCategoriesView{
		Categories: categories, Form: form, FormID: formID,
		Error: p.formErrorText(err), Field: fieldError(err), MaxName: maxCategoryName,
	}
	s.render(w, r, status, "issue_categories", p)
}
