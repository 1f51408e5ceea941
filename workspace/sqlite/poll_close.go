package sqlite

// Closing polls: by the secretariat, or by the scheduler when a poll's
// ClosesAt passes. Closing counts the electorate, tallies the ballots
// (workspace.Tally), stores the result and, for a version adopted by the
// poll, marks the version adopted, all in the transaction that closes the
// poll: a ballot committed before it is counted, and one after it finds
// the poll closed.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// adoptionAudit is what the audit log keeps of a version adopted by a
// poll.
type adoptionAudit struct {
	Number int   `json:"number"`
	PollID int64 `json:"poll_id"`
}

// ClosePoll closes an open poll (CanManagePolls): it counts the
// electorate (active members with a voting right — those marked present
// at the meeting for a poll kept to them — or their organisations, for a
// vote per organisation, and every voter who cast a ballot: see
// countElectorate), tallies the ballots (workspace.Tally) and stores
// the result; a poll on a version that is adopted marks the version
// adopted. Closing a closed poll changes nothing and returns it with the
// same result; closing a draft is ECONFLICT.
func (db *DB) ClosePoll(ctx context.Context, actor workspace.Actor, id int64) (*workspace.Poll, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	if actor, err = findActor(ctx, tx, actor); err != nil {
		return nil, err
	}
	if err := workspace.CanManagePolls(actor); err != nil {
		return nil, err
	}
	p, err := findPollByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	switch p.Status {
	case workspace.PollClosed:
		return p, nil
	case workspace.PollDraft:
		return nil, &workspace.Error{Code: workspace.ECONFLICT, Key: "error.poll.not_open", Message: "The poll is not open."}
	}
	if err := db.closePoll(ctx, tx, actor, p); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("sqlite: close poll: %w", err)
	}
	return p, nil
}

// closePoll closes the open poll p in tx: the electorate, the tally, the
// result, the version adopted, and their audit entries.
func (db *DB) closePoll(ctx context.Context, tx *sqlx.Tx, actor workspace.Actor, p *workspace.Poll) error {
	electorate, err := countElectorate(ctx, tx, p)
	if err != nil {
		return err
	}
	ballots, err := findCastBallots(ctx, tx, p)
	if err != nil {
		return err
	}
	before := auditPoll(p)
	now := db.Now()
	result := workspace.Tally(p, electorate, ballots)
	encoded, err := json.Marshal(result)
	if err != nil {
		return fmt.Errorf("sqlite: close poll: %w", err)
	}
	// The result as it will be read back, so that a later read (or a
	// second close) returns what this one returned.
	p.Result = &workspace.PollResult{}
	if err := json.Unmarshal(encoded, p.Result); err != nil {
		return fmt.Errorf("sqlite: close poll: %w", err)
	}
	p.Status, p.ClosedAt, p.UpdatedAt = workspace.PollClosed, &now, now
	if _, err := tx.ExecContext(ctx, `UPDATE polls SET status = ?, closed_at = ?, result_json = ?, updated_at = ? WHERE id = ?`,
		p.Status, p.ClosedAt, string(encoded), p.UpdatedAt, p.ID); err != nil {
		return fmt.Errorf("sqlite: close poll: %w", err)
	}
	if err := db.recordAudit(ctx, tx, actor, workspace.AuditPollClose, "poll", p.ID, before, auditPoll(p)); err != nil {
		return err
	}
	if !p.AboutVersion() || result.Outcome != workspace.OutcomePollAdopted {
		return nil
	}
	// A version adopted once stays adopted by the first poll that did.
	res, err := tx.ExecContext(ctx, `
		UPDATE procedure_versions SET adopted_at = ?, adopted_by_poll = ?
		WHERE procedure_id = ? AND number = ? AND adopted_at IS NULL`, now, p.ID, *p.ProcedureID, p.VersionNumber)
	if err != nil {
		return fmt.Errorf("sqlite: adopt version: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlite: adopt version: %w", err)
	} else if n == 0 {
		return nil
	}
	return db.recordAudit(ctx, tx, actor, workspace.AuditVersionAdopt, "procedure", *p.ProcedureID, nil,
		adoptionAudit{Number: p.VersionNumber, PollID: p.ID})
}

// countElectorate counts who could vote in p as it closes: the active
// accounts of members, the secretariat and admins with a voting right
// (for a poll kept to those present, those marked present at its
// meeting), or, for a vote per organisation, their organisations — and,
// besides them, every voter who cast a ballot in p (poll_participants).
// A voter had the vote when casting it, and the ballot counts: one who
// lost the vote since (deactivated, the right withdrawn, made a
// stakeholder, marked absent) stays in the electorate, so that a result
// never counts more ballots than voters. Both sides name a voter by the
// same key (voterKey), and UNION counts each once.
func countElectorate(ctx context.Context, tx *sqlx.Tx, p *workspace.Poll) (int, error) {
	key := `'a:' || a.id`
	if p.Unit == workspace.VotePerOrganisation {
		key = `'o:' || a.organisation_id`
	}
	eligible := `SELECT ` + key + ` FROM accounts a WHERE ` + electorateWhere
	args := electorateArgs()
	if p.PresentOnly {
		eligible += ` AND EXISTS (SELECT 1 FROM meeting_invitees mi
			WHERE mi.meeting_id = ? AND mi.account_id = a.id AND mi.attendance = ?)`
		args = append(args, *p.MeetingID, workspace.AttendancePresent)
	}
	query := `SELECT COUNT(*) FROM (` + eligible + ` UNION SELECT voter_key FROM poll_participants WHERE poll_id = ?)`
	args = append(args, p.ID)
	var n int
	if err := tx.GetContext(ctx, &n, query, args...); err != nil {
		return 0, fmt.Errorf("sqlite: count electorate: %w", err)
	}
	return n, nil
}

// ClosePollsDue closes, as the system, every open poll whose ClosesAt is
// at or before now, each in a transaction of its own, and returns those it
// closed. A poll that fails to close does not stop the others: it stays
// open, and its error, naming it, is joined to the others' in the error
// returned beside the polls that did close — which the caller publishes
// all the same. The server calls it at start (a deadline that passed
// while it was down) and at each deadline.
func (db *DB) ClosePollsDue(ctx context.Context, now time.Time) ([]*workspace.Poll, error) {
	var ids []int64
	if err := db.read.SelectContext(ctx, &ids, `
		SELECT id FROM polls WHERE status = ? AND closes_at IS NOT NULL AND closes_at <= ? ORDER BY closes_at, id`,
		workspace.PollOpen, now.UTC()); err != nil {
		return []*workspace.Poll{}, fmt.Errorf("sqlite: find polls due: %w", err)
	}
	closed := []*workspace.Poll{}
	var failed []error
	for _, id := range ids {
		if ctx.Err() != nil {
			failed = append(failed, ctx.Err())
			break
		}
		p, err := db.closePollDue(ctx, id, now)
		if err != nil {
			failed = append(failed, fmt.Errorf("poll %d: %w", id, err))
		} else if p != nil {
			closed = append(closed, p)
		}
	}
	return closed, errors.Join(failed...)
}

// closePollDue closes poll id as the scheduler, in a transaction of its
// own, if it is still open and due at now; it returns nil otherwise.
func (db *DB) closePollDue(ctx context.Context, id int64, now time.Time) (*workspace.Poll, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	p, err := findPollByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if p.Status != workspace.PollOpen || p.ClosesAt == nil || p.ClosesAt.After(now) {
		return nil, nil
	}
	if err := db.closePoll(ctx, tx, workspace.SystemActor("scheduler"), p); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("sqlite: close poll: %w", err)
	}
	return p, nil
}

// NextPollDeadline returns the earliest ClosesAt of an open poll, or nil.
func (db *DB) NextPollDeadline(ctx context.Context) (*time.Time, error) {
	var at []time.Time
	if err := db.read.SelectContext(ctx, &at, `
		SELECT closes_at FROM polls WHERE status = ? AND closes_at IS NOT NULL ORDER BY closes_at LIMIT 1`,
		workspace.PollOpen); err != nil {
		return nil, fmt.Errorf("sqlite: next poll deadline: %w", err)
	}
	if len(at) == 0 {
		return nil, nil
	}
	t := at[0].UTC()
	return &t, nil
}
