package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"tawla/workspace"
)

// auditEntryColumns are the columns of an audit entry that
// auditEntryFields scans into, in the same order.
const auditEntryColumns = `id, at, actor_id, actor_name, action, entity_type, entity_id, before_json, after_json`

// auditEntryFields returns the fields of e that auditEntryColumns are
// scanned into, in order.
func auditEntryFields(e *workspace.AuditEntry) []any {
	return []any{&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.EntityType, &e.EntityID, &e.Before, &e.After}
}

// FindAuditEntries returns the entries matching filter, newest first, and the
// number of entries matching it in all.
func (db *DB) FindAuditEntries(ctx context.Context, filter workspace.AuditFilter) ([]*workspace.AuditEntry, int, error) {
	where, args := []string{"1 = 1"}, []any{}
	if filter.Action != "" {
		where, args = append(where, "action = ?"), append(args, filter.Action)
	}
	if filter.EntityType != "" {
		where, args = append(where, "entity_type = ?"), append(args, filter.EntityType)
	}
	if filter.EntityID != nil {
		where, args = append(where, "entity_id = ?"), append(args, *filter.EntityID)
	}
	if filter.ActorID != nil {
		where, args = append(where, "actor_id = ?"), append(args, *filter.ActorID)
	}
	if filter.Since != nil {
		where, args = append(where, "at >= ?"), append(args, filter.Since.UTC())
	}
	if filter.Until != nil {
		where, args = append(where, "at < ?"), append(args, filter.Until.UTC())
	}
	cond := strings.Join(where, " AND ")

	var total int
	if err := db.read.GetContext(ctx, &total, `SELECT COUNT(*) FROM audit_log WHERE `+cond, args...); err != nil {
		return nil, 0, fmt.Errorf("sqlite: count audit entries: %w", err)
	}
	limit := filter.Limit
	if limit <= 0 || limit > 200 {
		limit = 200
	}
	offset := max(filter.Offset, 0)
	entries, err := queryRows(ctx, db.read, auditEntryFields, `
		SELECT `+auditEntryColumns+`
		FROM audit_log WHERE `+cond+`
		ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("sqlite: find audit entries: %w", err)
	}
	return entries, total, nil
}

// recordAudit writes one audit entry inside tx. before and after are
// encoded as JSON; nil leaves the column empty.
func (db *DB) recordAudit(ctx context.Context, tx *sqlx.Tx, actor workspace.Actor, action, entityType string, entityID int64, before, after any) error {
	b, err := auditJSON(before)
	if err != nil {
		return err
	}
	a, err := auditJSON(after)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO audit_log (at, actor_id, actor_name, action, entity_type, entity_id, before_json, after_json)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		db.Now(), actor.AccountID, actor.Name, action, entityType, entityID, b, a)
	if err != nil {
		return fmt.Errorf("sqlite: record audit %s: %w", action, err)
	}
	return nil
}

func auditJSON(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("sqlite: encode audit state: %w", err)
	}
	return string(b), nil
}
