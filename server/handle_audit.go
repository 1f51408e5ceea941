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
	if t, err := time.Parse("2006-01-02", q.Get("since")); err == nil {
		filter.Since, view.Since = &t, q.Get("since")
	}
	if t, err := time.Parse("2006-01-02", q.Get("until")); err == nil {
		end := t.AddDate(0, 0, 1) // the whole day named
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
	orgByID := make(map[string]*workspace.Organisation, len(orgs))
	for _, o := range orgs {
		orgByID[strconv.FormatInt(o.ID, 10)] = o
	}
	p := s.newPage(r, "audit.title")
	view.Entries, view.Total = auditRows(entries, p, orgByID), total
	if view.Actors, err = s.db.FindAccounts(r.Context(), workspace.AccountFilter{}); err != nil {
		s.serverError(w, r, err)
		return
	}
	view.Pager = newPagination(r.URL.Path, q, page, auditPageSize, view.Total)
	p.Section = "audit"
	p.Data = view
	s.render(w, r, http.StatusOK, "audit", p)
}
