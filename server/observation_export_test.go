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

	"tawla/demo"
	"tawla/workspace"
)

// TestObservationsExportRepliesAndAnswerer: the CSV export of the table
// of observations keeps one row per thread and gives, in their own
// columns, who answered and when, and the thread's replies, oldest first,
// each with its date, author and organisation, in one cell; a reply that
// starts like a formula cannot make the cell one, and a thread without
// an answer or replies leaves those cells empty.
func TestObservationsExportRepliesAndAnswerer(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	proc := ts.createTestProcedure(t, "fr", "# Export\n\nLe délai de réponse est de trente jours.\n")
	if err := ts.db.OpenConsultation(ctx, workspace.SystemActor("test"), &workspace.Consultation{ProcedureID: proc.ID, ClosesAt: ts.clock.Now().Add(7 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	answered := commentOn(t, ts, proc, demo.StakeholderEmail, "délai", "Trop long ?", "")
	quiet := commentOn(t, ts, proc, demo.MemberEmail, "trente", "Pourquoi trente ?", "")
	stakeholder, member := ts.account(t, demo.StakeholderEmail), ts.account(t, demo.MemberEmail)
	secretariat := ts.account(t, demo.SecretariatEmail)
	if err := ts.db.CreateReply(ctx, workspace.ActorFor(member), answered.ID, &workspace.Comment{Body: "=SOMME(A1:A9) jours ?"}); err != nil {
		t.Fatal(err)
	}
	ts.clock.Advance(time.Hour)
	if err := ts.db.CreateReply(ctx, workspace.ActorFor(stakeholder), answered.ID, &workspace.Comment{Body: "قد يكفي أسبوعان."}); err != nil {
		t.Fatal(err)
	}
	ts.clock.Advance(time.Hour)
	path := "/procedures/" + strconv.FormatInt(proc.ID, 10)
	resp := ts.sessionClient(t, demo.SecretariatEmail).postForm(t, path+"/comments/"+strconv.FormatInt(answered.ID, 10)+"/answer",
		url.Values{"answer": {"partly_accepted"}, "reason": {"Quinze jours pour un premier rendez-vous."}})
	wantStatus(t, "answer", resp, http.StatusSeeOther)
	threads, err := ts.db.FindCommentThreads(ctx, observationFilter(proc.ID, nil))
	if err != nil || len(threads) != 2 || len(threads[0].Replies) != 2 || threads[0].AnsweredAt == nil {
		t.Fatalf("threads: %v, %v", threads, err)
	}
	orgName := func(acc *workspace.Account) string {
		org, err := ts.db.FindOrganisationByID(ctx, acc.OrganisationID)
		if err != nil {
			t.Fatal(err)
		}
		return org.Name("fr")
	}
	r0, r1 := threads[0].Replies[0], threads[0].Replies[1]
	wantReplies := formatDate(r0.CreatedAt, ts.srv.location) + " — " + member.Name + " (" + orgName(member) + ")\n=SOMME(A1:A9) jours ?\n\n" +
		formatDate(r1.CreatedAt, ts.srv.location) + " — " + stakeholder.Name + " (" + orgName(stakeholder) + ")\nقد يكفي أسبوعان."

	got := ts.sessionClient(t, demo.MemberEmail).get(t, path+"/observations.csv?lang=fr")
	wantStatus(t, "export", got, http.StatusOK)
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(got.Body, "\uFEFF")))
	r.Comma = ';'
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	if len(records) != 3 {
		t.Fatalf("%d rows, want a heading and one per thread (replies are not rows):\n%q", len(records), records)
	}
	l := ts.srv.catalog.localizer("fr")
	heading := records[0]
	if len(heading) != 14 || heading[11] != l.T("observations.answered_by") || heading[12] != l.T("observations.answered_at") || heading[13] != l.T("observations.replies") {
		t.Fatalf("headings %q", heading)
	}
	row := records[1]
	if row[0] != strconv.FormatInt(answered.ID, 10) || row[11] != secretariat.Name || row[12] != formatDate(*threads[0].AnsweredAt, ts.srv.location) {
		t.Errorf("the answered thread's row: %q, want answered by %q at %s", row, secretariat.Name, formatDate(*threads[0].AnsweredAt, ts.srv.location))
	}
	if row[13] != wantReplies {
		t.Errorf("the replies cell reads\n%q\nwant\n%q", row[13], wantReplies)
	}
	if row := records[2]; row[0] != strconv.FormatInt(quiet.ID, 10) || row[11] != "" || row[12] != "" || row[13] != "" {
		t.Errorf("the thread without answer or replies: %q", row)
	}
}
