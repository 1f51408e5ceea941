package collab

import (
	"fmt"
	"testing"

	"tawla/workspace/change"
)

// BenchmarkRebaseTurn measures what the room spends rebasing in one turn
// where n authors' pushes (one keystroke each, every author typing at its
// own place of a 4 KB document) all arrive based on the version before the
// turn, as when n people type at once: the i-th push accepted is rebased
// over the i before it, one at a time (rebaseEach), so that the turn costs
// n(n-1)/2 single rebases. It reports the CPU per update (ns/update), the
// figure issue 14's "cheaper rebase" is to halve:
//
//	go test -run '^$' -bench BenchmarkRebaseTurn ./collab/
func BenchmarkRebaseTurn(b *testing.B) {
	const docUnits = 4 << 10
	for _, n := range []int{50, 100, 200} {
		b.Run(fmt.Sprintf("authors=%d", n), func(b *testing.B) {
			pushes := make([]change.Update, n)
			for i := range pushes {
				at := (i*docUnits)/n + 1
				s, err := change.Of(docUnits, change.Spec{From: at, To: at, Insert: "x"})
				if err != nil {
					b.Fatal(err)
				}
				pushes[i] = change.Update{Changes: s, ClientID: fmt.Sprintf("a%d", i)}
			}
			history := make([]change.Update, 0, n)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				history = history[:0]
				for _, p := range pushes {
					rebased, err := rebaseEach([]change.Update{p}, history)
					if err != nil {
						b.Fatal(err)
					}
					history = append(history, rebased...)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/update")
		})
	}
}
