package change

import "fmt"

// group is a run of adjacent changed sections, which CodeMirror applies as
// one replacement (its iterChanges without the individual flag).
type group struct {
	fromA, toA int        // the replaced range in the old document
	fromB      int        // where the replacement starts in the new one
	pieces     [][]uint16 // the replacement text, in pieces
	insLen     int        // the replacement length the sections announce
}

// groups returns the changed ranges of s in order.
func (s Set) groups() ([]group, error) {
	var out []group
	sec := s.sections
	for posA, posB, i := 0, 0, 0; i < len(sec); {
		length, ins := sec[i], sec[i+1]
		i += 2
		if ins < 0 {
			posA += length
			posB += length
			continue
		}
		g := group{fromA: posA, fromB: posB}
		endA, endB := posA, posB
		for {
			endA += length
			endB += ins
			if ins != 0 {
				index := (i - 2) >> 1
				if index >= len(s.inserted) {
					return nil, fmt.Errorf("%w: inserted text missing for section %d", ErrMalformed, index)
				}
				g.pieces = append(g.pieces, s.inserted[index])
			}
			if i == len(sec) || sec[i+1] < 0 {
				break
			}
			length, ins = sec[i], sec[i+1]
			i += 2
		}
		g.toA, g.insLen = endA, endB-posB
		out = append(out, g)
		posA, posB = endA, endB
	}
	return out, nil
}

// Apply applies s to t in place. It fails, leaving t unchanged, when s is
// for a document of another length (ErrLength), when a changed range starts
// or ends between the two halves of a surrogate pair or its inserted text
// holds a lone surrogate (ErrSplitSurrogate), or when s is inconsistent
// (ErrMalformed). As in CodeMirror, adjacent changed sections are replaced
// as one range, so only the ends of such a run must fall between
// characters. Afterwards t.Len() == s.NewLen().
func (s Set) Apply(t *Text) error {
	if t == nil {
		return fmt.Errorf("%w: nil text", ErrMalformed)
	}
	if t.g == nil {
		t.g = &gapBuffer{}
	}
	if s.Len() != t.Len() {
		return fmt.Errorf("%w: a change of a %d-unit document cannot apply to one of %d units", ErrLength, s.Len(), t.Len())
	}
	groups, err := s.groups()
	if err != nil {
		return err
	}
	// Check everything before touching the text, so that a refused change
	// leaves it exactly as it was.
	for _, g := range groups {
		n := 0
		for _, p := range g.pieces {
			n += len(p)
		}
		if n != g.insLen {
			return fmt.Errorf("%w: section announces %d inserted units but holds %d", ErrMalformed, g.insLen, n)
		}
		if t.g.splitsPair(g.fromA) || t.g.splitsPair(g.toA) {
			return fmt.Errorf("%w: the change of %d..%d cuts a character in two", ErrSplitSurrogate, g.fromA, g.toA)
		}
		if p := loneSurrogate(g.pieces); p >= 0 {
			return fmt.Errorf("%w: the text inserted at %d has a lone surrogate at unit %d", ErrSplitSurrogate, g.fromA, p)
		}
	}
	for _, g := range groups {
		t.g.replace(g.fromB, g.fromB+(g.toA-g.fromA), g.pieces)
	}
	return nil
}

// loneSurrogate returns the offset of the first unpaired surrogate in the
// concatenation of pieces, or -1.
func loneSurrogate(pieces [][]uint16) int {
	pending := -1 // offset of a high surrogate waiting for its low half
	off := 0
	for _, p := range pieces {
		for _, u := range p {
			switch {
			case isHigh(u):
				if pending >= 0 {
					return pending
				}
				pending = off
			case isLow(u):
				if pending < 0 {
					return off
				}
				pending = -1
			default:
				if pending >= 0 {
					return pending
				}
			}
			off++
		}
	}
	return pending
}
