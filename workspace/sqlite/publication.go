package sqlite

import (
	"context"
	"errors"

	"tawla/workspace"
)

// errRegisterNotYet is returned by the register's methods until they are
// written (issue 13 in progress).
var errRegisterNotYet = errors.New("sqlite: the register is not written yet")

// Publish enters an adopted version in the register, in one transaction:
// it reads the actor again (workspace.CanPublish), the procedure and its
// version (workspace.CheckPublishable: adopted, not yet published), finds
// the entry — the procedure's own, the one req.TranslationOf names (which
// must have nothing in the procedure's language, and then holds the
// procedure from now on), or a new one numbered PROC-req.Year-NNN, the
// next free rank of that year — and stores the next edition of the entry
// in the procedure's language with a copy of the title, summary, category
// and text and the text's SHA-256. When req.Supersedes names another
// entry (in the register, not withdrawn, not this one), that entry is
// marked replaced by this one. The full-text index then holds this edition
// in place of the entry's earlier one in the same language. The audit
// entry is publication.publish on the register_entry.
func (db *DB) Publish(ctx context.Context, actor workspace.Actor, req *workspace.PublishRequest) (*workspace.Publication, error) {
	return nil, errRegisterNotYet
}

// WithdrawEntry withdraws a register entry (workspace.CanPublish), with
// the reason the public reads (workspace.ValidateWithdrawalReason) and,
// when replacedBy is not zero, the entry that replaces it (which must
// exist, be another entry and be in force). An entry already withdrawn is
// an ECONFLICT. The entry stays readable. The audit entry is
// register.withdraw on the register_entry.
func (db *DB) WithdrawEntry(ctx context.Context, actor workspace.Actor, entryID int64, reason string, replacedBy int64) error {
	return errRegisterNotYet
}

// FindRegisterEntries returns every entry of the register, each with its
// Current editions (their Content left empty), ordered by category (in
// workspace.ProcedureCategories' order) then identifier.
func (db *DB) FindRegisterEntries(ctx context.Context) ([]*workspace.RegisterEntry, error) {
	return nil, errRegisterNotYet
}

// FindRegisterEntry returns the entry PROC-year-seq with its Current
// editions (Content filled), or an ENOTFOUND error.
func (db *DB) FindRegisterEntry(ctx context.Context, year, seq int) (*workspace.RegisterEntry, error) {
	return nil, errRegisterNotYet
}

// FindRegisterEntryByID returns the entry id with its Current editions
// (Content filled), or an ENOTFOUND error.
func (db *DB) FindRegisterEntryByID(ctx context.Context, id int64) (*workspace.RegisterEntry, error) {
	return nil, errRegisterNotYet
}

// FindProcedureEntry returns the entry that publishes the procedure, with
// its Current editions (Content filled), or an ENOTFOUND error when the
// procedure is not in the register.
func (db *DB) FindProcedureEntry(ctx context.Context, procedureID int64) (*workspace.RegisterEntry, error) {
	return nil, errRegisterNotYet
}

// FindPublications returns every edition of the entry in lang, the latest
// first, Content filled.
func (db *DB) FindPublications(ctx context.Context, entryID int64, lang string) ([]*workspace.Publication, error) {
	return nil, errRegisterNotYet
}

// FindPublication returns one edition of the entry in lang, Content
// filled, or an ENOTFOUND error.
func (db *DB) FindPublication(ctx context.Context, entryID int64, lang string, edition int) (*workspace.Publication, error) {
	return nil, errRegisterNotYet
}

// FindLatestPublications returns the limit most recent publications (1 to
// 200), the latest first, Content filled: the public home page and the
// Atom feed.
func (db *DB) FindLatestPublications(ctx context.Context, limit int) ([]*workspace.Publication, error) {
	return nil, errRegisterNotYet
}

// FindPublicationIndex returns every publication of the register without
// its Content, ordered by entry, language and edition: the sitemap and the
// secretariat's register page.
func (db *DB) FindPublicationIndex(ctx context.Context) ([]*workspace.Publication, error) {
	return nil, errRegisterNotYet
}

// FindProcedurePublications returns the publications of the procedure's
// versions, keyed by version number, Content left empty: the internal
// version pages show which version is published as what.
func (db *DB) FindProcedurePublications(ctx context.Context, procedureID int64) (map[int]*workspace.Publication, error) {
	return nil, errRegisterNotYet
}

// FindPublicationsByHash returns the publications whose text has the
// SHA-256 sha (lowercase hexadecimal), Content left empty: the public
// check of a downloaded text. An ill-formed sha finds nothing.
func (db *DB) FindPublicationsByHash(ctx context.Context, sha string) ([]*workspace.Publication, error) {
	return nil, errRegisterNotYet
}

// SearchPublications runs a public full-text search (workspace/search's
// Terms and MatchExpression; a query without a word finds nothing) over
// the latest edition of every entry in each language, best first by bm25
// with the title weighted, at most limit (1 to 100) results, Content
// filled so that the server cuts a snippet from it.
func (db *DB) SearchPublications(ctx context.Context, query string, limit int) ([]*workspace.Publication, error) {
	return nil, errRegisterNotYet
}
