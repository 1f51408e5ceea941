package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"tawla/workspace"
)

// categoryCountRow is a category with a number, as IssueStatistics reads it.
type categoryCountRow struct {
	c workspace.CategoryCount
}

func categoryCountFields(r *categoryCountRow) []any {
	r.c.Category = &workspace.IssueCategory{}
	return append(issueCategoryFields(r.c.Category), &r.c.Count)
}

// organisationCountRow is an organisation with a number.
type organisationCountRow struct {
	c workspace.OrganisationCount
}

func organisationCountFields(r *organisationCountRow) []any {
	r.c.Organisation = &workspace.Organisation{}
	return append(organisationFields(r.c.Organisation), &r.c.Count)
}

// IssueStatistics returns the dashboard's figures, today being the
// calendar day in the table's time zone: every status with its number of
// issues (zeros included); every active category, in order, with its
// number of issues not ended; the organisations owning overdue issues
// (not ended, due before today), most first; and when each issue not
// ended was reported, oldest first. The figures are read in one
// transaction, so that they agree with each other.
func (db *DB) IssueStatistics(ctx context.Context, today string) (*workspace.IssueStats, error) {
	tx, err := db.read.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: issue statistics: %w", err)
	}
	defer tx.Rollback()
	stats := &workspace.IssueStats{ByStatus: make(map[workspace.IssueStatus]int, len(workspace.IssueStatuses))}
	for _, s := range workspace.IssueStatuses {
		stats.ByStatus[s] = 0
	}
	rows, err := tx.QueryContext(ctx, `SELECT status, COUNT(*) FROM issues GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: issue statistics: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s workspace.IssueStatus
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("sqlite: issue statistics: %w", err)
		}
		stats.ByStatus[s] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: issue statistics: %w", err)
	}

	categories, err := queryRows(ctx, tx, categoryCountFields, `
		SELECT `+prefixed("c", issueCategoryColumns)+`, COUNT(i.id)
		FROM issue_categories c
		LEFT JOIN issues i ON i.category_id = c.id AND i.status NOT IN `+endedStatuses+`
		GROUP BY `+prefixed("c", issueCategoryColumns)+`
		HAVING c.active = TRUE OR COUNT(i.id) > 0
		ORDER BY c.position, c.id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: issue statistics by category: %w", err)
	}
	stats.ByCategory = make([]workspace.CategoryCount, len(categories))
	for n, r := range categories {
		stats.ByCategory[n] = r.c
	}

	overdue, err := queryRows(ctx, tx, organisationCountFields, `
		SELECT `+prefixed("o", organisationColumns)+`, COUNT(*)
		FROM issues i JOIN organisations o ON o.id = i.owner_organisation_id
		WHERE i.status NOT IN `+endedStatuses+` AND i.due_date IS NOT NULL AND i.due_date < ?
		GROUP BY `+prefixed("o", organisationColumns)+`
		ORDER BY COUNT(*) DESC, o.name_fr, o.id`, today)
	if err != nil {
		return nil, fmt.Errorf("sqlite: overdue issues by organisation: %w", err)
	}
	stats.OverdueByOrganisation = make([]workspace.OrganisationCount, len(overdue))
	for n, r := range overdue {
		stats.OverdueByOrganisation[n] = r.c
	}

	stats.OpenSince = []time.Time{}
	if err := tx.SelectContext(ctx, &stats.OpenSince, `
		SELECT created_at FROM issues WHERE status NOT IN `+endedStatuses+` ORDER BY created_at, id`); err != nil {
		return nil, fmt.Errorf("sqlite: age of open issues: %w", err)
	}
	return stats, nil
}
