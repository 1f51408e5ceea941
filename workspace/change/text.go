package change

import (
	"unicode/utf16"
	"unicode/utf8"
)

// Text is a document measured in UTF-16 code units, the unit CodeMirror uses
// for positions in the browser.
//
// Text is a handle: copies of a Text share one document, and Apply on any of
// them is seen by all. Use Clone for an independent copy. The zero value is
// an empty document. A Text is not safe for concurrent use.
//
// The units live in a gap buffer, so that the small edits of typing cost a
// move of the gap rather than a copy of the whole document: consecutive
// keystrokes near one another move almost nothing.
type Text struct {
	g *gapBuffer
}

// gapBuffer holds the text as buf[:start] followed by buf[end:]; the units
// between start and end are free space.
type gapBuffer struct {
	buf        []uint16
	start, end int
}

// minGap is the free space added when the buffer grows, so that a run of
// keystrokes does not reallocate on every character.
const minGap = 1024

// NewText returns a document holding s. Invalid UTF-8 in s becomes U+FFFD,
// as it would in a browser decoding the same bytes; callers that must refuse
// such input check utf8.ValidString first.
func NewText(s string) Text {
	units := appendUTF16(make([]uint16, 0, len(s)+minGap), s)
	n := len(units)
	units = units[:cap(units)]
	// The free space sits at the end: the first edit moves it where needed.
	return Text{g: &gapBuffer{buf: units, start: n, end: len(units)}}
}

// appendUTF16 appends the UTF-16 encoding of s to dst.
func appendUTF16(dst []uint16, s string) []uint16 {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			dst = append(dst, uint16(c))
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		dst = utf16.AppendRune(dst, r)
	}
	return dst
}

// Len returns the length of the document in UTF-16 code units.
func (t Text) Len() int {
	if t.g == nil {
		return 0
	}
	return len(t.g.buf) - (t.g.end - t.g.start)
}

// String returns the document as UTF-8.
func (t Text) String() string {
	if t.g == nil {
		return ""
	}
	b := make([]byte, 0, t.Len())
	b = appendUTF8(b, t.g.buf[:t.g.start], t.g.buf[t.g.end:])
	return string(b)
}

// Slice returns the units from..to of the document as UTF-8, clamped to
// the document; a surrogate pair cut by a bound becomes U+FFFD.
func (t Text) Slice(from, to int) string {
	n := t.Len()
	from, to = max(0, min(from, n)), max(0, min(to, n))
	if from >= to {
		return ""
	}
	g := t.g
	// The range in the two halves of the buffer: before the gap and after.
	a := g.buf[min(from, g.start):min(to, g.start)]
	b := g.buf[g.end+max(0, from-g.start) : g.end+max(0, to-g.start)]
	return string(appendUTF8(make([]byte, 0, to-from), a, b))
}

// SplitsPair reports whether position p falls between the two halves of a
// surrogate pair (an emoji, say): a position no edit or passage may take.
func (t Text) SplitsPair(p int) bool {
	return t.g != nil && t.g.splitsPair(p)
}

// Clone returns an independent copy of the document.
func (t Text) Clone() Text {
	if t.g == nil {
		return Text{}
	}
	n := t.Len()
	units := make([]uint16, n, n+minGap)
	copy(units, t.g.buf[:t.g.start])
	copy(units[t.g.start:], t.g.buf[t.g.end:])
	units = units[:cap(units)]
	return Text{g: &gapBuffer{buf: units, start: n, end: len(units)}}
}

// appendUTF8 appends the UTF-8 encoding of the units of a followed by b to
// dst. A pair split between a and b is joined; a lone surrogate, which Apply
// never produces, becomes U+FFFD.
func appendUTF8(dst []byte, a, b []uint16) []byte {
	n := len(a) + len(b)
	at := func(i int) uint16 {
		if i < len(a) {
			return a[i]
		}
		return b[i-len(a)]
	}
	for i := 0; i < n; i++ {
		u := at(i)
		switch {
		case u < utf8.RuneSelf:
			dst = append(dst, byte(u))
		case isHigh(u) && i+1 < n && isLow(at(i+1)):
			dst = utf8.AppendRune(dst, utf16.DecodeRune(rune(u), rune(at(i+1))))
			i++
		default:
			// Surrogates on their own are not runes: AppendRune writes U+FFFD.
			dst = utf8.AppendRune(dst, rune(u))
		}
	}
	return dst
}

func isHigh(u uint16) bool { return u >= 0xD800 && u < 0xDC00 }
func isLow(u uint16) bool  { return u >= 0xDC00 && u < 0xE000 }

// at returns the unit at position p, which must be in range.
func (g *gapBuffer) at(p int) uint16 {
	if p < g.start {
		return g.buf[p]
	}
	return g.buf[p+g.end-g.start]
}

// splitsPair reports whether position p falls between the two halves of a
// surrogate pair.
func (g *gapBuffer) splitsPair(p int) bool {
	n := len(g.buf) - (g.end - g.start)
	return p > 0 && p < n && isHigh(g.at(p-1)) && isLow(g.at(p))
}

// prepare replaces the units from..to with size units of free space at
// from, which write then fills. The range must be valid.
func (g *gapBuffer) prepare(from, to, size int) {
	g.moveGap(from)
	g.end += to - from
	if g.end-g.start < size {
		g.grow(size)
	}
}

// write fills the free space prepared by prepare.
func (g *gapBuffer) write(units []uint16) {
	g.start += copy(g.buf[g.start:g.end], units)
}

// moveGap moves the free space so that it starts at position p.
func (g *gapBuffer) moveGap(p int) {
	switch {
	case p < g.start:
		n := g.start - p
		copy(g.buf[g.end-n:g.end], g.buf[p:g.start])
		g.start -= n
		g.end -= n
	case p > g.start:
		n := p - g.start
		copy(g.buf[g.start:], g.buf[g.end:g.end+n])
		g.start += n
		g.end += n
	}
}

// grow makes room for at least need units in the gap.
func (g *gapBuffer) grow(need int) {
	length := len(g.buf) - (g.end - g.start)
	size := max(2*length, length+need+minGap)
	buf := make([]uint16, size)
	copy(buf, g.buf[:g.start])
	tail := len(g.buf) - g.end
	copy(buf[size-tail:], g.buf[g.end:])
	g.buf = buf
	g.end = size - tail
}
