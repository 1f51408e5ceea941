package sqlite

// The store of votes. The signatures below are the contract the server,
// the live parts and the demo build on; every method is one transaction
// and, when it changes something, takes the Actor, reads its account
// again, checks the workspace rule (workspace/poll_rules.go), writes and
// audits. A secret poll's ballot is written with no voter and no time,
// under a random id, and its voter into poll_participants only; no audit
// entry, log line or error names a secret choice.
//
// The methods are split by concern: this file holds the polls themselves
// (their settings, options and reads); poll_vote.go the ballots; and
// poll_close.go closing, the tally and the deadlines.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// pollColumns are the columns of a poll (p) that pollFields scans into,
// in the same order.
const pollColumns = `p.id, p.question, p.description, p.kind, p.mode, p.status, p.min_choices, p.max_choices, p.unit,
	p.present_only, p.quorum_percent, p.majority, p.college_rule, p.allow_change, p.meeting_id, p.agenda_item_id,
	p.procedure_id, p.version_number, p.closes_at, p.opened_at, p.closed_at, p.result_json, p.created_by,
	p.created_at, p.updated_at`

// pollRow is what pollColumns scan into: the version number may be NULL,
// and the result is JSON.
type pollRow struct {
	p       workspace.Poll
	version sql.NullInt64
	result  string
}

// pollFields returns the fields of r that pollColumns are scanned into,
// in order.
func pollFields(r *pollRow) []any {
	p := &r.p
	return []any{&p.ID, &p.Question, &p.Description, &p.Kind, &p.Mode, &p.Status, &p.MinChoices, &p.MaxChoices, &p.Unit,
		&p.PresentOnly, &p.QuorumPercent, &p.Majority, &p.CollegeRule, &p.AllowChange, &p.MeetingID, &p.AgendaItemID,
		&p.ProcedureID, &r.version, &p.ClosesAt, &p.OpenedAt, &p.ClosedAt, &r.result, &p.CreatedBy,
		&p.CreatedAt, &p.UpdatedAt}
}

// pollOptionColumns are the columns of an option (o) that
// pollOptionFields scans into, in the same order.
const pollOptionColumns = `o.id, o.poll_id, o.position, o.key, o.label`

// pollOptionFields returns the fields of o that pollOptionColumns are
// scanned into, in order.
func pollOptionFields(o *workspace.PollOption) []any {
	return []any{&o.ID, &o.PollID, &o.Position, &o.Key, &o.Label}
}

// pollAudit is the part of a poll the audit log keeps: its settings and,
// once closed, its outcome and figures. It holds neither the options'
// labels nor their ids, so that no audit entry of a poll can be read
// alongside a choice.
type pollAudit struct {
	Question      string     `json:"question"`
	Kind          string     `json:"kind"`
	Mode          string     `json:"mode"`
	Status        string     `json:"status"`
	Options       int        `json:"options"`
	MinChoices    int        `json:"min_choices"`
	MaxChoices    int        `json:"max_choices"`
	Unit          string     `json:"unit"`
	PresentOnly   bool       `json:"present_only,omitempty"`
	QuorumPercent int        `json:"quorum_percent"`
	Majority      string     `json:"majority"`
	CollegeRule   string     `json:"college_rule"`
	AllowChange   bool       `json:"allow_change,omitempty"`
	MeetingID     *int64     `json:"meeting_id,omitempty"`
	AgendaItemID  *int64     `json:"agenda_item_id,omitempty"`
	ProcedureID   *int64     `json:"procedure_id,omitempty"`
	VersionNumber int        `json:"version_number,omitempty"`
	ClosesAt      *time.Time `json:"closes_at,omitempty"`
	Outcome       string     `json:"outcome,omitempty"`
	Electorate    int        `json:"electorate,omitempty"`
	Cast          int        `json:"cast,omitempty"`
}

func auditPoll(p *workspace.Poll) pollAudit {
	a := pollAudit{Question: p.Question, Kind: string(p.Kind), Mode: string(p.Mode), Status: string(p.Status),
		Options: len(p.Options), MinChoices: p.MinChoices, MaxChoices: p.MaxChoices, Unit: string(p.Unit),
		PresentOnly: p.PresentOnly, QuorumPercent: p.QuorumPercent, Majority: string(p.Majority),
		CollegeRule: string(p.CollegeRule), AllowChange: p.AllowChange, MeetingID: p.MeetingID,
		AgendaItemID: p.AgendaItemID, ProcedureID: p.ProcedureID, VersionNumber: p.VersionNumber, ClosesAt: p.ClosesAt}
	if p.Result != nil {
		a.Outcome, a.Electorate, a.Cast = string(p.Result.Outcome), p.Result.Electorate, p.Result.Cast
	}
	return a
}

// CreatePoll validates p and stores it as a draft with its options
// (CanManagePolls), setting its ID, the options' IDs and timestamps. Its
// agenda item must belong to its meeting, which must not be closed; its
// version must exist and be neither adopted nor published (ECONFLICT).
func (db *DB) CreatePoll(ctx context.Context, actor workspace.Actor, p *workspace.Poll) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		if err := workspace.CanManagePolls(actor); err != nil {
			return err
		}
		if err := p.Validate(); err != nil {
			return err
		}
		now := db.Now()
		if err := checkPollSubject(ctx, tx.tx, p, now); err != nil {
			return err
		}
		p.Status, p.CreatedBy, p.CreatedAt, p.UpdatedAt = workspace.PollDraft, actor.AccountID, now, now
		p.OpenedAt, p.ClosedAt, p.Result = nil, nil, nil
		res, err := tx.tx.ExecContext(ctx, `
			INSERT INTO polls (question, description, kind, mode, status, min_choices, max_choices, unit, present_only,
				quorum_percent, majority, college_rule, allow_change, meeting_id, agenda_item_id, procedure_id, version_number,
				closes_at, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.Question, p.Description, p.Kind, p.Mode, p.Status, p.MinChoices, p.MaxChoices, p.Unit, p.PresentOnly,
			p.QuorumPercent, p.Majority, p.CollegeRule, p.AllowChange, p.MeetingID, p.AgendaItemID, p.ProcedureID, versionArg(p),
			p.ClosesAt, p.CreatedBy, p.CreatedAt, p.UpdatedAt)
		if err != nil {
			return fmt.Errorf("sqlite: create poll: %w", err)
		}
		if p.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("sqlite: create poll: %w", err)
		}
		if err := insertPollOptions(ctx, tx.tx, p); err != nil {
			return err
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditPollCreate, "poll", p.ID, nil, auditPoll(p))
	})
}

// UpdatePoll validates p and stores its settings and options over the
// poll with p.ID (CanChangePoll: a draft only).
func (db *DB) UpdatePoll(ctx context.Context, actor workspace.Actor, p *workspace.Poll) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		before, err := findPollByID(ctx, tx.tx, p.ID)
		if err != nil {
			return err
		}
		if err := workspace.CanChangePoll(actor, before); err != nil {
			return err
		}
		if err := p.Validate(); err != nil {
			return err
		}
		now := db.Now()
		if err := checkPollSubject(ctx, tx.tx, p, now); err != nil {
			return err
		}
		p.Status, p.CreatedBy, p.CreatedAt, p.UpdatedAt = before.Status, before.CreatedBy, before.CreatedAt, now
		p.OpenedAt, p.ClosedAt, p.Result = nil, nil, nil
		if _, err := tx.tx.ExecContext(ctx, `
			UPDATE polls SET question = ?, description = ?, kind = ?, mode = ?, min_choices = ?, max_choices = ?, unit = ?,
				present_only = ?, quorum_percent = ?, majority = ?, college_rule = ?, allow_change = ?, meeting_id = ?,
				agenda_item_id = ?, procedure_id = ?, version_number = ?, closes_at = ?, updated_at = ?
			WHERE id = ?`,
			p.Question, p.Description, p.Kind, p.Mode, p.MinChoices, p.MaxChoices, p.Unit,
			p.PresentOnly, p.QuorumPercent, p.Majority, p.CollegeRule, p.AllowChange, p.MeetingID,
			p.AgendaItemID, p.ProcedureID, versionArg(p), p.ClosesAt, p.UpdatedAt, p.ID); err != nil {
			return fmt.Errorf("sqlite: update poll: %w", err)
		}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM poll_options WHERE poll_id = ?`, p.ID); err != nil {
			return fmt.Errorf("sqlite: update poll: %w", err)
		}
		if err := insertPollOptions(ctx, tx.tx, p); err != nil {
			return err
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditPollUpdate, "poll", p.ID, auditPoll(before), auditPoll(p))
	})
}

// OpenPoll opens a draft (CanManagePolls), which then takes ballots until
// it is closed or its ClosesAt passes. A ClosesAt already past is
// EINVALID; a version adopted or published since the draft was made, or
// another open poll on the same version, is ECONFLICT.
func (db *DB) OpenPoll(ctx context.Context, actor workspace.Actor, id int64) (*workspace.Poll, error) {
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
	if err := workspace.CanChangePoll(actor, p); err != nil {
		return nil, err
	}
	now := db.Now()
	if err := checkPollSubject(ctx, tx, p, now); err != nil {
		return nil, err
	}
	if p.AboutVersion() {
		var open int
		if err := tx.GetContext(ctx, &open, `
			SELECT COUNT(*) FROM polls WHERE procedure_id = ? AND version_number = ? AND status = ? AND id <> ?`,
			*p.ProcedureID, p.VersionNumber, workspace.PollOpen, p.ID); err != nil {
			return nil, fmt.Errorf("sqlite: open poll: %w", err)
		}
		if err := workspace.CheckNoOtherOpenPoll(open); err != nil {
			return nil, err
		}
	}
	before := auditPoll(p)
	p.Status, p.OpenedAt, p.UpdatedAt = workspace.PollOpen, &now, now
	if _, err := tx.ExecContext(ctx, `UPDATE polls SET status = ?, opened_at = ?, updated_at = ? WHERE id = ?`,
		p.Status, p.OpenedAt, p.UpdatedAt, p.ID); err != nil {
		return nil, fmt.Errorf("sqlite: open poll: %w", err)
	}
	if err := db.recordAudit(ctx, tx, actor, workspace.AuditPollOpen, "poll", p.ID, before, auditPoll(p)); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("sqlite: open poll: %w", err)
	}
	return p, nil
}

// checkPollSubject checks, in tx, what p is about and when it closes: an
// agenda item of its meeting, which is not closed; or a frozen version of
// a procedure, neither adopted nor published (CheckVersionVotable); and a
// ClosesAt after now, which it makes UTC.
func checkPollSubject(ctx context.Context, tx *sqlx.Tx, p *workspace.Poll, now time.Time) error {
	subjectInvalid := workspace.Invalid("subject", "error.poll.subject_invalid",
		"Choose an agenda item of the meeting, or a frozen version of the procedure.")
	if p.MeetingID != nil {
		m, err := findMeetingByID(ctx, tx, *p.MeetingID)
		if workspace.ErrorCode(err) == workspace.ENOTFOUND {
			return subjectInvalid
		} else if err != nil {
			return err
		}
		it, err := findAgendaItemByID(ctx, tx, *p.AgendaItemID)
		if workspace.ErrorCode(err) == workspace.ENOTFOUND {
			return subjectInvalid
		} else if err != nil {
			return err
		}
		if it.MeetingID != m.ID {
			return subjectInvalid
		}
		if err := workspace.CheckMeetingNotCancelled(m); err != nil {
			return err
		}
		if m.Status == workspace.MeetingClosed {
			return &workspace.Error{Code: workspace.ECONFLICT, Key: "error.poll.meeting_closed", Message: "The meeting is closed: its polls no longer change."}
		}
	}
	if p.ProcedureID != nil {
		vs, err := findVersions(ctx, tx, "v.procedure_id = ? AND v.number = ?", *p.ProcedureID, p.VersionNumber)
		if err != nil {
			return err
		} else if len(vs) == 0 {
			return subjectInvalid
		}
		var published bool
		if err := tx.GetContext(ctx, &published, `SELECT EXISTS (SELECT 1 FROM publications WHERE version_id = ?)`, vs[0].ID); err != nil {
			return fmt.Errorf("sqlite: check poll subject: %w", err)
		}
		if err := workspace.CheckVersionVotable(vs[0], published); err != nil {
			return err
		}
	}
	if p.ClosesAt != nil {
		at := p.ClosesAt.UTC()
		p.ClosesAt = &at
		if !at.After(now) {
			return workspace.Invalid("closes_at", "error.poll.closes_at_past", "Give a closing time in the future.")
		}
	}
	return nil
}

// versionArg returns the version number of p as stored: NULL for a poll
// on an agenda item.
func versionArg(p *workspace.Poll) any {
	if p.ProcedureID == nil {
		return nil
	}
	return p.VersionNumber
}

// insertPollOptions stores p's options in tx, setting their IDs.
func insertPollOptions(ctx context.Context, tx *sqlx.Tx, p *workspace.Poll) error {
	for _, o := range p.Options {
		o.PollID = p.ID
		res, err := tx.ExecContext(ctx, `INSERT INTO poll_options (poll_id, position, key, label) VALUES (?, ?, ?, ?)`,
			o.PollID, o.Position, o.Key, o.Label)
		if err != nil {
			return fmt.Errorf("sqlite: store poll options: %w", err)
		}
		if o.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("sqlite: store poll options: %w", err)
		}
	}
	return nil
}

// FindPollByID returns poll id with its options and, once closed, its
// result, or ENOTFOUND.
func (db *DB) FindPollByID(ctx context.Context, id int64) (*workspace.Poll, error) {
	tx, err := db.read.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: find poll: %w", err)
	}
	defer tx.Rollback()
	return findPollByID(ctx, tx, id)
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
	where, args := []string{"1 = 1"}, []any{}
	if filter.MeetingID != 0 {
		where, args = append(where, "p.meeting_id = ?"), append(args, filter.MeetingID)
	}
	if filter.AgendaItemID != 0 {
		where, args = append(where, "p.agenda_item_id = ?"), append(args, filter.AgendaItemID)
	}
	if filter.ProcedureID != 0 {
		where, args = append(where, "p.procedure_id = ?"), append(args, filter.ProcedureID)
	}
	if filter.VersionNumber != 0 {
		where, args = append(where, "p.version_number = ?"), append(args, filter.VersionNumber)
	}
	if filter.Status != "" {
		where, args = append(where, "p.status = ?"), append(args, filter.Status)
	}
	tx, err := db.read.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: find polls: %w", err)
	}
	defer tx.Rollback()
	return findPolls(ctx, tx, strings.Join(where, " AND "), args...)
}

func findPollByID(ctx context.Context, q sqlx.QueryerContext, id int64) (*workspace.Poll, error) {
	ps, err := findPolls(ctx, q, "p.id = ?", id)
	if err != nil {
		return nil, err
	} else if len(ps) == 0 {
		return nil, notFound("Poll")
	}
	return ps[0], nil
}

// findPolls selects polls by a condition written in this package, never
// by user input, newest first, and reads the options of them all in one
// more query.
func findPolls(ctx context.Context, q sqlx.QueryerContext, cond string, args ...any) ([]*workspace.Poll, error) {
	rows, err := queryRows(ctx, q, pollFields, `
		SELECT `+pollColumns+` FROM polls p WHERE `+cond+`
		ORDER BY p.created_at DESC, p.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find polls: %w", err)
	}
	ps := make([]*workspace.Poll, len(rows))
	byID := map[int64]*workspace.Poll{}
	for i, r := range rows {
		p := &r.p
		p.VersionNumber = int(r.version.Int64)
		if r.result != "" {
			p.Result = &workspace.PollResult{}
			if err := json.Unmarshal([]byte(r.result), p.Result); err != nil {
				return nil, fmt.Errorf("sqlite: read result of poll %d: %w", p.ID, err)
			}
		}
		p.Options = []*workspace.PollOption{}
		ps[i], byID[p.ID] = p, p
	}
	if len(ps) == 0 {
		return ps, nil
	}
	ids := make([]int64, 0, len(ps))
	for id := range byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	opts, err := queryRows(ctx, q, pollOptionFields, `
		SELECT `+pollOptionColumns+` FROM poll_options o
		WHERE o.poll_id IN (`+placeholders(len(ids))+`) ORDER BY o.poll_id, o.position`, int64Args(ids)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find poll options: %w", err)
	}
	for _, o := range opts {
		p := byID[o.PollID]
		p.Options = append(p.Options, o)
	}
	return ps, nil
}
