package change_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"tawla/workspace/change"
)

// typingSets returns n single-keystroke change sets typed into a document
// of start units: mostly characters after the cursor, some backspaces, and
// now and then a jump elsewhere, as an editor sends them.
func typingSets(b *testing.B, start, n int) []change.Set {
	b.Helper()
	r := rand.New(rand.NewPCG(7, 7))
	sets := make([]change.Set, n)
	length, cursor := start, start/2
	for i := range sets {
		if r.IntN(50) == 0 {
			cursor = r.IntN(length + 1)
		}
		// One UTF-16 unit each, so the cursor moves by one.
		spec := change.Spec{From: cursor, To: cursor, Insert: []string{"a", "é", "ب", "c", " "}[r.IntN(5)]}
		if r.IntN(10) == 0 && cursor > 0 {
			spec = change.Spec{From: cursor - 1, To: cursor} // backspace
		}
		s, err := change.Of(length, spec)
		if err != nil {
			b.Fatal(err)
		}
		sets[i] = s
		length, cursor = s.NewLen(), spec.From
		if spec.Insert != "" {
			cursor++
		}
	}
	return sets
}

// BenchmarkApplyTyping applies single-keystroke edits to a 100 KB text.
// The ms/260k figure is the time to replay the 260,000 edits of a busy
// document's history.
func BenchmarkApplyTyping(b *testing.B) {
	const start, n = 100_000, 260_000
	doc := strings.Repeat("Procédure d'accueil — مرحبا\n", start/27)[:start]
	doc = strings.ToValidUTF8(doc, "")
	base := change.NewText(doc)
	sets := typingSets(b, base.Len(), n)
	text := base.Clone()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%n == 0 && i > 0 {
			b.StopTimer()
			text = base.Clone()
			b.StartTimer()
		}
		if err := sets[i%n].Apply(&text); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)*n/1e6, "ms/260k")
}

// BenchmarkParseApplyTyping is BenchmarkApplyTyping with each edit read
// from its JSON first, as a server replaying stored updates does.
func BenchmarkParseApplyTyping(b *testing.B) {
	const start, n = 100_000, 260_000
	doc := strings.ToValidUTF8(strings.Repeat("Procédure d'accueil — مرحبا\n", start/27)[:start], "")
	base := change.NewText(doc)
	sets := typingSets(b, base.Len(), n)
	encoded := make([][]byte, n)
	for i, s := range sets {
		js, err := s.MarshalJSON()
		if err != nil {
			b.Fatal(err)
		}
		encoded[i] = js
	}
	text := base.Clone()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%n == 0 && i > 0 {
			b.StopTimer()
			text = base.Clone()
			b.StartTimer()
		}
		s, err := change.ParseJSON(encoded[i%n])
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Apply(&text); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)*n/1e6, "ms/260k")
}
