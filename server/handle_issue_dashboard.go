package server

import (
	"html/template"
	"net/http"
	"time"

	"tawla/chart"
	"tawla/workspace"
)

// The issue dashboard (GET /issues/dashboard): four charts drawn on the
// server by package chart, each beside a plain table of the same figures,
// so that the page reads without SVG, with a screen reader and on paper.
// Every figure comes from one call to IssueStatistics, so the charts agree
// with each other; none of them touches a private field.

// dashboardStatusKeys names each status on the dashboard.
var dashboardStatusKeys = map[workspace.IssueStatus]string{
	workspace.IssueOpen:            "dashboard.status.open",
	workspace.IssueUnderDiscussion: "dashboard.status.under_discussion",
	workspace.IssueInProgress:      "dashboard.status.in_progress",
	workspace.IssueResolved:        "dashboard.status.resolved",
	workspace.IssueClosed:          "dashboard.status.closed",
}

// ageBucketKeys names the buckets of the chart of the age of open issues,
// in the order of ageBucket.
var ageBucketKeys = []string{
	"dashboard.age.week",
	"dashboard.age.month",
	"dashboard.age.quarter",
	"dashboard.age.year",
	"dashboard.age.older",
}

// ageBucket returns the index in ageBucketKeys of an issue reported at
// created, now being now: less than a week, one to four weeks (up to a
// calendar month), one to three months, three to twelve months, more than
// a year. Both are compared as instants; months are calendar months back
// from now in now's location.
func ageBucket(created, now time.Time) int {
	switch {
	case created.After(now.AddDate(0, 0, -7)):
		return 0
	case created.After(now.AddDate(0, -1, 0)):
		return 1
	case created.After(now.AddDate(0, -3, 0)):
		return 2
	case created.After(now.AddDate(-1, 0, 0)):
		return 3
	}
	return 4
}

// dashboardRow is one line of a chart's data table.
type dashboardRow struct {
	Label string
	Value int
}

// dashboardChart is one chart of the dashboard with its table: the heading
// and description the page shows, the SVG, and the figures again as rows.
type dashboardChart struct {
	ID          string
	Title       string
	Description string
	// Heading names the table's first column (status, category…).
	Heading string
	Empty   string
	SVG     template.HTML
	Rows    []dashboardRow
	Total   int
}

// issueDashboardView is the dashboard page.
type issueDashboardView struct {
	Charts []*dashboardChart
	// Today is the day overdue issues are counted at, in the table's time
	// zone.
	Today string
}

// newDashboardChart draws c as horizontal bars or as a histogram, and
// keeps its figures for the table.
func newDashboardChart(c chart.Chart, heading string, histogram bool) (*dashboardChart, error) {
	draw := c.HorizontalBars
	if histogram {
		draw = c.Histogram
	}
	svg, err := draw()
	if err != nil {
		return nil, err
	}
	d := &dashboardChart{ID: c.ID, Title: c.Title, Description: c.Description, Heading: heading, Empty: c.Empty, SVG: svg}
	for _, b := range c.Bars {
		d.Rows = append(d.Rows, dashboardRow{Label: b.Label, Value: b.Value})
		d.Total += b.Value
	}
	return d, nil
}

// handleIssueDashboard shows the issue dashboard to everyone with an
// account.
func (s *Server) handleIssueDashboard(w http.ResponseWriter, r *http.Request) {
	now := s.db.Now().In(s.location)
	today := now.Format(workspace.DateLayout)
	stats, err := s.db.IssueStatistics(r.Context(), today)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "dashboard.title")
	p.Section = "issues"
	rtl := workspace.Direction(p.Lang) == "rtl"

	byStatus := chart.Chart{ID: "chart-status", Title: p.T("dashboard.status.title"), Description: p.T("dashboard.status.description"),
		Empty: p.T("dashboard.status.empty"), RTL: rtl}
	for _, st := range workspace.IssueStatuses {
		byStatus.Bars = append(byStatus.Bars, chart.Bar{Label: p.T(dashboardStatusKeys[st]), Value: stats.ByStatus[st], Class: "status-" + string(st)})
	}

	byCategory := chart.Chart{ID: "chart-category", Title: p.T("dashboard.category.title"), Description: p.T("dashboard.category.description"),
		Empty: p.T("dashboard.category.empty"), RTL: rtl}
	for _, c := range stats.ByCategory {
		label := c.Category.Name(p.Lang)
		if !c.Category.Active {
			label = p.T("dashboard.category.inactive", "Name", label)
		}
		byCategory.Bars = append(byCategory.Bars, chart.Bar{Label: label, Value: c.Count})
	}

	overdue := chart.Chart{ID: "chart-overdue", Title: p.T("dashboard.overdue.title"), Description: p.T("dashboard.overdue.description"),
		Empty: p.T("dashboard.overdue.empty"), RTL: rtl}
	for _, o := range stats.OverdueByOrganisation {
		overdue.Bars = append(overdue.Bars, chart.Bar{Label: p.OrgName(o.Organisation), Value: o.Count, Class: "overdue"})
	}

	age := chart.Chart{ID: "chart-age", Title: p.T("dashboard.age.title"), Description: p.T("dashboard.age.description"),
		Empty: p.T("dashboard.age.empty"), RTL: rtl}
	counts := make([]int, len(ageBucketKeys))
	for _, created := range stats.OpenSince {
		counts[ageBucket(created, now)]++
	}
	for n, key := range ageBucketKeys {
		age.Bars = append(age.Bars, chart.Bar{Label: p.T(key), Value: counts[n], Class: "age"})
	}

	view := issueDashboardView{Today: today}
	for _, c := range []struct {
		chart     chart.Chart
		heading   string
		histogram bool
	}{
		{byStatus, p.T("dashboard.heading.status"), false},
		{byCategory, p.T("dashboard.heading.category"), false},
		{overdue, p.T("dashboard.heading.organisation"), false},
		{age, p.T("dashboard.heading.age"), true},
	} {
		d, err := newDashboardChart(c.chart, c.heading, c.histogram)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		view.Charts = append(view.Charts, d)
	}
	p.Data = view
	s.render(w, r, http.StatusOK, "issue_dashboard", p)
}
