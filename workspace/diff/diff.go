// Package diff compares two texts of a procedure for people to read: a
// word-level diff whose pieces are whole words, spaces and punctuation,
// cleaned up so that a rewritten paragraph reads as one change, a summary
// (words added and removed, the Markdown sections touched), and the
// smallest change set that turns one text into the other, for restoring a
// version as an ordinary update. It is pure: no HTTP, no database.
package diff

import (
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"

	"tawla/workspace/change"
)

// Op says what a piece of a diff does.
type Op int8

// The operations of a diff.
const (
	// Equal text is in both texts.
	Equal Op = iota
	// Insert text is only in the newer text.
	Insert
	// Delete text is only in the older text.
	Delete
)

// Piece is a run of text with what the diff does to it. Pieces in a diff
// never hold two neighbours with the same Op.
type Piece struct {
	Op   Op
	Text string
}

// Words returns the word-level diff that turns a into b. Both texts are cut
// into tokens — runs of letters, marks and digits in any script (Arabic
// vowel marks stay with their word), runs of spaces, a line break, or one
// other character — so that no piece ever splits a word. The tokens are
// compared as diffmatchpatch compares lines in its line mode (one rune per
// distinct token), then cleaned up semantically, which folds the small
// equalities left between the changes of a rewritten paragraph into one
// deletion and one insertion.
func Words(a, b string) []Piece {
	if a == b {
		if a == "" {
			return nil
		}
		return []Piece{{Equal, a}}
	}
	var tokens []string
	index := map[string]rune{}
	encode := func(s string) []rune {
		var out []rune
		for _, tok := range tokenize(s) {
			r, ok := index[tok]
			if !ok {
				r = tokenRune(len(tokens))
				index[tok] = r
				tokens = append(tokens, tok)
			}
			out = append(out, r)
		}
		return out
	}
	ra, rb := encode(a), encode(b)
	dmp := diffmatchpatch.New()
	// No deadline: a diff that stopped half-way would be a wrong answer
	// shown as a right one, and a procedure is at most a few thousand
	// words.
	dmp.DiffTimeout = 0
	diffs := dmp.DiffMainRunes(ra, rb, false)
	diffs = dmp.DiffCleanupSemantic(diffs)

	var pieces []Piece
	for _, d := range diffs {
		var text strings.Builder
		for _, r := range d.Text {
			text.WriteString(tokens[runeToken(r)])
		}
		op := Equal
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = Insert
		case diffmatchpatch.DiffDelete:
			op = Delete
		}
		pieces = appendPiece(pieces, op, text.String())
	}
	return pieces
}

// appendPiece adds a piece, joining it to the last one when they do the
// same thing and dropping it when it is empty.
func appendPiece(pieces []Piece, op Op, text string) []Piece {
	if text == "" {
		return pieces
	}
	if n := len(pieces); n > 0 && pieces[n-1].Op == op {
		pieces[n-1].Text += text
		return pieces
	}
	return append(pieces, Piece{op, text})
}

// tokenRune is the rune standing for the i-th distinct token. It skips the
// surrogate range, which a Go string cannot hold: the cleanup passes the
// runes through strings.
func tokenRune(i int) rune {
	r := rune(i + 1)
	if r >= 0xD800 {
		r += 0x800
	}
	return r
}

// runeToken is the inverse of tokenRune.
func runeToken(r rune) int {
	if r >= 0xD800+0x800 {
		r -= 0x800
	}
	return int(r) - 1
}

// tokenize cuts s into the tokens Words compares; their concatenation is s.
func tokenize(s string) []string {
	var tokens []string
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		n := size
		switch {
		case isWordRune(r):
			n = runLength(s, isWordRune)
		case r == '\n':
		case unicode.IsSpace(r):
			n = runLength(s, func(r rune) bool { return r != '\n' && unicode.IsSpace(r) })
		}
		tokens = append(tokens, s[:n])
		s = s[n:]
	}
	return tokens
}

// runLength returns the length in bytes of the prefix of s whose runes all
// satisfy in.
func runLength(s string, in func(rune) bool) int {
	for i, r := range s {
		if !in(r) {
			return i
		}
	}
	return len(s)
}

// isWordRune reports whether r belongs in a word: a letter, a mark (accents
// written apart, Arabic harakat) or a digit. The tatweel (U+0640) is a
// letter modifier, so Arabic words stretched with it stay whole.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r)
}

// Summary says how much a diff changes, for people deciding whether to read
// it.
type Summary struct {
	WordsAdded   int
	WordsRemoved int
	// Sections are the titles of the Markdown headings under which
	// something changed, in the order of the texts; "" stands for the text
	// before the first heading.
	Sections []string
}

// Changed reports whether the diff changes anything at all, spaces
// included.
func (s Summary) Changed() bool {
	return s.WordsAdded > 0 || s.WordsRemoved > 0 || len(s.Sections) > 0
}

// Summarize counts the words pieces add and remove (whitespace and
// punctuation are not words) and lists the sections they touch. A change
// belongs to the section whose heading is in effect where it starts, in
// the text it comes from, and to every heading it rewrites.
func Summarize(pieces []Piece) Summary {
	var s Summary
	seen := map[string]bool{}
	add := func(title string) {
		if !seen[title] {
			seen[title] = true
			s.Sections = append(s.Sections, title)
		}
	}
	// Each side keeps the heading in effect and the line being read, so
	// that a heading is known once its line starts with '#'.
	type side struct {
		heading string
		line    strings.Builder
	}
	var old, cur side
	feed := func(sd *side, text string, changed bool) {
		for text != "" {
			if changed {
				add(sd.heading)
			}
			i := strings.IndexByte(text, '\n')
			part := text
			if i >= 0 {
				part = text[:i]
			}
			sd.line.WriteString(part)
			if title, ok := headingTitle(sd.line.String()); ok {
				if title != sd.heading && changed {
					add(title)
				}
				sd.heading = title
			}
			if i < 0 {
				return
			}
			sd.line.Reset()
			text = text[i+1:]
		}
	}
	for _, p := range pieces {
		switch p.Op {
		case Equal:
			feed(&old, p.Text, false)
			feed(&cur, p.Text, false)
		case Delete:
			s.WordsRemoved += countWords(p.Text)
			feed(&old, p.Text, true)
		case Insert:
			s.WordsAdded += countWords(p.Text)
			feed(&cur, p.Text, true)
		}
	}
	return s
}

// headingTitle returns the title of a Markdown ATX heading line ("## 2.
// Délais" → "2. Délais"), and false for any other line.
func headingTitle(line string) (string, bool) {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 {
		return "", false
	}
	level := len(t) - len(strings.TrimLeft(t, "#"))
	if level == 0 || level > 6 {
		return "", false
	}
	rest := t[level:]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return "", false
	}
	return strings.TrimSpace(strings.TrimRight(strings.TrimSpace(rest), "#")), true
}

// countWords counts the runs of word runes in s.
func countWords(s string) int {
	n := 0
	in := false
	for _, r := range s {
		w := isWordRune(r)
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

// Row is one paragraph of a diff, for the two views: Pieces is the inline
// view (deletions and insertions in place), Old and New are the two sides
// of the side-by-side view. Rows break where both texts break a line at
// the same place, so that a rewritten paragraph stays on one row.
type Row struct {
	Pieces []Piece
	Old    []Piece
	New    []Piece
}

// Changed reports whether the row holds a deletion or an insertion.
func (r Row) Changed() bool {
	for _, p := range r.Pieces {
		if p.Op != Equal {
			return true
		}
	}
	return false
}

// Rows cuts pieces into paragraphs at the line breaks of their equal text.
// The line breaks themselves are dropped; a deleted or inserted one stays
// in its piece.
func Rows(pieces []Piece) []Row {
	var rows []Row
	var row Row
	put := func(op Op, text string) {
		row.Pieces = appendPiece(row.Pieces, op, text)
		if op != Insert {
			row.Old = appendPiece(row.Old, Equal, text)
			if op == Delete {
				row.Old[len(row.Old)-1].Op = Delete
			}
		}
		if op != Delete {
			row.New = appendPiece(row.New, Equal, text)
			if op == Insert {
				row.New[len(row.New)-1].Op = Insert
			}
		}
	}
	for _, p := range pieces {
		if p.Op != Equal {
			put(p.Op, p.Text)
			continue
		}
		lines := strings.Split(p.Text, "\n")
		for i, line := range lines {
			if i > 0 {
				rows = append(rows, row)
				row = Row{}
			}
			put(Equal, line)
		}
	}
	if len(row.Pieces) > 0 {
		rows = append(rows, row)
	}
	return rows
}

// Changes returns the change set that turns from into to, touching only
// the ranges that differ (found by a character diff), so that the cursors
// and selections of people editing the text stay where they are wherever
// the two texts agree. Positions count UTF-16 code units, as the editor's
// do.
func Changes(from, to string) (change.Set, error) {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	diffs := dmp.DiffCleanupEfficiency(dmp.DiffMain(from, to, false))
	var specs []change.Spec
	pos := 0
	for _, d := range diffs {
		n := utf16Len(d.Text)
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			pos += n
		case diffmatchpatch.DiffDelete:
			// A deletion followed by an insertion is one replacement.
			specs = append(specs, change.Spec{From: pos, To: pos + n})
			pos += n
		case diffmatchpatch.DiffInsert:
			if k := len(specs) - 1; k >= 0 && specs[k].To == pos && specs[k].Insert == "" {
				specs[k].Insert = d.Text
			} else {
				specs = append(specs, change.Spec{From: pos, To: pos, Insert: d.Text})
			}
		}
	}
	return change.Of(utf16Len(from), specs...)
}

// utf16Len returns the length of s in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// Inserted reports whether the piece is only in the newer text.
func (p Piece) Inserted() bool { return p.Op == Insert }

// Deleted reports whether the piece is only in the older text.
func (p Piece) Deleted() bool { return p.Op == Delete }
