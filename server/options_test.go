package server

import (
	"testing"
	"text/template/parse"

	"tawla/workspace"
)

// TestTemplateOptions checks that every options and optionLabel call in the
// templates names, with a literal, an enumeration of enumOptions.
func TestTemplateOptions(t *testing.T) {
	found := 0
	for _, fn := range []string{"options", "optionLabel"} {
		calls, files := templateCalls(t, fn)
		for i, args := range calls {
			found++
			if len(args) == 0 {
				t.Errorf("%s: %s without an enumeration", files[i], fn)
				continue
			}
			name, ok := args[0].(*parse.StringNode)
			if !ok {
				t.Errorf("%s: %s %s: name the enumeration with a literal, so that this test can check it", files[i], fn, args[0])
				continue
			}
			if _, ok := enumOptions[name.Text]; !ok {
				t.Errorf("%s: %s %q: no such enumeration in enumOptions", files[i], fn, name.Text)
			}
		}
	}
	if found < 10 {
		t.Errorf("found only %d options and optionLabel calls in the templates; is the scan still right?", found)
	}
}

func TestOptions(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		got, err := options("college")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(workspace.Colleges) {
			t.Fatalf("options(college) has %d choices, want %d", len(got), len(workspace.Colleges))
		}
		if want := (option{Value: "state", LabelKey: "college.state"}); got[0] != want {
			t.Errorf("options(college)[0] = %+v, want %+v", got[0], want)
		}
	})
	t.Run("UnknownEnumeration", func(t *testing.T) {
		if _, err := options("colour"); err == nil {
			t.Error("options(colour): no error")
		}
		if _, err := optionLabel("colour", "red"); err == nil {
			t.Error("optionLabel(colour, red): no error")
		}
	})
	labels := []struct {
		name  string
		value any
		want  string
	}{
		{"role", workspace.RoleSecretariat, "role.secretariat"},
		{"procedure_category", workspace.CategoryServiceStandard, "procedure.category.service_standard"},
		{"procedure_language", "ar", "language.ar"},
		{"audit_entity", "procedure", "audit.entity.procedure"},
		{"role", "emperor", "emperor"},
	}
	for _, tt := range labels {
		t.Run("Label/"+tt.name, func(t *testing.T) {
			got, err := optionLabel(tt.name, tt.value)
			if err != nil || got != tt.want {
				t.Errorf("optionLabel(%q, %v) = %q, %v; want %q", tt.name, tt.value, got, err, tt.want)
			}
		})
	}
}
