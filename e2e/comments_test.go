package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"tawla/demo"
	"tawla/workspace"
)

// TestBrowserCommentLive has a member select a passage of a draft in the
// editor and comment on it, while a stakeholder has the same draft open
// during a consultation: the comment appears on the stakeholder's page
// without a reload, on its passage, with the member's name; the page
// escapes what the member wrote. Then the member types a sentence and
// freezes a new version: the diff from the version before shows it, and
// the comment is still on the draft.
func TestBrowserCommentLive(t *testing.T) {
	site, b := start(t)
	proc := draftIn(t, site, "fr")
	if err := site.DB.OpenConsultation(t.Context(), workspace.SystemActor("test"),
		&workspace.Consultation{ProcedureID: proc.ID, ClosesAt: site.DB.Now().Add(7 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	draftPath := fmt.Sprintf("/procedures/%d", proc.ID)

	stakeholder := b.signedIn(t, demo.StakeholderEmail)
	stakeholder.open(draftPath)
	stakeholder.waitEditor()
	if got := stakeholder.count(".consultation-invitation"); got != 1 {
		t.Errorf("the stakeholder's page shows %d invitations to comment, want 1", got)
	}
	// A mark on the page's window: a reload would lose it.
	evaluate[bool](stakeholder, `(window.tawlaNotReloaded = true)`)

	member := b.signedIn(t, demo.MemberEmail)
	member.open(draftPath)
	member.waitEditor()
	text := member.editorState().Text
	// The passage: the second line's first words, as a person would drag
	// over them.
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 3 || len([]rune(lines[2])) < 12 {
		t.Fatalf("the demo draft has no second line of text to comment on: %q", text)
	}
	passage := string([]rune(lines[2])[:12])
	evaluate[bool](member, fmt.Sprintf(`(() => {
		const ed = `+editorJS+`.tawlaEditor, text = ed.text(), from = text.indexOf(%q);
		ed.select(from, from + %q.length);
		return true;
	})()`, passage, passage))
	member.poll("wait for the passage to show in the comment form", `!document.getElementById("comment-submit").disabled`)
	if got := member.text("#comment-passage"); got != passage {
		t.Errorf("the comment form quotes %q, want %q", got, passage)
	}
	const body = "Préciser le délai <b>en jours ouvrables</b> : « 48 heures » ?"
	member.typeInto("#comment-body", body)
	if status := member.submit("#comment-submit"); status != 200 {
		t.Fatalf("posting the comment: status %d", status)
	}

	stakeholder.poll("wait for the member's comment to appear", fmt.Sprintf(
		`Array.from(document.querySelectorAll("#comment-list .comment-body")).some((p) => p.textContent === %q)`, body))
	if !evaluate[bool](stakeholder, `window.tawlaNotReloaded === true`) {
		t.Errorf("the stakeholder's page was reloaded to show the comment")
	}
	if got := stakeholder.count("#comment-list .comment-body b"); got != 0 {
		t.Errorf("the comment's markup became %d elements on the stakeholder's page", got)
	}
	thread := `#comment-list .comment-thread:last-child`
	if got := stakeholder.text(thread + " .passage"); got != passage {
		t.Errorf("the comment shows the passage %q, want %q", got, passage)
	}
	if got, want := stakeholder.text(thread+" .comment-author"), site.account(t, demo.MemberEmail).Name; got != want {
		t.Errorf("the comment's author is %q, want %q", got, want)
	}
	// The editor highlights the passage, on its words.
	id := stakeholder.attr(thread, "data-comment")
	stakeholder.poll("wait for the passage to be highlighted in the editor", fmt.Sprintf(
		`Array.from(document.querySelectorAll('#procedure-editor .cm-commented[data-comment="%s"]')).map((e) => e.textContent).join("") === %q`, id, passage))
	stakeholder.screenshot("comment-live")

	// A new version is frozen after a sentence is typed: the diff from the
	// one before shows the sentence, and the comment carries over.
	before, err := site.DB.FindVersions(t.Context(), proc.ID)
	if err != nil {
		t.Fatal(err)
	}
	previous := len(before)
	const sentence = "Le référent rappelle la personne sous 48 heures."
	if err := member.typeAtEnd(sentence); err != nil {
		t.Fatalf("type: %v", err)
	}
	member.waitOwnText(sentence)
	member.waitSaved()
	member.open(draftPath + "/versions")
	member.fill("#message", "Après les commentaires")
	if status := member.submit(".freeze-form button[type=submit]"); status != 200 {
		t.Fatalf("freeze: status %d", status)
	}
	frozen := fmt.Sprintf("%s/versions/%d", draftPath, previous+1)
	if got := member.location().Path; got != frozen {
		t.Fatalf("after freezing, the page is %s, want %s", got, frozen)
	}
	member.open(fmt.Sprintf("%s/diff?from=%d&to=%d", draftPath, max(previous, 1), previous+1))
	// The demo draft moved on since its last version too: look at every
	// insertion.
	if got := evaluate[string](member, `[...document.querySelectorAll(".diff-inline ins")].map((e) => e.textContent).join(" | ")`); !strings.Contains(got, sentence) {
		t.Errorf("the diff marks %q as inserted, want it to hold %q", got, sentence)
	}
	member.screenshot("comment-live-diff")
	stakeholder.open(draftPath)
	stakeholder.waitEditor()
	stakeholder.poll("wait for the comment after the freeze", fmt.Sprintf(
		`Array.from(document.querySelectorAll("#comment-list .comment-body")).some((p) => p.textContent === %q)`, body))
}
