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
// by '*' to make it a prefix query. A term that may take other forms in a
// text is a group of its forms joined by OR, in parentheses (termForms):
// an Arabic term its attached forms, a French term its stem as well. Every
// term, not only the last, is a prefix: unicode61 does no stemming, and
// French plurals and feminines (élève, élèves) and Arabic suffixes
// (مهاجر, مهاجرين) are suffixes, so that a prefix finds a word's forms; a
// single rune matches only a word of its own, or "3" would find every
// number starting with 3. A French word's other endings (orienter,
// orientés, orientation) are not suffixes of one another: the stem that
// frenchStem gives the term, as a prefix too, finds them.
//
// Terms should come from Terms (normalised, at most MaxTerms); any strings
// are safe all the same: NUL bytes and invalid UTF-8 are removed, a term
// without a letter or digit (which FTS5 would read as an empty phrase) is
// skipped, and terms after MaxTerms are ignored; every form of a term is
// quoted as the term is, and is letters only when it is not the term
// itself. MatchExpression returns "" when no term is left: the caller
// must then not query at all, since an empty MATCH expression is an FTS5
// syntax error.
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
// index is not changed: only the query looks further. No Arabic suffix is
// removed, and a term shorter than that keeps its one form, so "حث" does
// not find "بحث".
var (
	articleForms = []string{"ال", "وال", "بال", "فال", "كال", "لل"}
	proclitics   = []string{"و", "ب", "ل", "ف", "ك"}
)

const (
	minArticleBase = 2 // letters left after the article for it to be one
	minCliticBase  = 3 // letters a term needs to take a one-letter proclitic
)

// termForms returns the forms under which term is looked for: term alone,
// but for an Arabic term, its attached forms as well (see articleForms),
// and for a French term with a stem (see frenchStem), term and its stem.
func termForms(term string) []string {
	if !isArabicWord(term) {
		if stem := frenchStem(term); stem != "" {
			return []string{term, stem}
		}
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

// French inflects and derives its words at their end, and not as
// suffixes of one another: "orienter", "oriente", "orientés",
// "orientaient" and "orientation" share the stem "orient", but none is a
// prefix of the others, so a prefix query for one does not find the
// rest. frenchStem gives a term the stem left when one of
// frenchEndings is removed, which MatchExpression looks for as a prefix
// as well, OR the term itself. As with Arabic, the index is not changed:
// only the query looks further, and the term's own form stays, so that
// whatever the term found is still found, and a row holding the term
// itself matches both forms and, other things equal, ranks before one
// holding only another word of its stem.
//
// frenchEndings are written as Normalize leaves them (lower case, no
// accent: é is e), longest first, so that the longest ending that fits
// is removed: "orientaient" loses "aient", not "ent". They are
//
//   - the infinitives -er, -ir and -re (orienter, fournir, inscrire);
//   - the present and imperfect endings -ons, -ez, -ent, -ait, -aient
//     (orientons, orientez, orientent, orientait, orientaient);
//   - the past participles and feminines -e, -ee, -es, -ees (oriente,
//     orientee, orientes, orientees: orienté, orientée, orientés,
//     orientées), and the plurals -s and -x, with -aux of the plurals of
//     -al (nationaux, which finds national);
//   - the nouns of actions -ation(s), -ement(s) and -ment(s)
//     (orientation, accompagnement, versement), and -ption(s), which
//     takes inscription back to the stem of inscrire and inscrit
//     (inscri).
//
// Only one ending is removed, and only when at least minFrenchStem
// letters are left; when the longest ending that fits leaves fewer, the
// next one may ("mesure" cannot lose "re", which would leave "mesu", and
// loses "e": "mesur"; "eleves" cannot lose "es" and loses "s": "eleve",
// which finds élève as well as élèves).
//
// Five letters is where a stem stops being a prefix of unrelated words:
// four-letter stems such as "form" (former, formation), "port"
// (porter), "part" (partir), "donn" (donner) or "cent" (centre) begin
// formulaire, portail, partenaire, donnée and central, while five-letter
// ones ("orient", "inscri", "rentr", "mesur", "trait", "valid") mostly
// begin words of their own family; the few that do not (publier gives
// "publi", which begins public) widen a search a little, and every other
// term of the query must still match. A term of fewer than six letters, a
// number, or a term with a digit or a letter of another script has no
// stem. English words, which the same texts hold, lose the same endings
// (services gives servic, register regist, government govern): the stem
// is a prefix of the term and at least five letters long, so the search
// finds all it found before and, besides, a few words that begin the same
// way, most often the same word's other forms.
var frenchEndings = []string{
	"ations", "ements", "ptions",
	"aient", "ation", "ement", "ments", "ption",
	"ment",
	"aux", "ait", "ees", "ent", "ons",
	"ee", "er", "es", "ez", "ir", "re",
	"e", "s", "x",
}

// minFrenchStem is the fewest letters frenchStem leaves (see frenchEndings).
const minFrenchStem = 5

// frenchStem returns term without the longest of frenchEndings that leaves
// at least minFrenchStem letters, or "" when term is not a word of Latin
// letters or no ending leaves enough of it.
func frenchStem(term string) string {
	n := utf8.RuneCountInString(term)
	if n <= minFrenchStem || !isLatinWord(term) {
		return ""
	}
	for _, e := range frenchEndings {
		// An ending is ASCII: its length in bytes is its length in letters.
		if strings.HasSuffix(term, e) && n-len(e) >= minFrenchStem {
			return term[:len(term)-len(e)]
		}
	}
	return ""
}

// isLatinWord reports whether every rune of w is a Latin letter.
func isLatinWord(w string) bool {
	for _, r := range w {
		if !unicode.Is(unicode.Latin, r) || !unicode.IsLetter(r) {
			return false
		}
	}
	return w != ""
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
