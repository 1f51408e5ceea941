package sqlite_test

import (
	"context"
	"testing"

	"tawla/workspace"
)

// TestElectorateKeepsThoseWhoVoted checks that closing counts in the
// electorate everyone who cast a counted ballot, even if they lost their
// vote after casting it (deactivated, voting right withdrawn, made a
// stakeholder, or marked absent from the meeting of a poll kept to those
// present), so that a result never counts more ballots than voters.
func TestElectorateKeepsThoseWhoVoted(t *testing.T) {
	ctx := context.Background()
	// Each case lets tb.member, tb.member2 and tb.civilMember vote yes,
	// then takes their vote away; want is the electorate at close.
	for _, tt := range []struct {
		name        string
		unit        workspace.VoteUnit
		presentOnly bool
		loseVote    func(t *testing.T, tb *pollTable)
		want        int
	}{
		{"PerPersonAccountsChanged", workspace.VotePerPerson, false, func(t *testing.T, tb *pollTable) {
			tb.member.Active = false
			tb.member2.CanVote = false
			tb.civilMember.Role = workspace.RoleStakeholder
			for _, a := range []*workspace.Account{tb.member, tb.member2, tb.civilMember} {
				if err := tb.db.UpdateAccount(ctx, systemActor, a); err != nil {
					t.Fatal(err)
				}
			}
		}, 3},
		// Amal (member), Mahdia (member2) and Nour (civilMember) voted;
		// none of them has a voter left.
		{"PerOrganisationAccountsChanged", workspace.VotePerOrganisation, false, func(t *testing.T, tb *pollTable) {
			tb.member.Active = false
			tb.member2.CanVote = false
			tb.civilMember.Role = workspace.RoleStakeholder
			for _, a := range []*workspace.Account{tb.member, tb.member2, tb.civilMember} {
				if err := tb.db.UpdateAccount(ctx, systemActor, a); err != nil {
					t.Fatal(err)
				}
			}
		}, 3},
		{"PresentThenAbsent", workspace.VotePerPerson, true, func(t *testing.T, tb *pollTable) {
			for _, a := range []*workspace.Account{tb.member, tb.member2, tb.civilMember} {
				if err := tb.db.SetAttendance(ctx, tb.staff, tb.meeting.ID, a.ID, workspace.AttendanceAbsent); err != nil {
					t.Fatal(err)
				}
			}
		}, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tb := newPollTable(t)
			for _, mode := range []workspace.BallotMode{workspace.BallotNamed, workspace.BallotSecret} {
				p := tb.yesNo(mode)
				p.Unit, p.PresentOnly, p.Majority = tt.unit, tt.presentOnly, workspace.MajorityElectorate
				tb.mustOpenPoll(t, p)
				voters := []*workspace.Account{tb.member, tb.member2, tb.civilMember}
				for _, a := range voters {
					if tt.presentOnly {
						if err := tb.db.SetAttendance(ctx, tb.staff, tb.meeting.ID, a.ID, workspace.AttendancePresent); err != nil {
							t.Fatal(err)
						}
					}
					acc, err := tb.db.FindAccountByID(ctx, a.ID)
					if err != nil {
						t.Fatal(err)
					}
					mustVote(t, tb.db, workspace.ActorFor(acc), p, option(t, p, workspace.OptionYes))
				}
				tt.loseVote(t, tb)
				closed, err := tb.db.ClosePoll(ctx, tb.staff, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				r := closed.Result
				if r.Cast > r.Electorate {
					t.Errorf("%s: %d ballots counted for an electorate of %d", mode, r.Cast, r.Electorate)
				}
				if r.Electorate != tt.want || r.Cast != 3 || r.MajorityRequired != 2 || r.Outcome != workspace.OutcomePollAdopted {
					t.Errorf("%s: result %+v, want an electorate of %d, 3 cast, adopted by 2 of them", mode, r, tt.want)
				}
				// The next poll starts from the accounts as they were.
				tb = newPollTable(t)
			}
		})
	}
}
