package server

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/workspace"
)

// longText returns a text of valid UTF-8, French and Arabic, of about n
// characters, with nothing that HTML would escape.
func longText(n int) string {
	const sentence = "Orientation des rapatriés vers la formation professionnelle — توجيه العائدين نحو التكوين المهني. "
	var b strings.Builder
	for b.Len() == 0 || len([]rune(b.String()))+len([]rune(sentence)) <= n {
		b.WriteString(sentence)
	}
	return strings.TrimSpace(b.String())
}

// TestInvalidUTF8KeepsTheForm: a text form posted with one byte that is
// not valid UTF-8 in one field (pasted from an old PDF) and a long valid
// text in another comes back refused (400) and filled: the valid text as
// typed, the faulty field with U+FFFD in place of the byte, marked
// invalid, and the message saying a character was replaced; nothing is
// written to the database.
func TestInvalidUTF8KeepsTheForm(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	system := workspace.SystemActor("test")
	member := ts.sessionClient(t, demo.MemberEmail)
	staff := ts.sessionClient(t, demo.SecretariatEmail)
	admin := ts.sessionClient(t, demo.AdminEmail)

	issue := reportIssue(t, ts, demo.MemberEmail, "Équivalence des diplômes", "Les diplômes obtenus en Italie.", nil)
	category := strconv.FormatInt(firstCategory(t, ts).ID, 10)
	planned := agendaTestMeeting(t, ts, "Plénière de septembre", "Emploi", "Santé")
	started := agendaTestStart(t, ts, agendaTestMeeting(t, ts, "Plénière d'octobre", "Logement").Meeting.ID)
	decided := started.Items[0]
	if err := ts.db.RecordDecision(ctx, system, &workspace.Decision{AgendaItemID: decided.ID, Text: "Adopté", Outcome: workspace.OutcomeAdopted}); err != nil {
		t.Fatal(err)
	}
	owner := strconv.FormatInt(ts.account(t, demo.MemberEmail).OrganisationID, 10)
	proc := ts.createTestProcedure(t, "fr", "# Accueil\n\nLe délai de réponse est de trente jours.\n")
	procPath := procedurePath(proc.ID)
	comment := commentOn(t, ts, proc, demo.MemberEmail, "délai", "Trop long ?", "")
	threadPath := procPath + "/comments/" + strconv.FormatInt(comment.ID, 10)
	suggestion := commentOn(t, ts, proc, demo.MemberEmail, "trente", "Plus court.", "quinze")
	stakeholder := ts.account(t, demo.StakeholderEmail)
	_, pollItem := newPollMeeting(t, ts)
	published := newPublishableVersion(t, ts, "Procédure à publier", "fr", "# Procédure à publier\n\nTexte.\n", true)
	entry := publishForTest(t, ts, "Procédure à retirer")

	raw, err := sql.Open("sqlite3", "file:"+ts.db.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	conn, err := raw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	for _, tt := range []struct {
		name   string
		client *client
		path   string
		form   url.Values
		// long is the field that holds a long valid text, bad the one
		// with the byte that cannot be read.
		long, bad string
		// marked matches the faulty field marked invalid; by default the
		// element named bad carries aria-invalid="true".
		marked string
	}{
		{name: "ReportIssue", client: member, path: "/issues",
			form: url.Values{"title": {"Diplôme non reconnu \xff"}, "description": {longText(5000)}, "category_id": {category}, "priority": {"normal"}},
			long: "description", bad: "title"},
		{name: "EditIssue", client: member, path: issuePath(issue.ID),
			form: url.Values{"title": {"Équivalence des diplômes"}, "description": {longText(5000) + " \xe9t\xe9"}, "category_id": {category}, "priority": {"normal"}},
			long: "title", bad: "description"},
		{name: "IssueComment", client: member, path: issuePath(issue.ID) + "/comments",
			form: url.Values{"body": {longText(3000) + " Caf\xe9"}},
			long: "", bad: "body", marked: `name="body"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*name="body"|id="comment-error"`},
		{name: "IssueStatus", client: staff, path: issuePath(issue.ID) + "/status",
			form: url.Values{"status": {"in_progress"}, "reason": {longText(1500) + "\xff"}},
			long: "", bad: "reason"},
		{name: "NewMeeting", client: staff, path: "/meetings",
			form: withValues(meetingFormValues("Plénière de novembre"), "place", "Salle du gouvernorat \xff"),
			long: "title", bad: "place"},
		{name: "EditMeeting", client: staff, path: meetingPath(planned.Meeting.ID),
			form: withValues(meetingFormValues("Plénière de septembre"), "title", "Pl\xe9ni\xe8re"),
			long: "place", bad: "title"},
		{name: "AgendaItem", client: staff, path: meetingItemsPath(planned.Meeting.ID),
			form: url.Values{"title": {"Emploi des jeunes \xff"}, "description": {longText(4000)}, "duration_minutes": {"30"}},
			long: "description", bad: "title"},
		{name: "EditAgendaItem", client: staff, path: meetingItemPath(planned.Meeting.ID, planned.Items[0].ID),
			form: url.Values{"title": {"Emploi"}, "description": {longText(4000) + "\xff"}, "duration_minutes": {"30"}},
			long: "title", bad: "description"},
		{name: "Decision", client: staff, path: meetingItemPath(started.Meeting.ID, decided.ID) + "/decision",
			form: url.Values{"text": {longText(4000) + " \xff"}, "outcome": {"adopted"}},
			long: "", bad: "text"},
		{name: "Action", client: staff, path: meetingItemPath(started.Meeting.ID, decided.ID) + "/actions",
			form: url.Values{"title": {"Recenser les offres d\xe9"}, "owner_organisation_id": {owner}, "due_date": {"2026-12-31"}},
			long: "due_date", bad: "title"},
		{name: "Comment", client: member, path: procPath + "/comments",
			form: url.Values{"version": {"0"}, "from": {"16"}, "to": {"21"}, "kind": {"suggestion"}, "body": {longText(4000)}, "proposed": {"quinze jours \xff"}},
			long: "body", bad: "proposed"},
		{name: "Reply", client: member, path: threadPath + "/replies",
			form: url.Values{"body": {longText(4000) + "\xff"}},
			long: "", bad: "body", marked: fmt.Sprintf(`id="reply-%d" name="body"[^>]*aria-invalid="true"`, comment.ID)},
		{name: "Answer", client: staff, path: threadPath + "/answer",
			form: url.Values{"answer": {"rejected"}, "reason": {longText(4000) + "\xff"}},
			long: "", bad: "reason", marked: fmt.Sprintf(`id="answer-reason-%d" name="reason"[^>]*aria-invalid="true"`, comment.ID)},
		{name: "RejectSuggestion", client: staff, path: procPath + "/comments/" + strconv.FormatInt(suggestion.ID, 10) + "/reject",
			form: url.Values{"reason": {longText(4000) + "\xff"}},
			long: "", bad: "reason", marked: fmt.Sprintf(`id="reject-%d" name="reason"[^>]*aria-invalid="true"`, suggestion.ID)},
		{name: "Consultation", client: staff, path: procPath + "/consultation",
			form: url.Values{"closes_at": {"2099-01-02T10:00\xff"}},
			long: "", bad: "closes_at"},
		{name: "NewProcedure", client: member, path: "/procedures",
			form: url.Values{"title": {"Accueil des rapatri\xe9s"}, "language": {"fr"}, "category": {"other"}, "summary": {longText(1500)}},
			long: "summary", bad: "title"},
		{name: "EditProcedure", client: member, path: procPath,
			form: url.Values{"title": {"Accueil"}, "language": {"fr"}, "category": {"other"}, "summary": {longText(1500) + "\xff"}},
			long: "title", bad: "summary"},
		{name: "FreezeVersion", client: member, path: procPath + "/versions",
			form: url.Values{"message": {"Texte relu \xff"}},
			long: "", bad: "message"},
		{name: "Organisation", client: staff, path: "/admin/organisations",
			form: url.Values{"name_fr": {"Association des rapatriés de Mahdia"}, "name_ar": {"جمعية العائدين بالمهدية"}, "college": {"civil_society"}, "delegation": {"Mahdia"}, "contact": {"T\xe9l. 73 000 000"}},
			long: "name_ar", bad: "contact"},
		{name: "Account", client: admin, path: "/admin/accounts",
			form: url.Values{"name": {"Ons Ben Youssef \xff"}, "email": {"ons@example.tn"}, "organisation_id": {owner}, "language": {"ar"}, "role": {"member"}},
			long: "email", bad: "name"},
		{name: "EditAccount", client: admin, path: "/admin/accounts/" + strconv.FormatInt(stakeholder.ID, 10),
			form: url.Values{"name": {"Imen Khelifi"}, "email": {"imen\xe9@demo.tn"}, "organisation_id": {strconv.FormatInt(stakeholder.OrganisationID, 10)}, "language": {"fr"}, "role": {"stakeholder"}, "active": {"on"}},
			long: "name", bad: "email"},
		{name: "EditOrganisation", client: staff, path: "/admin/organisations/" + owner,
			form: url.Values{"name_fr": {"Direction r\xe9gionale de l'emploi"}, "name_ar": {"الإدارة الجهوية للتشغيل"}, "college": {"state"}, "delegation": {"Mahdia"}, "contact": {longText(400)}},
			long: "contact", bad: "name_fr"},
		{name: "Login", client: ts.newClient(t), path: "/login",
			form: url.Values{"email": {"m\xe9mber@demo.tn"}, "password": {demo.Password}},
			long: "", bad: "email", marked: `id="login-error"`},
		{name: "IssueCategory", client: staff, path: "/issues/categories",
			form: url.Values{"name_fr": {"Santé mentale"}, "name_ar": {"الصحة النفسية"}, "name_en": {"Mental h\xe9alth"}},
			long: "name_ar", bad: "name_en"},
		{name: "Poll", client: staff, path: "/polls",
			form: url.Values{"item": {strconv.FormatInt(pollItem.ID, 10)}, "question": {"O\xf9 tenir les séances"}, "description": {longText(4000)}, "kind": {"yes_no"}, "mode": {"named"}, "unit": {"person"}},
			long: "description", bad: "question"},
		{name: "Publish", client: staff, path: publishPath(published.ID, 1),
			form: url.Values{"effective_on": {"2027-01-01"}, "note": {longText(400) + "\xff"}},
			long: "effective_on", bad: "note"},
		{name: "Withdraw", client: staff, path: withdrawPath(entry.ID),
			form: url.Values{"reason": {longText(400) + "\xff"}},
			long: "", bad: "reason"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := committed(t, conn)
			resp := tt.client.postForm(t, tt.path+"?lang=fr", tt.form)
			wantStatus(t, tt.name, resp, http.StatusBadRequest)
			body := html.UnescapeString(resp.Body)
			if tt.long != "" && !strings.Contains(body, tt.form.Get(tt.long)) {
				t.Errorf("the valid %s does not come back", tt.long)
			}
			repaired := strings.TrimSpace(strings.ToValidUTF8(tt.form.Get(tt.bad), "\uFFFD"))
			if !strings.Contains(body, repaired) {
				t.Errorf("the %s does not come back repaired as %q", tt.bad, excerptOf(repaired))
			}
			if !strings.Contains(body, "a été remplacé par «\u00a0\uFFFD\u00a0»") {
				t.Errorf("the page does not say a character was replaced:\n%s", excerpt(resp.Body))
			}
			marked := tt.marked
			if marked == "" {
				marked = `name="` + tt.bad + `"[^>]*aria-invalid="true"`
			}
			if !regexp.MustCompile(marked).MatchString(resp.Body) {
				t.Errorf("the %s field is not marked invalid", tt.bad)
			}
			if committed(t, conn) != before {
				t.Errorf("a refused form wrote to the database")
			}
		})
	}

	// The check sees a write: the same form, readable, is stored.
	before := committed(t, conn)
	resp := staff.postForm(t, "/issues/categories", url.Values{"name_fr": {"Santé mentale"}, "name_ar": {"الصحة النفسية"}, "name_en": {"Mental health"}})
	wantStatus(t, "a readable category", resp, http.StatusSeeOther)
	if committed(t, conn) == before {
		t.Errorf("a stored category is not seen as a write: the test sees no write")
	}
}

// withValues returns a copy of form with name set to value.
func withValues(form url.Values, name, value string) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = append([]string(nil), v...)
	}
	out.Set(name, value)
	return out
}

// committed returns SQLite's data_version of the test server's database,
// read through conn, a connection of its own: it changes whenever
// another connection commits a change.
func committed(t *testing.T, conn *sql.Conn) int64 {
	t.Helper()
	var v int64
	if err := conn.QueryRowContext(context.Background(), `PRAGMA data_version`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}
