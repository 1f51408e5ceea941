package server

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"tawla/web"
	"tawla/workspace"
)

// The template files: each page (pagesGlob, but layout.html) is parsed
// together with layout.html and the shared partials (partialsGlob).
const (
	pagesGlob    = "templates/*.html"
	partialsGlob = "templates/common/*.html"
)

// pageRenderer holds every page template, parsed once at start. Each page
// is web/templates/layout.html together with one page file that defines
// "content".
type pageRenderer struct {
	pages map[string]*template.Template
}

// newPageRenderer parses every page once, with template functions that
// show times in loc.
func newPageRenderer(loc *time.Location) (*pageRenderer, error) {
	names, err := fs.Glob(web.FS, pagesGlob)
	if err != nil {
		return nil, fmt.Errorf("server: list templates: %w", err)
	}
	pr := &pageRenderer{pages: map[string]*template.Template{}}
	for _, file := range names {
		name := strings.TrimSuffix(path.Base(file), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New(name).Funcs(templateFuncs(loc)).ParseFS(web.FS, "templates/layout.html", partialsGlob, file)
		if err != nil {
			return nil, fmt.Errorf("server: parse template %s: %w", file, err)
		}
		pr.pages[name] = t
	}
	return pr, nil
}

// templateFuncs returns the helpers every template may call. They depend
// on nothing but their arguments and loc, the time zone of the table in
// which every date is shown; translation goes through the page's T and N.
func templateFuncs(loc *time.Location) template.FuncMap {
	return template.FuncMap{
		// options lists the choices of an enumeration, and optionLabel
		// names the catalogue key of one of its values (see enumOptions).
		"options":     options,
		"optionLabel": optionLabel,
		// args hands a partial its named parameters, and columns a list
		// table its headings (see web/templates/common/list.html).
		"args":    templateArgs,
		"columns": func(keys ...string) []string { return keys },
		// dir is the writing direction of a language ("rtl" or "ltr"), for
		// every dir attribute that depends on a language.
		"dir": workspace.Direction,
		// isolate keeps a value filled into a translated sentence in its
		// own direction (bidi.go).
		"isolate": isolate,
		// date shows an instant to the minute in the table's time zone.
		"date": func(t time.Time) string { return formatDate(t, loc) },
		// zonedDate is date with the zone's offset from UTC, for the
		// public register, whose readers may be anywhere.
		"zonedDate": func(t time.Time) string { return formatZonedDate(t, loc) },
		// asset is the address of a file of web/static by its hashed,
		// immutable name: {{asset "/static/css/tawla.css"}} (static.go).
		"asset": assetURL,
		"deref": func(p *int64) int64 {
			if p == nil {
				return 0
			}
			return *p
		},
	}
}

// formatDate returns t to the minute in loc, such as "2026-12-06 21:09",
// and "" for the zero time. Only UTC is named ("2026-12-06 20:09 UTC"):
// people read the table's own time zone without a label, but a table that
// chose UTC should not be taken for local time.
func formatDate(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(loc)
	if name, offset := t.Zone(); name == "UTC" && offset == 0 {
		return t.Format("2006-01-02 15:04 UTC")
	}
	return t.Format("2006-01-02 15:04")
}

// formatZonedDate returns t as formatDate does, followed by loc's offset
// from UTC at that instant, such as "2026-12-06 21:09 UTC+01:00": a
// returning migrant reading the register from abroad, or a family
// reading it for them, learns what hour it was where they are. UTC stays
// "UTC", and the zero time "".
func formatZonedDate(t time.Time, loc *time.Location) string {
	s := formatDate(t, loc)
	if s == "" || strings.HasSuffix(s, " UTC") {
		return s
	}
	return s + " " + t.In(loc).Format("UTC-07:00")
}

// renderFailure is the whole answer when a page cannot be rendered at all,
// in the three languages since the catalogue cannot be trusted then.
const renderFailure = "Erreur interne · خطأ داخلي · Internal error"

// page is what every template receives: the translator (T, N), the
// language of the page (its direction is {{dir .Lang}}), the logged-in
// account, and the data of the page itself.
type page struct {
	*localizer
	Lang    string
	Title   string
	Account *workspace.Account
	// Section names the navigation entry to mark as current.
	Section string
	Status  int
	// Notice is a translated confirmation shown at the top of the page.
	Notice string
	// Unread is the logged-in account's number of unread notifications,
	// which the header shows beside its link to them.
	Unread int
	Data   any
	url    *url.URL
	// langPaths are, for some languages, the address of this page's
	// content in that language (a procedure published in it), where the
	// language links lead instead of this address.
	langPaths map[string]string
}

// newPage returns a page for r in the request's language with its title
// translated from titleKey.
func (s *Server) newPage(r *http.Request, titleKey string) *page {
	lang := s.pageLanguage(r)
	p := &page{localizer: s.localizer(lang), Lang: lang, Account: currentAccount(r), Status: http.StatusOK, url: pageAddress(r)}
	p.Title = p.T(titleKey)
	if p.Account != nil {
		p.Unread = s.unreadCount(r.Context(), p.Account.ID)
	}
	return p
}

// pageAddress returns the address a page rendered for r stands for, where
// its language switcher leads back: r's own for a page read (GET, HEAD);
// for one a form's post brings back (a refusal, a form to correct), the
// page the form was on, as this site's Referer names it (Referrer-Policy
// same-origin), or the home page without one — the post's own address
// takes no GET.
func pageAddress(r *http.Request) *url.URL {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return r.URL
	}
	home := &url.URL{Path: "/"}
	ref, err := url.Parse(r.Referer())
	if err != nil || ref.Host != r.Host || safeNext(ref.RequestURI()) != ref.RequestURI() {
		return home
	}
	return &url.URL{Path: ref.Path, RawQuery: ref.RawQuery}
}

// LangURL returns the current page's address in another language: the
// same address, or the one of its content in that language when there is
// one (langPaths).
func (p *page) LangURL(lang string) string {
	u := *p.url
	if path, ok := p.langPaths[lang]; ok && path != u.Path {
		u = url.URL{Path: path}
	}
	q := u.Query()
	q.Set("lang", lang)
	u.RawQuery = q.Encode()
	return u.RequestURI()
}

// LangNext returns where the language switcher of a logged-in person
// sends them back once it has saved lang: the address LangURL gives,
// without its ?lang=, since the profile now says it.
func (p *page) LangNext(lang string) string {
	u, err := url.Parse(p.LangURL(lang))
	if err != nil {
		return "/"
	}
	q := u.Query()
	q.Del("lang")
	u.RawQuery = q.Encode()
	return u.RequestURI()
}

// OrgName returns an organisation's name in the page's language.
func (p *page) OrgName(o *workspace.Organisation) string {
	if o == nil {
		return ""
	}
	return o.Name(p.Lang)
}

// IsStaff reports whether the page's viewer is secretariat or admin.
func (p *page) IsStaff() bool { return p.Account.IsStaff() }

// IsAdmin reports whether the page's viewer is an admin.
func (p *page) IsAdmin() bool { return workspace.AccessAdmin.Allows(p.Account) }

// render writes the named page with status. The page is executed into a
// buffer first, so a template error becomes a clean 500 instead of half a
// page. Members' pages are never stored by a cache: they show a person's
// own view.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	s.renderIn(w, "layout", "no-store", status, name, p)
}

// renderIn executes the named page inside the layout template layout
// ("layout", or the public site's "public_layout") into a buffer, then
// writes it with status and the given Cache-Control.
func (s *Server) renderIn(w http.ResponseWriter, layout, cacheControl string, status int, name string, p *page) {
	t, ok := s.pages.pages[name]
	if !ok {
		s.logger.Error("unknown template", "name", name)
		http.Error(w, renderFailure, http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, layout, p); err != nil {
		s.logger.Error("render template", "name", name, "err", err)
		http.Error(w, renderFailure, http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", p.Lang)
	h.Set("Cache-Control", cacheControl)
	h.Add("Vary", "Cookie, Accept-Language")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}
