package search

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// minutes is a French paragraph long enough to be cut.
const minutes = "La table de coordination régionale de Mahdia s'est réunie lundi. " +
	"Après un long débat sur les transports, le directeur régional a présenté la situation " +
	"de l'élève rentré d'Italie, qui attend toujours l'équivalence de son diplôme. " +
	"La séance a été levée à midi."

// minutesAR is an Arabic paragraph long enough to be cut.
const minutesAR = "استقبلت الطاولة الجهوية للتنسيق بالمهدية المُهَاجِر العائد من إيطاليا، " +
	"وناقشت مسألة الهجرة غير النظامية وتسجيل التلاميذ العائدين في المعاهد."

// plain and match make the fragments of the expected snippets.
func plain(s string) Fragment { return Fragment{Text: s} }
func match(s string) Fragment { return Fragment{Text: s, Match: true} }

var ellipsis = plain(Ellipsis)

func TestSnippet(t *testing.T) {
	accents := strings.Repeat("e\u0301", 30) // é, decomposed, 30 times
	tests := []struct {
		name, text, query string
		maxRunes          int
		want              []Fragment
	}{
		{"FrenchWhole", "Le directeur a reçu l'élève hier.", "eleve", 100,
			[]Fragment{plain("Le directeur a reçu l'"), match("élève"), plain(" hier.")}},
		{"FrenchCaseAndAccents", "L'ELEVE et les élèves de l'école", "Élève", 100,
			[]Fragment{plain("L'"), match("ELEVE"), plain(" et les "), match("élèves"), plain(" de l'école")}},
		{"FrenchPrefix", "Les élèves et l'élevage", "elev", 100,
			[]Fragment{plain("Les "), match("élèves"), plain(" et l'"), match("élevage")}},
		{"FrenchStem", "Le guichet oriente les jeunes vers l'orientation professionnelle.", "orienter", 100,
			[]Fragment{plain("Le guichet "), match("oriente"), plain(" les jeunes vers l'"), match("orientation"), plain(" professionnelle.")}},
		{"FrenchCutBothEnds", minutes, "eleve", 60,
			[]Fragment{ellipsis, plain("situation de l'"), match("élève"), plain(" rentré d'Italie, qui attend toujours"), ellipsis}},
		{"FrenchMostTerms", minutes, "élève diplôme", 80,
			[]Fragment{ellipsis, plain("de l'"), match("élève"), plain(" rentré d'Italie, qui attend toujours l'équivalence de son "), match("diplôme"), plain(". La"), ellipsis}},
		{"FrenchBestWindow", "Le premier élève. " + minutes, "eleve diplome", 90,
			[]Fragment{ellipsis, plain("la situation de l'"), match("élève"), plain(" rentré d'Italie, qui attend toujours l'équivalence de son "), match("diplôme"), ellipsis}},
		{"NoMatchBeginning", minutes, "absent", 50,
			[]Fragment{plain("La table de coordination régionale de Mahdia s'est"), ellipsis}},
		{"SingleRuneTermWhole", "article 3 et article 30", "article 3", 100,
			[]Fragment{match("article"), plain(" "), match("3"), plain(" et "), match("article"), plain(" 30")}},
		{"WhiteSpaceCollapsed", "Premier  paragraphe.\n\nDeuxième\tparagraphe sur l'élève.  ", "eleve", 100,
			[]Fragment{plain("Premier paragraphe. Deuxième paragraphe sur l'"), match("élève"), plain(".")}},
		{"ArabicVowelled", "يستقبل المكتب كل مُهَاجِر عائد", "مهاجر", 100,
			[]Fragment{plain("يستقبل المكتب كل "), match("مُهَاجِر"), plain(" عائد")}},
		{"ArabicWithArticle", "استقبل المكتب المُهَاجِر العائد", "المهاجر", 100,
			[]Fragment{plain("استقبل المكتب "), match("المُهَاجِر"), plain(" العائد")}},
		{"ArabicHamzaAndTaMarbuta", "رئيس المكتب مسؤول عن الأرشيف و المراسلة", "مسؤول الارشيف المراسله", 100,
			[]Fragment{plain("رئيس المكتب "), match("مسؤول"), plain(" عن "), match("الأرشيف"), plain(" و "), match("المراسلة")}},
		{"ArabicCutBothEnds", minutesAR, "الهجره", 40,
			[]Fragment{ellipsis, plain("وناقشت مسألة "), match("الهجرة"), plain(" غير النظامية وتسجيل"), ellipsis}},
		{"MixedScripts", "Procédure PROC-2026-003 : الإجراء المشترك رقم ٣", "procedure الاجراء 3", 100,
			[]Fragment{match("Procédure"), plain(" PROC-2026-003 : "), match("الإجراء"), plain(" المشترك رقم "), match("٣")}},
		{"LongWordCutAfterMarks", "a " + accents + " b", "ee", 9,
			[]Fragment{ellipsis, match(accents[:4*len("e\u0301")]), ellipsis}},
		{"OnlySpace", " \n\t ", "eleve", 100, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Snippet(tc.text, Terms(tc.query), tc.maxRunes)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Snippet(%q, %q, %d) =\n%s\nwant\n%s", tc.text, tc.query, tc.maxRunes, show(got), show(tc.want))
			}
		})
	}
}

func TestSnippetHTML(t *testing.T) {
	tests := []struct {
		name, text, query, want string
	}{
		{"ScriptEscaped", `<script>alert("élève")</script>`, "eleve",
			`&lt;script&gt;alert(&#34;<mark>élève</mark>&#34;)&lt;/script&gt;`},
		{"MatchInsideMarkup", `<script>alert("élève")</script>`, "script",
			`&lt;<mark>script</mark>&gt;alert(&#34;élève&#34;)&lt;/<mark>script</mark>&gt;`},
		{"AmpersandAndQuote", `Tom & Jerry's <b>élève</b>`, "eleve",
			`Tom &amp; Jerry&#39;s &lt;b&gt;<mark>élève</mark>&lt;/b&gt;`},
		{"Arabic", `<b>الهجرة</b> غير النظامية`, "الهجرة",
			`&lt;b&gt;<mark>الهجرة</mark>&lt;/b&gt; غير النظامية`},
		{"NoMatch", `<img src=x onerror=alert(1)>`, "absent",
			`&lt;img src=x onerror=alert(1)&gt;`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(SnippetHTML(tc.text, Terms(tc.query), 100)); got != tc.want {
				t.Errorf("SnippetHTML(%q, %q) =\n%s\nwant\n%s", tc.text, tc.query, got, tc.want)
			}
		})
	}
}

// FuzzSnippet checks what every snippet must be, for any text, query and
// length: valid UTF-8, no longer than asked, a passage of the text (its
// white space collapsed) cut where no letter loses its marks, with
// ellipses only at its ends and only matching words marked.
func FuzzSnippet(f *testing.F) {
	f.Add(minutes, "eleve diplome", 60)
	f.Add(minutesAR, "الهجرة", 30)
	f.Add("a "+strings.Repeat("e\u0301", 30)+" b", "ee", 9)
	f.Add("👩\u200D👩\u200D👧 famille ❤\uFE0F élève", "eleve famille", 12)
	f.Add("\u0301\u0301\u0301 x", "x", 1)
	f.Fuzz(func(t *testing.T, text, query string, maxRunes int) {
		if maxRunes > 1000 || maxRunes < -1 || strings.Contains(text, Ellipsis) {
			return
		}
		terms := Terms(query)
		frags := Snippet(text, terms, maxRunes)
		if maxRunes < 1 {
			maxRunes = DefaultSnippetRunes
		}
		body := frags
		if len(body) > 0 && body[0] == ellipsis {
			body = body[1:]
		}
		if len(body) > 0 && body[len(body)-1] == ellipsis {
			body = body[:len(body)-1]
		}
		var joined strings.Builder
		for i, fr := range body {
			if fr == ellipsis {
				t.Fatalf("Snippet(%q, %q, %d) = %s: an ellipsis inside", text, terms, maxRunes, show(frags))
			}
			if !utf8.ValidString(fr.Text) || fr.Text == "" {
				t.Fatalf("Snippet(%q, %q, %d) = %s: fragment %q", text, terms, maxRunes, show(frags), fr.Text)
			}
			if i > 0 {
				if r, _ := utf8.DecodeRuneInString(fr.Text); joinsPrevious(r) {
					t.Errorf("Snippet(%q, %q, %d) = %s: fragment %q starts with a mark", text, terms, maxRunes, show(frags), fr.Text)
				}
			}
			longWord := len(body) == 1 && frags[len(frags)-1] == ellipsis // a matching word, cut
			if fr.Match && !longWord && !matchesAny(fr.Text, terms) {
				t.Errorf("Snippet(%q, %q, %d) = %s: %q matches no term", text, terms, maxRunes, show(frags), fr.Text)
			}
			joined.WriteString(fr.Text)
		}
		got := joined.String()
		if n := utf8.RuneCountInString(got); n > maxRunes && !oneLetter(got) {
			t.Errorf("Snippet(%q, %q, %d) has %d runes", text, terms, maxRunes, n)
		}
		whole := collapseSpace(strings.TrimSpace(strings.ToValidUTF8(text, "\uFFFD")))
		if !cutCleanly(whole, got) {
			t.Errorf("Snippet(%q, %q, %d) = %s, not a passage of %q cut between letters", text, terms, maxRunes, show(frags), whole)
		}
	})
}

// show returns frags for a test's message: each fragment quoted, a match
// followed by '*'.
func show(frags []Fragment) string {
	var parts []string
	for _, f := range frags {
		p := strconv.Quote(f.Text)
		if f.Match {
			p += "*"
		}
		parts = append(parts, p)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// oneLetter reports whether s is one character with its marks.
func oneLetter(s string) bool {
	_, size := utf8.DecodeRuneInString(s)
	return !strings.ContainsFunc(s[size:], func(r rune) bool { return !joinsPrevious(r) })
}

// matchesAny reports whether a word of Normalize(word) matches one of
// terms as MatchExpression's query would.
func matchesAny(word string, terms []string) bool {
	for _, tok := range tokens(Normalize(word)) {
		for _, term := range terms {
			if matchesTerm(tok, term) {
				return true
			}
		}
	}
	return false
}

// cutCleanly reports whether passage occurs in whole where neither its
// start nor its end separates a character from its marks.
func cutCleanly(whole, passage string) bool {
	for from := 0; from <= len(whole); {
		i := strings.Index(whole[from:], passage)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(passage)
		r, _ := utf8.DecodeRuneInString(passage)
		next, _ := utf8.DecodeRuneInString(whole[end:])
		if (start == 0 || !joinsPrevious(r)) && (end == len(whole) || !joinsPrevious(next)) {
			return true
		}
		_, size := utf8.DecodeRuneInString(whole[start:])
		from = start + max(size, 1)
	}
	return false
}

// BenchmarkSnippet cuts a snippet from a long procedure-sized text (about
// 60 KB) in which the terms match often.
func BenchmarkSnippet(b *testing.B) {
	text := strings.Repeat(minutes+" "+minutesAR+" ", 100)
	terms := Terms("élève diplôme الهجرة")
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Snippet(text, terms, DefaultSnippetRunes)
	}
}

// BenchmarkNormalize normalises the same text, as indexing does.
func BenchmarkNormalize(b *testing.B) {
	text := strings.Repeat(minutes+" "+minutesAR+" ", 100)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Normalize(text)
	}
}
