package server

import (
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"tawla/demo"
)

// TestDirectionErrorNamesField: a title with a direction isolate left
// open comes back on its form, kept as typed, with a message that names
// the field in the page's language, and nothing is created; the same
// title with its isolate closed is accepted. Every one-line field the
// workspace checks has a label for that message.
func TestDirectionErrorNamesField(t *testing.T) {
	ts := newTestServer(t)
	member := ts.loginAs(t, demo.MemberEmail)
	before := ts.procedureState(t)
	open := "Accueil \u2067بالمهدية au guichet"
	for lang, want := range map[string]string{
		"fr": "«\u00a0Titre\u00a0» contient des caractères invisibles",
		"ar": "يحتوي حقل «",
		"en": "“Title” holds invisible direction controls",
	} {
		resp := member.postForm(t, "/procedures?lang="+lang, procedureForm(open, "fr", "other", ""))
		wantStatus(t, lang, resp, http.StatusBadRequest)
		wantText(t, resp, want)
		wantText(t, resp, `value="`+open+`"`)
		wantText(t, resp, `name="title" value="`+open+`" maxlength="200" required dir="auto" aria-invalid="true"`)
	}
	if ts.procedureState(t) != before {
		t.Fatal("a refused title created a procedure")
	}
	createdProcedureID(t, member.postForm(t, "/procedures", procedureForm("Accueil \u2067بالمهدية\u2069 au guichet", "fr", "other", "")))

	src, err := os.ReadFile("../workspace/text.go")
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, name := range []string{"account.go", "issue.go", "meeting.go", "organisation.go", "poll.go", "procedure.go", "version.go"} {
		b, err := os.ReadFile("../workspace/" + name)
		if err != nil {
			t.Fatal(err)
		}
		src = append(src, b...)
	}
	for _, m := range regexp.MustCompile(`checkLine\("([a-z_]+)"`).FindAllStringSubmatch(string(src), -1) {
		fields = append(fields, m[1])
	}
	for _, m := range regexp.MustCompile(`\{"(name_[a-z]+)", c\.Name[A-Z]+\}`).FindAllStringSubmatch(string(src), -1) {
		fields = append(fields, m[1])
	}
	if len(fields) < 15 {
		t.Fatalf("found only %d one-line fields in the workspace: %v", len(fields), fields)
	}
	fr := ts.srv.localizer("fr")
	for _, f := range fields {
		label, ok := fieldLabels[f]
		if !ok {
			t.Errorf("one-line field %q has no label in fieldLabels", f)
			continue
		}
		if got := fr.T(label); got == label || strings.TrimSpace(got) == "" {
			t.Errorf("field %q: label key %s is not in the catalogue", f, label)
		}
	}
}
