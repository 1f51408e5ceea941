package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// This file ports the parts of ot-text-unicode (the npm package the ShareDB
// peer registers) that a ShareDB client needs: apply, transform, compose
// and normalisation, following the JavaScript line by line so that the Go
// clients and the server agree on every op. Positions and lengths count
// Unicode code points, as in ot-text-unicode; the editors' own positions
// are UTF-16 units and are converted at the edge (sharedbEditor.Edit).
// TestTextOpMatchesOTTextUnicode checks it against the npm package.

// textOp is an ot-text-unicode operation: components that walk the
// document from its start. A trailing skip is never kept.
type textOp []textComp

// textComp is one component: exactly one of its fields is non-zero.
type textComp struct {
	Skip int    // keep Skip code points
	Ins  []rune // insert these code points
	Del  int    // delete Del code points
}

type compKind int

const (
	compNone compKind = iota
	compSkip
	compIns
	compDel
)

func (c textComp) kind() compKind {
	switch {
	case c.Skip > 0:
		return compSkip
	case len(c.Ins) > 0:
		return compIns
	case c.Del > 0:
		return compDel
	}
	return compNone
}

// length is componentLength: the code points the component covers.
func (c textComp) length() int { return c.Skip + len(c.Ins) + c.Del }

// appendComp is makeAppend: it drops empty components and merges a
// component into the last one when they are of the same kind.
func appendComp(op textOp, c textComp) textOp {
	k := c.kind()
	if k == compNone {
		return op
	}
	if n := len(op); n > 0 && op[n-1].kind() == k {
		last := &op[n-1]
		switch k {
		case compSkip:
			last.Skip += c.Skip
		case compIns:
			// Copy: the inserted runes may be shared with another op.
			last.Ins = append(append([]rune(nil), last.Ins...), c.Ins...)
		case compDel:
			last.Del += c.Del
		}
		return op
	}
	return append(op, c)
}

// trim drops a trailing skip.
func trim(op textOp) textOp {
	if n := len(op); n > 0 && op[n-1].kind() == compSkip {
		return op[:n-1]
	}
	return op
}

// normalize merges adjacent components of one kind, drops empty ones and
// the trailing skip, like the type's normalize.
func (op textOp) normalize() textOp {
	var out textOp
	for _, c := range op {
		out = appendComp(out, c)
	}
	return trim(out)
}

// check is checkOp: no empty components, no adjacent skips, no trailing
// skip.
func (op textOp) check() error {
	for i, c := range op {
		if c.Skip < 0 || c.Del < 0 {
			return fmt.Errorf("component %d is negative", i)
		}
		n := 0
		for _, v := range []bool{c.Skip > 0, len(c.Ins) > 0, c.Del > 0} {
			if v {
				n++
			}
		}
		if n != 1 {
			return fmt.Errorf("component %d is empty or mixed", i)
		}
		if i > 0 && c.Skip > 0 && op[i-1].Skip > 0 {
			return errors.New("adjacent skip components should be combined")
		}
	}
	if n := len(op); n > 0 && op[n-1].Skip > 0 {
		return errors.New("op has a trailing skip")
	}
	return nil
}

// opReader is makeTake: it hands out an op's components piece by piece.
type opReader struct {
	op     textOp
	idx    int
	offset int // into the current component, in code points
}

// take returns up to n code points' worth of the next component (the whole
// component when n < 0, or when it is of the indivisible kind). Past the
// end of the op it returns a skip of n, or ok == false when n < 0.
func (r *opReader) take(n int, indivisible compKind) (c textComp, ok bool) {
	if r.idx == len(r.op) {
		if n < 0 {
			return textComp{}, false
		}
		return textComp{Skip: n}, true
	}
	cur := r.op[r.idx]
	rest := cur.length() - r.offset
	whole := n < 0 || rest <= n || cur.kind() == indivisible
	part := rest
	if !whole {
		part = n
	}
	switch cur.kind() {
	case compSkip:
		// Skips split even when inserts are indivisible.
		if n >= 0 && rest > n {
			part = n
			whole = false
		}
		c = textComp{Skip: part}
	case compIns:
		c = textComp{Ins: cur.Ins[r.offset : r.offset+part]}
	case compDel:
		c = textComp{Del: part}
	}
	if whole {
		r.idx++
		r.offset = 0
	} else {
		r.offset += part
	}
	return c, true
}

// peek returns the kind of the component take would hand out next.
func (r *opReader) peek() compKind {
	if r.idx == len(r.op) {
		return compNone
	}
	return r.op[r.idx].kind()
}

// transformText is transform(op1, op2, side): op1 rewritten to apply after
// op2. When both insert at one place, the left side's text goes first.
func transformText(op1, op2 textOp, left bool) (textOp, error) {
	if err := op1.check(); err != nil {
		return nil, err
	}
	if err := op2.check(); err != nil {
		return nil, err
	}
	var out textOp
	r := &opReader{op: op1}
	for _, c2 := range op2 {
		switch c2.kind() {
		case compSkip:
			length := c2.Skip
			for length > 0 {
				c1, _ := r.take(length, compIns)
				out = appendComp(out, c1)
				if c1.kind() != compIns {
					length -= c1.length()
				}
			}
		case compIns:
			if left && r.peek() == compIns {
				c1, _ := r.take(-1, compNone)
				out = appendComp(out, c1)
			}
			out = appendComp(out, textComp{Skip: len(c2.Ins)})
		case compDel:
			length := c2.Del
			for length > 0 {
				c1, _ := r.take(length, compIns)
				switch c1.kind() {
				case compSkip:
					length -= c1.Skip
				case compIns:
					out = appendComp(out, c1)
				case compDel:
					// Already deleted by op2.
					length -= c1.Del
				}
			}
		}
	}
	for {
		c, ok := r.take(-1, compNone)
		if !ok {
			break
		}
		out = appendComp(out, c)
	}
	return trim(out), nil
}

// composeText is compose(op1, op2): one op with the effect of op1 then op2.
func composeText(op1, op2 textOp) (textOp, error) {
	if err := op1.check(); err != nil {
		return nil, err
	}
	if err := op2.check(); err != nil {
		return nil, err
	}
	var out textOp
	r := &opReader{op: op1}
	for _, c2 := range op2 {
		switch c2.kind() {
		case compSkip:
			length := c2.Skip
			for length > 0 {
				chunk, _ := r.take(length, compDel)
				out = appendComp(out, chunk)
				if chunk.kind() != compDel {
					length -= chunk.length()
				}
			}
		case compIns:
			out = appendComp(out, c2)
		case compDel:
			length, offset := c2.Del, 0
			for offset < length {
				chunk, _ := r.take(length-offset, compDel)
				switch chunk.kind() {
				case compSkip:
					out = appendComp(out, textComp{Del: chunk.Skip})
					offset += chunk.Skip
				case compIns:
					offset += len(chunk.Ins)
				case compDel:
					out = appendComp(out, chunk)
				}
			}
		}
	}
	for {
		c, ok := r.take(-1, compNone)
		if !ok {
			break
		}
		out = appendComp(out, c)
	}
	return trim(out), nil
}

// applyText applies op to text and returns the new text and the change of
// its length in UTF-16 units. A single-region op (the usual edit) splices
// text in place; other ops build a new slice.
func applyText(text []rune, op textOp) ([]rune, int, error) {
	if err := op.check(); err != nil {
		return nil, 0, err
	}
	pos, i := 0, 0
	if len(op) > 0 && op[0].Skip > 0 {
		pos, i = op[0].Skip, 1
	}
	single := true
	for _, c := range op[i:] {
		if c.Skip > 0 {
			single = false
		}
	}
	if single {
		var ins []rune
		del := 0
		for _, c := range op[i:] {
			ins = append(ins, c.Ins...)
			del += c.Del
		}
		if pos+del > len(text) {
			return nil, 0, fmt.Errorf("op reaches past the end of the text (%d > %d)", pos+del, len(text))
		}
		delta := utf16Len(ins) - utf16Len(text[pos:pos+del])
		return spliceRunes(text, pos, del, ins), delta, nil
	}
	out := make([]rune, 0, len(text))
	at, delta := 0, 0
	for _, c := range op {
		switch c.kind() {
		case compSkip:
			if at+c.Skip > len(text) {
				return nil, 0, fmt.Errorf("skip past the end of the text (%d > %d)", at+c.Skip, len(text))
			}
			out = append(out, text[at:at+c.Skip]...)
			at += c.Skip
		case compIns:
			out = append(out, c.Ins...)
			delta += utf16Len(c.Ins)
		case compDel:
			if at+c.Del > len(text) {
				return nil, 0, fmt.Errorf("delete past the end of the text (%d > %d)", at+c.Del, len(text))
			}
			delta -= utf16Len(text[at : at+c.Del])
			at += c.Del
		}
	}
	return append(out, text[at:]...), delta, nil
}

// spliceRunes replaces text[pos:pos+del] with ins, in place when it can.
func spliceRunes(text []rune, pos, del int, ins []rune) []rune {
	grow := len(ins) - del
	if grow > 0 {
		text = append(text, make([]rune, grow)...)
		copy(text[pos+len(ins):], text[pos+del:len(text)-grow])
	} else if grow < 0 {
		copy(text[pos+len(ins):], text[pos+del:])
		text = text[:len(text)+grow]
	}
	copy(text[pos:], ins)
	return text
}

// utf16Len is the length of runes in UTF-16 units.
func utf16Len(runes []rune) int {
	n := len(runes)
	for _, r := range runes {
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// runeIndex converts a UTF-16 position in text to a code point position.
// A position inside a surrogate pair counts the whole pair.
func runeIndex(text []rune, pos16 int) (int, error) {
	units := 0
	for i, r := range text {
		if units >= pos16 {
			return i, nil
		}
		units += utf16.RuneLen(r)
	}
	if units >= pos16 {
		return len(text), nil
	}
	return 0, fmt.Errorf("position %d is past the end of the text (%d UTF-16 units)", pos16, units)
}

// MarshalJSON writes the wire form: numbers, strings and {"d": n}.
func (op textOp) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, c := range op {
		if i > 0 {
			b.WriteByte(',')
		}
		switch c.kind() {
		case compSkip:
			b.WriteString(strconv.Itoa(c.Skip))
		case compIns:
			s, err := json.Marshal(string(c.Ins))
			if err != nil {
				return nil, err
			}
			b.Write(s)
		case compDel:
			fmt.Fprintf(&b, `{"d":%d}`, c.Del)
		default:
			return nil, errors.New("empty component")
		}
	}
	b.WriteByte(']')
	return b.Bytes(), nil
}

// UnmarshalJSON reads the wire form; a delete may also carry the deleted
// text ({"d": "abc"}), which counts its code points.
func (op *textOp) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("text op: %w", err)
	}
	out := make(textOp, 0, len(raw))
	for _, r := range raw {
		r = bytes.TrimSpace(r)
		if len(r) == 0 {
			return errors.New("text op: empty component")
		}
		switch r[0] {
		case '"':
			var s string
			if err := json.Unmarshal(r, &s); err != nil {
				return err
			}
			out = append(out, textComp{Ins: []rune(s)})
		case '{':
			var d struct {
				D json.RawMessage `json:"d"`
			}
			if err := json.Unmarshal(r, &d); err != nil {
				return err
			}
			var n int
			if err := json.Unmarshal(d.D, &n); err != nil {
				var s string
				if err := json.Unmarshal(d.D, &s); err != nil {
					return fmt.Errorf("text op: delete %s", r)
				}
				n = utf8.RuneCountInString(s)
			}
			out = append(out, textComp{Del: n})
		default:
			n, err := strconv.Atoi(string(r))
			if err != nil {
				return fmt.Errorf("text op: component %s", r)
			}
			out = append(out, textComp{Skip: n})
		}
	}
	*op = out
	return nil
}
