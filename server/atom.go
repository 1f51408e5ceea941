package server

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"slices"
	"strings"
	"time"
)

// atomFeedEntries is how many of the latest publications the Atom feed
// carries.
const atomFeedEntries = 50

// atomFeed is an Atom feed (RFC 4287) as encoding/xml writes it, which
// escapes every text and attribute.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr,omitempty"`
	ID      string      `xml:"id"`
	Title   atomText    `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

// atomText is a text construct: plain text.
type atomText struct {
	Type string `xml:"type,attr"`
	Lang string `xml:"xml:lang,attr,omitempty"`
	Text string `xml:",chardata"`
}

// atomLink is an atom:link.
type atomLink struct {
	Rel      string `xml:"rel,attr"`
	Type     string `xml:"type,attr,omitempty"`
	Hreflang string `xml:"hreflang,attr,omitempty"`
	Href     string `xml:"href,attr"`
}

// atomPerson is an atom:author.
type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

// atomCategory is an atom:category.
type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

// atomEntry is one publication in the feed.
type atomEntry struct {
	Lang      string       `xml:"xml:lang,attr,omitempty"`
	ID        string       `xml:"id"`
	Title     atomText     `xml:"title"`
	Updated   string       `xml:"updated"`
	Published string       `xml:"published"`
	Links     []atomLink   `xml:"link"`
	Category  atomCategory `xml:"category"`
	Summary   atomText     `xml:"summary"`
}

// atomTime writes t as RFC 3339 in UTC, as Atom's dates are.
func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// handlePublicFeed serves the Atom feed of the register's latest
// publications and withdrawals. Each entry's id is the edition's public
// address, or the withdrawn entry's with "#withdrawn", which never change;
// every address is absolute, built from the base URL.
func (s *Server) handlePublicFeed(w http.ResponseWriter, r *http.Request) {
	pubs, err := s.db.FindLatestPublications(r.Context(), atomFeedEntries)
	if err != nil {
		s.renderPublicError(w, r, &internalError{err})
		return
	}
	lang := s.publicLanguage(r, "")
	l := s.localizer(lang)
	self := s.absoluteURL("/public/feed.atom")
	feed := atomFeed{
		Lang:  lang,
		ID:    self,
		Title: atomText{Type: "text", Text: l.T("public.feed.title")},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: s.absoluteURL("/public")},
		},
		Author: atomPerson{Name: l.T("public.feed.author"), URI: s.absoluteURL("/public")},
	}
	// A feed's updated is its latest entry's; an empty register's is the
	// start of the Unix era, which is stable where "now" would not be.
	updated := time.Unix(0, 0)
	for _, pub := range pubs {
		if pub.PublishedAt.After(updated) {
			updated = pub.PublishedAt
		}
		url := s.absoluteURL(publicEditionPath(pub))
		summary := pub.Summary
		if summary == "" {
			summary = pub.Note
		}
		if summary == "" {
			summary = pub.Title
		}
		categoryKey, _ := optionLabel("procedure_category", pub.Category)
		feed.Entries = append(feed.Entries, atomEntry{
			Lang:      pub.Language,
			ID:        url,
			Title:     atomText{Type: "text", Text: pub.Label() + " — " + pub.Title},
			Updated:   atomTime(pub.PublishedAt),
			Published: atomTime(pub.PublishedAt),
			Links:     []atomLink{{Rel: "alternate", Type: "text/html", Hreflang: pub.Language, Href: url}},
			Category:  atomCategory{Term: string(pub.Category), Label: l.T(categoryKey)},
			Summary:   atomText{Type: "text", Text: summary},
		})
	}
	// A withdrawal is news too: whoever follows the register learns that
	// a procedure stopped applying, and why.
	entries, err := s.db.FindRegisterEntries(r.Context(), s.today())
	if err != nil {
		s.renderPublicError(w, r, &internalError{err})
		return
	}
	for _, e := range entries {
		if e.WithdrawnAt == nil || len(e.Current) == 0 {
			continue
		}
		if e.WithdrawnAt.After(updated) {
			updated = *e.WithdrawnAt
		}
		first := e.Current[0]
		url := s.absoluteURL("/public/procedures/" + e.Identifier())
		summary := e.WithdrawalReason
		if summary == "" {
			summary = l.T("public.status.withdrawn")
		}
		categoryKey, _ := optionLabel("procedure_category", e.Category)
		feed.Entries = append(feed.Entries, atomEntry{
			Lang:      first.Language,
			ID:        url + "#withdrawn",
			Title:     atomText{Type: "text", Text: l.T("public.feed.withdrawn", "Identifier", e.Identifier(), "Title", first.Title)},
			Updated:   atomTime(*e.WithdrawnAt),
			Published: atomTime(*e.WithdrawnAt),
			Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: url}},
			Category:  atomCategory{Term: string(e.Category), Label: l.T(categoryKey)},
			Summary:   atomText{Type: "text", Text: summary},
		})
	}
	// Newest first, publications and withdrawals together, as many as the
	// feed carries.
	slices.SortStableFunc(feed.Entries, func(a, b atomEntry) int { return strings.Compare(b.Updated, a.Updated) })
	feed.Entries = feed.Entries[:min(len(feed.Entries), atomFeedEntries)]
	feed.Updated = atomTime(updated)
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(feed); err != nil {
		s.renderPublicError(w, r, &internalError{err})
		return
	}
	buf.WriteByte('\n')
	h := w.Header()
	h.Set("Content-Type", "application/atom+xml; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Add("Vary", "Cookie, Accept-Language")
	w.WriteHeader(http.StatusOK)
	_, _ = buf.WriteTo(w)
}
