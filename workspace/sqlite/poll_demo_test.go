package sqlite_test

import (
	"context"
	"testing"

	"tawla/internal/testsupport"
	"tawla/workspace"
)

// TestPollOnDemoTable puts a version of a demo procedure to a secret vote
// per organisation: every demo member with a vote takes part, the
// electorate is their organisations, a second member of an organisation
// is refused, and the adopted version is marked so.
func TestPollOnDemoTable(t *testing.T) {
	ctx := context.Background()
	db, _ := testsupport.OpenStore(t)
	accounts, err := db.FindAccounts(ctx, workspace.AccountFilter{ActiveOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var staff workspace.Actor
	var voters []*workspace.Account
	orgs := map[int64]bool{}
	for _, a := range accounts {
		switch {
		case a.Role == workspace.RoleSecretariat && staff.AccountID == nil:
			staff = workspace.ActorFor(a)
		case a.CanVote:
			voters = append(voters, a)
			orgs[a.OrganisationID] = true
		}
	}
	if staff.AccountID == nil || len(voters) < 2 {
		t.Fatalf("the demo table has %d voters and no secretariat", len(voters))
	}
	procs, err := db.FindProcedures(ctx)
	if err != nil || len(procs) == 0 {
		t.Fatalf("FindProcedures: %v", err)
	}
	proc := procs[0]
	v := &workspace.Version{Message: "Soumise au vote de la table"}
	if err := db.CreateVersion(ctx, staff, proc.ID, 0, "# Texte soumis\n", v); err != nil {
		t.Fatal(err)
	}
	p := &workspace.Poll{Question: "Adopter cette version ?", Kind: workspace.PollYesNo, Mode: workspace.BallotSecret,
		Unit: workspace.VotePerOrganisation, Majority: workspace.MajorityAbsolute, CollegeRule: workspace.CollegeRuleNoObjection,
		QuorumPercent: 50, ProcedureID: &proc.ID, VersionNumber: v.Number}
	if err := db.CreatePoll(ctx, staff, p); err != nil {
		t.Fatal(err)
	}
	if _, err := db.OpenPoll(ctx, staff, p.ID); err != nil {
		t.Fatal(err)
	}
	voted := map[int64]bool{}
	for _, a := range voters {
		_, err := db.CastVote(ctx, workspace.ActorFor(a), p.ID, []int64{option(t, p, workspace.OptionYes)})
		if voted[a.OrganisationID] {
			wantRefused(t, err, workspace.ECONFLICT, "error.poll.organisation_voted")
		} else if err != nil {
			t.Fatalf("CastVote(%s): %v", a.Name, err)
		}
		voted[a.OrganisationID] = true
	}
	closed, err := db.ClosePoll(ctx, staff, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r := closed.Result; r.Electorate != len(orgs) || r.Cast != len(orgs) || r.Yes != len(orgs) || r.Outcome != workspace.OutcomePollAdopted {
		t.Errorf("result %+v, %d organisations with a vote", r, len(orgs))
	}
	got, err := db.FindVersion(ctx, proc.ID, v.Number)
	if err != nil || got.AdoptedByPoll == nil || *got.AdoptedByPoll != p.ID {
		t.Errorf("version %+v, %v", got, err)
	}
}
