package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"tawla/workspace"
)

// The public site (handle_public*.go, atom.go, sitemap.go) is what anyone
// reads without logging in: the register of published procedures, their
// editions, history, downloads, search, the hash check, the Atom feed and
// the sitemap. Its pages are rendered without the account, so a person who
// is logged in sees exactly what the public sees, and they read only the
// register's tables (publications and register entries), never the
// procedures, drafts, versions, comments or issues behind them.

// publicHead is what the public layout puts in a page's head: its
// canonical address and its alternates in other languages, all absolute.
// Every view of the public site embeds it.
type publicHead struct {
	Canonical  string
	Alternates []publicAlternate
}

// publicAlternate is one <link rel="alternate" hreflang=…>.
type publicAlternate struct {
	Lang string
	URL  string
}

// absoluteURL returns the public address of path, built from the
// configured base URL and never from the request's Host.
func (s *Server) absoluteURL(path string) string {
	return strings.TrimRight(s.baseURL.String(), "/") + path
}

// publicLanguage returns the interface language of a public page: a
// ?lang= choice, then a choice remembered in the visitor's cookie, then
// textLang (the language of the procedure shown) when it is not empty,
// then Accept-Language, then French. The account's profile is not read:
// the public site is the same for everyone.
func (s *Server) publicLanguage(r *http.Request, textLang string) string {
	if lang := r.URL.Query().Get("lang"); workspace.ValidLanguage(lang) {
		return lang
	}
	if c, err := r.Cookie(langCookie); err == nil && workspace.ValidLanguage(c.Value) {
		return c.Value
	}
	if workspace.ValidLanguage(textLang) {
		return textLang
	}
	if h := r.Header.Get("Accept-Language"); h != "" {
		return s.catalog.match(h)
	}
	return workspace.Languages[0]
}

// newPublicPage returns a page of the public site in lang, titled from
// titleKey, without the account: its layout (common/public_layout.html)
// shows nothing personal.
func (s *Server) newPublicPage(r *http.Request, lang, titleKey string) *page {
	p := &page{localizer: s.localizer(lang), Lang: lang, Status: http.StatusOK, url: r.URL}
	p.Title = p.T(titleKey)
	return p
}

// renderPublic writes the named page inside the public layout with
// status. Public pages are the same for everyone, so caches may keep them,
// asking again each time whether they changed.
func (s *Server) renderPublic(w http.ResponseWriter, status int, name string, p *page) {
	s.renderIn(w, "public_layout", "no-cache", status, name, p)
}

// publicErrorView is the public site's error page.
type publicErrorView struct {
	publicHead
	Message string
	// Elsewhere are the editions in force of the entry the address named,
	// when it exists but not in the language or edition asked for: the
	// reader is offered what there is.
	Elsewhere []*workspace.Publication
}

// publicNotThere is the error of an address that names an entry of the
// register, but a language it is not published in or an edition it does
// not have; unlike publicNotFound, it knows the entry.
type publicNotThere struct {
	entry *workspace.RegisterEntry
}

func (e *publicNotThere) Error() string { return e.Unwrap().Error() }

// Unwrap gives the ENOTFOUND error the page states.
func (e *publicNotThere) Unwrap() error {
	return &workspace.Error{Code: workspace.ENOTFOUND, Key: "public.error.not_there",
		Message: "This procedure is not published in this language, or has no such edition."}
}

// renderPublicError answers with err's status and the public site's error
// page, in the visitor's language.
func (s *Server) renderPublicError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		s.logger.Error("request failed", "method", r.Method, "path", logPath(r), "err", err)
	}
	p := s.newPublicPage(r, s.publicLanguage(r, ""), "error.title")
	p.Status = status
	view := publicErrorView{Message: p.ErrorText(err)}
	if there, ok := errors.AsType[*publicNotThere](err); ok {
		view.Elsewhere = there.entry.Current
	}
	p.Data = view
	s.renderPublic(w, status, "public_error", p)
}

// publicNotFound is the error of a public address that names nothing in
// the register.
func publicNotFound() error {
	return &workspace.Error{Code: workspace.ENOTFOUND, Key: "public.error.not_found", Message: "This procedure is not in the register."}
}

// publicEntryFromPath finds the register entry of the path's {ident}, in
// any case. An ill-formed identifier is not found, as an unknown one is.
func (s *Server) publicEntryFromPath(r *http.Request) (*workspace.RegisterEntry, error) {
	year, seq, ok := workspace.ParseIdentifier(r.PathValue("ident"))
	if !ok {
		return nil, publicNotFound()
	}
	entry, err := s.db.FindRegisterEntry(r.Context(), s.today(), year, seq)
	if err != nil {
		if workspace.ErrorCode(err) == workspace.ENOTFOUND {
			return nil, publicNotFound()
		}
		return nil, &internalError{err}
	}
	return entry, nil
}

// publicEntryInLang finds the entry of the path's {ident} and checks that
// it has an edition in the path's {lang}, which it returns.
func (s *Server) publicEntryInLang(r *http.Request) (*workspace.RegisterEntry, string, error) {
	entry, err := s.publicEntryFromPath(r)
	if err != nil {
		return nil, "", err
	}
	lang, err := publicLangFromPath(r, entry)
	if err != nil {
		return nil, "", err
	}
	return entry, lang, nil
}

// publicLangFromPath returns the path's {lang} when the entry has an
// edition in it.
func publicLangFromPath(r *http.Request, entry *workspace.RegisterEntry) (string, error) {
	lang := r.PathValue("lang")
	for _, l := range workspace.ProcedureLanguages {
		if l == lang && entry.CurrentIn(lang) != nil {
			return lang, nil
		}
	}
	return "", &publicNotThere{entry}
}

// publicEditionNumber reads the path's {edition}: a positive number
// written plainly ("2", not "02", "+2" or "2.0").
func publicEditionNumber(r *http.Request) (int, error) {
	s := r.PathValue("edition")
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || strconv.Itoa(n) != s {
		return 0, publicNotFound()
	}
	return n, nil
}

// publicEdition finds the entry, language and edition the path names.
func (s *Server) publicEdition(r *http.Request) (*workspace.RegisterEntry, *workspace.Publication, error) {
	entry, lang, err := s.publicEntryInLang(r)
	if err != nil {
		return nil, nil, err
	}
	n, err := publicEditionNumber(r)
	if err != nil {
		return nil, nil, err
	}
	pub, err := s.db.FindPublication(r.Context(), entry.ID, lang, n)
	if err != nil {
		if workspace.ErrorCode(err) == workspace.ENOTFOUND {
			return nil, nil, &publicNotThere{entry}
		}
		return nil, nil, &internalError{err}
	}
	return entry, pub, nil
}

// publicEntryPath returns the public address of an entry in lang.
func publicEntryPath(identifier, lang string) string {
	return "/public/procedures/" + identifier + "/" + lang
}

// publicEditionPath returns the public address of one edition.
func publicEditionPath(p *workspace.Publication) string {
	return publicEntryPath(p.Identifier, p.Language) + "/editions/" + strconv.Itoa(p.Edition)
}

// publicDownloadName returns the file name of an edition's download with
// extension ext: "PROC-2026-003-v2-ar.md".
func publicDownloadName(p *workspace.Publication, ext string) string {
	return p.Identifier + "-v" + strconv.Itoa(p.Edition) + "-" + p.Language + "." + ext
}

// entryAlternates returns the hreflang alternates of an entry's current
// editions.
func (s *Server) entryAlternates(entry *workspace.RegisterEntry) []publicAlternate {
	var alts []publicAlternate
	for _, c := range entry.Current {
		alts = append(alts, publicAlternate{Lang: c.Language, URL: s.absoluteURL(publicEntryPath(entry.Identifier(), c.Language))})
	}
	return alts
}
