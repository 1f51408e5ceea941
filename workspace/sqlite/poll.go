package sqlite

// The store of votes. The signatures below are the contract the server,
// the live parts and the demo build on; every method is one transaction
// and, when it changes something, takes the Actor, reads its account
// again, checks the workspace rule (workspace/poll_rules.go), writes and
// audits. A secret poll's ballot is written with no voter and no time,
// under a random id, and its voter into poll_participants only; no audit
// entry, log line or error names a secret choice.

import (
	"context"
	"errors"
	"time"

	"tawla/workspace"
)

var errPollsNotYet = errors.New("sqlite: polls: not implemented yet")

// CreatePoll validates p and stores it as a draft with its options
// (CanManagePolls), setting its ID, the options' IDs and timestamps. Its
// agenda item must belong to its meeting, which must not be closed; its
// version must exist.
func (db *DB) CreatePoll(ctx context.Context, actor workspace.Actor, p *workspace.Poll) error {
	return errPollsNotYet
}

// UpdatePoll validates p and stores its settings and options over the
// poll with p.ID (CanChangePoll: a draft only).
func (db *DB) UpdatePoll(ctx context.Context, actor workspace.Actor, p *workspace.Poll) error {
	return errPollsNotYet
}

// OpenPoll opens a draft (CanManagePolls), which then takes ballots until
// it is closed or its ClosesAt passes. A ClosesAt already past is
// EINVALID.
func (db *DB) OpenPoll(ctx context.Context, actor workspace.Actor, id int64) (*workspace.Poll, error) {
	return nil, errPollsNotYet
}

// Vote is what CastVote did: Changed when it replaced the voter's earlier
// ballot (a named poll that allows it).
type Vote struct {
	Changed bool
}

// CastVote records the actor's ballot in poll id (CanCastVote; for a poll
// kept to those present, the actor marked present at its meeting; for a
// vote per organisation, its organisation's first ballot counts and a
// second member's is ECONFLICT). Voting again is ECONFLICT, or replaces
// the ballot where the poll allows changes. A poll whose ClosesAt has
// passed takes no ballot (ECONFLICT), even before the scheduler closed it.
func (db *DB) CastVote(ctx context.Context, actor workspace.Actor, id int64, choices []int64) (*Vote, error) {
	return nil, errPollsNotYet
}

// ClosePoll closes an open poll (CanManagePolls): it counts the
// electorate (active members with a voting right — those marked present
// at the meeting for a poll kept to them — or their organisations, for a
// vote per organisation), tallies the ballots (workspace.Tally) and stores
// the result; a poll on a version that is adopted marks the version
// adopted. Closing a closed poll changes nothing and returns it with the
// same result; closing a draft is ECONFLICT.
func (db *DB) ClosePoll(ctx context.Context, actor workspace.Actor, id int64) (*workspace.Poll, error) {
	return nil, errPollsNotYet
}

// ClosePollsDue closes, as the system, every open poll whose ClosesAt is
// at or before now, and returns them closed. The server calls it at start
// (a deadline that passed while it was down) and at each deadline.
func (db *DB) ClosePollsDue(ctx context.Context, now time.Time) ([]*workspace.Poll, error) {
	return nil, errPollsNotYet
}

// NextPollDeadline returns the earliest ClosesAt of an open poll, or nil.
func (db *DB) NextPollDeadline(ctx context.Context) (*time.Time, error) {
	return nil, errPollsNotYet
}

// FindPollByID returns poll id with its options and, once closed, its
// result, or ENOTFOUND.
func (db *DB) FindPollByID(ctx context.Context, id int64) (*workspace.Poll, error) {
	return nil, errPollsNotYet
}

// PollFilter selects polls; zero fields select every poll.
type PollFilter struct {
	MeetingID     int64
	AgendaItemID  int64
	ProcedureID   int64
	VersionNumber int
	Status        workspace.PollStatus
}

// FindPolls returns the polls filter selects, newest first, with their
// options and results.
func (db *DB) FindPolls(ctx context.Context, filter PollFilter) ([]*workspace.Poll, error) {
	return nil, errPollsNotYet
}

// PollTurnout returns how many voters took part in poll id so far.
func (db *DB) PollTurnout(ctx context.Context, id int64) (int, error) {
	return 0, errPollsNotYet
}

// HasVoted reports whether the voter the actor is in poll id (the account,
// or its organisation for a vote per organisation) has voted.
func (db *DB) HasVoted(ctx context.Context, actor workspace.Actor, id int64) (bool, error) {
	return false, errPollsNotYet
}

// NamedBallot is a ballot of a named poll, with its voter.
type NamedBallot struct {
	Account      *workspace.Account
	Organisation *workspace.Organisation
	College      workspace.College
	Choices      []int64
	CastAt       time.Time
}

// FindNamedBallots returns the ballots of named poll id with their voters
// (CanReadPolls); a secret poll's are never returned (EFORBIDDEN).
func (db *DB) FindNamedBallots(ctx context.Context, actor workspace.Actor, id int64) ([]*NamedBallot, error) {
	return nil, errPollsNotYet
}

// PollCounts returns the per-option counts of named poll id while it is
// open (a secret poll's are EFORBIDDEN until it closes: its result then
// holds them).
func (db *DB) PollCounts(ctx context.Context, id int64) ([]workspace.OptionCount, error) {
	return nil, errPollsNotYet
}
