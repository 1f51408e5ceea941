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

// pageRenderer holds every page template, parsed once at start. Each page
// is web/templates/layout.html together with one page file that defines
// "content".
type pageRenderer struct {
	pages map[string]*template.Template
}

func newPageRenderer(cat *catalog) (*pageRenderer, error) {
	names, err := fs.Glob(web.FS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("server: list templates: %w", err)
	}
	pr := &pageRenderer{pages: map[string]*template.Template{}}
	for _, file := range names {
		name := strings.TrimSuffix(path.Base(file), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New(name).Funcs(templateFuncs).ParseFS(web.FS, "templates/layout.html", file)
		if err != nil {
			return nil, fmt.Errorf("server: parse template %s: %w", file, err)
		}
		pr.pages[name] = t
	}
	return pr, nil
}

// templateFuncs are the helpers every template may call. They depend on
// nothing but their arguments; translation goes through the page's T and N.
var templateFuncs = template.FuncMap{
	"colleges":  func() []workspace.College { return workspace.Colleges },
	"roles":     func() []workspace.Role { return workspace.Roles },
	"languages": func() []string { return workspace.Languages },
	// dir is the writing direction of a language ("rtl" or "ltr"), for
	// every dir attribute that depends on a language.
	"dir": workspace.Direction,
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"deref": func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	},
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
	Data   any
	url    *url.URL
}

// newPage returns a page for r in the request's language with its title
// translated from titleKey.
func (s *Server) newPage(r *http.Request, titleKey string) *page {
	lang := s.pageLanguage(r)
	p := &page{localizer: s.localizer(lang), Lang: lang, Account: currentAccount(r), Status: http.StatusOK, url: r.URL}
	p.Title = p.T(titleKey)
	return p
}

// LangURL returns the current page's address in another language.
func (p *page) LangURL(lang string) string {
	u := *p.url
	q := u.Query()
	q.Set("lang", lang)
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
// page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	t, ok := s.pages.pages[name]
	if !ok {
		s.logger.Error("unknown template", "name", name)
		http.Error(w, renderFailure, http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.logger.Error("render template", "name", name, "err", err)
		http.Error(w, renderFailure, http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", p.Lang)
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "Cookie, Accept-Language")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}
