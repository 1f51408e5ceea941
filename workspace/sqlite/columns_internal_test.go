package sqlite

import (
	"strings"
	"testing"

	"tawla/workspace"
)

// TestColumnsMatchFields checks that each column list names as many
// columns as its fields function scans into: the domain types carry no
// tags, so nothing else ties the two together. The round-trip tests of
// each type check the order.
func TestColumnsMatchFields(t *testing.T) {
	for _, tt := range []struct {
		name    string
		columns string
		fields  []any
	}{
		{"Account", accountColumns, accountFields(&workspace.Account{})},
		{"Organisation", organisationColumns, organisationFields(&workspace.Organisation{})},
		{"Procedure", procedureColumns, procedureFields(&workspace.Procedure{})},
		{"AuditEntry", auditEntryColumns, auditEntryFields(&workspace.AuditEntry{})},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := len(strings.Split(tt.columns, ",")), len(tt.fields); got != want {
				t.Errorf("%d columns, %d fields", got, want)
			}
		})
	}
}
