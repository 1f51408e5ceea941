package sqlite_test

import (
	"context"
	"testing"

	"tawla/workspace"
)

// TestDeactivatedOrganisationDoesNotVote checks that the people of a
// deactivated organisation, who keep their accounts, neither vote nor
// count in the electorate: the store decides on the organisation as the
// vote's transaction reads it, so an actor made before the deactivation
// is refused all the same.
func TestDeactivatedOrganisationDoesNotVote(t *testing.T) {
	ctx := context.Background()
	tb := newPollTable(t)
	p := tb.yesNo(workspace.BallotNamed)
	p.Majority = workspace.MajorityElectorate
	tb.mustOpenPoll(t, p)
	acc, err := tb.db.FindAccountByID(ctx, tb.civilMember.ID)
	if err != nil {
		t.Fatal(err)
	}
	stale := workspace.ActorFor(acc)
	electorate := func() int {
		t.Helper()
		colleges, err := tb.db.FindElectorateByCollege(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range colleges {
			if c.College == workspace.CollegeCivil {
				return c.People
			}
		}
		return 0
	}
	if electorate() == 0 {
		t.Fatal("the civil society college has nobody with a vote to begin with")
	}

	tb.civil.Active = false
	if err := tb.db.UpdateOrganisation(ctx, systemActor, tb.civil); err != nil {
		t.Fatal(err)
	}
	_, err = tb.db.CastVote(ctx, stale, p.ID, []int64{option(t, p, workspace.OptionYes)})
	if workspace.ErrorCode(err) != workspace.EFORBIDDEN || workspace.ErrorKey(err) != "error.poll.organisation_inactive" {
		t.Fatalf("vote by a member of the deactivated organisation: %v, want EFORBIDDEN error.poll.organisation_inactive", err)
	}
	if n := electorate(); n != 0 {
		t.Errorf("the deactivated organisation's college counts %d people with a vote, want 0", n)
	}
	// Closing counts the others only: the member and member2 of the
	// table's first organisation vote yes, and two of two is a majority
	// of the electorate.
	for _, a := range []*workspace.Account{tb.member, tb.member2} {
		mustVote(t, tb.db, workspace.ActorFor(a), p, option(t, p, workspace.OptionYes))
	}
	closed, err := tb.db.ClosePoll(ctx, tb.staff, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if closed.Result == nil || closed.Result.Electorate != 2 {
		t.Errorf("result %+v, want an electorate of 2", closed.Result)
	}
}
