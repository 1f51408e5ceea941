package search_test

import (
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3" // the tests alone speak SQL; the package does not

	"tawla/workspace/search"
)

// document is a row of the test's FTS5 table, as written (the table holds
// its normalised form).
type document struct {
	id          int64
	title, body string
}

var documents = []document{
	{1, "Inscription d'un élève", "L'élève rentré de l'étranger s'inscrit au lycée de Mahdia."},
	{2, "Équivalence des diplômes", "UN ELEVE QUI RENTRE DEMANDE L'EQUIVALENCE DE SON DIPLOME."},
	{3, "Carte d'identité", "Le bureau de l'état civil délivre la carte au migrant de retour."},
	{4, "تسجيل التلاميذ العائدين", "يستقبل المعهد كل تلميذ مُهَاجِر عائد ويُسَجِّلُه دون انتظار."},
	{5, "الهجرة غير النظامية", "مرافقة العائدين بعد الهجره وتوجيههم إلى المصالح."},
	{6, "مهاجر عائد", "دليل المهاجر العائد إلى ولاية المهدية."},
	{7, "بطاقة التعريف", "وثائق الحالة المدنية بعد الهجرة والعودة، يسلمها المسؤول."},
	{8, "Accueil", "Le retour, puis le retour au travail : un retour réussi."},
	{9, "Logement", "Aide au logement après le retour, avec le bureau de l'habitat et la commune."},
}

// frenchDocuments hold the forms of a few French verbs, and words that
// begin as their stems nearly do; they have a table of their own
// (TestFrenchQueryFindsInflectedForms), so that the words beginning with
// "or" here do not answer TestSearchFTS5Injection's queries for "or".
var frenchDocuments = []document{
	{1, "Jeunes", "Les jeunes rentrés sont orientés vers la formation professionnelle."},
	{2, "Accueil", "Le guichet doit orienter chaque personne vers le service compétent."},
	{3, "Loyer", "Une aide au loyer est versée aux familles par la commune."},
	{4, "Inscription scolaire", "Les parents inscrivent l'enfant au lycée."},
	{5, "Portail", "Le portail en ligne donne l'origine de chaque demande."},
	{6, "Registration", "Returnees register with the municipal services."},
	{7, "Guide", "Un guide d'orientation pour les familles."},
}

// openFTS5 returns a database in a temporary file with docs (the
// documents when none are given) indexed in an FTS5 table made as the
// store makes them, or skips the test when SQLite was built without FTS5.
func openFTS5(t *testing.T, docs ...document) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", filepath.Join(t.TempDir(), "search.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	_, err = db.Exec(`CREATE VIRTUAL TABLE documents USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')`)
	if err != nil {
		if strings.Contains(err.Error(), "no such module: fts5") {
			t.Skip("SQLite is built without FTS5: run the tests with -tags sqlite_fts5, as `make test` does")
		}
		t.Fatal(err)
	}
	if docs == nil {
		docs = documents
	}
	for _, d := range docs {
		_, err := db.Exec(`INSERT INTO documents (rowid, title, body) VALUES (?, ?, ?)`,
			d.id, search.Normalize(d.title), search.Normalize(d.body))
		if err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// find returns the ids of the documents that match query, best first: a
// term in the title weighs ten times one in the body.
func find(t *testing.T, db *sql.DB, query string) []int64 {
	t.Helper()
	expr := search.MatchExpression(search.Terms(query))
	if expr == "" {
		return nil
	}
	rows, err := db.Query(`SELECT rowid FROM documents WHERE documents MATCH ? ORDER BY bm25(documents, 10.0, 1.0), rowid`, expr)
	if err != nil {
		t.Fatalf("query %q, MATCH %q: %v", query, expr, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("query %q, MATCH %q: %v", query, expr, err)
	}
	return ids
}

// TestSearchFTS5 indexes French and Arabic documents through Normalize in
// an FTS5 table and queries it through Terms and MatchExpression: accents,
// case, Arabic vowels and spelling variants are set aside, and bm25 ranks
// a title match, or more occurrences, first.
func TestSearchFTS5(t *testing.T) {
	db := openFTS5(t)
	tests := []struct {
		name, query string
		want        []int64 // best first
	}{
		{"FrenchWithoutAccents", "eleve", []int64{1, 2}},
		{"FrenchWithAccents", "Élève", []int64{1, 2}},
		{"FrenchCapitals", "ÉLÈVE", []int64{1, 2}},
		{"FrenchPrefixPlural", "diplôme", []int64{2}},
		{"FrenchTwoTerms", "l'état civil", []int64{3}},
		{"FrenchTitleFirst", "equivalence", []int64{2}},
		{"ArabicWithoutVowels", "مهاجر", []int64{6, 4}},
		{"ArabicWithVowels", "مُهَاجِر", []int64{6, 4}},
		{"ArabicTaMarbuta", "الهجرة", []int64{5, 7}},
		{"ArabicWithoutTaMarbuta", "الهجره", []int64{5, 7}},
		{"ArabicHamzaAndAlefMaqsura", "الى", []int64{6, 5}},
		{"ArabicHamzaOnWaw", "المسوول", []int64{7}},
		{"ArabicHamzaOnWawWritten", "المسؤول", []int64{7}},
		{"ArabicTwoTerms", "العائدين الهجرة", []int64{5}},
		// A word written joined to its article or a proclitic is found
		// from the word alone, and the reverse.
		{"ArabicWithoutArticle", "هجرة", []int64{5, 7}},
		{"ArabicArticleInText", "مهدية", []int64{6}},
		{"ArabicProcliticInText", "توجيه", []int64{5}},
		{"ArabicConjunctionAndArticle", "عودة", []int64{7}},
		{"ArabicShortNoProclitic", "هد", nil},
		// A French term is also looked for by its stem: "élèves" finds
		// "élève", "rentrer" finds "rentré" and "RENTRE", "inscrire"
		// finds "Inscription" and "s'inscrit".
		{"FrenchPluralFindsSingular", "élèves", []int64{1, 2}},
		{"FrenchInfinitiveFindsParticiple", "rentrer", []int64{2, 1}},
		{"FrenchVerbFindsNoun", "inscrire", []int64{1}},
		{"FrenchShortStemNotUsed", "former", nil},
		{"MoreOccurrencesFirst", "retour", []int64{8, 3, 9}},
		{"TitleOverBody", "bureau", []int64{3, 9}},
		{"NoMatch", "absent", nil},
		{"NoWords", `"*()`, nil},
		{"OperatorIsAWord", "eleve NOT diplome", nil},
		{"ColumnFilterIsWords", "title:diplome", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := find(t, db, tc.query); !slices.Equal(got, tc.want) {
				t.Errorf("search %q = %v, want %v", tc.query, got, tc.want)
			}
		})
	}

	// A snippet of a found document is cut from its original text.
	t.Run("Snippet", func(t *testing.T) {
		terms := search.Terms("élève")
		got := string(search.SnippetHTML(documents[1].body, terms, 30))
		want := "UN <mark>ELEVE</mark> QUI RENTRE DEMANDE…"
		if got != want {
			t.Errorf("SnippetHTML = %q, want %q", got, want)
		}
		// The Arabic word found with its article is the one marked.
		got = string(search.SnippetHTML(documents[5].body, search.Terms("مهدية"), 60))
		if want := "دليل المهاجر العائد إلى ولاية <mark>المهدية</mark>."; got != want {
			t.Errorf("SnippetHTML = %q, want %q", got, want)
		}
	})
}

// TestFrenchQueryFindsInflectedForms queries a real FTS5 table for French
// (and English) terms in one form and finds the rows that hold another
// form of the same word: the stem of the term, as a prefix, finds what the
// term alone, a prefix too, does not. Unrelated words that begin nearly as
// the stem are not found, nor are words that begin as a stem too short to
// be used.
func TestFrenchQueryFindsInflectedForms(t *testing.T) {
	db := openFTS5(t, frenchDocuments...)
	tests := []struct {
		name, query string
		want        []int64 // best first
	}{
		// orienter, orientés and orientation find one another; "origine"
		// (row 5) begins with "ori" but not with "orient". The term's own
		// form ranks its row first, a word of it matching both the term
		// and the stem.
		{"InfinitiveFindsParticipleAndNoun", "orienter", []int64{2, 7, 1}},
		{"ParticipleFindsTheRest", "orientés", []int64{1, 7, 2}},
		{"NounFindsTheRest", "orientation", []int64{7, 1, 2}},
		{"Imperfect", "orientaient", []int64{7, 1, 2}},
		{"AccentsAndCase", "ORIENTÉES", []int64{7, 1, 2}},
		{"InscrireFindsInscription", "inscrire", []int64{4}},
		{"InscriptionFindsInscrivent", "inscription", []int64{4}},
		{"NounFindsFeminineParticiple", "versements", []int64{3}},
		{"TwoTerms", "orienter jeunes", []int64{1}},
		{"TwoTermsOneMissing", "orienter loyer", nil},
		{"TwoTermsBothStems", "orientation familles", []int64{7}},
		// Unrelated words are not found.
		{"UnrelatedWord", "organiser", nil},
		{"UnrelatedWordSameStart", "origines", []int64{5}},
		// "porter" and "former" are too short to lose "er": no "portail",
		// no "formation".
		{"ShortStemNotUsedPorter", "porter", nil},
		{"ShortStemNotUsedFormer", "former", nil},
		// An English word loses an ending as well, and finds its forms.
		{"EnglishStem", "register", []int64{6}},
		{"EnglishPlural", "service", []int64{6, 2}},
		{"EnglishPluralFindsSingular", "services", []int64{6, 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := find(t, db, tc.query); !slices.Equal(got, tc.want) {
				t.Errorf("search %q (MATCH %s) = %v, want %v", tc.query, search.MatchExpression(search.Terms(tc.query)), got, tc.want)
			}
		})
	}

	// The snippet marks the words the stem found.
	t.Run("Snippet", func(t *testing.T) {
		got := string(search.SnippetHTML(frenchDocuments[0].body, search.Terms("orienter"), 100))
		want := "Les jeunes rentrés sont <mark>orientés</mark> vers la formation professionnelle."
		if got != want {
			t.Errorf("SnippetHTML = %q, want %q", got, want)
		}
	})
}

// TestSearchFTS5Injection runs queries written as FTS5 syntax, and odd
// terms handed to MatchExpression directly, against a real FTS5 table:
// none is an error, and none acts as syntax.
func TestSearchFTS5Injection(t *testing.T) {
	db := openFTS5(t)
	for _, query := range []string{
		`" OR 1`, `" OR "`, `eleve" OR "diplome`, `NEAR(eleve diplome, 3)`, `NEAR(`,
		`title:eleve`, `{title body}:eleve`, `- title : eleve`, `*`, `eleve*`, `^eleve`,
		`"unbalanced`, `(eleve`, `eleve)`, `eleve AND`, `OR`, `NOT eleve`, `eleve +`,
		`'; DROP TABLE documents; --`, "eleve\x00", `\"`, `""`,
	} {
		t.Run(query, func(t *testing.T) {
			for _, id := range find(t, db, query) {
				if id != 1 && id != 2 {
					t.Errorf("search %q finds document %d", query, id)
				}
			}
		})
	}
	for _, terms := range [][]string{
		{`a"b`}, {`x" OR "y`}, {`"`, "eleve"}, {"*"}, {"eleve", "NEAR(x"}, {"col:eleve"},
		{"ele\x00ve"}, {"ele\xffve"}, {"^"}, {"élève"},
	} {
		expr := search.MatchExpression(terms)
		if expr == "" {
			continue
		}
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM documents WHERE documents MATCH ?`, expr).Scan(&n); err != nil {
			t.Errorf("MatchExpression(%q) = %q: %v", terms, expr, err)
		}
	}
}
