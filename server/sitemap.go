package server

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"sort"
	"strconv"

	"tawla/workspace"
)

// sitemapURL is one <url> of the sitemap: an absolute address, the day it
// last changed ("" when it has none to give), and its alternates in other
// languages (xhtml:link rel="alternate" hreflang=…).
type sitemapURL struct {
	Loc        string
	LastMod    string
	Alternates []publicAlternate
}

// handleSitemap serves the sitemap of the public site: its pages, and for
// every register entry the current page, the history and every edition in
// each language, the language editions of an entry pointing to each other.
func (s *Server) handleSitemap(w http.ResponseWriter, r *http.Request) {
	pubs, err := s.db.FindPublicationIndex(r.Context())
	if err != nil {
		s.renderPublicError(w, r, &internalError{err})
		return
	}
	urls := []sitemapURL{
		{Loc: s.absoluteURL("/public")},
		{Loc: s.absoluteURL("/public/procedures")},
		{Loc: s.absoluteURL("/public/search")},
		{Loc: s.absoluteURL("/public/check")},
	}
	// The latest edition of each entry in each language, found from the
	// index (ordered by entry, language and edition).
	type entryLang struct {
		entry int64
		lang  string
	}
	latest := map[entryLang]*workspace.Publication{}
	langsOf := map[int64][]string{}
	var order []entryLang
	for _, p := range pubs {
		key := entryLang{p.EntryID, p.Language}
		if _, seen := latest[key]; !seen {
			order = append(order, key)
			langsOf[p.EntryID] = append(langsOf[p.EntryID], p.Language)
		}
		if cur := latest[key]; cur == nil || p.Edition > cur.Edition {
			latest[key] = p
		}
	}
	for _, key := range order {
		cur := latest[key]
		langs := append([]string(nil), langsOf[key.entry]...)
		sort.Strings(langs)
		var alts []publicAlternate
		for _, l := range langs {
			alts = append(alts, publicAlternate{Lang: l, URL: s.absoluteURL(publicEntryPath(cur.Identifier, l))})
		}
		day := cur.PublishedAt.In(s.location).Format("2006-01-02")
		urls = append(urls,
			sitemapURL{Loc: s.absoluteURL(publicEntryPath(cur.Identifier, cur.Language)), LastMod: day, Alternates: alts},
			sitemapURL{Loc: s.absoluteURL(publicEntryPath(cur.Identifier, cur.Language) + "/history"), LastMod: day})
	}
	for _, p := range pubs {
		day := p.PublishedAt.In(s.location).Format("2006-01-02")
		urls = append(urls,
			sitemapURL{Loc: s.absoluteURL(publicEditionPath(p)), LastMod: day},
			sitemapURL{Loc: s.absoluteURL(publicEditionPath(p) + "/changes"), LastMod: day})
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	buf.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">` + "\n")
	for _, u := range urls {
		buf.WriteString("  <url>\n    <loc>")
		xmlEscape(&buf, u.Loc)
		buf.WriteString("</loc>\n")
		if u.LastMod != "" {
			buf.WriteString("    <lastmod>" + u.LastMod + "</lastmod>\n")
		}
		for _, a := range u.Alternates {
			buf.WriteString(`    <xhtml:link rel="alternate" hreflang="`)
			xmlEscape(&buf, a.Lang)
			buf.WriteString(`" href="`)
			xmlEscape(&buf, a.URL)
			buf.WriteString("\"/>\n")
		}
		buf.WriteString("  </url>\n")
	}
	buf.WriteString("</urlset>\n")
	h := w.Header()
	h.Set("Content-Type", "application/xml; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	_, _ = buf.WriteTo(w)
}

// xmlEscape writes s escaped for XML text and attribute values.
func xmlEscape(buf *bytes.Buffer, s string) {
	_ = xml.EscapeText(buf, []byte(s))
}

// handleRobots serves robots.txt: the public site may be crawled, the
// members' workspace not, and the sitemap is named.
func (s *Server) handleRobots(w http.ResponseWriter, r *http.Request) {
	body := "User-agent: *\n" +
		"Allow: /public\n" +
		"Allow: /static/\n" +
		"Disallow: /\n" +
		"\n" +
		"Sitemap: " + s.absoluteURL("/sitemap.xml") + "\n"
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(body))
}
