package workspace_test

import (
	"testing"

	"tawla/workspace"
)

// TestCanSeeIssuePrivate: the personal details of an issue are for the
// secretariat, admins, the system, and the members in charge of the issue
// — its reporter and its owner organisation's members — and nobody else:
// not another member, not a stakeholder of the owner organisation, not a
// reporter who lost the member's role, not an inactive account.
func TestCanSeeIssuePrivate(t *testing.T) {
	const ownerOrg, otherOrg = 40, 41
	owner := int64(ownerOrg)
	account := func(id int64, role workspace.Role, org int64, active bool) workspace.Actor {
		return workspace.ActorFor(&workspace.Account{ID: id, Name: "a", Role: role, OrganisationID: org, Active: active})
	}
	reporter := account(10, workspace.RoleMember, otherOrg, true)
	owned := &workspace.Issue{ID: 1, ReporterID: 10, OwnerOrganisationID: &owner}
	unowned := &workspace.Issue{ID: 2, ReporterID: 10}
	for _, tt := range []struct {
		name  string
		actor workspace.Actor
		issue *workspace.Issue
		key   string // "" when allowed
	}{
		{"Admin", ruleAdmin, owned, ""},
		{"Secretariat", ruleSecretariat, owned, ""},
		{"SecretariatUnowned", ruleSecretariat, unowned, ""},
		{"System", ruleSystem, unowned, ""},
		{"Reporter", reporter, owned, ""},
		{"ReporterUnowned", reporter, unowned, ""},
		{"OwnerMember", account(11, workspace.RoleMember, ownerOrg, true), owned, ""},
		{"OtherMember", account(12, workspace.RoleMember, otherOrg, true), owned, "error.issue.private_forbidden"},
		{"OtherMemberUnowned", account(12, workspace.RoleMember, ownerOrg, true), unowned, "error.issue.private_forbidden"},
		{"OwnerStakeholder", account(13, workspace.RoleStakeholder, ownerOrg, true), owned, "error.issue.private_forbidden"},
		{"ReporterNowStakeholder", account(10, workspace.RoleStakeholder, otherOrg, true), owned, "error.issue.private_forbidden"},
		{"InactiveOwnerMember", account(11, workspace.RoleMember, ownerOrg, false), owned, "error.issue.private_forbidden"},
		{"InactiveReporter", account(10, workspace.RoleMember, otherOrg, false), owned, "error.issue.private_forbidden"},
		{"InactiveAdmin", ruleInactiveAdmin, owned, "error.issue.private_forbidden"},
		{"Stakeholder", ruleStakeholder, owned, "error.issue.private_forbidden"},
		{"Nobody", ruleNobody, owned, "error.issue.private_forbidden"},
		{"NoIssue", account(11, workspace.RoleMember, ownerOrg, true), nil, "error.issue.private_forbidden"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantRule(t, workspace.CanSeeIssuePrivate(tt.actor, tt.issue), workspace.EFORBIDDEN, tt.key)
		})
	}
}
