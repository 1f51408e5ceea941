package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
	"tawla/workspace/diff"
	"tawla/workspace/sqlite"
)

// TestLoadPublications checks the demo's register: a French procedure and
// its Arabic translation as one entry in force, with two French editions
// that differ and one Arabic; the Arabic agricultural draft's adopted
// first version as an entry of its own; an earlier entry withdrawn, with
// its reason, replaced by the first. Every edition is an adopted version,
// its text the version's with its hash, in Markdown with headings, saying
// it is demo data; the procedures list still opens on the drafts; the
// register's changes are audited as the demo's.
func TestLoadPublications(t *testing.T) {
	ctx := context.Background()
	db, _ := testsupport.OpenStore(t)
	demoDay := db.Now().In(tunis(t)).Format(time.DateOnly)
	entries, err := db.FindRegisterEntries(ctx, demoDay)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 {
		t.Fatalf("%d register entries, want 3", len(entries))
	}
	var bilingual, agricultural, withdrawn *workspace.RegisterEntry
	for _, e := range entries {
		switch {
		case e.Status() == workspace.RegisterWithdrawn:
			withdrawn = e
		case len(e.Procedures) == 2:
			bilingual = e
		case e.Procedures["ar"] != 0:
			agricultural = e
		}
	}
	if bilingual == nil || agricultural == nil || withdrawn == nil {
		t.Fatalf("want a bilingual entry, an Arabic one and a withdrawn one: %+v", entries)
	}

	t.Run("Bilingual", func(t *testing.T) {
		if bilingual.Status() != workspace.RegisterInForce {
			t.Errorf("%s is %s", bilingual.Identifier(), bilingual.Status())
		}
		fr, err := db.FindPublications(ctx, bilingual.ID, "fr")
		if err != nil {
			t.Fatal(err)
		}
		ar, err := db.FindPublications(ctx, bilingual.ID, "ar")
		if err != nil {
			t.Fatal(err)
		}
		if len(fr) != 2 || len(ar) != 1 || fr[0].Edition != 2 || ar[0].Edition != 1 {
			t.Fatalf("%d French and %d Arabic editions, want 2 and 1", len(fr), len(ar))
		}
		s := diff.Summarize(diff.Words(fr[1].Content, fr[0].Content))
		if s.WordsAdded == 0 || s.WordsRemoved == 0 || len(s.Sections) < 2 {
			t.Errorf("v1 → v2: %+v, want words added and removed in several sections", s)
		}
		if fr[0].Note == "" || ar[0].Note == "" {
			t.Error("the second French edition and the Arabic one say nothing of what they are")
		}
		// The translation is of the current French edition: the same
		// delays.
		for _, both := range []string{"15:00", "7 أيام عمل", "15 يومًا"} {
			if !strings.Contains(ar[0].Content, both) {
				t.Errorf("the Arabic edition lacks %q", both)
			}
		}
		for _, both := range []string{"15 h", "7 jours ouvrables", "15 jours", "référent unique", "santé"} {
			if !strings.Contains(fr[0].Content, both) {
				t.Errorf("the second French edition lacks %q", both)
			}
		}
		if cur := bilingual.Current; len(cur) != 2 || cur[0].Language != "fr" || cur[0].Edition != 2 || cur[1].Language != "ar" {
			t.Errorf("current editions %+v", cur)
		}
		// The second French edition applied a week after its publication,
		// before the translation of it was published; every edition shown
		// applies today, and the translation follows the French in force.
		if fr[0].EffectiveOn <= fr[0].PublishedAt.In(tunis(t)).Format(time.DateOnly) || fr[0].EffectiveOn > ar[0].EffectiveOn {
			t.Errorf("French v2 published %s applies from %s; Arabic from %s", fr[0].PublishedAt, fr[0].EffectiveOn, ar[0].EffectiveOn)
		}
		for _, cur := range bilingual.Current {
			if cur.EffectiveOn > demoDay {
				t.Errorf("%s applies from %s, after today %s", cur.Label(), cur.EffectiveOn, demoDay)
			}
		}
		if len(bilingual.Next) != 0 || ar[0].SourceEdition != 2 || bilingual.TranslationBehind(bilingual.CurrentIn("ar")) != nil {
			t.Errorf("next %v; the translation follows French edition %d", bilingual.Next, ar[0].SourceEdition)
		}
	})

	t.Run("Agricultural", func(t *testing.T) {
		pub := agricultural.CurrentIn("ar")
		if pub == nil || pub.Edition != 1 || pub.VersionNumber != 1 || agricultural.Status() != workspace.RegisterInForce {
			t.Fatalf("agricultural entry %+v", agricultural)
		}
		// The version the demo's secret poll adopted.
		polls, err := db.FindPolls(ctx, sqlite.PollFilter{ProcedureID: pub.ProcedureID, VersionNumber: 1})
		if err != nil || len(polls) != 1 || polls[0].Mode != workspace.BallotSecret {
			t.Errorf("the agricultural version's polls: %d, %v; want the secret one", len(polls), err)
		}
		proc, err := db.FindProcedureByID(ctx, pub.ProcedureID)
		if err != nil {
			t.Fatal(err)
		}
		if demo.IsRegisterProcedure(proc.Title) {
			t.Errorf("%q is a draft the table works on, not a register procedure", proc.Title)
		}
	})

	t.Run("Withdrawn", func(t *testing.T) {
		if withdrawn.ReplacedBy == nil || *withdrawn.ReplacedBy != bilingual.ID || withdrawn.ReplacedByIdentifier != bilingual.Identifier() {
			t.Errorf("%s replaced by %q, want %s", withdrawn.Identifier(), withdrawn.ReplacedByIdentifier, bilingual.Identifier())
		}
		if !strings.Contains(withdrawn.WithdrawalReason, bilingual.Identifier()) || withdrawn.WithdrawnAt == nil {
			t.Errorf("withdrawal reason %q", withdrawn.WithdrawalReason)
		}
		if withdrawn.CurrentIn("fr") == nil || withdrawn.Identifier() >= bilingual.Identifier() {
			t.Errorf("the withdrawn entry %s: want a French edition and an identifier before %s", withdrawn.Identifier(), bilingual.Identifier())
		}
	})

	t.Run("Editions", func(t *testing.T) {
		index, err := db.FindPublicationIndex(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(index) != 5 {
			t.Errorf("%d publications, want 5", len(index))
		}
		for _, p := range index {
			pub, err := db.FindPublication(ctx, p.EntryID, p.Language, p.Edition)
			if err != nil {
				t.Fatal(err)
			}
			v, err := db.FindVersion(ctx, pub.ProcedureID, pub.VersionNumber)
			if err != nil {
				t.Fatal(err)
			}
			if v.AdoptedAt == nil || v.AdoptedByPoll == nil {
				t.Errorf("%s: version %d is not adopted", pub.Label(), v.Number)
			}
			if pub.Content != v.Content || pub.ContentSHA256 != workspace.ContentHash(v.Content) {
				t.Errorf("%s: the text or its hash is not the version's", pub.Label())
			}
			for _, want := range []string{"# ", "\n## ", "\n1. ", "|:--", "@demo.tn"} {
				if !strings.Contains(pub.Content, want) {
					t.Errorf("%s lacks %q", pub.Label(), want)
				}
			}
			if !strings.Contains(pub.Content, "démonstration") && !strings.Contains(pub.Content, "تجريبية") {
				t.Errorf("%s does not say it is demo data", pub.Label())
			}
			if got, want := arabicShare(pub.Content) > 0.5, pub.Language == "ar"; got != want {
				t.Errorf("%s (%s): mostly Arabic = %v", pub.Label(), pub.Language, got)
			}
			if pub.Title == "" || pub.Summary == "" || pub.EffectiveOn == "" {
				t.Errorf("%s: title %q, summary %q, effective on %q", pub.Label(), pub.Title, pub.Summary, pub.EffectiveOn)
			}
		}
	})

	t.Run("Search", func(t *testing.T) {
		for q, want := range map[string]string{"guichet unique": "fr", "الشباك الموحد": "ar", "مشروع فلاحي": "ar"} {
			found, err := db.SearchPublications(ctx, demoDay, q, 10)
			if err != nil || len(found) == 0 || found[0].Language != want {
				t.Errorf("search %q: %d found, %v", q, len(found), err)
			}
		}
	})

	t.Run("Drafts", func(t *testing.T) {
		// The register's procedures were written before the drafts: the
		// list opens on the drafts.
		procs, err := db.FindProcedures(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(procs) != 5 || demo.IsRegisterProcedure(procs[0].Title) || demo.IsRegisterProcedure(procs[1].Title) {
			t.Errorf("%d procedures, the first two %q and %q", len(procs), procs[0].Title, procs[1].Title)
		}
	})

	t.Run("Audit", func(t *testing.T) {
		published, _, err := db.FindAuditEntries(ctx, workspace.AuditFilter{Action: workspace.AuditPublicationPublish})
		if err != nil {
			t.Fatal(err)
		}
		withdrawals, _, err := db.FindAuditEntries(ctx, workspace.AuditFilter{Action: workspace.AuditRegisterWithdraw})
		if err != nil {
			t.Fatal(err)
		}
		if len(published) != 5 || len(withdrawals) != 1 {
			t.Fatalf("%d publications and %d withdrawals audited, want 5 and 1", len(published), len(withdrawals))
		}
		for _, e := range append(published, withdrawals...) {
			if e.EntityType != "register_entry" || e.ActorName != demo.ActorName || e.ActorID != nil {
				t.Errorf("audit entry %s on %s by %q", e.Action, e.EntityType, e.ActorName)
			}
		}
	})
}
