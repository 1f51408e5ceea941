package collab

import "testing"

// TestOnlyOccurrence checks where a detached anchor's quote is found: in
// UTF-16 code units after Arabic text and an emoji, and only when it
// occurs exactly once, overlapping occurrences counted.
func TestOnlyOccurrence(t *testing.T) {
	for _, tc := range []struct {
		text, quote string
		at          int
		ok          bool
	}{
		{"# Titre\n\nUn texte.\n", "Un texte.", 9, true},
		{"مركز 😀 الصحة", "الصحة", 8, true},
		{"un mot, un mot", "un mot", 0, false},
		{"aaa", "aa", 0, false},
		{"rien ici", "absent", 0, false},
		{"quelque chose", "", 0, false},
	} {
		at, ok := onlyOccurrence(tc.text, tc.quote)
		if ok != tc.ok || (ok && at != tc.at) {
			t.Errorf("onlyOccurrence(%q, %q) = %d, %v; want %d, %v", tc.text, tc.quote, at, ok, tc.at, tc.ok)
		}
	}
}
