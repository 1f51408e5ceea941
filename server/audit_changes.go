package server

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"tawla/workspace"
)

// auditFieldLabels names, for each field the audit log records, the
// catalogue key of its label. A field missing here is shown by its name.
// Issues and their categories name some fields differently:
// issueAuditFieldLabels and issueCategoryAuditFieldLabels come first for
// them.
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
	"opens_at":  "consultation.opens_at",
	// The carry-over of a closed meeting to the next one.
	"earlier_minutes":         "audit.field.earlier_minutes",
	"source_meeting_id":       "audit.field.source_meeting",
	"minutes_item_id":         "audit.field.minutes_item",
	"matters_arising_item_id": "audit.field.matters_arising_item",
	"actions":                 "actions.title",
	// A meeting's cancellation, and the items it handed on.
	"cancel_reason":        "audit.field.cancel_reason",
	"cancelled_meeting_id": "audit.field.cancelled_meeting",
	// A password set through an invitation: who made the link.
	"invitation_by": "audit.field.invitation_by",
	// A failed login: where it came from.
	"address": "audit.field.address",
}

// issueAuditFieldLabels names the fields of an issue's entries (its
// creation, edits, status, assignment, private fields and their views,
// comments and links: workspace/sqlite/issue*.go) with the labels of the
// issue's form and page.
var issueAuditFieldLabels = map[string]string{
	"title":                 "field.title",
	"description":           "issue.description",
	"category_id":           "issue.category",
	"priority":              "issue.priority_label",
	"owner_organisation_id": "issue.owner",
	"due_date":              "issue.due_date",
	"delegations":           "issue.delegations",
	"status":                "issue.status_label",
	"status_reason":         "issue.reason",
	"private_fields":        "issue.private.heading",
	"person_name":           "issue.private.person_name",
	"person_contact":        "issue.private.person_contact",
	"details":               "issue.private.details",
	"body":                  "comment.kind.comment",
	"target_kind":           "issue.link.kind",
	"shown_in":              "audit.field.shown_in",
}

// issueAuditFieldOrder is the order in which an issue's entry lists its
// fields: the form's. A field not listed comes after, by name.
var issueAuditFieldOrder = []string{
	"title", "description", "category_id", "priority", "owner_organisation_id", "due_date", "delegations",
	"status", "status_reason", "private_fields", "person_name", "person_contact", "details", "body", "target_kind",
	"shown_in",
}

// issueAuditHidden are the fields of an issue's entries that are internal
// ids, never shown: a comment's event is the entry's link to the issue
// page, a link's target is shown with its kind.
var issueAuditHidden = map[string]bool{"event_id": true, "link_id": true, "anchor_id": true, "target_id": true}

// issuePrivateFields are the fields of issue.private entries. The entry
// says only that they changed; whatever it holds, the page shows no more.
var issuePrivateFields = map[string]bool{"person_name": true, "person_contact": true, "details": true}

// issueCategoryAuditFieldLabels names the fields of an issue category's
// entries that auditFieldLabels does not.
var issueCategoryAuditFieldLabels = map[string]string{
	"name_en":  "categories.name_en",
	"position": "categories.position",
}

// fieldChange is one field of an audit entry: its label key, and its value
// before and after the change ("" when the entry has no such side).
type fieldChange struct {
	Field  string
	Label  string
	Before string
	After  string
}

// auditRow is an audit entry with its changes laid out field by field, and
// for an issue the address of its page (of the comment, for a comment).
type auditRow struct {
	*workspace.AuditEntry
	Changes []fieldChange
	URL     string
}

// auditNames holds, by id as written in the audit log, the records an
// entry names: organisations, and issue categories (nil when no entry is
// an issue's).
type auditNames struct {
	orgs       map[string]*workspace.Organisation
	categories map[string]*workspace.IssueCategory
}

// auditRows lays out entries for the audit page: for an update, the fields
// that changed; for a creation, every field recorded. Values are shown as
// people read them: role, college and language names in the page's
// language, organisations by name; an issue's fields as its form names
// them (issueAuditChanges).
func auditRows(entries []*workspace.AuditEntry, p *page, names auditNames) []auditRow {
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		if e.EntityType == "issue" {
			changes, url := issueAuditChanges(p, names, e)
			rows[i] = auditRow{AuditEntry: e, Changes: changes, URL: url}
			continue
		}
		changes := auditChanges(e.Before, e.After)
		for j := range changes {
			c := &changes[j]
			if e.EntityType == "issue_category" {
				if label, ok := issueCategoryAuditFieldLabels[c.Field]; ok {
					c.Label = label
				}
			}
			c.Before, c.After = auditValue(p, names.orgs, c.Field, c.Before), auditValue(p, names.orgs, c.Field, c.After)
			if e.EntityType == "meeting" && c.Field == "status" {
				// A meeting's status (started, closed, cancelled) in words.
				c.Before, c.After = enumText(p, "meeting_status", c.Before), enumText(p, "meeting_status", c.After)
			}
		}
		rows[i] = auditRow{AuditEntry: e, Changes: changes}
	}
	return rows
}

// auditValue returns the readable form of a recorded value.
func auditValue(p *page, orgs map[string]*workspace.Organisation, field, value string) string {
	if field == "invitation_by" && value == "" {
		// A link made from the command line.
		return p.T("audit.system")
	}
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

// issueAuditChanges lays out an issue's entry: its fields in the form's
// order with the form's labels, statuses, priorities and delegations by
// their labels, the category and the owner organisation by name, the names
// of private fields (never their values: the log keeps none) by their
// labels, and no internal ids. An emptied field of an edit shows as "—"
// (the owner as nobody). It returns the address of the issue's page too,
// at the comment for a comment.
func issueAuditChanges(p *page, names auditNames, e *workspace.AuditEntry) ([]fieldChange, string) {
	url := "/issues/" + strconv.FormatInt(e.EntityID, 10)
	before, after := decodeAuditValues(e.Before), decodeAuditValues(e.After)
	if id, ok := after["event_id"].(float64); ok && id > 0 {
		url += fmt.Sprintf("#event-%.0f", id)
	}
	edit := before != nil && after != nil
	var changes []fieldChange
	for _, f := range auditFields(before, after) {
		if issueAuditHidden[f] || auditPrintable(before[f]) == auditPrintable(after[f]) {
			continue
		}
		c := fieldChange{Field: f, Label: issueAuditFieldLabels[f]}
		if c.Label == "" {
			c.Label = auditFieldLabels[f]
		}
		if before != nil {
			c.Before = issueAuditValue(p, names, f, before)
		}
		if after != nil {
			c.After = issueAuditValue(p, names, f, after)
		}
		if c.Before == "" && c.After == "" {
			continue
		}
		if edit {
			empty := "—"
			if f == "owner_organisation_id" {
				empty = p.T("issue.nobody")
			}
			if c.Before == "" {
				c.Before = empty
			}
			if c.After == "" {
				c.After = empty
			}
		}
		changes = append(changes, c)
	}
	rank := func(f string) int {
		if i := slices.Index(issueAuditFieldOrder, f); i >= 0 {
			return i
		}
		return len(issueAuditFieldOrder)
	}
	sort.SliceStable(changes, func(i, j int) bool {
		ri, rj := rank(changes[i].Field), rank(changes[j].Field)
		if ri != rj {
			return ri < rj
		}
		return changes[i].Field < changes[j].Field
	})
	return changes, url
}

// issueAuditValue returns the readable form of field in the recorded state
// of an issue, "" for nothing.
func issueAuditValue(p *page, names auditNames, field string, state map[string]any) string {
	v, ok := state[field]
	if !ok || v == nil {
		return ""
	}
	if issuePrivateFields[field] {
		return p.T("audit.changed")
	}
	s := auditPrintable(v)
	switch field {
	case "status":
		return enumText(p, "issue_status", s)
	case "priority":
		return enumText(p, "issue_priority", s)
	case "category_id":
		if c, ok := names.categories[s]; ok {
			return c.Name(p.Lang)
		}
	case "owner_organisation_id":
		if o, ok := names.orgs[s]; ok {
			return p.OrgName(o)
		}
	case "delegations":
		return auditList(v, func(d string) string { return enumText(p, "delegation", d) })
	case "private_fields":
		return auditList(v, func(f string) string {
			if label, ok := issueAuditFieldLabels[f]; ok && issuePrivateFields[f] {
				return p.T(label)
			}
			return f
		})
	case "shown_in":
		// Where a view showed the personal details: the page or the
		// edit form.
		if workspace.PrivateShownIn(s).Valid() {
			return p.T("audit.shown_in." + s)
		}
	case "target_kind":
		s = enumText(p, "issue_link_kind", s)
		if id := auditPrintable(state["target_id"]); id != "" {
			s += " #" + id
		}
	}
	return s
}

// enumText returns the label of value, a value of the enumeration called
// enum (enumOptions), in the page's language; a value it lacks as it is.
func enumText(p *page, enum, value string) string {
	key, err := optionLabel(enum, value)
	if err != nil || key == value {
		return value
	}
	return p.T(key)
}

// auditList returns the items of a recorded list, each named by name,
// separated by commas.
func auditList(v any, name func(string) string) string {
	list, ok := v.([]any)
	if !ok {
		return auditPrintable(v)
	}
	out := make([]string, 0, len(list))
	for _, item := range list {
		if s := auditPrintable(item); s != "" {
			out = append(out, name(s))
		}
	}
	return strings.Join(out, ", ")
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

// auditFields returns the fields of two recorded states, by name.
func auditFields(before, after map[string]any) []string {
	var fields []string
	for _, state := range []map[string]any{before, after} {
		for k := range state {
			if !slices.Contains(fields, k) {
				fields = append(fields, k)
			}
		}
	}
	sort.Strings(fields)
	return fields
}

// decodeAuditValues returns a recorded JSON object as decoded; nil for a
// state that is not a JSON object.
func decodeAuditValues(s string) map[string]any {
	if s == "" {
		return nil
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil
	}
	return raw
}

// decodeAuditState turns a recorded JSON object into printable values. A
// state that is not a JSON object yields nothing.
func decodeAuditState(s string) map[string]string {
	raw := decodeAuditValues(s)
	if raw == nil {
		return nil
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		if k == "earlier_minutes" {
			out[k] = auditCarriedMinutes(v)
			continue
		}
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

// auditCarriedMinutes returns the approvals of earlier minutes a
// carry-over recorded ([{"meeting_id":3,"item_id":9}, …]) as the numbers
// of the meetings whose minutes wait: "#3, #5". What is not such a list
// is shown as it is.
func auditCarriedMinutes(v any) string {
	list, ok := v.([]any)
	if !ok {
		return auditPrintable(v)
	}
	out := make([]string, 0, len(list))
	for _, item := range list {
		if m, ok := item.(map[string]any); ok {
			if id := auditPrintable(m["meeting_id"]); id != "" {
				out = append(out, "#"+id)
				continue
			}
		}
		out = append(out, auditPrintable(item))
	}
	return strings.Join(out, ", ")
}

// auditPrintable returns a decoded JSON value as text: a number without
// decimals, "" for null.
func auditPrintable(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return fmt.Sprintf("%.0f", v)
	default:
		return fmt.Sprint(v)
	}
}
