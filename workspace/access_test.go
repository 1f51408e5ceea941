package workspace_test

import (
	"testing"

	"tawla/workspace"
)

func TestAccess_Allows(t *testing.T) {
	levels := []workspace.Access{workspace.AccessPublic, workspace.AccessAccount, workspace.AccessMember, workspace.AccessStaff, workspace.AccessAdmin}
	// want[role] lists, level by level, whether an active account with that
	// role reaches the level.
	want := map[workspace.Role][5]bool{
		workspace.RoleAdmin:       {true, true, true, true, true},
		workspace.RoleSecretariat: {true, true, true, true, false},
		workspace.RoleMember:      {true, true, true, false, false},
		workspace.RoleStakeholder: {true, true, false, false, false},
	}
	if len(want) != len(workspace.Roles) {
		t.Fatalf("the matrix covers %d roles, the domain has %d", len(want), len(workspace.Roles))
	}
	for _, role := range workspace.Roles {
		for i, level := range levels {
			for _, canVote := range []bool{false, true} {
				acc := &workspace.Account{ID: 1, Name: "x", Role: role, Active: true, CanVote: canVote}
				if got := level.Allows(acc); got != want[role][i] {
					t.Errorf("%s.Allows(active %s, can_vote=%v) = %v, want %v", level, role, canVote, got, want[role][i])
				}
				acc.Active = false
				if got, want := level.Allows(acc), level == workspace.AccessPublic; got != want {
					t.Errorf("%s.Allows(inactive %s) = %v, want %v", level, role, got, want)
				}
			}
		}
	}
	for _, level := range levels {
		if got, want := level.Allows(nil), level == workspace.AccessPublic; got != want {
			t.Errorf("%s.Allows(nil) = %v, want %v", level, got, want)
		}
	}
}

func TestAccess_Allows_FailsClosed(t *testing.T) {
	t.Run("UnknownLevel", func(t *testing.T) {
		admin := &workspace.Account{Role: workspace.RoleAdmin, Active: true}
		for _, level := range []workspace.Access{-1, workspace.AccessAdmin + 1, 99} {
			if level.Allows(admin) {
				t.Errorf("Access(%d).Allows(admin) = true, want false", level)
			}
		}
	})
	t.Run("UnknownRole", func(t *testing.T) {
		for _, role := range []workspace.Role{"", "president", "Member"} {
			acc := &workspace.Account{Role: role, Active: true}
			if !workspace.AccessAccount.Allows(acc) {
				t.Errorf("AccessAccount.Allows(role %q) = false, want true", role)
			}
			for _, level := range []workspace.Access{workspace.AccessMember, workspace.AccessStaff, workspace.AccessAdmin} {
				if level.Allows(acc) {
					t.Errorf("%s.Allows(role %q) = true, want false", level, role)
				}
			}
		}
	})
}

func TestAccess_String(t *testing.T) {
	for level, want := range map[workspace.Access]string{
		workspace.AccessPublic:  "public",
		workspace.AccessAccount: "account",
		workspace.AccessMember:  "member",
		workspace.AccessStaff:   "staff",
		workspace.AccessAdmin:   "admin",
		42:                      "unknown",
	} {
		if got := level.String(); got != want {
			t.Errorf("Access(%d).String() = %q, want %q", int(level), got, want)
		}
	}
}
