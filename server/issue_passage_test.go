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

// passageFixture is a procedure with a known draft and an issue to link
// passages of it to.
type passageFixture struct {
	proc  *workspace.Procedure
	issue *workspace.Issue
	text  string
	// version is the draft's version when the fixture was made.
	version int
}

// newPassageFixture creates the procedure and, through the store, an issue
// reported by the member, with private fields.
func newPassageFixture(t *testing.T, ts *testServer) *passageFixture {
	t.Helper()
	ctx := context.Background()
	f := &passageFixture{text: "# Inscription à l'école\n\nL'enfant né à l'étranger 🇹🇳 est inscrit sur présentation de l'extrait de naissance transcrit.\nيُسجَّل الطفل بتقديم مضمون الولادة.\n"}
	f.proc = &workspace.Procedure{Title: "Inscription à l'école", Language: "fr", Category: workspace.CategoryReferralPathway}
	if err := ts.db.CreateProcedure(ctx, workspace.SystemActor("test"), f.proc, f.text); err != nil {
		t.Fatal(err)
	}
	var err error
	if _, f.version, err = ts.srv.collab.Text(ctx, f.proc.DocumentID); err != nil {
		t.Fatal(err)
	}
	categories, err := ts.db.FindIssueCategories(ctx, false)
	if err != nil || len(categories) == 0 {
		t.Fatalf("categories: %v", err)
	}
	f.issue = &workspace.Issue{Title: "Inscription refusée faute d'extrait transcrit", CategoryID: categories[0].ID}
	private := &workspace.IssuePrivate{PersonName: "Enfant Fictif Qwxyz", PersonContact: "+216 00 111 222"}
	if _, err := ts.db.CreateIssue(ctx, workspace.ActorFor(ts.account(t, demo.MemberEmail)), f.issue, private); err != nil {
		t.Fatal(err)
	}
	return f
}

// form returns the passage form for the first occurrence of words.
func (f *passageFixture) form(t *testing.T, words string, version int) url.Values {
	t.Helper()
	i := strings.Index(f.text, words)
	if i < 0 {
		t.Fatalf("%q is not in the draft", words)
	}
	from := utf16Units(f.text[:i])
	return url.Values{"procedure": {strconv.FormatInt(f.proc.ID, 10)}, "version": {strconv.Itoa(version)},
		"from": {strconv.Itoa(from)}, "to": {strconv.Itoa(from + utf16Units(words))}}
}

func (f *passageFixture) path() string {
	return "/issues/" + strconv.FormatInt(f.issue.ID, 10) + "/passages"
}

// passageState counts what linking a passage writes.
func (ts *testServer) passageState(t *testing.T) string {
	t.Helper()
	return strconv.Itoa(ts.countRows(t, "issue_links")) + " links, " + strconv.Itoa(ts.countRows(t, "document_anchors")) + " anchors, " +
		strconv.Itoa(ts.countRows(t, "issue_events")) + " events"
}

// TestIssuePassageLink links an issue to passages of a procedure's draft —
// at the current version, and at an older one after the draft changed —
// and checks the links, their quotes and the procedure page's list of the
// issues it answers; then refuses bad input (unknown issue or procedure,
// positions outside the draft or cutting a character, an empty passage, a
// version from the future, invalid UTF-8) and stakeholders, changing
// nothing.
func TestIssuePassageLink(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	f := newPassageFixture(t, ts)
	member := ts.sessionClient(t, demo.MemberEmail)
	issuePage := "/issues/" + strconv.FormatInt(f.issue.ID, 10) + "?done=issue_passage_linked"

	t.Run("OK", func(t *testing.T) {
		resp := member.postForm(t, f.path(), f.form(t, "extrait de naissance transcrit", f.version))
		wantRedirect(t, "link", resp, issuePage)
	})

	t.Run("AfterAnEdit", func(t *testing.T) {
		// The draft changes after the passage was selected: the room
		// maps the passage to the current version.
		ts.appendToDraft(t, f.proc, "Ajout après la sélection.")
		resp := member.postForm(t, f.path(), f.form(t, "مضمون الولادة", f.version))
		wantRedirect(t, "link at an older version", resp, issuePage)
	})

	links, err := ts.db.FindIssueLinks(ctx, f.issue.ID)
	if err != nil {
		t.Fatal(err)
	}
	var quotes []string
	for _, l := range links {
		if l.TargetKind != workspace.LinkPassage || l.TargetID != f.proc.ID || l.Anchor == nil {
			t.Fatalf("link %+v, want a passage of procedure %d", l, f.proc.ID)
		}
		quotes = append(quotes, l.Anchor.Quote)
	}
	if got := strings.Join(quotes, " | "); !strings.Contains(got, "extrait de naissance transcrit") || !strings.Contains(got, "مضمون الولادة") || len(links) != 2 {
		t.Fatalf("quotes %q, want the two passages", got)
	}

	t.Run("ProcedurePage", func(t *testing.T) {
		for _, email := range []string{demo.MemberEmail, demo.StakeholderEmail} {
			resp := ts.sessionClient(t, email).get(t, "/procedures/"+strconv.FormatInt(f.proc.ID, 10)+"?lang=en")
			wantStatus(t, "the procedure", resp, http.StatusOK)
			wantText(t, resp, "Issues this procedure answers")
			wantText(t, resp, `<a href="/issues/`+strconv.FormatInt(f.issue.ID, 10)+`">#`+strconv.FormatInt(f.issue.ID, 10)+`</a>`)
			wantText(t, resp, "Inscription refusée faute d'extrait transcrit")
			if strings.Count(resp.Body, `href="/issues/`+strconv.FormatInt(f.issue.ID, 10)+`"`) != 2 {
				t.Errorf("the issue is not listed once")
			}
			for _, private := range []string{"Enfant Fictif", "00 111 222"} {
				if strings.Contains(resp.Body, private) {
					t.Errorf("the procedure page shows the private field %q", private)
				}
			}
			if hasButton := strings.Contains(resp.Body, `id="issue-link-form"`); hasButton != (email == demo.MemberEmail) {
				t.Errorf("as %s: the link button shown: %v", email, hasButton)
			}
		}
	})

	_, current, err := ts.srv.collab.Text(ctx, f.proc.DocumentID)
	if err != nil {
		t.Fatal(err)
	}
	good := f.form(t, "extrait", current)
	with := func(changes ...string) url.Values {
		v := url.Values{}
		for k, vs := range good {
			v[k] = append([]string(nil), vs...)
		}
		for i := 0; i+1 < len(changes); i += 2 {
			if changes[i+1] == "<none>" {
				v.Del(changes[i])
			} else {
				v.Set(changes[i], changes[i+1])
			}
		}
		return v
	}
	length := utf16Units(f.text) + utf16Units("Ajout après la sélection.") + 1
	for _, tt := range []struct {
		name   string
		path   string
		form   url.Values
		status int
	}{
		{"UnknownIssue", "/issues/999999/passages", good, http.StatusNotFound},
		{"NotAnIssueID", "/issues/abc/passages", good, http.StatusNotFound},
		{"UnknownProcedure", f.path(), with("procedure", "999999"), http.StatusBadRequest},
		{"NoProcedure", f.path(), with("procedure", "<none>"), http.StatusBadRequest},
		{"ProcedureNotANumber", f.path(), with("procedure", "deux"), http.StatusBadRequest},
		{"NoVersion", f.path(), with("version", "<none>"), http.StatusBadRequest},
		{"VersionInTheFuture", f.path(), with("version", strconv.Itoa(current+5)), http.StatusBadRequest},
		{"NegativeVersion", f.path(), with("version", "-1"), http.StatusBadRequest},
		{"EmptyPassage", f.path(), with("from", "10", "to", "10"), http.StatusBadRequest},
		{"Backwards", f.path(), with("from", "20", "to", "10"), http.StatusBadRequest},
		{"NegativeFrom", f.path(), with("from", "-4", "to", "10"), http.StatusBadRequest},
		{"PastTheEnd", f.path(), with("from", "10", "to", strconv.Itoa(length+100)), http.StatusBadRequest},
		{"HugePosition", f.path(), with("from", "10", "to", "99999999999999999999"), http.StatusBadRequest},
		{"InvalidUTF8", f.path(), with("from", "1\xff"), http.StatusBadRequest},
		{"InvalidUTF8Elsewhere", f.path(), with("note", "\xfe\xff"), http.StatusBadRequest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := ts.passageState(t)
			resp := member.postForm(t, tt.path, tt.form)
			wantStatus(t, tt.name, resp, tt.status)
			if after := ts.passageState(t); after != before {
				t.Errorf("a refused link changed the store: %s, then %s", before, after)
			}
		})
	}

	t.Run("StakeholderRefused", func(t *testing.T) {
		before := ts.passageState(t)
		c := ts.sessionClient(t, demo.StakeholderEmail)
		wantStatus(t, "link as a stakeholder", c.postForm(t, f.path(), good), http.StatusForbidden)
		wantStatus(t, "the link page as a stakeholder", c.get(t, "/procedures/"+strconv.FormatInt(f.proc.ID, 10)+"/link-issue?"+good.Encode()), http.StatusForbidden)
		if after := ts.passageState(t); after != before {
			t.Errorf("a refused link changed the store")
		}
	})
}

// TestLinkIssueForm shows the page that links a selected passage to an
// issue: the quoted passage and each open issue's button; and refuses a
// passage it cannot place.
func TestLinkIssueForm(t *testing.T) {
	ts := newTestServer(t)
	f := newPassageFixture(t, ts)
	member := ts.sessionClient(t, demo.MemberEmail)
	page := "/procedures/" + strconv.FormatInt(f.proc.ID, 10) + "/link-issue?"

	good := f.form(t, "extrait de naissance transcrit", f.version)
	good.Del("procedure")
	resp := member.get(t, page+good.Encode()+"&lang=fr")
	wantStatus(t, "the link page", resp, http.StatusOK)
	wantText(t, resp, "extrait de naissance transcrit</blockquote>")
	wantText(t, resp, `formaction="/issues/`+strconv.FormatInt(f.issue.ID, 10)+`/passages"`)
	wantText(t, resp, "Inscription refusée faute d'extrait transcrit")
	if strings.Contains(resp.Body, "Enfant Fictif") {
		t.Errorf("the link page shows a private field")
	}

	// A search narrows the issues.
	resp = member.get(t, page+good.Encode()+"&q=zzzzunfound")
	wantStatus(t, "a search", resp, http.StatusOK)
	if strings.Contains(resp.Body, "formaction=") {
		t.Errorf("a search for nothing still lists issues")
	}

	flag := strings.Index(f.text, "🇹🇳")
	for _, tt := range []struct {
		name   string
		query  string
		status int
	}{
		{"FutureVersion", "version=" + strconv.Itoa(f.version+3) + "&from=1&to=5", http.StatusBadRequest},
		{"PastTheEnd", "version=" + strconv.Itoa(f.version) + "&from=1&to=" + strconv.Itoa(utf16Units(f.text)+1), http.StatusBadRequest},
		{"CutsACharacter", "version=" + strconv.Itoa(f.version) + "&from=" + strconv.Itoa(utf16Units(f.text[:flag])+1) + "&to=" + strconv.Itoa(utf16Units(f.text[:flag])+3), http.StatusBadRequest},
		{"Empty", "version=" + strconv.Itoa(f.version) + "&from=4&to=4", http.StatusBadRequest},
		{"NotANumber", "version=x&from=1&to=4", http.StatusBadRequest},
		{"NoPassage", "", http.StatusBadRequest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, tt.name, member.get(t, page+tt.query), tt.status)
		})
	}
	wantStatus(t, "unknown procedure", member.get(t, "/procedures/999999/link-issue?version=0&from=1&to=2"), http.StatusNotFound)
}

// TestLinkIssueFormListsOlderOpenIssues lists an open issue on the link
// page even when more than a page of ended issues changed after it.
func TestLinkIssueFormListsOlderOpenIssues(t *testing.T) {
	ts := newTestServer(t)
	f := newPassageFixture(t, ts)
	ctx := context.Background()
	member := ts.account(t, demo.MemberEmail)
	actor := workspace.ActorFor(member)
	for n := range 201 {
		i := &workspace.Issue{Title: "Problème réglé " + strconv.Itoa(n), CategoryID: f.issue.CategoryID}
		if _, err := ts.db.CreateIssue(ctx, actor, i, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := ts.db.ChangeIssueStatus(ctx, actor, i.ID, workspace.IssueClosed, "Réglé"); err != nil {
			t.Fatal(err)
		}
	}
	good := f.form(t, "extrait de naissance transcrit", f.version)
	good.Del("procedure")
	resp := ts.sessionClient(t, demo.MemberEmail).get(t, "/procedures/"+strconv.FormatInt(f.proc.ID, 10)+"/link-issue?"+good.Encode())
	wantStatus(t, "the link page", resp, http.StatusOK)
	wantText(t, resp, `formaction="/issues/`+strconv.FormatInt(f.issue.ID, 10)+`/passages"`)
	if strings.Contains(resp.Body, "Problème réglé") {
		t.Error("the link page lists ended issues")
	}
}

// TestSliceUTF16 checks the passage quoted on the link page.
func TestSliceUTF16(t *testing.T) {
	text := "a🙂b مرحبا"
	for _, tt := range []struct {
		from, to int
		want     string
		ok       bool
	}{
		{0, 1, "a", true},
		{1, 3, "🙂", true},
		{2, 4, "", false}, // cuts the emoji
		{0, 2, "", false},
		{5, 10, "مرحبا", true},
		{5, 11, "", false},
		{-1, 2, "", false},
	} {
		got, ok := sliceUTF16(text, tt.from, tt.to)
		if got != tt.want || ok != tt.ok {
			t.Errorf("sliceUTF16(%d, %d) = %q, %v; want %q, %v", tt.from, tt.to, got, ok, tt.want, tt.ok)
		}
	}
}
