package sqlite

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// issueCategoryColumns are the columns of a category that
// issueCategoryFields scans into, in the same order.
const issueCategoryColumns = `id, name_fr, name_ar, name_en, position, active, created_at, updated_at`

// issueCategoryFields returns the fields of c that issueCategoryColumns are
// scanned into, in order.
func issueCategoryFields(c *workspace.IssueCategory) []any {
	return []any{&c.ID, &c.NameFR, &c.NameAR, &c.NameEN, &c.Position, &c.Active, &c.CreatedAt, &c.UpdatedAt}
}

// issueCategoryAudit is the part of a category the audit log keeps.
type issueCategoryAudit struct {
	NameFR   string `json:"name_fr"`
	NameAR   string `json:"name_ar"`
	NameEN   string `json:"name_en"`
	Position int    `json:"position"`
	Active   bool   `json:"active"`
}

func auditIssueCategory(c *workspace.IssueCategory) issueCategoryAudit {
	return issueCategoryAudit{c.NameFR, c.NameAR, c.NameEN, c.Position, c.Active}
}

// FindIssueCategories returns the categories in their order; inactive
// ones only when includeInactive.
func (db *DB) FindIssueCategories(ctx context.Context, includeInactive bool) ([]*workspace.IssueCategory, error) {
	cond := "active = TRUE"
	if includeInactive {
		cond = "1 = 1"
	}
	return findIssueCategories(ctx, db.read, cond)
}

// findIssueCategories selects categories by a condition written in this
// package, in their order.
func findIssueCategories(ctx context.Context, q sqlx.QueryerContext, cond string, args ...any) ([]*workspace.IssueCategory, error) {
	list, err := queryRows(ctx, q, issueCategoryFields, `SELECT `+issueCategoryColumns+` FROM issue_categories
		WHERE `+cond+` ORDER BY position, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find issue categories: %w", err)
	}
	return list, nil
}

func findIssueCategoryByID(ctx context.Context, q sqlx.QueryerContext, id int64) (*workspace.IssueCategory, error) {
	list, err := findIssueCategories(ctx, q, "id = ?", id)
	if err != nil {
		return nil, err
	} else if len(list) == 0 {
		return nil, notFound("Category")
	}
	return list[0], nil
}

// checkIssueCategoryUsable reports, as an EINVALID error on the category,
// one that does not exist or is no longer in use: an issue is filed only
// under an active category.
func checkIssueCategoryUsable(ctx context.Context, q sqlx.QueryerContext, id int64) error {
	c, err := findIssueCategoryByID(ctx, q, id)
	if workspace.ErrorCode(err) == workspace.ENOTFOUND {
		return workspace.Invalid("category_id", "error.issue.category_required", "Choose a category.")
	} else if err != nil {
		return err
	}
	if !c.Active {
		return workspace.Invalid("category_id", "error.issue.category_inactive", "This category is no longer in use: choose another.")
	}
	return nil
}

// CreateIssueCategory validates c and adds it at the end of the list
// (CanManageCategories), setting its ID, Position and timestamps. A new
// category is active.
func (db *DB) CreateIssueCategory(ctx context.Context, actor workspace.Actor, c *workspace.IssueCategory) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		if err := workspace.CanManageCategories(actor); err != nil {
			return err
		}
		if err := c.Validate(); err != nil {
			return err
		}
		if err := tx.tx.GetContext(ctx, &c.Position, `SELECT COALESCE(MAX(position), 0) + 1 FROM issue_categories`); err != nil {
			return fmt.Errorf("sqlite: create issue category: %w", err)
		}
		c.Active, c.CreatedAt, c.UpdatedAt = true, tx.now, tx.now
		res, err := tx.tx.ExecContext(ctx, `
			INSERT INTO issue_categories (name_fr, name_ar, name_en, position, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, c.NameFR, c.NameAR, c.NameEN, c.Position, c.Active, c.CreatedAt, c.UpdatedAt)
		if err != nil {
			return fmt.Errorf("sqlite: create issue category: %w", err)
		}
		if c.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("sqlite: create issue category: %w", err)
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditCategoryCreate, "issue_category", c.ID, nil, auditIssueCategory(c))
	})
}

// UpdateIssueCategory validates c and stores its names, position and
// whether it is active over the category with c.ID (CanManageCategories).
// A position of zero or less keeps the category where it is. Deactivating
// a category leaves its issues in it; no issue is filed under it again.
func (db *DB) UpdateIssueCategory(ctx context.Context, actor workspace.Actor, c *workspace.IssueCategory) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		before, err := findIssueCategoryByID(ctx, tx.tx, c.ID)
		if err != nil {
			return err
		}
		if err := workspace.CanManageCategories(actor); err != nil {
			return err
		}
		if err := c.Validate(); err != nil {
			return err
		}
		if c.Position <= 0 {
			c.Position = before.Position
		}
		c.CreatedAt, c.UpdatedAt = before.CreatedAt, tx.now
		if _, err := tx.tx.ExecContext(ctx, `
			UPDATE issue_categories SET name_fr = ?, name_ar = ?, name_en = ?, position = ?, active = ?, updated_at = ? WHERE id = ?`,
			c.NameFR, c.NameAR, c.NameEN, c.Position, c.Active, c.UpdatedAt, c.ID); err != nil {
			return fmt.Errorf("sqlite: update issue category: %w", err)
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditCategoryUpdate, "issue_category", c.ID, auditIssueCategory(before), auditIssueCategory(c))
	})
}
