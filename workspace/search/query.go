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
// by '*' to make it a prefix query. An Arabic term is a group of its
// attached forms joined by OR, in parentheses (termForms). Every term, not only the last, is a
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
		forms := termForms(t)
		if len(forms) > 1 {
			b.WriteByte('(')
		}
		for i, f := range forms {
			if i > 0 {
				b.WriteString(" OR ")
			}
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(f, `"`, `""`))
			b.WriteByte('"')
			if prefixable(f) {
				b.WriteByte('*')
			}
		}
		if len(forms) > 1 {
			b.WriteByte(')')
		}
		n++
	}
	return b.String()
}

// Arabic writes its article and some one-letter words joined to the word
// that follows: "الشباك" (the desk), "بالمهدية" (in Mahdia), "وتوجيهه"
// (and his referral). unicode61 keeps such a run as one token, so a query
// for "شباك" would not find "الشباك". termForms gives, for an Arabic term,
// the forms it may take in a text, in their normalised spelling, which
// MatchExpression joins with OR: the term without its article if it has
// one, with the article and the proclitics that join it (وال بال فال كال,
// and لل for ل + ال), and, for a term typed without article and of three
// letters or more, with one of the one-letter proclitics و ب ل ف ك. The
// index is not changed: only the query looks further. Nothing is stemmed
// beyond those prefixes, and a term shorter than that keeps its one form,
// so "حث" does not find "بحث".
var (
	articleForms = []string{"ال", "وال", "بال", "فال", "كال", "لل"}
	proclitics   = []string{"و", "ب", "ل", "ف", "ك"}
)

const (
	minArticleBase = 2 // letters left after the article for it to be one
	minCliticBase  = 3 // letters a term needs to take a one-letter proclitic
)

// termForms returns the forms under which term is looked for: term alone,
// but for an Arabic term, its attached forms as well (see articleForms).
func termForms(term string) []string {
	if !isArabicWord(term) {
		return []string{term}
	}
	base, hadArticle := term, false
	for _, a := range articleForms {
		if rest, ok := strings.CutPrefix(term, a); ok {
			if utf8.RuneCountInString(rest) < minArticleBase {
				return []string{term} // a short word such as "الى", not an article
			}
			base, hadArticle = rest, true
			break
		}
	}
	if !hadArticle && utf8.RuneCountInString(base) < minCliticBase {
		return []string{term}
	}
	forms := []string{base}
	for _, a := range articleForms {
		forms = append(forms, a+base)
	}
	if !hadArticle {
		for _, c := range proclitics {
			forms = append(forms, c+base)
		}
	}
	return forms
}

// isArabicWord reports whether every rune of w is an Arabic letter.
func isArabicWord(w string) bool {
	for _, r := range w {
		if !unicode.Is(unicode.Arabic, r) || !unicode.IsLetter(r) {
			return false
		}
	}
	return w != ""
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
	for _, f := range termForms(term) {
		if prefixable(f) && strings.HasPrefix(token, f) || token == f {
			return true
		}
	}
	return false
}
