package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"tawla/demo"
)

// secondMemberEmail is a member of another organisation than demo's
// member: the one who follows the issue in TestBrowserIssueLive.
const secondMemberEmail = "hela.jaziri@demo.tn"

// waitLive waits until issue.js follows the page's topics: the account's
// inbox, and the issue's timeline when the page has one.
func (s *session) waitLive(timeline bool) {
	s.t.Helper()
	expr := `document.getElementById("unread-live")?.dataset.connection === "live"`
	if timeline {
		expr += ` && document.getElementById("issue-timeline")?.dataset.connection === "live"`
	}
	s.poll("wait for the page to follow its live topics", expr)
}

// TestBrowserIssueLive has a member report an issue through the form and
// comment on it while a member of another organisation, who follows the
// issue, has its page open: the comment appears in the second page's
// timeline, and its unread count goes up in the header (and is announced
// to screen readers), without the page being reloaded.
func TestBrowserIssueLive(t *testing.T) {
	_, b := start(t)

	// A reports the issue through the form.
	a := b.signedIn(t, demo.MemberEmail)
	if status := a.open("/issues/new"); status != http.StatusOK {
		t.Fatalf("the report form: status %d", status)
	}
	title := "Attestation de retour refusée au guichet d'El Jem"
	a.fill("#title", title)
	a.typeInto("#description", "Le guichet demande un document que les migrants de retour n'ont pas.")
	category := evaluate[string](a, `document.querySelector("#category_id option:not([value=''])").value`)
	a.choose("#category_id", category)
	if status := a.submit(`form.issue-form button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("report the issue: status %d", status)
	}
	issuePath := a.location().Path
	if !strings.HasPrefix(issuePath, "/issues/") {
		t.Fatalf("after reporting, the page is %s, want the issue's", issuePath)
	}
	a.waitLive(true)

	// B, of another organisation, opens it and follows it.
	bee := b.signedIn(t, secondMemberEmail)
	bee.open(issuePath)
	if status := bee.submit(`form[action$="/follow"] button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("follow the issue: status %d", status)
	}
	bee.waitLive(true)
	before := evaluate[int](bee, `parseInt(document.querySelector("[data-unread-number]").textContent, 10)`)
	entries := bee.count("#issue-timeline > li")
	// A mark that a reload would wipe out.
	evaluate[bool](bee, `window.__sameIssuePage = true`)

	// A comments.
	aBefore := evaluate[int](a, `parseInt(document.querySelector("[data-unread-number]").textContent, 10)`)
	comment := "Nous avons vu le délégué — التقينا بالمعتمد <b>hier</b>."
	a.typeInto("#comment-body", comment)
	if status := a.submit(`#comment-form button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("comment: status %d", status)
	}

	// B's page shows it, as the server rendered and escaped it, and counts
	// one more unread notification.
	bee.poll("wait for the comment in the timeline", fmt.Sprintf(`document.querySelectorAll("#issue-timeline > li").length === %d`, entries+1))
	got := bee.text("#issue-timeline > li:last-child .event-comment")
	if !strings.Contains(got, "التقينا بالمعتمد") || !strings.Contains(got, "hier") {
		t.Errorf("the new entry reads %q, want the comment", got)
	}
	if n := bee.count("#issue-timeline > li:last-child .event-comment b"); n != 0 {
		t.Errorf("the comment's raw <b> became an element: the entry was not made safe")
	}
	want := before + 1
	bee.poll("wait for the unread count", fmt.Sprintf(`(() => {
		const badge = document.querySelector("[data-unread]");
		return !badge.hidden && badge.querySelector("[data-unread-number]").textContent === "%d";
	})()`, want))
	wantWords := fmt.Sprintf("%d notification non lue", want)
	if want > 1 {
		wantWords = fmt.Sprintf("%d notifications non lues", want)
	}
	if got := bee.text("#unread-live"); got != wantWords {
		t.Errorf("the announcement: %q, want %q", got, wantWords)
	}
	if !evaluate[bool](bee, `window.__sameIssuePage === true`) {
		t.Errorf("B's page was reloaded")
	}
	bee.screenshot("issue-live-follower")

	// A's own count did not move for A's own comment.
	if got := evaluate[int](a, `parseInt(document.querySelector("[data-unread-number]").textContent, 10)`); got != aBefore {
		t.Errorf("A's unread count went from %d to %d for A's own comment", aBefore, got)
	}

	// B reads the notifications: the list names the issue, and marking
	// them read empties the badge.
	bee.open("/notifications")
	if got := bee.text(".notifications li:first-child"); !strings.Contains(got, title) {
		t.Errorf("the newest notification reads %q, want the issue's title", got)
	}
	if status := bee.submit(`form[action="/notifications/read"] button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("mark read: status %d", status)
	}
	if n := bee.count(`[data-unread]:not([hidden])`); n != 0 {
		t.Errorf("after marking read, %d badges still show", n)
	}
}

// TestBrowserIssueLinkToAgendaItem has a member link an issue to an agenda
// item chosen in the link form's list, where items stand under their
// meeting with the number the agenda shows: the link appears among the
// issue's links, named after the item.
func TestBrowserIssueLinkToAgendaItem(t *testing.T) {
	_, b := start(t)
	m := b.signedIn(t, demo.MemberEmail)
	if status := m.open("/issues"); status != http.StatusOK {
		t.Fatalf("the issues: status %d", status)
	}
	issuePath := evaluate[string](m, `document.querySelector("table a[href^='/issues/']").getAttribute("href")`)
	m.open(issuePath)
	before := m.count(".issue-links li")
	value := evaluate[string](m, `document.querySelector("#link-target option[value^='agenda_item:']")?.value ?? ""`)
	if value == "" {
		t.Fatal("the link form lists no agenda item")
	}
	label := evaluate[string](m, fmt.Sprintf(`document.querySelector('#link-target option[value="%s"]').textContent`, value))
	group := evaluate[string](m, fmt.Sprintf(`document.querySelector('#link-target option[value="%s"]').parentElement.label`, value))
	if !strings.HasPrefix(label, "Point ") || group == "" {
		t.Errorf("the item is offered as %q in group %q, want its agenda number under its meeting", label, group)
	}
	m.choose("#link-target", value)
	if status := m.submit(`#link-form button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("link: status %d", status)
	}
	if got := m.location(); got.Path != issuePath || got.Query().Get("done") != "issue_linked" {
		t.Fatalf("after linking, the page is %s", got)
	}
	if n := m.count(".issue-links li"); n != before+1 {
		t.Errorf("%d links after linking, want %d", n, before+1)
	}
	title := label[strings.Index(label, ":")+1:]
	if got := m.text(".issue-links li:last-child"); !strings.Contains(got, strings.TrimSpace(title)) {
		t.Errorf("the new link reads %q, want the item's title %q", got, title)
	}
}
