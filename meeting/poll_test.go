package meeting

import (
	"bytes"
	"encoding/json"
	"testing"

	"tawla/workspace"
)

// TestRoomPoll checks which poll the room shows: an open poll (the
// current item's first), else the newest closed poll of the current item.
func TestRoomPoll(t *testing.T) {
	item := func(id int64) *int64 { return &id }
	poll := func(id int64, status workspace.PollStatus, itemID int64) *workspace.Poll {
		return &workspace.Poll{ID: id, Status: status, AgendaItemID: item(itemID)}
	}
	tests := []struct {
		name    string
		polls   []*workspace.Poll // newest first
		current *int64
		want    int64
	}{
		{"none", nil, item(1), 0},
		{"drafts only", []*workspace.Poll{poll(1, workspace.PollDraft, 1)}, item(1), 0},
		{"open elsewhere", []*workspace.Poll{poll(2, workspace.PollClosed, 1), poll(1, workspace.PollOpen, 2)}, item(1), 1},
		{"open on the current item first", []*workspace.Poll{poll(3, workspace.PollOpen, 2), poll(2, workspace.PollOpen, 1)}, item(1), 2},
		{"newest closed of the current item", []*workspace.Poll{poll(3, workspace.PollClosed, 2), poll(2, workspace.PollClosed, 1), poll(1, workspace.PollClosed, 1)}, item(1), 2},
		{"closed elsewhere only", []*workspace.Poll{poll(1, workspace.PollClosed, 2)}, item(1), 0},
		{"no current item", []*workspace.Poll{poll(1, workspace.PollClosed, 2)}, nil, 0},
	}
	for _, tt := range tests {
		got := roomPoll(tt.polls, tt.current)
		var id int64
		if got != nil {
			id = got.ID
		}
		if id != tt.want {
			t.Errorf("%s: poll %d, want %d", tt.name, id, tt.want)
		}
	}
}

// TestPollStateCounts checks that a secret poll's counts never travel
// while it is open, that a named poll's do, and that a closed poll's are
// in its result only.
func TestPollStateCounts(t *testing.T) {
	counts := []workspace.OptionCount{{OptionID: 1, Count: 2}, {OptionID: 2, Count: 1}}
	opts := []*workspace.PollOption{{ID: 1, Key: workspace.OptionYes}, {ID: 2, Key: workspace.OptionNo}}
	secret := &workspace.Poll{ID: 7, Mode: workspace.BallotSecret, Status: workspace.PollOpen, Options: opts}
	if st := NewPollState(secret, 3, counts); st.Counts != nil || st.Turnout != 3 || st.Result != nil {
		t.Errorf("secret, open: %+v", st)
	}
	named := &workspace.Poll{ID: 8, Mode: workspace.BallotNamed, Status: workspace.PollOpen, Options: opts}
	if st := NewPollState(named, 3, counts); len(st.Counts) != 2 || st.Counts[0].Count != 2 {
		t.Errorf("named, open: %+v", st)
	}
	closed := &workspace.Poll{ID: 9, Mode: workspace.BallotSecret, Status: workspace.PollClosed, Options: opts,
		Result: &workspace.PollResult{Outcome: workspace.OutcomePollAdopted, Cast: 3, Counts: counts, Yes: 2, No: 1}}
	st := NewPollState(closed, 0, counts)
	if st.Counts != nil || st.Result == nil || st.Result.Yes != 2 || st.Turnout != 3 || len(st.Result.Counts) != 2 {
		t.Errorf("closed: %+v", st)
	}
}

// TestPollStateWithholdsSmallColleges: a closed secret poll's live state
// leaves out the figures by college, and the names of the colleges that
// failed the rule, when a college cast fewer ballots than
// workspace.SecretCollegeMinBallots, and still says whether the rule was
// met; a named poll's keeps them.
func TestPollStateWithholdsSmallColleges(t *testing.T) {
	p := &workspace.Poll{Question: "Adopter ?", Kind: workspace.PollYesNo, Mode: workspace.BallotSecret,
		Unit: workspace.VotePerPerson, Majority: workspace.MajoritySimple, CollegeRule: workspace.CollegeRuleEvery,
		ProcedureID: new(int64), VersionNumber: 1}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	for i, o := range p.Options {
		o.ID = int64(i + 1)
	}
	var ballots []workspace.CastBallot
	for range 5 {
		ballots = append(ballots, workspace.CastBallot{College: workspace.CollegeState, Choices: []int64{1}})
	}
	ballots = append(ballots, workspace.CastBallot{College: workspace.CollegeReturnees, Choices: []int64{2}})
	p.Status, p.Result = workspace.PollClosed, workspace.Tally(p, 10, ballots)

	st := NewPollState(p, 0, nil)
	f := st.Result
	if !f.CollegesWithheld || len(f.Colleges) != 0 || f.CollegesReached {
		t.Errorf("secret: withheld %v, colleges %+v, reached %v; want withheld, none, not reached", f.CollegesWithheld, f.Colleges, f.CollegesReached)
	}
	if len(f.CollegesFailed) != 0 {
		t.Errorf("secret: failed colleges %v, want none named: the returnees' one voter would be named with them", f.CollegesFailed)
	}
	data, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(`"colleges":[]`)) || !bytes.Contains(data, []byte(`"colleges_withheld":true`)) {
		t.Errorf("the secret poll's state, as sent: %s; want no college's figures, and withheld said", data)
	}

	p.Mode = workspace.BallotNamed
	if f := NewPollState(p, 0, nil).Result; f.CollegesWithheld || len(f.Colleges) != 2 || len(f.CollegesFailed) != 1 || f.CollegesFailed[0] != workspace.CollegeReturnees {
		t.Errorf("named: withheld %v, colleges %+v, failed %v; want both colleges' figures and the returnees named", f.CollegesWithheld, f.Colleges, f.CollegesFailed)
	}
}
