package sqlite

import (
	"strings"
	"testing"

	"tawla/workspace"
)

// TestIssueColumnsMatchFields is TestColumnsMatchFields for the lists of
// issues, their timelines, links, categories and notifications.
func TestIssueColumnsMatchFields(t *testing.T) {
	for _, tt := range []struct {
		name    string
		columns string
		fields  []any
	}{
		{"Issue", issueColumns, issueFields(&issueRow{})},
		{"IssueList", issueListColumns, issueRowFields(&issueRow{})},
		{"IssueCategory", issueCategoryColumns, issueCategoryFields(&workspace.IssueCategory{})},
		{"IssueEvent", issueEventColumns, issueEventFields(&issueEventRow{})},
		{"IssueLink", issueLinkColumns, issueLinkFields(&issueLinkRow{})},
		{"IssuePrivate", privateColumns, privateFields(&workspace.IssuePrivate{})},
		{"Notification", notificationColumns, notificationFields(&workspace.Notification{})},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := len(strings.Split(tt.columns, ",")), len(tt.fields); got != want {
				t.Errorf("%d columns, %d fields", got, want)
			}
		})
	}
}
