package workspace

// SecretCollegeMinBallots is the fewest ballots every college that voted
// must have cast in a secret poll for the result to show figures college
// by college. The returnees' college of a table may count two or three
// members: its figures on their own would tell them, and each other, how
// the others voted. Withholding only the small college's figures would
// not do, since they are the totals less the other colleges' figures: a
// secret poll shows every college's figures or none.
const SecretCollegeMinBallots = 3

// CollegeFiguresShown reports whether r, a yes/no poll's result, may show
// its figures and stands college by college in a poll of mode: always in
// a named poll, whose ballots are named anyway; in a secret poll only
// when every college that voted cast at least SecretCollegeMinBallots
// ballots. When they are withheld, what the college rule found
// (CollegesReached, and the colleges that failed it) is still told: the
// outcome depends on it.
func (r *PollResult) CollegeFiguresShown(mode BallotMode) bool {
	if mode != BallotSecret {
		return true
	}
	for _, c := range r.Colleges {
		if c.Cast < SecretCollegeMinBallots {
			return false
		}
	}
	return true
}
