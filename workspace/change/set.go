package change

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Errors returned by this package. Every error wraps exactly one of them, so
// callers can tell a malformed message from one that is merely out of date.
var (
	// ErrMalformed means the input is not a change set at all: bad JSON,
	// wrong types, negative or non-integer lengths, invalid UTF-8, lone
	// surrogates, a range with from > to.
	ErrMalformed = errors.New("malformed change set")
	// ErrLength means the lengths do not fit: a change set applied to, mapped
	// over or composed with a document or change set of another length, or a
	// position outside the document.
	ErrLength = errors.New("change set length mismatch")
	// ErrSplitSurrogate means a change would cut a surrogate pair in two,
	// leaving text that is not valid Unicode.
	ErrSplitSurrogate = errors.New("change splits a surrogate pair")
)

// MaxLength bounds the lengths ParseJSON and Of accept: each section and
// the document before and after. Results of Map and Compose stay within a
// few times that, far from overflowing a 64-bit int.
const MaxLength = 1 << 30

// Desc describes a change without the inserted text, as CodeMirror's
// ChangeDesc: enough to map positions and other changes. The zero value
// describes no change to an empty document. A Desc is immutable.
type Desc struct {
	// sections holds pairs (len, ins): len units of the old document,
	// and ins = -1 when they are kept, or the length of their replacement
	// (0 for a deletion; len 0 for an insertion). This is CodeMirror's
	// representation, kept as is so that every algorithm gives the same
	// sections, including for input that is not in normal form.
	sections []int
}

// Set is a change to a document of a given length, with the inserted text,
// as CodeMirror's ChangeSet. The zero value is the empty change to an empty
// document. A Set is immutable: methods return new values.
type Set struct {
	sections []int
	// inserted holds, for section i/2, the text it inserts in UTF-16
	// units; it may be shorter than the number of sections (missing means
	// empty), as in CodeMirror.
	inserted [][]uint16
}

// Empty returns the change set that keeps a document of the given length as
// it is. A negative length gives the empty set of length 0.
func Empty(length int) Set {
	if length <= 0 {
		return Set{}
	}
	return Set{sections: []int{length, -1}}
}

// Desc returns the description of s, without the inserted text.
func (s Set) Desc() Desc { return Desc{sections: s.sections} }

// Len returns the length of the document the changes apply to.
func (s Set) Len() int { return sectionsLen(s.sections) }

// NewLen returns the length of the document after the changes.
func (s Set) NewLen() int { return sectionsNewLen(s.sections) }

// Empty reports whether s changes nothing.
func (s Set) Empty() bool { return sectionsEmpty(s.sections) }

// String returns the sections in CodeMirror's debugging form: "5 0:2 3"
// keeps 5 units, inserts 2, keeps 3.
func (s Set) String() string { return sectionsString(s.sections) }

// Len returns the length of the document the changes apply to.
func (d Desc) Len() int { return sectionsLen(d.sections) }

// NewLen returns the length of the document after the changes.
func (d Desc) NewLen() int { return sectionsNewLen(d.sections) }

// Empty reports whether d changes nothing.
func (d Desc) Empty() bool { return sectionsEmpty(d.sections) }

// String returns the sections in CodeMirror's debugging form.
func (d Desc) String() string { return sectionsString(d.sections) }

func sectionsLen(sections []int) int {
	n := 0
	for i := 0; i < len(sections); i += 2 {
		n += sections[i]
	}
	return n
}

func sectionsNewLen(sections []int) int {
	n := 0
	for i := 0; i < len(sections); i += 2 {
		if ins := sections[i+1]; ins < 0 {
			n += sections[i]
		} else {
			n += ins
		}
	}
	return n
}

func sectionsEmpty(sections []int) bool {
	return len(sections) == 0 || len(sections) == 2 && sections[1] < 0
}

func sectionsString(sections []int) string {
	var b strings.Builder
	for i := 0; i < len(sections); i += 2 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(sections[i]))
		if ins := sections[i+1]; ins >= 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(ins))
		}
	}
	return b.String()
}

// Compose returns the change that has the effect of s followed by o, which
// must apply to the document s produces (o.Len() == s.NewLen()), as
// ChangeSet.compose.
func (s Set) Compose(o Set) (Set, error) {
	if s.NewLen() != o.Len() {
		return Set{}, fmt.Errorf("%w: cannot compose a change producing %d units with one applying to %d", ErrLength, s.NewLen(), o.Len())
	}
	if s.Empty() {
		return o, nil
	}
	if o.Empty() {
		return s, nil
	}
	sections, inserted, err := composeSections(s.sections, s.inserted, o.sections, o.inserted, true)
	return Set{sections: sections, inserted: inserted}, err
}

// Map returns s rewritten to apply after o, both starting from the same
// document, as ChangeSet.map. When before is false (CodeMirror's default),
// o is taken to have happened first: text inserted by both at one position
// puts o's text before s's. When before is true, s's text comes first.
func (s Set) Map(o Desc, before bool) (Set, error) {
	if s.Len() != o.Len() {
		return Set{}, fmt.Errorf("%w: cannot map a change of a %d-unit document over one of a %d-unit document", ErrLength, s.Len(), o.Len())
	}
	if o.Empty() {
		return s, nil
	}
	sections, inserted, err := mapSections(s.sections, s.inserted, o.sections, before, true)
	return Set{sections: sections, inserted: inserted}, err
}

// MapPos maps a position in the document before s to the document after it;
// see Desc.MapPos.
func (s Set) MapPos(pos, assoc int, mode MapMode) (int, bool, error) {
	return s.Desc().MapPos(pos, assoc, mode)
}

// ComposeDesc returns the description of d followed by o, which must apply
// to the document d produces, as ChangeDesc.composeDesc.
func (d Desc) ComposeDesc(o Desc) (Desc, error) {
	if d.NewLen() != o.Len() {
		return Desc{}, fmt.Errorf("%w: cannot compose a change producing %d units with one applying to %d", ErrLength, d.NewLen(), o.Len())
	}
	if d.Empty() {
		return o, nil
	}
	if o.Empty() {
		return d, nil
	}
	sections, _, err := composeSections(d.sections, nil, o.sections, nil, false)
	return Desc{sections: sections}, err
}

// MapDesc returns d rewritten to apply after o, both starting from the same
// document, as ChangeDesc.mapDesc; before has the meaning it has in Set.Map.
func (d Desc) MapDesc(o Desc, before bool) (Desc, error) {
	if d.Len() != o.Len() {
		return Desc{}, fmt.Errorf("%w: cannot map a change of a %d-unit document over one of a %d-unit document", ErrLength, d.Len(), o.Len())
	}
	if o.Empty() {
		return d, nil
	}
	sections, _, err := mapSections(d.sections, nil, o.sections, before, false)
	return Desc{sections: sections}, err
}

// MapMode says what MapPos does with a position inside deleted text, as
// CodeMirror's MapMode; the values are CodeMirror's.
type MapMode int

const (
	// Simple always maps to a position.
	Simple MapMode = iota
	// TrackDel reports deletion when a change deletes across the position.
	TrackDel
	// TrackBefore reports deletion when the character before the position
	// is deleted.
	TrackBefore
	// TrackAfter reports deletion when the character after the position is
	// deleted.
	TrackAfter
)

// MapPos maps pos, a position in the document before d, to the document
// after it, as ChangeDesc.mapPos. assoc says which side the position sticks
// to when text is inserted at it: below zero it stays before the insertion,
// otherwise (zero included, as in CodeMirror) it moves after. ok is false
// when mode is not Simple and the mode's condition for deletion holds
// (CodeMirror returns null). pos outside 0..d.Len() is an error wrapping
// ErrLength; CodeMirror throws for pos > length and answers nonsense for a
// negative pos.
func (d Desc) MapPos(pos, assoc int, mode MapMode) (newPos int, ok bool, err error) {
	if mode < Simple || mode > TrackAfter {
		return 0, false, fmt.Errorf("%w: unknown map mode %d", ErrMalformed, mode)
	}
	if pos < 0 {
		return 0, false, fmt.Errorf("%w: position %d is negative", ErrLength, pos)
	}
	posA, posB := 0, 0
	s := d.sections
	for i := 0; i < len(s); i += 2 {
		length, ins := s[i], s[i+1]
		endA := posA + length
		if ins < 0 {
			if endA > pos {
				return posB + (pos - posA), true, nil
			}
			posB += length
		} else {
			if mode != Simple && endA >= pos &&
				(mode == TrackDel && posA < pos && endA > pos ||
					mode == TrackBefore && posA < pos ||
					mode == TrackAfter && endA > pos) {
				return 0, false, nil
			}
			if endA > pos || endA == pos && assoc < 0 && length == 0 {
				if pos == posA || assoc < 0 {
					return posB, true, nil
				}
				return posB + ins, true, nil
			}
			posB += ins
		}
		posA = endA
	}
	if pos > posA {
		return 0, false, fmt.Errorf("%w: position %d is out of range for a change of a %d-unit document", ErrLength, pos, posA)
	}
	return posB, true, nil
}

// addSection appends a section, joining it with the previous one the way
// CodeMirror does; the joins decide the sections of every result, so they
// are reproduced exactly.
func addSection(sections []int, length, ins int, forceJoin bool) []int {
	if length == 0 && ins <= 0 {
		return sections
	}
	last := len(sections) - 2
	switch {
	case last >= 0 && ins <= 0 && ins == sections[last+1]:
		sections[last] += length
	case last >= 0 && length == 0 && sections[last] == 0:
		sections[last+1] += ins
	case forceJoin && last >= 0:
		sections[last] += length
		sections[last+1] += ins
	default:
		sections = append(sections, length, ins)
	}
	return sections
}

// addInsert records value as the text of the last section, appending to the
// text already there when the section was joined with the previous one.
func addInsert(values [][]uint16, sections []int, value []uint16) [][]uint16 {
	if len(value) == 0 {
		return values
	}
	index := (len(sections) - 2) >> 1
	if index < len(values) {
		last := values[len(values)-1]
		// The full slice expression forces a copy: texts are shared
		// between immutable sets and must never be written in place.
		values[len(values)-1] = append(last[:len(last):len(last)], value...)
		return values
	}
	for len(values) < index {
		values = append(values, nil)
	}
	return append(values, value)
}

// sectionIter walks the sections of a change, possibly part of one at a
// time; it is CodeMirror's SectionIter.
type sectionIter struct {
	sections []int
	inserted [][]uint16
	i        int
	len, ins int // what is left of the current section; ins -2 when done
	off      int // how much of the current section was consumed
}

func newSectionIter(sections []int, inserted [][]uint16) *sectionIter {
	it := &sectionIter{sections: sections, inserted: inserted}
	it.next()
	return it
}

func (it *sectionIter) next() {
	if it.i < len(it.sections) {
		it.len = it.sections[it.i]
		it.ins = it.sections[it.i+1]
		it.i += 2
	} else {
		it.len = 0
		it.ins = -2
	}
	it.off = 0
}

func (it *sectionIter) done() bool { return it.ins == -2 }

func (it *sectionIter) len2() int {
	if it.ins < 0 {
		return it.len
	}
	return it.ins
}

func (it *sectionIter) text() []uint16 {
	index := (it.i - 2) >> 1
	if index < 0 || index >= len(it.inserted) {
		return nil
	}
	return it.inserted[index]
}

// textBit returns length units of the current section's text from the
// current offset, clipped to the text as CodeMirror's Text.slice clips.
func (it *sectionIter) textBit(length int) ([]uint16, error) {
	index := (it.i - 2) >> 1
	if index < 0 || index >= len(it.inserted) {
		if length == 0 {
			return nil, nil
		}
		return nil, fmt.Errorf("%w: inserted text missing for section %d", ErrMalformed, index)
	}
	text := it.inserted[index]
	from := min(max(it.off, 0), len(text))
	to := max(from, min(it.off+length, len(text)))
	return text[from:to:to], nil
}

func (it *sectionIter) forward(length int) {
	if length == it.len {
		it.next()
	} else {
		it.len -= length
		it.off += length
	}
}

func (it *sectionIter) forward2(length int) {
	switch {
	case it.ins == -1:
		it.forward(length)
	case length == it.ins:
		it.next()
	default:
		it.ins -= length
		it.off += length
	}
}

var errMismatch = fmt.Errorf("%w: change sets of different lengths", ErrLength)

// mapSections rewrites change A (sections and, when mkSet, inserted) to
// apply after change B, both starting from the same document. It is
// CodeMirror's mapSet, step for step.
func mapSections(aSections []int, aInserted [][]uint16, bSections []int, before, mkSet bool) ([]int, [][]uint16, error) {
	// Room for the usual result at once, as in composeSections.
	sections := make([]int, 0, len(aSections)+len(bSections))
	var insert [][]uint16
	if mkSet {
		insert = make([][]uint16, 0, len(aSections)/2)
	}
	a := newSectionIter(aSections, aInserted)
	b := newSectionIter(bSections, nil)
	// inserted is the index (as it.i) of the section of A whose text has
	// already been added, for changes of A processed piece by piece.
	inserted := -1
	for {
		switch {
		case a.done() && b.len != 0 || b.done() && a.len != 0:
			return nil, nil, errMismatch
		case a.ins == -1 && b.ins == -1:
			// Both keep this stretch.
			length := min(a.len, b.len)
			sections = addSection(sections, length, -1, false)
			a.forward(length)
			b.forward(length)
		case b.ins >= 0 && (a.ins < 0 || inserted == a.i || a.off == 0 && (b.len < a.len || b.len == a.len && !before)):
			// B's change comes first (by position, then length, then
			// the before flag): its replacement is kept, and whatever
			// of A it covers disappears, except A's insertions.
			length := b.len
			sections = addSection(sections, b.ins, -1, false)
			for length != 0 {
				piece := min(a.len, length)
				if a.ins >= 0 && inserted < a.i && a.len <= piece {
					sections = addSection(sections, 0, a.ins, false)
					if mkSet {
						insert = addInsert(insert, sections, a.text())
					}
					inserted = a.i
				}
				a.forward(piece)
				length -= piece
			}
			b.next()
		case a.ins >= 0:
			// A's change, up to the next change of B that is not a
			// deletion inside it.
			length, left := 0, a.len
			for left != 0 {
				if b.ins == -1 {
					piece := min(left, b.len)
					length += piece
					left -= piece
					b.forward(piece)
				} else if b.ins == 0 && b.len < left {
					left -= b.len
					b.next()
				} else {
					break
				}
			}
			ins := 0
			if inserted < a.i {
				ins = a.ins
			}
			sections = addSection(sections, length, ins, false)
			if mkSet && inserted < a.i {
				insert = addInsert(insert, sections, a.text())
			}
			inserted = a.i
			a.forward(a.len - left)
		case a.done() && b.done():
			// Nil when empty, as the slices were before they had room
			// made for them.
			if len(sections) == 0 {
				sections = nil
			}
			if len(insert) == 0 {
				insert = nil
			}
			return sections, insert, nil
		default:
			return nil, nil, errMismatch
		}
	}
}

// composeSections returns the sections (and, when mkSet, the inserted
// texts) of change A followed by change B. It is CodeMirror's composeSets,
// step for step.
func composeSections(aSections []int, aInserted [][]uint16, bSections []int, bInserted [][]uint16, mkSet bool) ([]int, [][]uint16, error) {
	// Room for the usual result at once: composing typing with typing
	// mostly gives as many sections as its inputs together, and growing
	// the slices step by step cost more than the composition itself.
	sections := make([]int, 0, len(aSections)+len(bSections))
	var insert [][]uint16
	if mkSet {
		insert = make([][]uint16, 0, (len(aSections)+len(bSections))/2)
	}
	a := newSectionIter(aSections, aInserted)
	b := newSectionIter(bSections, bInserted)
	for open := false; ; {
		switch {
		case a.done() && b.done():
			// Nil when empty, as the slices were before they had room
			// made for them.
			if len(sections) == 0 {
				sections = nil
			}
			if len(insert) == 0 {
				insert = nil
			}
			return sections, insert, nil
		case a.ins == 0:
			// A deletes: B never sees this text.
			sections = addSection(sections, a.len, 0, open)
			a.next()
		case b.len == 0 && !b.done():
			// B inserts.
			sections = addSection(sections, 0, b.ins, open)
			if mkSet {
				insert = addInsert(insert, sections, b.text())
			}
			b.next()
		case a.done() || b.done():
			return nil, nil, errMismatch
		default:
			length := min(a.len2(), b.len)
			sectionLen := len(sections)
			switch {
			case a.ins == -1:
				insB := -1
				if b.ins != -1 {
					if b.off != 0 {
						insB = 0
					} else {
						insB = b.ins
					}
				}
				sections = addSection(sections, length, insB, open)
				// CodeMirror tests insB for truth, so -1 counts; the
				// text of a kept section is empty and adds nothing.
				if mkSet && insB != 0 {
					insert = addInsert(insert, sections, b.text())
				}
			case b.ins == -1:
				lenA := a.len
				if a.off != 0 {
					lenA = 0
				}
				sections = addSection(sections, lenA, length, open)
				if mkSet {
					bit, err := a.textBit(length)
					if err != nil {
						return nil, nil, err
					}
					insert = addInsert(insert, sections, bit)
				}
			default:
				lenA, insB := a.len, b.ins
				if a.off != 0 {
					lenA = 0
				}
				if b.off != 0 {
					insB = 0
				}
				sections = addSection(sections, lenA, insB, open)
				if mkSet && b.off == 0 {
					insert = addInsert(insert, sections, b.text())
				}
			}
			open = (a.ins > length || b.ins >= 0 && b.len > length) && (open || len(sections) > sectionLen)
			a.forward2(length)
			b.forward(length)
		}
	}
}
