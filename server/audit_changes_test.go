package server

import (
	"reflect"
	"testing"
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
