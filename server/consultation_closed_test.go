package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"tawla/demo"
	"tawla/workspace"
)

// TestCommentKeptWhenConsultationCloses: a stakeholder types a suggested
// change, and a reply, while the consultation closes; sent after the
// closing date, each is refused with nothing stored, but the procedure's
// page comes back with the text, read-only, to copy, and says that the
// consultation closed and when — not an error page that loses it.
func TestCommentKeptWhenConsultationCloses(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	proc := ts.createTestProcedure(t, "fr", "# Délais\n\nLe délai de réponse est de trente jours.\n")
	path := "/procedures/" + strconv.FormatInt(proc.ID, 10)
	closes := ts.clock.Now().Add(time.Hour)
	if err := ts.db.OpenConsultation(ctx, workspace.SystemActor("test"), &workspace.Consultation{ProcedureID: proc.ID, ClosesAt: closes}); err != nil {
		t.Fatal(err)
	}
	thread := commentOn(t, ts, proc, demo.StakeholderEmail, "délai", "Trop long ?", "")
	stakeholder := ts.sessionClient(t, demo.StakeholderEmail)
	_, version, from := findInDraft(t, ts, proc, "trente")
	ts.clock.Advance(time.Hour + time.Minute)

	for _, tt := range []struct {
		name string
		url  string
		form url.Values
		want []string
	}{
		{"Suggestion", path + "/comments", url.Values{"version": {strconv.Itoa(version)}, "from": {strconv.Itoa(from)}, "to": {strconv.Itoa(from + 6)},
			"kind": {"suggestion"}, "body": {"Un délai <plus court> aide les personnes."}, "proposed": {"quinze"}},
			[]string{"Un délai &lt;plus court&gt; aide les personnes.</textarea>", `id="unsent-proposed"`, ">quinze</textarea>"}},
		{"Reply", path + "/comments/" + strconv.FormatInt(thread.ID, 10) + "/replies", url.Values{"body": {"Quinze jours suffiraient."}},
			[]string{"Quinze jours suffiraient.</textarea>"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := ts.snapshot(t)
			resp := stakeholder.postForm(t, tt.url+"?lang=fr", tt.form)
			wantStatus(t, "comment after the closing date", resp, http.StatusForbidden)
			want := append([]string{`id="comment-unsent"`, `id="unsent-body" rows="4" readonly`, "La consultation est close depuis le",
				formatDate(closes, ts.srv.location), "Votre texte n&#39;a pas été envoyé", `data-copy="unsent-body`, `id="comments-heading"`}, tt.want...)
			for _, w := range want {
				if !strings.Contains(resp.Body, w) {
					t.Errorf("the page shown again lacks %q", w)
				}
			}
			if strings.Contains(resp.Body, `id="comment-form"`) {
				t.Errorf("the page offers the comment form to a stakeholder after the consultation")
			}
			if after := ts.snapshot(t); after != before {
				t.Errorf("a comment refused after the closing date changed the data")
			}
		})
	}
}
