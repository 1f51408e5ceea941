package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"tawla/demo"
	"tawla/workspace"
	"tawla/workspace/sqlite"
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
	const body = "Préciser le délai <b>en jours ouvrables</b> : « 48 heures » ?"
	passage := commentOnSecondLine(t, member, body)

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

// commentOnSecondLine has s, on a draft's page with its editor ready,
// select the first words of the draft's second line as a person would and
// comment on them with body; it returns the passage.
func commentOnSecondLine(t *testing.T, s *session, body string) string {
	t.Helper()
	text := s.editorState().Text
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 3 || len([]rune(lines[2])) < 12 {
		t.Fatalf("the demo draft has no second line of text to comment on: %q", text)
	}
	passage := string([]rune(lines[2])[:12])
	evaluate[bool](s, fmt.Sprintf(`(() => {
		const ed = `+editorJS+`.tawlaEditor, text = ed.text(), from = text.indexOf(%q);
		ed.select(from, from + %q.length);
		return true;
	})()`, passage, passage))
	s.poll("wait for the passage to show in the comment form", `!document.getElementById("comment-submit").disabled`)
	if got := s.text("#comment-passage"); got != passage {
		t.Errorf("the comment form quotes %q, want %q", got, passage)
	}
	s.typeInto("#comment-body", body)
	if status := s.submit("#comment-submit"); status != 200 {
		t.Fatalf("posting the comment: status %d", status)
	}
	return passage
}

// TestBrowserRefusedReplyOutlivesLiveRefresh: a reply refused for its
// length comes back in its thread with its text and why; when someone
// else replies meanwhile, the live refresh of the threads waits rather
// than wipe what the member typed, and runs once they leave the field
// empty.
func TestBrowserRefusedReplyOutlivesLiveRefresh(t *testing.T) {
	site, b := start(t)
	proc := draftIn(t, site, "fr")
	draftPath := fmt.Sprintf("/procedures/%d", proc.ID)
	member := b.signedIn(t, demo.MemberEmail)
	member.open(draftPath)
	member.waitEditor()
	commentOnSecondLine(t, member, "Quel délai ?")
	member.waitEditor()
	reply := "#comment-list .comment-thread:last-child input[name=body]"
	// Longer than the field allows: a script could send it, and the
	// server refuses it; the form's own limit is lifted to send it.
	evaluate[bool](member, `(() => {
		const input = document.querySelector("`+reply+`");
		input.removeAttribute("maxlength");
		input.value = "Sous quinze jours. ".repeat(300);
		return true;
	})()`)
	if status := member.submit("#comment-list .comment-thread:last-child .inline-form button[type=submit]"); status != 400 {
		t.Fatalf("the long reply: status %d, want 400", status)
	}
	member.waitEditor()
	if got := member.count(`#comment-list [role="alert"]`); got != 1 {
		t.Fatalf("the refused reply shows %d reasons, want 1", got)
	}
	typed := member.value(reply)

	other := b.signedIn(t, demo.SecretariatEmail)
	other.open(draftPath)
	other.waitEditor()
	other.typeInto(reply, "Dix jours ouvrables.")
	if status := other.submit("#comment-list .comment-thread:last-child .inline-form button[type=submit]"); status != 200 {
		t.Fatalf("the other reply: status %d", status)
	}
	// The event has come, or is coming: give the page time to act on it.
	time.Sleep(1500 * time.Millisecond)
	if got := member.value(reply); got != typed {
		t.Fatalf("the refused reply's text was replaced by the live refresh (%d characters left)", len(got))
	}
	if got := member.count(`#comment-list [role="alert"]`); got != 1 {
		t.Errorf("the refused reply's reason is gone (%d shown)", got)
	}
	member.screenshot("refused-reply-kept")
	// Emptied and left, the field no longer holds anything: the refresh
	// that waited runs and shows the other reply.
	evaluate[bool](member, `(() => {
		const input = document.querySelector("`+reply+`");
		input.focus();
		input.value = "";
		input.blur();
		return true;
	})()`)
	member.poll("wait for the other reply", `Array.from(document.querySelectorAll("#comment-list .comment-replies p")).some((p) => p.textContent === "Dix jours ouvrables.")`)
}

// TestBrowserCommentKeptWhenConsultationCloses: a stakeholder selects a
// passage and types a comment while the consultation closes; sent after
// the closing date, the comment is refused, and the page comes back with
// the text to copy and the closing date instead of losing it.
func TestBrowserCommentKeptWhenConsultationCloses(t *testing.T) {
	site, b := start(t)
	proc := draftIn(t, site, "ar")
	closes := site.DB.Now().Add(8 * time.Second)
	if err := site.DB.OpenConsultation(t.Context(), workspace.SystemActor("test"),
		&workspace.Consultation{ProcedureID: proc.ID, ClosesAt: closes}); err != nil {
		t.Fatal(err)
	}
	stakeholder := b.signedIn(t, demo.StakeholderEmail)
	stakeholder.open(fmt.Sprintf("/procedures/%d", proc.ID))
	// The stakeholder reads in Arabic: the switcher saves it, so that the
	// page the comment's refusal brings back is in Arabic too.
	if status := stakeholder.submit(`.languages button[value="ar"]`); status != 200 {
		t.Fatalf("the language switcher: status %d, want 200", status)
	}
	stakeholder.waitEditor()
	text := stakeholder.editorState().Text
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 3 || len([]rune(lines[2])) < 12 {
		t.Fatalf("the demo draft has no second line of text to comment on: %q", text)
	}
	passage := string([]rune(lines[2])[:12])
	evaluate[bool](stakeholder, fmt.Sprintf(`(() => {
		const ed = `+editorJS+`.tawlaEditor, text = ed.text(), from = text.indexOf(%q);
		ed.select(from, from + %q.length);
		return true;
	})()`, passage, passage))
	stakeholder.poll("wait for the passage to show in the comment form", `!document.getElementById("comment-submit").disabled`)
	const body = "يجب تحديد الأجل بالأيام (48 ساعة)."
	stakeholder.typeInto("#comment-body", body)
	time.Sleep(time.Until(closes) + 500*time.Millisecond)
	if status := stakeholder.submit("#comment-submit"); status != 403 {
		t.Fatalf("the comment sent after the closing date: status %d, want 403", status)
	}
	if got := stakeholder.value("#unsent-body"); got != body {
		t.Errorf("the page keeps %q, want the text typed, %q", got, body)
	}
	if got := stakeholder.text("#comment-unsent .error-message"); !strings.Contains(got, "أُغلقت الاستشارة في") {
		t.Errorf("the page says %q, not that the consultation closed", got)
	}
	if got := stakeholder.count("#comment-form"); got != 0 {
		t.Errorf("the page still offers the comment form after the closing date")
	}
	if !evaluate[bool](stakeholder, `!document.querySelector("#comment-unsent button[data-copy]").hidden`) {
		t.Errorf("the button that copies the text is hidden")
	}
	stakeholder.screenshot("comment-kept-closed")
	threads, err := site.DB.FindCommentThreads(t.Context(), sqlite.CommentFilter{ProcedureID: proc.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range threads {
		if c.Body == body {
			t.Errorf("the comment refused after the closing date was stored")
		}
	}
}
