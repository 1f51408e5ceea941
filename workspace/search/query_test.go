package search

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestTerms(t *testing.T) {
	tests := []struct {
		name, query string
		want        []string
	}{
		{"French", "élève", []string{"eleve"}},
		{"FrenchDeduplicated", "Élève ELEVE eleve élève", []string{"eleve"}},
		{"FrenchElision", "l'élève", []string{"eleve"}},
		{"FrenchElisions", "d'état civil", []string{"etat", "civil"}},
		{"FrenchOE", "Œuvre", []string{"oeuvre"}},
		{"SingleDigitKept", "article 3", []string{"article", "3"}},
		{"SingleLetterAlone", "a", []string{"a"}},
		{"SingleLettersAlone", "l d", []string{"l", "d"}},
		{"Arabic", "الهِجْرَة غير النظامية", []string{"الهجره", "غير", "النظاميه"}},
		{"ArabicSeparateWaw", "و المهاجر", []string{"المهاجر"}},
		{"ArabicDigits", "قانون ٢٠٢٦", []string{"قانون", "2026"}},
		{"Mixed", "Procédure المهاجر", []string{"procedure", "المهاجر"}},
		{"Order", "zeta alpha", []string{"zeta", "alpha"}},
		{"AtMostMaxTerms", "un deux trois quatre cinq six sept huit neuf dix onze douze",
			[]string{"un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix"}},
		{"Empty", "", nil},
		{"Spaces", "  \t\n ", nil},
		{"OnlySyntax", `"*^:()+-{},`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Terms(tc.query); !slices.Equal(got, tc.want) {
				t.Errorf("Terms(%q) = %q, want %q", tc.query, got, tc.want)
			}
		})
	}
}

func TestFrenchStem(t *testing.T) {
	tests := []struct {
		term, want string // want "": no stem, the term keeps its one form
	}{
		// The forms of a verb share its stem.
		{"orienter", "orient"},
		{"oriente", "orient"},
		{"orientee", "orient"},
		{"orientes", "orient"},
		{"orientees", "orient"},
		{"orientons", "orient"},
		{"orientez", "orient"},
		{"orientent", "orient"},
		{"orientait", "orient"},
		{"orientaient", "orient"}, // -aient, not -ent
		{"orientation", "orient"},
		{"orientations", "orient"},
		{"inscrire", "inscri"},
		{"inscription", "inscri"},
		{"inscriptions", "inscri"},
		{"fournir", "fourn"},
		{"accompagnement", "accompagn"}, // -ement, not -ment or -ent
		{"accompagnements", "accompagn"},
		{"reglement", "regle"},  // "regl" is too short: -ment
		{"versements", "verse"}, // "vers" is too short: -ments
		{"nationaux", "nation"},
		{"heureux", "heureu"},
		// When the longest ending leaves too little, a shorter one may do.
		{"mesure", "mesur"},
		{"centre", "centr"},
		{"eleves", "eleve"},
		{"issues", "issue"},
		// English words lose the same endings; the stem stays a long prefix.
		{"services", "servic"},
		{"register", "regist"},
		{"government", "govern"},
		// Short words, and stems that would be too short: no stem.
		{"eleve", ""},
		{"ecole", ""},
		{"etat", ""},
		{"porter", ""},
		{"former", ""},
		{"formation", ""},
		{"sante", ""},
		{"nation", ""},
		{"orient", ""},
		{"retour", ""},
		{"a", ""},
		{"", ""},
		// Numbers, words with a digit, other scripts: no stem.
		{"2026", ""},
		{"123456789", ""},
		{"proc2026", ""},
		{"orienter2", ""},
		{"مهاجرين", ""},
		{"الهجره", ""},
		{"образование", ""},
		{`x" OR "y`, ""},
		{"orien\"ter", ""},
	}
	for _, tc := range tests {
		if got := frenchStem(tc.term); got != tc.want {
			t.Errorf("frenchStem(%q) = %q, want %q", tc.term, got, tc.want)
		}
		want := []string{tc.term}
		if tc.want != "" {
			want = append(want, tc.want)
		}
		if !isArabicWord(tc.term) {
			if got := termForms(tc.term); !slices.Equal(got, want) {
				t.Errorf("termForms(%q) = %q, want %q", tc.term, got, want)
			}
		}
	}
}

// TestFrenchEndingsLongestFirst checks that frenchEndings is ordered so
// that the longest ending that fits is the one removed.
func TestFrenchEndingsLongestFirst(t *testing.T) {
	for i := 1; i < len(frenchEndings); i++ {
		if len(frenchEndings[i]) > len(frenchEndings[i-1]) {
			t.Errorf("frenchEndings: %q comes after the shorter %q", frenchEndings[i], frenchEndings[i-1])
		}
	}
	for _, e := range frenchEndings {
		if e == "" || Normalize(e) != e || !isLatinWord(e) {
			t.Errorf("frenchEndings: %q is not a normalised ending", e)
		}
	}
}

// TestMatchesTermFrenchStem checks that a word marked in a snippet is one
// the query's stem matches, and only that.
func TestMatchesTermFrenchStem(t *testing.T) {
	for _, tok := range []string{"orienter", "orientes", "orientation", "oriente", "orientaient"} {
		if !matchesTerm(tok, "orienter") {
			t.Errorf("matchesTerm(%q, %q) = false, want true", tok, "orienter")
		}
	}
	for _, tok := range []string{"orien", "origine", "organiser", "portail"} {
		if matchesTerm(tok, "orienter") || matchesTerm(tok, "porter") {
			t.Errorf("matchesTerm(%q, orienter or porter) = true, want false", tok)
		}
	}
}

// injections are queries written as FTS5 syntax, or as attempts to break
// out of a quoted string: Terms must read them as words.
var injections = []struct {
	name, query string
	want        []string
}{
	{"QuoteOr", `" OR 1`, []string{"or", "1"}},
	{"QuoteOrQuote", `ab" OR "cd`, []string{"ab", "or", "cd"}},
	{"Near", `NEAR(eleve ecole, 3)`, []string{"near", "eleve", "ecole", "3"}},
	{"NearUnclosed", `NEAR(`, []string{"near"}},
	{"ColumnFilter", `title:eleve`, []string{"title", "eleve"}},
	{"ColumnSetFilter", `{title body}: eleve`, []string{"title", "body", "eleve"}},
	{"NegatedColumn", `- title : eleve`, []string{"title", "eleve"}},
	{"Star", `*`, nil},
	{"Prefix", `ele*`, []string{"ele"}},
	{"Caret", `^eleve`, []string{"eleve"}},
	{"Plus", `eleve + ecole`, []string{"eleve", "ecole"}},
	{"UnbalancedQuote", `"unbalanced`, []string{"unbalanced"}},
	{"DoubledQuotes", `""eleve""`, []string{"eleve"}},
	{"UnbalancedParenthesis", `(eleve OR ecole`, []string{"eleve", "or", "ecole"}},
	{"Operators", `eleve AND NOT ecole`, []string{"eleve", "and", "not", "ecole"}},
	{"OperatorsAlone", `AND OR NOT`, []string{"and", "or", "not"}},
	{"SQL", `'; DROP TABLE issues; --`, []string{"drop", "table", "issues"}},
	{"NUL", "eleve\x00ecole", []string{"eleve", "ecole"}},
	{"FullWidthQuote", "＂eleve＂", []string{"eleve"}},
}

func TestTermsNoFTS5Syntax(t *testing.T) {
	for _, tc := range injections {
		t.Run(tc.name, func(t *testing.T) {
			if got := Terms(tc.query); !slices.Equal(got, tc.want) {
				t.Errorf("Terms(%q) = %q, want %q", tc.query, got, tc.want)
			}
		})
	}
}

func TestMatchExpression(t *testing.T) {
	tests := []struct {
		name  string
		terms []string
		want  string
	}{
		{"None", nil, ""},
		{"One", []string{"eleve"}, `"eleve"*`},
		{"AND", []string{"eleve", "ecole"}, `"eleve"* AND "ecole"*`},
		{"SingleRuneNotPrefix", []string{"article", "3"}, `("article"* OR "articl"*) AND "3"`},
		// An Arabic term is also looked for without its article, or with
		// the article and the proclitics that join it.
		{"ArabicWithArticle", []string{"الهجره"}, `("هجره"* OR "الهجره"* OR "والهجره"* OR "بالهجره"* OR "فالهجره"* OR "كالهجره"* OR "للهجره"*)`},
		// Without article: with it, or with a one-letter proclitic.
		{"ArabicWithoutArticle", []string{"شباك"}, `("شباك"* OR "الشباك"* OR "والشباك"* OR "بالشباك"* OR "فالشباك"* OR "كالشباك"* OR "للشباك"* OR "وشباك"* OR "بشباك"* OR "لشباك"* OR "فشباك"* OR "كشباك"*)`},
		// Too short for a proclitic ("حث" is not "بحث"), or for what
		// follows "ال" to be a word.
		{"ArabicShort", []string{"حث"}, `"حث"*`},
		{"ArabicArticleOfOneLetter", []string{"الي"}, `"الي"*`},
		// A French term is also looked for by its stem, as a prefix.
		{"FrenchStem", []string{"orienter"}, `("orienter"* OR "orient"*)`},
		{"FrenchStemAND", []string{"orientes", "eleve"}, `("orientes"* OR "orient"*) AND "eleve"*`},
		{"FrenchStemShortWordsAlone", []string{"etat", "civil"}, `"etat"* AND "civil"*`},
		{"FrenchStemNumberAlone", []string{"demande", "2026"}, `("demande"* OR "demand"*) AND "2026"*`},
		{"Operators", []string{"or", "near"}, `"or"* AND "near"*`},
		{"QuoteDoubled", []string{`a"b`}, `"a""b"*`},
		{"BreakOut", []string{`x" OR "y`}, `"x"" OR ""y"*`},
		{"NoWordSkipped", []string{"", "*", `"`, "\x00", " ", "eleve"}, `"eleve"*`},
		{"OnlyNoWords", []string{"", "*", "()"}, ""},
		{"NULRemoved", []string{"ele\x00ve"}, `"eleve"*`},
		{"InvalidUTF8Removed", []string{"ele\xffve"}, `"eleve"*`},
		{"AtMostMaxTerms", strings.Fields("a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11"),
			`"a1"* AND "a2"* AND "a3"* AND "a4"* AND "a5"* AND "a6"* AND "a7"* AND "a8"* AND "a9"* AND "a10"*`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := MatchExpression(tc.terms); got != tc.want {
				t.Errorf("MatchExpression(%q) = %q, want %q", tc.terms, got, tc.want)
			}
		})
	}
}

// safeExpression is the only shape MatchExpression may return: quoted
// strings, each perhaps a prefix, or groups of them joined by OR, joined by
// AND (or nothing at all).
var safeExpression = regexp.MustCompile(`^$|^` + safeElement + `(?: AND ` + safeElement + `)*$`)

// safeTerm is one quoted string, perhaps a prefix; safeElement is one, or
// several in parentheses joined by OR (an Arabic term's forms).
const (
	safeTerm    = `"(?:[^"\x00]|"")+"\*?`
	safeElement = `(?:` + safeTerm + `|\(` + safeTerm + `(?: OR ` + safeTerm + `)*\))`
)

// FuzzTerms checks, for any query, that its terms are words (letters and
// digits only), at most MaxTerms of them, each once, and that
// MatchExpression makes of them an expression of the safe shape; the
// injections are its seeds, so that `go test` runs them.
func FuzzTerms(f *testing.F) {
	for _, tc := range injections {
		f.Add(tc.query)
	}
	f.Add("l'élève d'état الهِجْرَة ٢٠٢٦")
	f.Add("Orientés ORIENTATION inscrire nationaux services")
	f.Fuzz(func(t *testing.T, query string) {
		terms := Terms(query)
		if len(terms) > MaxTerms {
			t.Errorf("Terms(%q) has %d terms, want at most %d", query, len(terms), MaxTerms)
		}
		seen := map[string]bool{}
		for _, term := range terms {
			if term == "" || strings.ContainsFunc(term, func(r rune) bool { return !isTokenRune(r) }) {
				t.Errorf("Terms(%q) has the term %q, not a word", query, term)
			}
			if seen[term] {
				t.Errorf("Terms(%q) has %q twice", query, term)
			}
			seen[term] = true
		}
		expr := MatchExpression(terms)
		if !safeExpression.MatchString(expr) {
			t.Errorf("MatchExpression(Terms(%q)) = %q, not quoted terms joined by AND", query, expr)
		}
		if (expr == "") != (len(terms) == 0) {
			t.Errorf("MatchExpression(%q) = %q", terms, expr)
		}
	})
}

// FuzzMatchExpression checks that MatchExpression quotes whatever it is
// given: the result has the safe shape.
func FuzzMatchExpression(f *testing.F) {
	for _, tc := range injections {
		f.Add(tc.query)
	}
	f.Fuzz(func(t *testing.T, term string) {
		terms := []string{term, "eleve", term}
		if expr := MatchExpression(terms); !safeExpression.MatchString(expr) {
			t.Errorf("MatchExpression(%q) = %q, not quoted terms joined by AND", terms, expr)
		}
	})
}
