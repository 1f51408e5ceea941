package server

import (
	"html/template"
	"net/http"
	"regexp"
	"strings"

	"tawla/workspace"
	"tawla/workspace/search"
)

// The public search's limits: results shown, the length of each snippet,
// and the longest query read (a longer one is cut).
const (
	publicSearchLimit  = 50
	publicSnippetRunes = 240
	publicQueryMax     = 200
)

// publicSearchHit is one published edition found, with the passage that
// matches and its entry's status, which the result shows.
type publicSearchHit struct {
	Publication *workspace.Publication
	Status      workspace.RegisterStatus
	Snippet     template.HTML
	Path        string
	// upcoming: the edition found, its entry's first, applies from a
	// later day.
	upcoming bool
}

// NotYetInForce reports whether the edition found applies only from a
// later day, as public_entry_status asks of an entry.
func (h publicSearchHit) NotYetInForce() bool { return h.upcoming }

// publicSearchView is the public search page.
type publicSearchView struct {
	publicHead
	Query string
	// Searched is true when the query holds a word to look for.
	Searched bool
	Hits     []publicSearchHit
}

// handlePublicSearch runs a full-text search over the editions of the
// register in force today (or first, when none applies yet), entries in force first, each result with its status.
// Whatever the query holds, it is read as words (search.Terms), never as
// FTS5 syntax; snippets are escaped (search.SnippetHTML).
func (s *Server) handlePublicSearch(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(strings.ToValidUTF8(r.URL.Query().Get("q"), ""))
	if runes := []rune(q); len(runes) > publicQueryMax {
		q = string(runes[:publicQueryMax])
	}
	// A register identifier, as printed on a copy ("PROC-2026-002", with
	// or without its edition, "v2"), leads straight to its entry.
	if ident, _, _ := strings.Cut(q, " "); ident != "" {
		if year, seq, ok := workspace.ParseIdentifier(ident); ok {
			if _, err := s.db.FindRegisterEntry(r.Context(), s.today(), year, seq); err == nil {
				http.Redirect(w, r, "/public/procedures/"+workspace.FormatIdentifier(year, seq), http.StatusSeeOther)
				return
			}
		}
	}
	view := publicSearchView{Query: q}
	view.Canonical = s.absoluteURL("/public/search")
	terms := search.Terms(q)
	if len(terms) > 0 {
		view.Searched = true
		hits, err := s.db.SearchPublications(r.Context(), s.today(), q, publicSearchLimit)
		if err != nil {
			s.renderPublicError(w, r, &internalError{err})
			return
		}
		today := s.today()
		for _, hit := range hits {
			pub := hit.Publication
			view.Hits = append(view.Hits, publicSearchHit{Publication: pub, Status: hit.EntryStatus, Snippet: publicSnippet(pub, terms),
				Path: publicEntryPath(pub.Identifier, pub.Language), upcoming: pub.EffectiveOn > today})
		}
	}
	p := s.newPublicPage(r, s.publicLanguage(r, ""), "public.search.title")
	p.Section = "search"
	p.Data = view
	s.renderPublic(w, http.StatusOK, "public_search", p)
}

// publicSnippet returns the passage of pub's text that matches terms, or
// of its summary or title when the text holds none of them.
func publicSnippet(pub *workspace.Publication, terms []string) template.HTML {
	for _, text := range []string{plainText(pub.Content), pub.Summary} {
		for _, f := range search.Snippet(text, terms, publicSnippetRunes) {
			if f.Match {
				return search.SnippetHTML(text, terms, publicSnippetRunes)
			}
		}
	}
	return search.SnippetHTML(pub.Title, terms, publicSnippetRunes)
}

// publicCheckView is the page that checks a text's SHA-256 against the
// register.
type publicCheckView struct {
	publicHead
	Hash string
	// Checked is true when a well-formed hash was given; Invalid when the
	// one given is not a SHA-256.
	Checked bool
	Invalid bool
	Found   []publicCheckHit
}

// publicCheckHit is an edition whose text has the hash checked, with where
// it stands: whoever checks a copy learns whether it still applies.
type publicCheckHit struct {
	*workspace.Publication
	// Entry is the edition's entry, whose status the page shows; Latest
	// its edition in force in the same language when it is not this one.
	Entry  *workspace.RegisterEntry
	Latest *workspace.Publication
}

// handlePublicCheck looks up ?sha256= among the register's editions, and
// explains how to compute the hash of a downloaded text.
func (s *Server) handlePublicCheck(w http.ResponseWriter, r *http.Request) {
	hash := hashIn(r.URL.Query().Get("sha256"))
	view := publicCheckView{Hash: hash}
	view.Canonical = s.absoluteURL("/public/check")
	if hash != "" {
		if !isSHA256(hash) {
			view.Invalid = true
		} else {
			found, err := s.db.FindPublicationsByHash(r.Context(), hash)
			if err != nil {
				s.renderPublicError(w, r, &internalError{err})
				return
			}
			view.Checked = true
			for _, pub := range found {
				entry, err := s.db.FindRegisterEntryByID(r.Context(), s.today(), pub.EntryID)
				if err != nil {
					s.renderPublicError(w, r, &internalError{err})
					return
				}
				hit := publicCheckHit{Publication: pub, Entry: entry}
				if latest := entry.CurrentIn(pub.Language); latest != nil && latest.ID != pub.ID {
					hit.Latest = latest
				}
				view.Found = append(view.Found, hit)
			}
		}
	}
	p := s.newPublicPage(r, s.publicLanguage(r, ""), "public.check.title")
	p.Section = "check"
	p.Data = view
	s.renderPublic(w, http.StatusOK, "public_check", p)
}

// hashIn returns the hash to look up in what was typed or pasted: the
// first word that is a SHA-256, in lowercase, so that the whole line a
// command prints ("hash  file" from sha256sum, "SHA256 HASH path" from
// PowerShell) may be pasted as it is; else what was typed, trimmed, which
// the page then says is not a SHA-256.
func hashIn(typed string) string {
	for _, word := range strings.Fields(typed) {
		if w := strings.ToLower(word); isSHA256(w) {
			return w
		}
	}
	return strings.ToLower(strings.TrimSpace(typed))
}

// isSHA256 reports whether s is a SHA-256 written in lowercase
// hexadecimal.
func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// markdownMarks are the marks at the start of a Markdown line that a
// snippet leaves out: headings, quotes, list items.
var markdownMarks = regexp.MustCompile(`^\s*(#{1,6}\s+|>\s*|[-*+]\s+|[0-9]+[.)]\s+)+`)

// plainText returns a Markdown text as a reader sees its words, for
// snippets: without the marks of headings, quotes, lists and emphasis.
func plainText(src string) string {
	lines := strings.Split(src, "\n")
	for i, line := range lines {
		line = markdownMarks.ReplaceAllString(line, "")
		lines[i] = strings.NewReplacer("**", "", "__", "", "`", "").Replace(line)
	}
	return strings.Join(lines, "\n")
}
