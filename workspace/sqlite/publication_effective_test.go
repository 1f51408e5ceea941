package sqlite_test

import (
	"context"
	"testing"

	"tawla/workspace"
)

// TestEditionInForceFollowsEffectiveDate publishes a first edition that
// applies from 2020 and a second from 2099: until 2099 the first is the
// entry's current edition — on its page, on the public home and in the
// search — and the second is the next; from 2099 the second is.
func TestEditionInForceFollowsEffectiveDate(t *testing.T) {
	ctx := context.Background()
	rt := newRegisterTable(t)
	p := rt.adopted(t, "Accueil", "fr", "# Accueil\nancienne orientation\n", "# Accueil\nnouvelle permanence\n")
	first := request(p, 1)
	first.EffectiveOn = "2020-01-01"
	p1 := rt.publish(t, first)
	second := request(p, 2)
	second.EffectiveOn = "2099-01-01"
	rt.publish(t, second)

	for _, tt := range []struct {
		today           string
		current, next   int
		found, notFound string
	}{
		{"2026-12-07", 1, 2, "orientation", "permanence"},
		{"2098-12-31", 1, 2, "orientation", "permanence"},
		{"2099-01-01", 2, 0, "permanence", "orientation"},
	} {
		t.Run(tt.today, func(t *testing.T) {
			e, err := rt.db.FindRegisterEntryByID(ctx, tt.today, p1.EntryID)
			if err != nil {
				t.Fatal(err)
			}
			if cur := e.CurrentIn("fr"); cur == nil || cur.Edition != tt.current || cur.Content == "" {
				t.Errorf("current edition %+v, want %d with its text", cur, tt.current)
			}
			next := e.NextIn("fr")
			if (tt.next == 0) != (next == nil) || (next != nil && next.Edition != tt.next) {
				t.Errorf("next edition %+v, want %d", next, tt.next)
			}
			if e.Status() != workspace.RegisterInForce {
				t.Errorf("status %s", e.Status())
			}
			home, err := rt.db.FindLatestInForce(ctx, tt.today, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(home) != 1 || home[0].Edition != tt.current {
				t.Errorf("home lists %d editions, want edition %d alone", len(home), tt.current)
			}
			if hits, err := rt.db.SearchPublications(ctx, tt.today, tt.found, 10); err != nil || len(hits) != 1 || hits[0].Edition != tt.current {
				t.Errorf("search %q: %d hits, %v", tt.found, len(hits), err)
			}
			if hits, err := rt.db.SearchPublications(ctx, tt.today, tt.notFound, 10); err != nil || len(hits) != 0 {
				t.Errorf("search %q finds the edition not in force: %d hits, %v", tt.notFound, len(hits), err)
			}
		})
	}
}

// TestFirstEditionNotYetInForce publishes an entry's only edition to apply
// from 2099: it is the entry's current edition, read as not yet applying,
// and the public home does not offer it as in force.
func TestFirstEditionNotYetInForce(t *testing.T) {
	ctx := context.Background()
	rt := newRegisterTable(t)
	req := request(rt.adopted(t, "Futur", "fr", "# Futur\ntexte\n"), 1)
	req.EffectiveOn = "2099-01-01"
	pub := rt.publish(t, req)
	e := rt.entry(t, pub.EntryID)
	if cur := e.CurrentIn("fr"); cur == nil || cur.Edition != 1 || e.NextIn("fr") != nil {
		t.Errorf("current %+v, next %+v", cur, e.NextIn("fr"))
	}
	if home, err := rt.db.FindLatestInForce(ctx, registerDay, 10); err != nil || len(home) != 0 {
		t.Errorf("home lists %d editions, %v; want none", len(home), err)
	}
	if hits, err := rt.db.SearchPublications(ctx, registerDay, "futur", 10); err != nil || len(hits) != 1 {
		t.Errorf("search: %d hits, %v", len(hits), err)
	}
}

// TestSupersedingTakesEffectOnItsDate publishes an entry that replaces
// another from 2099: until then the replaced entry is in force, said to be
// replaced later, and the home and the search treat it so; from 2099 it
// is superseded.
func TestSupersedingTakesEffectOnItsDate(t *testing.T) {
	ctx := context.Background()
	rt := newRegisterTable(t)
	old := rt.publish(t, request(rt.adopted(t, "Ancien guichet", "fr", "# Ancien\nguichet\n"), 1))
	req := request(rt.adopted(t, "Nouveau guichet", "fr", "# Nouveau\nguichet\n"), 1)
	req.EffectiveOn = "2099-01-01"
	req.Supersedes = old.EntryID
	newer := rt.publish(t, req)

	e := rt.entry(t, old.EntryID)
	if e.Status() != workspace.RegisterInForce || !e.ReplacedLater() || e.ReplacedFrom != "2099-01-01" || e.ReplacedByIdentifier != newer.Identifier {
		t.Errorf("before 2099: %s, replaced later %v from %q by %q", e.Status(), e.ReplacedLater(), e.ReplacedFrom, e.ReplacedByIdentifier)
	}
	home, err := rt.db.FindLatestInForce(ctx, registerDay, 10)
	if err != nil || len(home) != 1 || home[0].EntryID != old.EntryID {
		t.Errorf("home before 2099: %d editions, %v; want the old entry's alone", len(home), err)
	}
	hits, err := rt.db.SearchPublications(ctx, registerDay, "guichet", 10)
	if err != nil || len(hits) != 2 || hits[0].EntryStatus != workspace.RegisterInForce || hits[1].EntryStatus != workspace.RegisterInForce {
		t.Errorf("search before 2099: %d hits, %v", len(hits), err)
	}

	later, err := rt.db.FindRegisterEntryByID(ctx, "2099-01-01", old.EntryID)
	if err != nil {
		t.Fatal(err)
	}
	if later.Status() != workspace.RegisterSuperseded || later.ReplacedLater() {
		t.Errorf("from 2099: %s", later.Status())
	}
	home, err = rt.db.FindLatestInForce(ctx, "2099-01-01", 10)
	if err != nil || len(home) != 1 || home[0].EntryID != newer.EntryID {
		t.Errorf("home from 2099: %d editions, %v; want the new entry's alone", len(home), err)
	}
	hits, err = rt.db.SearchPublications(ctx, "2099-01-01", "guichet", 10)
	if err != nil || len(hits) != 2 || hits[0].EntryID != newer.EntryID || hits[1].EntryStatus != workspace.RegisterSuperseded {
		t.Errorf("search from 2099: %d hits, %v", len(hits), err)
	}
}

// TestTranslationRecordsItsSource publishes a French text, its Arabic
// translation, then a second French edition: the translation follows
// edition 1, and the entry says the original is newer since; a second
// Arabic edition follows edition 2 and catches up.
func TestTranslationRecordsItsSource(t *testing.T) {
	rt := newRegisterTable(t)
	fr := rt.adopted(t, "Orientation", "fr", "# Orientation\nun\n", "# Orientation\ndeux\n")
	ar := rt.adopted(t, "توجيه", "ar", "# توجيه\nواحد\n", "# توجيه\nاثنان\n")
	fr1 := rt.publish(t, request(fr, 1))
	tr := request(ar, 1)
	tr.TranslationOf = fr1.EntryID
	ar1 := rt.publish(t, tr)
	if fr1.SourceEdition != 0 || ar1.SourceEdition != 1 {
		t.Errorf("source editions: French %d, Arabic %d; want 0 and 1", fr1.SourceEdition, ar1.SourceEdition)
	}
	e := rt.entry(t, fr1.EntryID)
	if got := e.CurrentIn("ar"); got.SourceEdition != 1 || e.TranslationBehind(got) != nil {
		t.Errorf("Arabic edition read with source %d, behind %v", got.SourceEdition, e.TranslationBehind(got))
	}

	fr2 := rt.publish(t, request(fr, 2))
	if fr2.SourceEdition != 0 {
		t.Errorf("the original's second edition has source %d", fr2.SourceEdition)
	}
	e = rt.entry(t, fr1.EntryID)
	if behind := e.TranslationBehind(e.CurrentIn("ar")); behind == nil || behind.ID != fr2.ID {
		t.Errorf("translation behind %+v, want French edition 2", behind)
	}
	if behind := e.TranslationBehind(e.CurrentIn("fr")); behind != nil {
		t.Errorf("the original is said to be behind %s", behind.Label())
	}

	ar2 := rt.publish(t, request(ar, 2))
	e = rt.entry(t, fr1.EntryID)
	if ar2.SourceEdition != 2 || e.TranslationBehind(e.CurrentIn("ar")) != nil {
		t.Errorf("second Arabic edition: source %d, behind %v", ar2.SourceEdition, e.TranslationBehind(e.CurrentIn("ar")))
	}
}
