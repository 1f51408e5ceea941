package sqlite

// The store of the official register: entries (a procedure under a stable
// identifier, PROC-YYYY-NNN, in French, Arabic or both) and their
// publications (adopted versions entered as numbered editions). Every
// write is one transaction that reads the actor again, checks the
// workspace rule (workspace/publication.go), writes and audits.
//
// The methods are split by concern: this file holds the writes (Publish
// and WithdrawEntry); publication_read.go the reads of entries and
// editions; publication_search.go the public full-text index and search.

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// registerEntity is the entity type of the register's audit entries.
const registerEntity = "register_entry"

// publicationAudit is what the audit log keeps of a publication: which
// version became which edition, its hash and dates. It never holds the
// text, which the publication itself keeps for good.
type publicationAudit struct {
	Identifier    string `json:"identifier"`
	Language      string `json:"language"`
	Edition       int    `json:"edition"`
	ProcedureID   int64  `json:"procedure_id"`
	VersionNumber int    `json:"version_number"`
	Title         string `json:"title"`
	ContentSHA256 string `json:"content_sha256"`
	EffectiveOn   string `json:"effective_on"`
	Note          string `json:"note,omitempty"`
	NewEntry      bool   `json:"new_entry,omitempty"`
	TranslationOf bool   `json:"translation_of,omitempty"`
	Supersedes    string `json:"supersedes,omitempty"`
	// SourceEdition is, for a translation, the original's edition it
	// follows.
	SourceEdition int `json:"source_edition,omitempty"`
}

// withdrawalAudit is what the audit log keeps of an entry before and after
// its withdrawal.
type withdrawalAudit struct {
	Identifier string `json:"identifier"`
	Status     string `json:"status"`
	Reason     string `json:"reason,omitempty"`
	ReplacedBy string `json:"replaced_by,omitempty"`
}

func auditWithdrawal(e *workspace.RegisterEntry) withdrawalAudit {
	return withdrawalAudit{Identifier: e.Identifier(), Status: string(e.Status()), Reason: e.WithdrawalReason,
		ReplacedBy: e.ReplacedByIdentifier}
}

// The errors of the register beyond those of the domain.
var (
	errTranslationTaken = &workspace.Error{Code: workspace.ECONFLICT, Key: "error.publication.translation_taken",
		Message: "The register entry already has a procedure in this language."}
	errAlreadyWithdrawn = &workspace.Error{Code: workspace.ECONFLICT, Key: "error.publication.already_withdrawn",
		Message: "This register entry is already withdrawn."}
	errLanguageChanged = &workspace.Error{Code: workspace.ECONFLICT, Key: "error.publication.language_changed",
		Message: "The procedure's language is no longer the one it has in the register."}
)

func errTranslationInvalid() error {
	return workspace.Invalid("translation_of", "error.publication.translation_invalid",
		"Choose an entry of the register, in force, that the procedure translates.")
}

func errSupersedesInvalid() error {
	return workspace.Invalid("supersedes", "error.publication.supersedes_invalid",
		"Choose another entry of the register, in force, to replace.")
}

func errSupersedesItself() error {
	return workspace.Invalid("supersedes", "error.publication.supersedes_itself",
		"A procedure cannot replace the entry it is published into.")
}

func errReplacementInvalid() error {
	return workspace.Invalid("replaced_by", "error.publication.replacement_invalid",
		"Choose another entry of the register, in force, as the replacement.")
}

// Publish enters an adopted version in the register, in one transaction:
// it reads the actor again (workspace.CanPublish), the procedure and its
// version (workspace.CheckPublishable: adopted, not yet published, newer
// than the procedure's versions already published), finds
// the entry — the procedure's own, the one req.TranslationOf names (which
// must have nothing in the procedure's language, and then holds the
// procedure from now on), or a new one numbered PROC-req.Year-NNN, the
// next free rank of that year — and stores the next edition of the entry
// in the procedure's language with a copy of the title, summary, category
// and text and the text's SHA-256 — for a translation, with the edition of
// the original it follows (translationSource). When req.Supersedes names
// another entry (in the register, in force, not this one, not already
// replaced), that entry is marked replaced by this one, from the day this
// edition applies. The full-text index then holds this edition beside the
// earlier ones. The audit
// entry is publication.publish on the register_entry.
//
// The entry's category follows its latest publication. An edition cannot
// apply before the previous one in its language
// (workspace.CheckEffectiveOrder). Nothing is published into a withdrawn
// entry nor into one that another replaces (workspace.CheckEntryOpen); a
// procedure whose entry was withdrawn publishes its next version as a new
// entry, the withdrawn one staying as it was. An
// entry that another replaces
// replaces nothing itself, so that no two entries replace each other, and
// a procedure whose language changed since it entered the register is
// refused: its editions stay in the language the register gives it.
func (db *DB) Publish(ctx context.Context, actor workspace.Actor, req *workspace.PublishRequest) (*workspace.Publication, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	if actor, err = findActor(ctx, tx, actor); err != nil {
		return nil, err
	}
	if err := workspace.CanPublish(actor); err != nil {
		return nil, err
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	proc, err := findProcedureByID(ctx, tx, req.ProcedureID)
	if err != nil {
		return nil, err
	}
	vs, err := findVersions(ctx, tx, "v.procedure_id = ? AND v.number = ?", proc.ID, req.VersionNumber)
	if err != nil {
		return nil, err
	} else if len(vs) == 0 {
		return nil, notFound("Version")
	}
	v := vs[0]
	var published struct {
		This   bool `db:"this"`
		Latest int  `db:"latest"`
	}
	if err := tx.GetContext(ctx, &published, `
		SELECT EXISTS (SELECT 1 FROM publications WHERE version_id = ?) AS this,
			COALESCE((SELECT MAX(version_number) FROM publications WHERE procedure_id = ?), 0) AS latest`,
		v.ID, proc.ID); err != nil {
		return nil, fmt.Errorf("sqlite: publish: %w", err)
	}
	if err := workspace.CheckPublishable(v, published.This, published.Latest); err != nil {
		return nil, err
	}

	now := db.Now()
	entry, joins, err := publicationEntry(ctx, tx, proc, req)
	if err != nil {
		return nil, err
	}
	var superseded *workspace.RegisterEntry
	if req.Supersedes != 0 {
		if superseded, err = supersededEntry(ctx, tx, entry, req.Supersedes); err != nil {
			return nil, err
		}
	}
	newEntry := entry == nil
	if newEntry {
		if entry, err = createRegisterEntry(ctx, tx, proc, req.Year, actor, now); err != nil {
			return nil, err
		}
	}
	if newEntry || joins {
		if _, err := tx.ExecContext(ctx, `INSERT INTO register_procedures (entry_id, language, procedure_id) VALUES (?, ?, ?)`,
			entry.ID, proc.Language, proc.ID); err != nil {
			if isUniqueViolation(err) {
				return nil, errTranslationTaken
			}
			return nil, fmt.Errorf("sqlite: publish: %w", err)
		}
	}

	p := &workspace.Publication{EntryID: entry.ID, Identifier: entry.Identifier(), ProcedureID: proc.ID, VersionID: v.ID,
		VersionNumber: v.Number, Language: proc.Language, Category: proc.Category, Title: proc.Title, Summary: proc.Summary,
		Content: v.Content, ContentSHA256: workspace.ContentHash(v.Content), EffectiveOn: req.EffectiveOn, Note: req.Note,
		PublishedAt: now, PublishedBy: actor.AccountID}
	if superseded != nil {
		p.Supersedes, p.SupersedesIdentifier = &superseded.ID, superseded.Identifier()
	}
	var previous struct {
		Edition     int    `db:"edition"`
		EffectiveOn string `db:"effective_on"`
	}
	if err := tx.GetContext(ctx, &previous, `
		SELECT COALESCE(MAX(edition), 0) AS edition,
			COALESCE((SELECT l.effective_on FROM publications l WHERE l.entry_id = ? AND l.language = ? ORDER BY l.edition DESC LIMIT 1), '') AS effective_on
		FROM publications WHERE entry_id = ? AND language = ?`, entry.ID, p.Language, entry.ID, p.Language); err != nil {
		return nil, fmt.Errorf("sqlite: publish: %w", err)
	}
	if err := workspace.CheckEffectiveOrder(previous.EffectiveOn, p.EffectiveOn); err != nil {
		return nil, err
	}
	p.Edition = previous.Edition + 1
	if p.SourceEdition, err = translationSource(ctx, tx, entry.ID, p.Language); err != nil {
		return nil, err
	}
	if err := workspace.CheckSourceEdition(req.SourceEdition, p.SourceEdition); err != nil {
		return nil, err
	}
	if req.SourceEdition != 0 {
		p.SourceEdition = req.SourceEdition
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO publications (entry_id, language, edition, procedure_id, version_id, version_number, category, title,
			summary, content, content_sha256, effective_on, note, supersedes, published_at, published_by, source_edition)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0))`,
		p.EntryID, p.Language, p.Edition, p.ProcedureID, p.VersionID, p.VersionNumber, p.Category, p.Title,
		p.Summary, p.Content, p.ContentSHA256, p.EffectiveOn, p.Note, p.Supersedes, p.PublishedAt, p.PublishedBy,
		p.SourceEdition)
	if err != nil {
		return nil, fmt.Errorf("sqlite: publish: %w", err)
	}
	if p.ID, err = res.LastInsertId(); err != nil {
		return nil, fmt.Errorf("sqlite: publish: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE register_entries SET category = ? WHERE id = ?`, p.Category, entry.ID); err != nil {
		return nil, fmt.Errorf("sqlite: publish: %w", err)
	}
	if superseded != nil {
		if _, err := tx.ExecContext(ctx, `UPDATE register_entries SET replaced_by = ? WHERE id = ?`, entry.ID, superseded.ID); err != nil {
			return nil, fmt.Errorf("sqlite: publish: %w", err)
		}
	}
	if err := indexPublication(ctx, tx, p); err != nil {
		return nil, err
	}
	if err := db.recordAudit(ctx, tx, actor, workspace.AuditPublicationPublish, registerEntity, entry.ID, nil, publicationAudit{
		Identifier: p.Identifier, Language: p.Language, Edition: p.Edition, ProcedureID: p.ProcedureID,
		VersionNumber: p.VersionNumber, Title: p.Title, ContentSHA256: p.ContentSHA256, EffectiveOn: p.EffectiveOn,
		Note: p.Note, NewEntry: newEntry, TranslationOf: joins, Supersedes: p.SupersedesIdentifier, SourceEdition: p.SourceEdition}); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("sqlite: publish: %w", err)
	}
	return p, nil
}

// translationSource returns, in tx, the edition of the entry's original
// text that a publication in lang follows: the latest edition in the
// language of the entry's first publication when lang is another one, or
// 0 when the publication is of the original (or the entry's first).
func translationSource(ctx context.Context, tx *sqlx.Tx, entryID int64, lang string) (int, error) {
	var source int
	err := tx.GetContext(ctx, &source, `
		SELECT COALESCE(MAX(o.edition), 0) FROM publications o
		WHERE o.entry_id = ? AND o.language <> ?
			AND o.language = (SELECT f.language FROM publications f WHERE f.entry_id = ? ORDER BY f.id LIMIT 1)`,
		entryID, lang, entryID)
	if err != nil {
		return 0, fmt.Errorf("sqlite: publish: %w", err)
	}
	return source, nil
}

// publicationEntry returns, in tx, the entry a publication of proc goes
// into: the procedure's own, or the entry req.TranslationOf names, in
// which case joins is true (the procedure joins it). It returns nil when
// the procedure starts a new entry: at its first publication, and after
// the withdrawal of its entry, which released it (released_at): the
// withdrawn entry stays as it is, and the procedure's next version starts
// a new one.
func publicationEntry(ctx context.Context, tx *sqlx.Tx, proc *workspace.Procedure, req *workspace.PublishRequest) (entry *workspace.RegisterEntry, joins bool, err error) {
	own, err := findRegisterEntries(ctx, tx, false, "",
		"e.id = (SELECT rp.entry_id FROM register_procedures rp WHERE rp.procedure_id = ? AND rp.released_at IS NULL)", proc.ID)
	if err != nil {
		return nil, false, err
	}
	if len(own) > 0 {
		entry = own[0]
		if req.TranslationOf != 0 && req.TranslationOf != entry.ID {
			return nil, false, errTranslationInvalid()
		}
		if err := workspace.CheckEntryOpen(entry); err != nil {
			return nil, false, err
		}
		if entry.Procedures[proc.Language] != proc.ID {
			return nil, false, errLanguageChanged
		}
		return entry, false, nil
	}
	if req.TranslationOf == 0 {
		return nil, false, nil
	}
	named, err := findRegisterEntries(ctx, tx, false, "", "e.id = ?", req.TranslationOf)
	if err != nil {
		return nil, false, err
	} else if len(named) == 0 {
		return nil, false, errTranslationInvalid()
	}
	entry = named[0]
	if err := workspace.CheckEntryOpen(entry); err != nil {
		return nil, false, err
	}
	if _, taken := entry.Procedures[proc.Language]; taken {
		return nil, false, errTranslationTaken
	}
	return entry, true, nil
}

// supersededEntry returns, in tx, the entry id that a publication into
// entry (nil for a new one) replaces: another entry, in force, while entry
// itself is not replaced.
func supersededEntry(ctx context.Context, tx *sqlx.Tx, entry *workspace.RegisterEntry, id int64) (*workspace.RegisterEntry, error) {
	if entry != nil && entry.ID == id {
		return nil, errSupersedesItself()
	}
	found, err := findRegisterEntries(ctx, tx, false, "", "e.id = ?", id)
	if err != nil {
		return nil, err
	} else if len(found) == 0 {
		return nil, errSupersedesInvalid()
	}
	s := found[0]
	if s.Status() != workspace.RegisterInForce || s.ReplacedBy != nil {
		return nil, errSupersedesInvalid()
	}
	if entry != nil && entry.Status() != workspace.RegisterInForce {
		return nil, errSupersedesInvalid()
	}
	return s, nil
}

// createRegisterEntry stores, in tx, a new entry for proc numbered with
// the next free rank of year. The write transaction orders two
// publications, and UNIQUE (year, seq) stands behind it.
func createRegisterEntry(ctx context.Context, tx *sqlx.Tx, proc *workspace.Procedure, year int, actor workspace.Actor, now time.Time) (*workspace.RegisterEntry, error) {
	e := &workspace.RegisterEntry{Year: year, Category: proc.Category, Procedures: map[string]int64{},
		CreatedAt: now, CreatedBy: actor.AccountID}
	if err := tx.GetContext(ctx, &e.Seq, `SELECT COALESCE(MAX(seq), 0) + 1 FROM register_entries WHERE year = ?`, year); err != nil {
		return nil, fmt.Errorf("sqlite: create register entry: %w", err)
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO register_entries (year, seq, category, created_at, created_by) VALUES (?, ?, ?, ?, ?)`,
		e.Year, e.Seq, e.Category, e.CreatedAt, e.CreatedBy)
	if err != nil {
		return nil, fmt.Errorf("sqlite: create register entry: %w", err)
	}
	if e.ID, err = res.LastInsertId(); err != nil {
		return nil, fmt.Errorf("sqlite: create register entry: %w", err)
	}
	return e, nil
}

// WithdrawEntry withdraws a register entry (workspace.CanPublish), with
// the reason the public reads (workspace.ValidateWithdrawalReason) and,
// when replacedBy is not zero, the entry that replaces it (which must
// exist, be another entry and be in force). An entry already withdrawn is
// an ECONFLICT. The entry stays readable, with its procedures, which it
// releases: each may be published again, as a new entry (Publish). The
// audit entry is register.withdraw on the register_entry.
//
// Without replacedBy, an entry that a publication superseded keeps the
// entry that replaced it.
func (db *DB) WithdrawEntry(ctx context.Context, actor workspace.Actor, entryID int64, reason string, replacedBy int64) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		if err := workspace.CanPublish(actor); err != nil {
			return err
		}
		found, err := findRegisterEntries(ctx, tx.tx, false, "", "e.id = ?", entryID)
		if err != nil {
			return err
		} else if len(found) == 0 {
			return notFound("Register entry")
		}
		e := found[0]
		if reason, err = workspace.ValidateWithdrawalReason(reason); err != nil {
			return err
		}
		if e.WithdrawnAt != nil {
			return errAlreadyWithdrawn
		}
		before := auditWithdrawal(e)
		if replacedBy != 0 {
			if replacedBy == e.ID {
				return errReplacementInvalid()
			}
			r, err := findRegisterEntries(ctx, tx.tx, false, "", "e.id = ?", replacedBy)
			if err != nil {
				return err
			} else if len(r) == 0 || r[0].Status() != workspace.RegisterInForce {
				return errReplacementInvalid()
			}
			e.ReplacedBy, e.ReplacedByIdentifier = &r[0].ID, r[0].Identifier()
		}
		now := db.Now()
		e.WithdrawnAt, e.WithdrawalReason = &now, reason
		if _, err := tx.tx.ExecContext(ctx, `
			UPDATE register_entries SET withdrawn_at = ?, withdrawn_by = ?, withdrawal_reason = ?, replaced_by = ? WHERE id = ?`,
			e.WithdrawnAt, actor.AccountID, e.WithdrawalReason, e.ReplacedBy, e.ID); err != nil {
			return fmt.Errorf("sqlite: withdraw register entry: %w", err)
		}
		if _, err := tx.tx.ExecContext(ctx, `UPDATE register_procedures SET released_at = ? WHERE entry_id = ? AND released_at IS NULL`,
			e.WithdrawnAt, e.ID); err != nil {
			return fmt.Errorf("sqlite: withdraw register entry: %w", err)
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditRegisterWithdraw, registerEntity, e.ID, before, auditWithdrawal(e))
	})
}
