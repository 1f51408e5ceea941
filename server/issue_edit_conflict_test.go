package server

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"tawla/demo"
	"tawla/workspace"
)

// TestIssueEditConflict: two members open an issue's edit form; the first
// saves; the second's save, made from the state before, is refused (409)
// rather than silently undoing the first's change, and comes back with
// what they typed and why. A comment meanwhile is no conflict. Saving
// again from the form that came back goes through: a knowing choice.
func TestIssueEditConflict(t *testing.T) {
	ts := newTestServer(t)
	issue := reportIssue(t, ts, demo.MemberEmail, "Carte consulaire expirée", "Le consulat ne répond pas.", &workspace.IssuePrivate{PersonName: "Leila T."})
	path := issuePath(issue.ID)
	first := ts.sessionClient(t, demo.MemberEmail)
	second := ts.sessionClient(t, demo.SecretariatEmail)
	baseOf := func(body string) string {
		t.Helper()
		m := regexp.MustCompile(`name="base" value="([0-9a-f]+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("the edit form carries no base")
		}
		return m[1]
	}
	form := func(title, base string) url.Values {
		return url.Values{"title": {title}, "description": {"Le consulat ne répond pas."}, "category_id": {strconv.FormatInt(issue.CategoryID, 10)},
			"priority": {"normal"}, "due_date": {""}, "person_name": {"Leila T."}, "person_contact": {""}, "details": {""}, "base": {base}}
	}
	firstBase := baseOf(first.get(t, path+"/edit").Body)
	secondBase := baseOf(second.get(t, path+"/edit").Body)
	if firstBase != secondBase {
		t.Fatal("two forms of the same issue carry different bases")
	}
	// A comment is not an edit of what the form edits.
	if resp := first.postForm(t, path+"/comments", url.Values{"body": {"J'appelle le consulat demain."}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment: status %d", resp.StatusCode)
	}
	wantRedirect(t, "the first save", first.postForm(t, path, form("Carte consulaire expirée à Rome", firstBase)), path+"?done=issue_saved")

	before := ts.snapshot(t)
	resp := second.postForm(t, path+"?lang=fr", form("Carte consulaire <périmée>", secondBase))
	wantStatus(t, "the second save, from the state before", resp, http.StatusConflict)
	wantBody(t, "the form that comes back", resp.Body, html.EscapeString(ts.srv.localizer("fr").T("error.issue.changed_meanwhile")),
		`value="Carte consulaire &lt;périmée&gt;"`)
	if after := ts.snapshot(t); after != before {
		t.Error("a refused save changed the data")
	}
	if got, _ := ts.db.FindIssueByID(context.Background(), issue.ID); got.Title != "Carte consulaire expirée à Rome" {
		t.Errorf("title %q: the first save was undone", got.Title)
	}
	newBase := baseOf(resp.Body)
	if newBase == secondBase {
		t.Error("the form that came back still stands on the old state")
	}
	wantRedirect(t, "saving again, knowingly", second.postForm(t, path, form("Carte consulaire <périmée>", newBase)), path+"?done=issue_saved")
}
