package server

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"tawla/workspace"
)

// The text a meeting's minutes start with. When the secretariat starts a
// meeting, the store makes its minutes — a document co-edited like a
// draft — with the text minutesPrefill returns for the meeting as it
// stands, in the meeting's language (Meeting.Language, French or Arabic),
// whatever the language of the person who starts it. The text is Markdown
// with this structure, which other code relies on:
//
//	# <minutes.heading: the meeting's title>
//
//	- **<minutes.date>** 2026-12-10, 09:00–12:00
//	- **<minutes.place>** <place>             (only with a place)
//	- **<minutes.online>** <link>             (only with a link)
//	- **<minutes.present>** Name (Organisation), …   (or minutes.nobody)
//	- **<minutes.excused>** …
//	- **<minutes.absent>** …
//	- **<minutes.unrecorded>** …              (only when someone's attendance is not yet known)
//	- **<minutes.quorum>** <the quorum line>
//
// The attendance lines (present to quorum, minutesAttendance) are written
// again when the meeting closes, with the attendance at the close, in
// place of those found (minutesAttendanceChange): they are found by how
// they open, "- **<label>**", in the details before the first item.
//
//	## 1. <item title>
//
//	<minutes.presenter>                      (only when the item names a presenter)
//
//	## 2. <item title>
//	…
//
// The agenda items are the only level-two headings, one per item in the
// agenda's order, each exactly the line minutesItemHeading returns. Code
// that writes into the minutes under an item (a decision, say) finds the
// item's section from what minutesItems says of every item — the heading
// it has now, the titles it may have been written with, the paragraph its
// decision was written as — since the agenda may have changed since the
// pre-fill (items moved, renamed, added or removed, the meeting's language
// changed) and the minutes may have been edited; it writes before the
// next "## " line, or at the end in a section of its own.
// Every item ends with an empty line for the notes. Texts that come from
// people (titles, names, places) are kept on one line, so that none can
// start a heading of its own.

// minutesPrefill returns the pre-filled text of rec's minutes, in the
// meeting's language. The store calls it inside the transaction that
// starts the meeting (sqlite.DB.StartMeeting), so rec is the meeting as it
// is started.
func (s *Server) minutesPrefill(rec *workspace.MeetingRecord) string {
	m := rec.Meeting
	lang := minutesLanguage(m)
	l := s.localizer(lang)
	var b strings.Builder
	b.WriteString("# " + l.T("minutes.heading", "Name", oneLine(m.Title)) + "\n\n")
	line := func(labelKey, value string) {
		b.WriteString(minutesLabel(l, labelKey) + " " + value + "\n")
	}
	line("minutes.date", minutesWhen(m, s.location))
	if m.Place != "" {
		line("minutes.place", oneLine(m.Place))
	}
	if m.OnlineLink != "" {
		line("minutes.online", "<"+oneLine(m.OnlineLink)+">")
	}
	attendance := s.minutesAttendance(lang, rec)
	for _, key := range minutesAttendanceKeys {
		if text, ok := attendance[key]; ok {
			b.WriteString(text + "\n")
		}
	}
	for i, it := range rec.Items {
		b.WriteString("\n" + minutesHeading(l, i+1, it) + "\n\n")
		if name := presenterName(lang, it); name != "" {
			b.WriteString(l.T("minutes.presenter", "Name", oneLine(name)) + "\n\n")
		}
	}
	return b.String()
}

// minutesItemHeading returns the heading of agenda item it in minutes
// written in lang: "## 3. <title>", the number being the item's position
// and the title the item's own or, for an item the table added itself, its
// name in lang (see agendaItemTitle). It is the line minutesPrefill writes
// for the item, by which code that writes under an item finds it.
func (s *Server) minutesItemHeading(lang string, it *workspace.AgendaItem) string {
	return minutesHeading(s.localizer(lang), it.Position, it)
}

// minutesHeading is minutesItemHeading with a localizer, numbering the
// item n when it has no position.
func minutesHeading(l *localizer, n int, it *workspace.AgendaItem) string {
	if it.Position > 0 {
		n = it.Position
	}
	return "## " + strconv.Itoa(n) + ". " + oneLine(agendaItemTitle(l, it))
}

// minutesLanguages are the languages minutes are written in. A live
// meeting's language may change once its minutes are pre-filled, so what
// the server wrote into them is looked for in each.
var minutesLanguages = []string{"fr", "ar"}

// minutesItem is an agenda item as the minutes may show it: what finding
// its section looks for (see minutesDecisionChange).
type minutesItem struct {
	// Heading is the line the pre-fill would write for the item now
	// (minutesItemHeading) and Number the number in it; Titles are what
	// its heading's title may read: the item's title or, for an item the
	// table added, its name in each minutes language.
	Heading string
	Number  int
	Titles  []string
	// Decisions are the paragraphs its decision is written as in each
	// minutes language (minutesDecisionBlock); none without a decision.
	Decisions []string
	// ByNumber says that a heading with the item's number and a title no
	// item has may be the item's own, written before it was renamed. An
	// item added once the minutes were pre-filled had no heading there.
	ByNumber bool
}

// minutesItems returns each item of rec's agenda, in order, as rec's
// minutes may show it.
func (s *Server) minutesItems(rec *workspace.MeetingRecord) []minutesItem {
	lang := minutesLanguage(rec.Meeting)
	started := rec.Meeting.StartedAt
	items := make([]minutesItem, len(rec.Items))
	for i, it := range rec.Items {
		mi := minutesItem{Heading: s.minutesItemHeading(lang, it), Number: it.Position,
			ByNumber: started != nil && it.CreatedAt.Before(*started)}
		for _, l := range minutesLanguages {
			loc := s.localizer(l)
			if title := oneLine(agendaItemTitle(loc, it)); !slices.Contains(mi.Titles, title) {
				mi.Titles = append(mi.Titles, title)
			}
			if d := it.Decision; d != nil {
				mi.Decisions = append(mi.Decisions, minutesDecisionBlock(loc.T(minutesDecisionKeys[d.Outcome]), d.Text))
			}
		}
		items[i] = mi
	}
	return items
}

// minutesLanguage returns the language m's minutes are written in: the
// meeting's, French when it names none the minutes may use.
func minutesLanguage(m *workspace.Meeting) string {
	if m.Language == "ar" {
		return "ar"
	}
	return "fr"
}

// minutesWhen returns when m takes place in loc: "2026-12-10, 09:00–12:00",
// or both days and times when it ends on a later day. A table that keeps
// its dates in UTC says so.
func minutesWhen(m *workspace.Meeting, loc *time.Location) string {
	start, end := m.StartsAt.In(loc), m.EndsAt.In(loc)
	var out string
	if start.Format(formDateLayout) == end.Format(formDateLayout) {
		out = start.Format(formDateLayout) + ", " + start.Format(formTimeLayout) + "–" + end.Format(formTimeLayout)
	} else {
		out = start.Format(formDateLayout+" "+formTimeLayout) + " – " + end.Format(formDateLayout+" "+formTimeLayout)
	}
	if name, offset := start.Zone(); name == "UTC" && offset == 0 {
		out += " UTC"
	}
	return out
}

// quorumText says, in l's language, how many voting members are present,
// how many must be, and whether the quorum is reached.
func quorumText(l *localizer, q workspace.Quorum) string {
	if q.Rule == workspace.QuorumNone {
		return l.T("minutes.quorum_none")
	}
	key := "minutes.quorum_not_reached"
	if q.Reached {
		key = "minutes.quorum_reached"
	}
	return l.T(key, "Present", q.Present, "Electorate", q.Electorate, "Required", q.Required)
}

// oneLine returns s trimmed, with its line breaks turned into spaces, so
// that a text from a form cannot break the structure of the minutes.
// Other spaces stay as they are: French puts no-break spaces inside
// guillemets.
func oneLine(s string) string {
	return strings.TrimSpace(lineBreaks.Replace(s))
}

// lineBreaks turns every kind of line break into a space.
var lineBreaks = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ", "\v", " ", "\f", " ", "\u0085", " ", "\u2028", " ", "\u2029", " ")

// minutesLine is one line of the minutes' text, by byte offsets: from its
// start to its end, its line break excluded.
type minutesLine struct{ start, end int }

// minutesLines cuts text into its lines, the last one included even when
// empty, so that a server-made update can find and replace whole lines.
func minutesLines(text string) []minutesLine {
	var lines []minutesLine
	for at := 0; at <= len(text); {
		end := strings.IndexByte(text[at:], '\n')
		if end < 0 {
			lines = append(lines, minutesLine{at, len(text)})
			break
		}
		lines = append(lines, minutesLine{at, at + end})
		at += end + 1
	}
	return lines
}
