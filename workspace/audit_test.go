package workspace_test

import (
	"testing"

	"tawla/workspace"
)

func TestAuditActions(t *testing.T) {
	seen := map[string]bool{}
	for _, a := range workspace.AuditActions {
		if a == "" || seen[a] {
			t.Errorf("action %q is empty or listed twice", a)
		}
		seen[a] = true
	}
	for _, a := range []string{workspace.AuditOrganisationCreate, workspace.AuditOrganisationUpdate, workspace.AuditAccountCreate,
		workspace.AuditAccountUpdate, workspace.AuditAccountInvite, workspace.AuditAccountPassword, workspace.AuditAccountLogin, workspace.AuditAccountLogout} {
		if !seen[a] {
			t.Errorf("AuditActions misses %q", a)
		}
	}
}
