package sqlite

import (
	"context"
	"fmt"
)

// FindSuggestionCredits returns, for a document, the versions made by the
// updates that applied accepted suggestions, each with the account of the
// suggestion's author: the update is the accepting member's, its text the
// author's (workspace.AuthorshipCredited).
func (db *DB) FindSuggestionCredits(ctx context.Context, docID int64) (map[int]int64, error) {
	rows, err := db.read.QueryContext(ctx, `
		SELECT applied_version, author_id FROM comments
		WHERE document_id = ? AND applied_version IS NOT NULL`, docID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find suggestion credits: %w", err)
	}
	defer rows.Close()
	credits := map[int]int64{}
	for rows.Next() {
		var version int
		var author int64
		if err := rows.Scan(&version, &author); err != nil {
			return nil, fmt.Errorf("sqlite: find suggestion credits: %w", err)
		}
		credits[version] = author
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: find suggestion credits: %w", err)
	}
	return credits, nil
}
