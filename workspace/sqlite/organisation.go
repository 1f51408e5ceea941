package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// organisationColumns are the columns of an organisation that
// organisationFields scans into, in the same order.
const organisationColumns = `id, name_fr, name_ar, college, delegation, contact, active, created_at, updated_at`

// organisationFields returns the fields of o that organisationColumns are
// scanned into, in order.
func organisationFields(o *workspace.Organisation) []any {
	return []any{&o.ID, &o.NameFR, &o.NameAR, &o.College, &o.Delegation, &o.Contact, &o.Active, &o.CreatedAt, &o.UpdatedAt}
}

// organisationAudit is the part of an organisation the audit log keeps.
type organisationAudit struct {
	NameFR     string `json:"name_fr"`
	NameAR     string `json:"name_ar"`
	College    string `json:"college"`
	Delegation string `json:"delegation"`
	Contact    string `json:"contact"`
	Active     bool   `json:"active"`
}

func auditOrganisation(o *workspace.Organisation) organisationAudit {
	return organisationAudit{o.NameFR, o.NameAR, string(o.College), o.Delegation, o.Contact, o.Active}
}

// CreateOrganisation validates o, stores it as a new active organisation and
// sets its ID and timestamps. The actor must manage organisations
// (workspace.CanManageOrganisations). A name that reads as the name of an
// organisation already stored, active or not (Organisation.SimilarName), is
// refused with a *workspace.SimilarNameError: CreateOrganisationAnyway is
// for when a person has seen it and confirmed.
func (db *DB) CreateOrganisation(ctx context.Context, actor workspace.Actor, o *workspace.Organisation) error {
	return db.createOrganisation(ctx, actor, o, false)
}

// CreateOrganisationAnyway is CreateOrganisation without the refusal of a
// similar name: two distinct bodies may have names that differ only by
// accents or case.
func (db *DB) CreateOrganisationAnyway(ctx context.Context, actor workspace.Actor, o *workspace.Organisation) error {
	return db.createOrganisation(ctx, actor, o, true)
}

func (db *DB) createOrganisation(ctx context.Context, actor workspace.Actor, o *workspace.Organisation, allowSimilar bool) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		if err := workspace.CanManageOrganisations(actor); err != nil {
			return err
		}
		if err := o.Validate(); err != nil {
			return err
		}
		if !allowSimilar {
			if err := checkSimilarOrganisation(ctx, tx.tx, o); err != nil {
				return err
			}
		}

		now := db.Now()
		o.Active, o.CreatedAt, o.UpdatedAt = true, now, now
		res, err := tx.tx.ExecContext(ctx, `
			INSERT INTO organisations (name_fr, name_ar, college, delegation, contact, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			o.NameFR, o.NameAR, o.College, o.Delegation, o.Contact, o.Active, o.CreatedAt, o.UpdatedAt)
		if err != nil {
			return fmt.Errorf("sqlite: create organisation: %w", err)
		}
		if o.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("sqlite: create organisation: %w", err)
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditOrganisationCreate, "organisation", o.ID, nil, auditOrganisation(o))
	})
}

// UpdateOrganisation validates o and stores its fields (Active included, so
// this also deactivates and reactivates) over the organisation with o.ID.
// The actor must manage organisations (workspace.CanManageOrganisations).
func (db *DB) UpdateOrganisation(ctx context.Context, actor workspace.Actor, o *workspace.Organisation) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		before, err := findOrganisationByID(ctx, tx.tx, o.ID)
		if err != nil {
			return err
		}
		if err := workspace.CanManageOrganisations(actor); err != nil {
			return err
		}
		if err := o.Validate(); err != nil {
			return err
		}
		o.CreatedAt, o.UpdatedAt = before.CreatedAt, db.Now()
		if _, err := tx.tx.ExecContext(ctx, `
			UPDATE organisations SET name_fr = ?, name_ar = ?, college = ?, delegation = ?, contact = ?, active = ?, updated_at = ?
			WHERE id = ?`,
			o.NameFR, o.NameAR, o.College, o.Delegation, o.Contact, o.Active, o.UpdatedAt, o.ID); err != nil {
			return fmt.Errorf("sqlite: update organisation: %w", err)
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditOrganisationUpdate, "organisation", o.ID, auditOrganisation(before), auditOrganisation(o))
	})
}

// checkSimilarOrganisation returns a *workspace.SimilarNameError when o's
// name reads as the name of a stored organisation. The names are compared
// in Go, since SQL has no portable way to fold case and strip accents of
// Arabic and French alike; a table has at most a few hundred organisations.
func checkSimilarOrganisation(ctx context.Context, q sqlx.QueryerContext, o *workspace.Organisation) error {
	orgs, err := findOrganisations(ctx, q, workspace.OrganisationFilter{})
	if err != nil {
		return err
	}
	for _, existing := range orgs {
		if field := o.SimilarName(existing); field != "" {
			return workspace.NewSimilarNameError(field, existing)
		}
	}
	return nil
}

// FindOrganisationByID returns the organisation with id, or ENOTFOUND.
func (db *DB) FindOrganisationByID(ctx context.Context, id int64) (*workspace.Organisation, error) {
	return findOrganisationByID(ctx, db.read, id)
}

// FindOrganisations returns the organisations matching filter, by college
// and then French name.
func (db *DB) FindOrganisations(ctx context.Context, filter workspace.OrganisationFilter) ([]*workspace.Organisation, error) {
	return findOrganisations(ctx, db.read, filter)
}

func findOrganisationByID(ctx context.Context, q sqlx.QueryerContext, id int64) (*workspace.Organisation, error) {
	orgs, err := findOrganisations(ctx, q, workspace.OrganisationFilter{ID: &id})
	if err != nil {
		return nil, err
	} else if len(orgs) == 0 {
		return nil, notFound("Organisation")
	}
	return orgs[0], nil
}

func findOrganisations(ctx context.Context, q sqlx.QueryerContext, filter workspace.OrganisationFilter) ([]*workspace.Organisation, error) {
	where, args := []string{"1 = 1"}, []any{}
	if filter.ID != nil {
		where, args = append(where, "id = ?"), append(args, *filter.ID)
	}
	if filter.College != "" {
		where, args = append(where, "college = ?"), append(args, filter.College)
	}
	if filter.ActiveOnly {
		where = append(where, "active = TRUE")
	}
	orgs, err := queryRows(ctx, q, organisationFields, `SELECT `+organisationColumns+` FROM organisations WHERE `+
		strings.Join(where, " AND ")+` ORDER BY CASE college
			WHEN 'state' THEN 1 WHEN 'civil_society' THEN 2 WHEN 'local_authority' THEN 3
			WHEN 'returnees' THEN 4 ELSE 5 END, name_fr, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find organisations: %w", err)
	}
	return orgs, nil
}
