package server

import (
	"net/http"
	"net/url"
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
	Page       int
	PrevURL    string
	NextURL    string
	Actors     []*workspace.Account
}

// handleAuditLog shows the audit log, newest first, filtered by action,
// kind of thing, thing, person and dates.
func (s *Server) handleAuditLog(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	filter := workspace.AuditFilter{Limit: auditPageSize}
	view := auditView{Page: 1}
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
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n < 1_000_000 {
		view.Page = n
	}
	filter.Offset = (view.Page - 1) * auditPageSize

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
	if view.Page > 1 {
		view.PrevURL = auditPageURL(q, view.Page-1)
	}
	if view.Page*auditPageSize < view.Total {
		view.NextURL = auditPageURL(q, view.Page+1)
	}
	p.Section = "audit"
	p.Data = view
	s.render(w, r, http.StatusOK, "audit", p)
}

func auditPageURL(q url.Values, page int) string {
	next := url.Values{}
	for k, v := range q {
		next[k] = v
	}
	next.Set("page", strconv.Itoa(page))
	return "/admin/audit?" + next.Encode()
}
