package server

import (
	"net/http"
	"strconv"
	"strings"

	"tawla/workspace"
)

// issueExportMax bounds the rows of one export: the store's largest page,
// read page after page.
const issueExportMax = 10000

// handleIssueExport answers the list of issues as the filters (and the
// search) select them, as CSV: UTF-8 with a byte-order mark, headings and
// values in the request's language, text people wrote guarded against
// formulas (csvText). It holds what the list shows and never a private
// field: FindIssues does not read them.
func (s *Server) handleIssueExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	filter := s.issueFilterFrom(r.URL.Query())
	filter.Offset, filter.Limit = 0, 200
	var issues []*workspace.Issue
	for len(issues) < issueExportMax {
		hits, total, err := s.db.FindIssues(ctx, filter)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		for _, h := range hits {
			issues = append(issues, h.Issue)
		}
		filter.Offset += len(hits)
		if len(hits) == 0 || filter.Offset >= total {
			break
		}
	}
	l := s.localizerOf(ctx)
	lang := languageOf(ctx)
	today := s.today()
	sheet := newSpreadsheet(lang)
	header := []string{"#", "field.title", "issue.category", "issue.status_label", "issue.priority_label", "issue.owner",
		"issue.due_date", "issue.overdue", "issue.delegations", "issue.reporter", "issue.reported_at", "issue.updated_at"}
	for i, key := range header[1:] {
		header[i+1] = l.T(key)
	}
	sheet.Write(header...)
	for _, i := range issues {
		category, owner, reporter := "", "", ""
		if i.Category != nil {
			category = i.Category.Name(lang)
		}
		if i.Owner != nil {
			owner = i.Owner.Name(lang)
		}
		if i.Reporter != nil {
			reporter = i.Reporter.Name
		}
		overdue := ""
		if i.Overdue(today) {
			overdue = l.T("issue.overdue")
		}
		sheet.Write(
			strconv.FormatInt(i.ID, 10),
			csvText(i.Title), csvText(category),
			l.T("issue.status."+string(i.Status)), l.T("issue.priority."+string(i.Priority)),
			csvText(owner), i.DueDate, overdue,
			strings.Join(delegationNames(l, i.Delegations), ", "),
			csvText(reporter),
			formatDate(i.CreatedAt, s.location), formatDate(i.UpdatedAt, s.location),
		)
	}
	s.sendSpreadsheet(w, r, sheet, "issues.csv")
}
