package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
	"tawla/workspace/search"
)

// The limits of a public search.
const publicationSearchMax = 100

// publicationTitleWeight is how many times a word of the title counts as
// much as one of the summary or text in bm25.
const publicationTitleWeight = "10.0"

// indexPublication writes p into the public full-text index, in tx. The
// index holds every edition, and a search keeps the one in force on its
// day (SearchPublications), as an edition published to apply later must
// not hide the text that applies until then. It holds workspace/search's
// normal form of the title, and of the summary with the text; only
// published text is ever written there.
func indexPublication(ctx context.Context, tx *sqlx.Tx, p *workspace.Publication) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO publications_fts (rowid, title, body) VALUES (?, ?, ?)`,
		p.ID, normalizeForIndex(p.Title), normalizeForIndex(p.Summary+"\n"+p.Content)); err != nil {
		return fmt.Errorf("sqlite: index publication: %w", err)
	}
	return nil
}

// indexMissingPublications writes into the full-text index the editions
// it lacks: a database whose index held only the latest edition of each
// entry in each language (before every edition was indexed) gets the
// earlier ones when it is opened. It does nothing once all are there.
func (db *DB) indexMissingPublications(ctx context.Context) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	missing, err := findPublications(ctx, tx, true, "p.id NOT IN (SELECT rowid FROM publications_fts)", "p.id")
	if err != nil {
		return err
	}
	if len(missing) == 0 {
		return nil
	}
	for _, p := range missing {
		if err := indexPublication(ctx, tx, p); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: index missing publications: %w", err)
	}
	return nil
}

// PublicationHit is a publication a public search found, with where its
// entry stands.
type PublicationHit struct {
	*workspace.Publication
	EntryStatus workspace.RegisterStatus
}

// registerStatusSQL is an entry's (e) workspace.RegisterStatus on the day
// given as its one parameter.
const registerStatusSQL = `CASE WHEN e.withdrawn_at IS NOT NULL THEN 'withdrawn' WHEN ` + supersededSQL + ` THEN 'superseded' ELSE 'in_force' END`

// registerStatusRank orders entries (e) as workspace.RegisterStatuses
// does, on the day given as its one parameter: in force, superseded,
// withdrawn.
const registerStatusRank = `CASE WHEN e.withdrawn_at IS NOT NULL THEN 2 WHEN ` + supersededSQL + ` THEN 1 ELSE 0 END`

// SearchPublications runs a public full-text search (workspace/search's
// Terms and MatchExpression; a query without a word finds nothing) over
// the edition of every entry in each language in force today (a day of
// the table's time zone; the first edition of one that applies later), at
// most limit (1 to 100) results, Content filled so that the server cuts a
// snippet from it.
//
// Withdrawn and superseded entries stay found, as they stay readable, each
// hit with its entry's status today: entries in force come first, then the
// superseded, then the withdrawn, each group best first by bm25 with the
// title weighted. Whoever searches for what to do finds what applies now
// before what no longer does, and the limit never drops an entry in force
// for one withdrawn.
func (db *DB) SearchPublications(ctx context.Context, today, query string, limit int) ([]*PublicationHit, error) {
	match := search.MatchExpression(search.Terms(query))
	if match == "" {
		return []*PublicationHit{}, nil
	}
	limit = min(max(limit, 1), publicationSearchMax)
	tx, err := db.read.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: search publications: %w", err)
	}
	defer tx.Rollback()
	type hitRow struct {
		publicationRow
		status workspace.RegisterStatus
	}
	fields := func(r *hitRow) []any { return append(publicationFields(&r.publicationRow), &r.status) }
	// bm25 is smaller for a better match.
	rows, err := queryRows(ctx, tx, fields, `
		SELECT `+publicationColumns+`, `+registerStatusSQL+publicationFrom+`
		JOIN publications_fts ON publications_fts.rowid = p.id
		WHERE publications_fts MATCH ? AND `+currentEdition+`
		ORDER BY `+registerStatusRank+`, bm25(publications_fts, `+publicationTitleWeight+`, 1.0), p.id DESC
		LIMIT ?`, today, match, today, today, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: search publications: %w", err)
	}
	hits := make([]*PublicationHit, len(rows))
	for i, r := range rows {
		hits[i] = &PublicationHit{Publication: r.publication(), EntryStatus: r.status}
	}
	return hits, nil
}
