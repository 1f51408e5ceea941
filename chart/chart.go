// Package chart draws small SVG charts on the server, for pages that must
// be readable without JavaScript: the issue dashboard's issues by status,
// by category, overdue by organisation (horizontal bars) and the age of
// open issues (a histogram of buckets the caller names).
//
// A chart is a standalone <svg> element, width 100% with a viewBox, so it
// scales to the width of its container, from a 360 px phone to a printed
// page; the caller's stylesheet caps that width (about 28rem keeps the
// text at a reading size). Every figure is written next to its bar, so
// that the chart reads without colour; bars take their colour from CSS
// classes (chart-bar and the Bar's own Class), and everything else from
// the text colour (fill="currentColor"), because the pages' Content
// Security Policy refuses style attributes. Right-to-left charts (Arabic)
// mirror the positions themselves — bars grow from the right, labels sit
// on the right — rather than relying on the CSS direction, which SVG text
// follows unevenly across browsers.
//
// The chart draws no heading of its own: the page gives one, and shows
// the same figures in a table next to the chart. Title and Description
// become the SVG's <title> and <desc>, which name it for screen readers.
//
// The stylesheet that colours a chart needs only rules such as
//
//	.chart { display: block; max-inline-size: 28rem; }
//	.chart-bar { fill: var(--accent); }
//	.chart-bar.overdue { fill: var(--error-line); }
//	.chart-axis { stroke: var(--line); }
package chart

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLabelRunes is the number of runes of a horizontal bar's label drawn
// before it is cut with an ellipsis; the full label stays in a <title>
// child of the text, which browsers show as a tooltip.
const MaxLabelRunes = 40

// ErrNegativeValue is wrapped by the error of a chart with a negative
// value: counts are never negative, so one is a bug of the caller.
var ErrNegativeValue = errors.New("chart: negative value")

// ErrInvalidID is wrapped by the error of a chart whose ID is not a
// letter followed by letters, digits, '-' or '_'.
var ErrInvalidID = errors.New("chart: invalid id")

// Bar is one labelled value of a chart: a bar, or a column of a
// histogram.
type Bar struct {
	// Label names the bar, in the page's language; it may hold any text,
	// which is escaped.
	Label string
	// Value is the figure drawn next to the bar; it must not be negative.
	Value int
	// Class is added to the bar's class attribute (after "chart-bar"),
	// so that the stylesheet can colour it, e.g. "status-open".
	Class string
}

// Chart is the data of one chart. The same Chart draws as horizontal bars
// (HorizontalBars) or as columns (Histogram); its zero value is not a
// chart, since it needs an ID.
type Chart struct {
	// ID prefixes the ids of the chart's elements ("ID-title",
	// "ID-desc"), so that several charts on one page do not clash; it
	// must start with an ASCII letter and hold only ASCII letters,
	// digits, '-' and '_'.
	ID string
	// Title names the chart (its <title>), e.g. "Issues by status".
	Title string
	// Description says what the chart shows (its <desc>).
	Description string
	// Empty is the text drawn, and added to the description, when every
	// value is zero or there is no bar, e.g. "No open issue.".
	Empty string
	// Unit, when not empty, follows every figure after a no-break
	// space, e.g. "%"; most charts count issues and need none.
	Unit string
	// Bars are drawn in their order: top to bottom as horizontal bars,
	// from the start side (left, or right when RTL) as columns.
	Bars []Bar
	// RTL draws the chart for a right-to-left language: bars grow from
	// the right and labels sit on the right.
	RTL bool
}

// Max returns the largest value of bars, which the chart's scale gives
// the full length (0 when bars is empty or all zero), or an error
// wrapping ErrNegativeValue if a value is negative.
func Max(bars []Bar) (int, error) {
	largest := 0
	for _, b := range bars {
		if b.Value < 0 {
			return 0, fmt.Errorf("%w: %q is %d", ErrNegativeValue, b.Label, b.Value)
		}
		largest = max(largest, b.Value)
	}
	return largest, nil
}

// The geometry, in the units of the viewBox. Text is drawn at fontSize
// units: with the chart 360 units wide, 14 units are 12.8 px in the 328 px
// a 360 px phone leaves inside a page's margins, and 17.4 px at 28rem.
const (
	viewWidth = 360.0
	padding   = 8.0
	fontSize  = 14.0
	// charWidth is a generous average advance of a character (digits,
	// Latin or Arabic) at fontSize, used to leave room for the figures
	// and to decide where a histogram's labels wrap.
	charWidth = 0.6 * fontSize
	// figureGap separates a bar's end from its figure.
	figureGap = 4.0
)

// validate checks what every chart needs and returns the largest value.
func (c Chart) validate() (int, error) {
	if !validID(c.ID) {
		return 0, fmt.Errorf("%w: %q", ErrInvalidID, c.ID)
	}
	largest, err := Max(c.Bars)
	if err != nil {
		return 0, fmt.Errorf("chart %s: %w", c.ID, err)
	}
	return largest, nil
}

// validID reports whether id may prefix the chart's ids: a letter, then
// letters, digits, '-' or '_' — valid in XML and in a CSS selector.
func validID(id string) bool {
	if id == "" {
		return false
	}
	for i, r := range id {
		letter := 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
		if i == 0 && !letter {
			return false
		}
		if !letter && !('0' <= r && r <= '9') && r != '-' && r != '_' {
			return false
		}
	}
	return true
}

// figure is the text of a value: its digits, and the unit if any.
func (c Chart) figure(v int) string {
	s := strconv.Itoa(v)
	if c.Unit != "" {
		s = isolate(s + "\u00a0" + c.Unit)
	}
	return s
}

// figureWidth is the room the widest figure may take.
func (c Chart) figureWidth() float64 {
	widest := 0
	for _, b := range c.Bars {
		widest = max(widest, utf8.RuneCountInString(c.figure(b.Value)))
	}
	return float64(widest) * charWidth
}

// isolate wraps s in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE, so
// that each label takes the direction of its own first letter, as
// dir="auto" does in HTML: an Arabic label cut with an ellipsis keeps the
// ellipsis at its end, a French one in an Arabic chart reads left to
// right, whatever the direction the SVG text starts with.
func isolate(s string) string {
	return "\u2068" + s + "\u2069"
}

// truncate cuts s to at most n runes, the last an ellipsis, and reports
// whether it did. It does not leave a combining mark (an Arabic vowel
// sign, an accent) without its letter, nor a space before the ellipsis.
func truncate(s string, n int) (string, bool) {
	if utf8.RuneCountInString(s) <= n {
		return s, false
	}
	runes := []rune(s)
	k := max(n-1, 0)
	for k > 0 && unicode.Is(unicode.M, runes[k]) {
		k-- // the cut falls inside a letter's marks: cut before the letter
	}
	runes = runes[:k]
	cut := strings.TrimRightFunc(string(runes), unicode.IsSpace)
	return cut + "…", true
}

// num writes a coordinate with at most two decimals.
func num(x float64) string {
	return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64)
}
