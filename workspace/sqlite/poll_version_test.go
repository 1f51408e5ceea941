package sqlite_test

import (
	"context"
	"testing"

	"tawla/workspace"
)

// versionPoll returns a draft yes/no poll on the adoption of the table's
// version.
func (tb *pollTable) versionPoll() *workspace.Poll {
	return &workspace.Poll{Question: "Adopter la version 1 ?", Kind: workspace.PollYesNo, Mode: workspace.BallotSecret,
		Unit: workspace.VotePerPerson, Majority: workspace.MajoritySimple, CollegeRule: workspace.CollegeRuleNone,
		ProcedureID: &tb.proc.ID, VersionNumber: tb.version.Number}
}

// TestPollOnAdoptedVersionRefused checks that a version adopted by a vote
// takes no new poll — neither created, nor opened from a draft made
// before the adoption — and that two polls on one version are never open
// together, so that no version shows two polls with contrary outcomes.
func TestPollOnAdoptedVersionRefused(t *testing.T) {
	ctx := context.Background()
	tb := newPollTable(t)
	db := tb.db

	first := tb.mustCreatePoll(t, tb.versionPoll())
	second := tb.mustCreatePoll(t, tb.versionPoll())
	if _, err := db.OpenPoll(ctx, tb.staff, first.ID); err != nil {
		t.Fatal(err)
	}
	dump := mustDumpTables(t, db)
	_, err := db.OpenPoll(ctx, tb.staff, second.ID)
	refusedUnchanged(t, db, dump, err, workspace.ECONFLICT, "error.poll.version_poll_open")

	mustVote(t, db, tb.memberActor, first, option(t, first, workspace.OptionYes))
	closed, err := db.ClosePoll(ctx, tb.staff, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if closed.Result.Outcome != workspace.OutcomePollAdopted {
		t.Fatalf("first poll: %s, want adopted", closed.Result.Outcome)
	}

	dump = mustDumpTables(t, db)
	_, err = db.OpenPoll(ctx, tb.staff, second.ID)
	refusedUnchanged(t, db, dump, err, workspace.ECONFLICT, "error.poll.version_adopted")
	err = db.CreatePoll(ctx, tb.staff, tb.versionPoll())
	refusedUnchanged(t, db, dump, err, workspace.ECONFLICT, "error.poll.version_adopted")
}
