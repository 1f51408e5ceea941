// Package search is the text side of full-text search over issues and
// published procedures, in French, Arabic and English, for the store's
// SQLite FTS5 tables. It is pure: no database, no HTTP.
//
// The store indexes Normalize(text) of each column in an FTS5 table made
// with tokenize = 'unicode61 remove_diacritics 2', turns a person's query
// into MatchExpression(Terms(query)), ranks the rows with bm25, and shows
// each result with Snippet (or SnippetHTML) of the original, unnormalised
// text. Normalize gives French words their form without accents and case,
// and Arabic words their form without short vowels and with the common
// spelling variants unified, so that "élève", "Eleve" and "ÉLÈVE" are one
// word, and "مُهَاجِر" and "مهاجر", "الهجرة" and "الهجره", are one word.
// Since the table holds the normalised text, FTS5's own snippet() and
// highlight() would show it without its accents and vowels: Snippet cuts
// the passage from the original text instead.
//
// Whatever is indexed can be found, and whatever is given to Snippet can
// be shown: the store indexes, for each audience, only what that audience
// may read (never an issue's private fields in an index that
// stakeholders or the public search).
//
// Words are what FTS5's unicode61 tokenizer calls tokens: maximal runs of
// letters (L*), numbers (N*) and private-use characters (Co); everything
// else separates them. Terms and Snippet split text the same way, so that a
// word marked in a snippet is a token that the index matched.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Normalize returns text in the form in which the index holds it and
// queries are compared with it. In order:
//
//  1. invalid UTF-8 becomes U+FFFD;
//  2. NFKC: compatibility forms become their ordinary letters (Arabic
//     presentation forms such as the ligature ﻻ become ل ا, the Latin
//     ligatures ﬁ and ĳ become fi and ij, full-width letters and digits
//     become ASCII, superscripts become digits);
//  3. full Unicode case folding (É → é, ß → ss, İ → i);
//  4. canonical decomposition (NFD) and removal of every nonspacing mark
//     (Mn): French accents and cedillas (é → e, ç → c), Arabic short
//     vowels, tanwin, shadda, sukun and the superscript alef (U+064B–U+065F,
//     U+0670), and the hamza or madda that NFD splits off a carrier, so
//     that أ إ آ become ا, ؤ becomes و and ئ becomes ي;
//  5. the letter mappings NFKD does not make: œ → oe, æ → ae, ø → o,
//     ł → l, đ → d; alef wasla ٱ → ا; alef maqsura ى and the Persian
//     yeh ی → ي; ta marbuta ة → ه; the Persian keheh ک → ك; Arabic-Indic
//     (٠–٩) and extended Arabic-Indic (۰–۹) digits → 0–9;
//  6. removal of the tatweel ـ (U+0640) and of characters that are
//     invisible inside a word: the soft hyphen, the zero-width joiner and
//     non-joiner, the word joiner, the byte order mark and the bidi marks
//     and controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069);
//  7. canonical composition (NFC), which puts back what NFD took apart
//     without marks (Hangul syllables).
//
// The set is conservative: it unifies only what Arabic writers
// themselves write either way (the seat of a hamza, the forms of alef,
// final ى and ي, final ة and ه) and what keyboards vary (Persian yeh and
// keheh). The bare hamza ء stays; ؤ and ئ become و and ي, not one
// another, so مسؤول and مسئول remain two words. No word is stemmed, in
// the index or here: the query does the rest (MatchExpression makes every
// term a prefix, so "élève" finds "élèves", looks for an Arabic term
// joined to its article or a one-letter proclitic as well, so "هجرة"
// finds "الهجرة" and "مهدية" finds "بالمهدية", and for a French term's
// stem as well, one common ending removed, so "orienter" finds "orientés"
// and "orientation").
//
// Word boundaries and punctuation are kept: FTS5's tokenizer splits the
// normalised text where a reader sees words in the original, a letter
// with its marks being part of its word. There are two exceptions: an
// invisible character of step 6 inside a word joins its halves into one
// word ("ré\u00ADgion" is "region"), and a compatibility character may
// expand into several words (the ligature ﷺ becomes four Arabic words).
// Lengths are not kept: removing marks and tatweel shortens the text, and
// œ, ß, ligatures and some compatibility characters lengthen it, so an
// offset in the normalised text means nothing in the original; Snippet
// works on the original text word by word for that reason. Normalize is
// idempotent.
func Normalize(text string) string {
	if isASCII(text) {
		return strings.ToLower(text)
	}
	text = strings.ToValidUTF8(text, "\uFFFD")
	text = norm.NFKC.String(text)
	text = cases.Fold().String(text)
	text = norm.NFD.String(text)
	var b strings.Builder
	b.Grow(len(text))
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Mn, r), r == tatweel, invisible(r):
			// dropped
		case r >= '\u0660' && r <= '\u0669':
			b.WriteByte(byte('0' + r - '\u0660'))
		case r >= '\u06F0' && r <= '\u06F9':
			b.WriteByte(byte('0' + r - '\u06F0'))
		default:
			if s, ok := letterMappings[r]; ok {
				b.WriteString(s)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return norm.NFC.String(b.String())
}

// tatweel is the Arabic letter-stretching character (kashida), a modifier
// letter that FTS5 would otherwise keep inside a word.
const tatweel = '\u0640'

// letterMappings holds the letters that Normalize replaces after case
// folding and the removal of marks, when NFKD does not decompose them.
var letterMappings = map[rune]string{
	'œ':      "oe",
	'æ':      "ae",
	'ø':      "o",
	'ł':      "l",
	'đ':      "d",
	'\u0671': "\u0627", // alef wasla → alef
	'\u0649': "\u064A", // alef maqsura → yeh
	'\u06CC': "\u064A", // Persian (Farsi) yeh → yeh
	'\u0629': "\u0647", // ta marbuta → heh
	'\u06A9': "\u0643", // keheh → kaf
}

// invisible reports whether r is a character that is not seen inside a
// word and that Normalize drops, so that it does not split the word in
// two for the tokenizer.
func invisible(r rune) bool {
	switch r {
	case '\u00AD', // soft hyphen
		'\u061C',           // Arabic letter mark
		'\u200C', '\u200D', // zero-width non-joiner and joiner
		'\u200E', '\u200F', // left-to-right and right-to-left marks
		'\u2060', // word joiner
		'\uFEFF': // zero-width no-break space, byte order mark
		return true
	}
	return r >= '\u202A' && r <= '\u202E' || r >= '\u2066' && r <= '\u2069'
}

// isASCII reports whether s is only ASCII, which Normalize merely lower-cases.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// isTokenRune reports whether FTS5's unicode61 tokenizer (with its default
// categories "L* N* Co") counts r as part of a word.
func isTokenRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r)
}

// tokens returns the words of normalized text as FTS5's unicode61
// tokenizer splits them.
func tokens(normalized string) []string {
	return strings.FieldsFunc(normalized, func(r rune) bool { return !isTokenRune(r) })
}
