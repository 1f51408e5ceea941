package sqlite

// The private fields of issues (workspace.IssuePrivate): the personal
// details of the returning migrant an issue concerns. This file is the only
// one that reads the issue_private table, and every method that returns
// what it holds first finds the issue and the actor in its transaction and
// checks workspace.CanSeeIssuePrivate for that issue. The methods that show
// the values to a person — RevealIssuePrivate for the issue page,
// OpenIssueEdit for the edit form — record each view in the audit log
// (workspace.AuditIssuePrivateView), in the transaction that reads them.

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// privateColumns are the columns of issue_private that privateFields
// scans into, in order.
const privateColumns = `issue_id, person_name, person_contact, details, updated_at`

func privateFields(p *workspace.IssuePrivate) []any {
	return []any{&p.IssueID, &p.PersonName, &p.PersonContact, &p.Details, &p.UpdatedAt}
}

// findIssuePrivate returns the private fields of issue id, empty when
// none were given. Call it only once CanSeeIssuePrivate allowed the actor
// for the issue, or to compare states without returning them.
func findIssuePrivate(ctx context.Context, q sqlx.QueryerContext, id int64) (*workspace.IssuePrivate, error) {
	list, err := queryRows(ctx, q, privateFields, `SELECT `+privateColumns+` FROM issue_private WHERE issue_id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find issue private fields: %w", err)
	} else if len(list) == 0 {
		return &workspace.IssuePrivate{IssueID: id}, nil
	}
	return list[0], nil
}

// writeIssuePrivate stores p over the private fields of its issue.
func (tx *Tx) writeIssuePrivate(ctx context.Context, p *workspace.IssuePrivate) error {
	p.UpdatedAt = tx.now
	if _, err := tx.tx.ExecContext(ctx, `
		INSERT INTO issue_private (issue_id, person_name, person_contact, details, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (issue_id) DO UPDATE SET person_name = excluded.person_name, person_contact = excluded.person_contact,
			details = excluded.details, updated_at = excluded.updated_at`,
		p.IssueID, p.PersonName, p.PersonContact, p.Details, p.UpdatedAt); err != nil {
		// The error names the statement, never the values.
		return fmt.Errorf("sqlite: set issue private fields: %w", err)
	}
	return nil
}

// privateFieldsGiven names the private fields p fills.
func privateFieldsGiven(p *workspace.IssuePrivate) []string {
	return changedPrivateFields(&workspace.IssuePrivate{}, p)
}

// changedPrivateFields names the private fields that differ between before
// and after, never what they hold.
func changedPrivateFields(before, after *workspace.IssuePrivate) []string {
	if after == nil {
		after = &workspace.IssuePrivate{}
	}
	var changed []string
	if before.PersonName != after.PersonName {
		changed = append(changed, "person_name")
	}
	if before.PersonContact != after.PersonContact {
		changed = append(changed, "person_contact")
	}
	if before.Details != after.Details {
		changed = append(changed, "details")
	}
	return changed
}

// SetIssuePrivate stores p as the private fields of its issue
// (CanSeeIssuePrivate for that issue). The audit entry says that they
// changed, never what they hold; storing the same values again writes
// nothing.
func (db *DB) SetIssuePrivate(ctx context.Context, actor workspace.Actor, p *workspace.IssuePrivate) error {
	return db.withWriteTx(ctx, func(tx *Tx) error {
		return tx.setIssuePrivate(ctx, actor, p)
	})
}

// setIssuePrivate is SetIssuePrivate in tx.
func (tx *Tx) setIssuePrivate(ctx context.Context, actor workspace.Actor, p *workspace.IssuePrivate) error {
	actor, issue, err := tx.findIssueForChange(ctx, actor, p.IssueID, workspace.CanChangeIssue)
	if err != nil {
		return err
	}
	if err := workspace.CanSeeIssuePrivate(actor, issue); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	before, err := findIssuePrivate(ctx, tx.tx, p.IssueID)
	if err != nil {
		return err
	}
	changed := changedPrivateFields(before, p)
	if len(changed) == 0 {
		p.UpdatedAt = before.UpdatedAt
		return nil
	}
	if err := tx.writeIssuePrivate(ctx, p); err != nil {
		return err
	}
	after := make(map[string]string, len(changed))
	for _, f := range changed {
		after[f] = "changed"
	}
	return tx.db.recordAudit(ctx, tx.tx, actor, workspace.AuditIssuePrivate, "issue", p.IssueID, nil, after)
}

// FindIssuePrivate returns the private fields of issue id (an empty value
// when none were given), if the actor may see them (CanSeeIssuePrivate),
// without recording a view: it is for code that checks what is stored
// (tests, the demo's checks), never for showing them to a person, which
// RevealIssuePrivate and OpenIssueEdit do.
func (db *DB) FindIssuePrivate(ctx context.Context, actor workspace.Actor, id int64) (*workspace.IssuePrivate, error) {
	tx, err := db.read.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: find issue private fields: %w", err)
	}
	defer tx.Rollback()
	if actor, err = findActor(ctx, tx, actor); err != nil {
		return nil, err
	}
	issue, err := findIssueByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := workspace.CanSeeIssuePrivate(actor, issue); err != nil {
		return nil, err
	}
	return findIssuePrivate(ctx, tx, id)
}

// HasIssuePrivate reports whether issue id holds personal details, saying
// nothing of what they are: the issue page tells members who may not see
// them that they exist. An issue that does not exist has none.
func (db *DB) HasIssuePrivate(ctx context.Context, id int64) (bool, error) {
	var n int
	if err := db.read.GetContext(ctx, &n, `SELECT COUNT(*) FROM issue_private
		WHERE issue_id = ? AND (person_name <> '' OR person_contact <> '' OR details <> '')`, id); err != nil {
		return false, fmt.Errorf("sqlite: find whether an issue has private fields: %w", err)
	}
	return n > 0, nil
}

// privateView is the recorded state of an AuditIssuePrivateView entry:
// where the details were shown, never what they hold.
type privateView struct {
	ShownIn workspace.PrivateShownIn `json:"shown_in"`
}

// revealIssuePrivate returns the private fields of issue, read in tx, if
// the actor may see them, and records that they were shown to the actor
// in shownIn — when there is something to show: empty fields show nothing
// and record nothing.
func (tx *Tx) revealIssuePrivate(ctx context.Context, actor workspace.Actor, issue *workspace.Issue, shownIn workspace.PrivateShownIn) (*workspace.IssuePrivate, error) {
	if !shownIn.Valid() {
		return nil, fmt.Errorf("sqlite: reveal issue private fields: unknown place %q", shownIn)
	}
	if err := workspace.CanSeeIssuePrivate(actor, issue); err != nil {
		return nil, err
	}
	p, err := findIssuePrivate(ctx, tx.tx, issue.ID)
	if err != nil || p.Empty() {
		return p, err
	}
	if err := tx.db.recordAudit(ctx, tx.tx, actor, workspace.AuditIssuePrivateView, "issue", issue.ID, nil, privateView{ShownIn: shownIn}); err != nil {
		return nil, err
	}
	return p, nil
}

// RevealIssuePrivate returns the private fields of issue id to an actor
// who may see them (CanSeeIssuePrivate, decided in the transaction), for
// the issue page, and records the view in the audit log ("X viewed the
// personal details of issue #N") when there is something to show.
func (db *DB) RevealIssuePrivate(ctx context.Context, actor workspace.Actor, id int64) (*workspace.IssuePrivate, error) {
	var p *workspace.IssuePrivate
	err := db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		issue, err := findIssueByID(ctx, tx.tx, id)
		if err != nil {
			return err
		}
		p, err = tx.revealIssuePrivate(ctx, actor, issue, workspace.ShownOnIssuePage)
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// IssueEdit is what an issue's edit form is filled from, read in one
// transaction: the issue, its private fields when the editor may see them
// (nil otherwise: the form then neither shows nor sends them), and the
// state the form stands on (workspace.IssueEditBase of both).
type IssueEdit struct {
	Issue   *workspace.Issue
	Private *workspace.IssuePrivate
	Base    string
}

// OpenIssueEdit reads what the edit form of issue id shows the actor
// (CanChangeIssue): the issue, and its private fields if the actor may see
// them (CanSeeIssuePrivate) — a view the audit log records, as on the
// issue page, when there is something to show.
func (db *DB) OpenIssueEdit(ctx context.Context, actor workspace.Actor, id int64) (*IssueEdit, error) {
	var edit *IssueEdit
	err := db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		issue, err := findIssueByID(ctx, tx.tx, id)
		if err != nil {
			return err
		}
		if err := workspace.CanChangeIssue(actor); err != nil {
			return err
		}
		edit = &IssueEdit{Issue: issue}
		if workspace.CanSeeIssuePrivate(actor, issue) == nil {
			if edit.Private, err = tx.revealIssuePrivate(ctx, actor, issue, workspace.ShownInEditForm); err != nil {
				return err
			}
		}
		edit.Base = workspace.IssueEditBase(issue, edit.Private)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return edit, nil
}

// FindIssueEditBase returns the state issue id's edit form stands on for
// the actor, as stored now (workspace.IssueEditBase: with the private
// fields when the actor may see them), and whether the actor may see them.
// It records nothing: it returns a digest, never the fields.
func (db *DB) FindIssueEditBase(ctx context.Context, actor workspace.Actor, id int64) (base string, private bool, err error) {
	tx, err := db.read.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return "", false, fmt.Errorf("sqlite: find issue edit base: %w", err)
	}
	defer tx.Rollback()
	if actor, err = findActor(ctx, tx, actor); err != nil {
		return "", false, err
	}
	issue, err := findIssueByID(ctx, tx, id)
	if err != nil {
		return "", false, err
	}
	return issueEditBase(ctx, tx, actor, issue)
}

// issueEditBase returns the state of issue's edit form for actor, and
// whether it includes the private fields (CanSeeIssuePrivate).
func issueEditBase(ctx context.Context, q sqlx.QueryerContext, actor workspace.Actor, issue *workspace.Issue) (string, bool, error) {
	if workspace.CanSeeIssuePrivate(actor, issue) != nil {
		return workspace.IssueEditBase(issue, nil), false, nil
	}
	p, err := findIssuePrivate(ctx, q, issue.ID)
	if err != nil {
		return "", false, err
	}
	return workspace.IssueEditBase(issue, p), true, nil
}
