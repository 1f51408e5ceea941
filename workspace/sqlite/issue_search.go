package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
	"tawla/workspace/search"
)

// IssueFilter selects issues; zero fields select every issue.
type IssueFilter struct {
	Status              workspace.IssueStatus
	CategoryID          int64
	OwnerOrganisationID int64
	Delegation          string
	// OverdueOn, a day "YYYY-MM-DD", keeps the issues not ended whose due
	// date is before it.
	OverdueOn string
	// Open keeps the issues not ended (neither resolved nor closed).
	Open bool
	// Query is a full-text search (workspace/search): matching issues,
	// best first, instead of the most recently changed first. A query
	// without a word to search for ("", "?!") searches nothing: the
	// other fields alone select.
	Query         string
	Limit, Offset int
}

// IssueHit is an issue a list or a search found. Text is the indexed text
// in its original form (the description and the comments), from which the
// server cuts a snippet around the words searched for; it is filled for a
// search (IssueFilter.Query) only.
type IssueHit struct {
	Issue *workspace.Issue
	Text  string
}

// The limits of a page of issues.
const (
	issuePageDefault = 50
	issuePageMax     = 200
)

// endedStatuses is the SQL list of the statuses that end an issue
// (workspace.IssueStatus.Ended).
const endedStatuses = `('resolved', 'closed')`

// FindIssues returns the issues filter selects, a page at a time, with
// how many it selects in all. Filters combine (AND). A page holds Limit
// issues (50 when zero, 200 at most). Without Query the most recently
// changed come first; with it, the best matches by bm25, a word of the
// title counting ten times one of the description or comments.
func (db *DB) FindIssues(ctx context.Context, filter IssueFilter) ([]*IssueHit, int, error) {
	var where []string
	var args []any
	if filter.Status != "" {
		where, args = append(where, "i.status = ?"), append(args, filter.Status)
	}
	if filter.CategoryID != 0 {
		where, args = append(where, "i.category_id = ?"), append(args, filter.CategoryID)
	}
	if filter.OwnerOrganisationID != 0 {
		where, args = append(where, "i.owner_organisation_id = ?"), append(args, filter.OwnerOrganisationID)
	}
	if filter.Delegation != "" {
		where = append(where, "EXISTS (SELECT 1 FROM issue_delegations d WHERE d.issue_id = i.id AND d.delegation = ?)")
		args = append(args, filter.Delegation)
	}
	if filter.Open {
		where = append(where, "i.status NOT IN "+endedStatuses)
	}
	if filter.OverdueOn != "" {
		where = append(where, "i.status NOT IN "+endedStatuses+" AND i.due_date IS NOT NULL AND i.due_date < ?")
		args = append(args, filter.OverdueOn)
	}
	from, order := issueFrom, issueOrder
	terms := search.Terms(filter.Query)
	match := search.MatchExpression(terms)
	if match != "" {
		// bm25 is smaller for a better match.
		from += ` JOIN issues_fts ON issues_fts.rowid = i.id`
		where, args = append(where, "issues_fts MATCH ?"), append(args, match)
		order = `bm25(issues_fts, 10.0, 1.0), i.id DESC`
	}
	limit := filter.Limit
	if limit <= 0 {
		limit = issuePageDefault
	}
	limit = min(limit, issuePageMax)
	offset := max(filter.Offset, 0)

	tx, err := db.read.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("sqlite: find issues: %w", err)
	}
	defer tx.Rollback()
	count := `SELECT COUNT(*)` + from
	if len(where) > 0 {
		count += ` WHERE ` + strings.Join(where, " AND ")
	}
	var total int
	if err := tx.GetContext(ctx, &total, count, args...); err != nil {
		return nil, 0, fmt.Errorf("sqlite: count issues: %w", err)
	}
	issues, err := findIssues(ctx, tx, from, where, args, order, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	hits := make([]*IssueHit, len(issues))
	for n, i := range issues {
		hits[n] = &IssueHit{Issue: i}
	}
	if match != "" && len(issues) > 0 {
		ids := make([]int64, len(issues))
		for n, i := range issues {
			ids[n] = i.ID
		}
		texts, err := findIssueTexts(ctx, tx, ids)
		if err != nil {
			return nil, 0, err
		}
		for _, h := range hits {
			h.Text = texts[h.Issue.ID].body
		}
	}
	return hits, total, nil
}

// issueText is what the index holds of an issue, in its original form:
// its title, and its description followed by its comments, one per line.
type issueText struct {
	title, body string
}

// findIssueTexts returns the texts of issues ids, in two queries. Private
// fields are never part of them.
func findIssueTexts(ctx context.Context, q sqlx.QueryerContext, ids []int64) (map[int64]*issueText, error) {
	texts := make(map[int64]*issueText, len(ids))
	if len(ids) == 0 {
		return texts, nil
	}
	args := make([]any, len(ids))
	for n, id := range ids {
		args[n] = id
	}
	in := `(` + placeholders(len(ids)) + `)`
	rows, err := q.QueryContext(ctx, `SELECT id, title, description FROM issues WHERE id IN `+in, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: read issue text: %w", err)
	}
	defer rows.Close()
	bodies := map[int64]*strings.Builder{}
	for rows.Next() {
		var id int64
		var title, description string
		if err := rows.Scan(&id, &title, &description); err != nil {
			return nil, fmt.Errorf("sqlite: read issue text: %w", err)
		}
		texts[id] = &issueText{title: title}
		bodies[id] = &strings.Builder{}
		bodies[id].WriteString(description)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: read issue text: %w", err)
	}
	comments, err := q.QueryContext(ctx, `SELECT issue_id, body FROM issue_events
		WHERE kind = 'comment' AND issue_id IN `+in+` ORDER BY issue_id, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: read issue text: %w", err)
	}
	defer comments.Close()
	for comments.Next() {
		var id int64
		var body string
		if err := comments.Scan(&id, &body); err != nil {
			return nil, fmt.Errorf("sqlite: read issue text: %w", err)
		}
		if b := bodies[id]; b != nil {
			b.WriteString("\n")
			b.WriteString(body)
		}
	}
	if err := comments.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: read issue text: %w", err)
	}
	for id, b := range bodies {
		texts[id].body = b.String()
	}
	return texts, nil
}

// normalizeForIndex is the form in which the index holds a text and a
// query is compared with it.
var normalizeForIndex = search.Normalize

// indexIssue writes issue id's title, and its description with its
// comments, into the full-text index, in their normalised form, over what
// the index held of it. Private fields are never indexed.
func (tx *Tx) indexIssue(ctx context.Context, id int64) error {
	texts, err := findIssueTexts(ctx, tx.tx, []int64{id})
	if err != nil {
		return err
	}
	t := texts[id]
	if t == nil {
		return notFound("Issue")
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM issues_fts WHERE rowid = ?`, id); err != nil {
		return fmt.Errorf("sqlite: index issue: %w", err)
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO issues_fts (rowid, title, body) VALUES (?, ?, ?)`,
		id, normalizeForIndex(t.title), normalizeForIndex(t.body)); err != nil {
		return fmt.Errorf("sqlite: index issue: %w", err)
	}
	return nil
}
