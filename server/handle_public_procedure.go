package server

import (
	"net/http"
	"strings"

	"tawla/workspace"
)

// publicProcedureView is the public page of one edition of a register
// entry in one language: the register header, the status banner, the
// table of contents and the text.
type publicProcedureView struct {
	publicHead
	Entry       *workspace.RegisterEntry
	Publication *workspace.Publication
	// Current is the entry's edition in force in the same language (or
	// its first, when none applies yet); Standing says where Publication
	// stands beside it, which the page's banners tell.
	Current  *workspace.Publication
	Standing editionStanding
	// Others are the entry's current editions in the other languages.
	Others []*workspace.Publication
	Text   publicText
	// EditionPath is the address of the edition shown, the base of its
	// downloads.
	EditionPath string
	// LatestPath is the address of the entry's current page in the
	// edition's language, the base of its history.
	LatestPath string
}

// IsCurrent reports whether the page shows the entry's edition in force in
// its language (or its first, when none applies yet).
func (v publicProcedureView) IsCurrent() bool {
	return v.Current != nil && v.Current.ID == v.Publication.ID
}

// handlePublicEntry sends a visitor from an entry's identifier to its
// edition in the visitor's language when there is one, else to the first
// that exists (French, then Arabic).
func (s *Server) handlePublicEntry(w http.ResponseWriter, r *http.Request) {
	entry, err := s.publicEntryFromPath(r)
	if err != nil {
		s.renderPublicError(w, r, err)
		return
	}
	if len(entry.Current) == 0 {
		s.renderPublicError(w, r, publicNotFound())
		return
	}
	lang := entry.Current[0].Language
	if entry.CurrentIn(s.publicLanguage(r, "")) != nil {
		lang = s.publicLanguage(r, "")
	}
	http.Redirect(w, r, publicEntryPath(entry.Identifier(), lang), http.StatusSeeOther)
}

// handlePublicProcedure shows an entry's edition in force in the path's
// language, or its first when none applies yet.
func (s *Server) handlePublicProcedure(w http.ResponseWriter, r *http.Request) {
	entry, lang, err := s.publicEntryInLang(r)
	if err != nil {
		s.renderPublicError(w, r, err)
		return
	}
	s.showPublicEdition(w, r, entry, entry.CurrentIn(lang))
}

// handlePublicEditionView shows one edition of an entry, current or not.
func (s *Server) handlePublicEditionView(w http.ResponseWriter, r *http.Request) {
	entry, pub, err := s.publicEdition(r)
	if err != nil {
		s.renderPublicError(w, r, err)
		return
	}
	s.showPublicEdition(w, r, entry, pub)
}

// showPublicEdition renders pub, an edition of entry, in the page's
// interface language (publicLanguage: the text's own unless the visitor
// chose another).
func (s *Server) showPublicEdition(w http.ResponseWriter, r *http.Request, entry *workspace.RegisterEntry, pub *workspace.Publication) {
	body, err := renderPublicText(withoutTitle(pub.Content, pub.Title), false)
	if err != nil {
		s.renderPublicError(w, r, &internalError{err})
		return
	}
	current := entry.CurrentIn(pub.Language)
	view := publicProcedureView{
		Entry:       entry,
		Publication: pub,
		Current:     current,
		Standing:    standingOf(entry, pub),
		Text:        body,
		EditionPath: publicEditionPath(pub),
		LatestPath:  publicEntryPath(entry.Identifier(), pub.Language),
	}
	for _, c := range entry.Current {
		if c.Language != pub.Language {
			view.Others = append(view.Others, c)
		}
	}
	if view.IsCurrent() {
		view.Canonical = s.absoluteURL(view.LatestPath)
		view.Alternates = s.entryAlternates(entry)
	} else {
		view.Canonical = s.absoluteURL(view.EditionPath)
	}
	p := s.newPublicPage(r, s.publicLanguage(r, pub.Language), "public.procedure.title")
	p.Title = pub.Label() + " · " + pub.Title
	p.Section = "procedures"
	p.Data = view
	// Choosing Arabic on the French text leads to the Arabic text when
	// there is one, and the reverse; otherwise the interface changes
	// around the same text.
	if view.IsCurrent() {
		p.langPaths = map[string]string{}
		for _, c := range entry.Current {
			p.langPaths[c.Language] = publicEntryPath(entry.Identifier(), c.Language)
		}
	}
	s.renderPublic(w, http.StatusOK, "public_procedure", p)
}

// withoutTitle returns src without its first line when that line is the
// level-1 heading of title: the page shows the title above the register
// header already, and on a phone a second one takes a screen. The
// downloads keep it, as the text is published.
func withoutTitle(src, title string) string {
	first, rest, _ := strings.Cut(src, "\n")
	heading, ok := strings.CutPrefix(strings.TrimRight(first, " \t\r"), "# ")
	if !ok || strings.TrimSpace(heading) != strings.TrimSpace(title) {
		return src
	}
	return strings.TrimLeft(rest, "\r\n")
}
