package diff_test

import (
	"slices"
	"strings"
	"testing"

	"tawla/workspace/change"
	"tawla/workspace/diff"
)

// render writes pieces as text with [-deleted-] and {+inserted+}, the way
// git's word diff does, so that expectations read at a glance.
func render(pieces []diff.Piece) string {
	var b strings.Builder
	for _, p := range pieces {
		switch p.Op {
		case diff.Insert:
			b.WriteString("{+" + p.Text + "+}")
		case diff.Delete:
			b.WriteString("[-" + p.Text + "-]")
		default:
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// side rebuilds one text from pieces: the old one (equal and deleted) or
// the new one (equal and inserted).
func side(pieces []diff.Piece, newer bool) string {
	var b strings.Builder
	for _, p := range pieces {
		if p.Op == diff.Equal || (p.Op == diff.Insert) == newer {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// TestDiffVersions holds the word-level diff to what people should read:
// whole words, a rewritten paragraph as one change, Arabic words whole
// with their vowel marks, and a summary that counts words and names the
// sections touched.
func TestDiffVersions(t *testing.T) {
	for _, tt := range []struct {
		name     string
		a, b     string
		want     string
		added    int
		removed  int
		sections []string
	}{
		{
			name: "Identical",
			a:    "# Titre\n\nUn texte.\n", b: "# Titre\n\nUn texte.\n",
			want: "# Titre\n\nUn texte.\n",
		},
		{
			name: "Empty",
			a:    "", b: "",
			want: "",
		},
		{
			name:  "OneWord",
			a:     "# Délais\n\nLe dossier est traité en dix jours.\n",
			b:     "# Délais\n\nLe dossier est traité en quinze jours.\n",
			want:  "# Délais\n\nLe dossier est traité en [-dix-]{+quinze+} jours.\n",
			added: 1, removed: 1, sections: []string{"Délais"},
		},
		{
			// A paragraph rewritten almost whole reads as one deletion and
			// one insertion, not as a patchwork around "le" and "de".
			name:  "RewrittenParagraph",
			a:     "## Accueil\n\nLe bureau reçoit le migrant et ouvre un dossier de suivi.\n\nFin.\n",
			b:     "## Accueil\n\nUn agent oriente la personne vers le guichet de l'emploi.\n\nFin.\n",
			want:  "## Accueil\n\n[-Le bureau reçoit le migrant et ouvre un dossier de suivi-]{+Un agent oriente la personne vers le guichet de l'emploi+}.\n\nFin.\n",
			added: 11, removed: 11, sections: []string{"Accueil"},
		},
		{
			name:  "Arabic",
			a:     "# الإجراء\n\nيتوجّه العائد إلى المكتب الجهوي.\n",
			b:     "# الإجراء\n\nيتوجّه العائد إلى المندوبية الجهوية.\n",
			want:  "# الإجراء\n\nيتوجّه العائد إلى [-المكتب الجهوي-]{+المندوبية الجهوية+}.\n",
			added: 2, removed: 2, sections: []string{"الإجراء"},
		},
		{
			// The shadda of يتوجّه is a mark: the word stays whole.
			name:  "ArabicMark",
			a:     "يتوجه العائد",
			b:     "يتوجّه العائد",
			want:  "[-يتوجه-]{+يتوجّه+} العائد",
			added: 1, removed: 1, sections: []string{""},
		},
		{
			name:  "MovedParagraph",
			a:     "# A\n\nPremier paragraphe.\n\nDeuxième paragraphe.\n\n# B\n\nFin.\n",
			b:     "# A\n\nDeuxième paragraphe.\n\nPremier paragraphe.\n\n# B\n\nFin.\n",
			want:  "# A\n\n[-Premier paragraphe.\n\n-]Deuxième paragraphe.\n\n{+Premier paragraphe.\n\n+}# B\n\nFin.\n",
			added: 2, removed: 2, sections: []string{"A"},
		},
		{
			// Spaces and line breaks change, no word does.
			name:  "WhitespaceOnly",
			a:     "# Titre\n\nUn  texte   espacé.\n",
			b:     "# Titre\n\nUn texte espacé.\n",
			want:  "# Titre\n\nUn[-  -]{+ +}texte[-   -]{+ +}espacé.\n",
			added: 0, removed: 0, sections: []string{"Titre"},
		},
		{
			name:  "HeadingRenamed",
			a:     "# Objet\n\nTexte.\n",
			b:     "# But\n\nTexte.\n",
			want:  "# [-Objet-]{+But+}\n\nTexte.\n",
			added: 1, removed: 1, sections: []string{"Objet", "But"},
		},
		{
			// A section added after the last one: the blank line before
			// its heading is part of it, not a change of the section above.
			name:  "SectionAddedAtTheEnd",
			a:     "# A\n\nTexte.\n\n## 6. Recours\n\n- un\n",
			b:     "# A\n\nTexte.\n\n## 6. Recours\n\n- un\n\n## 7. Points\n\n- deux\n",
			want:  "# A\n\nTexte.\n\n## 6. Recours\n\n- un\n{+\n## 7. Points\n\n- deux\n+}",
			added: 3, removed: 0, sections: []string{"7. Points"},
		},
		{
			// Only a blank line goes: two paragraphs become one, which
			// changes the section, though no word changes.
			name:  "BlankLineOnly",
			a:     "# A\n\nUn.\n\nDeux.\n",
			b:     "# A\n\nUn.\nDeux.\n",
			want:  "# A\n\nUn.\n[-\n-]Deux.\n",
			added: 0, removed: 0, sections: []string{"A"},
		},
		{
			name:  "Markup",
			a:     "Texte.",
			b:     `Texte. <script>alert(1)</script>`,
			want:  `Texte.{+ <script>alert(1)</script>+}`,
			added: 4, removed: 0, sections: []string{""},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pieces := diff.Words(tt.a, tt.b)
			if got := render(pieces); got != tt.want {
				t.Errorf("Words:\n got %q\nwant %q", got, tt.want)
			}
			if got := side(pieces, false); got != tt.a {
				t.Errorf("old side %q, want %q", got, tt.a)
			}
			if got := side(pieces, true); got != tt.b {
				t.Errorf("new side %q, want %q", got, tt.b)
			}
			for i := 1; i < len(pieces); i++ {
				if pieces[i].Op == pieces[i-1].Op {
					t.Errorf("pieces %d and %d do the same thing", i-1, i)
				}
			}
			s := diff.Summarize(pieces)
			if s.WordsAdded != tt.added || s.WordsRemoved != tt.removed || !slices.Equal(s.Sections, tt.sections) {
				t.Errorf("Summarize = +%d -%d %q, want +%d -%d %q", s.WordsAdded, s.WordsRemoved, s.Sections, tt.added, tt.removed, tt.sections)
			}
			if s.Changed() != (tt.a != tt.b) {
				t.Errorf("Changed() = %v for texts that differ: %v", s.Changed(), tt.a != tt.b)
			}
		})
	}
}

// TestRows keeps a changed paragraph on one row, in both views.
func TestRows(t *testing.T) {
	pieces := diff.Words("# T\n\nUn deux trois.\nFin.", "# T\n\nUn quatre trois.\nFin.")
	rows := diff.Rows(pieces)
	var got []string
	for _, r := range rows {
		got = append(got, render(r.Pieces)+" | "+render(r.Old)+" | "+render(r.New))
	}
	want := []string{
		"# T | # T | # T",
		" |  | ",
		"Un [-deux-]{+quatre+} trois. | Un [-deux-] trois. | Un {+quatre+} trois.",
		"Fin. | Fin. | Fin.",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Rows:\n got %q\nwant %q", got, want)
	}
	if rows[1].Changed() || !rows[2].Changed() {
		t.Errorf("Changed: row 1 %v, row 2 %v; want false, true", rows[1].Changed(), rows[2].Changed())
	}

	// Lines added whole at the end get rows of their own, empty on the
	// old side.
	got = got[:0]
	for _, r := range diff.Rows(diff.Words("Premier.\n", "Premier.\n\nAjout.")) {
		got = append(got, render(r.Pieces)+" | "+render(r.Old)+" | "+render(r.New))
	}
	want = []string{"Premier. | Premier. | Premier.", " |  | ", "{+Ajout.+} |  | {+Ajout.+}"}
	if !slices.Equal(got, want) {
		t.Errorf("Rows of added lines:\n got %q\nwant %q", got, want)
	}
}

// TestChanges checks that the change set Changes builds turns one text
// into the other, touching only what differs, with UTF-16 positions
// (emoji and Arabic included).
func TestChanges(t *testing.T) {
	for _, tt := range []struct {
		name, from, to string
		maxChanged     int // the most units the change may delete
	}{
		{"Same", "abc", "abc", 0},
		{"Insert", "Un texte.", "Un long texte.", 0},
		{"Replace", "Le délai est de dix jours.", "Le délai est de quinze jours.", 3},
		{"Emoji", "Bonjour 👋 à tous", "Bonjour 👋👋 à vous", 4},
		{"Arabic", "يتوجه العائد إلى المكتب", "يتوجه العائد إلى المندوبية", 6},
		{"FromEmpty", "", "# Titre\n", 0},
		{"ToEmpty", "# Titre\n", "", 8},
	} {
		t.Run(tt.name, func(t *testing.T) {
			set, err := diff.Changes(tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			text := change.NewText(tt.from)
			if err := set.Apply(&text); err != nil {
				t.Fatal(err)
			}
			if got := text.String(); got != tt.to {
				t.Errorf("applied: %q, want %q", got, tt.to)
			}
			if deleted := set.Len() - commonUnits(set); deleted > tt.maxChanged {
				t.Errorf("the change deletes %d units (%s), want at most %d", deleted, set, tt.maxChanged)
			}
			if (tt.from == tt.to) != set.Empty() {
				t.Errorf("Empty() = %v", set.Empty())
			}
		})
	}
}

// commonUnits returns how many units of the old text a change set keeps,
// read from its JSON form (numbers are kept runs).
func commonUnits(set change.Set) int {
	data, _ := set.MarshalJSON()
	n, kept := 0, 0
	depth := 0
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '"':
			for i++; data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case c >= '0' && c <= '9':
			n = n*10 + int(c-'0')
			if i+1 < len(data) && data[i+1] >= '0' && data[i+1] <= '9' {
				continue
			}
			if depth == 1 {
				kept += n
			}
			n = 0
		}
	}
	return kept
}
