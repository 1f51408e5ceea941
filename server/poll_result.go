package server

import (
	"strings"

	"tawla/workspace"
)

// The result of a closed poll explained in words, in the reader's
// language, from the figures the tally kept (workspace.PollResult): the
// outcome, the counts, the turnout against the quorum, the majority rule
// by name and whether it was reached, and the colleges' condition — so
// that a rejection says why. For example, in French: "Adoptée — 14 oui,
// 3 non, 2 abstentions ; quorum atteint : 19 votants sur 24 ; majorité
// simple atteinte : 14 oui, 4 requis ; majorité favorable dans chaque
// collège".

// explainPollResult returns the result of poll in words in l's language.
func explainPollResult(l *localizer, poll *workspace.Poll, res *workspace.PollResult) string {
	if res == nil {
		return ""
	}
	var head string
	var parts []string
	if poll.Kind == workspace.PollYesNo {
		head = l.T("poll.result.outcome." + string(res.Outcome))
		head += " — " + l.N("poll.result.figures", res.Abstain, "Yes", res.Yes, "No", res.No)
	} else {
		head = choiceHead(l, res)
	}
	parts = append(parts, turnoutPart(l, res))
	if poll.Kind == workspace.PollYesNo {
		rule := l.T("poll.majority." + string(res.Majority))
		if res.MajorityReached {
			parts = append(parts, l.T("poll.result.majority_reached", "Rule", rule, "Yes", res.Yes, "Required", res.MajorityRequired))
		} else {
			parts = append(parts, l.T("poll.result.majority_missed", "Rule", rule, "Yes", res.Yes, "Required", res.MajorityRequired))
		}
		if part := collegePart(l, poll, res); part != "" {
			parts = append(parts, part)
		}
	}
	return head + l.T("poll.result.separator") + strings.Join(parts, l.T("poll.result.separator"))
}

// choiceHead states the outcome of a choice poll: the option chosen, the
// options level at the top, or that nothing was chosen.
func choiceHead(l *localizer, res *workspace.PollResult) string {
	if res.Outcome == workspace.OutcomeNoQuorum {
		return l.T("poll.result.outcome.no_quorum")
	}
	var names []string
	top := 0
	for _, c := range res.Counts {
		for _, w := range res.Winners {
			if w == c.OptionID {
				names = append(names, pollOptionLabel(l, c))
				top = c.Count
			}
		}
	}
	switch res.Outcome {
	case workspace.OutcomeChosen:
		return l.T("poll.result.chosen", "Name", strings.Join(names, ""), "Count", top)
	case workspace.OutcomeTie:
		return l.T("poll.result.tie", "Names", strings.Join(names, l.T("poll.result.list_separator")), "Count", top)
	}
	return l.T("poll.result.outcome.no_ballots")
}

// turnoutPart states how many voted of how many could, against the quorum
// when the poll has one.
func turnoutPart(l *localizer, res *workspace.PollResult) string {
	switch {
	case res.QuorumPercent == 0:
		return l.N("poll.result.turnout", res.Cast, "Electorate", res.Electorate)
	case res.QuorumReached:
		return l.N("poll.result.quorum_reached", res.Cast, "Electorate", res.Electorate)
	default:
		return l.N("poll.result.quorum_missed", res.Cast, "Required", res.QuorumRequired, "Electorate", res.Electorate)
	}
}

// collegePart states the colleges' condition of a yes/no poll, naming the
// colleges that failed it unless the poll is secret and withholds its
// figures by college; "" when the poll has none.
func collegePart(l *localizer, poll *workspace.Poll, res *workspace.PollResult) string {
	var failed []string
	for _, c := range res.FailedColleges() {
		failed = append(failed, l.T("college."+string(c)))
	}
	// Where the figures by college are withheld, so are the names: that a
	// college of one voter failed the rule would tell how that voter voted.
	unnamed := ""
	if !res.CollegeFiguresShown(poll.Mode) {
		unnamed = "_unnamed"
	}
	names := strings.Join(failed, l.T("poll.result.list_separator"))
	switch res.CollegeRule {
	case workspace.CollegeRuleEvery:
		if res.CollegesReached {
			return l.T("poll.result.every_college_reached")
		}
		if len(failed) == 0 {
			return l.T("poll.result.every_college_none")
		}
		return l.T("poll.result.every_college_missed"+unnamed, "Names", names)
	case workspace.CollegeRuleNoObjection:
		if res.CollegesReached {
			return l.T("poll.result.no_objection_reached")
		}
		return l.T("poll.result.no_objection_missed"+unnamed, "Names", names)
	}
	return ""
}

// explainColleges returns one line per college that voted in a yes/no
// poll: its figures and where it stood. It returns none for a secret poll
// where a college cast too few ballots for its figures to keep the vote
// secret (workspace.PollResult.CollegeFiguresShown): collegesWithheld
// then says so, and what the college rule found stays in the explanation
// (collegePart).
func explainColleges(l *localizer, poll *workspace.Poll, res *workspace.PollResult) []string {
	if !res.CollegeFiguresShown(poll.Mode) {
		return nil
	}
	var out []string
	for _, c := range res.Colleges {
		stand := "poll.college.not_in_favour"
		switch {
		case c.Objects:
			stand = "poll.college.objects"
		case c.InFavour:
			stand = "poll.college.in_favour"
		}
		out = append(out, l.N("poll.college.line", c.Abstain, "College", l.T("college."+string(c.College)),
			"Yes", c.Yes, "No", c.No, "Stand", l.T(stand)))
	}
	return out
}

// collegesWithheld returns the line that tells why a secret poll's result
// shows no figures by college, or "" when it shows them.
func collegesWithheld(l *localizer, poll *workspace.Poll, res *workspace.PollResult) string {
	if res.CollegeFiguresShown(poll.Mode) {
		return ""
	}
	return l.T("poll.college.withheld", "Min", workspace.SecretCollegeMinBallots)
}
