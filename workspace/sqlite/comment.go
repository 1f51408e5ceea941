package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// commentColumns are the columns findComments reads, in the order
// commentFields scans them: the comment (c), its passage (an, absent for a
// reply), its author (a) with the author's organisation (o), and the name
// of whoever answered (b), so that a list of comments is one query.
var commentColumns = `c.id, c.procedure_id, c.document_id, c.parent_id, c.kind, c.body, c.proposed, c.status, c.author_id,
	c.answer, c.reason, c.answered_by, c.answered_at, c.created_at, c.updated_at, COALESCE(c.applied_version, 0),
	an.id, an.from_pos, an.to_pos, an.created_version, an.quote, an.removed, an.removed_version, an.last_text, an.reattached_version,
	COALESCE(b.name, ''), ` + accountColumns + `, ` + prefixed("o", organisationColumns)

// commentRow is what commentColumns scan into: the anchor's columns may be
// NULL (a reply).
type commentRow struct {
	c              workspace.Comment
	anchorID       sql.NullInt64
	from, to       sql.NullInt64
	createdVersion sql.NullInt64
	quote          sql.NullString
	removed        sql.NullBool
	removedVersion sql.NullInt64
	lastText       sql.NullString
	reattached     sql.NullInt64
}

func commentFields(r *commentRow) []any {
	c := &r.c
	c.Author = &workspace.Account{}
	return append([]any{&c.ID, &c.ProcedureID, &c.DocumentID, &c.ParentID, &c.Kind, &c.Body, &c.Proposed, &c.Status, &c.AuthorID,
		&c.Answer, &c.Reason, &c.AnsweredBy, &c.AnsweredAt, &c.CreatedAt, &c.UpdatedAt, &c.AppliedVersion,
		&r.anchorID, &r.from, &r.to, &r.createdVersion, &r.quote, &r.removed, &r.removedVersion, &r.lastText, &r.reattached,
		&c.AnswererName}, accountWithOrganisationFields(c.Author)...)
}

// comment returns the scanned comment with its anchor, if it has one.
func (r *commentRow) comment() *workspace.Comment {
	c := &r.c
	c.Author.PasswordHash = ""
	if r.anchorID.Valid {
		c.Anchor = &workspace.Anchor{
			ID: r.anchorID.Int64, DocumentID: c.DocumentID, From: int(r.from.Int64), To: int(r.to.Int64),
			CreatedVersion: int(r.createdVersion.Int64), Quote: r.quote.String, Removed: r.removed.Bool,
			RemovedVersion: int(r.removedVersion.Int64), LastText: r.lastText.String,
			ReattachedVersion: int(r.reattached.Int64),
		}
	}
	return c
}

const commentFrom = `
	FROM comments c
	LEFT JOIN document_anchors an ON an.id = c.anchor_id
	LEFT JOIN accounts b ON b.id = c.answered_by
	JOIN accounts a ON a.id = c.author_id
	JOIN organisations o ON o.id = a.organisation_id`

// findComments selects comments by conditions written in this package,
// with their arguments, in the order they were made.
func findComments(ctx context.Context, q sqlx.QueryerContext, where []string, args ...any) ([]*workspace.Comment, error) {
	query := `SELECT ` + commentColumns + commentFrom
	for i, w := range where {
		if i == 0 {
			query += " WHERE " + w
		} else {
			query += " AND " + w
		}
	}
	rows, err := queryRows(ctx, q, commentFields, query+` ORDER BY c.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find comments: %w", err)
	}
	out := make([]*workspace.Comment, len(rows))
	for i, r := range rows {
		out[i] = r.comment()
	}
	return out, nil
}

func findCommentByID(ctx context.Context, q sqlx.QueryerContext, id int64) (*workspace.Comment, error) {
	list, err := findComments(ctx, q, []string{"c.id = ?"}, id)
	if err != nil {
		return nil, err
	} else if len(list) == 0 {
		return nil, notFound("Comment")
	}
	return list[0], nil
}

// CommentFilter selects the threads of a procedure; zero fields select
// every thread.
type CommentFilter struct {
	ProcedureID int64
	Kind        workspace.CommentKind
	Status      workspace.CommentStatus
	// Answered is "yes", "no" or "" for either.
	Answered       string
	OrganisationID int64
}

// FindCommentThreads returns the threads of a procedure that filter
// selects — comments and suggestions with their passages, authors and
// organisations — each with its replies, oldest first.
func (db *DB) FindCommentThreads(ctx context.Context, filter CommentFilter) ([]*workspace.Comment, error) {
	threads, _, err := db.FindCommentThreadsAt(ctx, filter)
	return threads, err
}

// FindCommentThreadsAt is FindCommentThreads, with the version of the
// procedure's draft at which the passages' positions hold, read in the
// same transaction: a page maps them from there to the text it shows.
func (db *DB) FindCommentThreadsAt(ctx context.Context, filter CommentFilter) ([]*workspace.Comment, int, error) {
	tx, err := db.read.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("sqlite: find comments: %w", err)
	}
	defer tx.Rollback()
	proc, err := findProcedureByID(ctx, tx, filter.ProcedureID)
	if err != nil {
		return nil, 0, err
	}
	doc, err := findDocument(ctx, tx, proc.DocumentID)
	if err != nil {
		return nil, 0, err
	}
	where := []string{"c.procedure_id = ?", "c.parent_id IS NULL"}
	args := []any{filter.ProcedureID}
	if filter.Kind != "" {
		where, args = append(where, "c.kind = ?"), append(args, filter.Kind)
	}
	if filter.Status != "" {
		where, args = append(where, "c.status = ?"), append(args, filter.Status)
	}
	switch filter.Answered {
	case "yes":
		where = append(where, "c.answer <> ''")
	case "no":
		where = append(where, "c.answer = ''")
	}
	if filter.OrganisationID != 0 {
		where, args = append(where, "a.organisation_id = ?"), append(args, filter.OrganisationID)
	}
	threads, err := findComments(ctx, tx, where, args...)
	if err != nil {
		return nil, 0, err
	}
	replies, err := findComments(ctx, tx, []string{"c.procedure_id = ?", "c.parent_id IS NOT NULL"}, filter.ProcedureID)
	if err != nil {
		return nil, 0, err
	}
	byID := make(map[int64]*workspace.Comment, len(threads))
	for _, c := range threads {
		byID[c.ID] = c
	}
	for _, r := range replies {
		if parent := byID[*r.ParentID]; parent != nil {
			parent.Replies = append(parent.Replies, r)
		}
	}
	return threads, doc.Version, nil
}

// FindCommentByID returns a comment with its passage and author, or
// ENOTFOUND.
func (db *DB) FindCommentByID(ctx context.Context, id int64) (*workspace.Comment, error) {
	return findCommentByID(ctx, db.read, id)
}

// commentAudit is the part of a comment the audit log keeps.
type commentAudit struct {
	Kind     string `json:"kind"`
	Body     string `json:"body,omitempty"`
	Proposed string `json:"proposed,omitempty"`
	Status   string `json:"status"`
	Answer   string `json:"answer,omitempty"`
	Reason   string `json:"reason,omitempty"`
	Parent   *int64 `json:"parent_id,omitempty"`
	Anchor   *int64 `json:"anchor_id,omitempty"`
}

func auditComment(c *workspace.Comment) commentAudit {
	a := commentAudit{Kind: string(c.Kind), Body: c.Body, Proposed: c.Proposed, Status: string(c.Status), Answer: string(c.Answer), Reason: c.Reason, Parent: c.ParentID}
	if c.Anchor != nil {
		a.Anchor = &c.Anchor.ID
	}
	return a
}

// CreateComment stores a new thread — a comment or a suggestion — on the
// passage a, inside the transaction that stores the anchor (the Within of
// collab.AnchorRequest). The actor must be allowed to comment on the
// procedure whose draft holds the anchor (workspace.CanComment, with the
// procedure's latest consultation and the transaction's time). It sets c's
// ID, procedure, document, status, author (the acting account; the system
// keeps the AuthorID it was given) and times.
func (tx *Tx) CreateComment(ctx context.Context, actor workspace.Actor, a *workspace.Anchor, c *workspace.Comment) error {
	c.Anchor, c.ParentID = a, nil
	return tx.createComment(ctx, actor, a.DocumentID, c)
}

// CreateReply stores a reply to the thread parentID. The actor must be
// allowed to comment on its procedure (workspace.CanComment). It sets the
// reply's ID, kind, status and times, and notifies the thread's author
// unless the reply is theirs.
func (db *DB) CreateReply(ctx context.Context, actor workspace.Actor, parentID int64, c *workspace.Comment) error {
	return db.withWriteTx(ctx, func(tx *Tx) error {
		parent, err := findCommentByID(ctx, tx.tx, parentID)
		if err != nil {
			return err
		}
		if parent.ParentID != nil {
			return workspace.KeyErrorf(workspace.EINVALID, "error.comment.reply_to_start", "A reply answers the start of a thread.")
		}
		c.ParentID, c.Anchor, c.Kind = &parent.ID, nil, workspace.KindComment
		if err := tx.createComment(ctx, actor, parent.DocumentID, c); err != nil {
			return err
		}
		return tx.notifyCommentAuthor(ctx, workspace.NotifyCommentReply, parent.AuthorID, c.ID, &c.AuthorID)
	})
}

func (tx *Tx) createComment(ctx context.Context, actor workspace.Actor, docID int64, c *workspace.Comment) error {
	actor, err := findActor(ctx, tx.tx, actor)
	if err != nil {
		return err
	}
	procs, err := findProcedures(ctx, tx.tx, "p.document_id = ?", docID)
	if err != nil {
		return err
	} else if len(procs) == 0 {
		return notFound("Procedure")
	}
	proc := procs[0]
	// Without a consultation, the rule decides on nil: members only.
	cons, err := findLatestConsultation(ctx, tx.tx, proc.ID)
	if workspace.ErrorCode(err) == workspace.ENOTFOUND {
		cons, err = nil, nil
	}
	if err != nil {
		return err
	}
	if err := workspace.CanComment(actor, proc, cons, tx.now); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	// A comment is its author's; the system (the demo loader) writes one
	// in the name of the account it sets as author.
	switch {
	case actor.AccountID != nil:
		c.AuthorID = *actor.AccountID
	case !actor.System || c.AuthorID == 0:
		return workspace.Errorf(workspace.EINVALID, "A comment needs an author.")
	}
	c.ProcedureID, c.DocumentID, c.Status = proc.ID, docID, workspace.StatusOpen
	c.CreatedAt, c.UpdatedAt = tx.now, tx.now
	var anchorID *int64
	if c.Anchor != nil {
		anchorID = &c.Anchor.ID
	}
	res, err := tx.tx.ExecContext(ctx, `
		INSERT INTO comments (procedure_id, document_id, anchor_id, parent_id, kind, body, proposed, status, author_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ProcedureID, c.DocumentID, anchorID, c.ParentID, c.Kind, c.Body, c.Proposed, c.Status, c.AuthorID, c.CreatedAt, c.UpdatedAt)
	if err != nil {
		return fmt.Errorf("sqlite: create comment: %w", err)
	}
	if c.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("sqlite: create comment: %w", err)
	}
	return tx.db.recordAudit(ctx, tx.tx, actor, workspace.AuditCommentCreate, "comment", c.ID, nil, auditComment(c))
}

// SetCommentResolved resolves a comment's thread (resolved true) or
// reopens it, and returns it. The actor must be its author or edit
// procedures (workspace.CanResolveComment). A suggestion is settled by
// accepting or rejecting it, except one the secretariat answered partly
// accepted, which whoever decides suggestions marks handled (resolved)
// or reopens, its answer and reason kept (workspace.CanResolveSuggestion).
func (db *DB) SetCommentResolved(ctx context.Context, actor workspace.Actor, id int64, resolved bool) (*workspace.Comment, error) {
	var c *workspace.Comment
	err := db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		var err error
		if c, err = findCommentByID(ctx, tx.tx, id); err != nil {
			return err
		}
		if c.Kind == workspace.KindSuggestion && c.ParentID == nil {
			err = workspace.CanResolveSuggestion(actor, c)
		} else {
			err = workspace.CanResolveComment(actor, c)
		}
		if err != nil {
			return err
		}
		if c.ParentID != nil {
			return workspace.KeyErrorf(workspace.EINVALID, "error.comment.resolve_start", "Only a comment's thread is resolved or reopened.")
		}
		before := auditComment(c)
		status, action := workspace.StatusOpen, workspace.AuditCommentReopen
		if resolved {
			status, action = workspace.StatusResolved, workspace.AuditCommentResolve
		}
		c.Status, c.UpdatedAt = status, tx.now
		if _, err := tx.tx.ExecContext(ctx, `UPDATE comments SET status = ?, updated_at = ? WHERE id = ?`, c.Status, c.UpdatedAt, c.ID); err != nil {
			return fmt.Errorf("sqlite: resolve comment: %w", err)
		}
		return db.recordAudit(ctx, tx.tx, actor, action, "comment", c.ID, before, auditComment(c))
	})
	return c, err
}

// AnswerComment records the secretariat's answer to a thread, with its
// reason, for the table of observations, and returns the thread. The
// actor must answer comments (workspace.CanAnswerComments); a rejection
// needs a reason; a suggestion already accepted or rejected takes only
// the answer of its decision (workspace.CheckDecisionAgrees, ECONFLICT).
func (db *DB) AnswerComment(ctx context.Context, actor workspace.Actor, id int64, answer workspace.Answer, reason string) (*workspace.Comment, error) {
	var c *workspace.Comment
	err := db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		if err := workspace.CanAnswerComments(actor); err != nil {
			return err
		}
		var err error
		if c, err = findCommentByID(ctx, tx.tx, id); err != nil {
			return err
		}
		if c.Kind == workspace.KindSuggestion && answer.Valid() {
			if err := workspace.CheckDecisionAgrees(c.Status, answer); err != nil {
				return err
			}
		}
		return tx.answer(ctx, actor, c, c.Status, answer, reason, workspace.AuditCommentAnswer)
	})
	return c, err
}

// answer writes a thread's status and answer and its audit entry, and
// notifies the thread's author unless the answer is theirs.
func (tx *Tx) answer(ctx context.Context, actor workspace.Actor, c *workspace.Comment, status workspace.CommentStatus, answer workspace.Answer, reason, action string) error {
	if c.ParentID != nil {
		return workspace.KeyErrorf(workspace.EINVALID, "error.comment.answer_start", "Answers go to the start of a thread.")
	}
	if !answer.Valid() {
		return workspace.Invalid("answer", "error.comment.answer_invalid", "Choose an answer.")
	}
	if err := workspace.CheckReason(answer, &reason); err != nil {
		return err
	}
	before := auditComment(c)
	now := tx.now
	c.Status, c.Answer, c.Reason, c.AnsweredBy, c.AnsweredAt, c.UpdatedAt = status, answer, reason, actor.AccountID, &now, now
	if _, err := tx.tx.ExecContext(ctx, `
		UPDATE comments SET status = ?, answer = ?, reason = ?, answered_by = ?, answered_at = ?, updated_at = ? WHERE id = ?`,
		c.Status, c.Answer, c.Reason, c.AnsweredBy, c.AnsweredAt, c.UpdatedAt, c.ID); err != nil {
		return fmt.Errorf("sqlite: answer comment: %w", err)
	}
	if err := tx.notifyCommentAuthor(ctx, workspace.NotifyCommentAnswer, c.AuthorID, c.ID, actor.AccountID); err != nil {
		return err
	}
	return tx.db.recordAudit(ctx, tx.tx, actor, action, "comment", c.ID, before, auditComment(c))
}

// AcceptSuggestion marks an open suggestion accepted, inside the
// transaction that stores the update applying it (the Within of
// collab.Edit), so that the text and the answer are stored together. The
// actor must decide suggestions (workspace.CanDecideSuggestion); a
// suggestion no longer open, or one the secretariat answered otherwise
// than accepted, is ECONFLICT, which rolls the update back. An answer
// already recorded is kept as it is (see decide). version is the document
// version the update applying it made: it is kept with the suggestion
// (comments.applied_version), so that "who wrote what" credits that
// update's text to the suggestion's author (FindSuggestionCredits) while
// the update itself stays the accepting member's.
func (tx *Tx) AcceptSuggestion(ctx context.Context, actor workspace.Actor, id int64, reason string, version int) (*workspace.Comment, error) {
	if version <= 0 {
		return nil, workspace.Errorf(workspace.EINVALID, "A suggestion is accepted by an update of the document: version %d is none.", version)
	}
	actor, err := findActor(ctx, tx.tx, actor)
	if err != nil {
		return nil, err
	}
	c, err := tx.openSuggestion(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := tx.decide(ctx, actor, c, workspace.StatusAccepted, reason, workspace.AuditSuggestionAccept); err != nil {
		return nil, err
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE comments SET applied_version = ? WHERE id = ?`, version, c.ID); err != nil {
		return nil, fmt.Errorf("sqlite: accept suggestion: %w", err)
	}
	c.AppliedVersion = version
	return c, nil
}

// RejectSuggestion marks an open suggestion rejected with a reason, which
// it needs, and returns it. The actor must decide suggestions
// (workspace.CanDecideSuggestion). A suggestion the secretariat answered
// rejected is rejected with that answer and its reason, whatever reason
// is given here; one it answered otherwise is ECONFLICT.
func (db *DB) RejectSuggestion(ctx context.Context, actor workspace.Actor, id int64, reason string) (*workspace.Comment, error) {
	var c *workspace.Comment
	err := db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		var err error
		if c, err = tx.openSuggestion(ctx, actor, id); err != nil {
			return err
		}
		return tx.decide(ctx, actor, c, workspace.StatusRejected, reason, workspace.AuditSuggestionReject)
	})
	return c, err
}

// decide settles an open suggestion with status, accepted or rejected.
// Without a recorded answer, the decision is the answer, given with
// reason by the actor. With one, the decision must agree with it
// (workspace.CheckDecisionAgrees) and only the status changes: the
// secretariat's answer, its reason and who gave it stay as recorded.
func (tx *Tx) decide(ctx context.Context, actor workspace.Actor, c *workspace.Comment, status workspace.CommentStatus, reason, action string) error {
	if c.Answer == workspace.AnswerNone {
		return tx.answer(ctx, actor, c, status, workspace.DecisionAnswer(status), reason, action)
	}
	if err := workspace.CheckDecisionAgrees(status, c.Answer); err != nil {
		return err
	}
	before := auditComment(c)
	c.Status, c.UpdatedAt = status, tx.now
	if _, err := tx.tx.ExecContext(ctx, `UPDATE comments SET status = ?, updated_at = ? WHERE id = ?`, c.Status, c.UpdatedAt, c.ID); err != nil {
		return fmt.Errorf("sqlite: decide suggestion: %w", err)
	}
	return tx.db.recordAudit(ctx, tx.tx, actor, action, "comment", c.ID, before, auditComment(c))
}

// openSuggestion finds a suggestion that is still open, once the actor may
// decide it.
func (tx *Tx) openSuggestion(ctx context.Context, actor workspace.Actor, id int64) (*workspace.Comment, error) {
	if err := workspace.CanDecideSuggestion(actor); err != nil {
		return nil, err
	}
	c, err := findCommentByID(ctx, tx.tx, id)
	if err != nil {
		return nil, err
	}
	if c.Kind != workspace.KindSuggestion || c.ParentID != nil {
		return nil, workspace.KeyErrorf(workspace.EINVALID, "error.comment.not_suggestion", "This is not a suggested change.")
	}
	if c.Status != workspace.StatusOpen {
		return nil, &workspace.Error{Code: workspace.ECONFLICT, Key: "error.suggestion.decided", Message: "This suggestion has already been decided."}
	}
	return c, nil
}

// OpenConsultation opens a consultation on a frozen version of a
// procedure until c.ClosesAt, which must be in the future, from
// c.OpensAt when it is set (before ClosesAt), and sets c's ID and times.
// c.Version names the version; zero takes the latest one, or the draft
// when none is frozen yet. The actor must manage consultations
// (workspace.CanManageConsultations). A later consultation replaces an
// earlier one: the latest decides. So one announced for later while
// another is open is refused (ECONFLICT, error.consultation.still_open):
// it would end the open one at once, without its close being confirmed
// or recorded; the secretariat closes it first, or opens the next one
// from now.
func (db *DB) OpenConsultation(ctx context.Context, actor workspace.Actor, c *workspace.Consultation) error {
	return db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		if err := workspace.CanManageConsultations(actor); err != nil {
			return err
		}
		if _, err := findProcedureByID(ctx, tx.tx, c.ProcedureID); err != nil {
			return err
		}
		if err := c.Validate(tx.now); err != nil {
			return err
		}
		if c.OpensAt != nil && c.OpensAt.After(tx.now) {
			open, err := findLatestConsultation(ctx, tx.tx, c.ProcedureID)
			if err != nil && workspace.ErrorCode(err) != workspace.ENOTFOUND {
				return err
			}
			if open.OpenAt(tx.now) {
				return &workspace.Error{Code: workspace.ECONFLICT, Key: "error.consultation.still_open", Field: "opens_at",
					Message: "A consultation is open now: close it before announcing the next one, or open the next one from now."}
			}
		}
		var latest int
		if err := tx.tx.QueryRowxContext(ctx, `SELECT COALESCE(MAX(number), 0) FROM procedure_versions WHERE procedure_id = ?`, c.ProcedureID).Scan(&latest); err != nil {
			return fmt.Errorf("sqlite: open consultation: %w", err)
		}
		switch {
		case c.Version == 0:
			c.Version = latest
		case c.Version < 0 || c.Version > latest:
			return workspace.Invalid("version", "error.consultation.version", "Choose a frozen version of the procedure.")
		}
		var version *int
		if c.Version > 0 {
			version = &c.Version
		}
		c.OpenedBy, c.CreatedAt = actor.AccountID, tx.now
		c.ClosesAt = c.ClosesAt.UTC()
		if c.OpensAt != nil {
			opens := c.OpensAt.UTC()
			c.OpensAt = &opens
		}
		res, err := tx.tx.ExecContext(ctx, `INSERT INTO consultations (procedure_id, version_number, opened_by, opens_at, closes_at, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			c.ProcedureID, version, c.OpenedBy, c.OpensAt, c.ClosesAt, c.CreatedAt)
		if err != nil {
			return fmt.Errorf("sqlite: open consultation: %w", err)
		}
		if c.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("sqlite: open consultation: %w", err)
		}
		after := map[string]any{"procedure_id": c.ProcedureID, "version": c.Version, "closes_at": c.ClosesAt}
		if c.OpensAt != nil {
			after["opens_at"] = *c.OpensAt
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditConsultationOpen, "consultation", c.ID, nil, after)
	})
}

// CloseConsultation closes the latest consultation of a procedure now,
// before its closing date, and returns it: its closing date becomes the
// transaction's time (and so does its opening date, when it was not open
// yet). The actor must manage consultations
// (workspace.CanManageConsultations); a procedure without a consultation
// still to close is ECONFLICT.
func (db *DB) CloseConsultation(ctx context.Context, actor workspace.Actor, procedureID int64) (*workspace.Consultation, error) {
	var c *workspace.Consultation
	err := db.withActorTx(ctx, actor, func(tx *Tx, actor workspace.Actor) error {
		if err := workspace.CanManageConsultations(actor); err != nil {
			return err
		}
		if _, err := findProcedureByID(ctx, tx.tx, procedureID); err != nil {
			return err
		}
		var err error
		c, err = findLatestConsultation(ctx, tx.tx, procedureID)
		if workspace.ErrorCode(err) == workspace.ENOTFOUND || err == nil && !tx.now.Before(c.ClosesAt) {
			return &workspace.Error{Code: workspace.ECONFLICT, Key: "error.consultation.already_closed", Message: "No consultation of this procedure is open or announced."}
		}
		if err != nil {
			return err
		}
		before := map[string]any{"closes_at": c.ClosesAt}
		after := map[string]any{"closes_at": tx.now}
		if c.OpensAt != nil && tx.now.Before(*c.OpensAt) {
			before["opens_at"], after["opens_at"] = *c.OpensAt, tx.now
			now := tx.now
			c.OpensAt = &now
		}
		c.ClosesAt = tx.now
		if _, err := tx.tx.ExecContext(ctx, `UPDATE consultations SET opens_at = ?, closes_at = ? WHERE id = ?`, c.OpensAt, c.ClosesAt, c.ID); err != nil {
			return fmt.Errorf("sqlite: close consultation: %w", err)
		}
		return db.recordAudit(ctx, tx.tx, actor, workspace.AuditConsultationClose, "consultation", c.ID, before, after)
	})
	return c, err
}

// FindConsultation returns the latest consultation of a procedure, or
// ENOTFOUND when none was opened.
func (db *DB) FindConsultation(ctx context.Context, procedureID int64) (*workspace.Consultation, error) {
	return findLatestConsultation(ctx, db.read, procedureID)
}

// findLatestConsultation returns the latest consultation of a procedure,
// or ENOTFOUND.
func findLatestConsultation(ctx context.Context, q sqlx.QueryerContext, procedureID int64) (*workspace.Consultation, error) {
	var c workspace.Consultation
	var version sql.NullInt64
	err := q.QueryRowxContext(ctx, `
		SELECT id, procedure_id, version_number, opened_by, opens_at, closes_at, created_at FROM consultations
		WHERE procedure_id = ? ORDER BY id DESC LIMIT 1`, procedureID).
		Scan(&c.ID, &c.ProcedureID, &version, &c.OpenedBy, &c.OpensAt, &c.ClosesAt, &c.CreatedAt)
	c.Version = int(version.Int64)
	if isNoRows(err) {
		return nil, notFound("Consultation")
	} else if err != nil {
		return nil, fmt.Errorf("sqlite: find consultation: %w", err)
	}
	return &c, nil
}
