package diff_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"tawla/internal/tracetest"
	"tawla/workspace/diff"
)

// randomText writes paragraphs of random words drawn from a vocabulary
// of vocab words, about size bytes in all, each paragraph ending with
// end: two texts from different seeds share words but hardly a line.
func randomText(seed uint64, size, vocab int, end string) string {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	for b.Len() < size {
		for range 3 + rng.IntN(6) { // sentences of a paragraph
			for w := range 5 + rng.IntN(15) {
				if w > 0 {
					b.WriteByte(' ')
				}
				n := rng.IntN(vocab)
				b.WriteString(string(rune('a' + n%26)))
				b.WriteString(strings.Repeat(string(rune('a'+n/26%26)), 1+n%5))
			}
			b.WriteString(". ")
		}
		b.WriteString(end)
	}
	return b.String()
}

// benchmarkPairs are the texts the diff benchmarks compare: two unrelated
// texts of about 100 KB (the size of the automerge-paper trace's final
// text), their paragraphs parted by blank lines (each pair of paragraphs
// is compared apart) or by line breaks only (the whole text is one
// changed block), and the paper half-way through its writing against its
// end.
func benchmarkPairs(b *testing.B) map[string][2]string {
	pairs := map[string][2]string{
		"random100k":   {randomText(1, 100_000, 2000, "\n\n"), randomText(2, 100_000, 2000, "\n\n")},
		"oneblock100k": {randomText(1, 100_000, 2000, "\n"), randomText(2, 100_000, 2000, "\n")},
	}
	t := tracetest.Load(b, "automerge-paper")
	pairs["paper-half-end"] = [2]string{t.TextAt(len(t.Txns) / 2), t.End}
	return pairs
}

// BenchmarkWords is the word diff of the version comparison page on large
// texts: go test -tags sqlite_fts5 -run '^$' -bench 'Words|Changes'
// ./workspace/diff/. The coarse figure is 1 when the page would say that
// it shows changed passages whole.
func BenchmarkWords(b *testing.B) {
	for name, p := range benchmarkPairs(b) {
		b.Run(name, func(b *testing.B) {
			coarse := false
			for b.Loop() {
				_, coarse = diff.WordsWithin(p[0], p[1], diff.Budget)
			}
			if coarse {
				b.ReportMetric(1, "coarse")
			} else {
				b.ReportMetric(0, "coarse")
			}
		})
	}
}

// BenchmarkChanges is the change set restoring a version computes.
func BenchmarkChanges(b *testing.B) {
	for name, p := range benchmarkPairs(b) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := diff.Changes(p[0], p[1]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
