package workspace_test

import (
	"strings"
	"testing"

	"tawla/workspace"
)

// TestIssueCategoryValidate: a category needs its French and Arabic
// names, and the field marked is the one missing or wrong, so that the
// form highlights that one and not a field already filled.
func TestIssueCategoryValidate(t *testing.T) {
	for _, tt := range []struct {
		name      string
		c         workspace.IssueCategory
		wantField string
	}{
		{"Valid", workspace.IssueCategory{NameFR: " Santé ", NameAR: "الصحة"}, ""},
		{"NoFrench", workspace.IssueCategory{NameAR: "الصحة"}, "name_fr"},
		{"NoArabic", workspace.IssueCategory{NameFR: "Santé", NameAR: "  "}, "name_ar"},
		{"Neither", workspace.IssueCategory{}, "name_fr"},
		{"ArabicTooLong", workspace.IssueCategory{NameFR: "Santé", NameAR: strings.Repeat("ص", 101)}, "name_ar"},
		{"EnglishOnTwoLines", workspace.IssueCategory{NameFR: "Santé", NameAR: "الصحة", NameEN: "Health\ncare"}, "name_en"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.Validate()
			var field string
			if e, ok := err.(*workspace.Error); ok {
				field = e.Field
			} else if err != nil {
				t.Fatalf("Validate: %v is not a *workspace.Error", err)
			}
			if field != tt.wantField || (err == nil) != (tt.wantField == "") {
				t.Errorf("Validate = %v (field %q), want field %q", err, field, tt.wantField)
			}
		})
	}
}
