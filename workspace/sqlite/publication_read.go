package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// registerEntryColumns are the columns of an entry (e) and of the entry
// that replaces it (r) that registerEntryFields scans into, in the same
// order.
const registerEntryColumns = `e.id, e.year, e.seq, e.category, e.created_at, e.created_by, e.withdrawn_at,
	e.withdrawal_reason, e.replaced_by, r.year, r.seq, ` + replacedFromSQL

// replacedFromSQL is the day from which the entry that replaces an entry
// (e) does so: the effective day of its publication that superseded e, or
// NULL when e was replaced at its withdrawal.
const replacedFromSQL = `(SELECT MIN(x.effective_on) FROM publications x
	WHERE x.supersedes = e.id AND x.entry_id = e.replaced_by)`

// registerEntryRow is what registerEntryColumns scan into: the replacing
// entry's year and rank are NULL when nothing replaces the entry.
type registerEntryRow struct {
	e                         workspace.RegisterEntry
	replacedYear, replacedSeq sql.NullInt64
	replacedFrom              sql.NullString
}

// registerEntryFields returns the fields of r that registerEntryColumns
// are scanned into, in order.
func registerEntryFields(r *registerEntryRow) []any {
	e := &r.e
	return []any{&e.ID, &e.Year, &e.Seq, &e.Category, &e.CreatedAt, &e.CreatedBy, &e.WithdrawnAt,
		&e.WithdrawalReason, &e.ReplacedBy, &r.replacedYear, &r.replacedSeq, &r.replacedFrom}
}

// registerEntryFrom joins an entry (e) with the entry that replaces it (r).
const registerEntryFrom = ` FROM register_entries e LEFT JOIN register_entries r ON r.id = e.replaced_by`

// publicationColumns are the columns of a publication (p), of its entry
// (e) and of the entry it supersedes (s) that publicationFields scans
// into, in the same order; publicationIndexColumns are the same with the
// text left empty.
const (
	publicationColumns = `p.id, p.entry_id, e.year, e.seq, p.procedure_id, p.version_id, p.version_number, p.edition,
	p.language, p.category, p.title, p.summary, p.content, p.content_sha256, p.effective_on, p.note, p.supersedes,
	s.year, s.seq, p.published_at, p.published_by, p.source_edition`
	publicationIndexColumns = `p.id, p.entry_id, e.year, e.seq, p.procedure_id, p.version_id, p.version_number, p.edition,
	p.language, p.category, p.title, p.summary, '', p.content_sha256, p.effective_on, p.note, p.supersedes,
	s.year, s.seq, p.published_at, p.published_by, p.source_edition`
)

// publicationFrom joins a publication (p) with its entry (e) and the entry
// it supersedes (s).
const publicationFrom = ` FROM publications p JOIN register_entries e ON e.id = p.entry_id
	LEFT JOIN register_entries s ON s.id = p.supersedes`

// publicationRow is what publicationColumns scan into: the identifier is
// made from the entry's year and rank, the superseded entry's may be NULL.
type publicationRow struct {
	p               workspace.Publication
	year, seq       int
	supYear, supSeq sql.NullInt64
	source          sql.NullInt64
}

// publicationFields returns the fields of r that publicationColumns are
// scanned into, in order.
func publicationFields(r *publicationRow) []any {
	p := &r.p
	return []any{&p.ID, &p.EntryID, &r.year, &r.seq, &p.ProcedureID, &p.VersionID, &p.VersionNumber, &p.Edition,
		&p.Language, &p.Category, &p.Title, &p.Summary, &p.Content, &p.ContentSHA256, &p.EffectiveOn, &p.Note, &p.Supersedes,
		&r.supYear, &r.supSeq, &p.PublishedAt, &p.PublishedBy, &r.source}
}

// currentEditionSQL is the number of the edition of a publication's (p)
// entry in its language in force on the day given as its one parameter:
// the latest whose effective day has come, else the first.
const currentEditionSQL = `COALESCE(
	(SELECT MAX(l.edition) FROM publications l WHERE l.entry_id = p.entry_id AND l.language = p.language AND l.effective_on <= ?),
	(SELECT MIN(l.edition) FROM publications l WHERE l.entry_id = p.entry_id AND l.language = p.language))`

// currentEdition is the condition that keeps, of publications (p), the
// edition of each entry in each language in force on the day given as its
// one parameter; nextEdition the one after it, when there is one.
const (
	currentEdition = `p.edition = ` + currentEditionSQL
	nextEdition    = `p.edition = ` + currentEditionSQL + ` + 1`
)

// supersededSQL is the condition that an entry (e) is superseded on the
// day given as its one parameter (and not withdrawn).
const supersededSQL = `(e.withdrawn_at IS NULL AND e.replaced_by IS NOT NULL AND COALESCE(` + replacedFromSQL + `, '') <= ?)`

// languageOrder orders publications (p) French first.
const languageOrder = `CASE p.language WHEN 'fr' THEN 0 ELSE 1 END`

// FindRegisterEntries returns every entry of the register as of today (a
// day of the table's time zone, "2006-01-02"), each with its Current and
// Next editions (their Content left empty), ordered by category (in
// workspace.ProcedureCategories' order) then identifier.
func (db *DB) FindRegisterEntries(ctx context.Context, today string) ([]*workspace.RegisterEntry, error) {
	tx, err := db.read.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: find register entries: %w", err)
	}
	defer tx.Rollback()
	entries, err := findRegisterEntries(ctx, tx, false, today, "1 = 1")
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(entries, func(a, b *workspace.RegisterEntry) int {
		return slices.Index(workspace.ProcedureCategories, a.Category) - slices.Index(workspace.ProcedureCategories, b.Category)
	})
	return entries, nil
}

// FindRegisterEntry returns the entry PROC-year-seq as of today with its
// Current editions (Content filled), or an ENOTFOUND error.
func (db *DB) FindRegisterEntry(ctx context.Context, today string, year, seq int) (*workspace.RegisterEntry, error) {
	return db.findRegisterEntry(ctx, today, "e.year = ? AND e.seq = ?", year, seq)
}

// FindRegisterEntryByID returns the entry id as of today with its Current
// editions (Content filled), or an ENOTFOUND error.
func (db *DB) FindRegisterEntryByID(ctx context.Context, today string, id int64) (*workspace.RegisterEntry, error) {
	return db.findRegisterEntry(ctx, today, "e.id = ?", id)
}

// FindProcedureEntry returns the entry that publishes the procedure, as
// of today, with its Current editions (Content filled), or an ENOTFOUND
// error when the procedure is not in the register: the entry that holds
// it, or, when every entry it was in is withdrawn, the one withdrawn last.
func (db *DB) FindProcedureEntry(ctx context.Context, today string, procedureID int64) (*workspace.RegisterEntry, error) {
	return db.findRegisterEntry(ctx, today, `e.id = (SELECT rp.entry_id FROM register_procedures rp WHERE rp.procedure_id = ?
		ORDER BY rp.released_at IS NOT NULL, rp.released_at DESC, rp.entry_id DESC LIMIT 1)`, procedureID)
}

// findRegisterEntry returns the one entry cond selects as of today,
// Content filled, in one read transaction.
func (db *DB) findRegisterEntry(ctx context.Context, today, cond string, args ...any) (*workspace.RegisterEntry, error) {
	tx, err := db.read.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: find register entry: %w", err)
	}
	defer tx.Rollback()
	entries, err := findRegisterEntries(ctx, tx, true, today, cond, args...)
	if err != nil {
		return nil, err
	} else if len(entries) == 0 {
		return nil, notFound("Register entry")
	}
	return entries[0], nil
}

// findRegisterEntries selects entries by a condition written in this
// package, never by user input, by identifier, and fills their Procedures,
// their Current editions as of today (with their Content when
// withContent) and their Next editions in three more queries. The writes
// read entries for their procedures and status with today empty: a
// replacement recorded for a later day then counts as not yet in effect,
// and Current holds the first editions.
func findRegisterEntries(ctx context.Context, q sqlx.QueryerContext, withContent bool, today, cond string, args ...any) ([]*workspace.RegisterEntry, error) {
	rows, err := queryRows(ctx, q, registerEntryFields, `SELECT `+registerEntryColumns+registerEntryFrom+`
		WHERE `+cond+` ORDER BY e.year, e.seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find register entries: %w", err)
	}
	entries := make([]*workspace.RegisterEntry, len(rows))
	byID := make(map[int64]*workspace.RegisterEntry, len(rows))
	for i, r := range rows {
		e := &r.e
		if r.replacedYear.Valid {
			e.ReplacedByIdentifier = workspace.FormatIdentifier(int(r.replacedYear.Int64), int(r.replacedSeq.Int64))
		}
		e.ReplacedFrom = r.replacedFrom.String
		e.Procedures, e.Current, e.Next, e.AsOf = map[string]int64{}, []*workspace.Publication{}, []*workspace.Publication{}, today
		entries[i], byID[e.ID] = e, e
	}
	if len(entries) == 0 {
		return entries, nil
	}
	ids := make([]int64, len(entries))
	for i, e := range entries {
		ids[i] = e.ID
	}
	in := `(` + placeholders(len(ids)) + `)`
	procs, err := q.QueryContext(ctx, `SELECT entry_id, language, procedure_id FROM register_procedures WHERE entry_id IN `+in, int64Args(ids)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find register procedures: %w", err)
	}
	defer procs.Close()
	for procs.Next() {
		var entryID, procID int64
		var lang string
		if err := procs.Scan(&entryID, &lang, &procID); err != nil {
			return nil, fmt.Errorf("sqlite: find register procedures: %w", err)
		}
		byID[entryID].Procedures[lang] = procID
	}
	if err := procs.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: find register procedures: %w", err)
	}
	current, err := findPublications(ctx, q, withContent, `p.entry_id IN `+in+` AND `+currentEdition,
		`p.entry_id, `+languageOrder, append(int64Args(ids), today)...)
	if err != nil {
		return nil, err
	}
	for _, p := range current {
		e := byID[p.EntryID]
		e.Current = append(e.Current, p)
	}
	next, err := findPublications(ctx, q, false, `p.entry_id IN `+in+` AND `+nextEdition,
		`p.entry_id, `+languageOrder, append(int64Args(ids), today)...)
	if err != nil {
		return nil, err
	}
	for _, p := range next {
		e := byID[p.EntryID]
		e.Next = append(e.Next, p)
	}
	return entries, nil
}

// FindPublications returns every edition of the entry in lang, the latest
// first, Content filled.
func (db *DB) FindPublications(ctx context.Context, entryID int64, lang string) ([]*workspace.Publication, error) {
	return findPublications(ctx, db.read, true, "p.entry_id = ? AND p.language = ?", "p.edition DESC", entryID, lang)
}

// FindPublication returns one edition of the entry in lang, Content
// filled, or an ENOTFOUND error.
func (db *DB) FindPublication(ctx context.Context, entryID int64, lang string, edition int) (*workspace.Publication, error) {
	ps, err := findPublications(ctx, db.read, true, "p.entry_id = ? AND p.language = ? AND p.edition = ?", "p.id",
		entryID, lang, edition)
	if err != nil {
		return nil, err
	} else if len(ps) == 0 {
		return nil, notFound("Publication")
	}
	return ps[0], nil
}

// The limits of the latest publications.
const latestPublicationsMax = 200

// FindLatestPublications returns the limit most recent publications (1 to
// 200), the latest first, Content filled: the public home page and the
// Atom feed.
func (db *DB) FindLatestPublications(ctx context.Context, limit int) ([]*workspace.Publication, error) {
	limit = min(max(limit, 1), latestPublicationsMax)
	return findPublications(ctx, db.read, true, "1 = 1", "p.published_at DESC, p.id DESC LIMIT ?", limit)
}

// FindLatestInForce returns the limit most recent publications (1 to
// latestPublicationsMax), newest first, Content left empty, keeping only
// the edition in force today (a day of the table's time zone) of each
// entry in each language: none of an entry withdrawn or superseded by
// today, nor an edition a later one replaced, nor one whose effective day
// is still to come. The public home lists them, so that what it offers
// first all applies now.
func (db *DB) FindLatestInForce(ctx context.Context, today string, limit int) ([]*workspace.Publication, error) {
	limit = min(max(limit, 1), latestPublicationsMax)
	return findPublications(ctx, db.read, false,
		currentEdition+` AND p.effective_on <= ? AND e.withdrawn_at IS NULL AND NOT `+supersededSQL,
		"p.published_at DESC, p.id DESC LIMIT ?", today, today, today, limit)
}

// FindPublicationIndex returns every publication of the register without
// its Content, ordered by entry, language and edition: the sitemap and the
// secretariat's register page.
func (db *DB) FindPublicationIndex(ctx context.Context) ([]*workspace.Publication, error) {
	return findPublications(ctx, db.read, false, "1 = 1", "e.year, e.seq, "+languageOrder+", p.edition")
}

// FindProcedurePublications returns the publications of the procedure's
// versions, keyed by version number, Content left empty: the internal
// version pages show which version is published as what.
func (db *DB) FindProcedurePublications(ctx context.Context, procedureID int64) (map[int]*workspace.Publication, error) {
	ps, err := findPublications(ctx, db.read, false, "p.procedure_id = ?", "p.id", procedureID)
	if err != nil {
		return nil, err
	}
	byNumber := make(map[int]*workspace.Publication, len(ps))
	for _, p := range ps {
		byNumber[p.VersionNumber] = p
	}
	return byNumber, nil
}

// sha256Hex matches a SHA-256 written in lowercase hexadecimal.
var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// FindPublicationsByHash returns the publications whose text has the
// SHA-256 sha (lowercase hexadecimal), Content left empty: the public
// check of a downloaded text. An ill-formed sha finds nothing.
//
// Surrounding spaces and upper-case digits are set aside, as a person
// pasting a hash may bring them.
func (db *DB) FindPublicationsByHash(ctx context.Context, sha string) ([]*workspace.Publication, error) {
	sha = strings.ToLower(strings.TrimSpace(sha))
	if !sha256Hex.MatchString(sha) {
		return []*workspace.Publication{}, nil
	}
	return findPublications(ctx, db.read, false, "p.content_sha256 = ?", "p.published_at DESC, p.id DESC", sha)
}

// findPublications selects publications by a condition and an order
// written in this package, never by user input, with their Content when
// withContent.
func findPublications(ctx context.Context, q sqlx.QueryerContext, withContent bool, cond, order string, args ...any) ([]*workspace.Publication, error) {
	columns := publicationIndexColumns
	if withContent {
		columns = publicationColumns
	}
	rows, err := queryRows(ctx, q, publicationFields, `SELECT `+columns+publicationFrom+`
		WHERE `+cond+` ORDER BY `+order, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find publications: %w", err)
	}
	ps := make([]*workspace.Publication, len(rows))
	for i, r := range rows {
		ps[i] = r.publication()
	}
	return ps, nil
}

// publication returns the row's publication with its identifiers made.
func (r *publicationRow) publication() *workspace.Publication {
	p := &r.p
	p.Identifier = workspace.FormatIdentifier(r.year, r.seq)
	p.SourceEdition = int(r.source.Int64)
	if r.supYear.Valid {
		p.SupersedesIdentifier = workspace.FormatIdentifier(int(r.supYear.Int64), int(r.supSeq.Int64))
	}
	return p
}
