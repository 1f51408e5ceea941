package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/workspace"
)

// TestBrowserVersionDiff is the main flow of versions: a member freezes
// v1 of a draft, types a sentence in the editor, freezes v2, and the
// v1..v2 diff shows the sentence as inserted, in both views; the history
// page names the member as its author.
func TestBrowserVersionDiff(t *testing.T) {
	site, b := start(t)
	proc := &workspace.Procedure{Title: "Procédure du navigateur", Language: "fr", Category: workspace.CategoryOther}
	if err := site.DB.CreateProcedure(t.Context(), workspace.SystemActor("test"), proc, "# Procédure du navigateur\n\nPremier texte.\n"); err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("/procedures/%d", proc.ID)

	member := b.signedIn(t, demo.MemberEmail)

	freeze := func(message string) {
		t.Helper()
		member.open(base + "/versions")
		member.fill("#message", message)
		if status := member.submit(".freeze-form button[type=submit]"); status != http.StatusOK {
			t.Fatalf("freeze %q: status %d", message, status)
		}
	}
	freeze("Avant la réunion")
	if got := member.location().Path; got != base+"/versions/1" {
		t.Fatalf("after the first freeze the page is %s, want %s/versions/1", got, base)
	}

	member.open(base)
	member.waitEditor()
	const sentence = "Une phrase ajoutée en réunion."
	if err := member.typeAtEnd(sentence); err != nil {
		t.Fatalf("type: %v", err)
	}
	member.waitOwnText(sentence)
	member.waitSaved()

	freeze("Après la réunion")
	if got := member.location().Path; got != base+"/versions/2" {
		t.Fatalf("after the second freeze the page is %s, want %s/versions/2", got, base)
	}

	member.open(base + "/diff?from=1&to=2")
	if got := member.text(".diff-inline ins"); !strings.Contains(got, sentence) {
		t.Errorf("the inline diff marks %q as inserted, want it to hold %q", got, sentence)
	}
	if got := member.text(".diff-summary"); !strings.Contains(got, "5 mots ajoutés") {
		t.Errorf("the summary says %q, want 5 words added", got)
	}
	member.screenshot("diff-inline")
	member.open(base + "/diff?from=1&to=2&view=side")
	if got := member.text(".diff-side td:last-child ins"); !strings.Contains(got, sentence) {
		t.Errorf("the side-by-side diff marks %q as inserted, want it to hold %q", got, sentence)
	}
	if n := member.count(".diff-side td:first-child ins"); n != 0 {
		t.Errorf("the old side shows %d insertions", n)
	}

	member.open(base + "/history")
	name := site.account(t, demo.MemberEmail).Name
	if got := member.text(".authorship"); !strings.Contains(got, sentence) {
		t.Errorf("the authorship view lacks the sentence: %q", got)
	}
	author := evaluate[string](member, fmt.Sprintf(`[...document.querySelectorAll(".authorship span")].find(s => s.textContent.includes(%q))?.title ?? ""`, sentence))
	if author != name {
		t.Errorf("the sentence is attributed to %q, want %q", author, name)
	}
}
