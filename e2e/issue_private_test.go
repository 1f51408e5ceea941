package e2e

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// inChargeIssue returns a demo issue with personal details that the demo
// member is in charge of (workspace.CanSeeIssuePrivate), and those
// details.
func inChargeIssue(t *testing.T, s *site) (*workspace.Issue, *workspace.IssuePrivate) {
	t.Helper()
	member := workspace.ActorFor(s.account(t, demo.MemberEmail))
	hits, _, err := s.DB.FindIssues(t.Context(), sqlite.IssueFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hits {
		if workspace.CanSeeIssuePrivate(member, h.Issue) != nil {
			continue
		}
		p, err := s.DB.FindIssuePrivate(t.Context(), member, h.Issue.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Empty() && p.PersonName != "" {
			return h.Issue, p
		}
	}
	t.Fatal("the demo has no issue with personal details that the demo member is in charge of")
	return nil, nil
}

// TestBrowserIssuePrivateReveal: on a demo issue with personal details, the
// member in charge of it sees a button and not the details; pressing it
// shows them in the page (a form posted without script), with nothing of
// them in the address, and records the look; opening the issue again hides
// them. A member of another organisation reads only the notice that
// details exist, with no button, and nothing of them is in their page.
func TestBrowserIssuePrivateReveal(t *testing.T) {
	site, b := start(t)
	issue, private := inChargeIssue(t, site)
	path := "/issues/" + strconv.FormatInt(issue.ID, 10)
	inPage := func(s *session) bool {
		return evaluate[bool](s, `document.documentElement.outerHTML.includes(`+strconv.Quote(private.PersonName)+`)`)
	}

	a := b.signedIn(t, demo.MemberEmail)
	if status := a.open(path); status != http.StatusOK {
		t.Fatalf("the issue page: status %d", status)
	}
	if inPage(a) || a.count(".private-values") != 0 {
		t.Fatal("the personal details are in the page before the button is pressed")
	}
	if a.count("form.private-reveal button") != 1 || a.count(".private-notice") != 0 {
		t.Fatalf("the member in charge has %d buttons and %d notices, want the button alone",
			a.count("form.private-reveal button"), a.count(".private-notice"))
	}
	_, before, err := site.DB.FindAuditEntries(t.Context(), workspace.AuditFilter{Action: workspace.AuditIssuePrivateView, EntityID: &issue.ID})
	if err != nil {
		t.Fatal(err)
	}

	if status := a.submit("form.private-reveal button"); status != http.StatusOK {
		t.Fatalf("show the personal details: status %d", status)
	}
	if got := a.text(".private-values"); !strings.Contains(got, private.PersonName) {
		t.Errorf("the details shown read %q, want %q among them", got, private.PersonName)
	}
	if loc := a.location(); loc.Path != path+"/private" || loc.RawQuery != "" {
		t.Errorf("the page that shows them is at %s, want %s/private with no query", loc, path)
	}
	a.screenshot("issue-private-revealed")
	_, after, err := site.DB.FindAuditEntries(t.Context(), workspace.AuditFilter{Action: workspace.AuditIssuePrivateView, EntityID: &issue.ID})
	if err != nil {
		t.Fatal(err)
	}
	if after != before+1 {
		t.Errorf("%d looks recorded by showing them, want 1", after-before)
	}

	// Hiding them again is opening the issue.
	if status := a.submit(".issue-private .hint a"); status != http.StatusOK || inPage(a) || a.location().Path != path {
		t.Errorf("after hiding them: status %d, at %s, details in the page: %v", status, a.location().Path, inPage(a))
	}

	// A member of another organisation reads only the notice.
	other := b.signedIn(t, secondMemberEmail)
	if site.account(t, secondMemberEmail).OrganisationID == site.account(t, demo.MemberEmail).OrganisationID {
		t.Fatalf("%s must be of another organisation than %s", secondMemberEmail, demo.MemberEmail)
	}
	if status := other.open(path); status != http.StatusOK {
		t.Fatalf("the issue page for another member: status %d", status)
	}
	if other.count(".private-notice") != 1 || other.count("form.private-reveal") != 0 || inPage(other) {
		t.Errorf("another member: %d notices, %d buttons, details in the page %v; want the notice alone",
			other.count(".private-notice"), other.count("form.private-reveal"), inPage(other))
	}
	if got := other.text(".private-notice"); !strings.Contains(got, "secrétariat") {
		t.Errorf("the notice reads %q", got)
	}
	other.screenshot("issue-private-notice")
}
