package workspace_test

import (
	"slices"
	"testing"

	"tawla/workspace"
)

// yesNoPoll returns a yes/no poll under the given rules, its options
// numbered 1 (yes), 2 (no) and 3 (abstain).
func yesNoPoll(t *testing.T, quorum int, majority workspace.MajorityRule, colleges workspace.CollegeRule) *workspace.Poll {
	t.Helper()
	item := int64(1)
	p := &workspace.Poll{Question: "Adopter la procédure ?", Kind: workspace.PollYesNo, Mode: workspace.BallotSecret,
		Unit: workspace.VotePerPerson, QuorumPercent: quorum, Majority: majority, CollegeRule: colleges,
		MeetingID: &item, AgendaItemID: &item}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	for i, o := range p.Options {
		o.ID = int64(i + 1)
	}
	return p
}

// ballots returns n ballots of college c choosing option.
func ballots(c workspace.College, option int64, n int) []workspace.CastBallot {
	out := make([]workspace.CastBallot, n)
	for i := range out {
		out[i] = workspace.CastBallot{College: c, Choices: []int64{option}}
	}
	return out
}

const (
	yes, no, abstain = 1, 2, 3
)

var (
	state, civil, local, returnees = workspace.CollegeState, workspace.CollegeCivil, workspace.CollegeLocal, workspace.CollegeReturnees
)

func TestVoteRules(t *testing.T) {
	tests := []struct {
		name         string
		quorum       int
		majority     workspace.MajorityRule
		colleges     workspace.CollegeRule
		electorate   int
		ballots      [][]workspace.CastBallot
		want         workspace.PollOutcome
		wantRequired int // the majority's yes needed
		wantQuorum   int // the ballots the quorum asks for
	}{
		// The example: 14 yes, 3 no, 2 abstentions; quorum 19 of 24.
		{"example", 50, workspace.MajoritySimple, workspace.CollegeRuleNone, 24,
			[][]workspace.CastBallot{ballots(state, yes, 14), ballots(civil, no, 3), ballots(local, abstain, 2)}, workspace.OutcomePollAdopted, 4, 12},

		// Quorum: a share of the electorate, rounded up.
		{"quorum exactly half of 24", 50, workspace.MajoritySimple, workspace.CollegeRuleNone, 24,
			[][]workspace.CastBallot{ballots(state, yes, 12)}, workspace.OutcomePollAdopted, 1, 12},
		{"quorum one short", 50, workspace.MajoritySimple, workspace.CollegeRuleNone, 24,
			[][]workspace.CastBallot{ballots(state, yes, 11)}, workspace.OutcomeNoQuorum, 1, 12},
		{"quorum half of 5 asks 3", 50, workspace.MajoritySimple, workspace.CollegeRuleNone, 5,
			[][]workspace.CastBallot{ballots(state, yes, 2)}, workspace.OutcomeNoQuorum, 1, 3},
		{"quorum counts abstentions", 50, workspace.MajoritySimple, workspace.CollegeRuleNone, 4,
			[][]workspace.CastBallot{ballots(state, yes, 1), ballots(state, abstain, 1)}, workspace.OutcomePollAdopted, 1, 2},
		{"no quorum asked, nobody votes", 0, workspace.MajoritySimple, workspace.CollegeRuleNone, 10,
			nil, workspace.OutcomePollRejected, 1, 0},
		{"full quorum", 100, workspace.MajoritySimple, workspace.CollegeRuleNone, 3,
			[][]workspace.CastBallot{ballots(state, yes, 2)}, workspace.OutcomeNoQuorum, 1, 3},

		// Simple majority: more yes than no; a tie is not a majority.
		{"simple tie", 0, workspace.MajoritySimple, workspace.CollegeRuleNone, 10,
			[][]workspace.CastBallot{ballots(state, yes, 4), ballots(civil, no, 4)}, workspace.OutcomePollRejected, 5, 0},
		{"simple, abstentions do not count", 0, workspace.MajoritySimple, workspace.CollegeRuleNone, 10,
			[][]workspace.CastBallot{ballots(state, yes, 2), ballots(civil, no, 1), ballots(civil, abstain, 6)}, workspace.OutcomePollAdopted, 2, 0},

		// Absolute: more than half of the ballots cast, abstentions in.
		{"absolute reached", 0, workspace.MajorityAbsolute, workspace.CollegeRuleNone, 20,
			[][]workspace.CastBallot{ballots(state, yes, 6), ballots(civil, no, 1), ballots(civil, abstain, 4)}, workspace.OutcomePollAdopted, 6, 0},
		{"absolute missed by abstentions", 0, workspace.MajorityAbsolute, workspace.CollegeRuleNone, 20,
			[][]workspace.CastBallot{ballots(state, yes, 5), ballots(civil, no, 1), ballots(civil, abstain, 4)}, workspace.OutcomePollRejected, 6, 0},

		// Two thirds of the votes expressed.
		{"two thirds exactly", 0, workspace.MajorityTwoThirds, workspace.CollegeRuleNone, 20,
			[][]workspace.CastBallot{ballots(state, yes, 10), ballots(civil, no, 5), ballots(civil, abstain, 5)}, workspace.OutcomePollAdopted, 10, 0},
		{"two thirds missed", 0, workspace.MajorityTwoThirds, workspace.CollegeRuleNone, 20,
			[][]workspace.CastBallot{ballots(state, yes, 9), ballots(civil, no, 5)}, workspace.OutcomePollRejected, 10, 0},
		{"two thirds with nobody expressing", 0, workspace.MajorityTwoThirds, workspace.CollegeRuleNone, 20,
			[][]workspace.CastBallot{ballots(state, abstain, 5)}, workspace.OutcomePollRejected, 1, 0},

		// Of the electorate: those who did not vote count against.
		{"electorate reached", 0, workspace.MajorityElectorate, workspace.CollegeRuleNone, 24,
			[][]workspace.CastBallot{ballots(state, yes, 13)}, workspace.OutcomePollAdopted, 13, 0},
		{"electorate missed", 0, workspace.MajorityElectorate, workspace.CollegeRuleNone, 24,
			[][]workspace.CastBallot{ballots(state, yes, 12), ballots(civil, no, 1)}, workspace.OutcomePollRejected, 13, 0},

		// A majority in favour in every college that voted.
		{"every college in favour", 0, workspace.MajoritySimple, workspace.CollegeRuleEvery, 20,
			[][]workspace.CastBallot{ballots(state, yes, 5), ballots(civil, yes, 2), ballots(civil, no, 1), ballots(returnees, yes, 1)}, workspace.OutcomePollAdopted, 2, 0},
		{"one college split", 0, workspace.MajoritySimple, workspace.CollegeRuleEvery, 20,
			[][]workspace.CastBallot{ballots(state, yes, 8), ballots(returnees, yes, 1), ballots(returnees, no, 1)}, workspace.OutcomePollRejected, 2, 0},
		{"one college against though the whole is for", 0, workspace.MajoritySimple, workspace.CollegeRuleEvery, 20,
			[][]workspace.CastBallot{ballots(state, yes, 8), ballots(returnees, no, 2)}, workspace.OutcomePollRejected, 3, 0},
		{"every college, nobody voted", 0, workspace.MajoritySimple, workspace.CollegeRuleEvery, 20,
			nil, workspace.OutcomePollRejected, 1, 0},

		// No college objects by a majority of its ballots.
		{"no objection: abstaining college does not object", 0, workspace.MajoritySimple, workspace.CollegeRuleNoObjection, 20,
			[][]workspace.CastBallot{ballots(state, yes, 5), ballots(returnees, no, 1), ballots(returnees, abstain, 1)}, workspace.OutcomePollAdopted, 2, 0},
		{"no objection: a college objects", 0, workspace.MajoritySimple, workspace.CollegeRuleNoObjection, 20,
			[][]workspace.CastBallot{ballots(state, yes, 5), ballots(returnees, no, 2), ballots(returnees, yes, 1)}, workspace.OutcomePollRejected, 3, 0},

		// The quorum comes before everything.
		{"colleges agree but no quorum", 60, workspace.MajoritySimple, workspace.CollegeRuleEvery, 10,
			[][]workspace.CastBallot{ballots(state, yes, 5)}, workspace.OutcomeNoQuorum, 1, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := yesNoPoll(t, tt.quorum, tt.majority, tt.colleges)
			var all []workspace.CastBallot
			for _, b := range tt.ballots {
				all = append(all, b...)
			}
			r := workspace.Tally(p, tt.electorate, all)
			if r.Outcome != tt.want || r.MajorityRequired != tt.wantRequired || r.QuorumRequired != tt.wantQuorum {
				t.Errorf("outcome %s, majority needs %d yes, quorum %d ballots; want %s, %d, %d (result %+v)",
					r.Outcome, r.MajorityRequired, r.QuorumRequired, tt.want, tt.wantRequired, tt.wantQuorum, r)
			}
			if r.Yes+r.No+r.Abstain != len(all) || r.Cast != len(all) {
				t.Errorf("counted %d yes, %d no, %d abstentions of %d ballots", r.Yes, r.No, r.Abstain, len(all))
			}
		})
	}

	t.Run("example figures", func(t *testing.T) {
		p := yesNoPoll(t, 50, workspace.MajoritySimple, workspace.CollegeRuleEvery)
		all := slices.Concat(ballots(state, yes, 8), ballots(civil, yes, 4), ballots(civil, no, 3), ballots(local, yes, 2), ballots(local, abstain, 2))
		r := workspace.Tally(p, 24, all)
		if r.Yes != 14 || r.No != 3 || r.Abstain != 2 || r.Cast != 19 || r.Electorate != 24 || !r.QuorumReached || !r.CollegesReached {
			t.Errorf("result = %+v", r)
		}
		want := []workspace.CollegeTally{
			{College: state, Yes: 8, Cast: 8, InFavour: true},
			{College: civil, Yes: 4, No: 3, Cast: 7, InFavour: true},
			{College: local, Yes: 2, Abstain: 2, Cast: 4, InFavour: true},
		}
		if !slices.Equal(r.Colleges, want) {
			t.Errorf("colleges = %+v, want %+v", r.Colleges, want)
		}
		if got := []int{r.Counts[0].Count, r.Counts[1].Count, r.Counts[2].Count}; !slices.Equal(got, []int{14, 3, 2}) {
			t.Errorf("counts = %v", got)
		}
	})

	t.Run("choices", func(t *testing.T) {
		item := int64(1)
		p := &workspace.Poll{Question: "Quel lieu ?", Kind: workspace.PollMultiple, Mode: workspace.BallotNamed,
			Unit: workspace.VotePerPerson, MeetingID: &item, AgendaItemID: &item, MinChoices: 1, MaxChoices: 2,
			Options: []*workspace.PollOption{{Label: "Mahdia"}, {Label: "El Jem"}, {Label: " "}, {Label: "Chebba"}}}
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		if len(p.Options) != 3 || p.Options[2].Label != "Chebba" || p.Options[2].Position != 3 {
			t.Fatalf("options = %+v", p.Options)
		}
		for i, o := range p.Options {
			o.ID = int64(10 + i)
		}
		b := func(ids ...int64) workspace.CastBallot { return workspace.CastBallot{College: civil, Choices: ids} }
		r := workspace.Tally(p, 10, []workspace.CastBallot{b(10, 11), b(10), b(12, 11)})
		if r.Outcome != workspace.OutcomeTie || !slices.Equal(r.Winners, []int64{10, 11}) {
			t.Errorf("tie: %s %v", r.Outcome, r.Winners)
		}
		r = workspace.Tally(p, 10, []workspace.CastBallot{b(10, 11), b(10)})
		if r.Outcome != workspace.OutcomeChosen || !slices.Equal(r.Winners, []int64{10}) {
			t.Errorf("chosen: %s %v", r.Outcome, r.Winners)
		}
		if r := workspace.Tally(p, 10, nil); r.Outcome != workspace.OutcomeNoBallots {
			t.Errorf("no ballots: %s", r.Outcome)
		}
		p.QuorumPercent = 50
		if r := workspace.Tally(p, 10, []workspace.CastBallot{b(10)}); r.Outcome != workspace.OutcomeNoQuorum {
			t.Errorf("no quorum: %s", r.Outcome)
		}
		for _, tt := range []struct {
			choices []int64
			ok      bool
		}{{[]int64{10}, true}, {[]int64{10, 12}, true}, {nil, false}, {[]int64{10, 11, 12}, false}, {[]int64{10, 10}, false}, {[]int64{99}, false}} {
			if err := p.CheckChoices(tt.choices); (err == nil) != tt.ok {
				t.Errorf("CheckChoices(%v) = %v, want ok %v", tt.choices, err, tt.ok)
			}
		}
	})

	t.Run("settings", func(t *testing.T) {
		item, proc := int64(1), int64(2)
		base := func() *workspace.Poll {
			return &workspace.Poll{Question: "Q", Kind: workspace.PollYesNo, Mode: workspace.BallotNamed, Unit: workspace.VotePerPerson,
				Majority: workspace.MajoritySimple, CollegeRule: workspace.CollegeRuleNone, MeetingID: &item, AgendaItemID: &item}
		}
		for _, tt := range []struct {
			name   string
			change func(*workspace.Poll)
			field  string
		}{
			{"no question", func(p *workspace.Poll) { p.Question = " " }, "question"},
			{"secret and changeable", func(p *workspace.Poll) { p.Mode, p.AllowChange = workspace.BallotSecret, true }, "allow_change"},
			{"quorum over 100", func(p *workspace.Poll) { p.QuorumPercent = 101 }, "quorum_percent"},
			{"no subject", func(p *workspace.Poll) { p.MeetingID, p.AgendaItemID = nil, nil }, "subject"},
			{"two subjects", func(p *workspace.Poll) { p.ProcedureID, p.VersionNumber = &proc, 1 }, "subject"},
			{"version as a choice", func(p *workspace.Poll) {
				p.MeetingID, p.AgendaItemID, p.ProcedureID, p.VersionNumber, p.Kind = nil, nil, &proc, 1, workspace.PollSingle
			}, "kind"},
			{"present without a meeting", func(p *workspace.Poll) {
				p.MeetingID, p.AgendaItemID, p.ProcedureID, p.VersionNumber, p.PresentOnly = nil, nil, &proc, 1, true
			}, "present_only"},
			{"unknown majority", func(p *workspace.Poll) { p.Majority = "most" }, "majority"},
			{"unknown college rule", func(p *workspace.Poll) { p.CollegeRule = "some" }, "college_rule"},
			{"invalid UTF-8", func(p *workspace.Poll) { p.Question = "\xff" }, "question"},
			{"one option", func(p *workspace.Poll) {
				p.Kind, p.Options = workspace.PollSingle, []*workspace.PollOption{{Label: "A"}}
			}, "options"},
			{"an option twice", func(p *workspace.Poll) {
				p.Kind, p.Options = workspace.PollSingle, []*workspace.PollOption{{Label: "A"}, {Label: "a"}}
			}, "options"},
			{"more choices than options", func(p *workspace.Poll) {
				p.Kind, p.MinChoices, p.MaxChoices = workspace.PollMultiple, 1, 3
				p.Options = []*workspace.PollOption{{Label: "A"}, {Label: "B"}}
			}, "max_choices"},
		} {
			p := base()
			tt.change(p)
			err := p.Validate()
			var e *workspace.Error
			if !asError(err, &e) || e.Code != workspace.EINVALID || e.Field != tt.field {
				t.Errorf("%s: Validate = %v, want EINVALID on %s", tt.name, err, tt.field)
			}
		}
		if err := base().Validate(); err != nil {
			t.Errorf("a valid poll: %v", err)
		}
	})
}

func asError(err error, target **workspace.Error) bool {
	e, ok := err.(*workspace.Error)
	if ok {
		*target = e
	}
	return ok
}

// TestSecretPollCollegeFigures: a secret poll shows its figures college
// by college only when every college that voted cast at least
// SecretCollegeMinBallots ballots; a named poll always does.
func TestSecretPollCollegeFigures(t *testing.T) {
	least := workspace.SecretCollegeMinBallots
	join := func(groups ...[]workspace.CastBallot) []workspace.CastBallot {
		var out []workspace.CastBallot
		for _, g := range groups {
			out = append(out, g...)
		}
		return out
	}
	tests := []struct {
		name    string
		ballots []workspace.CastBallot
		secret  bool
	}{
		{"every college large enough", join(ballots(state, yes, least), ballots(returnees, no, least)), true},
		{"one college of a single voter", join(ballots(state, yes, 2*least), ballots(returnees, no, 1)), false},
		{"one college one short", join(ballots(state, yes, least), ballots(civil, yes, least), ballots(returnees, abstain, least-1)), false},
		{"no ballot", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := yesNoPoll(t, 0, workspace.MajoritySimple, workspace.CollegeRuleEvery)
			res := workspace.Tally(p, 20, tt.ballots)
			if got := res.CollegeFiguresShown(workspace.BallotSecret); got != tt.secret {
				t.Errorf("secret poll: CollegeFiguresShown = %v, want %v", got, tt.secret)
			}
			if !res.CollegeFiguresShown(workspace.BallotNamed) {
				t.Errorf("named poll: CollegeFiguresShown = false, want true")
			}
		})
	}
}
