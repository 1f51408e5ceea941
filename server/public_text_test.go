package server

import (
	"strings"
	"testing"
)

// TestRenderPublicText checks the rendering of a published text: its
// table of contents lists the sections (not the title) with their anchors,
// no heading takes an id of the page's own, and the standalone file keeps
// no image from elsewhere.
func TestRenderPublicText(t *testing.T) {
	const src = "# Titre\n\n## Register header\n\n## Étapes *clés*\n\n### Détail\n\n#### Trop profond\n\n" +
		"![carte](https://example.tn/carte.png) ![point](data:image/png;base64,iVBORw0KGgo=)\n"
	page, err := renderPublicText(src, false)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range page.TOC {
		got = append(got, e.ID+"="+e.Text)
	}
	want := []string{"register-header-1=Register header", "étapes-clés=Étapes clés", "détail=Détail"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("TOC = %q, want %q", got, want)
	}
	if !strings.Contains(string(page.HTML), `src="https://example.tn/carte.png"`) {
		t.Error("the page lost its linked image")
	}

	file, err := renderPublicText(src, true)
	if err != nil {
		t.Fatal(err)
	}
	html := string(file.HTML)
	if strings.Contains(html, "https://example.tn") || !strings.Contains(html, "carte") {
		t.Errorf("the standalone text keeps an image from elsewhere, or loses its alternative text:\n%s", html)
	}
	if !strings.Contains(html, `src="data:image/png;base64,`) {
		t.Error("the standalone text lost its embedded image")
	}
}

// TestWithoutTitle: a text whose first line is its title's heading is
// shown without it, under the page's own title; any other text is shown
// whole.
func TestWithoutTitle(t *testing.T) {
	for _, tt := range []struct{ src, title, want string }{
		{"# Accueil\n\n## Étapes\n", "Accueil", "## Étapes\n"},
		{"# Accueil  \r\n\r\nTexte.\r\n", " Accueil", "Texte.\r\n"},
		{"# استقبال المهاجرين\n\nنص.\n", "استقبال المهاجرين", "نص.\n"},
		{"# Autre titre\n\nTexte.\n", "Accueil", "# Autre titre\n\nTexte.\n"},
		{"## Accueil\n", "Accueil", "## Accueil\n"},
		{"Texte sans titre.\n", "Accueil", "Texte sans titre.\n"},
		{"", "Accueil", ""},
	} {
		if got := withoutTitle(tt.src, tt.title); got != tt.want {
			t.Errorf("withoutTitle(%q, %q) = %q, want %q", tt.src, tt.title, got, tt.want)
		}
	}
}
