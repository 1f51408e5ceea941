package chart

import (
	"slices"
	"testing"
)

// TestTruncate checks where labels are cut: never inside a letter's
// combining marks, never before a dangling space.
func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		n        int
		want     string
		cut      bool
	}{
		{"Short", "Emploi", 6, "Emploi", false},
		{"Cut", "Formation professionnelle", 10, "Formation…", true},
		{"NoSpaceBeforeEllipsis", "Santé et protection", 7, "Santé…", true},
		{"Arabic", "التشغيل والمبادرة", 8, "التشغيل…", true},
		// "مُحَمَّد": the cut would fall between ح and its marks, so
		// the letter goes with them.
		{"ArabicMarks", "مُحَمَّد", 4, "مُ…", true},
		{"Accent", "Ame\u0301lie", 4, "Am…", true},
		{"Tiny", "abcdef", 1, "…", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, cut := truncate(tc.in, tc.n)
			if got != tc.want || cut != tc.cut {
				t.Errorf("truncate(%q, %d) = %q, %v; want %q, %v", tc.in, tc.n, got, cut, tc.want, tc.cut)
			}
		})
	}
}

// TestWrap checks how a histogram's labels break onto two lines.
func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
		cut      bool
	}{
		{"OneLine", "< 1 week", []string{"< 1 week"}, false},
		{"TwoLines", "1 à 4 semaines", []string{"1 à 4", "semaines"}, false},
		{"Arabic", "من شهر إلى 3 أشهر", []string{"من شهر إلى", "3 أشهر"}, false},
		{"Cut", "more than three months ago", []string{"more than", "three mont…"}, true},
		{"OneLongWord", "Décentralisation", []string{"Décentrali…"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, cut := wrap(tc.in, 11, 2)
			if !slices.Equal(got, tc.want) || cut != tc.cut {
				t.Errorf("wrap(%q, 11, 2) = %q, %v; want %q, %v", tc.in, got, cut, tc.want, tc.cut)
			}
		})
	}
}
