package workspace_test

import (
	"testing"
	"time"

	"tawla/workspace"
)

// TestCanComment: members, the secretariat and admins comment at any
// time; stakeholders only while a consultation of the same procedure is
// open; nobody without an account.
func TestCanComment(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	proc := &workspace.Procedure{ID: 7}
	open := &workspace.Consultation{ProcedureID: 7, ClosesAt: now.Add(time.Hour)}
	closed := &workspace.Consultation{ProcedureID: 7, ClosesAt: now}
	other := &workspace.Consultation{ProcedureID: 8, ClosesAt: now.Add(time.Hour)}
	actor := func(role workspace.Role) workspace.Actor {
		id := int64(1)
		return workspace.Actor{AccountID: &id, Role: role, Active: true}
	}
	tests := []struct {
		name  string
		actor workspace.Actor
		cons  *workspace.Consultation
		ok    bool
	}{
		{"member without consultation", actor(workspace.RoleMember), nil, true},
		{"secretariat after closing", actor(workspace.RoleSecretariat), closed, true},
		{"stakeholder during consultation", actor(workspace.RoleStakeholder), open, true},
		{"stakeholder without consultation", actor(workspace.RoleStakeholder), nil, false},
		{"stakeholder at the closing time", actor(workspace.RoleStakeholder), closed, false},
		{"stakeholder, another procedure's consultation", actor(workspace.RoleStakeholder), other, false},
		{"nobody", workspace.Actor{}, open, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := workspace.CanComment(tt.actor, proc, tt.cons, now)
			if got := err == nil; got != tt.ok {
				t.Errorf("CanComment: %v, want allowed %v", err, tt.ok)
			}
			if err != nil && workspace.ErrorCode(err) != workspace.EFORBIDDEN {
				t.Errorf("refused with %v, want forbidden", err)
			}
		})
	}
}

// TestCommentValidate: a comment needs words, a suggestion may be only
// its replacement text, and a rejection needs a reason.
func TestCommentValidate(t *testing.T) {
	if err := (&workspace.Comment{Kind: workspace.KindComment, Body: "  "}).Validate(); workspace.ErrorCode(err) != workspace.EINVALID {
		t.Errorf("an empty comment: %v, want invalid", err)
	}
	if err := (&workspace.Comment{Kind: workspace.KindSuggestion, Proposed: "48 heures"}).Validate(); err != nil {
		t.Errorf("a suggestion without a comment: %v", err)
	}
	if err := (&workspace.Comment{Kind: "other", Body: "x"}).Validate(); workspace.ErrorCode(err) != workspace.EINVALID {
		t.Errorf("an unknown kind: %v, want invalid", err)
	}
	reason := " "
	if err := workspace.CheckReason(workspace.AnswerRejected, &reason); workspace.ErrorCode(err) != workspace.EINVALID {
		t.Errorf("a rejection without a reason: %v, want invalid", err)
	}
	if err := workspace.CheckReason(workspace.AnswerAccepted, &reason); err != nil {
		t.Errorf("an acceptance without a reason: %v", err)
	}
}
