package server

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"tawla/workspace"
)

// auditPageSize is how many entries one page of the audit log shows.
const auditPageSize = 50

type auditView struct {
	Entries    []auditRow
	Total      int
	Action     string
	EntityType string
	EntityID   string
	ActorID    string
	Since      string
	Until      string
	Pager      pagination
	Actors     []*workspace.Account
}

// handleAuditLog shows the audit log, newest first, filtered by action,
// kind of thing, thing, person and dates.
func (s *Server) handleAuditLog(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	filter := workspace.AuditFilter{Limit: auditPageSize}
	view := auditView{}
	if a := q.Get("action"); slices.Contains(workspace.AuditActions, a) {
		filter.Action, view.Action = a, a
	}
	if t := q.Get("entity_type"); slices.Contains(workspace.AuditEntityTypes, t) {
		filter.EntityType, view.EntityType = t, t
	}
	if id, err := strconv.ParseInt(q.Get("entity_id"), 10, 64); err == nil && id > 0 {
		filter.EntityID, view.EntityID = &id, q.Get("entity_id")
	}
	if id, err := strconv.ParseInt(q.Get("actor"), 10, 64); err == nil && id > 0 {
		filter.ActorID, view.ActorID = &id, q.Get("actor")
	}
	// Days are the table's: an entry made at 00:30 in its time zone
	// belongs to that day, whatever the day in UTC.
	if t, err := time.ParseInLocation("2006-01-02", q.Get("since"), s.location); err == nil {
		filter.Since, view.Since = &t, q.Get("since")
	}
	if t, err := time.ParseInLocation("2006-01-02", q.Get("until"), s.location); err == nil {
		end := t.AddDate(0, 0, 1) // the whole day named, to the next midnight
		filter.Until, view.Until = &end, q.Get("until")
	}
	page := listPage(q)
	filter.Offset = (page - 1) * auditPageSize

	entries, total, err := s.db.FindAuditEntries(r.Context(), filter)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	orgs, err := s.db.FindOrganisations(r.Context(), workspace.OrganisationFilter{})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	names := auditNames{orgs: make(map[string]*workspace.Organisation, len(orgs))}
	for _, o := range orgs {
		names.orgs[strconv.FormatInt(o.ID, 10)] = o
	}
	// Issues' entries name their category by id: every category, in one
	// query, when the page shows any.
	if slices.ContainsFunc(entries, func(e *workspace.AuditEntry) bool { return e.EntityType == "issue" }) {
		cats, err := s.db.FindIssueCategories(r.Context(), true)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		names.categories = make(map[string]*workspace.IssueCategory, len(cats))
		for _, c := range cats {
			names.categories[strconv.FormatInt(c.ID, 10)] = c
		}
	}
	p := s.newPage(r, "audit.title")
	view.Entries, view.Total = auditRows(entries, p, names), total
	if view.Actors, err = s.db.FindAccounts(r.Context(), workspace.AccountFilter{}); err != nil {
		s.serverError(w, r, err)
		return
	}
	view.Pager = newPagination(r.URL.Path, q, page, auditPageSize, view.Total)
	if pastEnd(w, r, view.Pager) {
		return
	}
	p.Section = "audit"
	p.Data = view
	s.render(w, r, http.StatusOK, "audit", p)
}
