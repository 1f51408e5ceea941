package workspace_test

import (
	"testing"

	"tawla/workspace"
)

func TestActorFor(t *testing.T) {
	acc := &workspace.Account{ID: 7, Name: "Sonia"}
	actor := workspace.ActorFor(acc)
	if actor.AccountID == nil || *actor.AccountID != 7 {
		t.Fatalf("AccountID = %v, want 7", actor.AccountID)
	}
	if actor.Name != "Sonia" {
		t.Errorf("Name = %q, want %q", actor.Name, "Sonia")
	}
	// The actor keeps the ID it was made with, not a pointer into acc.
	acc.ID = 8
	if *actor.AccountID != 7 {
		t.Errorf("AccountID followed the account to %d, want 7", *actor.AccountID)
	}
}

func TestSystemActor(t *testing.T) {
	actor := workspace.SystemActor("cli")
	if actor.AccountID != nil {
		t.Errorf("AccountID = %v, want nil", *actor.AccountID)
	}
	if actor.Name != "cli" {
		t.Errorf("Name = %q, want %q", actor.Name, "cli")
	}
}

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
