package server

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"tawla/demo"
	"tawla/workspace"
)

func procedurePath(id int64) string { return "/procedures/" + strconv.FormatInt(id, 10) }

// procedureForm returns the details form of a procedure.
func procedureForm(title, language, category, summary string) url.Values {
	return url.Values{"title": {title}, "language": {language}, "category": {category}, "summary": {summary}}
}

// procedureState describes every procedure with its draft, and the size of
// the audit log: two equal states mean no request changed anything.
func (ts *testServer) procedureState(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	procs, err := ts.db.FindProcedures(ctx)
	if err != nil {
		t.Fatalf("FindProcedures: %v", err)
	}
	var b strings.Builder
	for _, p := range procs {
		proc := *p
		createdBy := int64(0)
		if proc.CreatedBy != nil {
			createdBy = *proc.CreatedBy
		}
		proc.CreatedBy = nil
		fmt.Fprintf(&b, "%+v by %d\n", proc, createdBy)
		text, version, err := ts.srv.collab.Text(ctx, p.DocumentID)
		if err != nil {
			t.Fatalf("documentText(%d): %v", p.DocumentID, err)
		}
		fmt.Fprintf(&b, "draft v%d %q\n", version, text)
	}
	fmt.Fprintf(&b, "audit entries: %d\n", ts.auditCount(t))
	return b.String()
}

// procedureAudit returns the audit entries about procedure id, newest first.
func (ts *testServer) procedureAudit(t *testing.T, id int64) []*workspace.AuditEntry {
	t.Helper()
	entries, _, err := ts.db.FindAuditEntries(context.Background(), workspace.AuditFilter{EntityType: "procedure", EntityID: &id, Limit: 50})
	if err != nil {
		t.Fatalf("FindAuditEntries: %v", err)
	}
	return entries
}

// createdProcedureID returns the id in the Location of a successful create.
func createdProcedureID(t *testing.T, resp *response) int64 {
	t.Helper()
	wantStatus(t, "create the procedure", resp, http.StatusSeeOther)
	m := regexp.MustCompile(`^/procedures/(\d+)\?done=procedure_created$`).FindStringSubmatch(resp.location())
	if m == nil {
		t.Fatalf("Location %q, want /procedures/{id}?done=procedure_created", resp.location())
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// appendToDraft stores an update that adds text at the end of the draft of
// proc, as a browser's push would, and returns the new version.
func (ts *testServer) appendToDraft(t *testing.T, proc *workspace.Procedure, text string) int {
	t.Helper()
	ctx := context.Background()
	current, version, err := ts.srv.collab.Text(ctx, proc.DocumentID)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := json.Marshal(strings.Split(text, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	units := len(utf16.Encode([]rune(current)))
	changes := fmt.Sprintf(`[%d,[0,%s]`, units, strings.TrimPrefix(string(lines), "["))
	if units == 0 {
		changes = fmt.Sprintf(`[[0,%s]`, strings.TrimPrefix(string(lines), "["))
	}
	update := &workspace.DocumentUpdate{ClientID: "test", ClientSeq: int64(version + 1), Changes: changes}
	if err := ts.db.AppendDocumentUpdates(ctx, proc.DocumentID, version, []*workspace.DocumentUpdate{update}); err != nil {
		t.Fatalf("AppendDocumentUpdates(%s): %v", changes, err)
	}
	return version + 1
}

func TestProcedureCreate(t *testing.T) {
	ts := newTestServer(t)
	member := ts.loginAs(t, demo.MemberEmail)
	acc := ts.account(t, demo.MemberEmail)

	t.Run("OK", func(t *testing.T) {
		resp := member.postForm(t, "/procedures", procedureForm(
			"  Norme d'accueil au guichet unique  ", "fr", "service_standard", "Ce que chaque guichet garantit."))
		id := createdProcedureID(t, resp)
		proc, err := ts.db.FindProcedureByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := proc.Title, "Norme d'accueil au guichet unique"; got != want {
			t.Errorf("title = %q, want %q", got, want)
		}
		if proc.Language != "fr" || proc.Category != workspace.CategoryServiceStandard || proc.Summary != "Ce que chaque guichet garantit." {
			t.Errorf("stored %+v", *proc)
		}
		if proc.CreatedBy == nil || *proc.CreatedBy != acc.ID {
			t.Errorf("created by %v, want the member %d", proc.CreatedBy, acc.ID)
		}
		text, version, err := ts.srv.collab.Text(context.Background(), proc.DocumentID)
		if err != nil {
			t.Fatal(err)
		}
		if want := "# Norme d'accueil au guichet unique\n\n"; text != want || version != 0 {
			t.Errorf("draft = %q at version %d, want %q at 0", text, version, want)
		}
		entries := ts.procedureAudit(t, id)
		if len(entries) != 1 || entries[0].Action != workspace.AuditProcedureCreate || entries[0].ActorID == nil || *entries[0].ActorID != acc.ID {
			t.Fatalf("audit entries %+v, want one procedure.create by the member", entries)
		}
		if !strings.Contains(entries[0].After, "guichet unique") {
			t.Errorf("audit entry records %s, want the title", entries[0].After)
		}

		page := member.get(t, resp.location())
		wantStatus(t, "the new procedure's page", page, http.StatusOK)
		if !strings.Contains(page.Body, "La procédure a été créée") {
			t.Errorf("the page does not confirm the creation:\n%s", excerpt(page.Body))
		}
	})

	t.Run("Arabic", func(t *testing.T) {
		resp := member.postForm(t, "/procedures", procedureForm("مسار توجيه العائدين", "ar", "referral_pathway", ""))
		id := createdProcedureID(t, resp)
		page := member.get(t, procedurePath(id))
		if !strings.Contains(page.Body, `id="procedure-preview" class="preview" lang="ar" dir="rtl"`) {
			t.Errorf("the preview of an Arabic draft is not right-to-left:\n%s", excerpt(page.Body))
		}
	})

	for _, tt := range []struct {
		name  string
		body  string
		field string
		msg   string
	}{
		{"ErrTitleRequired", procedureForm("   ", "fr", "other", "").Encode(), "title", "Une procédure doit avoir un titre."},
		{"ErrTitleTooLong", procedureForm(strings.Repeat("é", 201), "fr", "other", "").Encode(), "title", "Ce texte est trop long\u00a0: 200\u00a0caractères au plus."},
		{"ErrLanguage", procedureForm("Procédure", "en", "other", "").Encode(), "language", "Choisissez le français ou l'arabe."},
		{"ErrCategory", procedureForm("Procédure", "fr", "poem", "").Encode(), "category", "Choisissez une catégorie."},
		{"ErrSummaryControl", procedureForm("Procédure", "fr", "other", "ligne\x00cachée").Encode(), "summary", "Le texte contient un caractère de contrôle."},
		{"ErrInvalidUTF8", "title=Proc%E9dure&language=fr&category=other", "title", "Un caractère n'a pas pu être lu et a été remplacé par «\u00a0\uFFFD\u00a0»\u00a0: vérifiez le texte, puis envoyez-le de nouveau."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := ts.procedureState(t)
			resp := member.post(t, "/procedures", tt.body, ts.URL, "same-origin")
			wantStatus(t, "create", resp, http.StatusBadRequest)
			if !strings.Contains(html.UnescapeString(resp.Body), tt.msg) {
				t.Errorf("the form does not say %q:\n%s", tt.msg, excerpt(resp.Body))
			}
			if tt.field != "" && !regexp.MustCompile(`name="`+tt.field+`"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*>\s*<legend>`).MatchString(resp.Body) {
				t.Errorf("the %s field is not marked invalid", tt.field)
			}
			if after := ts.procedureState(t); after != before {
				t.Errorf("a refused creation changed the data:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}

	t.Run("ErrStakeholder", func(t *testing.T) {
		stakeholder := ts.loginAs(t, demo.StakeholderEmail)
		before := ts.procedureState(t)
		wantStatus(t, "form", stakeholder.get(t, "/procedures/new"), http.StatusForbidden)
		wantStatus(t, "create", stakeholder.postForm(t, "/procedures", procedureForm("Procédure", "fr", "other", "")), http.StatusForbidden)
		if after := ts.procedureState(t); after != before {
			t.Errorf("a stakeholder's creation changed the data:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
}

func TestProcedureList(t *testing.T) {
	ts := newTestServer(t)
	procs, err := ts.db.FindProcedures(context.Background())
	if err != nil || len(procs) < 2 {
		t.Fatalf("demo procedures: %d, %v", len(procs), err)
	}

	t.Run("Member", func(t *testing.T) {
		resp := ts.loginAs(t, demo.MemberEmail).get(t, "/procedures")
		wantStatus(t, "list", resp, http.StatusOK)
		for _, p := range procs {
			link := `<a href="` + procedurePath(p.ID) + `" lang="` + p.Language + `" dir="auto">` + html.EscapeString(p.Title) + `</a>`
			if !strings.Contains(resp.Body, link) {
				t.Errorf("the list lacks %s", link)
			}
		}
		for _, want := range []string{"Parcours d&#39;orientation", "Arabe", "Français", `href="/procedures/new"`, `aria-current="page"`} {
			if !strings.Contains(resp.Body, want) {
				t.Errorf("the list lacks %q", want)
			}
		}
	})

	t.Run("Stakeholder", func(t *testing.T) {
		resp := ts.loginAs(t, demo.StakeholderEmail).get(t, "/procedures")
		wantStatus(t, "list", resp, http.StatusOK)
		if strings.Contains(resp.Body, `href="/procedures/new"`) {
			t.Error("a stakeholder is offered to create a procedure")
		}
		if !strings.Contains(resp.Body, html.EscapeString(procs[0].Title)) {
			t.Error("a stakeholder does not see the procedures")
		}
	})

	t.Run("LastChange", func(t *testing.T) {
		// Editing the draft of the older procedure brings it first.
		last := procs[len(procs)-1]
		ts.clock.Advance(61 * 1e9)
		ts.appendToDraft(t, last, "\nUn ajout.")
		resp := ts.loginAs(t, demo.MemberEmail).get(t, "/procedures")
		first := strings.Index(resp.Body, `href="`+procedurePath(last.ID)+`"`)
		other := strings.Index(resp.Body, `href="`+procedurePath(procs[0].ID)+`"`)
		if first < 0 || other < 0 {
			t.Fatalf("the list lacks a procedure")
		}
		// The list orders by the procedures' own details; the change
		// date shown is the draft's.
		doc, err := ts.db.FindDocumentByID(context.Background(), last.DocumentID)
		if err != nil {
			t.Fatal(err)
		}
		tunis, err := time.LoadLocation("Africa/Tunis")
		if err != nil {
			t.Fatal(err)
		}
		// Shown in the table's time zone, Tunis by default.
		if want := doc.UpdatedAt.In(tunis).Format("2006-01-02 15:04"); !strings.Contains(resp.Body, want) {
			t.Errorf("the list does not show the draft's last change %s", want)
		}
	})
}

func TestProcedureView(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	var fr, ar *workspace.Procedure
	procs, err := ts.db.FindProcedures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range procs {
		if demo.IsRegisterProcedure(p.Title) {
			continue // not the drafts, whose text the test knows
		}
		switch p.Language {
		case "fr":
			fr = p
		case "ar":
			ar = p
		}
	}
	if fr == nil || ar == nil {
		t.Fatal("the demo lacks a French or an Arabic procedure")
	}
	nonceAttr := regexp.MustCompile(`data-csp-nonce="([A-Za-z0-9_-]{16,})"`)

	for _, tt := range []struct {
		email   string
		canEdit bool
	}{
		{demo.StakeholderEmail, false},
		{demo.MemberEmail, true},
		{demo.SecretariatEmail, true},
		{demo.AdminEmail, true},
	} {
		t.Run(tt.email, func(t *testing.T) {
			resp := ts.loginAs(t, tt.email).get(t, procedurePath(fr.ID))
			wantStatus(t, "view", resp, http.StatusOK)
			for _, want := range []string{
				`data-document="` + strconv.FormatInt(fr.DocumentID, 10) + `"`,
				`data-can-edit="` + strconv.FormatBool(tt.canEdit) + `"`,
				`data-preview-url="` + procedurePath(fr.ID) + `/preview"`,
				`data-dir="ltr"`, `data-lang="fr"`,
				`<script src="` + assetURL("dist/editor.js") + `" defer></script>`,
				// The draft is there before the editor loads, and rendered.
				`<pre class="draft-source" lang="fr" dir="ltr"># Accompagner un migrant`,
				`<h1 id="accompagner-un-migrant-de-retour-qui-veut-créer-une-petite-entreprise" dir="auto">`,
			} {
				if !strings.Contains(resp.Body, want) {
					t.Errorf("the page lacks %s", want)
				}
			}
			if got := strings.Contains(resp.Body, `href="`+procedurePath(fr.ID)+`/edit"`); got != tt.canEdit {
				t.Errorf("edit link shown = %v, want %v", got, tt.canEdit)
			}

			// CodeMirror adds its stylesheet as a <style> element: the
			// page allows exactly the nonce it hands to the editor, and
			// still no inline style attribute.
			m := nonceAttr.FindStringSubmatch(resp.Body)
			if m == nil {
				t.Fatalf("the editor gets no nonce")
			}
			csp := resp.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "style-src 'self' 'nonce-"+m[1]+"';") {
				t.Errorf("Content-Security-Policy %q does not allow the editor's nonce %s", csp, m[1])
			}
			for _, unwanted := range []string{"unsafe-inline", "unsafe-eval", "unsafe-hashes"} {
				if strings.Contains(csp, unwanted) {
					t.Errorf("Content-Security-Policy %q allows %s", csp, unwanted)
				}
			}
		})
	}

	t.Run("NonceChanges", func(t *testing.T) {
		c := ts.loginAs(t, demo.MemberEmail)
		a := nonceAttr.FindStringSubmatch(c.get(t, procedurePath(fr.ID)).Body)
		b := nonceAttr.FindStringSubmatch(c.get(t, procedurePath(fr.ID)).Body)
		if a == nil || b == nil || a[1] == b[1] {
			t.Errorf("nonces %v and %v: want a new one for every page", a, b)
		}
		if csp := c.get(t, "/procedures").Header.Get("Content-Security-Policy"); strings.Contains(csp, "nonce-") {
			t.Errorf("the list page allows a nonce: %q", csp)
		}
	})

	t.Run("Arabic", func(t *testing.T) {
		resp := ts.loginAs(t, demo.MemberEmail).get(t, procedurePath(ar.ID)+"?lang=fr")
		wantStatus(t, "view", resp, http.StatusOK)
		for _, want := range []string{
			`<html lang="fr" dir="ltr">`,
			`<h1 lang="ar" dir="auto">` + ar.Title + `</h1>`,
			`id="procedure-editor" class="editor" lang="ar" dir="rtl"`,
			`id="procedure-preview" class="preview" lang="ar" dir="rtl"`,
			`<h2 id="1-الهدف" dir="auto">1. الهدف</h2>`,
		} {
			if !strings.Contains(resp.Body, want) {
				t.Errorf("the page lacks %s", want)
			}
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		c := ts.loginAs(t, demo.MemberEmail)
		for _, path := range []string{"/procedures/999999", "/procedures/0", "/procedures/abc", "/procedures/999999/preview", "/procedures/999999/edit"} {
			wantStatus(t, path, c.get(t, path), http.StatusNotFound)
		}
	})
}

func TestProcedureUpdate(t *testing.T) {
	ts := newTestServer(t)
	member := ts.loginAs(t, demo.SecretariatEmail)
	acc := ts.account(t, demo.SecretariatEmail)
	id := createdProcedureID(t, member.postForm(t, "/procedures", procedureForm("Première version du titre", "fr", "other", "")))
	ts.appendToDraft(t, &workspace.Procedure{ID: id, DocumentID: mustProcedure(t, ts, id).DocumentID}, "Texte du projet.")

	t.Run("Form", func(t *testing.T) {
		resp := member.get(t, procedurePath(id)+"/edit")
		wantStatus(t, "edit form", resp, http.StatusOK)
		for _, want := range []string{`value="Première version du titre"`, `id="language-fr" name="language" type="radio" value="fr" checked`, `<option value="other" selected>`} {
			if !strings.Contains(resp.Body, want) {
				t.Errorf("the form lacks %s", want)
			}
		}
	})

	t.Run("OK", func(t *testing.T) {
		draftBefore, versionBefore, err := ts.srv.collab.Text(context.Background(), mustProcedure(t, ts, id).DocumentID)
		if err != nil {
			t.Fatal(err)
		}
		resp := member.postForm(t, procedurePath(id), procedureForm("مسار جديد", "ar", "referral_pathway", "ملخّص"))
		wantStatus(t, "save", resp, http.StatusSeeOther)
		if got, want := resp.location(), procedurePath(id)+"?done=procedure_saved"; got != want {
			t.Errorf("Location %q, want %q", got, want)
		}
		proc := mustProcedure(t, ts, id)
		if proc.Title != "مسار جديد" || proc.Language != "ar" || proc.Category != workspace.CategoryReferralPathway || proc.Summary != "ملخّص" {
			t.Errorf("stored %+v", *proc)
		}
		// The details change; the draft does not.
		draft, version, err := ts.srv.collab.Text(context.Background(), proc.DocumentID)
		if err != nil {
			t.Fatal(err)
		}
		if draft != draftBefore || version != versionBefore {
			t.Errorf("draft = %q v%d after saving the details, want %q v%d", draft, version, draftBefore, versionBefore)
		}
		entries := ts.procedureAudit(t, id)
		if len(entries) != 2 || entries[0].Action != workspace.AuditProcedureUpdate || entries[0].ActorID == nil || *entries[0].ActorID != acc.ID {
			t.Fatalf("audit entries %+v, want procedure.update by the secretariat after the creation", entries)
		}
		if !strings.Contains(entries[0].Before, "Première version du titre") || !strings.Contains(entries[0].After, "مسار جديد") {
			t.Errorf("audit entry before %s after %s, want both titles", entries[0].Before, entries[0].After)
		}
		page := member.get(t, resp.location())
		if !strings.Contains(page.Body, "La fiche de la procédure a été enregistrée.") {
			t.Errorf("the page does not confirm the change:\n%s", excerpt(page.Body))
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		before := ts.procedureState(t)
		resp := member.postForm(t, procedurePath(id), procedureForm("", "ar", "referral_pathway", ""))
		wantStatus(t, "save without a title", resp, http.StatusBadRequest)
		resp = member.post(t, procedurePath(id), "title=%C3%28&language=fr&category=other", ts.URL, "same-origin")
		wantStatus(t, "save invalid UTF-8", resp, http.StatusBadRequest)
		if after := ts.procedureState(t); after != before {
			t.Errorf("a refused save changed the data:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})

	t.Run("ErrStakeholder", func(t *testing.T) {
		stakeholder := ts.loginAs(t, demo.StakeholderEmail)
		before := ts.procedureState(t)
		wantStatus(t, "form", stakeholder.get(t, procedurePath(id)+"/edit"), http.StatusForbidden)
		wantStatus(t, "save", stakeholder.postForm(t, procedurePath(id), procedureForm("Pris en main", "fr", "other", "")), http.StatusForbidden)
		if after := ts.procedureState(t); after != before {
			t.Errorf("a stakeholder's save changed the data:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		wantStatus(t, "save", member.postForm(t, "/procedures/999999", procedureForm("Titre", "fr", "other", "")), http.StatusNotFound)
	})
}

func mustProcedure(t *testing.T, ts *testServer, id int64) *workspace.Procedure {
	t.Helper()
	proc, err := ts.db.FindProcedureByID(context.Background(), id)
	if err != nil {
		t.Fatalf("FindProcedureByID(%d): %v", id, err)
	}
	return proc
}

// TestProcedurePreview checks that the preview shows the draft as it is
// now, and that nothing a draft holds reaches the page as markup or as a
// script link.
func TestProcedurePreview(t *testing.T) {
	ts := newTestServer(t)
	member := ts.loginAs(t, demo.MemberEmail)
	id := createdProcedureID(t, member.postForm(t, "/procedures", procedureForm("Aperçu", "fr", "other", "")))
	proc := mustProcedure(t, ts, id)

	resp := member.get(t, procedurePath(id)+"/preview")
	wantStatus(t, "preview", resp, http.StatusOK)
	if got, want := resp.Header.Get("Content-Type"), "text/html; charset=utf-8"; got != want {
		t.Errorf("Content-Type %q, want %q", got, want)
	}
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", got)
	}
	if got, want := resp.Header.Get("X-Document-Version"), "0"; got != want {
		t.Errorf("X-Document-Version %q, want %q", got, want)
	}
	if got, want := strings.TrimSpace(resp.Body), `<h1 id="aperçu" dir="auto">Aperçu</h1>`; got != want {
		t.Errorf("preview = %q, want %q", got, want)
	}

	hostile := strings.Join([]string{
		"<script>alert('script')</script>",
		"",
		`Texte <img src=x onerror="alert('img')"> et <b onclick="alert(1)">gras</b>`,
		"",
		"[lien](javascript:alert('js')) [MAJ](JAVASCRIPT:alert(1)) [entité](javascript&#58;alert(1)) [tab](java\tscript:alert(1))",
		"[vb](vbscript:msgbox(1)) [data](data:text/html;base64,PHNjcmlwdD4=) <javascript:alert('auto')>",
		"![svg](data:image/svg+xml;base64,PHN2Zz4=) ![js](javascript:alert('img'))",
		"",
		`<iframe src="https://example.com"></iframe>`,
		"",
		"| Service | Contact |",
		"|:--|--:|",
		"| OTE | [écrire](mailto:ote@demo.tn) |",
		"",
		"- [x] fait",
		"- [ ] à faire",
		"",
		"[site](https://www.ote.nat.tn) [ancre](#aperçu) [relatif](/procedures)",
	}, "\n")
	version := ts.appendToDraft(t, proc, hostile)

	resp = member.get(t, procedurePath(id)+"/preview")
	wantStatus(t, "preview", resp, http.StatusOK)
	if got, want := resp.Header.Get("X-Document-Version"), strconv.Itoa(version); got != want {
		t.Errorf("X-Document-Version %q, want %q: the preview must show the draft as it is now", got, want)
	}
	body := resp.Body
	lower := strings.ToLower(body)
	for _, unwanted := range []string{"<script", "<iframe", "<b ", "onerror", "onclick", "style="} {
		if strings.Contains(lower, unwanted) {
			t.Errorf("the preview lets %q through:\n%s", unwanted, body)
		}
	}
	// Unsafe addresses may stay as text, never as a link or an image.
	if m := regexp.MustCompile(`(?i)(href|src)="[^"]*(script|data:(text|image/svg))`).FindString(body); m != "" {
		t.Errorf("the preview links to %s:\n%s", m, body)
	}
	for _, want := range []string{
		`<a href="https://www.ote.nat.tn">site</a>`,
		`<a href="#aper%C3%A7u">ancre</a>`,
		`<a href="/procedures">relatif</a>`,
		`<a href="mailto:ote@demo.tn">écrire</a>`,
		// Neutralised links keep their text.
		`lien MAJ entité`,
		`<th dir="auto" class="align-start">Service</th>`,
		`<td dir="auto" class="align-end">`,
		`<li dir="auto"><input checked="" disabled="" type="checkbox"> fait</li>`,
		`<p dir="auto">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the preview lacks %s:\n%s", want, body)
		}
	}
}
