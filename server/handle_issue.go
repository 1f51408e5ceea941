package server

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"tawla/workspace"
	"tawla/workspace/search"
	"tawla/workspace/sqlite"
)

// The issue tracker's pages: the list with its filters and search (this
// file), the issue itself with its timeline and links (handle_issue_view.go),
// the report and edit form (handle_issue_form.go), the forms of the issue
// page (handle_issue_action.go), the CSV export (handle_issue_export.go)
// and the personal details (handle_issue_private.go). Private fields are
// shown only on the issue page at the viewer's request and in the edit
// form, for those CanSeeIssuePrivate allows, each view recorded by the
// store (RevealIssuePrivate, OpenIssueEdit).

// issuePageSize is how many issues a page of the list shows.
const issuePageSize = 50

// issueSnippetRunes is the length of a search result's snippet.
const issueSnippetRunes = 240

// issueListView is the list of issues: a page of them as the filters and
// the search select them, and the choices of the filters.
type issueListView struct {
	Rows  []issueRow
	Total int
	Pager pagination
	// The filters, as the query gave them (known values only).
	Query, Status, Category, Owner, Delegation, Overdue string
	Categories, Owners                                  []option
	CanReport                                           bool
	ExportURL                                           string
}

// issueRow is an issue in the list: with its category and delegations
// named in the page's language, whether it is overdue, and for a search
// the snippet where the words were found.
type issueRow struct {
	Issue        *workspace.Issue
	CategoryName string
	Delegations  []string
	Overdue      bool
	// Snippet is the passage of the description or comments (or the
	// title) with the words searched for marked; empty without a search.
	Snippet template.HTML
}

// issueFilterFrom reads the list's filters from a query, keeping only
// known values; the page number sets the offset.
func (s *Server) issueFilterFrom(q url.Values) sqlite.IssueFilter {
	f := sqlite.IssueFilter{Limit: issuePageSize}
	if st := workspace.IssueStatus(q.Get("status")); st.Valid() {
		f.Status = st
	}
	if n, err := strconv.ParseInt(q.Get("category"), 10, 64); err == nil && n > 0 {
		f.CategoryID = n
	}
	if n, err := strconv.ParseInt(q.Get("owner"), 10, 64); err == nil && n > 0 {
		f.OwnerOrganisationID = n
	}
	if d := q.Get("delegation"); workspace.ValidDelegation(d) {
		f.Delegation = d
	}
	if q.Get("overdue") == "yes" {
		f.OverdueOn = s.today()
	}
	f.Query = strings.ToValidUTF8(strings.TrimSpace(q.Get("q")), "")
	f.Offset = (listPage(q) - 1) * issuePageSize
	return f
}

// categoryOptions returns the choices of a category, named in lang.
func categoryOptions(cats []*workspace.IssueCategory, lang string) []option {
	out := make([]option, len(cats))
	for i, c := range cats {
		out[i] = option{Value: strconv.FormatInt(c.ID, 10), Label: c.Name(lang)}
	}
	return out
}

// delegationNames names delegation keys through the catalogue.
func delegationNames(l *localizer, keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = l.T("delegation." + k)
	}
	return out
}

// issueSnippet returns the snippet of a search hit: from its text (the
// description and comments) when the words are found there, else from its
// title. Both are escaped, with only the matching words in <mark>.
func issueSnippet(hit *sqlite.IssueHit, terms []string) template.HTML {
	for _, f := range search.Snippet(hit.Text, terms, issueSnippetRunes) {
		if f.Match {
			return search.SnippetHTML(hit.Text, terms, issueSnippetRunes)
		}
	}
	return search.SnippetHTML(hit.Issue.Title, terms, issueSnippetRunes)
}

// handleIssueList lists the issues, filtered, or the results of a search,
// best first, each with a snippet.
func (s *Server) handleIssueList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	filter := s.issueFilterFrom(q)
	hits, total, err := s.db.FindIssues(ctx, filter)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	cats, err := s.db.FindIssueCategories(ctx, true)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	orgs, err := s.db.FindOrganisations(ctx, workspace.OrganisationFilter{})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "issues.title").withNotice(r)
	p.Section = "issues"
	today := s.today()
	terms := search.Terms(filter.Query)
	view := issueListView{
		Total: total, Query: filter.Query, Status: string(filter.Status), Delegation: filter.Delegation,
		Categories: categoryOptions(cats, p.Lang), Owners: p.OrganisationOptions(orgs),
		CanReport: workspace.CanReportIssue(workspace.ActorFor(p.Account)) == nil,
	}
	if filter.CategoryID != 0 {
		view.Category = strconv.FormatInt(filter.CategoryID, 10)
	}
	if filter.OwnerOrganisationID != 0 {
		view.Owner = strconv.FormatInt(filter.OwnerOrganisationID, 10)
	}
	if filter.OverdueOn != "" {
		view.Overdue = "yes"
	}
	for _, h := range hits {
		row := issueRow{Issue: h.Issue, Delegations: delegationNames(p.localizer, h.Issue.Delegations), Overdue: h.Issue.Overdue(today)}
		if h.Issue.Category != nil {
			row.CategoryName = h.Issue.Category.Name(p.Lang)
		}
		if len(terms) > 0 {
			row.Snippet = issueSnippet(h, terms)
		}
		view.Rows = append(view.Rows, row)
	}
	view.Pager = newPagination(r.URL.Path, listQuery(q), listPage(q), issuePageSize, total)
	if pastEnd(w, r, view.Pager) {
		return
	}
	export := url.Values{}
	for k, v := range listQuery(q) {
		if k != "page" {
			export[k] = v
		}
	}
	view.ExportURL = "/issues.csv"
	if enc := export.Encode(); enc != "" {
		view.ExportURL += "?" + enc
	}
	p.Data = view
	s.render(w, r, http.StatusOK, "issues", p)
}

// listQuery returns a list's query without the values that are not
// filters (the notice, the language), for the addresses of its other
// pages and of its export.
func listQuery(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		if k != "done" && k != "lang" {
			out[k] = v
		}
	}
	return out
}

// issueFromPath returns the issue named by the {id} path value, or answers
// with an error page and false.
func (s *Server) issueFromPath(w http.ResponseWriter, r *http.Request) (*workspace.Issue, bool) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return nil, false
	}
	issue, err := s.db.FindIssueByID(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return nil, false
	}
	return issue, true
}

// issuePath is the address of issue id's page.
func issuePath(id int64) string { return "/issues/" + strconv.FormatInt(id, 10) }

// organisationsByID returns every organisation (active or not) by id, to
// name the owners an assignment event records.
func (s *Server) organisationsByID(ctx context.Context) (map[int64]*workspace.Organisation, error) {
	orgs, err := s.db.FindOrganisations(ctx, workspace.OrganisationFilter{})
	if err != nil {
		return nil, err
	}
	m := make(map[int64]*workspace.Organisation, len(orgs))
	for _, o := range orgs {
		m[o.ID] = o
	}
	return m, nil
}
