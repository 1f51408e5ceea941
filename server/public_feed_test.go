package server

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"tawla/demo"
)

// parsedAtom is what TestAtomFeed reads of a feed.
type parsedAtom struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Author struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Entries []struct {
		ID        string `xml:"id"`
		Title     string `xml:"title"`
		Updated   string `xml:"updated"`
		Published string `xml:"published"`
		Summary   string `xml:"summary"`
		Content   string `xml:"content"`
		Links     []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

// TestAtomFeed checks that the feed of publications and withdrawals is
// well-formed Atom (RFC 4287) with the elements it requires, absolute
// addresses built from the base URL, stable ids, and a title holding <, &
// and quotes escaped so that it reads back exactly.
func TestAtomFeed(t *testing.T) {
	ts := newTestServer(t)
	f := newPublicFixture(t, ts)
	const tricky = `Accueil <urgent> & "prioritaire" d'une famille`
	p := publishedProcedure(t, ts, tricky, "fr", "# Accueil urgent\n\nUne famille est reçue le jour même.\n")
	pub := publishVersion(t, ts, p, 1, 0)
	c := ts.newClient(t)

	resp := mustGet(t, c, "/public/feed.atom", http.StatusOK)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
		t.Errorf("Content-Type = %q, want application/atom+xml", ct)
	}
	if strings.Contains(resp.Body, "<urgent>") {
		t.Error("the feed holds the title's < unescaped")
	}
	if !strings.Contains(resp.Body, "&lt;urgent&gt; &amp;") {
		t.Error("the feed does not escape the title's < and &")
	}
	var feed parsedAtom
	dec := xml.NewDecoder(strings.NewReader(resp.Body))
	dec.Strict = true
	if err := dec.Decode(&feed); err != nil {
		t.Fatalf("the feed is not well-formed XML: %v\n%s", err, resp.Body)
	}
	self := ts.URL + "/public/feed.atom"
	if feed.ID == "" || feed.Title == "" || feed.Author.Name == "" {
		t.Errorf("the feed lacks its id, title or author: %+v", feed)
	}
	if _, err := time.Parse(time.RFC3339, feed.Updated); err != nil {
		t.Errorf("the feed's updated %q is not an RFC 3339 date", feed.Updated)
	}
	hasSelf := false
	for _, l := range feed.Links {
		if l.Rel == "self" && l.Href == self {
			hasSelf = true
		}
	}
	if !hasSelf {
		t.Errorf("the feed has no link rel=self to %s: %+v", self, feed.Links)
	}

	wantTitles := map[string]bool{pub.Label() + " — " + tricky: false, f.ar1.Label() + " — " + f.ar1.Title: false, f.fr2.Label() + " — " + f.fr2.Title: false}
	ids := map[string]bool{}
	for _, e := range feed.Entries {
		if _, ok := wantTitles[e.Title]; ok {
			wantTitles[e.Title] = true
		}
		if !strings.HasPrefix(e.ID, ts.URL+"/public/procedures/") {
			t.Errorf("entry %q: id %q is not the edition's absolute address", e.Title, e.ID)
		}
		if ids[e.ID] {
			t.Errorf("two entries have the id %q", e.ID)
		}
		ids[e.ID] = true
		for _, d := range []string{e.Updated, e.Published} {
			if _, err := time.Parse(time.RFC3339, d); err != nil {
				t.Errorf("entry %q: date %q is not RFC 3339", e.Title, d)
			}
		}
		if e.Summary == "" && e.Content == "" {
			t.Errorf("entry %q has neither summary nor content", e.Title)
		}
		alternate := false
		for _, l := range e.Links {
			if (l.Rel == "alternate" || l.Rel == "") && strings.HasPrefix(l.Href, ts.URL+"/public/procedures/") {
				alternate = true
			}
		}
		if !alternate {
			t.Errorf("entry %q has no absolute link to its page", e.Title)
		}
	}
	for title, found := range wantTitles {
		if !found {
			t.Errorf("the feed has no entry titled %q", title)
		}
	}
	if !ids[ts.URL+"/public/procedures/"+pub.Identifier+"/fr/editions/1"] {
		t.Errorf("the new publication's id is not its edition's address")
	}
	// The withdrawal of the old entry is an entry of its own, with its
	// reason, dated when it was withdrawn.
	withdrawn := false
	for _, e := range feed.Entries {
		if e.ID == ts.URL+"/public/procedures/"+f.old.Identifier+"#withdrawn" {
			withdrawn = strings.Contains(e.Title, f.old.Identifier) && strings.Contains(e.Summary, "Remplacée par la procédure d'accueil commune.") &&
				e.Updated == f.oldEntry.WithdrawnAt.UTC().Format(time.RFC3339)
		}
	}
	if !withdrawn {
		t.Errorf("the feed does not announce the withdrawal of %s, with its reason and date", f.old.Identifier)
	}

	// Ids are stable: the same publications, the same ids, whoever asks.
	again := mustGet(t, ts.sessionClient(t, demo.SecretariatEmail), "/public/feed.atom", http.StatusOK)
	var feed2 parsedAtom
	if err := xml.Unmarshal([]byte(again.Body), &feed2); err != nil {
		t.Fatal(err)
	}
	for _, e := range feed2.Entries {
		if !ids[e.ID] {
			t.Errorf("a second reading has a new id %q", e.ID)
		}
	}
}
