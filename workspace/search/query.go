package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxTerms is the most terms Terms returns and MatchExpression uses; the
// words of a query after them are ignored.
const MaxTerms = 10

// Terms returns the words of a person's query, normalised (Normalize),
// in their order, each once, at most MaxTerms of them. A word is a run of
// letters and digits as FTS5's tokenizer splits it, so no character of
// FTS5's syntax survives: quotes, '*', '^', ':', '+', '-', parentheses and
// commas only separate words, and AND, OR, NOT and NEAR come out as the
// ordinary words "and", "or", "not" and "near", which MatchExpression
// quotes. A query can never inject FTS5 syntax.
//
// A word of a single letter is dropped when the query has a longer word or
// a number: the elided articles of French (the l and d of "l'état
// civil"), "a", "à" and "y" carry nothing a search can use, and since
// every term must match, they would exclude the documents that say the
// same thing without them. A single digit is kept ("article 3"), and so
// are single letters when the query has nothing else. Terms of a query
// without a word ("", "***") is nil.
func Terms(query string) []string {
	var words []string
	seen := map[string]bool{}
	longer := false
	for _, w := range tokens(Normalize(query)) {
		if seen[w] {
			continue
		}
		seen[w] = true
		words = append(words, w)
		if !singleLetter(w) {
			longer = true
		}
	}
	var terms []string
	for _, w := range words {
		if longer && singleLetter(w) {
			continue
		}
		if len(terms) == MaxTerms {
			break
		}
		terms = append(terms, w)
	}
	return terms
}

// singleLetter reports whether the word w is one rune that is not a number.
func singleLetter(w string) bool {
	r, size := utf8.DecodeRuneInString(w)
	return size == len(w) && !unicode.IsNumber(r)
}

// MatchExpression returns the FTS5 MATCH expression that finds the rows
// holding every term (AND between them): each term a string in double
// quotes, a double quote inside it doubled, so that FTS5 reads it as
// text and never as syntax, and, when it has at least two runes, followed
// by '*' to make it a prefix query. Every term, not only the last, is a
// prefix: unicode61 does no stemming, and French plurals and feminines
// (élève, élèves) and Arabic suffixes (مهاجر, مهاجرين) are suffixes, so
// that a prefix finds a word's forms; a single rune matches only a word of
// its own, or "3" would find every number starting with 3.
//
// Terms should come from Terms (normalised, at most MaxTerms); any strings
// are safe all the same: NUL bytes and invalid UTF-8 are removed, a term
// without a letter or digit (which FTS5 would read as an empty phrase) is
// skipped, and terms after MaxTerms are ignored. MatchExpression returns ""
// when no term is left: the caller must then not query at all, since
// an empty MATCH expression is an FTS5 syntax error.
func MatchExpression(terms []string) string {
	var b strings.Builder
	n := 0
	for _, t := range terms {
		if n == MaxTerms {
			break
		}
		t = strings.ReplaceAll(strings.ToValidUTF8(t, ""), "\x00", "")
		if !strings.ContainsFunc(t, isTokenRune) {
			continue
		}
		if n > 0 {
			b.WriteString(" AND ")
		}
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(t, `"`, `""`))
		b.WriteByte('"')
		if prefixable(t) {
			b.WriteByte('*')
		}
		n++
	}
	return b.String()
}

// prefixable reports whether term matches the words it begins (at least
// two runes) rather than only the word it is.
func prefixable(term string) bool {
	return utf8.RuneCountInString(term) > 1
}

// matchesTerm reports whether the normalised word token matches term as
// MatchExpression's query does: as a prefix when the term is prefixable,
// whole otherwise.
func matchesTerm(token, term string) bool {
	if prefixable(term) {
		return strings.HasPrefix(token, term)
	}
	return token == term
}
