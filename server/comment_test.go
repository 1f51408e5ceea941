package server

import (
	"context"
	"encoding/csv"
	"fmt"
	"html"
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

// findInDraft returns a procedure's draft, its version, and where the
// first occurrence of words starts in it, in UTF-16 units as the editor
// counts.
func findInDraft(t *testing.T, ts *testServer, proc *workspace.Procedure, words string) (text string, version, from int) {
	t.Helper()
	text, version, err := ts.srv.collab.Text(context.Background(), proc.DocumentID)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(text, words)
	if i < 0 {
		t.Fatalf("%q is not in the draft", words)
	}
	return text, version, utf16Units(text[:i])
}

// commentOn places a comment (or, with proposed, a suggestion) by the
// account with email on the first occurrence of words in the procedure's
// draft, as the comment form does.
func commentOn(t *testing.T, ts *testServer, proc *workspace.Procedure, email, words, body, proposed string) *workspace.Comment {
	t.Helper()
	ctx := context.Background()
	_, version, from := findInDraft(t, ts, proc, words)
	c := &workspace.Comment{Kind: workspace.KindComment, Body: body}
	if proposed != "" {
		c.Kind, c.Proposed = workspace.KindSuggestion, proposed
	}
	acc := ts.account(t, email)
	_, err := ts.srv.collab.AddAnchor(ctx, proc.DocumentID, collab.AnchorRequest{Base: version, From: from, To: from + utf16Units(words),
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
		commentOn(t, ts, proc, demo.MemberEmail, "migrant", "=HYPERLINK(\"http://example.com\")", ""),
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
	authors := []*workspace.Account{stakeholder, stakeholder, member, member, member}
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
			if lang != "en" {
				r.Comma = ';' // as French and Arabic spreadsheets expect
			}
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
				body := th.Body
				if strings.HasPrefix(body, "=") {
					// A formula is written as text.
					body = "'" + body
				}
				if row[0] != strconv.FormatInt(th.ID, 10) || row[2] != th.Anchor.Quote || row[3] != body || row[4] != th.Proposed {
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

// TestConsultationCloses opens a consultation through its form, with a
// closing date in the table's time zone: during it the stakeholder's page
// invites comments and the stakeholder comments; after the closing date the
// invitation is gone and the stakeholder's comment is refused with
// nothing stored, while a member still comments.
func TestConsultationCloses(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	proc := &workspace.Procedure{Title: "Consultation courte", Language: "ar", Category: workspace.CategoryOther}
	if err := ts.db.CreateProcedure(ctx, workspace.SystemActor("test"), proc, "# استشارة قصيرة\n\nنص المشروع.\n"); err != nil {
		t.Fatal(err)
	}
	path := "/procedures/" + strconv.FormatInt(proc.ID, 10)
	closes := ts.clock.Now().In(ts.srv.location).Add(2 * time.Hour).Truncate(time.Minute)
	sec := ts.sessionClient(t, demo.SecretariatEmail)
	if resp := sec.postForm(t, path+"/consultation", url.Values{"closes_at": {closes.Format("2006-01-02T15:04")}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("open the consultation: status %d\n%s", resp.StatusCode, resp.Body)
	}
	cons, err := ts.db.FindConsultation(ctx, proc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !cons.ClosesAt.Equal(closes) {
		t.Errorf("the consultation closes at %v, want %v (the date given in the table's time zone)", cons.ClosesAt, closes)
	}

	stakeholder := ts.sessionClient(t, demo.StakeholderEmail)
	comment := url.Values{"version": {"0"}, "from": {"2"}, "to": {"7"}, "kind": {"comment"}, "body": {"ملاحظة"}}
	if page := stakeholder.get(t, path); !strings.Contains(page.Body, `class="consultation-invitation"`) || !strings.Contains(page.Body, `id="comment-form"`) {
		t.Errorf("during the consultation the stakeholder's page has no invitation or no comment form")
	}
	if resp := stakeholder.postForm(t, path+"/comments", comment); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a stakeholder's comment during the consultation: status %d", resp.StatusCode)
	}

	ts.clock.Advance(2*time.Hour + time.Second)
	if page := stakeholder.get(t, path); strings.Contains(page.Body, `class="consultation-invitation"`) || strings.Contains(page.Body, `id="comment-form"`) {
		t.Errorf("after the closing date the stakeholder is still invited to comment")
	}
	if resp := stakeholder.postForm(t, path+"/comments", comment); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a stakeholder's comment after the closing date: status %d, want 403", resp.StatusCode)
	}
	if resp := ts.sessionClient(t, demo.MemberEmail).postForm(t, path+"/comments", comment); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a member's comment after the closing date: status %d, want 303", resp.StatusCode)
	}
	threads, err := ts.db.FindCommentThreads(ctx, sqlite.CommentFilter{ProcedureID: proc.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(threads) != 2 {
		t.Errorf("%d comments stored, want the stakeholder's during the consultation and the member's after", len(threads))
	}
}

// TestCommentEvents follows a draft's topic as a stakeholder's page does,
// and checks that placing a comment, replying to it and answering it each
// publish an event naming the thread, once committed.
func TestCommentEvents(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	proc := &workspace.Procedure{Title: "Événements", Language: "fr", Category: workspace.CategoryOther}
	if err := ts.db.CreateProcedure(ctx, workspace.SystemActor("test"), proc, "# Événements\n\nUn texte à commenter.\n"); err != nil {
		t.Fatal(err)
	}
	next := followDraft(t, ts, proc)

	path := "/procedures/" + strconv.FormatInt(proc.ID, 10)
	member := ts.sessionClient(t, demo.MemberEmail)
	if resp := member.postForm(t, path+"/comments", url.Values{"version": {"0"}, "from": {"17"}, "to": {"22"}, "kind": {"comment"}, "body": {"Lequel ?"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment: status %d\n%s", resp.StatusCode, resp.Body)
	}
	ev := next()
	threads, err := ts.db.FindCommentThreads(ctx, sqlite.CommentFilter{ProcedureID: proc.ID})
	if err != nil || len(threads) != 1 {
		t.Fatalf("threads: %v, %v", threads, err)
	}
	id := float64(threads[0].ID)
	if ev["kind"] != "comment.created" || ev["comment"] != id {
		t.Errorf("event %v, want comment.created of %v", ev, id)
	}
	if threads[0].Anchor.Quote != "texte" {
		t.Errorf("the comment is on %q, want \"texte\"", threads[0].Anchor.Quote)
	}
	cpath := path + "/comments/" + strconv.FormatInt(threads[0].ID, 10)
	if resp := member.postForm(t, cpath+"/replies", url.Values{"body": {"Celui-ci."}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: status %d", resp.StatusCode)
	}
	if ev := next(); ev["kind"] != "comment.updated" || ev["comment"] != id {
		t.Errorf("event %v, want comment.updated of %v", ev, id)
	}
	if resp := ts.sessionClient(t, demo.SecretariatEmail).postForm(t, cpath+"/answer", url.Values{"answer": {"accepted"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("answer: status %d", resp.StatusCode)
	}
	if ev := next(); ev["kind"] != "comment.updated" || ev["comment"] != id {
		t.Errorf("event %v, want comment.updated of %v", ev, id)
	}
	// The fragment the page fetches then shows the thread, escaped.
	frag := ts.sessionClient(t, demo.StakeholderEmail).get(t, path+"/comments")
	if frag.StatusCode != http.StatusOK || !strings.Contains(frag.Body, "Celui-ci.") || strings.Contains(frag.Body, "<html") {
		t.Errorf("the comments fragment: status %d\n%s", frag.StatusCode, frag.Body)
	}
}

// TestCommentRefusalsInTheReadersLanguage: refusals that once came only in
// English — accepting a plain comment as if it were a suggested change,
// replying to a reply — carry a catalogue key and reach the reader in
// their language.
func TestCommentRefusalsInTheReadersLanguage(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	proc := ts.createTestProcedure(t, "fr", "# Refus\n\nUn texte à commenter.\n")
	path := "/procedures/" + strconv.FormatInt(proc.ID, 10)
	member := ts.sessionClient(t, demo.MemberEmail)
	if resp := member.postForm(t, path+"/comments", url.Values{"version": {"0"}, "from": {"11"}, "to": {"16"}, "kind": {"comment"}, "body": {"Lequel ?"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment: status %d", resp.StatusCode)
	}
	threads, err := ts.db.FindCommentThreads(ctx, sqlite.CommentFilter{ProcedureID: proc.ID})
	if err != nil || len(threads) != 1 {
		t.Fatalf("threads: %v, %v", threads, err)
	}
	comment := path + "/comments/" + strconv.FormatInt(threads[0].ID, 10)
	secretariat := ts.sessionClient(t, demo.SecretariatEmail)
	for lang, want := range map[string]string{"fr": "Ce n&#39;est pas une proposition de modification.", "ar": "هذا ليس اقتراح تعديل."} {
		resp := secretariat.postForm(t, comment+"/accept?lang="+lang, url.Values{})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(resp.Body, want) {
			t.Errorf("accepting a plain comment, in %s: status %d, want 400 saying %q", lang, resp.StatusCode, want)
		}
	}
	// A reply to a reply, straight to the store: the error carries the
	// catalogue's key, so any page shows it in its reader's language.
	reply := &workspace.Comment{Body: "Celui-ci."}
	member2 := workspace.ActorFor(ts.account(t, demo.MemberEmail))
	if err := ts.db.CreateReply(ctx, member2, threads[0].ID, reply); err != nil {
		t.Fatal(err)
	}
	err = ts.db.CreateReply(ctx, member2, reply.ID, &workspace.Comment{Body: "Et encore."})
	if workspace.ErrorKey(err) != "error.comment.reply_to_start" {
		t.Errorf("a reply to a reply: %v, want the key error.comment.reply_to_start", err)
	}
}

// TestCommentRefusalKeepsTheText: a refused comment — no passage chosen,
// or a text too long — brings back the procedure's page with the form as
// it was sent and why, instead of an error page that loses what a
// stakeholder typed on their phone; nothing is stored.
func TestCommentRefusalKeepsTheText(t *testing.T) {
	ts := newTestServer(t)
	proc := ts.createTestProcedure(t, "fr", "# Texte gardé\n\nUn texte à commenter.\n")
	path := "/procedures/" + strconv.FormatInt(proc.ID, 10)
	member := ts.sessionClient(t, demo.MemberEmail)
	long := strings.Repeat("Une remarque détaillée. ", 220) // over 5,000 characters
	for _, tt := range []struct {
		name string
		form url.Values
		want string
	}{
		{"NoPassage", url.Values{"version": {"0"}, "from": {"3"}, "to": {"3"}, "kind": {"suggestion"}, "body": {"Pourquoi <ce> délai ?"}, "proposed": {"sept jours"}}, "Pourquoi &lt;ce&gt; délai ?"},
		{"TooLong", url.Values{"version": {"0"}, "from": {"16"}, "to": {"21"}, "kind": {"comment"}, "body": {long}}, "Une remarque détaillée. Une remarque"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := ts.snapshot(t)
			resp := member.postForm(t, path+"/comments", tt.form)
			wantStatus(t, "refused comment", resp, http.StatusBadRequest)
			for _, want := range []string{`id="comment-error"`, tt.want, `id="comment-form"`} {
				if !strings.Contains(resp.Body, want) {
					t.Errorf("the page shown again lacks %q", want)
				}
			}
			if tt.name == "NoPassage" && (!strings.Contains(resp.Body, `value="suggestion" checked`) || !strings.Contains(resp.Body, ">sept jours</textarea>")) {
				t.Errorf("the kind or the proposed text chosen are not kept")
			}
			if after := ts.snapshot(t); after != before {
				t.Errorf("a refused comment changed the data")
			}
		})
	}
}

// TestThreadRefusalKeepsTheText: the other forms of the comments panel —
// a reply, the secretariat's answer (from the procedure and from the
// table of observations), the rejection of a suggested change, the
// opening of a consultation — when refused bring back the page they were
// on with what was typed or chosen and why, next to the form concerned,
// instead of a bare error page; nothing is stored.
func TestThreadRefusalKeepsTheText(t *testing.T) {
	ts := newTestServer(t)
	proc := ts.createTestProcedure(t, "fr", "# Fils\n\nLe délai de réponse est de trente jours.\n")
	path := "/procedures/" + strconv.FormatInt(proc.ID, 10)
	comment := commentOn(t, ts, proc, demo.MemberEmail, "délai", "Trop long ?", "")
	suggestion := commentOn(t, ts, proc, demo.MemberEmail, "trente", "Plus court.", "quinze")
	member := ts.sessionClient(t, demo.MemberEmail)
	secretariat := ts.sessionClient(t, demo.SecretariatEmail)
	thread := func(c *workspace.Comment) string { return path + "/comments/" + strconv.FormatInt(c.ID, 10) }
	long := strings.Repeat("Une réponse <détaillée>. ", 220) // over 5,000 characters
	for _, tt := range []struct {
		name   string
		client *client
		url    string
		form   url.Values
		want   []string
	}{
		{"Reply", member, thread(comment) + "/replies", url.Values{"body": {long}},
			[]string{fmt.Sprintf(`id="reply-error-%d"`, comment.ID), `value="Une réponse &lt;détaillée&gt;. Une`, `aria-invalid="true"`}},
		{"AnswerWithoutReason", secretariat, thread(comment) + "/answer", url.Values{"answer": {"rejected"}, "reason": {"  "}},
			[]string{fmt.Sprintf(`id="answer-error-%d"`, comment.ID), `value="rejected" selected`, "Indiquez le motif du rejet.", `id="comments-heading"`}},
		{"AnswerFromObservations", secretariat, thread(comment) + "/answer", url.Values{"answer": {"rejected"}, "reason": {""}, "back": {"observations"}},
			[]string{fmt.Sprintf(`id="answer-error-%d"`, comment.ID), `value="rejected" selected`, `class="panel observations"`, `name="back" value="observations"`}},
		{"RejectWithoutReason", secretariat, thread(suggestion) + "/reject", url.Values{"reason": {""}},
			[]string{fmt.Sprintf(`id="reject-error-%d"`, suggestion.ID), "Indiquez le motif du rejet."}},
		{"ConsultationInThePast", secretariat, path + "/consultation", url.Values{"closes_at": {"2001-01-02T10:00"}},
			[]string{`id="consultation-error"`, `value="2001-01-02T10:00"`}},
		{"ConsultationWithoutDate", secretariat, path + "/consultation", url.Values{"closes_at": {"demain"}},
			[]string{`id="consultation-error"`, `value="demain"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := ts.snapshot(t)
			resp := tt.client.postForm(t, tt.url+"?lang=fr", tt.form)
			wantStatus(t, "refused form", resp, http.StatusBadRequest)
			for _, want := range tt.want {
				if !strings.Contains(resp.Body, want) {
					t.Errorf("the page shown again lacks %q", want)
				}
			}
			if strings.Count(resp.Body, `role="alert"`) != 1 {
				t.Errorf("the page shows the refusal %d times, want once, next to its form", strings.Count(resp.Body, `role="alert"`))
			}
			if after := ts.snapshot(t); after != before {
				t.Errorf("a refused form changed the data")
			}
		})
	}
	// Not allowed is not a form to fill again: the error page.
	resp := member.postForm(t, thread(comment)+"/answer", url.Values{"answer": {"accepted"}})
	wantStatus(t, "a member answering", resp, http.StatusForbidden)

	// A suggestion decided meanwhile has no rejection form any more: the
	// refusal says why on the error page, rather than on a page that would
	// not show it.
	wantRedirect(t, "accepting the suggestion", secretariat.postForm(t, thread(suggestion)+"/accept", url.Values{}), path+"?done=suggestion_accepted#comments")
	resp = secretariat.postForm(t, thread(suggestion)+"/reject?lang=fr", url.Values{"reason": {"Trop tard."}})
	wantStatus(t, "rejecting a decided suggestion", resp, http.StatusConflict)
	wantBody(t, "rejecting a decided suggestion", resp.Body, html.EscapeString(ts.srv.localizer("fr").T("error.suggestion.decided")))
}
