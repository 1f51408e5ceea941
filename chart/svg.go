package chart

import (
	"encoding/xml"
	"html/template"
	"strings"
	"unicode"
)

// svgWriter builds a chart's markup. Every text and attribute value goes
// through encoding/xml's escaping, so that a label holding <, &, quotes
// or invalid UTF-8 stays text.
type svgWriter struct {
	b strings.Builder
}

// text writes s escaped as character data.
func (w *svgWriter) text(s string) {
	// EscapeText fails only when its writer does; a Builder does not.
	_ = xml.EscapeText(&w.b, []byte(s))
}

// open writes a start tag with attrs, given as name, value pairs.
func (w *svgWriter) open(name string, attrs ...string) {
	w.tag(name, attrs)
	w.b.WriteString(">")
}

// empty writes an element without content.
func (w *svgWriter) empty(name string, attrs ...string) {
	w.tag(name, attrs)
	w.b.WriteString("/>")
}

// tag writes a tag's name and attributes, up to its closing bracket.
func (w *svgWriter) tag(name string, attrs []string) {
	w.b.WriteString("<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		w.b.WriteString(" " + attrs[i] + `="`)
		w.text(attrs[i+1])
		w.b.WriteString(`"`)
	}
}

// close writes an end tag.
func (w *svgWriter) close(name string) {
	w.b.WriteString("</" + name + ">")
}

// element writes an element holding text.
func (w *svgWriter) element(name, content string, attrs ...string) {
	w.open(name, attrs...)
	w.text(content)
	w.close(name)
}

// label writes a text element holding label cut to n runes (isolated in
// its own direction), with the whole label in a <title> child when it was
// cut.
func (w *svgWriter) label(label string, n int, attrs ...string) {
	cut, truncated := truncate(label, n)
	w.open("text", attrs...)
	if truncated {
		w.element("title", label)
	}
	w.text(isolate(cut))
	w.close("text")
}

// start writes the <svg> element with its <title> and <desc>.
func (w *svgWriter) start(c Chart, kind string, height float64, allZero bool) {
	desc := c.Description
	if allZero && c.Empty != "" {
		desc = strings.TrimSpace(desc + " " + c.Empty)
	}
	w.open("svg",
		"xmlns", "http://www.w3.org/2000/svg",
		"class", "chart "+kind,
		"viewBox", "0 0 "+num(viewWidth)+" "+num(height),
		"width", "100%",
		"role", "img",
		"aria-labelledby", c.ID+"-title "+c.ID+"-desc",
		"font-size", num(fontSize),
		"fill", "currentColor",
		// The chart places its text itself, left to right in its
		// coordinates, so it must not inherit an Arabic page's
		// direction: under direction rtl, text-anchor start means the
		// right end of the text, and every label would turn around its
		// anchor. Each label's own direction comes from isolate.
		"direction", "ltr",
	)
	w.element("title", c.Title, "id", c.ID+"-title")
	w.element("desc", desc, "id", c.ID+"-desc")
}

// html returns the markup, which every writer method has escaped.
func (w *svgWriter) html() template.HTML {
	return template.HTML(w.b.String())
}

// barClass is the class attribute of a bar.
func barClass(b Bar) string {
	return strings.TrimSpace("chart-bar " + b.Class)
}

// HorizontalBars draws c as one horizontal bar per Bar, top to bottom:
// each label on its own line above its bar, so that long labels in any
// script keep the whole width, and the figure just past the bar's end.
// The largest value fills the width left by the widest figure; a zero
// value has no bar, only its figure. It returns an error for an invalid
// ID or a negative value.
func (c Chart) HorizontalBars() (template.HTML, error) {
	largest, err := c.validate()
	if err != nil {
		return "", err
	}
	const (
		rowHeight   = 44.0
		labelLine   = 15.0 // baseline of the label, from the row's top
		barTop      = 21.0
		barHeight   = 16.0
		figureLine  = 34.0 // baseline of the figure, centred on the bar
		emptyHeight = 24.0
	)
	rows := float64(len(c.Bars))
	height := padding + rows*rowHeight + padding
	if largest == 0 {
		height += emptyHeight
	}
	// origin is the axis the bars grow from, dir the way they grow.
	origin, dir, anchor, figureAnchor := padding, 1.0, "start", "start"
	if c.RTL {
		origin, dir, anchor, figureAnchor = viewWidth-padding, -1.0, "end", "end"
	}
	length := viewWidth - 2*padding - figureGap - c.figureWidth()

	var w svgWriter
	w.start(c, "chart-bars", height, largest == 0)
	for i, b := range c.Bars {
		top := padding + float64(i)*rowHeight
		w.open("g", "class", "chart-row")
		w.label(b.Label, MaxLabelRunes,
			"class", "chart-label", "x", num(origin), "y", num(top+labelLine), "text-anchor", anchor)
		end := origin
		if b.Value > 0 {
			size := barSize(b.Value, largest, length)
			x := origin
			if c.RTL {
				x = origin - size
			}
			w.empty("rect", "class", barClass(b),
				"x", num(x), "y", num(top+barTop), "width", num(size), "height", num(barHeight))
			end = origin + dir*size
		}
		w.element("text", c.figure(b.Value),
			"class", "chart-value", "x", num(end+dir*figureGap), "y", num(top+figureLine), "text-anchor", figureAnchor)
		w.close("g")
	}
	bottom := padding + rows*rowHeight
	w.empty("line", "class", "chart-axis", "x1", num(origin), "y1", num(padding),
		"x2", num(origin), "y2", num(bottom), "stroke", "currentColor")
	if largest == 0 && c.Empty != "" {
		w.label(c.Empty, MaxLabelRunes,
			"class", "chart-empty", "x", num(origin), "y", num(bottom+labelLine), "text-anchor", anchor)
	}
	w.close("svg")
	return w.html(), nil
}

// Histogram draws c as columns side by side, growing up from a common
// base line, each figure above its column and each label below it — for
// a few buckets named by the caller, such as the age of open issues
// ("< 1 week", "1–4 weeks", "1–3 months", "> 3 months"). Columns run from
// the left, or from the right when RTL. A label wraps at spaces onto up
// to three lines, and is cut with an ellipsis past that. It returns an error
// for an invalid ID or a negative value.
func (c Chart) Histogram() (template.HTML, error) {
	largest, err := c.validate()
	if err != nil {
		return "", err
	}
	const (
		plotHeight  = 160.0
		lineHeight  = 17.0
		labelLines  = 3
		emptyHeight = 24.0
	)
	slot := (viewWidth - 2*padding) / float64(max(len(c.Bars), 1))
	column := min(slot*0.6, 64)
	// The labels are wrapped first: the chart is as tall as its longest.
	labelRunes := max(int(slot/charWidth), 3)
	labels := make([][]string, len(c.Bars))
	truncated := make([]bool, len(c.Bars))
	lines := 1
	for i, b := range c.Bars {
		labels[i], truncated[i] = wrap(b.Label, labelRunes, labelLines)
		lines = max(lines, len(labels[i]))
	}
	base := padding + fontSize + figureGap + plotHeight
	height := base + float64(lines)*lineHeight + padding
	if largest == 0 {
		height += emptyHeight
	}

	var w svgWriter
	w.start(c, "chart-histogram", height, largest == 0)
	for i, b := range c.Bars {
		centre := padding + slot*(float64(i)+0.5)
		if c.RTL {
			centre = viewWidth - centre
		}
		w.open("g", "class", "chart-row")
		top := base
		if b.Value > 0 {
			size := barSize(b.Value, largest, plotHeight)
			top = base - size
			w.empty("rect", "class", barClass(b),
				"x", num(centre-column/2), "y", num(top), "width", num(column), "height", num(size))
		}
		w.element("text", c.figure(b.Value),
			"class", "chart-value", "x", num(centre), "y", num(top-figureGap), "text-anchor", "middle")
		w.open("text", "class", "chart-label", "text-anchor", "middle")
		if truncated[i] {
			w.element("title", b.Label)
		}
		for j, line := range labels[i] {
			w.element("tspan", isolate(line), "x", num(centre), "y", num(base+float64(j+1)*lineHeight))
		}
		w.close("text")
		w.close("g")
	}
	w.empty("line", "class", "chart-axis", "x1", num(padding), "y1", num(base),
		"x2", num(viewWidth-padding), "y2", num(base), "stroke", "currentColor")
	if largest == 0 && c.Empty != "" {
		w.label(c.Empty, MaxLabelRunes, "class", "chart-empty",
			"x", num(viewWidth/2), "y", num(height-padding), "text-anchor", "middle")
	}
	w.close("svg")
	return w.html(), nil
}

// barSize is the length of a bar of value v when largest fills length. A
// bar of a positive value is at least one unit long, so that it shows.
func barSize(v, largest int, length float64) float64 {
	return max(float64(v)/float64(largest)*length, 1)
}

// wrap breaks s into at most lines lines of at most n runes, at spaces
// where it can, and reports whether it had to cut s (the last line then
// ends with an ellipsis).
func wrap(s string, n, lines int) ([]string, bool) {
	var out []string
	rest := strings.TrimSpace(s)
	for len(out) < lines-1 {
		line, truncated := truncate(rest, n)
		if !truncated {
			break
		}
		// Break at the last space that keeps the line within n runes.
		runes := []rune(rest)
		at := -1
		for i := min(n, len(runes)-1); i > 0; i-- {
			if unicode.IsSpace(runes[i]) {
				at = i
				break
			}
		}
		if at < 0 {
			return append(out, line), true
		}
		out = append(out, string(runes[:at]))
		rest = strings.TrimSpace(string(runes[at:]))
	}
	last, truncated := truncate(rest, n)
	return append(out, last), truncated
}
