package server

import (
	"net/http"

	"tawla/workspace"
)

// publicHomeLatest is how many of the latest publications in force the
// public home page lists.
const publicHomeLatest = 10

// publicHomeView is the public site's home page.
type publicHomeView struct {
	publicHead
	Latest     []*workspace.Publication
	Categories []workspace.ProcedureCategory
}

// handlePublicHome shows the latest publications of what is in force, the
// categories of the register and the search box.
func (s *Server) handlePublicHome(w http.ResponseWriter, r *http.Request) {
	latest, err := s.db.FindLatestInForce(r.Context(), s.today(), publicHomeLatest)
	if err != nil {
		s.renderPublicError(w, r, &internalError{err})
		return
	}
	p := s.newPublicPage(r, s.publicLanguage(r, ""), "public.home.title")
	p.Section = "home"
	view := publicHomeView{Latest: latest, Categories: workspace.ProcedureCategories}
	view.Canonical = s.absoluteURL("/public")
	p.Data = view
	s.renderPublic(w, http.StatusOK, "public_home", p)
}

// publicCategoryGroup is the entries of one category of the register.
type publicCategoryGroup struct {
	Category workspace.ProcedureCategory
	Entries  []*workspace.RegisterEntry
}

// publicListView is the register by category.
type publicListView struct {
	publicHead
	// Category is the category chosen with ?category=, or "".
	Category   workspace.ProcedureCategory
	Categories []workspace.ProcedureCategory
	Groups     []publicCategoryGroup
	Total      int
}

// handlePublicList lists the register's entries by category; ?category=
// keeps one (an unknown category keeps them all).
func (s *Server) handlePublicList(w http.ResponseWriter, r *http.Request) {
	entries, err := s.db.FindRegisterEntries(r.Context(), s.today())
	if err != nil {
		s.renderPublicError(w, r, &internalError{err})
		return
	}
	view := publicListView{Categories: workspace.ProcedureCategories}
	if c := workspace.ProcedureCategory(r.URL.Query().Get("category")); c.Valid() {
		view.Category = c
	}
	view.Canonical = s.absoluteURL("/public/procedures")
	for _, c := range workspace.ProcedureCategories {
		if view.Category != "" && c != view.Category {
			continue
		}
		g := publicCategoryGroup{Category: c}
		for _, e := range entries {
			if e.Category == c && len(e.Current) > 0 {
				g.Entries = append(g.Entries, e)
			}
		}
		if len(g.Entries) > 0 {
			view.Groups = append(view.Groups, g)
			view.Total += len(g.Entries)
		}
	}
	p := s.newPublicPage(r, s.publicLanguage(r, ""), "public.list.title")
	p.Section = "procedures"
	p.Data = view
	s.renderPublic(w, http.StatusOK, "public_procedures", p)
}
