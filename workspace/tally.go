package workspace

// PollOutcome is what a closed poll decided.
type PollOutcome string

// The outcomes of a poll.
const (
	// OutcomeNoQuorum: too few took part for the result to stand.
	OutcomeNoQuorum PollOutcome = "no_quorum"
	// OutcomePollAdopted and OutcomePollRejected end a yes/no poll.
	OutcomePollAdopted  PollOutcome = "adopted"
	OutcomePollRejected PollOutcome = "rejected"
	// OutcomeChosen ends a choice poll with one option ahead of the
	// others; OutcomeTie with several level at the top; OutcomeNoBallots
	// with no choice made at all.
	OutcomeChosen    PollOutcome = "chosen"
	OutcomeTie       PollOutcome = "tie"
	OutcomeNoBallots PollOutcome = "no_ballots"
)

// CastBallot is a ballot as the tally sees it: the options chosen, and the
// college of the member (or, for a vote per organisation, of the
// organisation) who cast it. It names nobody.
type CastBallot struct {
	College College
	Choices []int64
}

// OptionCount is how many ballots chose an option.
type OptionCount struct {
	OptionID int64
	Key      string
	Label    string
	Count    int
}

// CollegeTally is a yes/no poll's ballots from one college.
type CollegeTally struct {
	College          College
	Yes, No, Abstain int
	Cast             int
	// InFavour: more yes than no. Objects: more than half of the
	// college's ballots say no.
	InFavour bool
	Objects  bool
}

// PollResult is the tally of a poll, with what the explanation of its
// outcome needs: every figure the rules looked at.
type PollResult struct {
	Outcome PollOutcome
	// Electorate is how many could vote; Cast how many ballots were cast.
	Electorate int
	Cast       int
	Counts     []OptionCount

	// QuorumPercent is the poll's rule; QuorumRequired the ballots it
	// asked for.
	QuorumPercent  int
	QuorumRequired int
	QuorumReached  bool

	// For a yes/no poll: the figures, the rule, the yes it needed.
	Yes, No, Abstain int
	Majority         MajorityRule
	MajorityRequired int
	MajorityReached  bool
	CollegeRule      CollegeRule
	Colleges         []CollegeTally
	CollegesReached  bool

	// Winners are the options with the most votes in a choice poll.
	Winners []int64
}

// Tally counts ballots cast in p by an electorate of electorate and
// decides the outcome under p's rules. It reads the ballots' choices and
// colleges only, so a secret poll's tally names nobody. Tally does not
// check the ballots: the store only keeps valid ones (Poll.CheckChoices).
func Tally(p *Poll, electorate int, ballots []CastBallot) *PollResult {
	r := &PollResult{
		Electorate:    electorate,
		Cast:          len(ballots),
		QuorumPercent: p.QuorumPercent,
		Majority:      p.Majority,
		CollegeRule:   p.CollegeRule,
	}
	index := map[int64]int{}
	for i, o := range p.Options {
		index[o.ID] = i
		r.Counts = append(r.Counts, OptionCount{OptionID: o.ID, Key: o.Key, Label: o.Label})
	}
	for _, b := range ballots {
		for _, c := range b.Choices {
			if i, ok := index[c]; ok {
				r.Counts[i].Count++
			}
		}
	}

	// The quorum: at least QuorumPercent of the electorate took part,
	// compared in whole numbers so that 50 % of 5 asks for 3.
	r.QuorumRequired = (p.QuorumPercent*electorate + 99) / 100
	r.QuorumReached = r.Cast*100 >= p.QuorumPercent*electorate

	if p.Kind == PollYesNo {
		r.tallyYesNo(p, ballots)
	} else {
		r.tallyChoice()
	}
	if !r.QuorumReached {
		r.Outcome = OutcomeNoQuorum
	}
	return r
}

// tallyYesNo counts yes, no and abstentions overall and per college, and
// applies the majority and college rules.
func (r *PollResult) tallyYesNo(p *Poll, ballots []CastBallot) {
	keyOf := map[int64]string{}
	for _, o := range p.Options {
		keyOf[o.ID] = o.Key
	}
	byCollege := map[College]*CollegeTally{}
	for _, b := range ballots {
		ct := byCollege[b.College]
		if ct == nil {
			ct = &CollegeTally{College: b.College}
			byCollege[b.College] = ct
		}
		ct.Cast++
		for _, c := range b.Choices {
			switch keyOf[c] {
			case OptionYes:
				r.Yes++
				ct.Yes++
			case OptionNo:
				r.No++
				ct.No++
			case OptionAbstain:
				r.Abstain++
				ct.Abstain++
			}
		}
	}

	switch p.Majority {
	case MajoritySimple:
		r.MajorityRequired = r.No + 1
		r.MajorityReached = r.Yes > r.No
	case MajorityAbsolute:
		r.MajorityRequired = r.Cast/2 + 1
		r.MajorityReached = 2*r.Yes > r.Cast
	case MajorityTwoThirds:
		expressed := r.Yes + r.No
		r.MajorityRequired = max((2*expressed+2)/3, 1)
		r.MajorityReached = r.Yes > 0 && 3*r.Yes >= 2*expressed
	case MajorityElectorate:
		r.MajorityRequired = r.Electorate/2 + 1
		r.MajorityReached = 2*r.Yes > r.Electorate
	}

	r.CollegesReached = true
	for _, c := range Colleges {
		ct := byCollege[c]
		if ct == nil {
			continue
		}
		ct.InFavour = ct.Yes > ct.No
		ct.Objects = 2*ct.No > ct.Cast
		r.Colleges = append(r.Colleges, *ct)
		switch p.CollegeRule {
		case CollegeRuleEvery:
			if !ct.InFavour {
				r.CollegesReached = false
			}
		case CollegeRuleNoObjection:
			if ct.Objects {
				r.CollegesReached = false
			}
		}
	}
	if p.CollegeRule == CollegeRuleEvery && len(r.Colleges) == 0 {
		r.CollegesReached = false
	}

	if r.MajorityReached && r.CollegesReached {
		r.Outcome = OutcomePollAdopted
	} else {
		r.Outcome = OutcomePollRejected
	}
}

// tallyChoice finds the options with the most votes.
func (r *PollResult) tallyChoice() {
	top := 0
	for _, c := range r.Counts {
		top = max(top, c.Count)
	}
	if top == 0 {
		r.Outcome = OutcomeNoBallots
		return
	}
	for _, c := range r.Counts {
		if c.Count == top {
			r.Winners = append(r.Winners, c.OptionID)
		}
	}
	if len(r.Winners) == 1 {
		r.Outcome = OutcomeChosen
	} else {
		r.Outcome = OutcomeTie
	}
}

// FailedColleges returns the colleges that failed r's college rule, in
// the order of Colleges: under CollegeRuleEvery those without a majority
// in favour, under CollegeRuleNoObjection those that object; none under
// CollegeRuleNone.
func (r *PollResult) FailedColleges() []College {
	var failed []College
	for _, c := range r.Colleges {
		switch {
		case r.CollegeRule == CollegeRuleEvery && !c.InFavour,
			r.CollegeRule == CollegeRuleNoObjection && c.Objects:
			failed = append(failed, c.College)
		}
	}
	return failed
}
