package change_test

import (
	"errors"
	"testing"

	"tawla/workspace/change"
)

// FuzzParseApply feeds arbitrary bytes to ParseJSON and, when they parse,
// to Apply, Compose and Map: nothing may panic, and results must keep
// their promises (lengths, round trips, convergence).
func FuzzParseApply(f *testing.F) {
	f.Add("ab", []byte(`[1,[0,"x"],1]`), []byte(`[1,[0,"y"],1]`), false)
	f.Add("ab", []byte(`[[2,"é","à"]]`), []byte(`[[1],1]`), true)
	f.Add("👋🏽 مرحبا", []byte(`[2,[2,"ç"],6]`), []byte(`[[10,"😀"]]`), false)
	f.Add("", []byte(`[]`), []byte(`[[0,"a"]]`), true)
	f.Add("a\nb", []byte(`[[0,"\ud83d\ude00"],3]`), []byte(`[1,[1],1]`), false)
	f.Add("x", []byte(`[0,0,1]`), []byte(`[[0],[1,"x"]]`), true)
	f.Fuzz(func(t *testing.T, doc string, a, b []byte, before bool) {
		sa, errA := change.ParseJSON(a)
		sb, errB := change.ParseJSON(b)
		for _, in := range []struct {
			s   change.Set
			err error
		}{{sa, errA}, {sb, errB}} {
			if in.err != nil {
				if !errors.Is(in.err, change.ErrMalformed) {
					t.Fatalf("ParseJSON error %v does not wrap ErrMalformed", in.err)
				}
				continue
			}
			js := mustJSON(t, in.s)
			again, err := change.ParseJSON([]byte(js))
			if err != nil {
				t.Fatalf("ParseJSON(MarshalJSON(%s)): %v", js, err)
			}
			if got := mustJSON(t, again); got != js {
				t.Fatalf("round trip: %s became %s", js, got)
			}
		}
		// The lenient parser too must never panic, whatever it is fed.
		if la, err := change.ParseJSONLenient(a); err == nil {
			if lb, err := change.ParseJSONLenient(b); err == nil {
				exercise(la, lb, before)
			}
		}
		if errA != nil {
			return
		}

		text := change.NewText(doc)
		applied := text.Clone()
		applyErr := sa.Apply(&applied)
		if applyErr == nil && applied.Len() != sa.NewLen() {
			t.Fatalf("Apply(%s): length %d, NewLen %d", a, applied.Len(), sa.NewLen())
		}
		if applyErr != nil && applied.String() != text.String() {
			t.Fatalf("Apply(%s) failed (%v) but changed the text", a, applyErr)
		}
		for pos := 0; pos <= sa.Len(); pos++ {
			for _, assoc := range []int{-1, 1} {
				if p, ok, err := sa.MapPos(pos, assoc, change.Simple); err != nil || !ok || p < 0 || p > sa.NewLen() {
					t.Fatalf("MapPos(%d, %d) = %d, %v, %v", pos, assoc, p, ok, err)
				}
			}
		}
		if errB != nil {
			return
		}
		exercise(sa, sb, before)

		if composed, err := sa.Compose(sb); err == nil {
			if composed.Len() != sa.Len() || composed.NewLen() != sb.NewLen() {
				t.Fatalf("Compose lengths: %d→%d, want %d→%d", composed.Len(), composed.NewLen(), sa.Len(), sb.NewLen())
			}
			if applyErr == nil {
				stepwise := applied.Clone()
				if err := sb.Apply(&stepwise); err == nil {
					together := text.Clone()
					if err := composed.Apply(&together); err != nil {
						t.Fatalf("composed %v does not apply where its parts do: %v", composed, err)
					}
					if together.String() != stepwise.String() {
						t.Fatalf("composed gives %q, one after the other %q", together.String(), stepwise.String())
					}
				}
			}
		} else if sa.NewLen() == sb.Len() {
			t.Fatalf("Compose of matching lengths failed: %v", err)
		}

		mapped, err := sb.Map(sa.Desc(), before)
		if err != nil {
			if sa.Len() == sb.Len() {
				t.Fatalf("Map of matching lengths failed: %v", err)
			}
			return
		}
		if mapped.Len() != sa.NewLen() {
			t.Fatalf("Map: length %d, want %d", mapped.Len(), sa.NewLen())
		}
		// Both orders must give one text: the heart of co-editing.
		left, right, err := converge(doc, sa, sb)
		if err == nil && left != right {
			t.Fatalf("a∘map(b,a) = %q but b∘map(a,b,before) = %q", left, right)
		}
	})
}

// exercise runs every operation on a and b for their errors' sake: only a
// panic matters.
func exercise(a, b change.Set, before bool) {
	_, _ = a.Compose(b)
	_, _ = a.Map(b.Desc(), before)
	_, _ = a.Desc().MapDesc(b.Desc(), before)
	_, _ = a.Desc().ComposeDesc(b.Desc())
	_, _ = change.Rebase([]change.Update{{Changes: a, ClientID: "a"}}, []change.Update{{Changes: b, ClientID: "b"}, {Changes: a, ClientID: "a"}})
	_, _ = a.MarshalJSON()
	_, _, _ = a.MapPos(b.Len(), -1, change.TrackDel)
	var text change.Text
	_ = a.Apply(&text)
}
