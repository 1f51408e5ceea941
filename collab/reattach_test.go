package collab

import (
	"testing"

	"tawla/workspace"
	"tawla/workspace/change"
)

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

// TestNoteReturning checks which detached anchors an update marks for
// re-attachment: one whose quote the update completed, by its last
// character or its whole text, not one whose quote was already there, nor
// one the update did not write.
func TestNoteReturning(t *testing.T) {
	for _, tc := range []struct {
		name, before string
		spec         change.Spec
		quote        string
		want         bool
	}{
		{"last character typed", "Le guichet ouvr", change.Spec{From: 15, To: 15, Insert: "e"}, "guichet ouvre", true},
		{"paragraph pasted", "Début.\n", change.Spec{From: 7, To: 7, Insert: "\nLe référent reçoit.\n"}, "Le référent reçoit.", true},
		{"typing elsewhere", "Le référent reçoit. Fin", change.Spec{From: 23, To: 23, Insert: "."}, "Le référent reçoit.", false},
		{"another text", "Début.\n", change.Spec{From: 7, To: 7, Insert: "Autre chose.\n"}, "Le référent reçoit.", false},
	} {
		text := change.NewText(tc.before)
		set, err := change.Of(text.Len(), tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		if err := set.Apply(&text); err != nil {
			t.Fatal(err)
		}
		a := &workspace.Anchor{Quote: tc.quote, Removed: true}
		r := &docRoom{text: text, detached: []*workspace.Anchor{a}, returning: map[*workspace.Anchor]struct{}{}}
		r.noteReturning(set)
		if _, got := r.returning[a]; got != tc.want {
			t.Errorf("%s: marked %v, want %v", tc.name, got, tc.want)
		}
	}
}
