package sqlite_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// TestFindIssuesSearch searches issues in French, with and without
// accents, and in Arabic, with and without short vowels: titles, then
// descriptions and comments, kept up to date as issues change; never the
// private fields. (TestIssueSearch, at the server, checks the snippets.)
func TestFindIssuesSearch(t *testing.T) {
	ctx := context.Background()
	w := newIssueWorld(t)
	db := w.db
	diploma := w.mustIssue(t, w.asMember, &workspace.Issue{
		Title:       "Équivalence du diplôme d'ingénieur",
		Description: "Le ministère de l'Enseignement supérieur demande une traduction certifiée.",
	}, &workspace.IssuePrivate{PersonName: "Anis Privé", Details: "Confidentialissime"})
	w.clock.Add(time.Minute)
	residence := w.mustIssue(t, w.asMember, &workspace.Issue{
		Title:       "Carte de séjour du conjoint",
		Description: "Le conjoint n'a pas de diplôme reconnu ni d'acte de mariage transcrit.",
	}, nil)
	w.clock.Add(time.Minute)
	arabic := w.mustIssue(t, w.asMember2, &workspace.Issue{
		Title:       "مُعادلة الشّهادة الجامعية",
		Description: "المُهَاجِرُ العائدُ من إيطاليا ينتظر منذ سنة.",
	}, nil)
	w.clock.Add(time.Minute)
	w.mustIssue(t, w.asMember2, &workspace.Issue{Title: "Logement social", Description: "Demande en attente."}, nil)

	search := func(t *testing.T, q string) []*sqlite.IssueHit {
		t.Helper()
		hits, total, err := db.FindIssues(ctx, sqlite.IssueFilter{Query: q})
		if err != nil {
			t.Fatalf("FindIssues(%q): %v", q, err)
		}
		if total != len(hits) {
			t.Errorf("FindIssues(%q): total %d, %d hits", q, total, len(hits))
		}
		return hits
	}
	ids := func(hits []*sqlite.IssueHit) []int64 {
		out := []int64{}
		for _, h := range hits {
			out = append(out, h.Issue.ID)
		}
		return out
	}

	for _, tt := range []struct {
		name, query string
		want        []int64
	}{
		{"FrenchAccents", "équivalence", []int64{diploma.ID}},
		{"FrenchWithoutAccents", "equivalence", []int64{diploma.ID}},
		{"FrenchCapitals", "ÉQUIVALENCE INGÉNIEUR", []int64{diploma.ID}},
		{"FrenchPrefix", "ingen", []int64{diploma.ID}},
		{"Description", "traduction certifiee", []int64{diploma.ID}},
		// The title counts more than the description: the diploma issue
		// first, though the residence issue changed later.
		{"TitleRanksFirst", "diplome", []int64{diploma.ID, residence.ID}},
		{"ArabicWithoutVowels", "المهاجر", []int64{arabic.ID}},
		{"ArabicWithVowels", "المُهَاجِرُ", []int64{arabic.ID}},
		{"ArabicShadda", "الشهادة", []int64{arabic.ID}},
		{"ArabicTaMarbuta", "الشهاده الجامعيه", []int64{arabic.ID}},
		{"ArabicTatweel", "معـــادلة", []int64{arabic.ID}},
		{"EveryWord", "diplome conjoint", []int64{residence.ID}},
		{"NoMatch", "passeport", []int64{}},
		{"Syntax", `"diplôme" OR * NEAR(`, []int64{}},
		{"Quotes", `diplôme"`, []int64{diploma.ID, residence.ID}},
		{"PrivateName", "Anis", []int64{}},
		{"PrivateDetails", "Confidentialissime", []int64{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := ids(search(t, tt.query)); !slices.Equal(got, tt.want) {
				t.Errorf("FindIssues(%q) = %v, want %v", tt.query, got, tt.want)
			}
		})
	}

	t.Run("Text", func(t *testing.T) {
		hits := search(t, "equivalence")
		if len(hits) != 1 || hits[0].Text != "Le ministère de l'Enseignement supérieur demande une traduction certifiée." {
			t.Fatalf("hit text %q, want the original description", hits[0].Text)
		}
		if hits[0].Issue.Category == nil || hits[0].Issue.Reporter == nil {
			t.Errorf("a hit without its category or reporter: %+v", hits[0].Issue)
		}
		if hits, _, _ := db.FindIssues(ctx, sqlite.IssueFilter{}); hits[0].Text != "" {
			t.Errorf("a list's hit carries text %q", hits[0].Text)
		}
	})

	t.Run("Comments", func(t *testing.T) {
		if _, err := db.CommentIssue(ctx, w.asStake, residence.ID, "Il faut une attestation consulaire."); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CommentIssue(ctx, w.asMember, residence.ID, "Le consulat de Milan l'a délivrée."); err != nil {
			t.Fatal(err)
		}
		hits := search(t, "consulaire")
		if !slices.Equal(ids(hits), []int64{residence.ID}) {
			t.Fatalf("searching a comment's word found %v", ids(hits))
		}
		want := "Le conjoint n'a pas de diplôme reconnu ni d'acte de mariage transcrit.\nIl faut une attestation consulaire.\nLe consulat de Milan l'a délivrée."
		if hits[0].Text != want {
			t.Errorf("text %q, want %q", hits[0].Text, want)
		}
		if got := ids(search(t, "delivree milan")); !slices.Equal(got, []int64{residence.ID}) {
			t.Errorf("searching the second comment found %v", got)
		}
	})

	t.Run("Update", func(t *testing.T) {
		u := *diploma
		u.Title, u.Description = "Reconnaissance d'un titre d'architecte", "Dossier au ministère."
		if _, err := db.UpdateIssue(ctx, w.asMember, &u); err != nil {
			t.Fatal(err)
		}
		if got := ids(search(t, "equivalence")); len(got) != 0 {
			t.Errorf("the old title still found %v", got)
		}
		if got := ids(search(t, "architecte")); !slices.Equal(got, []int64{diploma.ID}) {
			t.Errorf("the new title found %v", got)
		}
	})

	t.Run("WithFilters", func(t *testing.T) {
		if _, err := db.ChangeIssueStatus(ctx, w.asMember, residence.ID, workspace.IssueInProgress, ""); err != nil {
			t.Fatal(err)
		}
		hits, total, err := db.FindIssues(ctx, sqlite.IssueFilter{Query: "diplome", Status: workspace.IssueInProgress})
		if err != nil || total != 1 || !slices.Equal(ids(hits), []int64{residence.ID}) {
			t.Errorf("searching in progress: %v (%d), %v", ids(hits), total, err)
		}
		hits, total, err = db.FindIssues(ctx, sqlite.IssueFilter{Query: "diplome conjoint architecte"})
		if err != nil || total != 0 {
			t.Errorf("every word must match: %v (%d), %v", ids(hits), total, err)
		}
	})

	t.Run("NoWords", func(t *testing.T) {
		// A query with nothing to search for searches nothing: the list.
		hits, total, err := db.FindIssues(ctx, sqlite.IssueFilter{Query: " ?! "})
		if err != nil || total != 4 || len(hits) != 4 {
			t.Errorf("query of no word: %d hits of %d, %v", len(hits), total, err)
		}
	})

	t.Run("Paging", func(t *testing.T) {
		for n := 0; n < 5; n++ {
			w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Diplôme " + strings.Repeat("x", n+1)}, nil)
		}
		hits, total, err := db.FindIssues(ctx, sqlite.IssueFilter{Query: "diplome", Limit: 2, Offset: 2})
		if err != nil || total != 6 || len(hits) != 2 {
			t.Errorf("page of 2 from 2: %d hits of %d, %v", len(hits), total, err)
		}
	})
}
