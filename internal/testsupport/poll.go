package testsupport

import (
	"context"
	"testing"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// AdoptVersion has the table adopt version number of the procedure, as a
// vote does: staff creates a named yes/no poll on the version, voter votes
// yes, and staff closes it, which marks the version adopted. The voter must
// hold a vote; a simple majority without quorum makes one yes enough.
func AdoptVersion(t testing.TB, db *sqlite.DB, staff, voter workspace.Actor, procedureID int64, number int) {
	t.Helper()
	ctx := context.Background()
	p := &workspace.Poll{
		Question:      "Adopt this version?",
		Kind:          workspace.PollYesNo,
		Mode:          workspace.BallotNamed,
		Unit:          workspace.VotePerPerson,
		Majority:      workspace.MajoritySimple,
		CollegeRule:   workspace.CollegeRuleNone,
		ProcedureID:   &procedureID,
		VersionNumber: number,
	}
	yes := OpenYesNoPoll(t, db, staff, p)
	if _, err := db.CastVote(ctx, voter, p.ID, []int64{yes}); err != nil {
		t.Fatalf("AdoptVersion: vote: %v", err)
	}
	closed, err := db.ClosePoll(ctx, staff, p.ID)
	if err != nil {
		t.Fatalf("AdoptVersion: close poll: %v", err)
	}
	if closed.Result == nil || closed.Result.Outcome != workspace.OutcomePollAdopted {
		t.Fatalf("AdoptVersion: the poll did not adopt the version: %+v", closed.Result)
	}
}

// OpenYesNoPoll has staff create the yes/no poll p and open it, and
// returns the id of its "yes" option.
func OpenYesNoPoll(t testing.TB, db *sqlite.DB, staff workspace.Actor, p *workspace.Poll) (yes int64) {
	t.Helper()
	ctx := context.Background()
	if err := db.CreatePoll(ctx, staff, p); err != nil {
		t.Fatalf("create poll: %v", err)
	}
	if _, err := db.OpenPoll(ctx, staff, p.ID); err != nil {
		t.Fatalf("open poll: %v", err)
	}
	for _, o := range p.Options {
		if o.Key == workspace.OptionYes {
			return o.ID
		}
	}
	t.Fatalf("poll %d has no yes option", p.ID)
	return 0
}
