package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"tawla/demo"
)

// TestBrowserReadOnlyDraft opens a draft as a stakeholder, who may read it
// but not edit it: the editor's text is not editable (no keyboard on a
// phone, no editable field for a screen reader), says it is read-only, and
// a tap on it gives it no focus; on a phone the rendered text comes before
// the source. A member's editor stays editable, with the source first.
func TestBrowserReadOnlyDraft(t *testing.T) {
	site, b := start(t)
	draftPath := fmt.Sprintf("/procedures/%d", draftIn(t, site, "fr").ID)
	const content = `#procedure-editor .cm-content`

	stakeholder := b.signedIn(t, demo.StakeholderEmail)
	stakeholder.open(draftPath)
	stakeholder.waitEditor()
	if got := stakeholder.attr(content, "contenteditable"); got != "false" {
		t.Errorf("the stakeholder's editor has contenteditable=%q, want false", got)
	}
	if got := stakeholder.attr(content, "aria-readonly"); got != "true" {
		t.Errorf("the stakeholder's editor has aria-readonly=%q, want true", got)
	}
	stakeholder.do("tap the draft's text", chromedp.Click(chromedp.CSS(content)))
	if editable := evaluate[bool](stakeholder, `document.activeElement?.isContentEditable === true`); editable {
		t.Errorf("a tap on the stakeholder's editor focused an editable element")
	}

	restore := stakeholder.asPhone()
	previewFirst := `document.getElementById("procedure-preview").getBoundingClientRect().top < document.getElementById("procedure-editor").getBoundingClientRect().top`
	if !evaluate[bool](stakeholder, previewFirst) {
		t.Errorf("on a phone the stakeholder sees the source before the rendered text")
	}
	stakeholder.screenshot("stakeholder-phone")
	restore()

	member := b.signedIn(t, demo.MemberEmail)
	member.open(draftPath)
	member.waitEditor()
	if got := member.attr(content, "contenteditable"); got != "true" {
		t.Errorf("the member's editor has contenteditable=%q, want true", got)
	}
	if got := member.attr(content, "aria-readonly"); got != "false" {
		t.Errorf("the member's editor has aria-readonly=%q, want false", got)
	}
	restore = member.asPhone()
	if evaluate[bool](member, previewFirst) {
		t.Errorf("on a phone the member, who edits, sees the rendered text before the source")
	}
	restore()
}
