package server

// An iCalendar (RFC 5545) writer for meetings, written for Tawla: one
// VCALENDAR with the VTIMEZONE of the table's zone and a VEVENT per
// meeting. Texts are escaped (backslash, semicolon, comma, line breaks),
// lines end with CRLF and are folded at 75 octets without splitting a
// UTF-8 sequence.

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// icsLineOctets is the longest a content line may be, CRLF excluded
// (RFC 5545, 3.1).
const icsLineOctets = 75

// icsProductID names Tawla as the calendar's producer.
const icsProductID = "-//Tawla//Meetings//EN"

// icsCalendar is what writeICS writes: a calendar named Name whose events'
// times are in Zone.
type icsCalendar struct {
	Name string
	Zone *time.Location
	// Refresh, when not zero, is how often a subscribed client should
	// fetch the calendar again (REFRESH-INTERVAL, X-PUBLISHED-TTL).
	Refresh time.Duration
	Events  []icsEvent
}

// icsEvent is one VEVENT. Texts are plain; writeICS escapes them.
type icsEvent struct {
	UID         string
	Stamp       time.Time // DTSTAMP and LAST-MODIFIED, written in UTC
	Start, End  time.Time // written in the calendar's zone
	Summary     string
	Location    string
	URL         string
	Description string
	// Cancelled writes STATUS:CANCELLED instead of STATUS:CONFIRMED, so
	// that a subscribed calendar strikes or removes the event.
	Cancelled bool
	// Sequence is the event's revision (SEQUENCE, RFC 5545 3.8.7.4),
	// raised by a change a calendar must not miss, such as a
	// cancellation.
	Sequence int
}

// icsLocalLayout is a DATE-TIME in local form, as DTSTART;TZID= takes it;
// icsUTCLayout is one in UTC form, as DTSTAMP takes it.
const (
	icsLocalLayout = "20060102T150405"
	icsUTCLayout   = "20060102T150405Z"
)

// writeICS writes cal to w as an iCalendar object.
func writeICS(w io.Writer, cal icsCalendar) error {
	zone := cal.Zone
	if zone == nil {
		zone = time.UTC
	}
	iw := &icsWriter{w: bufio.NewWriter(w)}
	iw.line("BEGIN:VCALENDAR")
	iw.line("VERSION:2.0")
	iw.line("PRODID:" + icsProductID)
	iw.line("CALSCALE:GREGORIAN")
	iw.line("METHOD:PUBLISH")
	if cal.Name != "" {
		iw.line("X-WR-CALNAME:" + icsText(cal.Name))
	}
	iw.line("X-WR-TIMEZONE:" + icsText(zone.String()))
	if cal.Refresh > 0 {
		d := icsDuration(cal.Refresh)
		iw.line("REFRESH-INTERVAL;VALUE=DURATION:" + d)
		iw.line("X-PUBLISHED-TTL:" + d)
	}
	from, to := eventsSpan(cal.Events)
	writeVTimezone(iw, zone, from, to)
	tzid := icsParam(zone.String())
	for _, ev := range cal.Events {
		iw.line("BEGIN:VEVENT")
		iw.line("UID:" + icsText(ev.UID))
		iw.line("SEQUENCE:" + strconv.Itoa(ev.Sequence))
		iw.line("DTSTAMP:" + ev.Stamp.UTC().Format(icsUTCLayout))
		iw.line("LAST-MODIFIED:" + ev.Stamp.UTC().Format(icsUTCLayout))
		iw.line("DTSTART;TZID=" + tzid + ":" + ev.Start.In(zone).Format(icsLocalLayout))
		iw.line("DTEND;TZID=" + tzid + ":" + ev.End.In(zone).Format(icsLocalLayout))
		iw.line("SUMMARY:" + icsText(ev.Summary))
		if ev.Location != "" {
			iw.line("LOCATION:" + icsText(ev.Location))
		}
		if ev.URL != "" {
			iw.line("URL:" + icsURI(ev.URL))
		}
		if ev.Description != "" {
			iw.line("DESCRIPTION:" + icsText(ev.Description))
		}
		if ev.Cancelled {
			iw.line("STATUS:CANCELLED")
		} else {
			iw.line("STATUS:CONFIRMED")
		}
		iw.line("TRANSP:OPAQUE")
		iw.line("END:VEVENT")
	}
	iw.line("END:VCALENDAR")
	if iw.err != nil {
		return iw.err
	}
	return iw.w.Flush()
}

// eventsSpan returns the earliest start and the latest end of events, or
// a day around now when there are none.
func eventsSpan(events []icsEvent) (from, to time.Time) {
	if len(events) == 0 {
		now := time.Now()
		return now.Add(-24 * time.Hour), now.Add(24 * time.Hour)
	}
	from, to = events[0].Start, events[0].End
	for _, ev := range events[1:] {
		if ev.Start.Before(from) {
			from = ev.Start
		}
		if ev.End.After(to) {
			to = ev.End
		}
	}
	return from, to
}

// writeVTimezone writes the VTIMEZONE of zone as it stands from from to
// to, read from Go's zone database rather than written by hand: the
// observance in force at from (said to start in 1970, so that a zone
// without changes, such as Africa/Tunis today or UTC, is one STANDARD
// block), then one observance per change of offset or abbreviation
// between from and to, each a STANDARD or DAYLIGHT block starting at the
// local time of the change.
func writeVTimezone(iw *icsWriter, zone *time.Location, from, to time.Time) {
	// A margin of a day on each side covers the events' local days.
	from, to = from.Add(-24*time.Hour), to.Add(24*time.Hour)
	iw.line("BEGIN:VTIMEZONE")
	iw.line("TZID:" + icsText(zone.String()))
	first := from.In(zone)
	_, offset := first.Zone()
	writeObservance(iw, first, offset, time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC))
	for _, change := range zoneChanges(zone, from, to) {
		// DTSTART is the local time of the change in the offset before it.
		_, before := change.Add(-time.Second).In(zone).Zone()
		local := change.UTC().Add(time.Duration(before) * time.Second)
		writeObservance(iw, change.In(zone), before, local)
	}
	iw.line("END:VTIMEZONE")
}

// writeObservance writes one STANDARD or DAYLIGHT block: the offset and
// abbreviation in force at t, the offset before, and start as a local
// DATE-TIME (its fields are read as they are, whatever its location).
func writeObservance(iw *icsWriter, t time.Time, fromOffset int, start time.Time) {
	name, offset := t.Zone()
	kind := "STANDARD"
	if t.IsDST() {
		kind = "DAYLIGHT"
	}
	iw.line("BEGIN:" + kind)
	iw.line("DTSTART:" + start.Format(icsLocalLayout))
	iw.line("TZOFFSETFROM:" + icsOffset(fromOffset))
	iw.line("TZOFFSETTO:" + icsOffset(offset))
	if name != "" && !strings.HasPrefix(name, "+") && !strings.HasPrefix(name, "-") {
		iw.line("TZNAME:" + icsText(name))
	}
	iw.line("END:" + kind)
}

// zoneChanges returns the instants between from and to at which zone's
// offset, abbreviation or daylight saving changes, to the second: the zone
// is sampled every six hours, and each change found is narrowed down by
// bisection.
func zoneChanges(zone *time.Location, from, to time.Time) []time.Time {
	const step = 6 * time.Hour
	state := func(t time.Time) string {
		t = t.In(zone)
		name, offset := t.Zone()
		return fmt.Sprint(name, offset, t.IsDST())
	}
	var changes []time.Time
	prev, prevState := from, state(from)
	for t := from.Add(step); !t.After(to.Add(step)); t = t.Add(step) {
		s := state(t)
		if s != prevState {
			lo, hi := prev, t // state(lo) == prevState, state(hi) differs
			for hi.Sub(lo) > time.Second {
				mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
				if !mid.After(lo) {
					break
				}
				if state(mid) == prevState {
					lo = mid
				} else {
					hi = mid
				}
			}
			changes = append(changes, hi.Truncate(time.Second))
		}
		prev, prevState = t, s
	}
	return changes
}

// icsOffset writes an offset east of UTC in seconds as RFC 5545's
// UTC-OFFSET: +0100, -0330, or +013045 with seconds.
func icsOffset(seconds int) string {
	sign := '+'
	if seconds < 0 {
		sign, seconds = '-', -seconds
	}
	h, m, s := seconds/3600, seconds%3600/60, seconds%60
	if s != 0 {
		return fmt.Sprintf("%c%02d%02d%02d", sign, h, m, s)
	}
	return fmt.Sprintf("%c%02d%02d", sign, h, m)
}

// icsDuration writes d, rounded to the minute, as a DURATION such as PT1H
// or PT90M.
func icsDuration(d time.Duration) string {
	minutes := int(d.Round(time.Minute) / time.Minute)
	if minutes < 1 {
		minutes = 1
	}
	if minutes%60 == 0 {
		return fmt.Sprintf("PT%dH", minutes/60)
	}
	return fmt.Sprintf("PT%dM", minutes)
}

// icsText escapes s as a TEXT value: a backslash, a semicolon and a comma
// take a backslash before them, a line break (CRLF, CR or LF) becomes \n,
// and other control characters, which TEXT may not hold, are dropped.
// Invalid UTF-8 becomes U+FFFD.
func icsText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// icsURI writes a URI value, which is not escaped as TEXT is; control
// characters and spaces, which a URI does not hold, are percent-encoded.
func icsURI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= 0x20 || c == 0x7f || c == '"' {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// icsParam writes a parameter value, quoted when it holds a character
// that would end it (":", ";" or ","); a double quote, which no parameter
// value may hold, is dropped.
func icsParam(s string) string {
	s = strings.ReplaceAll(s, `"`, "")
	if strings.ContainsAny(s, ":;,") {
		return `"` + s + `"`
	}
	return s
}

// icsWriter writes content lines, folded, with CRLF, and keeps the first
// error.
type icsWriter struct {
	w   *bufio.Writer
	err error
}

// line writes one content line, folded at icsLineOctets octets: each
// continuation line starts with one space, and a fold never falls inside
// a UTF-8 sequence.
func (iw *icsWriter) line(s string) {
	if iw.err != nil {
		return
	}
	for _, part := range foldICS(s) {
		if _, err := iw.w.WriteString(part + "\r\n"); err != nil {
			iw.err = err
			return
		}
	}
}

// foldICS cuts a content line into the physical lines that carry it, the
// continuation ones already starting with their space, each at most
// icsLineOctets octets long.
func foldICS(s string) []string {
	var lines []string
	limit := icsLineOctets
	prefix := ""
	for len(prefix)+len(s) > icsLineOctets {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		lines = append(lines, prefix+s[:cut])
		s = s[cut:]
		prefix, limit = " ", icsLineOctets-1
	}
	return append(lines, prefix+s)
}
