package server

import (
	"bufio"
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"tawla/workspace"
)

// icsProperty is one content line of a parsed iCalendar object.
type icsProperty struct {
	Name   string
	Params map[string]string
	Value  string // as written, still escaped
}

// icsComponent is a parsed component with its properties and children.
type icsComponent struct {
	Name     string
	Props    []icsProperty
	Children []*icsComponent
}

// prop returns the first property called name, and whether there is one.
func (c *icsComponent) prop(name string) (icsProperty, bool) {
	for _, p := range c.Props {
		if p.Name == name {
			return p, true
		}
	}
	return icsProperty{}, false
}

// children returns the child components called name.
func (c *icsComponent) children(name string) []*icsComponent {
	var out []*icsComponent
	for _, ch := range c.Children {
		if ch.Name == name {
			out = append(out, ch)
		}
	}
	return out
}

// checkICSLines checks the physical form of an iCalendar object: every
// line ends with CRLF, none is longer than 75 octets, each is valid UTF-8
// on its own (so that no fold split a sequence), and no bare CR or LF is
// left. It returns the physical lines.
func checkICSLines(t *testing.T, raw string) []string {
	t.Helper()
	if !strings.HasSuffix(raw, "\r\n") {
		t.Fatalf("the calendar does not end with CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n")
	for i, l := range lines {
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d holds a bare CR or LF: %q", i+1, l)
		}
		if len(l) > icsLineOctets {
			t.Errorf("line %d is %d octets long: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d is not valid UTF-8 on its own (a fold split a sequence): %q", i+1, l)
		}
		if l == "" {
			t.Errorf("line %d is empty", i+1)
		}
	}
	return lines
}

// unfoldICS joins continuation lines (starting with a space or a tab) to
// the line before, removing the CRLF and the one whitespace character.
func unfoldICS(lines []string) []string {
	var out []string
	for _, l := range lines {
		if (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")) && len(out) > 0 {
			out[len(out)-1] += l[1:]
			continue
		}
		out = append(out, l)
	}
	return out
}

// parseICSLine cuts a content line into its name, parameters and value: the
// value starts after the first colon outside a quoted parameter value.
func parseICSLine(line string) (icsProperty, error) {
	inQuote := false
	colon := -1
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '"':
			inQuote = !inQuote
		case ':':
			if !inQuote {
				colon = i
			}
		}
		if colon >= 0 {
			break
		}
	}
	if colon < 0 {
		return icsProperty{}, fmt.Errorf("no colon in %q", line)
	}
	head, value := line[:colon], line[colon+1:]
	parts := strings.Split(head, ";")
	p := icsProperty{Name: strings.ToUpper(parts[0]), Params: map[string]string{}, Value: value}
	if p.Name == "" {
		return p, fmt.Errorf("no name in %q", line)
	}
	for _, param := range parts[1:] {
		k, v, ok := strings.Cut(param, "=")
		if !ok {
			return p, fmt.Errorf("parameter %q without a value in %q", param, line)
		}
		p.Params[strings.ToUpper(k)] = strings.Trim(v, `"`)
	}
	return p, nil
}

// parseICS parses an unfolded iCalendar object into its components.
func parseICS(lines []string) (*icsComponent, error) {
	var stack []*icsComponent
	var root *icsComponent
	for _, l := range lines {
		p, err := parseICSLine(l)
		if err != nil {
			return nil, err
		}
		switch p.Name {
		case "BEGIN":
			c := &icsComponent{Name: p.Value}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.Children = append(top.Children, c)
			} else if root != nil {
				return nil, fmt.Errorf("a second top-level component %s", p.Value)
			} else {
				root = c
			}
			stack = append(stack, c)
		case "END":
			if len(stack) == 0 || stack[len(stack)-1].Name != p.Value {
				return nil, fmt.Errorf("END:%s does not close the open component", p.Value)
			}
			stack = stack[:len(stack)-1]
		default:
			if len(stack) == 0 {
				return nil, fmt.Errorf("property %s outside any component", p.Name)
			}
			top := stack[len(stack)-1]
			top.Props = append(top.Props, p)
		}
	}
	if len(stack) != 0 || root == nil {
		return nil, fmt.Errorf("unbalanced components")
	}
	return root, nil
}

// unescapeICSText reverses TEXT escaping, and fails on an escape TEXT
// does not have or an unescaped comma or semicolon.
func unescapeICSText(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\':
			if i+1 == len(s) {
				return "", fmt.Errorf("a lone backslash ends %q", s)
			}
			i++
			switch s[i] {
			case '\\', ';', ',':
				b.WriteByte(s[i])
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				return "", fmt.Errorf("unknown escape \\%c in %q", s[i], s)
			}
		case ';', ',':
			return "", fmt.Errorf("unescaped %c in %q", c, s)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// TestICS checks the calendar written for meetings against RFC 5545: CRLF
// line ends, folding at 75 octets that never splits a UTF-8 sequence and
// that unfolding undoes exactly, the escaping of backslashes, commas,
// semicolons and line breaks, UID, DTSTAMP, DTSTART and DTEND with TZID
// and the VTIMEZONE they refer to, on meetings with a French and an Arabic
// title; and that the output parses back.
func TestICS(t *testing.T) {
	tunis, err := time.LoadLocation("Africa/Tunis")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://tawla.example.tn")
	s := &Server{baseURL: base, location: tunis}

	frTitle := "Réunion plénière, table de Mahdia; séance « protection de l'enfance »\nsuite \\ annexe — " +
		strings.Repeat("circuit de référencement, ", 4) + "fin"
	arTitle := "اجتماع فريق العمل، المهدية; الإحالة, المتابعة\nالجزء الثاني — " +
		strings.Repeat("مسار الإحالة والتكفل بالأطفال؛ ", 5) + "انتهى"
	frEscaped := "Réunion plénière\\, table de Mahdia\\; séance « protection de l'enfance »\\nsuite \\\\ annexe — " +
		strings.Repeat("circuit de référencement\\, ", 4) + "fin"
	arEscaped := "اجتماع فريق العمل، المهدية\\; الإحالة\\, المتابعة\\nالجزء الثاني — " +
		strings.Repeat("مسار الإحالة والتكفل بالأطفال؛ ", 5) + "انتهى"

	updated := time.Date(2026, 11, 20, 14, 3, 7, 0, time.UTC)
	plenary := &workspace.MeetingRecord{
		Meeting: &workspace.Meeting{ID: 7, Title: frTitle, Kind: workspace.MeetingPlenary, Language: "fr",
			StartsAt: time.Date(2026, 12, 15, 8, 30, 0, 0, time.UTC), EndsAt: time.Date(2026, 12, 15, 12, 0, 0, 0, time.UTC),
			Place: "Gouvernorat de Mahdia, salle 2; 1er étage", OnlineLink: "https://visio.example.tn/salle?id=4,5",
			UpdatedAt: updated, Status: workspace.MeetingPlanned},
		Items: []*workspace.AgendaItem{
			{ID: 1, Position: 1, Kind: workspace.ItemMinutesApproval, SourceMeetingTitle: "Plénière, septembre", DurationMinutes: 10, UpdatedAt: updated},
			{ID: 2, Position: 2, Kind: workspace.ItemOrdinary, Title: "Circuit de référencement; version 2, relecture", DurationMinutes: 45, UpdatedAt: updated.Add(time.Hour)},
			{ID: 3, Position: 3, Kind: workspace.ItemOrdinary, Title: "Divers", UpdatedAt: updated},
		},
	}
	group := &workspace.MeetingRecord{
		Meeting: &workspace.Meeting{ID: 8, Title: arTitle, Kind: workspace.MeetingWorkingGroup, Language: "ar",
			StartsAt: time.Date(2026, 12, 17, 13, 0, 0, 0, time.UTC), EndsAt: time.Date(2026, 12, 17, 15, 0, 0, 0, time.UTC),
			OnlineLink: "https://visio.example.tn/groupe", UpdatedAt: updated, Status: workspace.MeetingPlanned},
		Items: []*workspace.AgendaItem{
			{ID: 4, Position: 1, Kind: workspace.ItemOrdinary, Title: "مراجعة مسار الإحالة، الصيغة الثانية", DurationMinutes: 60, UpdatedAt: updated},
		},
	}
	cal := icsCalendar{Name: "Tawla, réunions; test", Zone: tunis, Refresh: time.Hour, Events: []icsEvent{
		s.meetingEvent(plenary, cat.localizer("fr")),
		s.meetingEvent(group, cat.localizer("ar")),
	}}
	var buf bytes.Buffer
	if err := writeICS(&buf, cal); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	lines := checkICSLines(t, raw)
	folded := 0
	for _, l := range lines {
		if strings.HasPrefix(l, " ") {
			folded++
		}
	}
	if folded < 4 {
		t.Errorf("only %d continuation lines: the long titles should have been folded\n%s", folded, raw)
	}
	logical := unfoldICS(lines)
	root, err := parseICS(logical)
	if err != nil {
		t.Fatalf("the calendar does not parse back: %v\n%s", err, raw)
	}

	if root.Name != "VCALENDAR" {
		t.Fatalf("top component %s, want VCALENDAR", root.Name)
	}
	for name, want := range map[string]string{"VERSION": "2.0", "PRODID": icsProductID, "CALSCALE": "GREGORIAN", "METHOD": "PUBLISH",
		"X-WR-CALNAME": `Tawla\, réunions\; test`, "REFRESH-INTERVAL": "PT1H"} {
		if p, ok := root.prop(name); !ok || p.Value != want {
			t.Errorf("VCALENDAR %s = %q (present %v), want %q", name, p.Value, ok, want)
		}
	}

	// The zone: Africa/Tunis keeps UTC+1 all year, one STANDARD block.
	zones := root.children("VTIMEZONE")
	if len(zones) != 1 {
		t.Fatalf("%d VTIMEZONE, want 1", len(zones))
	}
	if p, _ := zones[0].prop("TZID"); p.Value != "Africa/Tunis" {
		t.Errorf("TZID = %q", p.Value)
	}
	if std, day := zones[0].children("STANDARD"), zones[0].children("DAYLIGHT"); len(std) != 1 || len(day) != 0 {
		t.Fatalf("Africa/Tunis: %d STANDARD and %d DAYLIGHT, want 1 and 0", len(std), len(day))
	} else {
		for name, want := range map[string]string{"TZOFFSETFROM": "+0100", "TZOFFSETTO": "+0100", "TZNAME": "CET", "DTSTART": "19700101T000000"} {
			if p, _ := std[0].prop(name); p.Value != want {
				t.Errorf("STANDARD %s = %q, want %q", name, p.Value, want)
			}
		}
	}

	events := root.children("VEVENT")
	if len(events) != 2 {
		t.Fatalf("%d VEVENT, want 2", len(events))
	}
	type want struct {
		uid, stamp, start, end, summary, title, location string
		description                                      []string
	}
	wants := []want{
		{uid: "meeting-7@tawla.example.tn", stamp: "20261120T150307Z", start: "20261215T093000", end: "20261215T130000",
			summary: frEscaped, title: frTitle, location: `Gouvernorat de Mahdia\, salle 2\; 1er étage`,
			description: []string{"En ligne\u00a0: https://visio.example.tn/salle?id=4,5", "1. Approbation du procès-verbal\u00a0: Plénière, septembre (10 min)",
				"2. Circuit de référencement; version 2, relecture (45 min)", "3. Divers"}},
		{uid: "meeting-8@tawla.example.tn", stamp: "20261120T140307Z", start: "20261217T140000", end: "20261217T160000",
			summary: arEscaped, title: arTitle, location: "https://visio.example.tn/groupe",
			description: []string{"1. مراجعة مسار الإحالة، الصيغة الثانية (60 دقيقة)"}},
	}
	for i, ev := range events {
		w := wants[i]
		get := func(name string) icsProperty {
			t.Helper()
			p, ok := ev.prop(name)
			if !ok {
				t.Errorf("event %d has no %s", i, name)
			}
			return p
		}
		if p := get("UID"); p.Value != w.uid {
			t.Errorf("event %d UID = %q, want %q", i, p.Value, w.uid)
		}
		if p := get("DTSTAMP"); p.Value != w.stamp {
			t.Errorf("event %d DTSTAMP = %q, want %q (the latest change, in UTC)", i, p.Value, w.stamp)
		}
		for name, value := range map[string]string{"DTSTART": w.start, "DTEND": w.end} {
			p := get(name)
			if p.Value != value || p.Params["TZID"] != "Africa/Tunis" {
				t.Errorf("event %d %s = %q with TZID %q, want %q with TZID Africa/Tunis", i, name, p.Value, p.Params["TZID"], value)
			}
		}
		summary := get("SUMMARY")
		if summary.Value != w.summary {
			t.Errorf("event %d SUMMARY, once unfolded, is\n%q\nwant exactly\n%q", i, summary.Value, w.summary)
		}
		if text, err := unescapeICSText(summary.Value); err != nil || text != w.title {
			t.Errorf("event %d SUMMARY unescapes to %q (%v), want the title %q", i, text, err, w.title)
		}
		if p := get("LOCATION"); p.Value != w.location {
			t.Errorf("event %d LOCATION = %q, want %q", i, p.Value, w.location)
		}
		if p := get("URL"); p.Value != fmt.Sprintf("https://tawla.example.tn/meetings/%d", 7+i) {
			t.Errorf("event %d URL = %q", i, p.Value)
		}
		if p := get("STATUS"); p.Value != "CONFIRMED" {
			t.Errorf("event %d STATUS = %q", i, p.Value)
		}
		desc, err := unescapeICSText(get("DESCRIPTION").Value)
		if err != nil {
			t.Errorf("event %d DESCRIPTION: %v", i, err)
		}
		for _, line := range w.description {
			if !strings.Contains(desc, line+"\n") && !strings.HasSuffix(desc, line) {
				t.Errorf("event %d DESCRIPTION lacks the line %q:\n%s", i, line, desc)
			}
		}
		for _, p := range ev.Props {
			if p.Name == "DESCRIPTION" || p.Name == "SUMMARY" || p.Name == "LOCATION" {
				if _, err := unescapeICSText(p.Value); err != nil {
					t.Errorf("event %d %s: %v", i, p.Name, err)
				}
			}
		}
	}

	t.Run("Escaping", func(t *testing.T) {
		for in, want := range map[string]string{
			`a\b`:            `a\\b`,
			"a,b;c":          `a\,b\;c`,
			"l1\r\nl2\rl3\n": `l1\nl2\nl3\n`,
			"tab\tbell\a":    "tab\tbell",
			"bad\xffbyte":    "bad\uFFFDbyte",
			"عربي، نعم؛":     "عربي، نعم؛",
		} {
			if got := icsText(in); got != want {
				t.Errorf("icsText(%q) = %q, want %q", in, got, want)
			}
		}
	})

	t.Run("Folding", func(t *testing.T) {
		// Every offset of a two-, three- and four-octet character against
		// the fold.
		for _, r := range []string{"é", "ع", "€", "𝄞"} {
			for pad := 0; pad < 4; pad++ {
				line := "SUMMARY:" + strings.Repeat("x", pad) + strings.Repeat(r, 80)
				var b bytes.Buffer
				iw := &icsWriter{w: bufio.NewWriter(&b)}
				iw.line(line)
				_ = iw.w.Flush()
				lines := checkICSLines(t, b.String())
				if got := unfoldICS(lines); len(got) != 1 || got[0] != line {
					t.Errorf("unfolding %q gives %q", line, got)
				}
				for _, l := range lines[:len(lines)-1] {
					// A fold falls as late as the sequence allows.
					if n := len(l); n < icsLineOctets-utf8.UTFMax+1 {
						t.Errorf("a line of only %d octets before a fold", n)
					}
				}
			}
		}
	})

	t.Run("TimeZones", func(t *testing.T) {
		from := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
		to := time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC)
		for _, tc := range []struct {
			zone    string
			blocks  []string // kind, DTSTART, FROM, TO, NAME
			summary string
		}{
			{zone: "UTC", blocks: []string{"STANDARD 19700101T000000 +0000 +0000 UTC"}},
			{zone: "Africa/Tunis", blocks: []string{"STANDARD 19700101T000000 +0100 +0100 CET"}},
			{zone: "Europe/Paris", blocks: []string{
				"STANDARD 19700101T000000 +0100 +0100 CET",
				"DAYLIGHT 20260329T020000 +0100 +0200 CEST",
				"STANDARD 20261025T030000 +0200 +0100 CET",
			}},
		} {
			loc, err := time.LoadLocation(tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			err = writeICS(&b, icsCalendar{Zone: loc, Events: []icsEvent{
				{UID: "a@b", Stamp: from, Start: from, End: from.Add(time.Hour), Summary: "x"},
				{UID: "c@d", Stamp: from, Start: to, End: to.Add(time.Hour), Summary: "y"},
			}})
			if err != nil {
				t.Fatal(err)
			}
			root, err := parseICS(unfoldICS(checkICSLines(t, b.String())))
			if err != nil {
				t.Fatal(err)
			}
			vtz := root.children("VTIMEZONE")
			if len(vtz) != 1 {
				t.Fatalf("%s: %d VTIMEZONE", tc.zone, len(vtz))
			}
			var got []string
			for _, c := range vtz[0].Children {
				v := func(name string) string { p, _ := c.prop(name); return p.Value }
				got = append(got, strings.Join([]string{c.Name, v("DTSTART"), v("TZOFFSETFROM"), v("TZOFFSETTO"), v("TZNAME")}, " "))
			}
			if strings.Join(got, "\n") != strings.Join(tc.blocks, "\n") {
				t.Errorf("%s: observances\n%s\nwant\n%s", tc.zone, strings.Join(got, "\n"), strings.Join(tc.blocks, "\n"))
			}
			if p, _ := root.children("VEVENT")[1].prop("DTSTART"); p.Params["TZID"] != tc.zone {
				t.Errorf("%s: DTSTART's TZID = %q", tc.zone, p.Params["TZID"])
			}
		}
	})
}
