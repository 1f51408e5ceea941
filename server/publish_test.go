package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
)

// newPublishableVersion creates a procedure in lang whose version 1 holds
// text, and has the table adopt it by a vote when adopt is true.
func newPublishableVersion(t *testing.T, ts *testServer, title, lang, text string, adopt bool) *workspace.Procedure {
	t.Helper()
	ctx := context.Background()
	system := workspace.SystemActor("test")
	proc := &workspace.Procedure{Title: title, Language: lang, Category: workspace.CategoryReferralPathway,
		Summary: "Résumé de " + title}
	if err := ts.db.CreateProcedure(ctx, system, proc, text); err != nil {
		t.Fatal(err)
	}
	if err := ts.db.CreateVersion(ctx, system, proc.ID, 0, text, &workspace.Version{Message: "Texte soumis au vote"}); err != nil {
		t.Fatal(err)
	}
	if adopt {
		testsupport.AdoptVersion(t, ts.db,
			workspace.ActorFor(ts.account(t, demo.SecretariatEmail)),
			workspace.ActorFor(ts.account(t, demo.MemberEmail)), proc.ID, 1)
	}
	return proc
}

// publishPath is the address of the form that publishes version number of
// the procedure.
func publishPath(procID int64, number int) string {
	return versionPath(procID, number) + "/publish"
}

// TestPublishFlow follows a version from its adoption to the public: the
// table adopts it by a vote, the secretariat publishes it through the
// form (which shows the text's SHA-256 and today as the effective date),
// the version page says what it is published as, the register lists it
// with its public page, the public page shows it with its hash, and the
// Markdown download is the text whose SHA-256 the page and the store give.
func TestPublishFlow(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	text := "# Accueil des personnes de retour à Mahdia\n\n## Premier accueil\n\nLe guichet reçoit la personne le jour même.\n\n## Orientation\n\nIl l'oriente vers le service compétent — المكتب الجهوي.\n"
	proc := newPublishableVersion(t, ts, "Accueil des personnes de retour à Mahdia", "fr", text, true)
	hash := workspace.ContentHash(text)
	staff := ts.sessionClient(t, demo.SecretariatEmail)

	// The version page offers the secretariat to publish it.
	page := staff.get(t, versionPath(proc.ID, 1))
	wantStatus(t, "the adopted version's page", page, http.StatusOK)
	if !strings.Contains(page.Body, `href="`+publishPath(proc.ID, 1)+`"`) {
		t.Fatalf("the adopted version's page does not offer the secretariat to publish it")
	}
	if member := ts.sessionClient(t, demo.MemberEmail).get(t, versionPath(proc.ID, 1)); strings.Contains(member.Body, publishPath(proc.ID, 1)) {
		t.Errorf("the version page offers a member to publish it")
	}

	// The form shows the hash of the text and today as the effective date.
	form := staff.get(t, publishPath(proc.ID, 1))
	wantStatus(t, "the publish form", form, http.StatusOK)
	today := ts.srv.today()
	for _, want := range []string{hash, `name="effective_on" type="date" value="` + today + `"`, "PROC-" + today[:4] + "-"} {
		if !strings.Contains(form.Body, want) {
			t.Errorf("the publish form lacks %q", want)
		}
	}

	// Published through the form.
	before := ts.auditCount(t)
	resp := staff.postForm(t, publishPath(proc.ID, 1), url.Values{"effective_on": {"2027-01-15"}, "note": {"Première publication."},
		"translation_of": {""}, "supersedes": {""}})
	wantRedirect(t, "publish", resp, versionPath(proc.ID, 1)+"?done=version_published")
	if ts.auditCount(t) <= before {
		t.Errorf("publishing wrote no audit entry")
	}
	published, err := ts.db.FindProcedurePublications(ctx, proc.ID)
	if err != nil {
		t.Fatal(err)
	}
	pub := published[1]
	if pub == nil {
		t.Fatalf("the store has no publication of version 1: %v", published)
	}
	if pub.ContentSHA256 != hash || pub.EffectiveOn != "2027-01-15" || pub.Edition != 1 || pub.Language != "fr" || pub.Note != "Première publication." {
		t.Errorf("stored publication: hash %s, effective %s, edition %d, language %s, note %q; want %s, 2027-01-15, 1, fr, the note",
			pub.ContentSHA256, pub.EffectiveOn, pub.Edition, pub.Language, pub.Note, hash)
	}
	ident := pub.Identifier
	if !strings.HasPrefix(ident, "PROC-"+today[:4]+"-") {
		t.Errorf("identifier %q, want one of the year %s", ident, today[:4])
	}

	// The version page says what it is published as, and no longer offers
	// to publish it; the versions list marks it.
	page = staff.get(t, versionPath(proc.ID, 1)+"?done=version_published")
	publicPath := "/public/procedures/" + ident + "/fr"
	for _, want := range []string{pub.Label(), "2027-01-15", publicPath + "/editions/1", hash, "La version est publiée au registre."} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the published version's page lacks %q", want)
		}
	}
	if strings.Contains(page.Body, `href="`+publishPath(proc.ID, 1)+`"`) {
		t.Errorf("the published version's page still offers to publish it")
	}
	if list := staff.get(t, "/procedures/"+strconv.FormatInt(proc.ID, 10)+"/versions"); !strings.Contains(list.Body, "published-badge") || !strings.Contains(list.Body, pub.Label()) {
		t.Errorf("the versions list does not mark the published version")
	}
	if procPage := staff.get(t, "/procedures/"+strconv.FormatInt(proc.ID, 10)); !strings.Contains(procPage.Body, `href="/register#`+ident+`"`) {
		t.Errorf("the procedure page does not show its register entry")
	}

	// The register lists it, for every account, with its public page.
	register := ts.sessionClient(t, demo.StakeholderEmail).get(t, "/register")
	wantStatus(t, "the register", register, http.StatusOK)
	for _, want := range []string{`id="` + ident + `"`, html.EscapeString(proc.Title), `href="` + publicPath + `"`, hash[:12], "2027-01-15"} {
		if !strings.Contains(register.Body, want) {
			t.Errorf("the register lacks %q", want)
		}
	}

	// The public page shows it, with its hash, to anyone.
	public := ts.newClient(t).get(t, publicPath)
	wantStatus(t, "the public page", public, http.StatusOK)
	if !strings.Contains(public.Body, html.EscapeString(proc.Title)) || !strings.Contains(public.Body, "Le guichet reçoit la personne le jour même.") {
		t.Errorf("the public page does not show the published procedure")
	}
	if !strings.Contains(public.Body, hash) {
		t.Errorf("the public page does not show the hash %s", hash)
	}

	// The Markdown download is exactly the text: its SHA-256 is the one
	// shown and stored.
	download := ts.newClient(t).get(t, publicPath+"/editions/1/markdown")
	wantStatus(t, "the Markdown download", download, http.StatusOK)
	sum := sha256.Sum256([]byte(download.Body))
	if got := hex.EncodeToString(sum[:]); got != hash || got != pub.ContentSHA256 {
		t.Errorf("the download hashes to %s; the page and the store say %s", got, pub.ContentSHA256)
	}
}

// TestPublishRefused checks the refusals of the publish form: a version
// not adopted (409), unknown ones (404), a bad date, a note too long and
// entries not offered (400, the form again with its error), a member and a
// stakeholder (403), and a second publication (409). None changes
// anything.
func TestPublishRefused(t *testing.T) {
	ts := newTestServer(t)
	adopted := newPublishableVersion(t, ts, "Orientation vers l'emploi", "fr", "# Orientation vers l'emploi\n\nTexte adopté.\n", true)
	draft := newPublishableVersion(t, ts, "Procédure non adoptée", "fr", "# Procédure non adoptée\n\nTexte.\n", false)
	staff := ts.sessionClient(t, demo.SecretariatEmail)
	good := url.Values{"effective_on": {"2027-02-01"}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for key, vs := range good {
			f[key] = append([]string(nil), vs...)
		}
		f.Set(k, v)
		return f
	}

	for _, tt := range []struct {
		name   string
		c      *client
		path   string
		form   url.Values // nil: a GET
		status int
		// field is the field the form marks, when it is sure to be shown
		// (the entries offered depend on the demo's register); formErr:
		// the form comes back with its error.
		field   string
		formErr bool
	}{
		{"NotAdoptedForm", staff, publishPath(draft.ID, 1), nil, http.StatusConflict, "", false},
		{"NotAdopted", staff, publishPath(draft.ID, 1), good, http.StatusConflict, "", false},
		{"UnknownVersionForm", staff, publishPath(adopted.ID, 9), nil, http.StatusNotFound, "", false},
		{"UnknownVersion", staff, publishPath(adopted.ID, 9), good, http.StatusNotFound, "", false},
		{"UnknownProcedure", staff, publishPath(999999, 1), good, http.StatusNotFound, "", false},
		{"BadNumber", staff, "/procedures/" + strconv.FormatInt(adopted.ID, 10) + "/versions/x/publish", good, http.StatusNotFound, "", false},
		{"NoDate", staff, publishPath(adopted.ID, 1), url.Values{}, http.StatusBadRequest, "effective_on", true},
		{"BadDate", staff, publishPath(adopted.ID, 1), with("effective_on", "2027-13-45"), http.StatusBadRequest, "effective_on", true},
		{"NoteTooLong", staff, publishPath(adopted.ID, 1), with("note", strings.Repeat("é", workspace.MaxPublicationNote+1)), http.StatusBadRequest, "note", true},
		{"TranslationNotANumber", staff, publishPath(adopted.ID, 1), with("translation_of", "abc"), http.StatusBadRequest, "", true},
		{"TranslationUnknown", staff, publishPath(adopted.ID, 1), with("translation_of", "999999"), http.StatusBadRequest, "", true},
		{"SupersedesUnknown", staff, publishPath(adopted.ID, 1), with("supersedes", "999999"), http.StatusBadRequest, "supersedes", true},
		{"SupersedesNegative", staff, publishPath(adopted.ID, 1), with("supersedes", "-3"), http.StatusBadRequest, "supersedes", true},
		{"MemberForm", ts.sessionClient(t, demo.MemberEmail), publishPath(adopted.ID, 1), nil, http.StatusForbidden, "", false},
		{"Member", ts.sessionClient(t, demo.MemberEmail), publishPath(adopted.ID, 1), good, http.StatusForbidden, "", false},
		{"Stakeholder", ts.sessionClient(t, demo.StakeholderEmail), publishPath(adopted.ID, 1), good, http.StatusForbidden, "", false},
		{"Anonymous", ts.newClient(t), publishPath(adopted.ID, 1), good, http.StatusUnauthorized, "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := ts.snapshot(t)
			var resp *response
			if tt.form == nil {
				resp = tt.c.get(t, tt.path)
			} else {
				resp = tt.c.postForm(t, tt.path, tt.form)
			}
			wantStatus(t, tt.name, resp, tt.status)
			if tt.formErr && (!strings.Contains(resp.Body, `id="form-error"`) || !strings.Contains(resp.Body, `class="stacked publish-form"`)) {
				t.Errorf("the refused form does not come back with its error")
			}
			if tt.field != "" && !fieldMarkedInvalid(resp.Body, tt.field) {
				t.Errorf("the refused form does not mark the field %s", tt.field)
			}
			if tt.form != nil && tt.form.Get("note") != "" && tt.status == http.StatusBadRequest && !strings.Contains(resp.Body, tt.form.Get("note")[:20]) {
				t.Errorf("the refused form lost the note as typed")
			}
			if ts.snapshot(t) != before {
				t.Errorf("a refused publication changed the data")
			}
		})
	}
	if published, err := ts.db.FindProcedurePublications(context.Background(), adopted.ID); err != nil || len(published) != 0 {
		t.Fatalf("after the refusals the procedure has publications %v (%v), want none", published, err)
	}

	// Published once; a second time is a conflict, and the form is no
	// longer offered.
	wantRedirect(t, "publish", staff.postForm(t, publishPath(adopted.ID, 1), good), versionPath(adopted.ID, 1)+"?done=version_published")
	before := ts.snapshot(t)
	wantStatus(t, "publish again", staff.postForm(t, publishPath(adopted.ID, 1), good), http.StatusConflict)
	wantStatus(t, "the form of a published version", staff.get(t, publishPath(adopted.ID, 1)), http.StatusConflict)
	if ts.snapshot(t) != before {
		t.Errorf("a second publication changed the data")
	}
}

// fieldMarkedInvalid reports whether the form field named name carries
// aria-invalid="true" in body.
func fieldMarkedInvalid(body, name string) bool {
	i := strings.Index(body, `name="`+name+`"`)
	if i < 0 {
		return false
	}
	end := strings.Index(body[i:], ">")
	return end > 0 && strings.Contains(body[i:i+end], `aria-invalid="true"`)
}

// TestPublishTranslationAndSupersedes publishes a French procedure, then
// its Arabic translation into the same entry (the form offers the entry,
// since it lacks Arabic), then a third procedure that supersedes the
// first entry: the register shows one entry in two languages, marked
// superseded by the new one.
func TestPublishTranslationAndSupersedes(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	staff := ts.sessionClient(t, demo.SecretariatEmail)
	fr := newPublishableVersion(t, ts, "Accès aux soins de santé", "fr", "# Accès aux soins de santé\n\nTexte français.\n", true)
	ar := newPublishableVersion(t, ts, "الولوج إلى الخدمات الصحية", "ar", "# الولوج إلى الخدمات الصحية\n\nالنص العربي.\n", true)
	next := newPublishableVersion(t, ts, "Accès aux soins (révisé)", "fr", "# Accès aux soins (révisé)\n\nNouveau texte.\n", true)

	wantRedirect(t, "publish the French text", staff.postForm(t, publishPath(fr.ID, 1), url.Values{"effective_on": {"2027-01-01"}}),
		versionPath(fr.ID, 1)+"?done=version_published")
	entry, err := ts.db.FindProcedureEntry(ctx, ts.srv.today(), fr.ID)
	if err != nil {
		t.Fatal(err)
	}
	entryID := strconv.FormatInt(entry.ID, 10)

	// The Arabic procedure's form offers the entry as what it translates.
	form := staff.get(t, publishPath(ar.ID, 1))
	if !strings.Contains(form.Body, `name="translation_of"`) || !strings.Contains(form.Body, `<option value="`+entryID+`">`+entry.Identifier()) {
		t.Fatalf("the translation's form does not offer the entry %s", entry.Identifier())
	}
	// A French procedure is not offered the entry, which has French, as
	// what it translates; but it may supersede it.
	form = staff.get(t, publishPath(next.ID, 1))
	if strings.Contains(selectField(form.Body, "translation_of"), `value="`+entryID+`"`) {
		t.Errorf("a French procedure is offered to translate an entry that has French")
	}
	if !strings.Contains(selectField(form.Body, "supersedes"), `value="`+entryID+`"`) {
		t.Errorf("a new procedure is not offered to supersede the entry in force")
	}
	wantRedirect(t, "publish the translation", staff.postForm(t, publishPath(ar.ID, 1), url.Values{"effective_on": {"2027-01-01"}, "translation_of": {entryID}}),
		versionPath(ar.ID, 1)+"?done=version_published")
	if arEntry, err := ts.db.FindProcedureEntry(ctx, ts.srv.today(), ar.ID); err != nil || arEntry.ID != entry.ID {
		t.Fatalf("the translation is in entry %v (%v), want %d", arEntry, err, entry.ID)
	}

	// The third procedure supersedes the entry.
	wantRedirect(t, "publish what supersedes", staff.postForm(t, publishPath(next.ID, 1), url.Values{"effective_on": {ts.srv.today()}, "supersedes": {entryID}}),
		versionPath(next.ID, 1)+"?done=version_published")
	newEntry, err := ts.db.FindProcedureEntry(ctx, ts.srv.today(), next.ID)
	if err != nil {
		t.Fatal(err)
	}
	old, err := ts.db.FindRegisterEntryByID(ctx, ts.srv.today(), entry.ID)
	if err != nil {
		t.Fatal(err)
	}
	if old.Status() != workspace.RegisterSuperseded || old.ReplacedBy == nil || *old.ReplacedBy != newEntry.ID {
		t.Errorf("the old entry: status %s, replaced by %v; want superseded by %d", old.Status(), old.ReplacedBy, newEntry.ID)
	}

	register := staff.get(t, "/register")
	li := registerItem(t, register.Body, entry.Identifier())
	for _, want := range []string{"/public/procedures/" + entry.Identifier() + "/fr", "/public/procedures/" + entry.Identifier() + "/ar",
		"الولوج إلى الخدمات الصحية", "Remplacée", `href="#` + newEntry.Identifier() + `"`} {
		if !strings.Contains(li, want) {
			t.Errorf("the register's entry %s lacks %q", entry.Identifier(), want)
		}
	}
	if nl := registerItem(t, register.Body, newEntry.Identifier()); !strings.Contains(nl, "En vigueur") || !strings.Contains(nl, `href="#`+entry.Identifier()+`"`) {
		t.Errorf("the new entry %s is not shown in force, superseding %s", newEntry.Identifier(), entry.Identifier())
	}
}

// selectField returns the select element named name in body, or "".
func selectField(body, name string) string {
	start := strings.Index(body, `<select id="`+name+`" name="`+name+`"`)
	if start < 0 {
		return ""
	}
	end := strings.Index(body[start:], "</select>")
	if end < 0 {
		return body[start:]
	}
	return body[start : start+end]
}

// registerItem returns the register page's item of the entry ident.
func registerItem(t *testing.T, body, ident string) string {
	t.Helper()
	start := strings.Index(body, `id="`+ident+`"`)
	if start < 0 {
		t.Fatalf("the register has no entry %s", ident)
	}
	end := strings.Index(body[start:], "</li>")
	if end < 0 {
		t.Fatalf("the register's entry %s does not end", ident)
	}
	return body[start : start+end]
}
