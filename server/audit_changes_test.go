package server

import (
	"reflect"
	"testing"

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
