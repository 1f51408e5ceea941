package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/workspace"
)

// publishOn publishes version number of p as the secretariat to apply
// from effective, into translationOf's entry and replacing supersedes
// when they are not zero.
func publishOn(t *testing.T, ts *testServer, p *workspace.Procedure, number int, effective string, translationOf, supersedes int64) *workspace.Publication {
	t.Helper()
	staff := workspace.ActorFor(ts.account(t, demo.SecretariatEmail))
	pub, err := ts.db.Publish(context.Background(), staff, &workspace.PublishRequest{
		ProcedureID: p.ID, VersionNumber: number, TranslationOf: translationOf, Supersedes: supersedes,
		EffectiveOn: effective, Year: 2026,
	})
	if err != nil {
		t.Fatalf("Publish %s v%d: %v", p.Title, number, err)
	}
	return pub
}

// wantIn fails the test unless body holds every one of wants.
func wantIn(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// wantNotIn fails the test when body holds any of unwanted.
func wantNotIn(t *testing.T, what, body string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(body, u) {
			t.Errorf("%s holds %q", what, u)
		}
	}
}

// TestPublicFutureEditionBanners publishes a first edition that applies
// from 2020 and a second from 2099: the entry's page shows the first, in
// force, saying that a new edition applies from 2099; the first
// edition's page is not told it is out of force; the second's says it
// applies from 2099 and that the first applies until then, in French and
// in Arabic (right to left), and so does its HTML download; the public
// home offers the first alone, and the search finds the words in force
// only.
func TestPublicFutureEditionBanners(t *testing.T) {
	ts := newTestServer(t)
	fr := publishedProcedure(t, ts, "Accueil à venir", "fr",
		"# Accueil à venir\n\nLe guichet applique la règle zephyrancienne.\n",
		"# Accueil à venir\n\nLe guichet applique la règle zephyrnouvelle.\n")
	p1 := publishOn(t, ts, fr, 1, "2020-01-01", 0, 0)
	p2 := publishOn(t, ts, fr, 2, "2099-01-01", 0, 0)
	c := ts.newClient(t)
	entryPath := "/public/procedures/" + p1.Identifier + "/fr"

	current := mustGet(t, c, entryPath, http.StatusOK).Body
	wantIn(t, "the entry's page", current, "zephyrancienne", `class="status-banner upcoming"`, "2099-01-01", p2.Label())
	wantNotIn(t, "the entry's page", current, "zephyrnouvelle", "status-banner older", "status-banner future")

	first := mustGet(t, c, entryPath+"/editions/1", http.StatusOK).Body
	wantNotIn(t, "edition 1's page", first, "status-banner older")
	wantIn(t, "edition 1's page", first, `class="status-banner upcoming"`)

	second := mustGet(t, c, entryPath+"/editions/2", http.StatusOK).Body
	wantIn(t, "edition 2's page", second, `class="status-banner future"`, "2099-01-01", "Jusque-là", `href="`+entryPath+`"`, p1.Label())
	wantNotIn(t, "edition 2's page", second, "status-banner older")

	arabic := mustGet(t, c, entryPath+"/editions/2?lang=ar", http.StatusOK).Body
	wantIn(t, "edition 2's page in Arabic", arabic, `<html lang="ar" dir="rtl">`, "تسري هذه الطبعة ابتداءً من 2099-01-01", "وإلى ذلك الحين")

	download := mustGet(t, c, entryPath+"/editions/2/html", http.StatusOK).Body
	wantIn(t, "edition 2's HTML download", download, "2099-01-01", "Jusque-là", p1.Label())

	home := mustGet(t, c, "/public", http.StatusOK).Body
	wantIn(t, "the public home", home, p1.Label(), "2020-01-01")
	wantNotIn(t, "the public home", home, p2.Label(), "2099-01-01")

	found := mustGet(t, c, "/public/search?q=zephyrnouvelle", http.StatusOK).Body
	wantNotIn(t, "the search for the text to come", found, p1.Identifier)
	found = mustGet(t, c, "/public/search?q=zephyrancienne", http.StatusOK).Body
	wantIn(t, "the search for the text in force", found, p1.Identifier)
}

// TestPublicSupersededFromLaterDay publishes an entry that replaces
// another from 2099: the replaced entry's page says it is replaced from
// that day, not that it no longer applies, and the home still offers it.
func TestPublicSupersededFromLaterDay(t *testing.T) {
	ts := newTestServer(t)
	old := publishOn(t, ts, publishedProcedure(t, ts, "Ancien accueil", "fr", "# Ancien accueil\n\nTexte.\n"), 1, "2020-01-01", 0, 0)
	newer := publishOn(t, ts, publishedProcedure(t, ts, "Nouvel accueil", "fr", "# Nouvel accueil\n\nTexte.\n"), 1, "2099-01-01", 0, old.EntryID)
	c := ts.newClient(t)
	page := mustGet(t, c, "/public/procedures/"+old.Identifier+"/fr", http.StatusOK).Body
	wantIn(t, "the replaced entry's page", page, "partir du 2099-01-01", `href="/public/procedures/`+newer.Identifier+`"`)
	wantNotIn(t, "the replaced entry's page", page, "status-banner superseded", "ne s&#39;applique plus")
	wantIn(t, "the public home", mustGet(t, c, "/public", http.StatusOK).Body, old.Label())
}

// TestPublicTranslationBehindOriginal publishes a French text, its Arabic
// translation, then a second French edition: the Arabic page and its HTML
// download say that the translation follows French edition 1 and that the
// French text has a newer edition since its day; the French page says
// nothing of the kind.
func TestPublicTranslationBehindOriginal(t *testing.T) {
	ts := newTestServer(t)
	fr := publishedProcedure(t, ts, "Orientation sanitaire", "fr", publicFR1, publicFR2)
	ar := publishedProcedure(t, ts, "التوجيه الصحي", "ar", publicAR1)
	fr1 := publishOn(t, ts, fr, 1, "2020-01-01", 0, 0)
	publishOn(t, ts, ar, 1, "2020-01-01", fr1.EntryID, 0)
	fr2 := publishOn(t, ts, fr, 2, "2021-03-01", 0, 0)
	c := ts.newClient(t)
	arPath := "/public/procedures/" + fr1.Identifier + "/ar"

	page := mustGet(t, c, arPath, http.StatusOK).Body
	wantIn(t, "the Arabic page", page, `class="status-banner translation-behind"`,
		"تتبع هذه الترجمة الطبعة 1 من النص الفرنسي", "2021-03-01", fr2.Label(), `href="/public/procedures/`+fr1.Identifier+`/fr"`)
	wantIn(t, "the Arabic page in French", mustGet(t, c, arPath+"?lang=fr", http.StatusOK).Body, "du texte français", "2021-03-01")
	wantIn(t, "the Arabic HTML download", mustGet(t, c, arPath+"/editions/1/html", http.StatusOK).Body,
		"تتبع هذه الترجمة الطبعة 1 من النص الفرنسي", fr2.Label())
	wantNotIn(t, "the French page", mustGet(t, c, "/public/procedures/"+fr1.Identifier+"/fr", http.StatusOK).Body, "translation-behind")
}

// TestPublicSummaryApartFromHashedText reads an edition's page and the
// check page: the summary, which no vote adopted and the hash does not
// cover, is labelled as the secretariat's presentation, apart from the
// adopted text, and the check page says what the hash covers.
func TestPublicSummaryApartFromHashedText(t *testing.T) {
	ts := newTestServer(t)
	pub := publishOn(t, ts, publishedProcedure(t, ts, "Accueil présenté", "fr", publicFR1), 1, "2020-01-01", 0, 0)
	c := ts.newClient(t)
	page := mustGet(t, c, "/public/procedures/"+pub.Identifier+"/fr", http.StatusOK).Body
	wantIn(t, "the public page", page, `<div class="public-summary">`, "Présentation du secrétariat, hors texte adopté", `id="public-text-label"`)
	if i, j := strings.Index(page, "public-summary"), strings.Index(page, `id="public-text"`); i < 0 || j < i {
		t.Errorf("the summary is not set before and apart from the text")
	}
	wantIn(t, "the check page", mustGet(t, c, "/public/check", http.StatusOK).Body, `id="check-covers"`, "Elle ne couvre ni le titre")
}

// TestVersionPageSaysWhyNotPublishable has the secretariat open adopted
// versions that cannot be published: version 1 once version 2 is, and a
// new version of a replaced entry's procedure. Their pages offer no
// Publish button and say why; the publish form says so instead of
// offering the form; posting it is a conflict that publishes nothing.
func TestVersionPageSaysWhyNotPublishable(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	staff := ts.sessionClient(t, demo.SecretariatEmail)

	older := publishedProcedure(t, ts, "Orientation révisée", "fr", publicFR1, publicFR2)
	publishOn(t, ts, older, 2, "2020-01-01", 0, 0)
	replaced := publishedProcedure(t, ts, "Orientation remplacée", "fr", publicFR1, publicFR2)
	first := publishOn(t, ts, replaced, 1, "2020-01-01", 0, 0)
	publishOn(t, ts, publishedProcedure(t, ts, "Orientation nouvelle", "fr", publicFR1), 1, "2020-02-01", 0, first.EntryID)

	for _, tt := range []struct {
		name   string
		proc   *workspace.Procedure
		number int
		says   []string
	}{
		{"OlderThanPublished", older, 1, []string{"Une version plus récente de cette procédure est déjà publiée"}},
		{"EntryReplaced", replaced, 2, []string{"remplacée par une autre", "entrée qui la remplace"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			page := staff.get(t, versionPath(tt.proc.ID, tt.number))
			wantStatus(t, "the version page", page, http.StatusOK)
			wantNotIn(t, "the version page", page.Body, `class="publish-action"`)
			wantIn(t, "the version page", page.Body, append([]string{`class="publish-refused"`}, tt.says...)...)

			form := staff.get(t, publishPath(tt.proc.ID, tt.number))
			wantStatus(t, "the publish form", form, http.StatusConflict)
			wantIn(t, "the publish form", form.Body, append([]string{`id="publish-refused"`}, tt.says...)...)
			wantNotIn(t, "the publish form", form.Body, `class="stacked publish-form"`)

			before, err := ts.db.FindProcedurePublications(ctx, tt.proc.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantStatus(t, "posting the form", staff.postForm(t, publishPath(tt.proc.ID, tt.number), url.Values{"effective_on": {"2026-12-07"}}), http.StatusConflict)
			if after, err := ts.db.FindProcedurePublications(ctx, tt.proc.ID); err != nil || len(after) != len(before) {
				t.Errorf("%d publications after the refused post, want %d (%v)", len(after), len(before), err)
			}
		})
	}
}

// TestWithdrawalSaidToBeFinal opens the withdraw form of an entry, then,
// once it is withdrawn, the publish form of its procedure's next version:
// the former says plainly that the entry takes nothing more and that a
// new version makes a new entry, the latter that the withdrawn entry
// stays withdrawn and the version makes a new entry.
func TestWithdrawalSaidToBeFinal(t *testing.T) {
	ts := newTestServer(t)
	staff := ts.sessionClient(t, demo.SecretariatEmail)
	proc := publishedProcedure(t, ts, "Orientation retirée", "fr", publicFR1, publicFR2)
	pub := publishOn(t, ts, proc, 1, "2020-01-01", 0, 0)
	path := "/register/" + strconv.FormatInt(pub.EntryID, 10) + "/withdraw"

	form := staff.get(t, path)
	wantStatus(t, "the withdraw form", form, http.StatusOK)
	wantIn(t, "the withdraw form", strings.ReplaceAll(form.Body, "&#39;", "'"), `withdraw-final`, "Le retrait est définitif", "comme nouvelle entrée du registre")

	staffActor := workspace.ActorFor(ts.account(t, demo.SecretariatEmail))
	if err := ts.db.WithdrawEntry(context.Background(), staffActor, pub.EntryID, "Abrogée.", 0); err != nil {
		t.Fatal(err)
	}
	next := staff.get(t, publishPath(proc.ID, 2))
	wantStatus(t, "the publish form", next, http.StatusOK)
	wantIn(t, "the publish form", strings.ReplaceAll(next.Body, "&#39;", "'"), `id="publish-after-withdrawal"`, "L'entrée "+pub.Identifier+" de cette procédure est retirée et le reste", "nouvelle entrée du registre")
	wantNotIn(t, "the publish form", next.Body, `id="publish-refused"`)
}

// TestRegisterPageShowsEditionToCome publishes a second edition to apply
// from 2099 and a replacement from 2099: the members' register shows the
// edition in force with the one to come and its day, and the entry to be
// replaced as in force until that day.
func TestRegisterPageShowsEditionToCome(t *testing.T) {
	ts := newTestServer(t)
	proc := publishedProcedure(t, ts, "Accueil annoncé", "fr", publicFR1, publicFR2)
	publishOn(t, ts, proc, 1, "2020-01-01", 0, 0)
	next := publishOn(t, ts, proc, 2, "2099-01-01", 0, 0)
	newer := publishOn(t, ts, publishedProcedure(t, ts, "Accueil remplaçant", "fr", publicFR1), 1, "2099-01-01", 0, next.EntryID)
	page := ts.sessionClient(t, demo.MemberEmail).get(t, "/register")
	wantStatus(t, "the register", page, http.StatusOK)
	item := registerItem(t, page.Body, next.Identifier)
	wantIn(t, "the entry", item, "entry-status-in-force", `class="entry-next"`, "2099-01-01", next.Label(), "partir du 2099-01-01", newer.Identifier)
}

// TestPublicFirstEditionNotYetInForce publishes an entry's only edition to
// apply from 2099: the list names it not yet in force, and its page says
// that nothing applies until then.
func TestPublicFirstEditionNotYetInForce(t *testing.T) {
	ts := newTestServer(t)
	pub := publishOn(t, ts, publishedProcedure(t, ts, "Accueil prévu", "fr", publicFR1), 1, "2099-01-01", 0, 0)
	c := ts.newClient(t)
	list := mustGet(t, c, "/public/procedures", http.StatusOK).Body
	i := strings.Index(list, `dir="ltr">`+pub.Identifier+`</span>`)
	if i < 0 {
		t.Fatalf("the list does not name %s", pub.Identifier)
	}
	item, _, _ := strings.Cut(list[i:], "</li>")
	wantIn(t, "the list's item", item, `register-status upcoming`, "Pas encore en vigueur")
	page := mustGet(t, c, "/public/procedures/"+pub.Identifier+"/fr", http.StatusOK).Body
	wantIn(t, "the page", page, `class="status-banner future"`, "aucune édition de cette procédure ne s&#39;applique")
}
