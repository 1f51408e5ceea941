package workspace_test

import (
	"testing"

	"tawla/internal/tracetest"
	"tawla/workspace"
)

// traceUpdates turns the first n transactions of a trace into document
// updates, written by three accounts taking turns every turn edits.
func traceUpdates(t *tracetest.Trace, n, turn int) []*workspace.DocumentUpdate {
	sets := t.ChangeSets(n)
	updates := make([]*workspace.DocumentUpdate, len(sets))
	authors := []int64{1, 2, 3}
	for i, c := range sets {
		updates[i] = &workspace.DocumentUpdate{Version: i + 1, Changes: c, AccountID: &authors[i/turn%3]}
	}
	return updates
}

// BenchmarkAuthorship replays the automerge-paper trace (259,778 edits)
// for the draft's "who wrote what": go test -tags sqlite_fts5 -run '^$'
// -bench Authorship ./workspace/
func BenchmarkAuthorship(b *testing.B) {
	t := tracetest.Load(b, "automerge-paper")
	for _, c := range []struct {
		name string
		n    int
	}{{"10k", 10_000}, {"50k", 50_000}, {"all", len(t.Txns)}} {
		updates := traceUpdates(t, c.n, 100)
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := workspace.Authorship("", updates); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
