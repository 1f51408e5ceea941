package sqlite

import (
	"strings"
	"testing"
)

// TestRegisterColumnsMatchFields checks that the register's column lists
// name as many columns as their fields functions scan into; the tests of
// Publish and of the reads check the order.
func TestRegisterColumnsMatchFields(t *testing.T) {
	for _, tt := range []struct {
		name    string
		columns string
		fields  []any
	}{
		{"RegisterEntry", registerEntryColumns, registerEntryFields(&registerEntryRow{})},
		{"Publication", publicationColumns, publicationFields(&publicationRow{})},
		{"PublicationIndex", publicationIndexColumns, publicationFields(&publicationRow{})},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := len(strings.Split(tt.columns, ",")), len(tt.fields); got != want {
				t.Errorf("%d columns, %d fields", got, want)
			}
		})
	}
}
