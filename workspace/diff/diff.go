// Package diff compares two texts of a procedure for people to read: a
// word-level diff whose pieces are whole words, spaces and punctuation,
// cleaned up so that a rewritten paragraph reads as one change, a summary
// (words added and removed, the Markdown sections touched), and the
// smallest change set that turns one text into the other, for restoring a
// version as an ordinary update. Each comparison spends at most Budget
// steps and then settles for a coarser answer that is still exact
// (budget.go, blocks.go). It is pure: no HTTP, no database.
package diff

import (
	"slices"
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

// Words returns the word-level diff that turns a into b, within Budget
// steps: WordsWithin without saying whether it had to settle for the
// coarse view.
func Words(a, b string) []Piece {
	pieces, _ := WordsWithin(a, b, Budget)
	return pieces
}

// WordsWithin returns the word-level diff that turns a into b, spending at
// most steps (see Budget). It compares lines first, so that a paragraph
// moved or added whole is one deletion or insertion, then the words of
// each run of changed lines, the shortest runs first. Words are runs of
// letters, marks and digits in any script (Arabic vowel marks stay with
// their word); the other tokens are runs of spaces, a line break, or one
// other character, so that no piece ever splits a word. Tokens are
// compared as diffmatchpatch compares lines in its line mode (one rune per
// distinct token), then cleaned up semantically, which folds the small
// equalities left between the changes of a rewritten paragraph into one
// deletion and one insertion. Where a change so folded only respaces the
// same words, the spaces alone are shown as changed.
//
// When the steps run out, what is left is shown coarsely but correctly,
// and coarse is true: a run of changed lines whose words were not
// compared is one deletion and one insertion of those whole lines, and if
// even the lines could not be compared, everything between the lines the
// texts begin and end with is. Either way the pieces still turn a into b.
func WordsWithin(a, b string, steps int) (pieces []Piece, coarse bool) {
	if a == b {
		if a == "" {
			return nil, false
		}
		return []Piece{{Equal, a}}, false
	}
	return words(a, b, &budget{left: steps})
}

// words is WordsWithin spending bud, for a and b that differ.
func words(a, b string, bud *budget) (pieces []Piece, coarse bool) {
	lines, coarse := lineDiff(a, b, bud)
	blocks := changedBlocks(alignParagraphs(lines))
	for _, i := range bySize(blocks) {
		bl := &blocks[i]
		finer, ok := tokenDiff(bl.del, bl.ins, splitWords, true, bud)
		if !ok {
			coarse = true
			continue
		}
		bl.words = finer
	}
	for _, bl := range blocks {
		pieces = appendPiece(pieces, Equal, bl.equal)
		if bl.words != nil {
			for _, p := range bl.words {
				pieces = appendPiece(pieces, p.Op, p.Text)
			}
			continue
		}
		pieces = appendPiece(pieces, Delete, bl.del)
		pieces = appendPiece(pieces, Insert, bl.ins)
	}
	return pieces, coarse
}

// alignParagraphs slides each paragraph inserted or deleted whole, where
// the line diff is free to place it (its first line repeats the line after
// it, or its last the line before), to start after a blank line: a moved
// paragraph then reads "paragraph, blank line", not "blank line,
// paragraph".
func alignParagraphs(pieces []Piece) []Piece {
	atBreak := func(before string) bool {
		return before == "" || strings.HasSuffix(before, "\n\n")
	}
	for i := 1; i+1 < len(pieces); i++ {
		e1, x, e2 := &pieces[i-1], &pieces[i], &pieces[i+1]
		if x.Op == Equal || e1.Op != Equal || e2.Op != Equal {
			continue
		}
		for n := 0; n < 100 && !atBreak(e1.Text); n++ {
			first := x.Text[:strings.IndexByte(x.Text, '\n')+1]
			if first == "" || !strings.HasPrefix(e2.Text, first) {
				break
			}
			e1.Text += first
			x.Text = x.Text[len(first):] + first
			e2.Text = e2.Text[len(first):]
		}
	}
	out := pieces[:0]
	for _, p := range pieces {
		out = appendPiece(out, p.Op, p.Text)
	}
	return out
}

// tokenDiff diffs a and b cut into tokens by split, each distinct token
// standing for one rune, and cleans the result up semantically when
// cleanup is true. It reports false, with no pieces, when the differences
// cannot be found within the budget.
func tokenDiff(a, b string, split func(string) []string, cleanup bool, bud *budget) ([]Piece, bool) {
	var tokens []string
	index := map[string]rune{}
	encode := func(s string) []rune {
		var out []rune
		for _, tok := range split(s) {
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
	if !fits(ra, rb, bud) {
		return nil, false
	}
	dmp := diffmatchpatch.New()
	// No deadline: a diff that stopped half-way would be a wrong answer
	// shown as a right one, and a timer would make the answer depend on
	// the machine's load; the budget, spent by fits, bounds the work.
	dmp.DiffTimeout = 0
	raw := dmp.DiffMainRunes(ra, rb, false)
	diffs := raw
	if cleanup {
		diffs = dmp.DiffCleanupSemantic(slices.Clone(raw))
	}
	decode := func(diffs []diffmatchpatch.Diff) []Piece {
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
	pieces := decode(diffs)
	if cleanup && sameWords(pieces) {
		// The cleanup merged changes of spacing alone: show them as they
		// are, word for word.
		return decode(raw), true
	}
	return pieces, true
}

// sameWords reports whether the deleted and the inserted text of pieces
// hold the same words in the same order: the change is one of spacing.
func sameWords(pieces []Piece) bool {
	var del, ins []string
	for _, p := range pieces {
		switch p.Op {
		case Delete:
			del = append(del, strings.Fields(p.Text)...)
		case Insert:
			ins = append(ins, strings.Fields(p.Text)...)
		}
	}
	return slices.Equal(del, ins)
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

// splitLines cuts s into lines, each with its line break.
func splitLines(s string) []string {
	return strings.SplitAfter(s, "\n")
}

// splitWords cuts s into the tokens Words compares; their concatenation is s.
func splitWords(s string) []string {
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
// the text it comes from, and to every heading it rewrites. A blank line
// added or removed belongs with the line after it: to the section it is
// in when it joins or parts two paragraphs, but to nothing more when a
// heading added or removed follows it, since the blank line before a new
// section is part of that section, not a change of the one above.
func Summarize(pieces []Piece) Summary {
	var s Summary
	seen := map[string]bool{}
	add := func(title string) {
		if !seen[title] {
			seen[title] = true
			s.Sections = append(s.Sections, title)
		}
	}
	// Each side reads its text line by line, keeping the heading in
	// effect; a line that something changed counts, once complete, for
	// its own title if it is a heading, else for the heading above it.
	type side struct {
		heading string
		line    strings.Builder
		dirty   bool
		// blank is set by a changed blank line, until the next line that
		// is not blank says where it belongs.
		blank bool
	}
	var old, cur side
	endLine := func(sd *side) {
		line := sd.line.String()
		title, isHeading := headingTitle(line)
		blank := strings.TrimSpace(line) == ""
		if sd.blank && !blank {
			if !isHeading || !sd.dirty {
				add(sd.heading)
			}
			sd.blank = false
		}
		switch {
		case !sd.dirty:
		case isHeading:
			add(title)
		case blank:
			sd.blank = true
		default:
			add(sd.heading)
		}
		if isHeading {
			sd.heading = title
		}
		sd.line.Reset()
		sd.dirty = false
	}
	feed := func(sd *side, text string, changed bool) {
		for {
			i := strings.IndexByte(text, '\n')
			if i < 0 {
				sd.line.WriteString(text)
				sd.dirty = sd.dirty || (changed && text != "")
				return
			}
			sd.line.WriteString(text[:i])
			// A changed line break changes the line it ends.
			sd.dirty = sd.dirty || changed
			endLine(sd)
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
	for _, sd := range []*side{&old, &cur} {
		endLine(sd)
		if sd.blank { // a blank line changed at the end of the text
			add(sd.heading)
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

// Rows cuts pieces into paragraphs at the line breaks of their equal text,
// and of the lines they insert or delete whole. The line breaks themselves
// are dropped; one within a change that starts mid-line stays in its
// piece.
func Rows(pieces []Piece) []Row {
	var rows []Row
	var row Row
	put := func(op Op, text string) {
		row.Pieces = appendPiece(row.Pieces, op, text)
		if op != Insert {
			row.Old = appendPiece(row.Old, op, text)
		}
		if op != Delete {
			row.New = appendPiece(row.New, op, text)
		}
	}
	for _, p := range pieces {
		// Lines inserted or deleted whole, from the start of a row, get
		// rows of their own, empty on the other side; a change that
		// starts within a line stays in that line's row, whatever it
		// spans.
		if p.Op != Equal && len(row.Pieces) > 0 {
			put(p.Op, p.Text)
			continue
		}
		lines := strings.Split(p.Text, "\n")
		for i, line := range lines {
			if i > 0 {
				rows = append(rows, row)
				row = Row{}
			}
			put(p.Op, line)
		}
	}
	if len(row.Pieces) > 0 {
		rows = append(rows, row)
	}
	return rows
}

// Changes returns the change set that turns from into to, touching only
// the ranges that differ, so that the cursors and selections of people
// editing the text stay where they are wherever the two texts agree.
// Positions count UTF-16 code units, as the editor's do. The ranges are
// found by a character diff of the whole texts when that fits within
// Budget steps; otherwise by a line diff, then a character diff of each
// run of changed lines, the shortest first, for as long as the budget
// lasts (a run left over is replaced whole); and if even the lines cannot
// be compared, everything between the lines both texts begin and end
// with is replaced. The change set turns from into to in every case.
func Changes(from, to string) (change.Set, error) {
	specs, _ := changes(from, to, &budget{left: Budget})
	return change.Of(utf16Len(from), specs...)
}

// changes returns the change specs Changes makes, spending bud, and
// whether it had to settle for replacing whole lines.
func changes(from, to string, bud *budget) (specs []change.Spec, coarse bool) {
	// The character diff of the whole texts, the finest answer, may take
	// a quarter of the budget: the rest is for a line diff when it does
	// not fit.
	var pieces []Piece
	whole := bud.share(4, func(part *budget) (ok bool) {
		pieces, ok = charDiff(from, to, part)
		return ok
	})
	if !whole {
		var lines []Piece
		lines, coarse = lineDiff(from, to, bud)
		blocks := changedBlocks(lines)
		for _, i := range bySize(blocks) {
			bl := &blocks[i]
			var ok bool
			if bl.words, ok = charDiff(bl.del, bl.ins, bud); !ok {
				coarse = true
			}
		}
		for _, bl := range blocks {
			pieces = append(pieces, Piece{Equal, bl.equal})
			if bl.words != nil {
				pieces = append(pieces, bl.words...)
				continue
			}
			pieces = append(pieces, Piece{Delete, bl.del}, Piece{Insert, bl.ins})
		}
	}
	pos := 0
	for _, p := range pieces {
		n := utf16Len(p.Text)
		switch p.Op {
		case Equal:
			pos += n
		case Delete:
			if n == 0 {
				continue
			}
			// A deletion followed by an insertion is one replacement.
			specs = append(specs, change.Spec{From: pos, To: pos + n})
			pos += n
		case Insert:
			if n == 0 {
				continue
			}
			if k := len(specs) - 1; k >= 0 && specs[k].To == pos && specs[k].Insert == "" {
				specs[k].Insert = p.Text
			} else {
				specs = append(specs, change.Spec{From: pos, To: pos, Insert: p.Text})
			}
		}
	}
	return specs, coarse
}

// charDiff diffs a and b character by character and cleans the result up
// for efficiency (fewer, longer edits), or reports false when that does
// not fit within the budget.
func charDiff(a, b string, bud *budget) ([]Piece, bool) {
	ra, rb := []rune(a), []rune(b)
	if !fits(ra, rb, bud) {
		return nil, false
	}
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	diffs := dmp.DiffCleanupEfficiency(dmp.DiffMainRunes(ra, rb, false))
	pieces := make([]Piece, 0, len(diffs))
	for _, d := range diffs {
		op := Equal
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = Insert
		case diffmatchpatch.DiffDelete:
			op = Delete
		}
		pieces = append(pieces, Piece{op, d.Text})
	}
	return pieces, true
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
