package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/workspace"
)

// TestBrowserLinkPassageToIssue has a member select a passage of a draft
// in the editor and press "Link to an issue": the page that opens quotes
// the passage; choosing an issue there links it, and the procedure page
// then lists the issue among those it answers.
func TestBrowserLinkPassageToIssue(t *testing.T) {
	site, b := start(t)
	proc := draftIn(t, site, "fr")
	draftPath := fmt.Sprintf("/procedures/%d", proc.ID)
	// An issue of the member's own, to link the passage to.
	categories, err := site.DB.FindIssueCategories(t.Context(), false)
	if err != nil || len(categories) == 0 {
		t.Fatalf("categories: %v", err)
	}
	issue := &workspace.Issue{Title: "Rendez-vous d'orientation trop tardif", CategoryID: categories[0].ID}
	if _, err := site.DB.CreateIssue(t.Context(), workspace.ActorFor(site.account(t, demo.MemberEmail)), issue, nil); err != nil {
		t.Fatal(err)
	}

	member := b.signedIn(t, demo.MemberEmail)
	member.open(draftPath + "?lang=en")
	member.waitEditor()
	text := member.editorState().Text
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 3 || len([]rune(lines[2])) < 12 {
		t.Fatalf("the demo draft has no second line of text: %q", text)
	}
	passage := string([]rune(lines[2])[:12])
	evaluate[bool](member, fmt.Sprintf(`(() => {
		const ed = `+editorJS+`.tawlaEditor, text = ed.text(), from = text.indexOf(%q);
		ed.select(from, from + %q.length);
		return true;
	})()`, passage, passage))
	member.poll("wait for the link button to be enabled", `!document.getElementById("issue-link-submit").disabled`)
	if status := member.submit("#issue-link-submit"); status != 200 {
		t.Fatalf("opening the link page: status %d", status)
	}
	if got := member.location().Path; got != draftPath+"/link-issue" {
		t.Fatalf("the button leads to %s", got)
	}
	if got := member.text(".link-issue blockquote.passage"); got != passage {
		t.Errorf("the link page quotes %q, want %q", got, passage)
	}
	id := strconv.FormatInt(issue.ID, 10)
	if status := member.submit(`button[formaction="/issues/` + id + `/passages"]`); status != 200 {
		t.Fatalf("linking: status %d", status)
	}
	if got := member.location(); got.Path != "/issues/"+id || got.Query().Get("done") != "issue_passage_linked" {
		t.Errorf("after linking, the page is %s", got)
	}
	links, err := site.DB.FindIssueLinks(t.Context(), issue.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 1 || links[0].TargetKind != workspace.LinkPassage || links[0].Anchor == nil || links[0].Anchor.Quote != passage {
		t.Fatalf("links %+v, want the passage %q", links, passage)
	}
	member.open(draftPath + "?lang=en")
	if got := member.text(`#issues a[href="/issues/` + id + `"]`); got != "#"+id {
		t.Errorf("the procedure page lists the issue as %q", got)
	}
}
