package meeting

import (
	"context"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// PollStateKind is the kind of a poll's live state event (topic poll:N).
const PollStateKind = "poll.state"

// PollState is a poll as the live channel shows it (docs/protocol.md,
// "Votes"): the data of a poll.state event on the topic poll:N, and the
// poll slot of a meeting's room (State.Poll). It tells how many have
// voted, the per-option counts of a named poll while it is open, and the
// result once closed; it names no voter, so that nothing it carries links
// a person to a secret choice.
type PollState struct {
	Kind     string               `json:"kind"`
	Poll     int64                `json:"poll"`
	Question string               `json:"question"`
	PollKind workspace.PollKind   `json:"poll_kind"`
	Mode     workspace.BallotMode `json:"mode"`
	Status   workspace.PollStatus `json:"status"`
	// Meeting and Item are the agenda item the poll is on, or null.
	Meeting *int64       `json:"meeting"`
	Item    *int64       `json:"item"`
	Options []PollOption `json:"options"`
	Turnout int          `json:"turnout"`
	// Counts are the per-option counts of a named poll while it is open;
	// null otherwise (a closed poll's are in Result).
	Counts   []PollCount  `json:"counts"`
	ClosesAt *string      `json:"closes_at"`
	Result   *PollFigures `json:"result"`
}

// PollOption is one answer a poll offers: a yes/no poll's are named by
// Key ("yes", "no", "abstain"), the others by Label.
type PollOption struct {
	ID    int64  `json:"id"`
	Key   string `json:"key"`
	Label string `json:"label"`
}

// PollCount is how many ballots chose an option.
type PollCount struct {
	Option int64 `json:"option"`
	Count  int   `json:"count"`
}

// PollCollege is a yes/no poll's figures in one college.
type PollCollege struct {
	College  workspace.College `json:"college"`
	Yes      int               `json:"yes"`
	No       int               `json:"no"`
	Abstain  int               `json:"abstain"`
	Cast     int               `json:"cast"`
	InFavour bool              `json:"in_favour"`
	Objects  bool              `json:"objects"`
}

// PollFigures is a closed poll's result: its outcome and every figure the
// rules looked at (workspace.PollResult).
type PollFigures struct {
	Outcome          workspace.PollOutcome  `json:"outcome"`
	Electorate       int                    `json:"electorate"`
	Cast             int                    `json:"cast"`
	Counts           []PollCount            `json:"counts"`
	QuorumPercent    int                    `json:"quorum_percent"`
	QuorumRequired   int                    `json:"quorum_required"`
	QuorumReached    bool                   `json:"quorum_reached"`
	Yes              int                    `json:"yes"`
	No               int                    `json:"no"`
	Abstain          int                    `json:"abstain"`
	Majority         workspace.MajorityRule `json:"majority"`
	MajorityRequired int                    `json:"majority_required"`
	MajorityReached  bool                   `json:"majority_reached"`
	CollegeRule      workspace.CollegeRule  `json:"college_rule"`
	Colleges         []PollCollege          `json:"colleges"`
	CollegesReached  bool                   `json:"colleges_reached"`
	// CollegesFailed names the colleges that failed the college rule.
	// CollegesWithheld is set, and Colleges and CollegesFailed left
	// empty, when a secret poll's figures by college would tell how a
	// small college voted (workspace.PollResult.CollegeFiguresShown):
	// that a college of one voter failed the rule would tell it too.
	// CollegesReached still says whether the rule was met.
	CollegesWithheld bool                `json:"colleges_withheld"`
	CollegesFailed   []workspace.College `json:"colleges_failed"`
	Winners          []int64             `json:"winners"`
}

// NewPollState returns the live state of p with its turnout and, for a
// named poll while open, its per-option counts (nil otherwise; a secret
// poll's counts are never taken while it is open).
func NewPollState(p *workspace.Poll, turnout int, counts []workspace.OptionCount) *PollState {
	st := &PollState{
		Kind: PollStateKind, Poll: p.ID, Question: p.Question, PollKind: p.Kind, Mode: p.Mode,
		Status: p.Status, Meeting: p.MeetingID, Item: p.AgendaItemID, Turnout: turnout,
		Options: make([]PollOption, 0, len(p.Options)), ClosesAt: formatTimePtr(p.ClosesAt),
	}
	for _, o := range p.Options {
		st.Options = append(st.Options, PollOption{ID: o.ID, Key: o.Key, Label: o.Label})
	}
	if p.Mode == workspace.BallotNamed && p.Status == workspace.PollOpen {
		st.Counts = pollCounts(counts)
	}
	if r := p.Result; r != nil && p.Status == workspace.PollClosed {
		f := &PollFigures{
			Outcome: r.Outcome, Electorate: r.Electorate, Cast: r.Cast, Counts: pollCounts(r.Counts),
			QuorumPercent: r.QuorumPercent, QuorumRequired: r.QuorumRequired, QuorumReached: r.QuorumReached,
			Yes: r.Yes, No: r.No, Abstain: r.Abstain,
			Majority: r.Majority, MajorityRequired: r.MajorityRequired, MajorityReached: r.MajorityReached,
			CollegeRule: r.CollegeRule, Colleges: make([]PollCollege, 0, len(r.Colleges)),
			CollegesReached: r.CollegesReached, Winners: append(make([]int64, 0, len(r.Winners)), r.Winners...),
		}
		f.CollegesFailed = []workspace.College{}
		if r.CollegeFiguresShown(p.Mode) {
			f.CollegesFailed = append(f.CollegesFailed, r.FailedColleges()...)
			for _, c := range r.Colleges {
				f.Colleges = append(f.Colleges, PollCollege{College: c.College, Yes: c.Yes, No: c.No,
					Abstain: c.Abstain, Cast: c.Cast, InFavour: c.InFavour, Objects: c.Objects})
			}
		} else {
			f.CollegesWithheld = true
		}
		st.Result = f
		st.Turnout = r.Cast
	}
	return st
}

func pollCounts(counts []workspace.OptionCount) []PollCount {
	out := make([]PollCount, 0, len(counts))
	for _, c := range counts {
		out = append(out, PollCount{Option: c.OptionID, Count: c.Count})
	}
	return out
}

// ReadPollState reads poll id's live state from db: the poll, its turnout
// and, for a named poll while open, its counts.
func ReadPollState(ctx context.Context, db *sqlite.DB, id int64) (*PollState, error) {
	p, err := db.FindPollByID(ctx, id)
	if err != nil {
		return nil, err
	}
	return readPollState(ctx, db, p)
}

func readPollState(ctx context.Context, db *sqlite.DB, p *workspace.Poll) (*PollState, error) {
	var turnout int
	var counts []workspace.OptionCount
	if p.Status == workspace.PollOpen {
		var err error
		if turnout, err = db.PollTurnout(ctx, p.ID); err != nil {
			return nil, err
		}
		if p.Mode == workspace.BallotNamed {
			if counts, err = db.PollCounts(ctx, p.ID); err != nil {
				return nil, err
			}
		}
	}
	return NewPollState(p, turnout, counts), nil
}

// roomPoll picks the poll a meeting's room shows: an open poll of the
// meeting (the current item's first, then the newest), or else the last
// closed poll of the current item; nil when there is none. polls are the
// meeting's, newest first.
func roomPoll(polls []*workspace.Poll, currentItem *int64) *workspace.Poll {
	onCurrent := func(p *workspace.Poll) bool {
		return currentItem != nil && p.AgendaItemID != nil && *p.AgendaItemID == *currentItem
	}
	var open, closed *workspace.Poll
	for _, p := range polls {
		switch p.Status {
		case workspace.PollOpen:
			if open == nil || (onCurrent(p) && !onCurrent(open)) {
				open = p
			}
		case workspace.PollClosed:
			if closed == nil && onCurrent(p) {
				closed = p
			}
		}
	}
	if open != nil {
		return open
	}
	return closed
}

// readRoomPoll reads the poll slot of meeting meetingID's room.
func readRoomPoll(ctx context.Context, db *sqlite.DB, meetingID int64, currentItem *int64) (*PollState, error) {
	polls, err := db.FindPolls(ctx, sqlite.PollFilter{MeetingID: meetingID})
	if err != nil {
		return nil, err
	}
	p := roomPoll(polls, currentItem)
	if p == nil {
		return nil, nil
	}
	return readPollState(ctx, db, p)
}
