package search

import (
	"html/template"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fragment is one piece of a snippet: a run of the original text, a word
// that matches a term (Match), or the Ellipsis that stands for the text
// cut at either end. Text is plain text, not HTML: whoever shows it
// escapes it (SnippetHTML does).
type Fragment struct {
	Text  string
	Match bool
}

// Ellipsis is the Text of the fragment that stands for text cut off at the
// start or the end of a snippet.
const Ellipsis = "…"

// DefaultSnippetRunes is the length of a snippet when Snippet is given no
// positive length.
const DefaultSnippetRunes = 160

// Snippet returns the passage of text, at most maxRunes runes long (not
// counting the ellipses), that best shows why it matched terms, as
// fragments: the words that match a term on their own with Match set, the
// text between them merged into plain fragments, and an Ellipsis fragment
// at each end where text was cut. The passage is taken from the original
// text, not its normalised form, so it reads as written; runs of white
// space in it (line breaks included) are shown as one space, and the
// text's leading and trailing space is left out.
//
// A word of text (a run of letters and digits, with the marks, joiners and
// invisible characters inside it) matches when a word of its Normalize
// form has a term as a prefix, or is the term for a term of one rune, as
// MatchExpression's query matches; terms are normalised here too, so the
// words of Terms or a person's raw words both do. Only the first 64 terms
// count.
//
// The passage is the one with the most different terms, then the most
// matching words, the earliest of equals, and starts a little before its
// first match; a text without any match gives its beginning. It is cut
// only between a word and the punctuation or space beside it, never inside
// a word, a UTF-8 sequence or a letter with its combining marks, except
// that a single word longer than maxRunes is shown alone, cut after a
// whole letter and its marks (its fragment is a Match if the word is),
// and a letter with more marks than maxRunes is kept whole, the only case
// where a snippet is longer. Snippet of a text with nothing but space is
// nil.
//
// Snippet knows nothing of who may read what: the caller gives it only
// text that every reader of the results may see (never an issue's private
// fields).
func Snippet(text string, terms []string, maxRunes int) []Fragment {
	if maxRunes < 1 {
		maxRunes = DefaultSnippetRunes
	}
	text = strings.TrimSpace(strings.ToValidUTF8(text, "\uFFFD"))
	if text == "" {
		return nil
	}
	segs := segments(text, snippetTerms(terms))
	pre := make([]int, len(segs)+1)
	var words []int // indexes in segs of the words
	for i, s := range segs {
		pre[i+1] = pre[i] + s.runes
		if s.word {
			words = append(words, i)
		}
	}
	if pre[len(segs)] <= maxRunes {
		return fragments(segs, 0, len(segs)-1)
	}
	if len(words) == 0 { // one long run of punctuation or symbols
		return []Fragment{{Text: cutRunes(segs[0].text, maxRunes)}, {Text: Ellipsis}}
	}

	// A window runs from word lo to word hi (indexes in words), with the
	// text's leading or trailing punctuation when it reaches an end.
	first := func(lo int) int {
		if lo == 0 {
			return 0
		}
		return words[lo]
	}
	last := func(hi int) int {
		if hi == len(words)-1 {
			return len(segs) - 1
		}
		return words[hi]
	}
	span := func(lo, hi int) int { return pre[last(hi)+1] - pre[first(lo)] }

	var anchors []int
	for w, i := range words {
		if segs[i].mask != 0 {
			anchors = append(anchors, w)
		}
	}
	if len(anchors) == 0 {
		anchors = []int{0}
	}
	// The best anchor is the one whose window forward, as long as
	// maxRunes allows, holds the most different terms, then the most
	// matching words, the earliest of equals; two pointers count them.
	best, bestTerms, bestCount := anchors[0], -1, -1
	var perTerm [64]int
	distinct, count := 0, 0
	tally := func(w, delta int) {
		m := segs[words[w]].mask
		if m == 0 {
			return
		}
		count += delta
		for ; m != 0; m &= m - 1 {
			i := bits.TrailingZeros64(m)
			if delta > 0 && perTerm[i] == 0 {
				distinct++
			}
			perTerm[i] += delta
			if delta < 0 && perTerm[i] == 0 {
				distinct--
			}
		}
	}
	lo, end := 0, 0 // words[lo:end] are counted
	for _, a := range anchors {
		for ; lo < a; lo++ {
			if lo < end {
				tally(lo, -1)
			}
		}
		end = max(end, a)
		for end < len(words) && span(a, end) <= maxRunes {
			tally(end, +1)
			end++
		}
		n, c := distinct, count
		if end == a { // the anchor alone is longer than maxRunes
			n, c = bits.OnesCount64(segs[words[a]].mask), 1
		}
		if n > bestTerms || n == bestTerms && c > bestCount {
			best, bestTerms, bestCount = a, n, c
		}
	}

	// The window: the matches that fit after the anchor, then a little
	// context before it, as much after the last match as fits, and what
	// is left before it when the text ends.
	a := best
	bestLo, bestHi := a, a
	if span(a, a) <= maxRunes {
		for w := a + 1; w < len(words) && span(a, w) <= maxRunes; w++ {
			if segs[words[w]].mask != 0 {
				bestHi = w
			}
		}
		for bestLo > 0 && pre[words[a]]-pre[first(bestLo-1)] <= maxRunes/4 && span(bestLo-1, bestHi) <= maxRunes {
			bestLo--
		}
		for bestHi < len(words)-1 && span(bestLo, bestHi+1) <= maxRunes {
			bestHi++
		}
		for bestLo > 0 && span(bestLo-1, bestHi) <= maxRunes {
			bestLo--
		}
		// Not "… toujours l…": an elided article goes with the word
		// after it, or not at all.
		if bestHi > a && bestHi < len(words)-1 && segs[words[bestHi]].mask == 0 && elided(segs[words[bestHi]+1].text) {
			bestHi--
		}
	}

	if span(bestLo, bestHi) > maxRunes { // one word, too long on its own
		s := segs[words[bestLo]]
		var out []Fragment
		if words[bestLo] > 0 {
			out = append(out, Fragment{Text: Ellipsis})
		}
		return append(out, Fragment{Text: cutRunes(s.text, maxRunes), Match: s.mask != 0}, Fragment{Text: Ellipsis})
	}
	return fragments(segs, first(bestLo), last(bestHi))
}

// SnippetHTML returns Snippet(text, terms, maxRunes) as HTML: every
// fragment escaped as html/template escapes text, and each matching word
// wrapped in <mark>. It is safe to place in an element's content whatever
// text holds.
func SnippetHTML(text string, terms []string, maxRunes int) template.HTML {
	var b strings.Builder
	for _, f := range Snippet(text, terms, maxRunes) {
		if f.Match {
			b.WriteString("<mark>")
			b.WriteString(template.HTMLEscapeString(f.Text))
			b.WriteString("</mark>")
			continue
		}
		b.WriteString(template.HTMLEscapeString(f.Text))
	}
	return template.HTML(b.String())
}

// segment is a word of a text, or the run of space, punctuation and
// symbols between two words.
type segment struct {
	text  string // the original text; a gap's runs of white space are one space
	runes int    // the number of runes of text
	word  bool
	mask  uint64 // for a word, bit i set when it matches term i
}

// segments splits text into words and the gaps between them, alternately,
// and marks which terms each word matches. A combining mark or a
// zero-width joiner stays with the character before it, word or not, so
// that no boundary falls inside a letter with its marks or inside an
// emoji sequence.
func segments(text string, terms []string) []segment {
	segs := make([]segment, 0, len(text)/4) // a word and a gap: 7 or 8 bytes of French
	masks := map[string]uint64{}            // a text repeats its words
	add := func(s string, word bool) {
		seg := segment{text: s, word: word}
		if word {
			m, ok := masks[s]
			if !ok {
				for _, tok := range tokens(Normalize(s)) {
					for i, term := range terms {
						if matchesTerm(tok, term) {
							m |= 1 << i
						}
					}
				}
				masks[s] = m
			}
			seg.mask = m
		} else {
			seg.text = collapseSpace(s)
		}
		seg.runes = utf8.RuneCountInString(seg.text)
		segs = append(segs, seg)
	}
	start, word := 0, false
	for i, r := range text {
		if i > 0 && joinsPrevious(r) {
			continue
		}
		w := isTokenRune(r) || invisible(r)
		if i > 0 && w != word {
			add(text[start:i], word)
			start = i
		}
		word = w
	}
	add(text[start:], word)
	return segs
}

// elided reports whether the gap starts with an apostrophe, which makes
// the word before it an elided article or pronoun (l', d', qu').
func elided(gap string) bool {
	return strings.HasPrefix(gap, "'") || strings.HasPrefix(gap, "’")
}

// snippetTerms returns the normalised words of terms, each once, at most
// 64 of them (one bit each in a segment's mask).
func snippetTerms(terms []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range terms {
		for _, tok := range tokens(Normalize(t)) {
			if !seen[tok] && len(out) < 64 {
				seen[tok] = true
				out = append(out, tok)
			}
		}
	}
	return out
}

// joinsPrevious reports whether r belongs with the character before it:
// a combining mark (accents, Arabic vowels, variation selectors) or a
// zero-width joiner or non-joiner.
func joinsPrevious(r rune) bool {
	return r == '\u200C' || r == '\u200D' || unicode.Is(unicode.M, r)
}

// collapseSpace returns s with each run of white space replaced by one
// space.
func collapseSpace(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r != ' ' && unicode.IsSpace(r) }) && !strings.Contains(s, "  ") {
		return s // most gaps: one space, with or without punctuation
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// cutRunes returns the beginning of s, at most max runes long, not ending
// between a character and its combining marks; when the first character
// with its marks is longer than max on its own, it is all of it.
func cutRunes(s string, max int) string {
	n := 0
	cut := len(s)
	for i := range s {
		if n == max {
			cut = i
			break
		}
		n++
	}
	for end := cut; end > 0; {
		r, _ := utf8.DecodeRuneInString(s[end:])
		if end == len(s) || !joinsPrevious(r) {
			return s[:end]
		}
		_, size := utf8.DecodeLastRuneInString(s[:end])
		end -= size
	}
	_, end := utf8.DecodeRuneInString(s)
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		if !joinsPrevious(r) {
			break
		}
		end += size
	}
	return s[:end]
}

// fragments returns the fragments of segs[s0..s1]: matching words on their
// own, what is between them merged, and an Ellipsis where text was left
// out before s0 or after s1.
func fragments(segs []segment, s0, s1 int) []Fragment {
	var out []Fragment
	var plain strings.Builder
	flush := func() {
		if plain.Len() > 0 {
			out = append(out, Fragment{Text: plain.String()})
			plain.Reset()
		}
	}
	if s0 > 0 {
		out = append(out, Fragment{Text: Ellipsis})
	}
	for _, s := range segs[s0 : s1+1] {
		if s.mask != 0 {
			flush()
			out = append(out, Fragment{Text: s.text, Match: true})
			continue
		}
		plain.WriteString(s.text)
	}
	flush()
	if s1 < len(segs)-1 {
		out = append(out, Fragment{Text: Ellipsis})
	}
	return out
}
