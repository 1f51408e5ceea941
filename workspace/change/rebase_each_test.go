package change_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"tawla/workspace/change"
)

// randomChain returns n updates of client, each applying to the previous
// one's result, the first to a document of length units: insertions,
// deletions and replacements at random places, some at the same place.
func randomChain(t *testing.T, r *rand.Rand, length, n int, client string) []change.Update {
	t.Helper()
	out := make([]change.Update, n)
	for i := range out {
		from := r.IntN(length + 1)
		to := from
		if r.IntN(3) == 0 && from < length {
			to = from + 1 + r.IntN(min(3, length-from))
		}
		insert := []string{"", "x", "ab", "é", "🙂"}[r.IntN(5)]
		if from == to && insert == "" {
			insert = "y"
		}
		s, err := change.Of(length, change.Spec{From: from, To: to, Insert: insert})
		if err != nil {
			t.Fatal(err)
		}
		out[i] = change.Update{Changes: s, ClientID: client}
		length = s.NewLen()
	}
	return out
}

// TestRebaseEachAsRebaseOneByOne checks RebaseEach against Rebase called
// with one update of over at a time, on random pushes and histories:
// resends at the head, several clients, and chains of the wrong length.
// Same updates (their JSON) and same errors, or the room would diverge
// from its clients.
func TestRebaseEachAsRebaseOneByOne(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 3))
	var succeeded, failed, mapped int
	for round := 0; round < 3000; round++ {
		length := r.IntN(12)
		push := randomChain(t, r, length, 1+r.IntN(4), "p")
		var over []change.Update
		resent := 0
		if r.IntN(4) == 0 {
			resent = 1 + r.IntN(len(push))
			over = append(over, push[:resent]...)
		}
		overLen := length
		if len(over) > 0 {
			overLen = over[len(over)-1].Changes.NewLen()
		}
		for _, c := range []string{"a", "b"}[:1+r.IntN(2)] {
			more := randomChain(t, r, overLen, r.IntN(4), c)
			over = append(over, more...)
			if len(more) > 0 {
				overLen = more[len(more)-1].Changes.NewLen()
			}
		}
		if r.IntN(20) == 0 && len(over) > 0 {
			// A chain that does not hold: the errors must agree too.
			over[len(over)-1] = randomChain(t, r, overLen+1, 1, "b")[0]
		}
		want, wantErr := push, error(nil)
		for i := range over {
			if want, wantErr = change.Rebase(want, over[i:i+1]); wantErr != nil {
				break
			}
		}
		input := append([]change.Update(nil), push...)
		got, gotErr := change.RebaseEach(push, over)
		for i := range push {
			if fmt.Sprint(push[i]) != fmt.Sprint(input[i]) {
				t.Fatalf("round %d: RebaseEach changed its input", round)
			}
		}
		if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
			t.Fatalf("round %d: RebaseEach error %v, Rebase one by one %v", round, gotErr, wantErr)
		}
		if gotErr != nil {
			failed++
			continue
		}
		succeeded++
		if len(over) > resent && len(got) > 0 {
			mapped++
		}
		if len(got) != len(want) {
			t.Fatalf("round %d: %d updates, want %d", round, len(got), len(want))
		}
		for i := range got {
			gj, _ := got[i].Changes.MarshalJSON()
			wj, _ := want[i].Changes.MarshalJSON()
			if string(gj) != string(wj) || got[i].ClientID != want[i].ClientID {
				t.Fatalf("round %d, update %d: %s (%s), want %s (%s)", round, i, gj, got[i].ClientID, wj, want[i].ClientID)
			}
		}
	}
	if succeeded < 2000 || failed < 50 || mapped < 1500 {
		t.Errorf("the rounds did not cover enough: %d succeeded (%d mapped over others' updates), %d failed", succeeded, mapped, failed)
	}
}
