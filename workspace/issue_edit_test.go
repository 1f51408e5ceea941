package workspace_test

import (
	"testing"

	"tawla/workspace"
)

// TestIssueEditBase: the state of what the edit form edits changes with
// any of its fields, private ones included, and not with anything else
// (the status, the order in which delegations are listed).
func TestIssueEditBase(t *testing.T) {
	issue := func() *workspace.Issue {
		return &workspace.Issue{Title: "Carte", Description: "Texte", CategoryID: 3, Priority: workspace.PriorityNormal,
			DueDate: "2027-01-31", Delegations: []string{"mahdia", "chebba"}, Status: workspace.IssueOpen}
	}
	private := func() *workspace.IssuePrivate { return &workspace.IssuePrivate{PersonName: "Leila T."} }
	base := workspace.IssueEditBase(issue(), private())
	same := issue()
	same.Delegations = []string{"chebba", "mahdia"}
	same.Status, same.StatusReason = workspace.IssueInProgress, "Pris en charge"
	if workspace.IssueEditBase(same, private()) != base {
		t.Error("the status or the delegations' order changed the base")
	}
	for name, change := range map[string]func(*workspace.Issue, *workspace.IssuePrivate){
		"Title":       func(i *workspace.Issue, _ *workspace.IssuePrivate) { i.Title = "Carte consulaire" },
		"Description": func(i *workspace.Issue, _ *workspace.IssuePrivate) { i.Description += "." },
		"Category":    func(i *workspace.Issue, _ *workspace.IssuePrivate) { i.CategoryID = 4 },
		"Priority":    func(i *workspace.Issue, _ *workspace.IssuePrivate) { i.Priority = workspace.PriorityHigh },
		"DueDate":     func(i *workspace.Issue, _ *workspace.IssuePrivate) { i.DueDate = "" },
		"Delegation":  func(i *workspace.Issue, _ *workspace.IssuePrivate) { i.Delegations = i.Delegations[:1] },
		"Name":        func(_ *workspace.Issue, p *workspace.IssuePrivate) { p.PersonName = "Leila" },
		"Contact":     func(_ *workspace.Issue, p *workspace.IssuePrivate) { p.PersonContact = "216" },
		// Field boundaries count: moving text from one field to the next
		// is a change.
		"Boundary": func(i *workspace.Issue, _ *workspace.IssuePrivate) { i.Title, i.Description = "CarteT", "exte" },
	} {
		i, p := issue(), private()
		change(i, p)
		if workspace.IssueEditBase(i, p) == base {
			t.Errorf("%s: the base did not change", name)
		}
	}
}
