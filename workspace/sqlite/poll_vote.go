package sqlite

// The ballots of polls: casting them, and what may be read of them while
// a poll is open. A named ballot is kept with its voter (named_ballots);
// a secret ballot is kept with no voter and no time, under a random id
// (secret_ballots), and who took part in poll_participants, with nothing
// that ties the one to the other. One ballot per voter is held by the
// primary keys of poll_participants and named_ballots as well as checked
// here, so that two ballots racing past the check still make one.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	sqlite3 "github.com/mattn/go-sqlite3"

	"tawla/workspace"
)

// Vote is what CastVote did: Changed when it replaced the voter's earlier
// ballot (a named poll that allows it); Repeated when the ballot was
// already stored as sent — the same sending again (its submission), or,
// in a named poll, the same choices again — so that nothing changed and
// the voter's ballot stands.
type Vote struct {
	Changed  bool
	Repeated bool
}

// maxSubmissionLength bounds a sending's submission token.
const maxSubmissionLength = 64

// voteAudit is what the audit log keeps of a named ballot. A secret
// ballot's entry keeps nothing but the poll and the voter, its actor.
type voteAudit struct {
	Choices []int64 `json:"choices"`
	Changed bool    `json:"changed,omitempty"`
}

// The refusals of a second ballot.
var (
	errAlreadyVoted = &workspace.Error{Code: workspace.ECONFLICT, Key: "error.poll.already_voted",
		Message: "You have already voted in this poll."}
	errOrganisationVoted = &workspace.Error{Code: workspace.ECONFLICT, Key: "error.poll.organisation_voted",
		Message: "Another member of your organisation has already voted for it in this poll."}
	errSubmissionInvalid = workspace.Invalid("submission", "error.poll.submission_invalid",
		"The sending of this ballot is not named as expected: reload the page and vote again.")
)

// CastVote records the actor's ballot in poll id (CanCastVote; for a poll
// kept to those present, the actor marked present at its meeting; for a
// vote per organisation, its organisation's first ballot counts and a
// second member's is ECONFLICT). Voting again is ECONFLICT, or replaces
// the ballot where the poll allows changes, whatever voter the account
// cast its ballot for: an account moved to another organisation after
// voting does not vote again for the new one. A poll whose ClosesAt has
// passed takes no ballot (ECONFLICT), even before the scheduler closed it.
func (db *DB) CastVote(ctx context.Context, actor workspace.Actor, id int64, choices []int64) (*Vote, error) {
	return db.SubmitVote(ctx, actor, id, choices, "")
}

// SubmitVote is CastVote for a sending that may be repeated: submission
// is a token drawn by the page for one sending of its ballot (up to 64
// letters, digits, '-' and '_'; "" for none), kept with the account that
// voted and never with the ballot. The account's ballot already stored
// under the same submission, or in a named poll with the same choices,
// answers Vote.Repeated and changes nothing, so that a page posting its
// form again after the live channel dropped its answer is told that its
// ballot is recorded. An account that voted already is told so
// (error.poll.already_voted), and a member whose organisation's ballot
// another member cast is told that (error.poll.organisation_voted).
func (db *DB) SubmitVote(ctx context.Context, actor workspace.Actor, id int64, choices []int64, submission string) (*Vote, error) {
	if !validSubmission(submission) {
		return nil, errSubmissionInvalid
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	if actor, err = findActor(ctx, tx, actor); err != nil {
		return nil, err
	}
	p, err := findPollByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := workspace.CanCastVote(actor, p); err != nil {
		return nil, err
	}
	now := db.Now()
	if p.ClosesAt != nil && !now.Before(*p.ClosesAt) {
		return nil, &workspace.Error{Code: workspace.ECONFLICT, Key: "error.poll.not_open", Message: "The poll is not open."}
	}
	if actor.AccountID == nil {
		// Only an account holds a vote (CanCastVote refuses the others).
		return nil, &workspace.Error{Code: workspace.EFORBIDDEN, Key: "error.poll.no_vote", Message: "You have no voting right."}
	}
	accountID := *actor.AccountID
	if p.PresentOnly {
		present, err := isPresent(ctx, tx, *p.MeetingID, accountID)
		if err != nil {
			return nil, err
		} else if !present {
			return nil, &workspace.Error{Code: workspace.EFORBIDDEN, Key: "error.poll.not_present",
				Message: "Only those marked present at the meeting vote in this poll."}
		}
	}
	if err := p.CheckChoices(choices); err != nil {
		return nil, err
	}
	var college workspace.College
	if err := tx.GetContext(ctx, &college, `SELECT college FROM organisations WHERE id = ?`, actor.OrganisationID); err != nil {
		return nil, fmt.Errorf("sqlite: cast vote: %w", err)
	}
	key := voterKey(p, accountID, actor.OrganisationID)
	encoded, err := json.Marshal(choices)
	if err != nil {
		return nil, fmt.Errorf("sqlite: cast vote: %w", err)
	}

	earlier, err := findEarlierVote(ctx, tx, p, accountID)
	if err != nil {
		return nil, err
	}
	if earlier != nil {
		// The account voted already, for whichever voter it was then.
		switch {
		case submission != "" && earlier.submission == submission,
			earlier.named != nil && sameChoices(earlier.named.choices, choices):
			return &Vote{Repeated: true}, nil
		case earlier.named == nil || !p.AllowChange:
			return nil, errAlreadyVoted
		}
		if err := changeNamed(ctx, tx, p, accountID, string(encoded), now); err != nil {
			return nil, err
		}
		after := voteAudit{Choices: choices, Changed: true}
		if err := db.recordAudit(ctx, tx, actor, workspace.AuditVoteCast, "poll", p.ID, nil, after); err != nil {
			return nil, err
		}
		if err := tx.Commit(); err != nil {
			return nil, fmt.Errorf("sqlite: cast vote: %w", err)
		}
		return &Vote{Changed: true}, nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO poll_voters (poll_id, account_id, submission) VALUES (?, ?, ?)`,
		p.ID, accountID, submission); err != nil {
		if isKeyViolation(err) {
			return nil, errAlreadyVoted
		}
		return nil, fmt.Errorf("sqlite: cast vote: %w", err)
	}

	vote := &Vote{}
	var after any
	if p.Mode == workspace.BallotSecret {
		// A secret ballot keeps its college only when a college rule
		// needs it: otherwise a college with one voter would tell that
		// voter's choice.
		kept := college
		if p.CollegeRule == workspace.CollegeRuleNone || p.Kind != workspace.PollYesNo {
			kept = ""
		}
		if err := castSecret(ctx, tx, p, key, kept, string(encoded)); err != nil {
			return nil, err
		}
	} else {
		if err := castNamed(ctx, tx, p, key, accountID, actor.OrganisationID, college, string(encoded), now); err != nil {
			return nil, err
		}
		after = voteAudit{Choices: choices}
	}
	if err := db.recordAudit(ctx, tx, actor, workspace.AuditVoteCast, "poll", p.ID, nil, after); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("sqlite: cast vote: %w", err)
	}
	return vote, nil
}

// voterKey names who holds the vote the account casts in p: the account,
// or its organisation for a vote per organisation.
func voterKey(p *workspace.Poll, accountID, organisationID int64) string {
	if p.Unit == workspace.VotePerOrganisation {
		return "o:" + strconv.FormatInt(organisationID, 10)
	}
	return "a:" + strconv.FormatInt(accountID, 10)
}

// earlierVote is what the store knows of the ballot an account already
// cast in a poll: the submission it was sent under and, for a named poll,
// its choices. A secret ballot's choices are not found again.
type earlierVote struct {
	submission string
	named      *namedChoices
}

// namedChoices are the choices of a named ballot, as stored (JSON).
type namedChoices struct {
	choices string
}

// findEarlierVote returns what is known of the ballot the account cast in
// p, under any voter key, or nil when it cast none.
func findEarlierVote(ctx context.Context, tx *sqlx.Tx, p *workspace.Poll, accountID int64) (*earlierVote, error) {
	var found []string
	if err := tx.SelectContext(ctx, &found, `SELECT submission FROM poll_voters WHERE poll_id = ? AND account_id = ?`,
		p.ID, accountID); err != nil {
		return nil, fmt.Errorf("sqlite: cast vote: %w", err)
	}
	if len(found) == 0 {
		return nil, nil
	}
	earlier := &earlierVote{submission: found[0]}
	if p.Mode != workspace.BallotNamed {
		return earlier, nil
	}
	var choices []string
	if err := tx.SelectContext(ctx, &choices, `SELECT choices FROM named_ballots WHERE poll_id = ? AND account_id = ?`,
		p.ID, accountID); err != nil {
		return nil, fmt.Errorf("sqlite: cast vote: %w", err)
	}
	if len(choices) > 0 {
		earlier.named = &namedChoices{choices: choices[0]}
	}
	return earlier, nil
}

// sameChoices reports whether stored, a named ballot's choices as JSON,
// holds the same options as choices, in any order.
func sameChoices(stored string, choices []int64) bool {
	var was []int64
	if err := json.Unmarshal([]byte(stored), &was); err != nil || len(was) != len(choices) {
		return false
	}
	was, now := slices.Clone(was), slices.Clone(choices)
	slices.Sort(was)
	slices.Sort(now)
	return slices.Equal(was, now)
}

// validSubmission reports whether s may name a sending: empty, or up to
// maxSubmissionLength ASCII letters, digits, '-' and '_'.
func validSubmission(s string) bool {
	if len(s) > maxSubmissionLength {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// isPresent reports whether the account is marked present at the meeting.
func isPresent(ctx context.Context, tx *sqlx.Tx, meetingID, accountID int64) (bool, error) {
	var n int
	if err := tx.GetContext(ctx, &n, `
		SELECT COUNT(*) FROM meeting_invitees WHERE meeting_id = ? AND account_id = ? AND attendance = ?`,
		meetingID, accountID, workspace.AttendancePresent); err != nil {
		return false, fmt.Errorf("sqlite: check presence: %w", err)
	}
	return n > 0, nil
}

// castSecret records a secret ballot: the voter in poll_participants,
// whose key refuses a second ballot, then the choices and the college
// under a random id, with nothing else.
func castSecret(ctx context.Context, tx *sqlx.Tx, p *workspace.Poll, key string, college workspace.College, choices string) error {
	var n int
	if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM poll_participants WHERE poll_id = ? AND voter_key = ?`, p.ID, key); err != nil {
		return fmt.Errorf("sqlite: cast vote: %w", err)
	} else if n > 0 {
		return secondBallot(p)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO poll_participants (poll_id, voter_key) VALUES (?, ?)`, p.ID, key); err != nil {
		if isKeyViolation(err) {
			return secondBallot(p)
		}
		return fmt.Errorf("sqlite: cast vote: %w", err)
	}
	// A collision of two random 63-bit ids is all but impossible; a few
	// draws make it impossible in practice.
	for range 8 {
		id, err := randomBallotID()
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO secret_ballots (id, poll_id, college, choices) VALUES (?, ?, ?, ?)`,
			id, p.ID, college, choices)
		if err == nil {
			return nil
		} else if !isKeyViolation(err) {
			// The error names the statement and SQLite's reason, never
			// the values bound to it.
			return fmt.Errorf("sqlite: cast vote: %w", err)
		}
	}
	return errors.New("sqlite: cast vote: no free ballot id")
}

// randomBallotID draws a secret ballot's id: a random positive 63-bit
// integer from the system's secure source, so that ids follow no order.
func randomBallotID() (int64, error) {
	var b [8]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			return 0, fmt.Errorf("sqlite: draw a ballot id: %w", err)
		}
		if id := int64(binary.BigEndian.Uint64(b[:]) >> 1); id > 0 {
			return id, nil
		}
	}
}

// castNamed records a named ballot with its voter.
func castNamed(ctx context.Context, tx *sqlx.Tx, p *workspace.Poll, key string, accountID, organisationID int64,
	college workspace.College, choices string, now time.Time) error {
	var n int
	if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM poll_participants WHERE poll_id = ? AND voter_key = ?`, p.ID, key); err != nil {
		return fmt.Errorf("sqlite: cast vote: %w", err)
	} else if n > 0 {
		return secondBallot(p)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO poll_participants (poll_id, voter_key) VALUES (?, ?)`, p.ID, key); err != nil {
		if isKeyViolation(err) {
			return secondBallot(p)
		}
		return fmt.Errorf("sqlite: cast vote: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO named_ballots (poll_id, voter_key, account_id, organisation_id, college, choices, cast_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, key, accountID, organisationID, college, choices, now, now); err != nil {
		if isKeyViolation(err) {
			return secondBallot(p)
		}
		return fmt.Errorf("sqlite: cast vote: %w", err)
	}
	return nil
}

// changeNamed replaces the choices of the account's named ballot in p,
// which keeps the voter and the college it was cast for.
func changeNamed(ctx context.Context, tx *sqlx.Tx, p *workspace.Poll, accountID int64, choices string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE named_ballots SET choices = ?, updated_at = ? WHERE poll_id = ? AND account_id = ?`,
		choices, now, p.ID, accountID); err != nil {
		return fmt.Errorf("sqlite: change vote: %w", err)
	}
	return nil
}

// secondBallot is the refusal of a ballot from a voter who already cast
// one in p.
func secondBallot(p *workspace.Poll) error {
	if p.Unit == workspace.VotePerOrganisation {
		return errOrganisationVoted
	}
	return errAlreadyVoted
}

// isKeyViolation reports whether err is a UNIQUE or PRIMARY KEY
// constraint failure: a row whose key is already taken.
func isKeyViolation(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) &&
		(se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey)
}

// PollTurnout returns how many voters took part in poll id so far.
func (db *DB) PollTurnout(ctx context.Context, id int64) (int, error) {
	var row struct {
		Polls, Voters int
	}
	if err := db.read.QueryRowxContext(ctx, `
		SELECT (SELECT COUNT(*) FROM polls WHERE id = ?), (SELECT COUNT(*) FROM poll_participants WHERE poll_id = ?)`,
		id, id).Scan(&row.Polls, &row.Voters); err != nil {
		return 0, fmt.Errorf("sqlite: poll turnout: %w", err)
	}
	if row.Polls == 0 {
		return 0, notFound("Poll")
	}
	return row.Voters, nil
}

// HasVoted reports whether the voter the actor is in poll id (the account,
// or its organisation for a vote per organisation) has voted, or the
// account itself has, for whichever voter it was.
func (db *DB) HasVoted(ctx context.Context, actor workspace.Actor, id int64) (bool, error) {
	tx, err := db.read.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return false, fmt.Errorf("sqlite: has voted: %w", err)
	}
	defer tx.Rollback()
	p, err := findPollByID(ctx, tx, id)
	if err != nil {
		return false, err
	}
	if actor.AccountID == nil {
		return false, nil
	}
	var n int
	if err := tx.GetContext(ctx, &n, `
		SELECT (SELECT COUNT(*) FROM poll_participants WHERE poll_id = ? AND voter_key = ?)
			+ (SELECT COUNT(*) FROM poll_voters WHERE poll_id = ? AND account_id = ?)`,
		id, voterKey(p, *actor.AccountID, actor.OrganisationID), id, *actor.AccountID); err != nil {
		return false, fmt.Errorf("sqlite: has voted: %w", err)
	}
	return n > 0, nil
}

// NamedBallot is a ballot of a named poll, with its voter.
type NamedBallot struct {
	Account      *workspace.Account
	Organisation *workspace.Organisation
	College      workspace.College
	Choices      []int64
	CastAt       time.Time
}

// namedBallotColumns are the columns findNamedBallots reads, in the order
// namedBallotFields scans them: the ballot (nb), its voter's account (a,
// without the password hash) and the organisation it voted for (o).
var namedBallotColumns = `nb.college, nb.choices, nb.cast_at, ` + accountShownColumns + `, ` + prefixed("o", organisationColumns)

// namedBallotRow is what namedBallotColumns scan into.
type namedBallotRow struct {
	b       NamedBallot
	choices string
}

func namedBallotFields(r *namedBallotRow) []any {
	r.b.Account, r.b.Organisation = &workspace.Account{}, &workspace.Organisation{}
	return append(append([]any{&r.b.College, &r.choices, &r.b.CastAt}, accountFields(r.b.Account)...),
		organisationFields(r.b.Organisation)...)
}

// FindNamedBallots returns the ballots of named poll id with their voters
// (CanReadPolls); a secret poll's are never returned (EFORBIDDEN).
func (db *DB) FindNamedBallots(ctx context.Context, actor workspace.Actor, id int64) ([]*NamedBallot, error) {
	tx, err := db.read.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: find ballots: %w", err)
	}
	defer tx.Rollback()
	if actor, err = findActor(ctx, tx, actor); err != nil {
		return nil, err
	}
	if err := workspace.CanReadPolls(actor); err != nil {
		return nil, err
	}
	p, err := findPollByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if p.Mode != workspace.BallotNamed {
		return nil, &workspace.Error{Code: workspace.EFORBIDDEN, Key: "error.poll.ballots_secret", Message: "A secret ballot's votes are not shown."}
	}
	rows, err := queryRows(ctx, tx, namedBallotFields, `
		SELECT `+namedBallotColumns+`
		FROM named_ballots nb
		JOIN accounts a ON a.id = nb.account_id
		JOIN organisations o ON o.id = nb.organisation_id
		WHERE nb.poll_id = ?
		ORDER BY o.name_fr, a.name, a.id`, id)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find ballots: %w", err)
	}
	ballots := make([]*NamedBallot, len(rows))
	for i, r := range rows {
		if err := json.Unmarshal([]byte(r.choices), &r.b.Choices); err != nil {
			return nil, fmt.Errorf("sqlite: read ballot of poll %d: %w", id, err)
		}
		if r.b.Account.OrganisationID == r.b.Organisation.ID {
			r.b.Account.Organisation = r.b.Organisation
		}
		ballots[i] = &r.b
	}
	return ballots, nil
}

// PollCounts returns the per-option counts of named poll id while it is
// open (a secret poll's are EFORBIDDEN until it closes: its result then
// holds them).
func (db *DB) PollCounts(ctx context.Context, id int64) ([]workspace.OptionCount, error) {
	tx, err := db.read.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: poll counts: %w", err)
	}
	defer tx.Rollback()
	p, err := findPollByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if p.Result != nil {
		return p.Result.Counts, nil
	}
	if p.Mode != workspace.BallotNamed {
		return nil, &workspace.Error{Code: workspace.EFORBIDDEN, Key: "error.poll.counts_secret",
			Message: "A secret ballot's counts are shown once it is closed."}
	}
	ballots, err := findCastBallots(ctx, tx, p)
	if err != nil {
		return nil, err
	}
	return workspace.Tally(p, 0, ballots).Counts, nil
}

// findCastBallots returns p's ballots as the tally sees them: choices and
// colleges, nobody's name.
func findCastBallots(ctx context.Context, q sqlx.QueryerContext, p *workspace.Poll) ([]workspace.CastBallot, error) {
	table := "named_ballots"
	if p.Mode == workspace.BallotSecret {
		table = "secret_ballots"
	}
	// table is one of two names written above.
	rows, err := q.QueryContext(ctx, `SELECT college, choices FROM `+table+` WHERE poll_id = ?`, p.ID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: read ballots: %w", err)
	}
	defer rows.Close()
	ballots := []workspace.CastBallot{}
	for rows.Next() {
		var b workspace.CastBallot
		var choices string
		if err := rows.Scan(&b.College, &choices); err != nil {
			return nil, fmt.Errorf("sqlite: read ballots: %w", err)
		}
		if err := json.Unmarshal([]byte(choices), &b.Choices); err != nil {
			return nil, fmt.Errorf("sqlite: read ballots of poll %d: %w", p.ID, err)
		}
		ballots = append(ballots, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: read ballots: %w", err)
	}
	return ballots, nil
}
