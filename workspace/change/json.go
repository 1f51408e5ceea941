package change

import (
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// ParseJSON reads a change set in the form of CodeMirror's ChangeSet.toJSON:
// an array whose elements are either a number (that many units kept) or an
// array [deleted, line0, line1, ...] (deleted units replaced by the lines
// joined with "\n"; [deleted] alone is a deletion).
//
// Every change set CodeMirror writes is accepted and gives the same
// sections as ChangeSet.fromJSON, so MarshalJSON writes it back byte for
// byte. ParseJSON is stricter than fromJSON where fromJSON lets nonsense
// through. Errors wrap ErrMalformed and say where the problem is:
//   - not JSON, or trailing data after the array;
//   - an element that is neither a number nor an array starting with a
//     number followed by strings;
//   - a length that is negative, not written as a plain integer (1.0 and
//     1e2 are refused: JSON.stringify never writes them), or above
//     MaxLength, or documents longer than MaxLength in total;
//   - a string holding invalid UTF-8, a lone surrogate (an unpaired \ud83d
//     escape: CodeMirror would accept it, but it is not text and could not
//     be stored as UTF-8), or a raw control character;
//   - a line holding "\n": CodeMirror splits lines on it, so such a line
//     would not survive a round trip;
//   - parts in a form CodeMirror never writes: an empty part (0, [0],
//     [0,""]), [n,""] for the deletion [n], two kept or two deleted parts
//     in a row, or two insertions at one position in separate parts. The
//     rule is exactly "each part is what CodeMirror's section builder would
//     have appended as it is". ChangeSet.fromJSON takes such parts, but on
//     them CodeMirror's own mapping no longer converges (a zero-length kept
//     part between two changes is enough for a∘map(b,a) and
//     b∘map(a,b,before) to give different texts), so an authority must not
//     pass them from one client to the others.
func ParseJSON(data []byte) (Set, error) {
	return parseJSON(data, true)
}

// parseJSON is ParseJSON; with strict false it takes every section
// ChangeSet.fromJSON takes, which only the tests comparing the algorithms
// with CodeMirror on such input need.
func parseJSON(data []byte, strict bool) (Set, error) {
	p := parser{data: data, strict: strict}
	s, err := p.changeSet()
	if err != nil {
		return Set{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return s, nil
}

// UnmarshalJSON implements json.Unmarshaler with ParseJSON, so that a Set
// can be a field of a protocol message. On error *s is left unchanged.
func (s *Set) UnmarshalJSON(data []byte) error {
	parsed, err := ParseJSON(data)
	if err != nil {
		return err
	}
	*s = parsed
	return nil
}

// MarshalJSON implements json.Marshaler. The output is byte for byte what
// JSON.stringify(changes.toJSON()) gives in the browser for the same change
// set (so the escapes are JavaScript's, and "<", ">", "&", U+2028 and
// U+2029 are written as they are). Note that encoding/json's Marshal and
// Encoder escape "<", ">" and "&" again unless SetEscapeHTML(false) is used;
// the value is the same either way.
func (s Set) MarshalJSON() ([]byte, error) {
	return s.AppendJSON(nil)
}

// AppendJSON appends the JSON form of s (see MarshalJSON) to dst.
func (s Set) AppendJSON(dst []byte) ([]byte, error) {
	dst = append(dst, '[')
	for i := 0; i < len(s.sections); i += 2 {
		if i > 0 {
			dst = append(dst, ',')
		}
		length, ins := s.sections[i], s.sections[i+1]
		switch {
		case ins < 0:
			dst = strconv.AppendInt(dst, int64(length), 10)
		case ins == 0:
			dst = append(dst, '[')
			dst = strconv.AppendInt(dst, int64(length), 10)
			dst = append(dst, ']')
		default:
			index := i >> 1
			if index >= len(s.inserted) {
				return nil, fmt.Errorf("%w: inserted text missing for section %d", ErrMalformed, index)
			}
			dst = append(dst, '[')
			dst = strconv.AppendInt(dst, int64(length), 10)
			dst = append(dst, ',', '"')
			dst = appendLines(dst, s.inserted[index])
			dst = append(dst, '"', ']')
		}
	}
	return append(dst, ']'), nil
}

// appendLines writes units as the body of JSON strings, closing and
// opening a string at each "\n", with JSON.stringify's escapes: the short
// ones for quote, backslash, \b \f \n \r \t, \u00xx for other control
// characters, \udxxx for lone surrogates, everything else as UTF-8.
func appendLines(dst []byte, units []uint16) []byte {
	const hex = "0123456789abcdef"
	for i := 0; i < len(units); i++ {
		u := units[i]
		switch {
		case u == '\n':
			dst = append(dst, '"', ',', '"')
		case u == '"':
			dst = append(dst, '\\', '"')
		case u == '\\':
			dst = append(dst, '\\', '\\')
		case u == '\b':
			dst = append(dst, '\\', 'b')
		case u == '\f':
			dst = append(dst, '\\', 'f')
		case u == '\r':
			dst = append(dst, '\\', 'r')
		case u == '\t':
			dst = append(dst, '\\', 't')
		case u < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[u>>4], hex[u&0xF])
		case u < utf8.RuneSelf:
			dst = append(dst, byte(u))
		case isHigh(u) && i+1 < len(units) && isLow(units[i+1]):
			dst = utf8.AppendRune(dst, utf16.DecodeRune(rune(u), rune(units[i+1])))
			i++
		case isHigh(u) || isLow(u):
			dst = append(dst, '\\', 'u', hex[u>>12], hex[(u>>8)&0xF], hex[(u>>4)&0xF], hex[u&0xF])
		default:
			dst = utf8.AppendRune(dst, rune(u))
		}
	}
	return dst
}

// MarshalJSON implements json.Marshaler with CodeMirror's ChangeDesc.toJSON
// form: the flat list of sections, (length, inserted) pairs with -1 for
// kept text.
func (d Desc) MarshalJSON() ([]byte, error) {
	dst := []byte{'['}
	for i, v := range d.sections {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = strconv.AppendInt(dst, int64(v), 10)
	}
	return append(dst, ']'), nil
}

// parser reads the restricted JSON of a change set. It is hand-written
// rather than built on encoding/json, which silently turns lone surrogate
// escapes and invalid UTF-8 into U+FFFD.
type parser struct {
	data   []byte
	i      int
	strict bool
}

func (p *parser) changeSet() (Set, error) {
	// Typical change sets have a handful of parts: collect them in
	// buffers on the stack and copy them once at the end, so that parsing
	// a keystroke costs few allocations.
	var sectionBuf [16]int
	var insertedBuf [8][]uint16
	s := Set{sections: sectionBuf[:0], inserted: insertedBuf[:0]}
	p.space()
	if !p.eat('[') {
		return Set{}, p.errorf("expected '[' starting the change set")
	}
	oldLen, newLen := 0, 0
	p.space()
	if !p.eat(']') {
		for part := 0; ; part++ {
			p.space()
			length, ins, text, err := p.part(part)
			if err != nil {
				return Set{}, err
			}
			if p.strict {
				if ins == 0 && text != nil {
					return Set{}, fmt.Errorf("part %d inserts an empty line: write a deletion as [%d]", part, length)
				}
				if err := normalForm(s.sections, length, ins, part); err != nil {
					return Set{}, err
				}
			}
			if ins >= 0 && text != nil {
				for len(s.inserted) < part {
					s.inserted = append(s.inserted, nil)
				}
				s.inserted = append(s.inserted, text)
			}
			s.sections = append(s.sections, length, ins)
			oldLen += length
			if ins < 0 {
				newLen += length
			} else {
				newLen += ins
			}
			if oldLen > MaxLength || newLen > MaxLength {
				return Set{}, fmt.Errorf("part %d: the document would exceed %d units", part, MaxLength)
			}
			p.space()
			if p.eat(']') {
				break
			}
			if !p.eat(',') {
				return Set{}, p.errorf("expected ',' or ']' after part %d", part)
			}
		}
	}
	p.space()
	if p.i != len(p.data) {
		return Set{}, p.errorf("unexpected data after the change set")
	}
	out := Set{}
	if len(s.sections) > 0 {
		out.sections = append(make([]int, 0, len(s.sections)), s.sections...)
	}
	if len(s.inserted) > 0 {
		out.inserted = append(make([][]uint16, 0, len(s.inserted)), s.inserted...)
	}
	return out, nil
}

// normalForm checks that the section (length, ins) would be appended as is
// after sections by addSection, i.e. that CodeMirror could have written it.
func normalForm(sections []int, length, ins, part int) error {
	if length == 0 && ins <= 0 {
		return fmt.Errorf("part %d is empty", part)
	}
	last := len(sections) - 2
	if last < 0 {
		return nil
	}
	if ins <= 0 && ins == sections[last+1] {
		if ins < 0 {
			return fmt.Errorf("parts %d and %d both keep text: write them as one", part-1, part)
		}
		return fmt.Errorf("parts %d and %d both delete text: write them as one", part-1, part)
	}
	if length == 0 && sections[last] == 0 {
		return fmt.Errorf("parts %d and %d both insert at one position: write them as one", part-1, part)
	}
	return nil
}

// part reads one element of the change set. text is nil for a kept stretch
// or a plain deletion.
func (p *parser) part(part int) (length, ins int, text []uint16, err error) {
	if p.i < len(p.data) && p.data[p.i] != '[' {
		length, err = p.number(part)
		return length, -1, nil, err
	}
	if !p.eat('[') {
		return 0, 0, nil, p.errorf("part %d: expected a number or an array", part)
	}
	p.space()
	if length, err = p.number(part); err != nil {
		return 0, 0, nil, err
	}
	for line := 0; ; line++ {
		p.space()
		if p.eat(']') {
			break
		}
		if !p.eat(',') {
			return 0, 0, nil, p.errorf("part %d: expected ',' or ']'", part)
		}
		p.space()
		if line > 0 {
			text = append(text, '\n')
		} else {
			text = []uint16{}
		}
		if text, err = p.line(text, part, line); err != nil {
			return 0, 0, nil, err
		}
	}
	return length, len(text), text, nil
}

// number reads a non-negative integer written as plain digits.
func (p *parser) number(part int) (int, error) {
	start := p.i
	if p.i < len(p.data) && p.data[p.i] == '-' {
		return 0, p.errorf("part %d: negative length", part)
	}
	n := 0
	for p.i < len(p.data) && p.data[p.i] >= '0' && p.data[p.i] <= '9' {
		if p.i > start && p.data[start] == '0' {
			return 0, p.errorf("part %d: number with a leading zero", part)
		}
		n = n*10 + int(p.data[p.i]-'0')
		if n > MaxLength {
			return 0, p.errorf("part %d: length above %d", part, MaxLength)
		}
		p.i++
	}
	if p.i == start {
		if p.i < len(p.data) && (p.data[p.i] == '"' || p.data[p.i] == '{' || p.data[p.i] == '[' ||
			p.data[p.i] == 't' || p.data[p.i] == 'f' || p.data[p.i] == 'n') {
			return 0, p.errorf("part %d: expected a number for the length", part)
		}
		return 0, p.errorf("part %d: expected a number", part)
	}
	if p.i < len(p.data) && (p.data[p.i] == '.' || p.data[p.i] == 'e' || p.data[p.i] == 'E') {
		return 0, p.errorf("part %d: length is not a plain integer", part)
	}
	return n, nil
}

// line reads a JSON string and appends its UTF-16 units to dst.
func (p *parser) line(dst []uint16, part, line int) ([]uint16, error) {
	if !p.eat('"') {
		return nil, p.errorf("part %d: inserted line %d is not a string", part, line)
	}
	// A string never has more UTF-16 units than bytes: make room once.
	if n := p.stringBytes(); cap(dst)-len(dst) < n {
		dst = append(make([]uint16, 0, len(dst)+n), dst...)
	}
	for {
		if p.i >= len(p.data) {
			return nil, p.errorf("part %d: unterminated string", part)
		}
		c := p.data[p.i]
		switch {
		case c == '"':
			p.i++
			return dst, nil
		case c == '\\':
			u, err := p.escape(part)
			if err != nil {
				return nil, err
			}
			switch {
			case u == '\n':
				return nil, p.errorf("part %d: inserted line %d holds a line break", part, line)
			case isHigh(u):
				low, err := p.lowSurrogate(part)
				if err != nil {
					return nil, err
				}
				dst = append(dst, u, low)
			case isLow(u):
				return nil, p.errorf("part %d: lone surrogate \\u%04x in inserted line %d", part, u, line)
			default:
				dst = append(dst, u)
			}
		case c < 0x20:
			return nil, p.errorf("part %d: raw control character in a string", part)
		case c < utf8.RuneSelf:
			dst = append(dst, uint16(c))
			p.i++
		default:
			r, size := utf8.DecodeRune(p.data[p.i:])
			if r == utf8.RuneError && size == 1 {
				return nil, p.errorf("part %d: invalid UTF-8 in inserted line %d", part, line)
			}
			dst = utf16.AppendRune(dst, r)
			p.i += size
		}
	}
}

// stringBytes returns how many bytes remain before the closing quote of
// the string being read (or to the end of the input).
func (p *parser) stringBytes() int {
	for i := p.i; i < len(p.data); i++ {
		switch p.data[i] {
		case '"':
			return i - p.i
		case '\\':
			i++
		}
	}
	return len(p.data) - p.i
}

// escape reads a backslash escape and returns the unit it stands for.
func (p *parser) escape(part int) (uint16, error) {
	p.i++ // the backslash
	if p.i >= len(p.data) {
		return 0, p.errorf("part %d: unterminated escape", part)
	}
	c := p.data[p.i]
	p.i++
	switch c {
	case '"', '\\', '/':
		return uint16(c), nil
	case 'b':
		return '\b', nil
	case 'f':
		return '\f', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 't':
		return '\t', nil
	case 'u':
		if p.i+4 > len(p.data) {
			return 0, p.errorf("part %d: short \\u escape", part)
		}
		v, err := strconv.ParseUint(string(p.data[p.i:p.i+4]), 16, 16)
		if err != nil || p.data[p.i] == '+' || p.data[p.i] == '-' {
			return 0, p.errorf("part %d: bad \\u escape", part)
		}
		p.i += 4
		return uint16(v), nil
	}
	return 0, p.errorf("part %d: unknown escape \\%c", part, c)
}

// lowSurrogate reads the \uDCxx escape that must follow a high surrogate.
func (p *parser) lowSurrogate(part int) (uint16, error) {
	at := p.i
	if p.i+1 < len(p.data) && p.data[p.i] == '\\' && p.data[p.i+1] == 'u' {
		u, err := p.escape(part)
		if err != nil {
			return 0, err
		}
		if isLow(u) {
			return u, nil
		}
	}
	p.i = at
	return 0, p.errorf("part %d: lone surrogate (a high surrogate escape without its low half)", part)
}

func (p *parser) space() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) eat(c byte) bool {
	if p.i < len(p.data) && p.data[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("at byte %d: %s", p.i, fmt.Sprintf(format, args...))
}
