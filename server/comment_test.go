package server

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"tawla/collab"
	"tawla/demo"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// commentOn places a comment (or, with proposed, a suggestion) by the
// account with email on the first occurrence of words in the procedure's
// draft, as the comment form does.
func commentOn(t *testing.T, ts *testServer, proc *workspace.Procedure, email, words, body, proposed string) *workspace.Comment {
	t.Helper()
	ctx := context.Background()
	text, version, err := ts.srv.collab.Text(ctx, proc.DocumentID)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(text, words)
	if i < 0 {
		t.Fatalf("%q is not in the draft", words)
	}
	from := utf16Len(text[:i])
	c := &workspace.Comment{Kind: workspace.KindComment, Body: body}
	if proposed != "" {
		c.Kind, c.Proposed = workspace.KindSuggestion, proposed
	}
	acc := ts.account(t, email)
	_, err = ts.srv.collab.AddAnchor(ctx, proc.DocumentID, collab.AnchorRequest{Base: version, From: from, To: from + utf16Len(words),
		Within: func(ctx context.Context, tx *sqlite.Tx, a *workspace.Anchor) error {
			return tx.CreateComment(ctx, workspace.ActorFor(acc), a, c)
		}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestObservationsExport fills a table of observations — comments in
// French and Arabic with commas, quotes, newlines and markup, a
// suggestion, answers — and reads its CSV export in Arabic and in French:
// it must start with a byte-order mark, parse cleanly, have its headings in
// the request's language and list every thread with its passage, author,
// organisation, answer and reason, exactly as written.
func TestObservationsExport(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	proc := &workspace.Procedure{Title: "Orientation sanitaire", Language: "fr", Category: workspace.CategoryReferralPathway}
	draft := "# Orientation sanitaire\n\nLe migrant est orienté vers le centre de santé de base, muni de sa carte.\nيُوجَّه المهاجر إلى مركز الصحة الأساسية.\n"
	if err := ts.db.CreateProcedure(ctx, workspace.SystemActor("test"), proc, draft); err != nil {
		t.Fatal(err)
	}
	if err := ts.db.OpenConsultation(ctx, workspace.SystemActor("test"), &workspace.Consultation{ProcedureID: proc.ID, ClosesAt: ts.clock.Now().Add(7 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	tricky := "Préciser « centre », car il y en a deux, \"urbain\" et \"rural\";\nvoir aussi <script>alert(1)</script>."
	threads := []*workspace.Comment{
		commentOn(t, ts, proc, demo.StakeholderEmail, "centre de santé de base", tricky, ""),
		commentOn(t, ts, proc, demo.StakeholderEmail, "مركز الصحة الأساسية", "يجب ذكر العنوان، وساعات العمل.", ""),
		commentOn(t, ts, proc, demo.MemberEmail, "muni de sa carte", "Plus juste.", "muni de sa carte d'identité, ou d'un récépissé"),
		commentOn(t, ts, proc, demo.MemberEmail, "orienté", "Sans réponse encore.", ""),
	}
	answers := []struct {
		answer workspace.Answer
		reason string
	}{
		{workspace.AnswerPartly, "Nous citons le centre urbain ; le rural suivra,\n\"après vérification\"."},
		{workspace.AnswerAccepted, "أُضيف العنوان."},
		{workspace.AnswerRejected, "La carte suffit."},
	}
	sec := ts.sessionClient(t, demo.SecretariatEmail)
	for i, a := range answers {
		path := "/procedures/" + strconv.FormatInt(proc.ID, 10) + "/comments/" + strconv.FormatInt(threads[i].ID, 10) + "/answer"
		resp := sec.postForm(t, path, url.Values{"answer": {string(a.answer)}, "reason": {a.reason}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("answer %d: status %d\n%s", i, resp.StatusCode, resp.Body)
		}
	}
	// A reply: it belongs to its thread and is not a row of its own.
	if err := ts.db.CreateReply(ctx, workspace.ActorFor(ts.account(t, demo.MemberEmail)), threads[0].ID, &workspace.Comment{Body: "D'accord."}); err != nil {
		t.Fatal(err)
	}

	stakeholder := ts.account(t, demo.StakeholderEmail)
	member := ts.account(t, demo.MemberEmail)
	authors := []*workspace.Account{stakeholder, stakeholder, member, member}
	for _, lang := range []string{"ar", "fr"} {
		t.Run(lang, func(t *testing.T) {
			c := ts.sessionClient(t, demo.StakeholderEmail)
			resp := c.get(t, "/procedures/"+strconv.FormatInt(proc.ID, 10)+"/observations.csv?lang="+lang)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			body, ok := strings.CutPrefix(resp.Body, "\uFEFF")
			if !ok {
				t.Fatalf("the CSV does not start with a UTF-8 byte-order mark: %q", resp.Body[:min(20, len(resp.Body))])
			}
			r := csv.NewReader(strings.NewReader(body))
			records, err := r.ReadAll()
			if err != nil {
				t.Fatalf("the CSV does not parse: %v\n%s", err, body)
			}
			l := ts.srv.catalog.localizer(lang)
			if got, want := records[0][2], l.T("observations.passage"); got != want {
				t.Errorf("heading %q, want %q", got, want)
			}
			if got, want := records[0][9], l.T("observations.answer"); got != want {
				t.Errorf("heading %q, want %q", got, want)
			}
			if len(records) != 1+len(threads) {
				t.Fatalf("%d rows, want a heading and %d threads:\n%q", len(records), len(threads), records)
			}
			for i, th := range threads {
				row := records[1+i]
				if row[0] != strconv.FormatInt(th.ID, 10) || row[2] != th.Anchor.Quote || row[3] != th.Body || row[4] != th.Proposed {
					t.Errorf("row %d: %q, want comment %d on %q saying %q", i, row, th.ID, th.Anchor.Quote, th.Body)
				}
				if row[5] != authors[i].Name {
					t.Errorf("row %d: author %q, want %q", i, row[5], authors[i].Name)
				}
				org, err := ts.db.FindOrganisationByID(ctx, authors[i].OrganisationID)
				if err != nil {
					t.Fatal(err)
				}
				if row[6] != org.Name(lang) {
					t.Errorf("row %d: organisation %q, want %q", i, row[6], org.Name(lang))
				}
				wantAnswer, wantReason := "", ""
				if i < len(answers) {
					wantAnswer, wantReason = l.T("answer."+string(answers[i].answer)), answers[i].reason
				}
				if row[9] != wantAnswer || row[10] != wantReason {
					t.Errorf("row %d: answer %q, reason %q; want %q, %q", i, row[9], row[10], wantAnswer, wantReason)
				}
			}
		})
	}

	// The page escapes what people wrote, and filters.
	page := ts.sessionClient(t, demo.StakeholderEmail).get(t, "/procedures/"+strconv.FormatInt(proc.ID, 10)+"/observations?answered=no")
	if page.StatusCode != http.StatusOK {
		t.Fatalf("observations page: status %d", page.StatusCode)
	}
	if !strings.Contains(page.Body, "Sans réponse encore.") || strings.Contains(page.Body, "La carte suffit.") {
		t.Errorf("the filter answered=no does not select the unanswered thread alone")
	}
	page = ts.sessionClient(t, demo.StakeholderEmail).get(t, "/procedures/"+strconv.FormatInt(proc.ID, 10)+"/observations")
	if strings.Contains(page.Body, "<script>alert(1)") || !strings.Contains(page.Body, "&lt;script&gt;alert(1)") {
		t.Errorf("the observations page does not escape a comment's markup")
	}
}
