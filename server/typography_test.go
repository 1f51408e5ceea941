package server

import (
	"strings"
	"testing"
)

// Non-breaking spaces of French typography: the ordinary one before a
// colon and inside guillemets, the narrow one (espace fine insécable)
// before ; ! and ?. Either is accepted wherever French puts a space, so
// that a line never breaks between a word and its mark.
const (
	nbsp       = '\u00a0'
	narrowNBSP = '\u202f'
)

// TestFrenchTypography checks every French string of the catalogue: a
// non-breaking space before : ; ! ? and », and after «, never an ordinary
// space or none. A colon or question mark glued to what follows (15:04,
// https://, document:3, ?lang=) and a mark that follows another (?!) are
// not French punctuation.
func TestFrenchTypography(t *testing.T) {
	files := parseCatalogueFiles(t)
	checked := 0
	for _, m := range files["fr"] {
		for form, text := range messageForms(m) {
			checked++
			for _, problem := range frenchSpacingProblems(text) {
				t.Errorf("fr.toml %q (%s): %s in %q", m.ID, form, problem, text)
			}
		}
	}
	if checked < 100 {
		t.Fatalf("checked only %d French strings; is the catalogue still read?", checked)
	}
}

// TestFrenchSpacingProblems checks the checker on strings made for it.
func TestFrenchSpacingProblems(t *testing.T) {
	for _, tt := range []struct {
		name string
		text string
		bad  int
	}{
		{"Good", "Votre identifiant\u00a0: «\u00a0Tawla\u00a0»\u202f; est-ce bien vous\u202f? Oui\u202f!", 0},
		{"NarrowBeforeColon", "Identifiant\u202f: x", 0},
		{"PlainSpaceBeforeColon", "Identifiant : x", 1},
		{"NoSpaceBeforeColon", "Identifiant: x", 1},
		{"PlainSpaceBeforeQuestion", "Pas encore de compte ?", 1},
		{"NoSpaceBeforeExclamation", "Bienvenue!", 1},
		{"PlainSpaceBeforeSemicolon", "lu ; écrit", 1},
		{"PlainSpacesInGuillemets", "« Créer »", 2},
		{"NoSpacesInGuillemets", "«Créer»", 2},
		{"MarkFirst", ": x", 1},
		{"Time", "à 15:04", 0},
		{"URL", "https://example.tn/login?next=/", 0},
		{"Topic", "un type et un nombre\u00a0: document:3.", 0},
		{"MarksTogether", "Vraiment\u202f?!", 0},
		{"Placeholder", "{{.Count}}\u00a0organismes", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := frenchSpacingProblems(tt.text); len(got) != tt.bad {
				t.Errorf("frenchSpacingProblems(%q) = %q, want %d problems", tt.text, got, tt.bad)
			}
		})
	}
}

// frenchSpacingProblems returns what is wrong with the spacing of the
// French punctuation of text, one entry per mark.
func frenchSpacingProblems(text string) []string {
	var problems []string
	runes := []rune(text)
	isNBSP := func(r rune) bool { return r == nbsp || r == narrowNBSP }
	for i, r := range runes {
		switch r {
		case ':', ';', '!', '?', '»':
			var before rune
			if i > 0 {
				before = runes[i-1]
			}
			var after rune
			if i+1 < len(runes) {
				after = runes[i+1]
			}
			switch {
			case (r == ':' || r == '?') && isCodeChar(after):
				continue // 15:04, https://, document:3, /login?next=
			case strings.ContainsRune(":;!?", before) && r != '»':
				continue // ?! and the like: the space is before the first
			case isNBSP(before):
				continue
			case before == ' ':
				problems = append(problems, "an ordinary space before "+string(r))
			default:
				problems = append(problems, "no space before "+string(r))
			}
		case '«':
			if i+1 < len(runes) && isNBSP(runes[i+1]) {
				continue
			}
			if i+1 < len(runes) && runes[i+1] == ' ' {
				problems = append(problems, "an ordinary space after «")
			} else {
				problems = append(problems, "no space after «")
			}
		}
	}
	return problems
}

// isCodeChar reports whether r, right after a colon or a question mark,
// makes it part of a time, an address or a name rather than punctuation,
// which French follows with a space.
func isCodeChar(r rune) bool {
	return r == '/' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}
