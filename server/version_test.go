package server

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	wsclient "tawla/client"
	"tawla/collab"
	"tawla/demo"
	"tawla/workspace"
)

// createTestProcedure stores a procedure whose draft starts as text.
func (ts *testServer) createTestProcedure(t *testing.T, language, text string) *workspace.Procedure {
	t.Helper()
	proc := &workspace.Procedure{Title: "Procédure " + language, Language: language, Category: workspace.CategoryOther}
	if err := ts.db.CreateProcedure(context.Background(), workspace.SystemActor("test"), proc, text); err != nil {
		t.Fatal(err)
	}
	return proc
}

// freeze freezes the draft through the form and returns the new version's
// number as the redirect names it.
func (c *client) freeze(t *testing.T, proc *workspace.Procedure, message string) string {
	t.Helper()
	resp := c.postForm(t, procedurePath(proc.ID)+"/versions", url.Values{"message": {message}})
	wantStatus(t, "freeze", resp, http.StatusSeeOther)
	m := regexp.MustCompile(`^/procedures/\d+/versions/(\d+)\?done=version_frozen$`).FindStringSubmatch(resp.location())
	if m == nil {
		t.Fatalf("Location %q, want the new version with done=version_frozen", resp.location())
	}
	return m[1]
}

// TestVersionFreeze freezes drafts of two procedures through the form:
// each procedure numbers its own versions from 1, each version keeps the
// draft's text at the version it was frozen, the audit log has an entry
// for each, an unchanged draft is not frozen again, and a stakeholder may
// not freeze.
func TestVersionFreeze(t *testing.T) {
	ts := newTestServer(t)
	a := ts.createTestProcedure(t, "fr", "# A\n\nPremier texte.\n")
	b := ts.createTestProcedure(t, "ar", "# ب\n\nنص أول.\n")
	member := ts.loginAs(t, demo.MemberEmail)

	if got := member.freeze(t, a, "Première lecture"); got != "1" {
		t.Errorf("first version of A is %s, want 1", got)
	}
	ts.appendToDraft(t, a, "Ajout.")
	if got := member.freeze(t, a, "Après l'ajout"); got != "2" {
		t.Errorf("second version of A is %s, want 2", got)
	}
	if got := member.freeze(t, b, "القراءة الأولى"); got != "1" {
		t.Errorf("first version of B is %s, want 1", got)
	}

	ctx := context.Background()
	v1, err := ts.db.FindVersion(ctx, a.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := ts.db.FindVersion(ctx, a.ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v1.Content, "# A\n\nPremier texte.\n"; got != want || v1.DocumentVersion != 0 {
		t.Errorf("v1 = %q at %d, want %q at 0", got, v1.DocumentVersion, want)
	}
	if got, want := v2.Content, "# A\n\nPremier texte.\nAjout."; got != want || v2.DocumentVersion != 1 {
		t.Errorf("v2 = %q at %d, want %q at 1", got, v2.DocumentVersion, want)
	}
	freezes := 0
	for _, e := range ts.procedureAudit(t, a.ID) {
		if e.Action == workspace.AuditVersionFreeze {
			freezes++
		}
	}
	if freezes != 2 {
		t.Errorf("%d freeze entries for A, want 2", freezes)
	}

	t.Run("MessageRequired", func(t *testing.T) {
		before := ts.procedureState(t)
		resp := member.postForm(t, procedurePath(a.ID)+"/versions", url.Values{"message": {"  "}})
		wantStatus(t, "freeze without a message", resp, http.StatusBadRequest)
		if !strings.Contains(resp.Body, `aria-invalid="true"`) {
			t.Errorf("the message field is not marked invalid")
		}
		if after := ts.procedureState(t); after != before {
			t.Errorf("a refused freeze changed the data")
		}
	})
	t.Run("Unchanged", func(t *testing.T) {
		// A second click on the button: the draft has not changed since
		// version 2, so nothing is frozen, and the list says why.
		before := ts.procedureState(t)
		resp := member.postForm(t, procedurePath(a.ID)+"/versions", url.Values{"message": {"Après l'ajout"}})
		wantStatus(t, "freeze of an unchanged draft", resp, http.StatusConflict)
		if !strings.Contains(resp.Body, "Rien n&#39;a changé depuis la dernière version") || !strings.Contains(resp.Body, "Après l&#39;ajout") {
			t.Errorf("the refusal is not the version list with its reason and the message typed")
		}
		if after := ts.procedureState(t); after != before {
			t.Errorf("a refused freeze changed the data")
		}
	})
	t.Run("Stakeholder", func(t *testing.T) {
		stakeholder := ts.loginAs(t, demo.StakeholderEmail)
		before := ts.procedureState(t)
		resp := stakeholder.postForm(t, procedurePath(a.ID)+"/versions", url.Values{"message": {"Par une partie prenante"}})
		wantStatus(t, "freeze as a stakeholder", resp, http.StatusForbidden)
		err := ts.db.CreateVersion(ctx, workspace.ActorFor(ts.account(t, demo.StakeholderEmail)), a.ID, 1, "x", &workspace.Version{Message: "x"})
		if workspace.ErrorCode(err) != workspace.EFORBIDDEN {
			t.Errorf("CreateVersion as a stakeholder: %v, want EFORBIDDEN", err)
		}
		if after := ts.procedureState(t); after != before {
			t.Errorf("a refused freeze changed the data")
		}
	})
	t.Run("Pages", func(t *testing.T) {
		list := member.get(t, procedurePath(a.ID)+"/versions")
		wantStatus(t, "versions", list, http.StatusOK)
		for _, want := range []string{"Première lecture", "Après l&#39;ajout", "/versions/2", "/diff?from=1&amp;to=2"} {
			if !strings.Contains(list.Body, want) {
				t.Errorf("the version list lacks %q", want)
			}
		}
		view := member.get(t, procedurePath(a.ID)+"/versions/1")
		wantStatus(t, "v1", view, http.StatusOK)
		if !strings.Contains(view.Body, `<p dir="auto">Premier texte.</p>`) {
			t.Errorf("v1 is not rendered: %s", excerpt(view.Body))
		}
	})
}

// TestVersionRestore restores a version while a Go editor has the draft
// open: the editor receives the update and ends with the version's text;
// the update is the restorer's, its audit entry is written; a stakeholder
// may not restore.
func TestVersionRestore(t *testing.T) {
	ts := newTestServer(t)
	proc := ts.createTestProcedure(t, "fr", "# Titre\n\nUn paragraphe ancien.\n\nUne fin.\n")
	member := ts.loginAs(t, demo.MemberEmail)
	member.freeze(t, proc, "Le texte d'origine")

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := wsclient.Login(ctx, ts.URL, demo.SecretariatEmail, demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := s.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	editor, err := wsclient.Open(ctx, conn, proc.DocumentID, wsclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer editor.Close()
	// The editor rewrites the middle and adds a line: the restore must
	// undo both.
	text := editor.Text()
	i := strings.Index(text, "ancien")
	if err := editor.Replace(utf16Index(text, i), utf16Index(text, i+len("ancien")), "nouveau et plus long"); err != nil {
		t.Fatal(err)
	}
	if err := editor.Insert(editor.Len(), "Une ligne de plus.\n"); err != nil {
		t.Fatal(err)
	}
	if err := editor.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	before := editor.Version()

	t.Run("Stakeholder", func(t *testing.T) {
		stakeholder := ts.loginAs(t, demo.StakeholderEmail)
		state := ts.procedureState(t)
		resp := stakeholder.postForm(t, procedurePath(proc.ID)+"/versions/1/restore", nil)
		wantStatus(t, "restore as a stakeholder", resp, http.StatusForbidden)
		if ts.procedureState(t) != state {
			t.Errorf("a refused restore changed the data")
		}
	})

	beforeRestore := editor.Text()
	resp := member.postForm(t, procedurePath(proc.ID)+"/versions/1/restore", nil)
	wantRedirect(t, "restore", resp, procedurePath(proc.ID)+"?done=version_restored&undo="+strconv.Itoa(before+1))
	if err := editor.WaitVersion(ctx, before+1); err != nil {
		t.Fatalf("the editor did not receive the restore: %v", err)
	}
	want := "# Titre\n\nUn paragraphe ancien.\n\nUne fin.\n"
	if got := editor.Text(); got != want {
		t.Errorf("editor's text after the restore = %q, want %q", got, want)
	}
	if got, _, err := ts.srv.collab.Text(ctx, proc.DocumentID); err != nil || got != want {
		t.Errorf("draft after the restore = %q (%v), want %q", got, err, want)
	}
	_, updates, err := ts.db.FindDocumentHistory(ctx, proc.DocumentID, 0)
	if err != nil {
		t.Fatal(err)
	}
	last := updates[len(updates)-1]
	if memberID := ts.account(t, demo.MemberEmail).ID; last.AccountID == nil || *last.AccountID != memberID {
		t.Errorf("the restore is attributed to %v, want the member %d", last.AccountID, memberID)
	}
	// A minimal change: the text the editor kept ("# Titre", "Une fin.")
	// is not in the update.
	if strings.Contains(last.Changes, "Titre") || strings.Contains(last.Changes, "Une fin") {
		t.Errorf("the restore rewrote unchanged text: %s", last.Changes)
	}
	restores := 0
	for _, e := range ts.procedureAudit(t, proc.ID) {
		if e.Action == workspace.AuditVersionRestore {
			restores++
		}
	}
	if restores != 1 {
		t.Errorf("%d restore entries, want 1", restores)
	}

	// The page offers to undo the restore; a line typed since stays.
	page := member.get(t, procedurePath(proc.ID)+"?undo="+strconv.Itoa(before+1))
	if !strings.Contains(page.Body, `action="/procedures/`+strconv.FormatInt(proc.ID, 10)+`/restore/undo"`) {
		t.Errorf("the page after a restore offers no undo")
	}
	if err := editor.Insert(0, "Tapé après. "); err != nil {
		t.Fatal(err)
	}
	if err := editor.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	state := ts.procedureState(t)
	resp = member.postForm(t, procedurePath(proc.ID)+"/restore/undo", url.Values{"version": {strconv.Itoa(before)}})
	wantStatus(t, "undo an update that was not a restore", resp, http.StatusBadRequest)
	if ts.procedureState(t) != state {
		t.Errorf("a refused undo changed the data")
	}
	resp = member.postForm(t, procedurePath(proc.ID)+"/restore/undo", url.Values{"version": {strconv.Itoa(before + 1)}})
	wantRedirect(t, "undo the restore", resp, procedurePath(proc.ID)+"?done=restore_undone")
	if err := editor.WaitVersion(ctx, before+3); err != nil {
		t.Fatalf("the editor did not receive the undo: %v", err)
	}
	if got, want := editor.Text(), "Tapé après. "+beforeRestore; got != want {
		t.Errorf("editor's text after the undo = %q, want %q", got, want)
	}
	undone := 0
	for _, e := range ts.procedureAudit(t, proc.ID) {
		if e.Action == workspace.AuditVersionRestoreUndo {
			undone++
		}
	}
	if undone != 1 {
		t.Errorf("%d undo entries, want 1", undone)
	}
}

// utf16Index converts a byte index of s into a UTF-16 position.
func utf16Index(s string, i int) int {
	n := 0
	for _, r := range s[:i] {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

// TestDiffVersions checks the pure diff through the pages: the word-level
// table tests live in workspace/diff; here, a text carrying markup is
// escaped in both views of every pair (two versions, a version and the
// draft), and Arabic text is compared and shown right to left.
func TestDiffVersions(t *testing.T) {
	ts := newTestServer(t)
	payloads := []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`}
	proc := ts.createTestProcedure(t, "fr", "# Sûreté\n\nUn texte sage.\n")
	member := ts.loginAs(t, demo.MemberEmail)
	member.freeze(t, proc, "Sage")
	ts.appendToDraft(t, proc, "\nAjout "+payloads[0]+" puis "+payloads[1]+"\n")
	member.freeze(t, proc, `Avec <b>balises</b>`)
	ts.appendToDraft(t, proc, "Encore "+payloads[1])

	ar := ts.createTestProcedure(t, "ar", "# الإجراء\n\nيتوجه العائد إلى المكتب الجهوي.\n")
	member.freeze(t, ar, "النسخة الأولى")
	ts.appendToDraft(t, ar, "\nثم إلى المندوبية الجهوية للتشغيل.\n")

	for _, path := range []string{
		procedurePath(proc.ID) + "/diff?from=1&to=2",
		procedurePath(proc.ID) + "/diff?from=1&to=2&view=side",
		procedurePath(proc.ID) + "/diff?from=2&to=draft",
		procedurePath(proc.ID) + "/diff?from=2&to=draft&view=side",
		procedurePath(proc.ID) + "/diff?from=draft&to=1",
		procedurePath(proc.ID) + "/diff?from=draft&to=1&view=side",
		procedurePath(proc.ID) + "/history",
		procedurePath(proc.ID) + "/versions",
		procedurePath(proc.ID) + "/versions/2",
	} {
		resp := member.get(t, path)
		wantStatus(t, path, resp, http.StatusOK)
		for _, p := range payloads {
			if strings.Contains(resp.Body, p) || strings.Contains(resp.Body, "<img src=x") || strings.Contains(resp.Body, "<b>balises") {
				t.Errorf("%s carries raw markup %q", path, p)
			}
		}
		if strings.Contains(path, "/diff") && !strings.Contains(resp.Body, html.EscapeString("<script>alert(1)</script>")) &&
			!strings.Contains(resp.Body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s does not show the escaped payload: %s", path, excerpt(resp.Body))
		}
	}
	inline := member.get(t, procedurePath(proc.ID)+"/diff?from=1&to=2")
	if !strings.Contains(inline.Body, "<ins>") || !strings.Contains(inline.Body, `dir="auto"`) {
		t.Errorf("the inline view marks no insertion or no paragraph direction: %s", excerpt(inline.Body))
	}

	arDiff := member.get(t, procedurePath(ar.ID)+"/diff?from=1&to=draft&view=side")
	wantStatus(t, "Arabic diff", arDiff, http.StatusOK)
	for _, want := range []string{`lang="ar"`, `dir="auto"`} {
		if !strings.Contains(arDiff.Body, want) {
			t.Errorf("the Arabic diff lacks %q: %s", want, excerpt(arDiff.Body))
		}
	}
	if !regexp.MustCompile(`<ins>\s*ثم إلى المندوبية الجهوية للتشغيل\.\s*</ins>`).MatchString(arDiff.Body) {
		t.Errorf("the Arabic diff does not show the added sentence as one insertion")
	}
	if missing := member.get(t, procedurePath(ar.ID)+"/diff?from=9&to=draft"); missing.StatusCode != http.StatusNotFound {
		t.Errorf("a diff with an unknown version: status %d, want 404", missing.StatusCode)
	}
}

// TestDraftHistory shows the demo draft's sessions and authorship: each
// revision's author is named, their passages carry their class, and the
// class has the colour the editor gives them.
func TestDraftHistory(t *testing.T) {
	ts := newTestServer(t)
	procs, err := ts.db.FindProcedures(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var proc *workspace.Procedure
	for _, p := range procs {
		if p.Language == "fr" && !demo.IsRegisterProcedure(p.Title) {
			proc = p
		}
	}
	rim := ts.account(t, "rim.sassi@demo.tn")
	stakeholder := ts.loginAs(t, demo.StakeholderEmail)
	resp := stakeholder.get(t, procedurePath(proc.ID)+"/history")
	wantStatus(t, "history", resp, http.StatusOK)
	class := "author-" + strconv.FormatInt(rim.ID, 10)
	for _, want := range []string{
		"Rim Sassi",
		`<span class="` + class + `" title="Rim Sassi">`,
		"." + class + "{--author:" + collab.PeerColour(rim.ID) + "}",
		"désigne un référent unique",
	} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("the history page lacks %q", want)
		}
	}
	csp := resp.Header.Get("Content-Security-Policy")
	m := regexp.MustCompile(`<style nonce="([^"]+)">`).FindStringSubmatch(resp.Body)
	if m == nil || !strings.Contains(csp, "'nonce-"+m[1]+"'") {
		t.Errorf("the author colours' style element is not allowed by the policy %q", csp)
	}
}

// TestSessionRecorder runs the recorder against the demo, whose revisions
// are editing sessions: once they have ended, the audit page lists one
// entry per session with its counts, and a second run adds none.
func TestSessionRecorder(t *testing.T) {
	ts := newTestServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ts.clock.Advance(workspace.SessionGap)
	ts.srv.StartSessionRecorder(ctx, 10*time.Millisecond)
	secretariat := ts.loginAs(t, demo.SecretariatEmail)
	// The demo's minutes have their sessions too (demo/meetings.go):
	// count those of the drafts.
	procs, err := ts.db.FindProcedures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	drafts := map[int64]bool{}
	for _, p := range procs {
		drafts[p.DocumentID] = true
	}
	onDrafts := func(entries []*workspace.AuditEntry) int {
		n := 0
		for _, e := range entries {
			if e.EntityType == "document" && drafts[e.EntityID] {
				n++
			}
		}
		return n
	}
	deadline := time.Now().Add(10 * time.Second)
	var entries []*workspace.AuditEntry
	for time.Now().Before(deadline) {
		var err error
		entries, _, err = ts.db.FindAuditEntries(ctx, workspace.AuditFilter{Action: workspace.AuditDocumentSession})
		if err != nil {
			t.Fatal(err)
		}
		// The demo's revisions are those of three people in each
		// draft (demo/versions.go).
		if onDrafts(entries) >= 6 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := onDrafts(entries); n != 6 {
		t.Fatalf("%d session entries on the drafts, want 6", n)
	}
	time.Sleep(50 * time.Millisecond)
	entries, _, _ = ts.db.FindAuditEntries(ctx, workspace.AuditFilter{Action: workspace.AuditDocumentSession})
	time.Sleep(50 * time.Millisecond)
	if again, _, _ := ts.db.FindAuditEntries(ctx, workspace.AuditFilter{Action: workspace.AuditDocumentSession}); onDrafts(again) != 6 || len(again) != len(entries) {
		t.Errorf("later runs wrote %d entries (%d on the drafts), want still %d (6)", len(again), onDrafts(again), len(entries))
	}
	page := secretariat.get(t, "/admin/audit?action=document.session")
	wantStatus(t, "audit", page, http.StatusOK)
	for _, want := range []string{"Séance d&#39;écriture", "Rim Sassi", "Caractères ajoutés"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the audit page lacks %q", want)
		}
	}
}
