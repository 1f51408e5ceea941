package server

import (
	"context"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/workspace"
)

func TestAuditChanges(t *testing.T) {
	tests := []struct {
		name          string
		before, after string
		want          []fieldChange
	}{
		{"Update", `{"name":"Amel","role":"member","active":true}`, `{"name":"Amel","role":"secretariat","active":false}`, []fieldChange{
			{Field: "active", Label: "field.status", Before: "true", After: "false"},
			{Field: "role", Label: "field.role", Before: "member", After: "secretariat"},
		}},
		{"Create", ``, `{"name_fr":"Commune","organisation_id":7}`, []fieldChange{
			{Field: "name_fr", Label: "field.name_fr", After: "Commune"},
			{Field: "organisation_id", Label: "field.organisation", After: "7"},
		}},
		{"UnknownField", ``, `{"colour":"blue"}`, []fieldChange{{Field: "colour", After: "blue"}}},
		{"NoState", ``, ``, nil},
		{"NotAnObject", `[1,2]`, `"x"`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := auditChanges(tt.before, tt.after); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("auditChanges = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestAuditValueReadable(t *testing.T) {
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	p := &page{localizer: cat.localizer("ar"), Lang: "ar"}
	orgs := map[string]*workspace.Organisation{"7": {ID: 7, NameFR: "Commune de Mahdia", NameAR: "بلدية المهدية"}}
	tests := []struct{ field, value, want string }{
		{"role", "member", p.T("role.member")},
		{"college", "state", p.T("college.state")},
		{"language", "fr", p.T("language.fr")},
		{"active", "false", p.T("status.inactive")},
		{"can_vote", "true", p.T("audit.yes")},
		{"organisation_id", "7", "بلدية المهدية"},
		{"organisation_id", "8", "8"},
		{"role", "king", "king"},
		{"name", "<b>x</b>", "<b>x</b>"},
	}
	for _, tt := range tests {
		got := auditValue(p, orgs, tt.field, tt.value)
		if got != tt.want {
			t.Errorf("auditValue(%s, %q) = %q, want %q", tt.field, tt.value, got, tt.want)
		}
		if tt.field != "name" && tt.want != tt.value && got == tt.value {
			t.Errorf("auditValue(%s, %q) left the raw value", tt.field, tt.value)
		}
	}
}

func TestAuditValueProcedure(t *testing.T) {
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	p := &page{localizer: cat.localizer("fr"), Lang: "fr"}
	if got, want := auditValue(p, nil, "category", "service_standard"), p.T("procedure.category.service_standard"); got != want || got == "service_standard" {
		t.Errorf("category shown as %q, want %q", got, want)
	}
	for _, field := range []string{"title", "category", "summary"} {
		if auditFieldLabels[field] == "" {
			t.Errorf("procedure field %q has no label", field)
		}
	}
}

// TestIssueAuditChanges lays out issues' entries as recorded by
// workspace/sqlite/issue*.go.
func TestIssueAuditChanges(t *testing.T) {
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	p := &page{localizer: cat.localizer("ar"), Lang: "ar"}
	names := auditNames{
		orgs:       map[string]*workspace.Organisation{"7": {ID: 7, NameFR: "Commune de Mahdia", NameAR: "بلدية المهدية"}},
		categories: map[string]*workspace.IssueCategory{"3": {ID: 3, NameFR: "Emploi", NameAR: "التشغيل"}},
	}
	tests := []struct {
		name          string
		before, after string
		want          []fieldChange
		url           string
	}{
		{"Create", ``, `{"title":"T","description":"","category_id":3,"status":"open","priority":"normal","owner_organisation_id":null,"delegations":["mahdia","chebba"],"private_fields":["person_name","details"]}`, []fieldChange{
			{Field: "title", Label: "field.title", After: "T"},
			{Field: "category_id", Label: "issue.category", After: "التشغيل"},
			{Field: "priority", Label: "issue.priority_label", After: p.T("issue.priority.normal")},
			{Field: "delegations", Label: "issue.delegations", After: p.T("delegation.mahdia") + ", " + p.T("delegation.chebba")},
			{Field: "status", Label: "issue.status_label", After: p.T("issue.status.open")},
			{Field: "private_fields", Label: "issue.private.heading", After: p.T("issue.private.person_name") + ", " + p.T("issue.private.details")},
		}, "/issues/5"},
		{"Assign", `{"title":"T","status":"in_progress","owner_organisation_id":7,"delegations":null}`, `{"title":"T","status":"in_progress","owner_organisation_id":null,"delegations":null}`, []fieldChange{
			{Field: "owner_organisation_id", Label: "issue.owner", Before: "بلدية المهدية", After: p.T("issue.nobody")},
		}, "/issues/5"},
		{"Status", `{"status":"resolved","status_reason":"Fait","due_date":"2027-01-01","category_id":9}`, `{"status":"open","due_date":"","category_id":3}`, []fieldChange{
			{Field: "category_id", Label: "issue.category", Before: "9", After: "التشغيل"},
			{Field: "due_date", Label: "issue.due_date", Before: "2027-01-01", After: "—"},
			{Field: "status", Label: "issue.status_label", Before: p.T("issue.status.resolved"), After: p.T("issue.status.open")},
			{Field: "status_reason", Label: "issue.reason", Before: "Fait", After: "—"},
		}, "/issues/5"},
		// The log says "changed"; were it to hold anything else, the page
		// would not show it either.
		{"Private", ``, `{"person_name":"changed","details":"Zorblatt"}`, []fieldChange{
			{Field: "person_name", Label: "issue.private.person_name", After: p.T("audit.changed")},
			{Field: "details", Label: "issue.private.details", After: p.T("audit.changed")},
		}, "/issues/5"},
		{"Comment", ``, `{"event_id":51,"body":"Vu."}`, []fieldChange{
			{Field: "body", Label: "comment.kind.comment", After: "Vu."},
		}, "/issues/5#event-51"},
		{"Unlink", `{"link_id":4,"target_kind":"passage","target_id":12,"anchor_id":8}`, ``, []fieldChange{
			{Field: "target_kind", Label: "issue.link.kind", Before: p.T("issue.link_kind.passage") + " #12"},
		}, "/issues/5"},
		{"UnknownField", ``, `{"colour":"blue","name":"x"}`, []fieldChange{
			{Field: "colour", After: "blue"},
			{Field: "name", Label: "field.name", After: "x"},
		}, "/issues/5"},
		{"UnknownValues", ``, `{"status":"lost","delegations":["tunis"],"owner_organisation_id":99}`, []fieldChange{
			{Field: "owner_organisation_id", Label: "issue.owner", After: "99"},
			{Field: "delegations", Label: "issue.delegations", After: "tunis"},
			{Field: "status", Label: "issue.status_label", After: "lost"},
		}, "/issues/5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &workspace.AuditEntry{EntityType: "issue", EntityID: 5, Before: tt.before, After: tt.after}
			got, url := issueAuditChanges(p, names, e)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("issueAuditChanges =\n%#v\nwant\n%#v", got, tt.want)
			}
			if url != tt.url {
				t.Errorf("URL %q, want %q", url, tt.url)
			}
		})
	}
}

// TestIssueAuditFieldsLabelled checks that every field of an issue's
// entries is labelled and placed, and that private fields are known as such.
func TestIssueAuditFieldsLabelled(t *testing.T) {
	for _, f := range issueAuditFieldOrder {
		if issueAuditFieldLabels[f] == "" {
			t.Errorf("issue field %q has no label", f)
		}
	}
	for f := range issueAuditFieldLabels {
		if !slices.Contains(issueAuditFieldOrder, f) {
			t.Errorf("issue field %q has no place", f)
		}
	}
	for f := range issuePrivateFields {
		if issueAuditFieldLabels[f] == "" {
			t.Errorf("private field %q has no label", f)
		}
	}
}

// TestIssueCategoryAuditLabels checks that a category's entries name every
// field the log records of it.
func TestIssueCategoryAuditLabels(t *testing.T) {
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	p := &page{localizer: cat.localizer("fr"), Lang: "fr"}
	e := &workspace.AuditEntry{EntityType: "issue_category", EntityID: 2,
		After: `{"name_fr":"Emploi","name_ar":"التشغيل","name_en":"Jobs","position":3,"active":true}`}
	for _, c := range auditRows([]*workspace.AuditEntry{e}, p, auditNames{})[0].Changes {
		if c.Label == "" {
			t.Errorf("category field %q has no label", c.Field)
		}
		if c.Field == "active" && c.After != p.T("status.active") {
			t.Errorf("active shown as %q", c.After)
		}
	}
}

// TestAuditEarlierMinutesLabelled: the carry-over's entry names the
// earlier minutes it carried over again with a label, in each language,
// and by the numbers of their meetings, on the audit page as in
// auditChanges.
func TestAuditEarlierMinutesLabelled(t *testing.T) {
	changes := auditChanges("", `{"source_meeting_id":4,"actions":[],"earlier_minutes":[{"meeting_id":2,"item_id":9},{"meeting_id":3,"item_id":10}]}`)
	var got *fieldChange
	for i := range changes {
		if changes[i].Field == "earlier_minutes" {
			got = &changes[i]
		}
	}
	if want := (fieldChange{Field: "earlier_minutes", Label: "audit.field.earlier_minutes", After: "#2, #3"}); got == nil || *got != want {
		t.Errorf("earlier_minutes = %+v, want %+v", got, want)
	}

	ts := newTestServer(t)
	ctx := context.Background()
	system := workspace.SystemActor("test")
	january := newMeeting(t, ts, "Plénière de janvier", workspace.MeetingPlenary, 1)
	february := newMeeting(t, ts, "Plénière de février", workspace.MeetingPlenary, 5)
	for _, m := range []*workspace.Meeting{january, february} {
		if _, err := ts.db.StartMeeting(ctx, system, m.ID, nil); err != nil {
			t.Fatal(err)
		}
		if m == february {
			// February postpones january's minutes: they go on to the
			// next plenary with february's own.
			rec, err := ts.db.FindMeetingRecord(ctx, february.ID)
			if err != nil || len(rec.Items) == 0 || rec.Items[0].Kind != workspace.ItemMinutesApproval {
				t.Fatalf("february's agenda = %+v, %v", rec, err)
			}
			d := &workspace.Decision{AgendaItemID: rec.Items[0].ID, Text: "Reporté.", Outcome: workspace.OutcomePostponed}
			if err := ts.db.RecordDecision(ctx, system, d); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := ts.db.CloseMeeting(ctx, system, m.ID); err != nil {
			t.Fatal(err)
		}
	}
	admin := ts.sessionClient(t, demo.AdminEmail)
	for _, lang := range []string{"fr", "ar", "en"} {
		l := ts.srv.localizer(lang)
		label := l.T("audit.field.earlier_minutes")
		if label == "" || label == "audit.field.earlier_minutes" {
			t.Errorf("%s: the label is not translated", lang)
		}
		resp := admin.get(t, "/admin/audit?action="+workspace.AuditAgendaCarryOver+"&lang="+lang)
		wantStatus(t, "audit log", resp, http.StatusOK)
		text := auditTableText(t, resp.Body)
		want := label + " #" + strconv.FormatInt(january.ID, 10)
		if !strings.Contains(text, want) {
			t.Errorf("the audit log in %s lacks %q:\n%s", lang, want, text)
		}
		for _, raw := range []string{"earlier_minutes", "map[", "item_id:", "source_meeting_id", "minutes_item_id", "matters_arising_item_id"} {
			if strings.Contains(text, raw) {
				t.Errorf("the audit log in %s shows %q:\n%s", lang, raw, text)
			}
		}
	}
}
