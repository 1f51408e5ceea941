package server

import (
	"net/http"

	"tawla/workspace"
	"tawla/workspace/diff"
)

// publicHistoryItem is one edition in an entry's history, with what it
// changed from the edition before (none for the first).
type publicHistoryItem struct {
	Publication *workspace.Publication
	// First is true for the entry's first edition in the language.
	First   bool
	Summary diff.Summary
	Path    string
}

// publicHistoryView is the version history of an entry in one language,
// the latest edition first.
type publicHistoryView struct {
	publicHead
	Entry      *workspace.RegisterEntry
	Lang       string
	LatestPath string
	Items      []publicHistoryItem
}

// handlePublicHistory lists the editions of an entry in the path's
// language, each with the changelog computed from the diff between it and
// the edition before.
func (s *Server) handlePublicHistory(w http.ResponseWriter, r *http.Request) {
	entry, lang, err := s.publicEntryInLang(r)
	if err != nil {
		s.renderPublicError(w, r, err)
		return
	}
	pubs, err := s.db.FindPublications(r.Context(), entry.ID, lang)
	if err != nil {
		s.renderPublicError(w, r, &internalError{err})
		return
	}
	view := publicHistoryView{Entry: entry, Lang: lang, LatestPath: publicEntryPath(entry.Identifier(), lang)}
	view.Canonical = s.absoluteURL(view.LatestPath + "/history")
	// pubs holds the latest first: each edition is compared with the
	// next one in the list, the edition before it.
	for i, pub := range pubs {
		item := publicHistoryItem{Publication: pub, Path: publicEditionPath(pub)}
		if i+1 < len(pubs) {
			item.Summary = diff.Summarize(diff.Words(pubs[i+1].Content, pub.Content))
		} else {
			item.First = true
		}
		view.Items = append(view.Items, item)
	}
	p := s.newPublicPage(r, s.publicLanguage(r, lang), "public.history.title")
	p.Title = p.T("public.history.title") + " · " + entry.Identifier()
	p.Section = "procedures"
	p.Data = view
	s.renderPublic(w, http.StatusOK, "public_history", p)
}

// publicChangesView is what one edition changed from the edition before
// it.
type publicChangesView struct {
	publicHead
	Entry       *workspace.RegisterEntry
	Publication *workspace.Publication
	// Previous is the edition before; nil for the first edition.
	Previous    *workspace.Publication
	EditionPath string
	LatestPath  string
	Rows        []diff.Row
	Summary     diff.Summary
	// Coarse is true when the editions differ too much to be compared
	// word by word within diff.Budget: some passages are shown whole.
	Coarse bool
}

// handlePublicEditionChanges shows the word diff between an edition and
// the one before it in the same language, as a reader reads them.
func (s *Server) handlePublicEditionChanges(w http.ResponseWriter, r *http.Request) {
	entry, pub, err := s.publicEdition(r)
	if err != nil {
		s.renderPublicError(w, r, err)
		return
	}
	view := publicChangesView{
		Entry:       entry,
		Publication: pub,
		EditionPath: publicEditionPath(pub),
		LatestPath:  publicEntryPath(entry.Identifier(), pub.Language),
	}
	view.Canonical = s.absoluteURL(view.EditionPath + "/changes")
	if pub.Edition > 1 {
		prev, err := s.db.FindPublication(r.Context(), entry.ID, pub.Language, pub.Edition-1)
		if err != nil {
			s.renderPublicError(w, r, &internalError{err})
			return
		}
		// The summary (words, sections) comes from the sources, whose
		// headings name the sections; the text shown compares what a
		// reader reads, without the Markdown's marks (readingText).
		view.Previous = prev
		view.Summary = diff.Summarize(diff.Words(prev.Content, pub.Content))
		pieces, coarse := diff.WordsWithin(readingText(prev.Content), readingText(pub.Content), diff.Budget)
		view.Rows, view.Coarse = diff.Rows(pieces), coarse
	}
	p := s.newPublicPage(r, s.publicLanguage(r, pub.Language), "public.changes.title")
	p.Title = p.T("public.changes.title") + " · " + pub.Label()
	p.Section = "procedures"
	p.Data = view
	s.renderPublic(w, http.StatusOK, "public_changes", p)
}
