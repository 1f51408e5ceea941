package change

import "fmt"

// group is a run of adjacent changed sections, which CodeMirror applies as
// one replacement (its iterChanges without the individual flag).
type group struct {
	fromA, toA int // the replaced range in the old document
	fromB      int // where the replacement starts in the new one
	insLen     int // the replacement length the sections announce
	first, end int // the group's sections, as indexes into sections
}

// nextGroup returns the first group at or after section index i, where
// the old and new positions are posA and posB, and whether there is one.
func (s Set) nextGroup(i, posA, posB int) (group, bool) {
	sec := s.sections
	for ; i < len(sec) && sec[i+1] < 0; i += 2 {
		posA += sec[i]
		posB += sec[i]
	}
	if i >= len(sec) {
		return group{}, false
	}
	g := group{fromA: posA, fromB: posB, first: i}
	for ; i < len(sec) && sec[i+1] >= 0; i += 2 {
		posA += sec[i]
		g.insLen += sec[i+1]
	}
	g.toA, g.end = posA, i
	return g, true
}

// pieces calls f with each inserted text of the group, in order.
func (s Set) pieces(g group, f func([]uint16)) {
	for i := g.first; i < g.end; i += 2 {
		if s.sections[i+1] != 0 {
			f(s.inserted[i>>1])
		}
	}
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
	// Check everything before touching the text, so that a refused change
	// leaves it exactly as it was.
	g, ok := s.nextGroup(0, 0, 0)
	for ; ok; g, ok = s.nextGroup(g.end, g.toA, g.fromB+g.insLen) {
		n := 0
		for i := g.first; i < g.end; i += 2 {
			if ins := s.sections[i+1]; ins != 0 {
				if i>>1 >= len(s.inserted) || len(s.inserted[i>>1]) != ins {
					return fmt.Errorf("%w: section %d does not hold the %d units it announces", ErrMalformed, i>>1, ins)
				}
				n += ins
			}
		}
		if t.g.splitsPair(g.fromA) || t.g.splitsPair(g.toA) {
			return fmt.Errorf("%w: the change of %d..%d cuts a character in two", ErrSplitSurrogate, g.fromA, g.toA)
		}
		var check surrogateCheck
		s.pieces(g, check.add)
		if p := check.lone(); p >= 0 {
			return fmt.Errorf("%w: the text inserted at %d has a lone surrogate at unit %d", ErrSplitSurrogate, g.fromA, p)
		}
	}
	g, ok = s.nextGroup(0, 0, 0)
	for ; ok; g, ok = s.nextGroup(g.end, g.toA, g.fromB+g.insLen) {
		t.g.prepare(g.fromB, g.fromB+(g.toA-g.fromA), g.insLen)
		s.pieces(g, t.g.write)
	}
	return nil
}

// surrogateCheck finds unpaired surrogates in text given in pieces.
type surrogateCheck struct {
	off     int
	pending int // offset+1 of a high surrogate waiting for its low half
	found   int // offset+1 of the first lone surrogate
}

func (c *surrogateCheck) add(units []uint16) {
	for _, u := range units {
		switch {
		case c.found != 0:
			return
		case isHigh(u):
			if c.pending != 0 {
				c.found = c.pending
			}
			c.pending = c.off + 1
		case isLow(u):
			if c.pending == 0 {
				c.found = c.off + 1
			}
			c.pending = 0
		default:
			if c.pending != 0 {
				c.found = c.pending
			}
		}
		c.off++
	}
}

// lone returns the offset of the first unpaired surrogate, or -1.
func (c *surrogateCheck) lone() int {
	if c.found != 0 {
		return c.found - 1
	}
	return c.pending - 1
}
