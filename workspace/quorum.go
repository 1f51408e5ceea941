package workspace

// QuorumRule says how many of a meeting's voting members must be present
// for the meeting to hold its quorum.
type QuorumRule string

// The quorum rules a meeting may use.
const (
	// QuorumNone asks for nobody: the meeting always holds.
	QuorumNone QuorumRule = "none"
	// QuorumOneThird asks for at least a third of the voting members.
	QuorumOneThird QuorumRule = "one_third"
	// QuorumHalfPlusOne asks for more than half of the voting members:
	// half plus one, rounded down (6 of 10, 6 of 11).
	QuorumHalfPlusOne QuorumRule = "half_plus_one"
	// QuorumTwoThirds asks for at least two thirds of the voting members.
	QuorumTwoThirds QuorumRule = "two_thirds"
)

// QuorumRules lists the rules in the order forms offer them.
var QuorumRules = []QuorumRule{QuorumHalfPlusOne, QuorumTwoThirds, QuorumOneThird, QuorumNone}

// Valid reports whether r is a known rule.
func (r QuorumRule) Valid() bool {
	for _, k := range QuorumRules {
		if r == k {
			return true
		}
	}
	return false
}

// Required returns how many of electorate voting members must be present
// under r. Shares are rounded up, so that "a third" of 10 is 4: the quorum
// is never less than the share the rule names.
func (r QuorumRule) Required(electorate int) int {
	if electorate <= 0 {
		return 0
	}
	switch r {
	case QuorumOneThird:
		return (electorate + 2) / 3
	case QuorumHalfPlusOne:
		return electorate/2 + 1
	case QuorumTwoThirds:
		return (2*electorate + 2) / 3
	}
	return 0
}

// Quorum is the quorum of a meeting at one moment: how many voting
// members were invited (Electorate), how many of them are present, how
// many must be.
type Quorum struct {
	Rule       QuorumRule
	Electorate int
	Present    int
	Required   int
	Reached    bool
}

// ComputeQuorum returns the quorum under rule of a meeting whose invited
// voting members number electorate, present of them being present. A
// meeting with no voting member invited reaches a quorum only under
// QuorumNone.
func ComputeQuorum(rule QuorumRule, electorate, present int) Quorum {
	if present < 0 {
		present = 0
	}
	if present > electorate {
		present = electorate
	}
	q := Quorum{Rule: rule, Electorate: electorate, Present: present, Required: rule.Required(electorate)}
	switch {
	case rule == QuorumNone:
		q.Reached = true
	case !rule.Valid() || electorate == 0:
		q.Reached = false
	default:
		q.Reached = present >= q.Required
	}
	return q
}

// QuorumOf returns the quorum under rule of the invitees: the electorate
// is the active invited accounts with a voting right, and present those
// of them marked present.
func QuorumOf(rule QuorumRule, invitees []*MeetingInvitee) Quorum {
	electorate, present := 0, 0
	for _, inv := range invitees {
		if inv.Account == nil || !inv.Account.Active || !inv.Account.CanVote {
			continue
		}
		electorate++
		if inv.Attendance == AttendancePresent {
			present++
		}
	}
	return ComputeQuorum(rule, electorate, present)
}
