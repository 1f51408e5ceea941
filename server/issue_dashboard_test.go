package server

import (
	"context"
	"encoding/xml"
	"html"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tawla/demo"
	"tawla/workspace"
)

// svgChart is what TestDashboardSVG reads of one <svg> of the dashboard.
type svgChart struct {
	id, title, desc string
	// labels and values are the bars' labels (whole, isolates removed)
	// and figures, in their order.
	labels []string
	values []int
	// anchors are the text-anchor attributes of the labels.
	anchors []string
	// rects are the bars' x and width, and valueX the figures' x.
	rects  [][2]float64
	valueX []float64
}

// stripIsolates removes the direction isolates the chart wraps labels in.
func stripIsolates(s string) string {
	return strings.NewReplacer("\u2068", "", "\u2069", "").Replace(s)
}

// parseSVGChart parses one chart strictly as XML and reads its title,
// description, labels, figures and bars.
func parseSVGChart(t *testing.T, markup string) *svgChart {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(markup))
	d.Strict = true
	c := &svgChart{}
	// stack holds the open elements' names and classes.
	type open struct{ name, class string }
	var stack []open
	var label, labelTitle, value strings.Builder
	inLabelTitle, inLabel := false, false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the chart is not well-formed XML: %v\n%s", err, markup)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			attr := map[string]string{}
			for _, a := range tok.Attr {
				attr[a.Name.Local] = a.Value
			}
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1].class
			}
			switch {
			case tok.Name.Local == "svg":
				if tok.Name.Space != "http://www.w3.org/2000/svg" {
					t.Errorf("svg namespace %q", tok.Name.Space)
				}
			case tok.Name.Local == "title" && parent == "chart-label":
				inLabelTitle = true
				labelTitle.Reset()
			case tok.Name.Local == "title" && len(stack) == 1:
				c.id = strings.TrimSuffix(attr["id"], "-title")
			case tok.Name.Local == "text" && attr["class"] == "chart-label":
				label.Reset()
				labelTitle.Reset()
				inLabel = true
				c.anchors = append(c.anchors, attr["text-anchor"])
			case tok.Name.Local == "tspan" && inLabel && label.Len() > 0:
				label.WriteString(" ") // a histogram's label wraps
			case tok.Name.Local == "text" && attr["class"] == "chart-value":
				value.Reset()
				x, _ := strconv.ParseFloat(attr["x"], 64)
				c.valueX = append(c.valueX, x)
			case tok.Name.Local == "rect":
				x, _ := strconv.ParseFloat(attr["x"], 64)
				w, _ := strconv.ParseFloat(attr["width"], 64)
				c.rects = append(c.rects, [2]float64{x, w})
			}
			stack = append(stack, open{tok.Name.Local, attr["class"]})
		case xml.CharData:
			if len(stack) == 0 {
				continue
			}
			top := stack[len(stack)-1]
			switch {
			case inLabelTitle:
				labelTitle.Write(tok)
			case inLabel:
				label.Write(tok)
			case top.class == "chart-value":
				value.Write(tok)
			case top.name == "title" && len(stack) == 2:
				c.title += string(tok)
			case top.name == "desc" && len(stack) == 2:
				c.desc += string(tok)
			}
		case xml.EndElement:
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			switch {
			case top.name == "title" && inLabelTitle:
				inLabelTitle = false
			case top.class == "chart-label":
				inLabel = false
				whole := label.String()
				if labelTitle.Len() > 0 {
					whole = labelTitle.String() // the label was cut
				}
				c.labels = append(c.labels, stripIsolates(whole))
			case top.class == "chart-value":
				n, err := strconv.Atoi(stripIsolates(value.String()))
				if err != nil {
					t.Errorf("figure %q is not a number", value.String())
				}
				c.values = append(c.values, n)
			}
		}
	}
	return c
}

var svgPattern = regexp.MustCompile(`(?s)<svg\b.*?</svg>`)

// TestDashboardSVG fills the table with known issues through the store —
// of every status, of a category named with markup, overdue for an
// organisation of its own, of every age, one with private fields — and
// reads GET /issues/dashboard in French, Arabic and English: every chart
// must be well-formed XML with a title and a description, print exactly
// the expected figures under the expected labels (and its table the
// same), be mirrored in Arabic, escape the category's markup, and show no
// private field.
func TestDashboardSVG(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	member := workspace.ActorFor(ts.account(t, demo.MemberEmail))
	secretariat := workspace.ActorFor(ts.account(t, demo.SecretariatEmail))
	system := workspace.SystemActor("test")

	now := ts.clock.Now()
	today := now.In(ts.srv.location).Format(workspace.DateLayout)
	before, err := ts.db.IssueStatistics(ctx, today)
	if err != nil {
		t.Fatal(err)
	}

	category := &workspace.IssueCategory{NameFR: "<script>alert('fr')</script> Papiers", NameAR: "<script>alert('ar')</script> وثائق", NameEN: "<script>alert('en')</script> & papers"}
	if err := ts.db.CreateIssueCategory(ctx, secretariat, category); err != nil {
		t.Fatal(err)
	}
	owner := &workspace.Organisation{NameFR: "Bureau <i>témoin</i> du tableau", NameAR: "مكتب الاختبار", College: workspace.CollegePartner}
	if err := ts.db.CreateOrganisation(ctx, system, owner); err != nil {
		t.Fatal(err)
	}
	const secret = "Personne Fictive Zyxwvut"
	const secretContact = "+216 00 000 999"
	overdueDay := now.In(ts.srv.location).AddDate(0, 0, -10).Format(workspace.DateLayout)
	// Each issue is reported days ago, then moved to its status.
	fixtures := []struct {
		days    int
		status  workspace.IssueStatus
		owned   bool
		private bool
	}{
		{400, workspace.IssueOpen, true, false},            // > 1 year, overdue
		{200, workspace.IssueInProgress, true, false},      // 3–12 months, overdue
		{60, workspace.IssueUnderDiscussion, false, false}, // 1–3 months, due but no owner
		{20, workspace.IssueResolved, true, false},         // ended: neither overdue nor open
		{3, workspace.IssueOpen, false, true},              // < 1 week
		{2, workspace.IssueClosed, true, false},            // ended
	}
	for n, f := range fixtures {
		ts.clock.Set(now.AddDate(0, 0, -f.days))
		i := &workspace.Issue{Title: "Problème du tableau " + strconv.Itoa(n), CategoryID: category.ID, DueDate: overdueDay}
		if f.owned {
			i.OwnerOrganisationID = &owner.ID
		}
		var private *workspace.IssuePrivate
		if f.private {
			private = &workspace.IssuePrivate{PersonName: secret, PersonContact: secretContact, Details: "Détails privés du tableau"}
		}
		if _, err := ts.db.CreateIssue(ctx, member, i, private); err != nil {
			t.Fatal(err)
		}
		if f.status != workspace.IssueOpen {
			if _, err := ts.db.ChangeIssueStatus(ctx, member, i.ID, f.status, "Raison du tableau"); err != nil {
				t.Fatal(err)
			}
		}
	}
	ts.clock.Set(now)

	statusWant := map[workspace.IssueStatus]int{}
	for st, n := range before.ByStatus {
		statusWant[st] = n
	}
	for _, f := range fixtures {
		statusWant[f.status]++
	}
	ageWant := make([]int, len(ageBucketKeys))
	for _, created := range before.OpenSince {
		ageWant[ageBucket(created, now)]++
	}
	ageWant[4]++ // 400 days
	ageWant[3]++ // 200 days
	ageWant[2]++ // 60 days
	ageWant[0]++ // 3 days

	c := ts.sessionClient(t, demo.StakeholderEmail)
	for _, lang := range []string{"fr", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			resp := c.get(t, "/issues/dashboard?lang="+lang)
			wantStatus(t, "the dashboard", resp, 200)
			l := ts.srv.localizer(lang)
			categoryName := category.Name(lang)
			ownerName := owner.Name(lang)

			want := map[string]map[string]int{
				"chart-status":   {},
				"chart-category": {categoryName: 4},
				"chart-overdue":  {ownerName: 2},
				"chart-age":      {},
			}
			for _, st := range workspace.IssueStatuses {
				want["chart-status"][l.T(dashboardStatusKeys[st])] = statusWant[st]
			}
			for n, key := range ageBucketKeys {
				want["chart-age"][l.T(key)] = ageWant[n]
			}
			titles := map[string]string{
				"chart-status": l.T("dashboard.status.title"), "chart-category": l.T("dashboard.category.title"),
				"chart-overdue": l.T("dashboard.overdue.title"), "chart-age": l.T("dashboard.age.title"),
			}

			svgs := svgPattern.FindAllString(resp.Body, -1)
			if len(svgs) != 4 {
				t.Fatalf("%d charts, want 4", len(svgs))
			}
			for _, markup := range svgs {
				chart := parseSVGChart(t, markup)
				if chart.title != titles[chart.id] || chart.title == "" {
					t.Errorf("chart %q: title %q, want %q", chart.id, chart.title, titles[chart.id])
				}
				if strings.TrimSpace(chart.desc) == "" {
					t.Errorf("chart %q has no description", chart.id)
				}
				if len(chart.labels) != len(chart.values) {
					t.Fatalf("chart %q: %d labels, %d figures", chart.id, len(chart.labels), len(chart.values))
				}
				got := map[string]int{}
				for n, label := range chart.labels {
					got[label] = chart.values[n]
				}
				for label, n := range want[chart.id] {
					if got[label] != n {
						t.Errorf("chart %q: %q shows %d, want %d (chart: %v)", chart.id, label, got[label], n, got)
					}
					// The table beside the chart has the same figure.
					row := `<th scope="row" dir="auto">` + html.EscapeString(label) + `</th><td class="number">` + strconv.Itoa(n) + `</td>`
					if !strings.Contains(resp.Body, row) {
						t.Errorf("chart %q: the table lacks %s", chart.id, row)
					}
				}
				if chart.id == "chart-status" || chart.id == "chart-age" {
					if len(got) != len(want[chart.id]) {
						t.Errorf("chart %q: labels %v, want those of %v", chart.id, got, want[chart.id])
					}
				}
				// Arabic charts grow from the right; the others from the left.
				for n, anchor := range chart.anchors {
					if wantAnchor := map[bool]string{true: "end", false: "start"}[lang == "ar"]; anchor != wantAnchor && chart.id != "chart-age" {
						t.Errorf("chart %q label %d: text-anchor %q, want %q", chart.id, n, anchor, wantAnchor)
					}
				}
				if chart.id == "chart-age" && len(chart.valueX) > 1 {
					if first, last := chart.valueX[0], chart.valueX[len(chart.valueX)-1]; (lang == "ar") != (first > last) {
						t.Errorf("chart-age in %s: the first column at %v, the last at %v", lang, first, last)
					}
				}
				if chart.id != "chart-age" {
					for _, r := range chart.rects {
						start, end := r[0], r[0]+r[1]
						if lang == "ar" && end < 351 || lang != "ar" && start > 9 {
							t.Errorf("chart %q in %s: bar from %v to %v is not mirrored as it should be", chart.id, lang, start, end)
						}
					}
				}
			}
			if strings.Contains(resp.Body, "<script>alert") || strings.Contains(resp.Body, "<i>témoin") {
				t.Errorf("a label is not escaped")
			}
			if !strings.Contains(resp.Body, "&lt;script&gt;alert(") {
				t.Errorf("the category's name is missing, escaped")
			}
			for _, private := range []string{secret, secretContact, "Détails privés"} {
				if strings.Contains(resp.Body, private) {
					t.Errorf("the dashboard shows the private field %q", private)
				}
			}
		})
	}
}

// TestAgeBucket checks the limits of the buckets of the age chart.
func TestAgeBucket(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		created time.Time
		want    int
	}{
		{now, 0},
		{now.AddDate(0, 0, -6), 0},
		{now.AddDate(0, 0, -7), 1},
		{now.AddDate(0, 0, -27), 1},
		{now.AddDate(0, -1, 0), 2},
		{now.AddDate(0, -3, 0).Add(time.Minute), 2},
		{now.AddDate(0, -3, 0), 3},
		{now.AddDate(0, -11, -27), 3},
		{now.AddDate(-1, 0, 0), 4},
		{now.AddDate(-5, 0, 0), 4},
	} {
		if got := ageBucket(tt.created, now); got != tt.want {
			t.Errorf("ageBucket(%s) = %d, want %d", tt.created, got, tt.want)
		}
	}
}
