package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"tawla/demo"
	"tawla/workspace"
)

// TestBrowserTouchSelectHint opens a draft under consultation as a
// stakeholder on a phone, 390 px wide, in Arabic then French: above the
// draft and in the comment form, a visible instruction says how to select
// a passage with a finger, right to left in Arabic and within the
// screen's width; the one in the form goes once a passage is selected. On
// a wide screen with a mouse neither shows.
func TestBrowserTouchSelectHint(t *testing.T) {
	site, b := start(t)
	proc := draftIn(t, site, "fr")
	if err := site.DB.OpenConsultation(t.Context(), workspace.SystemActor("test"),
		&workspace.Consultation{ProcedureID: proc.ID, ClosesAt: site.DB.Now().Add(7 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	draftPath := fmt.Sprintf("/procedures/%d", proc.ID)
	stakeholder := b.signedIn(t, demo.StakeholderEmail)
	// visible reports whether the element sel takes room on the page,
	// inside the screen's width.
	visible := func(sel string) bool {
		return evaluate[bool](stakeholder, fmt.Sprintf(`(() => {
			const el = document.querySelector(%q);
			if (!el) return false;
			const r = el.getBoundingClientRect();
			return r.height > 0 && r.width > 0 && r.left >= 0 && r.right <= document.documentElement.clientWidth;
		})()`, sel))
	}
	const top, form = "#touch-select-hint", "#comment-touch-hint"

	stakeholder.open(draftPath + "?lang=fr")
	stakeholder.waitEditor()
	if visible(top) || visible(form) {
		t.Errorf("on a wide screen with a mouse the touch instruction shows")
	}

	restore := stakeholder.asPhone()
	defer restore()
	for _, tt := range []struct{ lang, dir, word string }{{"ar", "rtl", "اضغط مطوّلًا"}, {"fr", "ltr", "appuyez longuement"}} {
		stakeholder.open(draftPath + "?lang=" + tt.lang)
		stakeholder.waitEditor()
		for _, sel := range []string{top, form} {
			if !visible(sel) {
				t.Errorf("%s: on a phone the instruction %s is not visible", tt.lang, sel)
			}
			if got := evaluate[string](stakeholder, fmt.Sprintf(`getComputedStyle(document.querySelector(%q)).direction`, sel)); got != tt.dir {
				t.Errorf("%s: the instruction %s is laid out %s, want %s", tt.lang, sel, got, tt.dir)
			}
		}
		if got := stakeholder.text(top); !strings.Contains(got, tt.word) {
			t.Errorf("%s: the instruction reads %q, want it to say %q", tt.lang, got, tt.word)
		}
		// The instruction comes before the text a stakeholder selects in.
		if !evaluate[bool](stakeholder, `document.querySelector("`+top+`").getBoundingClientRect().bottom <= document.getElementById("procedure-editor").getBoundingClientRect().top`) {
			t.Errorf("%s: the instruction is not above the draft's text", tt.lang)
		}
		stakeholder.screenshot("touch-hint-" + tt.lang)
	}
	evaluate[bool](stakeholder, `(() => {
		const ed = `+editorJS+`.tawlaEditor;
		ed.select(2, 8);
		return true;
	})()`)
	stakeholder.poll("wait for the passage to be taken", `!document.getElementById("comment-submit").disabled`)
	if visible(form) {
		t.Errorf("the instruction in the form still shows once a passage is selected")
	}
}
