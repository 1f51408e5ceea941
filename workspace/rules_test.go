package workspace_test

import (
	"errors"
	"testing"

	"tawla/workspace"
)

// Actors of every kind, for the rules' tables.
var (
	ruleAdmin         = workspace.ActorFor(&workspace.Account{ID: 1, Name: "admin", Role: workspace.RoleAdmin, Active: true})
	ruleSecretariat   = workspace.ActorFor(&workspace.Account{ID: 2, Name: "secretariat", Role: workspace.RoleSecretariat, Active: true})
	ruleMember        = workspace.ActorFor(&workspace.Account{ID: 3, Name: "member", Role: workspace.RoleMember, Active: true, CanVote: true})
	ruleStakeholder   = workspace.ActorFor(&workspace.Account{ID: 4, Name: "stakeholder", Role: workspace.RoleStakeholder, Active: true})
	ruleInactiveAdmin = workspace.ActorFor(&workspace.Account{ID: 5, Name: "inactive admin", Role: workspace.RoleAdmin, Active: false})
	ruleSystem        = workspace.SystemActor("cli")
	ruleNobody        = workspace.Actor{}
)

// wantRule fails the test unless err is nil when wantKey is "", and
// otherwise an *workspace.Error with code and wantKey.
func wantRule(t *testing.T, err error, code, wantKey string) {
	t.Helper()
	if wantKey == "" {
		if err != nil {
			t.Fatalf("err = %v, want nil", err)
		}
		return
	}
	var e *workspace.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want a %s *workspace.Error", err, code)
	}
	if e.Code != code {
		t.Errorf("code = %q, want %q", e.Code, code)
	}
	if e.Key != wantKey {
		t.Errorf("key = %q, want %q", e.Key, wantKey)
	}
}

func TestCanManageAccount(t *testing.T) {
	for _, tt := range []struct {
		name  string
		actor workspace.Actor
		role  workspace.Role
		key   string // "" when allowed
	}{
		{"AdminManagesAdmin", ruleAdmin, workspace.RoleAdmin, ""},
		{"AdminManagesSecretariat", ruleAdmin, workspace.RoleSecretariat, ""},
		{"AdminManagesMember", ruleAdmin, workspace.RoleMember, ""},
		{"AdminManagesStakeholder", ruleAdmin, workspace.RoleStakeholder, ""},
		{"SecretariatManagesSecretariat", ruleSecretariat, workspace.RoleSecretariat, ""},
		{"SecretariatManagesMember", ruleSecretariat, workspace.RoleMember, ""},
		{"SecretariatManagesStakeholder", ruleSecretariat, workspace.RoleStakeholder, ""},
		{"SystemManagesAdmin", ruleSystem, workspace.RoleAdmin, ""},
		{"SecretariatCannotManageAdmin", ruleSecretariat, workspace.RoleAdmin, "error.account.admin_only"},
		{"MemberCannotManage", ruleMember, workspace.RoleStakeholder, "error.forbidden"},
		{"StakeholderCannotManage", ruleStakeholder, workspace.RoleStakeholder, "error.forbidden"},
		{"InactiveAdminCannotManage", ruleInactiveAdmin, workspace.RoleMember, "error.forbidden"},
		{"NobodyCannotManage", ruleNobody, workspace.RoleMember, "error.forbidden"},
		{"NobodyCannotManageAdmin", ruleNobody, workspace.RoleAdmin, "error.forbidden"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantRule(t, workspace.CanManageAccount(tt.actor, tt.role), workspace.EFORBIDDEN, tt.key)
		})
	}
}

func TestCanUpdateAccount(t *testing.T) {
	member := &workspace.Account{ID: 10, Role: workspace.RoleMember, Active: true}
	admin := &workspace.Account{ID: 11, Role: workspace.RoleAdmin, Active: true}
	with := func(a *workspace.Account, change func(*workspace.Account)) *workspace.Account {
		c := *a
		change(&c)
		return &c
	}
	promoted := func(a *workspace.Account) { a.Role = workspace.RoleAdmin }
	demoted := func(a *workspace.Account) { a.Role = workspace.RoleMember }
	deactivated := func(a *workspace.Account) { a.Active = false }
	renamed := func(a *workspace.Account) { a.Name = "renamed" }
	adminSelf := &workspace.Account{ID: *ruleAdmin.AccountID, Role: workspace.RoleAdmin, Active: true}
	secretariatSelf := &workspace.Account{ID: *ruleSecretariat.AccountID, Role: workspace.RoleSecretariat, Active: true}

	for _, tt := range []struct {
		name          string
		actor         workspace.Actor
		before, after *workspace.Account
		code, key     string // key "" when allowed
	}{
		{"SecretariatRenamesMember", ruleSecretariat, member, with(member, renamed), "", ""},
		{"SecretariatDeactivatesMember", ruleSecretariat, member, with(member, deactivated), "", ""},
		{"AdminPromotesMember", ruleAdmin, member, with(member, promoted), "", ""},
		{"AdminDemotesAdmin", ruleAdmin, admin, with(admin, demoted), "", ""},
		{"AdminRenamesSelf", ruleAdmin, adminSelf, with(adminSelf, renamed), "", ""},
		{"SystemDemotesAdmin", ruleSystem, admin, with(admin, demoted), "", ""},
		{"SecretariatCannotPromote", ruleSecretariat, member, with(member, promoted), workspace.EFORBIDDEN, "error.account.admin_only"},
		{"SecretariatCannotTouchAdmin", ruleSecretariat, admin, with(admin, renamed), workspace.EFORBIDDEN, "error.account.admin_only"},
		{"SecretariatCannotDemoteAdmin", ruleSecretariat, admin, with(admin, demoted), workspace.EFORBIDDEN, "error.account.admin_only"},
		{"MemberCannotUpdate", ruleMember, member, with(member, renamed), workspace.EFORBIDDEN, "error.forbidden"},
		{"AdminCannotDemoteSelf", ruleAdmin, adminSelf, with(adminSelf, demoted), workspace.EINVALID, "error.account.self_change"},
		{"AdminCannotDeactivateSelf", ruleAdmin, adminSelf, with(adminSelf, deactivated), workspace.EINVALID, "error.account.self_change"},
		{"SecretariatCannotDeactivateSelf", ruleSecretariat, secretariatSelf, with(secretariatSelf, deactivated), workspace.EINVALID, "error.account.self_change"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantRule(t, workspace.CanUpdateAccount(tt.actor, tt.before, tt.after), tt.code, tt.key)
		})
	}
}

func TestCanSetPassword(t *testing.T) {
	memberSelf := &workspace.Account{ID: *ruleMember.AccountID, Role: workspace.RoleMember, Active: true}
	stakeholderSelf := &workspace.Account{ID: *ruleStakeholder.AccountID, Role: workspace.RoleStakeholder, Active: true}
	other := &workspace.Account{ID: 20, Role: workspace.RoleMember, Active: true}
	admin := &workspace.Account{ID: 21, Role: workspace.RoleAdmin, Active: true}
	inactiveSelf := &workspace.Account{ID: *ruleInactiveAdmin.AccountID, Role: workspace.RoleAdmin}
	for _, tt := range []struct {
		name  string
		actor workspace.Actor
		acc   *workspace.Account
		key   string
	}{
		{"MemberOwnPassword", ruleMember, memberSelf, ""},
		{"StakeholderOwnPassword", ruleStakeholder, stakeholderSelf, ""},
		{"AdminResetsOther", ruleAdmin, other, ""},
		{"SecretariatResetsMember", ruleSecretariat, other, ""},
		{"SystemResetsAdmin", ruleSystem, admin, ""},
		{"MemberCannotResetOther", ruleMember, other, "error.forbidden"},
		{"SecretariatCannotResetAdmin", ruleSecretariat, admin, "error.account.admin_only"},
		{"InactiveCannotSetOwn", ruleInactiveAdmin, inactiveSelf, "error.forbidden"},
		{"NobodyCannotReset", ruleNobody, other, "error.forbidden"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantRule(t, workspace.CanSetPassword(tt.actor, tt.acc), workspace.EFORBIDDEN, tt.key)
		})
	}
}

func TestCanManageOrganisations(t *testing.T) {
	for _, tt := range []struct {
		name  string
		actor workspace.Actor
		key   string
	}{
		{"Admin", ruleAdmin, ""},
		{"Secretariat", ruleSecretariat, ""},
		{"System", ruleSystem, ""},
		{"Member", ruleMember, "error.forbidden"},
		{"Stakeholder", ruleStakeholder, "error.forbidden"},
		{"InactiveAdmin", ruleInactiveAdmin, "error.forbidden"},
		{"Nobody", ruleNobody, "error.forbidden"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantRule(t, workspace.CanManageOrganisations(tt.actor), workspace.EFORBIDDEN, tt.key)
		})
	}
}

func TestCanEditProcedures(t *testing.T) {
	for _, tt := range []struct {
		name  string
		actor workspace.Actor
		key   string
	}{
		{"Admin", ruleAdmin, ""},
		{"Secretariat", ruleSecretariat, ""},
		{"Member", ruleMember, ""},
		{"System", ruleSystem, ""},
		{"Stakeholder", ruleStakeholder, "error.forbidden"},
		{"InactiveAdmin", ruleInactiveAdmin, "error.forbidden"},
		{"Nobody", ruleNobody, "error.forbidden"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantRule(t, workspace.CanEditProcedures(tt.actor), workspace.EFORBIDDEN, tt.key)
		})
	}
}
