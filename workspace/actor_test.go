package workspace_test

import (
	"testing"

	"tawla/workspace"
)

func TestActorFor(t *testing.T) {
	acc := &workspace.Account{ID: 7, Name: "Sonia", Role: workspace.RoleMember, CanVote: true, OrganisationID: 3, Active: true}
	got := workspace.ActorFor(acc)
	if got.AccountID == nil || *got.AccountID != 7 {
		t.Fatalf("AccountID = %v, want 7", got.AccountID)
	}
	want := workspace.Actor{AccountID: got.AccountID, Name: "Sonia", Role: workspace.RoleMember, CanVote: true, OrganisationID: 3, Active: true}
	if got != want {
		t.Errorf("ActorFor = %+v, want %+v", got, want)
	}
	// The actor keeps the ID it was made with, not a pointer into acc.
	acc.ID = 8
	if *got.AccountID != 7 {
		t.Errorf("AccountID followed the account to %d, want 7", *got.AccountID)
	}
}

func TestActorFor_Nil(t *testing.T) {
	if got := workspace.ActorFor(nil); got != (workspace.Actor{}) {
		t.Errorf("ActorFor(nil) = %+v, want the zero Actor", got)
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
	if !actor.System {
		t.Error("System = false, want true")
	}
}

func TestActor_IsAccount(t *testing.T) {
	sonia := workspace.ActorFor(&workspace.Account{ID: 7, Active: true})
	for _, tt := range []struct {
		name  string
		actor workspace.Actor
		id    int64
		want  bool
	}{
		{"Same", sonia, 7, true},
		{"Other", sonia, 8, false},
		{"System", workspace.SystemActor("cli"), 0, false},
		{"Nobody", workspace.Actor{}, 0, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.actor.IsAccount(tt.id); got != tt.want {
				t.Errorf("IsAccount(%d) = %v, want %v", tt.id, got, tt.want)
			}
		})
	}
}

func TestActor_Reaches(t *testing.T) {
	levels := []workspace.Access{workspace.AccessPublic, workspace.AccessAccount, workspace.AccessMember, workspace.AccessStaff, workspace.AccessAdmin}
	t.Run("System", func(t *testing.T) {
		system := workspace.SystemActor("cli")
		for _, level := range levels {
			if !system.Reaches(level) {
				t.Errorf("system.Reaches(%s) = false, want true", level)
			}
		}
		// An unknown level fails closed even for the system.
		for _, level := range []workspace.Access{-1, workspace.AccessAdmin + 1} {
			if system.Reaches(level) {
				t.Errorf("system.Reaches(Access(%d)) = true, want false", level)
			}
		}
	})
	t.Run("Nobody", func(t *testing.T) {
		for _, level := range levels {
			if got, want := (workspace.Actor{}).Reaches(level), level == workspace.AccessPublic; got != want {
				t.Errorf("Actor{}.Reaches(%s) = %v, want %v", level, got, want)
			}
		}
	})
	t.Run("RoleWithoutAccount", func(t *testing.T) {
		// Rights come with an account: a role alone is not enough.
		forged := workspace.Actor{Name: "forged", Role: workspace.RoleAdmin, Active: true}
		if forged.Reaches(workspace.AccessAccount) {
			t.Error("an actor with a role but no account reaches AccessAccount, want not")
		}
	})
}
