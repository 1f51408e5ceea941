package demo_test

import (
	"context"
	"strings"
	"testing"
	"unicode"

	"tawla/demo"
	"tawla/workspace"
)

// TestLoadProcedures checks the demo drafts: one in French, one in Arabic,
// each written in its language, with headings, numbered steps and a table
// of services, and saying that it is demo data.
func TestLoadProcedures(t *testing.T) {
	ctx := context.Background()
	db := mustOpenDB(t)
	if err := demo.Load(ctx, db); err != nil {
		t.Fatalf("Load: %v", err)
	}
	procs, err := db.FindProcedures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	langs := map[string]int{}
	for _, p := range procs {
		// The register's procedures are checked by TestLoadPublications.
		if demo.IsRegisterProcedure(p.Title) {
			continue
		}
		langs[p.Language]++
		t.Run(p.Language, func(t *testing.T) {
			if err := p.Validate(); err != nil {
				t.Errorf("procedure %q: %v", p.Title, err)
			}
			if p.Summary == "" {
				t.Errorf("procedure %q has no summary", p.Title)
			}
			_, snap, updates, err := db.LoadDocument(ctx, p.DocumentID)
			if err != nil {
				t.Fatal(err)
			}
			// The demo's revisions (demo/versions.go) are the people's.
			for _, u := range updates {
				if u.AccountID == nil {
					t.Errorf("draft of %q: update %d has no author", p.Title, u.Version)
				}
			}
			draft := snap.Content
			for _, want := range []string{"\n## ", "\n1. ", "\n2. ", "|:--", "- [ ] ", "@demo.tn"} {
				if !strings.Contains(draft, want) {
					t.Errorf("draft of %q lacks %q", p.Title, want)
				}
			}
			if !strings.Contains(draft, "démonstration") && !strings.Contains(draft, "تجريبية") {
				t.Errorf("draft of %q does not say it is demo data", p.Title)
			}
			if got, want := arabicShare(draft) > 0.5, p.Language == "ar"; got != want {
				t.Errorf("draft of %q (language %s): mostly Arabic = %v", p.Title, p.Language, got)
			}
		})
	}
	if langs["fr"] != 1 || langs["ar"] != 1 {
		t.Errorf("procedures by language = %v, want one French and one Arabic", langs)
	}
	if len(procs) > 0 && procs[0].Category != workspace.CategoryReferralPathway {
		t.Errorf("category = %q, want a referral pathway", procs[0].Category)
	}
}

// arabicShare returns the share of the letters of text that are Arabic.
func arabicShare(text string) float64 {
	var arabic, letters int
	for _, r := range text {
		if unicode.IsLetter(r) {
			letters++
			if unicode.Is(unicode.Arabic, r) {
				arabic++
			}
		}
	}
	if letters == 0 {
		return 0
	}
	return float64(arabic) / float64(letters)
}
