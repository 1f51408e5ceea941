package server

import (
	"encoding/json"
	"fmt"
	"sort"

	"tawla/workspace"
)

// auditFieldLabels names, for each field the audit log records, the
// catalogue key of its label. A field missing here is shown by its name.
var auditFieldLabels = map[string]string{
	"name":            "field.name",
	"email":           "field.email",
	"organisation_id": "field.organisation",
	"language":        "field.language",
	"role":            "field.role",
	"can_vote":        "account.can_vote",
	"active":          "field.status",
	"name_fr":         "field.name_fr",
	"name_ar":         "field.name_ar",
	"college":         "field.college",
	"delegation":      "field.delegation",
	"contact":         "field.contact",
	"title":           "field.title",
	"category":        "field.category",
	"summary":         "field.summary",
	// Versions and editing sessions.
	"number":           "versions.version",
	"message":          "versions.message",
	"document_version": "audit.field.document_version",
	"first_version":    "audit.field.first_version",
	"last_version":     "audit.field.last_version",
	"updates":          "history.updates",
	"inserted":         "history.inserted",
	"deleted":          "history.deleted",
	"start":            "history.start",
	"end":              "history.end",
	// Comments and observations.
	"kind":      "observations.kind",
	"body":      "observations.comment",
	"proposed":  "observations.proposed",
	"status":    "observations.status",
	"answer":    "observations.answer",
	"reason":    "observations.reason",
	"closes_at": "consultation.closes_at",
}

// fieldChange is one field of an audit entry: its label key, and its value
// before and after the change ("" when the entry has no such side).
type fieldChange struct {
	Field  string
	Label  string
	Before string
	After  string
}

// auditRow is an audit entry with its changes laid out field by field.
type auditRow struct {
	*workspace.AuditEntry
	Changes []fieldChange
}

// auditRows lays out entries for the audit page: for an update, the fields
// that changed; for a creation, every field recorded. Values are shown as
// people read them: role, college and language names in the page's
// language, organisations by name.
func auditRows(entries []*workspace.AuditEntry, p *page, orgs map[string]*workspace.Organisation) []auditRow {
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		changes := auditChanges(e.Before, e.After)
		for j := range changes {
			c := &changes[j]
			c.Before, c.After = auditValue(p, orgs, c.Field, c.Before), auditValue(p, orgs, c.Field, c.After)
		}
		rows[i] = auditRow{AuditEntry: e, Changes: changes}
	}
	return rows
}

// auditValue returns the readable form of a recorded value.
func auditValue(p *page, orgs map[string]*workspace.Organisation, field, value string) string {
	if value == "" {
		return ""
	}
	switch field {
	case "role":
		if workspace.Role(value).Valid() {
			return p.T("role." + value)
		}
	case "college":
		if workspace.College(value).Valid() {
			return p.T("college." + value)
		}
	case "language":
		if workspace.ValidLanguage(value) {
			return p.T("language." + value)
		}
	case "active":
		switch value {
		case "true":
			return p.T("status.active")
		case "false":
			return p.T("status.inactive")
		}
	case "can_vote":
		switch value {
		case "true":
			return p.T("audit.yes")
		case "false":
			return p.T("audit.no")
		}
	case "category":
		if workspace.ProcedureCategory(value).Valid() {
			return p.T("procedure.category." + value)
		}
	case "organisation_id":
		if o, ok := orgs[value]; ok {
			return p.OrgName(o)
		}
	}
	return value
}

func auditChanges(beforeJSON, afterJSON string) []fieldChange {
	before, after := decodeAuditState(beforeJSON), decodeAuditState(afterJSON)
	fields := map[string]bool{}
	for k := range before {
		fields[k] = true
	}
	for k := range after {
		fields[k] = true
	}
	var changes []fieldChange
	for f := range fields {
		b, bok := before[f]
		a, aok := after[f]
		if bok && aok && b == a {
			continue
		}
		label := auditFieldLabels[f]
		changes = append(changes, fieldChange{Field: f, Label: label, Before: b, After: a})
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Field < changes[j].Field })
	return changes
}

// decodeAuditState turns a recorded JSON object into printable values. A
// state that is not a JSON object yields nothing.
func decodeAuditState(s string) map[string]string {
	if s == "" {
		return nil
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			out[k] = v
		case float64:
			out[k] = fmt.Sprintf("%.0f", v)
		default:
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}
