package server

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"tawla/demo"
	"tawla/workspace"
)

// auditTableText returns the text of the audit page's table, without its
// tags and with its entities decoded, its spaces collapsed.
func auditTableText(t *testing.T, body string) string {
	t.Helper()
	start, end := strings.Index(body, "<table"), strings.Index(body, "</table>")
	if start < 0 || end < start {
		t.Fatalf("the audit page has no table:\n%s", excerpt(body))
	}
	text := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(body[start:end], " ")
	return strings.Join(strings.Fields(html.UnescapeString(text)), " ")
}

// TestAuditIssueEntriesReadable reports an issue with private fields,
// edits it (private fields included), changes its status, assigns it,
// comments on it and links it, all through the forms where there is one,
// then reads its audit log in French and in Arabic: every field is named
// as the issue's form names it, statuses, priorities and delegations by
// their labels, the category and the organisation by name in the page's
// language, and neither raw keys, internal ids, English words nor private
// values appear. The log does not hold the private values either.
func TestAuditIssueEntriesReadable(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	member := ts.sessionClient(t, demo.MemberEmail)
	admin := ts.loginAs(t, demo.AdminEmail)
	cat := firstCategory(t, ts)
	org := ts.organisationNamed(t, ts.orgNameOf(t, demo.SecretariatEmail))
	secrets := []string{"Wendelin Krasovec", "+216 71 909 8821", "dossier-QJ7Z5520", "Oriane Pellicot", "+216 29 404 1177"}

	form := url.Values{
		"title": {"Attestation de retour refusée"}, "description": {"Le guichet demande un document introuvable."},
		"category_id": {strconv.FormatInt(cat.ID, 10)}, "priority": {"normal"},
		"delegations": {"mahdia", "chebba"},
		"person_name": {secrets[0]}, "person_contact": {secrets[1]}, "details": {"Voir " + secrets[2]},
	}
	resp := member.postForm(t, "/issues", form)
	wantStatus(t, "POST /issues", resp, http.StatusSeeOther)
	path := strings.TrimSuffix(resp.location(), "?done=issue_created")
	id, err := strconv.ParseInt(strings.TrimPrefix(path, "/issues/"), 10, 64)
	if err != nil {
		t.Fatalf("Location %q", resp.location())
	}

	edit := url.Values{"title": {"Attestation de retour refusée à Mahdia"}, "description": form["description"],
		"category_id": form["category_id"], "priority": {"high"}, "due_date": {"2027-03-01"}, "delegations": {"mahdia", "el_jem"},
		"person_name": {secrets[3]}, "person_contact": {secrets[4]}, "details": form["details"]}
	wantRedirect(t, "POST edit", member.postForm(t, path, edit), path+"?done=issue_saved")
	wantRedirect(t, "status", member.postForm(t, path+"/status", url.Values{"status": {"in_progress"}}), path+"?done=issue_status_changed")
	wantRedirect(t, "assign", member.postForm(t, path+"/assign", url.Values{"owner_organisation_id": {strconv.FormatInt(org.ID, 10)}}), path+"?done=issue_assigned")
	wantRedirect(t, "comment", member.postForm(t, path+"/comments", url.Values{"body": {"Le délégué régional est prévenu."}}), path+"?done=issue_commented")
	procs, err := ts.db.FindProcedures(ctx)
	if err != nil || len(procs) == 0 {
		t.Fatalf("FindProcedures: %v, %d procedures", err, len(procs))
	}
	if _, err := ts.db.LinkIssue(ctx, workspace.ActorFor(ts.account(t, demo.MemberEmail)),
		&workspace.IssueLink{IssueID: id, TargetKind: workspace.LinkProcedure, TargetID: procs[0].ID}); err != nil {
		t.Fatal(err)
	}

	// The log keeps no private value: only which fields were given or
	// changed.
	entries, total, err := ts.db.FindAuditEntries(ctx, workspace.AuditFilter{EntityType: "issue", EntityID: &id, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
		for _, secret := range secrets {
			if strings.Contains(e.Before+e.After, secret) {
				t.Errorf("the %s entry holds the private value %q: %s %s", e.Action, secret, e.Before, e.After)
			}
		}
	}
	for _, want := range []string{workspace.AuditIssueCreate, workspace.AuditIssueUpdate, workspace.AuditIssuePrivate,
		workspace.AuditIssueStatus, workspace.AuditIssueAssign, workspace.AuditIssueComment, workspace.AuditIssueLink} {
		if !slices.Contains(actions, want) {
			t.Errorf("the issue's audit log (%d entries: %v) lacks %s", total, actions, want)
		}
	}
	var commentEvent string
	for _, e := range entries {
		if e.Action == workspace.AuditIssueComment {
			if m := regexp.MustCompile(`"event_id":(\d+)`).FindStringSubmatch(e.After); m != nil {
				commentEvent = m[1]
			}
		}
	}
	if commentEvent == "" {
		t.Fatal("the comment's entry names no event")
	}

	raw := []string{"category_id", "owner_organisation_id", "_id", "<nil>", "in_progress", " changed", "changed",
		"private_fields", "person_name", "person_contact", "delegations", "target_kind", "event_id", "status_reason",
		"due_date", "chebba", "el_jem", "high", "normal"}
	for _, lang := range []string{"fr", "ar"} {
		t.Run(lang, func(t *testing.T) {
			l := ts.srv.localizer(lang)
			// The arrow points from before to after in the page's direction.
			arrow := " → "
			if lang == "ar" {
				arrow = " ← "
			}
			resp := admin.get(t, "/admin/audit?entity_type=issue&entity_id="+strconv.FormatInt(id, 10)+"&lang="+lang)
			wantStatus(t, "audit log", resp, http.StatusOK)
			wantBody(t, "audit log", resp.Body, `href="`+path+`"`, `href="`+path+`#event-`+commentEvent+`"`)
			text := auditTableText(t, resp.Body)
			for _, r := range raw {
				if strings.Contains(text, r) {
					t.Errorf("the audit log in %s shows %q:\n%s", lang, r, text)
				}
			}
			for _, secret := range secrets {
				if strings.Contains(resp.Body, secret) {
					t.Errorf("the audit log in %s shows the private value %q", lang, secret)
				}
			}
			want := []string{
				// Labels of the issue's form.
				l.T("field.title"), l.T("issue.description"), l.T("issue.category"), l.T("issue.priority_label"),
				l.T("issue.owner"), l.T("issue.due_date"), l.T("issue.delegations"), l.T("issue.status_label"),
				l.T("issue.private.heading"), l.T("issue.private.person_name"), l.T("issue.private.person_contact"),
				l.T("comment.kind.comment"), l.T("issue.link.kind"),
				// Values in words.
				l.T("issue.status.open") + arrow + l.T("issue.status.in_progress"),
				l.T("issue.priority.normal") + arrow + l.T("issue.priority.high"),
				l.T("delegation.mahdia") + ", " + l.T("delegation.chebba"),
				arrow + l.T("delegation.mahdia") + ", " + l.T("delegation.el_jem"),
				l.T("issue.private.person_name") + ", " + l.T("issue.private.person_contact") + ", " + l.T("issue.private.details"),
				l.T("issue.nobody") + arrow + org.Name(lang),
				"—" + arrow + "2027-03-01",
				l.T("issue.private.person_name") + " " + l.T("audit.changed"),
				cat.Name(lang),
				l.T("issue.link_kind.procedure") + " #" + strconv.FormatInt(procs[0].ID, 10),
				"Le délégué régional est prévenu.",
				l.T("audit.see_issue"),
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("the audit log in %s lacks %q:\n%s", lang, w, text)
				}
			}
			// Observations' labels are for procedures' comments.
			for _, key := range []string{"observations.status", "observations.comment"} {
				if label := l.T(key); label != l.T("issue.status_label") && label != l.T("comment.kind.comment") && strings.Contains(text, label) {
					t.Errorf("the audit log in %s labels an issue's field %q (%s)", lang, label, key)
				}
			}
		})
	}
}

// TestAuditDateFilterUsesTableTimeZone records entries near midnight in
// the table's time zone (Africa/Tunis, UTC+1) and checks that the audit
// log's dates are the table's days: an entry at 23:30 UTC belongs to the
// next day, and "until" takes in its whole day.
func TestAuditDateFilterUsesTableTimeZone(t *testing.T) {
	ts := newTestServerWith(t, func(cfg *Config) { cfg.TimeZone = "Africa/Tunis" })
	admin := ts.loginAs(t, demo.AdminEmail)
	instants := map[string]time.Time{
		"A": time.Date(2026, 12, 14, 23, 30, 0, 0, time.UTC), // 15 December, 00:30 in Tunis
		"B": time.Date(2026, 12, 15, 22, 30, 0, 0, time.UTC), // 15 December, 23:30 in Tunis
		"C": time.Date(2026, 12, 16, 0, 30, 0, 0, time.UTC),  // 16 December, 01:30 in Tunis
	}
	ids := map[string]string{}
	for _, name := range []string{"A", "B", "C"} {
		ts.clock.Set(instants[name])
		admin.keepSession(t)
		orgName := "Organisme daté " + name
		wantStatus(t, "create organisation", admin.postForm(t, "/admin/organisations",
			url.Values{"name_fr": {orgName}, "college": {"state"}}), http.StatusSeeOther)
		ids["#"+strconv.FormatInt(ts.organisationNamed(t, orgName).ID, 10)] = name
	}
	tests := []struct {
		query string
		want  string
	}{
		{"since=2026-12-15&until=2026-12-15", "BA"},
		{"since=2026-12-15", "CBA"},
		{"since=2026-12-16", "C"},
		{"until=2026-12-14", ""},
		{"until=2026-12-15", "BA"},
		{"since=2026-12-14&until=2026-12-14", ""},
	}
	for _, tt := range tests {
		var got string
		for _, row := range auditPage(t, admin, "action=organisation.create&"+tt.query) {
			_, id, _ := strings.Cut(row, " #")
			got += ids["#"+id]
		}
		if got != tt.want {
			t.Errorf("audit log ?%s shows %q, want %q", tt.query, got, tt.want)
		}
	}
}
