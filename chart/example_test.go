package chart_test

import (
	"fmt"
	"html/template"
	"os"

	"tawla/chart"
)

// A page's template writes the chart where it goes; html/template keeps
// the markup as it is, since it is template.HTML. The labels are wrapped
// in invisible bidi isolates (U+2068 … U+2069).
func ExampleChart_HorizontalBars() {
	byStatus := chart.Chart{
		ID:          "by-status",
		Title:       "Issues by status",
		Description: "Open and resolved issues.",
		Bars: []chart.Bar{
			{Label: "Open", Value: 4, Class: "status-open"},
			{Label: "Resolved", Value: 1, Class: "status-resolved"},
		},
	}
	page := template.Must(template.New("dashboard").Parse(`<figure>{{.HorizontalBars}}</figure>`))
	if err := page.Execute(os.Stdout, byStatus); err != nil {
		fmt.Println(err)
	}
	// Output:
	// <figure><svg xmlns="http://www.w3.org/2000/svg" class="chart chart-bars" viewBox="0 0 360 104" width="100%" role="img" aria-labelledby="by-status-title by-status-desc" font-size="14" fill="currentColor" direction="ltr"><title id="by-status-title">Issues by status</title><desc id="by-status-desc">Open and resolved issues.</desc><g class="chart-row"><text class="chart-label" x="8" y="23" text-anchor="start">⁨Open⁩</text><rect class="chart-bar status-open" x="8" y="29" width="331.6" height="16"/><text class="chart-value" x="343.6" y="42" text-anchor="start">4</text></g><g class="chart-row"><text class="chart-label" x="8" y="67" text-anchor="start">⁨Resolved⁩</text><rect class="chart-bar status-resolved" x="8" y="73" width="82.9" height="16"/><text class="chart-value" x="94.9" y="86" text-anchor="start">1</text></g><line class="chart-axis" x1="8" y1="8" x2="8" y2="96" stroke="currentColor"/></svg></figure>
}

// The age of open issues, in Arabic: the first bucket is on the right.
func ExampleChart_Histogram() {
	age := chart.Chart{
		ID:    "age",
		Title: "عمر الإشكاليات المفتوحة",
		RTL:   true,
		Bars: []chart.Bar{
			{Label: "أقل من أسبوع", Value: 2},
			{Label: "أكثر من 3 أشهر", Value: 0},
		},
	}
	svg, err := age.Histogram()
	if err != nil {
		fmt.Println(err)
	}
	fmt.Println(svg)
	// Output:
	// <svg xmlns="http://www.w3.org/2000/svg" class="chart chart-histogram" viewBox="0 0 360 211" width="100%" role="img" aria-labelledby="age-title age-desc" font-size="14" fill="currentColor" direction="ltr"><title id="age-title">عمر الإشكاليات المفتوحة</title><desc id="age-desc"></desc><g class="chart-row"><rect class="chart-bar" x="234" y="26" width="64" height="160"/><text class="chart-value" x="266" y="22" text-anchor="middle">2</text><text class="chart-label" text-anchor="middle"><tspan x="266" y="203">⁨أقل من أسبوع⁩</tspan></text></g><g class="chart-row"><text class="chart-value" x="94" y="182" text-anchor="middle">0</text><text class="chart-label" text-anchor="middle"><tspan x="94" y="203">⁨أكثر من 3 أشهر⁩</tspan></text></g><line class="chart-axis" x1="8" y1="186" x2="352" y2="186" stroke="currentColor"/></svg>
}
