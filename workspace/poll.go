package workspace

import (
	"strings"
	"time"
)

// PollKind says what a poll asks: yes, no or abstain on a proposal; one
// choice among options; or several choices, between a least and a most.
type PollKind string

// The kinds of polls.
const (
	PollYesNo    PollKind = "yes_no"
	PollSingle   PollKind = "single"
	PollMultiple PollKind = "multiple"
)

// PollKinds lists the kinds in the order forms offer them.
var PollKinds = []PollKind{PollYesNo, PollSingle, PollMultiple}

// Valid reports whether k is a known kind.
func (k PollKind) Valid() bool { return k == PollYesNo || k == PollSingle || k == PollMultiple }

// BallotMode says whether who voted what is known. In a named poll,
// members see each person's choice; in a secret poll nobody does — not
// the pages, the exports, the audit log, the logs or the database, which
// keeps who took part apart from the ballots.
type BallotMode string

// The ballot modes.
const (
	BallotNamed  BallotMode = "named"
	BallotSecret BallotMode = "secret"
)

// Valid reports whether m is a known mode.
func (m BallotMode) Valid() bool { return m == BallotNamed || m == BallotSecret }

// PollStatus is where a poll stands: a draft, whose settings may change;
// open, taking ballots; closed, with its result. It never goes back.
type PollStatus string

// The statuses of a poll.
const (
	PollDraft  PollStatus = "draft"
	PollOpen   PollStatus = "open"
	PollClosed PollStatus = "closed"
)

// VoteUnit says who holds a vote: each voting member, or each
// organisation with a voting member (its first ballot counts for it).
type VoteUnit string

// The units of a vote.
const (
	VotePerPerson       VoteUnit = "person"
	VotePerOrganisation VoteUnit = "organisation"
)

// Valid reports whether u is a known unit.
func (u VoteUnit) Valid() bool { return u == VotePerPerson || u == VotePerOrganisation }

// MajorityRule says how many of the votes must be in favour for a yes/no
// poll to be adopted.
type MajorityRule string

// The majority rules. Ballots cast count abstentions; votes expressed do
// not.
const (
	// MajoritySimple: more yes than no.
	MajoritySimple MajorityRule = "simple"
	// MajorityAbsolute: yes from more than half of the ballots cast,
	// abstentions included.
	MajorityAbsolute MajorityRule = "absolute"
	// MajorityTwoThirds: yes from at least two thirds of the votes
	// expressed (yes and no).
	MajorityTwoThirds MajorityRule = "two_thirds"
	// MajorityElectorate: yes from more than half of the whole
	// electorate, whether it voted or not.
	MajorityElectorate MajorityRule = "electorate"
)

// MajorityRules lists the rules in the order forms offer them.
var MajorityRules = []MajorityRule{MajoritySimple, MajorityAbsolute, MajorityTwoThirds, MajorityElectorate}

// Valid reports whether r is a known rule.
func (r MajorityRule) Valid() bool {
	for _, k := range MajorityRules {
		if r == k {
			return true
		}
	}
	return false
}

// CollegeRule adds a condition on the colleges to the majority of a
// yes/no poll, so that no college of the table is outvoted on what
// concerns it.
type CollegeRule string

// The college rules.
const (
	// CollegeRuleNone adds no condition.
	CollegeRuleNone CollegeRule = "none"
	// CollegeRuleEvery: in every college that cast a ballot, more yes
	// than no.
	CollegeRuleEvery CollegeRule = "every_college"
	// CollegeRuleNoObjection: no college where more than half of its
	// ballots cast say no.
	CollegeRuleNoObjection CollegeRule = "no_objection"
)

// CollegeRules lists the rules in the order forms offer them.
var CollegeRules = []CollegeRule{CollegeRuleNone, CollegeRuleEvery, CollegeRuleNoObjection}

// Valid reports whether r is a known rule.
func (r CollegeRule) Valid() bool {
	return r == CollegeRuleNone || r == CollegeRuleEvery || r == CollegeRuleNoObjection
}

// The keys of the options of a yes/no poll, in their order.
const (
	OptionYes     = "yes"
	OptionNo      = "no"
	OptionAbstain = "abstain"
)

// PollOption is one answer a poll offers. A yes/no poll's options are
// named by Key (OptionYes, OptionNo, OptionAbstain) and labelled in the
// reader's language; the others carry their Label.
type PollOption struct {
	ID       int64
	PollID   int64
	Position int
	Key      string
	Label    string
}

// Poll is a question put to the table's voting members: on an agenda item
// of a meeting, or on the adoption of a frozen version of a procedure.
type Poll struct {
	ID          int64
	Question    string
	Description string
	Kind        PollKind
	Mode        BallotMode
	Status      PollStatus
	Options     []*PollOption
	// MinChoices and MaxChoices bound a multiple-choice ballot; a single
	// or yes/no ballot holds exactly one choice.
	MinChoices, MaxChoices int
	Unit                   VoteUnit
	// PresentOnly keeps the electorate to the voting members marked
	// present at the poll's meeting.
	PresentOnly bool
	// QuorumPercent is the share of the electorate, in percent, that must
	// take part for the result to stand (0: none).
	QuorumPercent int
	Majority      MajorityRule
	CollegeRule   CollegeRule
	// AllowChange lets a voter change their ballot until the poll closes;
	// only named polls allow it, since a secret ballot cannot be found
	// again once cast.
	AllowChange bool

	// What it is about: an agenda item of a meeting, or a version of a
	// procedure (its adoption).
	MeetingID     *int64
	AgendaItemID  *int64
	ProcedureID   *int64
	VersionNumber int

	// ClosesAt, when set, closes the poll by itself.
	ClosesAt  *time.Time
	OpenedAt  *time.Time
	ClosedAt  *time.Time
	CreatedBy *int64
	CreatedAt time.Time
	UpdatedAt time.Time

	// Result is the tally, stored when the poll closes.
	Result *PollResult
}

// AboutVersion reports whether the poll is on the adoption of a version.
func (p *Poll) AboutVersion() bool { return p.ProcedureID != nil && p.VersionNumber > 0 }

// Validate trims p's texts and reports the first problem with its
// settings as an EINVALID *Error, or nil. A yes/no poll is given its three
// options here; the others need at least two labelled options.
func (p *Poll) Validate() error {
	p.Question = strings.TrimSpace(p.Question)
	p.Description = strings.TrimSpace(p.Description)
	if p.Question == "" {
		return Invalid("question", "error.poll.question_required", "A poll needs a question.")
	}
	if err := checkText("question", p.Question, 500); err != nil {
		return err
	}
	if err := checkText("description", p.Description, 5000); err != nil {
		return err
	}
	if !p.Kind.Valid() {
		return Invalid("kind", "error.poll.kind_invalid", "Choose the kind of poll.")
	}
	if !p.Mode.Valid() {
		return Invalid("mode", "error.poll.mode_invalid", "Choose a named or a secret ballot.")
	}
	if !p.Unit.Valid() {
		return Invalid("unit", "error.poll.unit_invalid", "Choose one vote per person or per organisation.")
	}
	if p.QuorumPercent < 0 || p.QuorumPercent > 100 {
		return Invalid("quorum_percent", "error.poll.quorum_invalid", "Give a quorum between 0 and 100 %.")
	}
	if p.Mode == BallotSecret && p.AllowChange {
		return Invalid("allow_change", "error.poll.secret_change", "A secret ballot cannot be changed once cast.")
	}
	if (p.MeetingID == nil) == (p.ProcedureID == nil) {
		return Invalid("subject", "error.poll.subject_required", "Put the poll on an agenda item or on a version of a procedure.")
	}
	if p.MeetingID != nil && p.AgendaItemID == nil {
		return Invalid("subject", "error.poll.subject_required", "Put the poll on an agenda item or on a version of a procedure.")
	}
	if p.ProcedureID != nil && (p.VersionNumber <= 0 || p.Kind != PollYesNo) {
		return Invalid("kind", "error.poll.version_yes_no", "The adoption of a version is a yes/no poll.")
	}
	if p.PresentOnly && p.MeetingID == nil {
		return Invalid("present_only", "error.poll.present_needs_meeting", "Only a poll in a meeting can keep to those present.")
	}
	switch p.Kind {
	case PollYesNo:
		if !p.Majority.Valid() {
			return Invalid("majority", "error.poll.majority_invalid", "Choose a majority rule.")
		}
		if !p.CollegeRule.Valid() {
			return Invalid("college_rule", "error.poll.college_rule_invalid", "Choose a rule for the colleges.")
		}
		p.Options = []*PollOption{{Position: 1, Key: OptionYes}, {Position: 2, Key: OptionNo}, {Position: 3, Key: OptionAbstain}}
		p.MinChoices, p.MaxChoices = 1, 1
	default:
		// Majorities and colleges decide adoption, which only a yes/no
		// poll has; a choice is won by the most votes.
		p.Majority, p.CollegeRule = MajoritySimple, CollegeRuleNone
		var kept []*PollOption
		seen := map[string]bool{}
		for _, o := range p.Options {
			o.Label, o.Key = strings.TrimSpace(o.Label), ""
			if o.Label == "" {
				continue
			}
			if err := checkLine("options", o.Label, 200); err != nil {
				return err
			}
			// Options that read the same (case, accents composed or
			// not, Arabic vowel marks, tatweel, bidi marks, spaces)
			// are one option, as organisations' names are.
			same := comparableName(o.Label)
			if same == "" {
				continue
			}
			if seen[same] {
				return Invalid("options", "error.poll.option_twice", "Each option is offered once.")
			}
			seen[same] = true
			o.Position = len(kept) + 1
			kept = append(kept, o)
		}
		if len(kept) < 2 || len(kept) > 50 {
			return Invalid("options", "error.poll.options_count", "Offer between 2 and 50 options.")
		}
		p.Options = kept
		if p.Kind == PollSingle {
			p.MinChoices, p.MaxChoices = 1, 1
		} else if p.MinChoices < 1 || p.MaxChoices < p.MinChoices || p.MaxChoices > len(kept) {
			return Invalid("max_choices", "error.poll.choices_bounds", "Give a least and a most number of choices that the options allow.")
		}
	}
	return nil
}

// CheckChoices reports whether choices (option ids) make a valid ballot
// of p: known options, none twice, as many as the poll asks.
func (p *Poll) CheckChoices(choices []int64) error {
	if len(choices) < p.MinChoices || len(choices) > p.MaxChoices {
		return Invalid("choices", "error.poll.choices_count", "Choose as many options as the poll asks.")
	}
	seen := map[int64]bool{}
	for _, c := range choices {
		known := false
		for _, o := range p.Options {
			if o.ID == c {
				known = true
				break
			}
		}
		if !known || seen[c] {
			return Invalid("choices", "error.poll.choice_unknown", "Choose among the poll's options.")
		}
		seen[c] = true
	}
	return nil
}
