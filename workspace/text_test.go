package workspace_test

import (
	"testing"

	"tawla/workspace"
)

// TestOneLineFields: a title or a name is one line — no line break or
// tab — while a description may hold lines, and an Arabic title may carry
// the marks mixed text needs.
func TestOneLineFields(t *testing.T) {
	procedure := func(title string) error {
		p := &workspace.Procedure{Title: title, Language: "ar", Category: workspace.CategoryOther}
		return p.Validate()
	}
	for _, title := range []string{"Accueil\nau guichet", "Accueil\tau guichet", "Accueil\rau guichet"} {
		if err := procedure(title); workspace.ErrorKey(err) != "error.text.line" {
			t.Errorf("title %q: %v, want error.text.line", title, err)
		}
	}
	for _, title := range []string{"استقبال المهاجرين العائدين", "مسار PROC-2026-002\u200f للتوجيه", "Accueil \u2067بالمهدية\u2069 au guichet"} {
		if err := procedure(title); err != nil {
			t.Errorf("title %q: %v, want it accepted", title, err)
		}
	}
	issue := &workspace.Issue{Title: "Diplôme non reconnu", CategoryID: 1, Description: "Première ligne.\nDeuxième ligne.\n\tRetrait."}
	if err := issue.Validate(); workspace.ErrorKey(err) == "error.text.line" {
		t.Errorf("a description of several lines: %v, want it accepted", err)
	}
	issue.Title = "Diplôme\nnon reconnu"
	if err := issue.Validate(); workspace.ErrorKey(err) != "error.text.line" {
		t.Errorf("an issue title of two lines: %v, want error.text.line", err)
	}
}
