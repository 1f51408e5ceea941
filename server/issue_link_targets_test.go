package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"tawla/demo"
)

// TestIssueLinkFormListsMeetingContents: the issue page's link form lists,
// under each recent meeting, its agenda items by the number the agenda
// shows, the decision taken on an item and the meeting's actions, so that
// nobody needs a number from the database; a choice from the list links
// the issue; a refused choice comes back selected, the list marked.
func TestIssueLinkFormListsMeetingContents(t *testing.T) {
	ts := newTestServer(t)
	issue := reportIssue(t, ts, demo.MemberEmail, "Bourses scolaires des enfants revenus", "", nil)
	path := issuePath(issue.ID)
	meeting, item, decision, action := liveMeetingContent(t, ts)
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	member := ts.sessionClient(t, demo.MemberEmail)

	page := member.get(t, path+"?lang=fr")
	wantStatus(t, "the issue page", page, http.StatusOK)
	group := regexp.MustCompile(`(?s)<optgroup label="[0-9-]+ — Plénière REUNION-SECRETE">(.*?)</optgroup>`).FindStringSubmatch(page.Body)
	if group == nil {
		t.Fatalf("the link form has no group for the meeting:\n%s", page.Body)
	}
	for _, want := range []string{
		`<option value="agenda_item:` + id(item) + `">Point 1` + "\u00a0" + `: Bourses POINT-SECRET</option>`,
		`<option value="decision:` + id(decision) + `">Décision sur le point 1` + "\u00a0" + `: Adoptée</option>`,
		`<option value="action:` + id(action) + `">Action de suivi` + "\u00a0" + `: Écrire ACTION-SECRETE</option>`,
	} {
		if !strings.Contains(group[1], want) {
			t.Errorf("the meeting's group lacks %s:\n%s", want, group[1])
		}
	}
	wantText(t, page, `<option value="meeting:`+id(meeting)+`">`)

	// A refused choice comes back selected, the list marked.
	before := ts.countRows(t, "issue_links")
	for _, tt := range []struct{ name, target, key string }{
		{"Nothing", "", "Choisissez"},
		{"UnknownDecision", "decision:999999", "n'existe pas"},
		{"UnknownKind", "vote:" + id(item), "Choisissez"},
		{"Passage", "passage:" + id(item), "Choisissez"},
		{"NotANumber", "action:x", "n'existe pas"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := member.postForm(t, path+"/links?lang=fr", url.Values{"target": {tt.target}})
			wantStatus(t, tt.name, resp, http.StatusBadRequest)
			wantText(t, resp, tt.key)
			wantText(t, resp, `name="target" required aria-describedby="link-target-hint link-error" aria-invalid="true"`)
		})
	}
	if n := ts.countRows(t, "issue_links"); n != before {
		t.Fatalf("%d links after refused choices, want %d", n, before)
	}

	// Each kind of the list links the issue.
	for _, target := range []string{"agenda_item:" + id(item), "decision:" + id(decision), "action:" + id(action), "meeting:" + id(meeting)} {
		wantRedirect(t, "link "+target, member.postForm(t, path+"/links", url.Values{"target": {target}}), path+"?done=issue_linked")
	}
	if n := ts.countRows(t, "issue_links"); n != before+4 {
		t.Fatalf("%d links, want %d", n, before+4)
	}
	// Linking the same again is refused, and the choice comes back selected.
	resp := member.postForm(t, path+"/links", url.Values{"target": {"decision:" + id(decision)}})
	wantStatus(t, "the same decision again", resp, http.StatusConflict)
	wantText(t, resp, `<option value="decision:`+id(decision)+`" selected>`)
}
