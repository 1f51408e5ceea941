package server

import (
	"strings"
	"testing"

	"tawla/workspace"
)

// TestExplainPollResult checks the result of a poll explained in words in
// each language: the outcome, the figures, the quorum, the majority rule
// by name and, for a rejection, why — from a tally of real ballots.
func TestExplainPollResult(t *testing.T) {
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	const (
		state     = workspace.CollegeState
		civil     = workspace.CollegeCivil
		local     = workspace.CollegeLocal
		returnees = workspace.CollegeReturnees
	)
	yesNo := func(majority workspace.MajorityRule, colleges workspace.CollegeRule, quorum int) *workspace.Poll {
		p := &workspace.Poll{Question: "Q", Kind: workspace.PollYesNo, Mode: workspace.BallotSecret, Unit: workspace.VotePerPerson,
			Majority: majority, CollegeRule: colleges, QuorumPercent: quorum, ProcedureID: new(int64), VersionNumber: 1}
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		for i, o := range p.Options {
			o.ID = int64(i + 1)
		}
		return p
	}
	named := func(p *workspace.Poll) *workspace.Poll {
		p.Mode = workspace.BallotNamed
		return p
	}
	choice := func(labels ...string) *workspace.Poll {
		p := &workspace.Poll{Question: "Q", Kind: workspace.PollSingle, Mode: workspace.BallotNamed, Unit: workspace.VotePerPerson,
			MeetingID: new(int64), AgendaItemID: new(int64)}
		for _, l := range labels {
			p.Options = append(p.Options, &workspace.PollOption{Label: l})
		}
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		for i, o := range p.Options {
			o.ID = int64(i + 1)
		}
		return p
	}
	// ballots returns n ballots from college for option id.
	ballots := func(college workspace.College, id int64, n int) []workspace.CastBallot {
		out := make([]workspace.CastBallot, n)
		for i := range out {
			out[i] = workspace.CastBallot{College: college, Choices: []int64{id}}
		}
		return out
	}
	join := func(groups ...[]workspace.CastBallot) []workspace.CastBallot {
		var out []workspace.CastBallot
		for _, g := range groups {
			out = append(out, g...)
		}
		return out
	}
	const yes, no, abstain = 1, 2, 3
	nb := "\u00a0"

	tests := []struct {
		name       string
		lang       string
		poll       *workspace.Poll
		electorate int
		ballots    []workspace.CastBallot
		want       string
		colleges   []string
	}{
		{
			name: "AdoptedEveryCollege", lang: "fr",
			poll: yesNo(workspace.MajoritySimple, workspace.CollegeRuleEvery, 50), electorate: 24,
			ballots: join(ballots(state, yes, 8), ballots(state, no, 1), ballots(civil, yes, 4), ballots(civil, no, 2),
				ballots(local, yes, 2), ballots(local, abstain, 2)),
			want: "Adoptée — 14 oui, 3 non, 2 abstentions" + nb + "; quorum atteint" + nb + ": 19 votants sur 24" + nb +
				"; majorité simple atteinte" + nb + ": 14 oui, 4 requis" + nb + "; majorité favorable dans chaque collège",
			colleges: []string{"Services déconcentrés de l'État" + nb + ": 8 oui, 1 non, 0 abstention — favorable"},
		},
		{
			name: "RejectedMajority", lang: "en",
			poll: yesNo(workspace.MajorityAbsolute, workspace.CollegeRuleNone, 0), electorate: 20,
			ballots: join(ballots(state, yes, 8), ballots(civil, no, 6), ballots(local, abstain, 4)),
			want:    "Rejected — 8 yes, 6 no, 4 abstentions; 18 voted of 20; absolute majority not reached: 8 yes of 10 needed",
		},
		{
			name: "RejectedCollegeAgainst", lang: "ar",
			poll: yesNo(workspace.MajoritySimple, workspace.CollegeRuleNoObjection, 0), electorate: 12,
			ballots: join(ballots(state, yes, 6), ballots(civil, yes, 1), ballots(civil, no, 3)),
			want:    "تم الرفض — نعم: 7، لا: 3، احتفاظ: 0؛ صوّت 10 من أصل 12؛ تحققت الأغلبية البسيطة: نعم 7 والمطلوب 4؛ اعتراض الفئة: المجتمع المدني",
		},
		{
			name: "NoQuorum", lang: "fr",
			poll: yesNo(workspace.MajorityTwoThirds, workspace.CollegeRuleNone, 50), electorate: 24,
			ballots: join(ballots(state, yes, 9)),
			want: "Sans résultat, faute de quorum — 9 oui, 0 non, 0 abstention" + nb + "; quorum non atteint" + nb +
				": 9 votants, 12 requis sur 24" + nb + "; majorité des deux tiers atteinte" + nb + ": 9 oui, 6 requis",
		},
		{
			name: "RejectedEveryCollege", lang: "en",
			poll: yesNo(workspace.MajoritySimple, workspace.CollegeRuleEvery, 0), electorate: 10,
			ballots: join(ballots(state, yes, 5), ballots(local, no, 2), ballots(local, yes, 1)),
			want:    "Rejected — 6 yes, 2 no, 0 abstentions; 8 voted of 10; simple majority reached: 6 yes, 3 needed; no majority in favour in the college: Local authorities",
		},
		{
			// A secret ballot keeps its college only under a college rule.
			name: "OneVoterFrench", lang: "fr",
			poll: yesNo(workspace.MajoritySimple, workspace.CollegeRuleEvery, 0), electorate: 3,
			ballots: join(ballots(civil, abstain, 1)),
			want: "Rejetée — 0 oui, 0 non, 1 abstention" + nb + "; 1 votant sur 3" + nb + "; majorité simple non atteinte" + nb + ": 0 oui sur 1 requis" +
				nb + "; pas de majorité favorable dans au moins un collège",
			colleges: []string{"Résultats par collège non publiés" + nb + ": dans ce scrutin secret, un collège compte moins de 3 votants, et ses chiffres révéleraient leur vote."},
		},
		{
			name: "OneVoterNamed", lang: "fr",
			poll: named(yesNo(workspace.MajoritySimple, workspace.CollegeRuleNone, 0)), electorate: 3,
			ballots:  join(ballots(civil, abstain, 1)),
			want:     "Rejetée — 0 oui, 0 non, 1 abstention" + nb + "; 1 votant sur 3" + nb + "; majorité simple non atteinte" + nb + ": 0 oui sur 1 requis",
			colleges: []string{"Société civile" + nb + ": 0 oui, 0 non, 1 abstention — pas de majorité favorable"},
		},
		{
			// The rule's finding is told even when the figures are not,
			// without naming the college whose two voters it would expose.
			name: "SecretSmallCollegeAgainst", lang: "en",
			poll: yesNo(workspace.MajoritySimple, workspace.CollegeRuleEvery, 0), electorate: 10,
			ballots:  join(ballots(state, yes, 6), ballots(returnees, no, 1), ballots(returnees, abstain, 1)),
			want:     "Rejected — 6 yes, 1 no, 1 abstention; 8 voted of 10; simple majority reached: 6 yes, 2 needed; no majority in favour in at least one college",
			colleges: []string{"Figures by college not shown: in this secret ballot a college has fewer than 3 voters, and its figures would reveal how they voted."},
		},
		{
			name: "Chosen", lang: "en",
			poll: choice("El Jem", "Chebba", "Bou Merdes"), electorate: 9,
			ballots: join(ballots(state, 2, 5), ballots(civil, 1, 2)),
			want:    "Chosen: Chebba (votes: 5); 7 voted of 9",
		},
		{
			name: "Tie", lang: "fr",
			poll: choice("El Jem", "Chebba"), electorate: 4,
			ballots: join(ballots(state, 1, 2), ballots(civil, 2, 2)),
			want:    "Égalité entre El Jem, Chebba (2 voix chacun)" + nb + "; 4 votants sur 4",
		},
		{
			name: "ChosenArabic", lang: "ar",
			poll: choice("المهدية", "الجم"), electorate: 5,
			ballots: join(ballots(state, 2, 3)),
			want:    "الخيار المعتمد: الجم (عدد الأصوات: 3)؛ صوّت 3 من أصل 5",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := cat.localizer(tt.lang)
			res := workspace.Tally(tt.poll, tt.electorate, tt.ballots)
			if got := explainPollResult(l, tt.poll, res); got != tt.want {
				t.Errorf("explainPollResult =\n  %q\nwant\n  %q", got, tt.want)
			}
			lines := explainColleges(l, tt.poll, res)
			if withheld := collegesWithheld(l, tt.poll, res); withheld != "" {
				if len(lines) != 0 {
					t.Errorf("college lines %q beside %q", lines, withheld)
				}
				lines = append(lines, withheld)
			}
			for _, want := range tt.colleges {
				found := false
				for _, line := range lines {
					found = found || line == want
				}
				if !found {
					t.Errorf("college lines %q lack %q", lines, want)
				}
			}
			for _, line := range lines {
				if strings.Contains(line, "{{") || strings.Contains(line, "<no value>") {
					t.Errorf("college line %q has a placeholder left", line)
				}
			}
		})
	}
	if got := explainPollResult(cat.localizer("fr"), yesNo(workspace.MajoritySimple, workspace.CollegeRuleNone, 0), nil); got != "" {
		t.Errorf("no result explained as %q, want nothing", got)
	}
}
