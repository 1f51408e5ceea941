package workspace_test

import (
	"testing"

	"tawla/workspace"
)

// TestOneLineDirectionControls: a one-line value may hold direction
// isolates closed in order, as mixed Arabic and French text needs, and
// the marks LRM, RLM and ALM; an isolate left open, a PDI that closes
// nothing, and any embedding, override or PDF are refused
// (error.text.direction) on the field that holds them, whichever one-line
// field it is.
func TestOneLineDirectionControls(t *testing.T) {
	fields := []struct {
		field    string
		validate func(s string) error
	}{
		{"title", func(s string) error {
			return (&workspace.Procedure{Title: s, Language: "ar", Category: workspace.CategoryOther}).Validate()
		}},
		{"title", func(s string) error {
			return (&workspace.Issue{Title: s, CategoryID: 1}).Validate()
		}},
		{"name", func(s string) error {
			return (&workspace.Account{Name: s, Email: "amel@example.tn", Role: workspace.RoleMember, OrganisationID: 1}).Validate()
		}},
		{"name_ar", func(s string) error {
			return (&workspace.Organisation{NameFR: "Maison des jeunes", NameAR: s, College: workspace.CollegeCivil}).Validate()
		}},
		{"options", func(s string) error { return choicePoll("Mairie", s).Validate() }},
	}
	refused := []string{
		"Accueil \u2067بالمهدية au guichet",            // RLI never closed: " au guichet" and what follows would turn
		"Accueil \u2066PROC-2026-002 à Mahdia",         // LRI never closed
		"\u2068دار الشباب de Mahdia",                   // FSI never closed
		"دار الشباب\u2069 de Mahdia",                   // PDI closing nothing
		"\u2067مسار \u2066PROC-2026-002\u2069 للتوجيه", // the outer isolate stays open
		"\u2067بالمهدية\u2069\u2069 au guichet",        // one PDI too many
		"Maison des jeunes\u202E",                      // RLO
		"\u202Bدار الشباب",                             // RLE never closed
		"\u202Bدار الشباب\u202C au guichet",            // an embedding, even closed
		"\u202Dتوجيه\u202C",                            // an override, even closed
		"Accueil\u202C au guichet",                     // a PDF closing nothing
		"\u2069\u2067Accueil au guichet",               // a PDI before its isolate
	}
	accepted := []string{
		"استقبال المهاجرين العائدين",
		"Accueil des migrants de retour",
		"Accueil \u2067بالمهدية\u2069 au guichet",
		"\u2068دار الشباب\u2069 de Mahdia\u200F",
		"\u2067مسار \u2066PROC-2026-002\u2069 للتوجيه\u2069",
		"مسار PROC-2026-002\u200f للتوجيه",
		"Orientation \u2066(Tunis)\u2069 puis \u2067المهدية\u2069",
		"الاستقبال\u061c 2026",
	}
	for _, f := range fields {
		for _, s := range refused {
			err := f.validate(s)
			if workspace.ErrorCode(err) != workspace.EINVALID || workspace.ErrorKey(err) != "error.text.direction" {
				t.Errorf("%s %q: %v, want error.text.direction", f.field, s, err)
				continue
			}
			if e, ok := err.(*workspace.Error); !ok || e.Field != f.field {
				t.Errorf("%s %q: the error names field %q, want %q", f.field, s, err.(*workspace.Error).Field, f.field)
			}
		}
		for _, s := range accepted {
			if err := f.validate(s); err != nil {
				t.Errorf("%s %q: %v, want it accepted", f.field, s, err)
			}
		}
	}
}
