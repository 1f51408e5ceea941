package workspace_test

import (
	"testing"

	"tawla/workspace"
)

func TestQuorumRules(t *testing.T) {
	tests := []struct {
		rule                workspace.QuorumRule
		electorate, present int
		wantRequired        int
		wantReached         bool
	}{
		{workspace.QuorumHalfPlusOne, 10, 6, 6, true},
		{workspace.QuorumHalfPlusOne, 10, 5, 6, false},
		{workspace.QuorumHalfPlusOne, 11, 6, 6, true},
		{workspace.QuorumHalfPlusOne, 11, 5, 6, false},
		{workspace.QuorumHalfPlusOne, 1, 1, 1, true},
		{workspace.QuorumHalfPlusOne, 2, 1, 2, false},
		{workspace.QuorumHalfPlusOne, 24, 13, 13, true},
		{workspace.QuorumTwoThirds, 9, 6, 6, true},
		{workspace.QuorumTwoThirds, 9, 5, 6, false},
		{workspace.QuorumTwoThirds, 10, 7, 7, true},
		{workspace.QuorumTwoThirds, 10, 6, 7, false},
		{workspace.QuorumTwoThirds, 3, 2, 2, true},
		{workspace.QuorumOneThird, 10, 4, 4, true},
		{workspace.QuorumOneThird, 10, 3, 4, false},
		{workspace.QuorumOneThird, 9, 3, 3, true},
		{workspace.QuorumOneThird, 1, 1, 1, true},
		{workspace.QuorumNone, 10, 0, 0, true},
		{workspace.QuorumNone, 0, 0, 0, true},
		// Nobody with a vote invited: no quorum to reach, except under none.
		{workspace.QuorumHalfPlusOne, 0, 0, 0, false},
		{workspace.QuorumTwoThirds, 0, 0, 0, false},
		// Presence beyond the electorate is capped; negative is zero.
		{workspace.QuorumHalfPlusOne, 4, 9, 3, true},
		{workspace.QuorumHalfPlusOne, 4, -1, 3, false},
		// An unknown rule never holds.
		{workspace.QuorumRule("most"), 10, 10, 0, false},
	}
	for _, tt := range tests {
		q := workspace.ComputeQuorum(tt.rule, tt.electorate, tt.present)
		if q.Required != tt.wantRequired || q.Reached != tt.wantReached {
			t.Errorf("ComputeQuorum(%s, %d, %d) = required %d reached %v, want %d %v",
				tt.rule, tt.electorate, tt.present, q.Required, q.Reached, tt.wantRequired, tt.wantReached)
		}
	}

	// QuorumOf counts only active invitees with a voting right.
	voter := func(active, canVote bool, a workspace.Attendance) *workspace.MeetingInvitee {
		return &workspace.MeetingInvitee{Attendance: a, Account: &workspace.Account{Active: active, CanVote: canVote}}
	}
	invitees := []*workspace.MeetingInvitee{
		voter(true, true, workspace.AttendancePresent),
		voter(true, true, workspace.AttendancePresent),
		voter(true, true, workspace.AttendanceExcused),
		voter(true, true, workspace.AttendanceInvited),
		voter(true, false, workspace.AttendancePresent), // no vote
		voter(false, true, workspace.AttendancePresent), // deactivated
	}
	q := workspace.QuorumOf(workspace.QuorumHalfPlusOne, invitees)
	if q.Electorate != 4 || q.Present != 2 || q.Required != 3 || q.Reached {
		t.Errorf("QuorumOf = %+v, want electorate 4, present 2, required 3, not reached", q)
	}
	invitees[3].Attendance = workspace.AttendancePresent
	if q := workspace.QuorumOf(workspace.QuorumHalfPlusOne, invitees); !q.Reached {
		t.Errorf("QuorumOf with 3 of 4 present = %+v, want reached", q)
	}
}
