package chart_test

import (
	"encoding/xml"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"

	"tawla/chart"
)

// node is an element of a parsed chart: its attributes, the text directly
// inside it and its child elements.
type node struct {
	name     string
	attrs    map[string]string
	text     string
	children []*node
}

// parseSVG reads every token of out with encoding/xml in strict mode and
// returns the root element, failing the test on any syntax error, on text
// or a second element outside the root.
func parseSVG(t *testing.T, out template.HTML) *node {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(out)))
	d.Strict = true
	var root *node
	var stack []*node
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, out)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				name := a.Name.Local
				if a.Name.Space != "" && name != "xmlns" {
					name = a.Name.Space + ":" + name
				}
				n.attrs[name] = a.Value
			}
			if len(stack) == 0 {
				if root != nil {
					t.Fatalf("a second root element <%s>", n.name)
				}
				root = n
				if n.name == "svg" && tok.Name.Space != "http://www.w3.org/2000/svg" {
					t.Errorf("root namespace %q, want the SVG namespace", tok.Name.Space)
				}
			} else {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if strings.TrimSpace(string(tok)) != "" {
					t.Fatalf("text %q outside the root element", tok)
				}
				continue
			}
			stack[len(stack)-1].text += string(tok)
		case xml.ProcInst, xml.Directive:
			t.Fatalf("unexpected %T in a chart", tok)
		}
	}
	if root == nil {
		t.Fatalf("no element in %q", out)
	}
	return root
}

// walk calls f on n and every element below it, in document order.
func (n *node) walk(f func(*node)) {
	f(n)
	for _, c := range n.children {
		c.walk(f)
	}
}

// all returns the elements named name with the class class ("" for any).
func (n *node) all(name, class string) []*node {
	var found []*node
	n.walk(func(e *node) {
		if e.name == name && (class == "" || hasClass(e, class)) {
			found = append(found, e)
		}
	})
	return found
}

// child returns n's first child element named name, or nil.
func (n *node) child(name string) *node {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// shown is the text an element draws: its own text and its tspans',
// without the bidi isolates and without its <title> (a tooltip).
func (n *node) shown() string {
	s := n.text
	for _, c := range n.children {
		if c.name == "tspan" {
			s += " " + c.shown()
		}
	}
	s = strings.NewReplacer("\u2068", "", "\u2069", "").Replace(s)
	return strings.TrimSpace(s)
}

// hasClass reports whether e's class attribute holds class.
func hasClass(e *node, class string) bool {
	for _, c := range strings.Fields(e.attrs["class"]) {
		if c == class {
			return true
		}
	}
	return false
}

// number reads the numeric attribute name of e.
func number(t *testing.T, e *node, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(e.attrs[name], 64)
	if err != nil {
		t.Fatalf("<%s> %s=%q: %v", e.name, name, e.attrs[name], err)
	}
	return v
}

// viewBox returns the width and height of root's viewBox.
func viewBox(t *testing.T, root *node) (float64, float64) {
	t.Helper()
	f := strings.Fields(root.attrs["viewBox"])
	if len(f) != 4 || f[0] != "0" || f[1] != "0" {
		t.Fatalf("viewBox %q", root.attrs["viewBox"])
	}
	w, err1 := strconv.ParseFloat(f[2], 64)
	h, err2 := strconv.ParseFloat(f[3], 64)
	if err1 != nil || err2 != nil || w <= 0 || h <= 0 {
		t.Fatalf("viewBox %q", root.attrs["viewBox"])
	}
	return w, h
}

// kinds are the two ways of drawing a chart.
var kinds = []struct {
	name string
	draw func(chart.Chart) (template.HTML, error)
}{
	{"HorizontalBars", chart.Chart.HorizontalBars},
	{"Histogram", chart.Chart.Histogram},
}

// bars makes n bars labelled "Organisation i" with the value i*i.
func bars(n int) []chart.Bar {
	var out []chart.Bar
	for i := range n {
		out = append(out, chart.Bar{Label: fmt.Sprintf("Organisation %d", i+1), Value: i * i, Class: "org"})
	}
	return out
}

// chartCases are charts of every shape the dashboard may draw, and of
// labels that must stay text.
var chartCases = []struct {
	name  string
	chart chart.Chart
}{
	{"French", chart.Chart{
		ID: "by-status", Title: "Problématiques par statut", Description: "Nombre de problématiques dans chaque statut.",
		Bars: []chart.Bar{
			{Label: "Ouverte", Value: 12, Class: "status-open"},
			{Label: "En discussion", Value: 5, Class: "status-discussion"},
			{Label: "En cours", Value: 3, Class: "status-progress"},
			{Label: "Résolue", Value: 7, Class: "status-resolved"},
			{Label: "Close", Value: 1, Class: "status-closed"},
		},
	}},
	{"ArabicRTL", chart.Chart{
		ID: "by-category", Title: "الإشكاليات حسب الصنف", Description: "عدد الإشكاليات في كل صنف.", RTL: true,
		Bars: []chart.Bar{
			{Label: "التشغيل والمبادرة الخاصة", Value: 9},
			{Label: "الحالة المدنية والوثائق", Value: 4},
			{Label: "الصحة", Value: 2},
			{Label: "قيد المعالجة من طرف المصلحة الجهوية للتشغيل والتكوين المهني بولاية المهدية", Value: 1},
		},
	}},
	{"Markup", chart.Chart{
		ID: "markup", Title: `<script>alert("t")</script>`, Description: `Tom & Jerry's "desc" <b>`,
		Empty: "</svg><script>", Unit: `<u>&"`,
		Bars: []chart.Bar{
			{Label: "<script>alert(1)</script>", Value: 3, Class: `x" onclick="alert(1)`},
			{Label: "R&D", Value: 2},
			{Label: `"quoted" and 'single'`, Value: 1},
			{Label: "]]><!-- -->", Value: 4},
		},
	}},
	{"BadText", chart.Chart{
		ID: "bad", Title: "invalid \xff UTF-8 and a \x01 control", Description: "nul \x00",
		Bars: []chart.Bar{{Label: "\xfe\xff\x02", Value: 1}, {Label: "tab\there\nline", Value: 2}},
	}},
	{"ZeroValues", chart.Chart{
		ID: "zeros", Title: "En retard par organisme", Description: "Problématiques en retard.",
		Bars: []chart.Bar{{Label: "CRES", Value: 0}, {Label: "ONEQ", Value: 6}, {Label: "Municipalité", Value: 0}},
	}},
	{"AllZero", chart.Chart{
		ID: "all-zero", Title: "Overdue", Description: "Overdue issues by organisation.", Empty: "No overdue issue.",
		Bars: []chart.Bar{{Label: "A", Value: 0}, {Label: "B", Value: 0}},
	}},
	{"NoBars", chart.Chart{ID: "none", Title: "Age", Description: "Age of open issues.", Empty: "No open issue."}},
	{"OneValue", chart.Chart{ID: "one", Title: "One", Bars: []chart.Bar{{Label: "Seule", Value: 1}}}},
	{"ThirtyValues", chart.Chart{ID: "thirty", Title: "30", Bars: bars(30)}},
	{"Histogram", chart.Chart{
		ID: "age", Title: "Âge des problématiques ouvertes", Description: "Problématiques ouvertes par ancienneté.",
		Bars: []chart.Bar{
			{Label: "< 1 semaine", Value: 4}, {Label: "1–4 semaines", Value: 9},
			{Label: "1–3 mois", Value: 2}, {Label: "> 3 mois", Value: 7, Class: "old"},
		},
	}},
	{"HistogramArabic", chart.Chart{
		ID: "age-ar", Title: "عمر الإشكاليات المفتوحة", RTL: true, Unit: "إشكالية",
		Bars: []chart.Bar{
			{Label: "أقل من أسبوع", Value: 4}, {Label: "من أسبوع إلى 4 أسابيع", Value: 9},
			{Label: "من شهر إلى 3 أشهر", Value: 0}, {Label: "أكثر من 3 أشهر", Value: 7},
		},
	}},
}

// clean is s as a chart must show it: encoding/xml turns invalid UTF-8
// and characters XML cannot hold into U+FFFD.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r != 0xFFFE && r != 0xFFFF {
			return r
		}
		return '\uFFFD'
	}, s)
}

// TestChartSVGWellFormed parses every token of each chart, drawn both
// ways, and checks what a page relies on: one <svg> in the SVG namespace
// that scales (width 100%, a viewBox), named by its <title> and <desc>
// through aria-labelledby, ids unique and prefixed, no style attribute
// (the CSP refuses them) nor any element a label could have smuggled in,
// every label and figure drawn as text, and a bar for each value above
// zero.
func TestChartSVGWellFormed(t *testing.T) {
	for _, tc := range chartCases {
		for _, kind := range kinds {
			t.Run(tc.name+"/"+kind.name, func(t *testing.T) {
				out, err := kind.draw(tc.chart)
				if err != nil {
					t.Fatal(err)
				}
				root := parseSVG(t, out)
				c := tc.chart
				if root.name != "svg" {
					t.Fatalf("root <%s>, want <svg>", root.name)
				}
				for name, want := range map[string]string{"role": "img", "width": "100%", "direction": "ltr"} {
					if got := root.attrs[name]; got != want {
						t.Errorf("svg %s=%q, want %q", name, got, want)
					}
				}
				if _, ok := root.attrs["height"]; ok {
					t.Error("svg has a height: it would not scale with its width")
				}
				viewBox(t, root)

				ids := map[string]*node{}
				root.walk(func(e *node) {
					if _, ok := e.attrs["style"]; ok {
						t.Errorf("<%s> has a style attribute, which the CSP refuses", e.name)
					}
					for name := range e.attrs {
						if strings.HasPrefix(name, "on") {
							t.Errorf("<%s> has an event attribute %s", e.name, name)
						}
					}
					switch e.name {
					case "svg", "title", "desc", "g", "rect", "line", "text", "tspan":
					default:
						t.Errorf("unexpected element <%s>", e.name)
					}
					if id, ok := e.attrs["id"]; ok {
						if !strings.HasPrefix(id, c.ID+"-") {
							t.Errorf("id %q does not start with %q", id, c.ID+"-")
						}
						if ids[id] != nil {
							t.Errorf("id %q twice", id)
						}
						ids[id] = e
					}
				})
				labelledBy := strings.Fields(root.attrs["aria-labelledby"])
				if len(labelledBy) != 2 {
					t.Fatalf("aria-labelledby=%q, want the title's and the desc's ids", root.attrs["aria-labelledby"])
				}
				title, desc := ids[labelledBy[0]], ids[labelledBy[1]]
				if title == nil || title.name != "title" || title != root.children[0] {
					t.Errorf("aria-labelledby %q does not name the svg's first child, its <title>", labelledBy[0])
				} else if got, want := title.text, clean(c.Title); got != want {
					t.Errorf("title %q, want %q", got, want)
				}
				if desc == nil || desc.name != "desc" || desc != root.child("desc") {
					t.Errorf("aria-labelledby %q does not name the svg's <desc>", labelledBy[1])
				} else if !strings.HasPrefix(desc.text, clean(c.Description)) {
					t.Errorf("desc %q, want it to start with %q", desc.text, clean(c.Description))
				}

				labels := root.all("text", "chart-label")
				values := root.all("text", "chart-value")
				if len(labels) != len(c.Bars) || len(values) != len(c.Bars) {
					t.Fatalf("%d labels and %d figures for %d bars", len(labels), len(values), len(c.Bars))
				}
				nonZero := 0
				for i, b := range c.Bars {
					label := clean(b.Label)
					shown := labels[i].shown()
					if tip := labels[i].child("title"); tip != nil {
						if tip.text != label {
							t.Errorf("bar %d: tooltip %q, want the whole label %q", i, tip.text, label)
						}
						if !strings.HasSuffix(shown, "…") {
							t.Errorf("bar %d: label cut to %q, without an ellipsis", i, shown)
						}
					} else if strings.Join(strings.Fields(shown), " ") != strings.Join(strings.Fields(label), " ") {
						t.Errorf("bar %d: label %q, want %q", i, shown, label)
					}
					figure := strconv.Itoa(b.Value)
					if c.Unit != "" {
						figure += "\u00a0" + c.Unit
					}
					if got := values[i].shown(); got != figure {
						t.Errorf("bar %d: figure %q, want %q", i, got, figure)
					}
					if b.Value > 0 {
						nonZero++
					}
				}
				rects := root.all("rect", "chart-bar")
				if len(rects) != nonZero {
					t.Errorf("%d bars drawn for %d values above zero", len(rects), nonZero)
				}
				if len(root.all("line", "chart-axis")) != 1 {
					t.Error("no axis")
				}
			})
		}
	}
}

// TestChartBarsProportional checks that bars and columns are as long as
// their values say, the largest filling the room the figures leave, and
// that a bar keeps its caller's class.
func TestChartBarsProportional(t *testing.T) {
	c := chart.Chart{ID: "p", Bars: []chart.Bar{
		{Label: "a", Value: 10, Class: "big"}, {Label: "b", Value: 5}, {Label: "c", Value: 1}, {Label: "d", Value: 0}, {Label: "e", Value: 7},
	}}
	for _, kind := range kinds {
		for _, rtl := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/RTL=%v", kind.name, rtl), func(t *testing.T) {
				c.RTL = rtl
				out, err := kind.draw(c)
				if err != nil {
					t.Fatal(err)
				}
				root := parseSVG(t, out)
				width, height := viewBox(t, root)
				rects := root.all("rect", "chart-bar")
				if len(rects) != 4 {
					t.Fatalf("%d bars, want 4", len(rects))
				}
				if !hasClass(rects[0], "big") {
					t.Errorf("first bar's class %q lacks the caller's class", rects[0].attrs["class"])
				}
				size := "width"
				if kind.name == "Histogram" {
					size = "height"
				}
				full := number(t, rects[0], size)
				for i, v := range []float64{10, 5, 1, 7} {
					r := rects[i]
					got := number(t, r, size)
					if want := full * v / 10; math.Abs(got-want) > 0.02 {
						t.Errorf("value %v: %s %v, want %v", v, size, got, want)
					}
					x, y := number(t, r, "x"), number(t, r, "y")
					if x < 0 || y < 0 || x+number(t, r, "width") > width || y+number(t, r, "height") > height {
						t.Errorf("value %v: bar outside the viewBox", v)
					}
				}
				if kind.name == "HorizontalBars" && full < width/2 {
					t.Errorf("the largest bar is %v long in %v", full, width)
				}
			})
		}
	}
}

// TestChartRTLMirrors draws the same chart left to right and right to
// left: every bar, label and figure of one is the mirror image of the
// other's, anchored at the mirrored end.
func TestChartRTLMirrors(t *testing.T) {
	c := chart.Chart{ID: "m", Bars: []chart.Bar{
		{Label: "Emploi", Value: 8}, {Label: "Santé", Value: 3}, {Label: "Logement", Value: 0}, {Label: "Autre", Value: 5},
	}}
	mirrored := map[string]string{"start": "end", "end": "start", "middle": "middle"}
	for _, kind := range kinds {
		t.Run(kind.name, func(t *testing.T) {
			ltrOut, err := kind.draw(c)
			if err != nil {
				t.Fatal(err)
			}
			rtl := c
			rtl.RTL = true
			rtlOut, err := kind.draw(rtl)
			if err != nil {
				t.Fatal(err)
			}
			ltr, rtlRoot := parseSVG(t, ltrOut), parseSVG(t, rtlOut)
			width, _ := viewBox(t, ltr)
			if w, _ := viewBox(t, rtlRoot); w != width {
				t.Fatalf("viewBox widths %v and %v", width, w)
			}
			near := func(what string, a, b float64) {
				t.Helper()
				if math.Abs(a-b) > 0.02 {
					t.Errorf("%s: %v, mirrored %v, want %v", what, a, b, width-a)
				}
			}
			lr, rr := ltr.all("rect", "chart-bar"), rtlRoot.all("rect", "chart-bar")
			if len(lr) != 3 || len(rr) != 3 {
				t.Fatalf("%d and %d bars, want 3", len(lr), len(rr))
			}
			for i := range lr {
				near(fmt.Sprintf("bar %d's start", i), width-number(t, lr[i], "x"),
					number(t, rr[i], "x")+number(t, rr[i], "width"))
				near(fmt.Sprintf("bar %d's y", i), number(t, lr[i], "y"), number(t, rr[i], "y"))
			}
			for _, class := range []string{"chart-label", "chart-value"} {
				lt, rt := ltr.all("text", class), rtlRoot.all("text", class)
				for i := range lt {
					l, r := lt[i], rt[i]
					if l.attrs["x"] == "" { // a histogram's label: its lines place it
						l, r = l.child("tspan"), r.child("tspan")
					}
					near(fmt.Sprintf("%s %d's x", class, i), width-number(t, l, "x"), number(t, r, "x"))
					la, ra := lt[i].attrs["text-anchor"], rt[i].attrs["text-anchor"]
					if mirrored[la] != ra {
						t.Errorf("%s %d: anchors %q and %q, want mirrored", class, i, la, ra)
					}
				}
			}
			if kind.name == "HorizontalBars" {
				// Bars grow from the right: the first bar ends at the
				// right edge less the padding, and so do the labels.
				first := rr[0]
				if end := number(t, first, "x") + number(t, first, "width"); end < width*0.9 {
					t.Errorf("RTL bar ends at %v of %v", end, width)
				}
				if a := rtlRoot.all("text", "chart-label")[0].attrs["text-anchor"]; a != "end" {
					t.Errorf("RTL label anchored at %q, want end", a)
				}
			}
		})
	}
}

// TestChartErrors checks that a negative value and an unusable id are
// refused, by both drawings and by Max.
func TestChartErrors(t *testing.T) {
	negative := chart.Chart{ID: "n", Bars: []chart.Bar{{Label: "a", Value: 3}, {Label: "b", Value: -1}}}
	if _, err := chart.Max(negative.Bars); !errors.Is(err, chart.ErrNegativeValue) {
		t.Errorf("Max: error %v, want ErrNegativeValue", err)
	}
	for _, kind := range kinds {
		t.Run(kind.name, func(t *testing.T) {
			out, err := kind.draw(negative)
			if !errors.Is(err, chart.ErrNegativeValue) || out != "" {
				t.Errorf("negative value: %q, %v; want ErrNegativeValue", out, err)
			}
			for _, id := range []string{"", "1abc", "a b", `a"b`, "é", "a<b"} {
				c := chart.Chart{ID: id, Bars: []chart.Bar{{Label: "a", Value: 1}}}
				if out, err := kind.draw(c); !errors.Is(err, chart.ErrInvalidID) || out != "" {
					t.Errorf("id %q: %q, %v; want ErrInvalidID", id, out, err)
				}
			}
		})
	}
}

// TestChartAllZero checks that a chart with nothing to draw shows its
// axis and its figures, no bar, and says so in its desc and its text.
func TestChartAllZero(t *testing.T) {
	for _, bars := range [][]chart.Bar{nil, {{Label: "A"}, {Label: "B"}}} {
		c := chart.Chart{ID: "z", Description: "Overdue issues.", Empty: "No overdue issue.", Bars: bars}
		for _, kind := range kinds {
			t.Run(fmt.Sprintf("%s/%d", kind.name, len(bars)), func(t *testing.T) {
				out, err := kind.draw(c)
				if err != nil {
					t.Fatal(err)
				}
				root := parseSVG(t, out)
				if n := len(root.all("rect", "")); n != 0 {
					t.Errorf("%d bars for no value", n)
				}
				if got, want := root.child("desc").text, "Overdue issues. No overdue issue."; got != want {
					t.Errorf("desc %q, want %q", got, want)
				}
				empty := root.all("text", "chart-empty")
				if len(empty) != 1 || empty[0].shown() != c.Empty {
					t.Errorf("no text %q in the chart", c.Empty)
				}
				if n := len(root.all("line", "chart-axis")); n != 1 {
					t.Errorf("%d axes, want 1", n)
				}
				for _, v := range root.all("text", "chart-value") {
					if v.shown() != "0" {
						t.Errorf("figure %q, want 0", v.shown())
					}
				}
			})
		}
	}
}

// TestChartIDsUniqueOnPage puts the four charts of the dashboard on one
// page and checks that no id is used twice.
func TestChartIDsUniqueOnPage(t *testing.T) {
	var page strings.Builder
	page.WriteString("<div>")
	for _, id := range []string{"by-status", "by-category", "overdue", "age"} {
		c := chart.Chart{ID: id, Title: id, Bars: bars(3)}
		for _, kind := range kinds[:1] {
			out, err := kind.draw(c)
			if err != nil {
				t.Fatal(err)
			}
			page.WriteString(string(out))
		}
	}
	page.WriteString("</div>")
	root := parseSVG(t, template.HTML(page.String()))
	seen := map[string]bool{}
	root.walk(func(e *node) {
		if id, ok := e.attrs["id"]; ok {
			if seen[id] {
				t.Errorf("id %q twice on the page", id)
			}
			seen[id] = true
		}
	})
	if len(seen) != 8 {
		t.Errorf("%d ids, want a title and a desc for each of 4 charts", len(seen))
	}
}

// TestChartMax checks the scale's largest value.
func TestChartMax(t *testing.T) {
	for _, tc := range []struct {
		bars []chart.Bar
		want int
	}{
		{nil, 0},
		{[]chart.Bar{{Value: 0}}, 0},
		{[]chart.Bar{{Value: 3}, {Value: 11}, {Value: 2}}, 11},
	} {
		got, err := chart.Max(tc.bars)
		if err != nil || got != tc.want {
			t.Errorf("Max(%v) = %d, %v; want %d", tc.bars, got, err, tc.want)
		}
	}
}
