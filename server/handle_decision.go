package server

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"tawla/collab"
	"tawla/workspace"
	"tawla/workspace/change"
	"tawla/workspace/sqlite"
)

// minutesDecisionKeys are the catalogue keys of the words that open a
// decision in the minutes, by outcome: "Décision (adoptée) :".
var minutesDecisionKeys = map[workspace.DecisionOutcome]string{
	workspace.OutcomeAdopted:   "minutes.decision.adopted",
	workspace.OutcomeRejected:  "minutes.decision.rejected",
	workspace.OutcomePostponed: "minutes.decision.postponed",
}

// handleDecisionRecord records the decision on an agenda item, replacing
// the item's earlier one. Once the meeting has minutes, the decision is
// also written into them, in the item's section, as an update the server
// makes: the update and the decision are stored in one transaction, or
// neither is, and everyone editing the minutes receives the update like
// anyone's typing. A decision recorded again replaces its paragraph in the
// minutes instead of adding a second one.
func (s *Server) handleDecisionRecord(w http.ResponseWriter, r *http.Request) {
	rec, it, ok := s.agendaItemFromPath(w, r)
	if !ok {
		return
	}
	formErr := parseForm(w, r)
	if formErr != nil && !formKept(formErr) {
		s.renderError(w, r, formErr)
		return
	}
	acc := currentAccount(r)
	m := rec.Meeting
	d := &workspace.Decision{
		MeetingID:    m.ID,
		AgendaItemID: it.ID,
		Text:         formValue(r, "text"),
		Outcome:      workspace.DecisionOutcome(formValue(r, "outcome")),
		RecordedBy:   &acc.ID,
	}
	sent := &agendaRefusal{Form: "decision", ItemID: it.ID, Text: d.Text, Outcome: string(d.Outcome)}
	if formErr != nil {
		s.refuseAgendaForm(w, r, m.ID, sent, formErr)
		return
	}
	// The minutes are only touched for a decision the store can take.
	if err := d.Validate(); err != nil {
		s.refuseAgendaForm(w, r, m.ID, sent, err)
		return
	}
	var err error
	if m.MinutesDocumentID == nil {
		// A meeting not started has no minutes; the store refuses the
		// decision with the reason.
		err = s.db.RecordDecision(r.Context(), workspace.ActorFor(acc), d)
	} else {
		err = s.recordDecisionInMinutes(r.Context(), acc, rec, it, d)
	}
	if err != nil {
		s.refuseAgendaForm(w, r, m.ID, sent, err)
		return
	}
	s.publishMeeting(r.Context(), m.ID)
	redirectDone(w, r, agendaItemURL(m.ID, it.ID), "decision_recorded")
}

// recordDecisionInMinutes writes d into the minutes of rec's meeting, in
// the section of item it, and records d in the transaction of that update.
func (s *Server) recordDecisionInMinutes(ctx context.Context, acc *workspace.Account, rec *workspace.MeetingRecord, it *workspace.AgendaItem, d *workspace.Decision) error {
	m := rec.Meeting
	docID := *m.MinutesDocumentID
	text, version, err := s.collab.Text(ctx, docID)
	if err != nil {
		return err
	}
	l := s.localizer(minutesLanguage(m))
	var starts []string
	for _, lang := range minutesLanguages {
		for _, o := range workspace.DecisionOutcomes {
			starts = append(starts, "**"+s.localizer(lang).T(minutesDecisionKeys[o])+"**")
		}
	}
	block := minutesDecisionBlock(l.T(minutesDecisionKeys[d.Outcome]), d.Text)
	all := s.minutesItems(rec)
	var item minutesItem
	var others []minutesItem
	for i, x := range rec.Items {
		if x.ID == it.ID {
			item = all[i]
		} else {
			others = append(others, all[i])
		}
	}
	spec := minutesDecisionChange(text, item, others, block, starts)
	set, err := change.Of(utf16Units(text), spec)
	if err != nil {
		return err
	}
	actor := workspace.ActorFor(acc)
	_, err = s.collab.Apply(ctx, docID, collab.Edit{
		Account: acc,
		Base:    version,
		Changes: set,
		Within: func(ctx context.Context, tx *sqlite.Tx, _ int) error {
			return tx.RecordDecision(ctx, actor, d)
		},
	})
	return err
}

// minutesDecisionBlock returns the paragraph that states a decision in the
// minutes: its opening words in bold, then its text, blank lines taken out
// so that it stays one paragraph (which a later decision on the item
// replaces whole), and a line that would start a heading escaped.
func minutesDecisionBlock(words, text string) string {
	var lines []string
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "#") {
			line = `\` + line
		}
		lines = append(lines, line)
	}
	return "**" + words + "** " + strings.Join(lines, "\n")
}

// minutesDecisionSpec returns the change that puts block into the minutes
// text for an item known only by its heading ("## N. Title"), alone on
// its agenda and with no earlier decision: minutesDecisionChange when
// nothing else is known.
func minutesDecisionSpec(text, heading, block string, starts []string) change.Spec {
	number, title := splitMinutesHeading(heading)
	item := minutesItem{Heading: heading, Number: number, Titles: []string{title}, ByNumber: true}
	return minutesDecisionChange(text, item, nil, block, starts)
}

// splitMinutesHeading returns the number and the title of a level-two
// heading of the minutes, "## 3. Title"; 0 and the whole text for a
// heading without a number.
func splitMinutesHeading(heading string) (int, string) {
	rest := strings.TrimSpace(strings.TrimPrefix(heading, "## "))
	if number, title, ok := strings.Cut(rest, ". "); ok {
		if n, err := strconv.Atoi(number); err == nil && n > 0 {
			return n, strings.TrimSpace(title)
		}
	}
	return 0, rest
}

// minutesSection is the section of an agenda item in the minutes: its
// heading's line, the line that ends it (the next heading of level one or
// two, or the end), the heading's number and title, and the paragraphs in
// it that state a decision.
type minutesSection struct {
	heading, end int
	number       int
	title        string
	decisions    []minutesParagraph
}

// minutesParagraph is a decision's paragraph: its first and last lines and
// its text.
type minutesParagraph struct {
	first, last int
	text        string
}

// minutesDecisionChange returns the change that puts block, a decision's
// paragraph, into the minutes text in the section of item, whose agenda
// also holds others. Positions are in UTF-16 units, as the editor counts
// them.
//
// Each section goes to one item at most, and each item has one section
// at most: the pairs of a section and an item it may belong to are taken
// in order of strength — the section holds the item's decision as the
// server wrote it (4), its heading has the item's title (2), and its
// number (1) — a section and an item once taken are out. A number alone
// counts only for an item that can have been renamed (ByNumber) and a
// title no item has, so that a heading another item wrote, or still
// has, is never taken for the item's. The agenda may have been
// reordered, items renamed, added or removed, the meeting's language
// changed: the number in a heading says little.
//
// In the item's section, block replaces the item's earlier decision; else
// a paragraph that opens like a decision (one of starts) but is no other
// item's, unless the section was found by its number only; else it goes
// at the end of the section. Without a section, block goes at the end of
// the text in a new one under the item's heading. No other item's section
// is ever touched.
func minutesDecisionChange(text string, item minutesItem, others []minutesItem, block string, starts []string) change.Spec {
	lines := minutesLines(text)
	textOf := func(i int) string { return text[lines[i].start:lines[i].end] }
	isHeading := func(s string) bool { return strings.HasPrefix(s, "# ") || strings.HasPrefix(s, "## ") }
	units := func(byteOffset int) int { return utf16Units(text[:byteOffset]) }

	// The sections, and the paragraphs in them that open like a decision.
	var sections []minutesSection
	for i := range lines {
		s := strings.TrimRight(textOf(i), " \t")
		if !strings.HasPrefix(s, "## ") {
			continue
		}
		sec := minutesSection{heading: i, end: len(lines)}
		sec.number, sec.title = splitMinutesHeading(s)
		for j := i + 1; j < len(lines); j++ {
			if isHeading(textOf(j)) {
				sec.end = j
				break
			}
		}
		for j := i + 1; j < sec.end; j++ {
			if !slices.ContainsFunc(starts, func(start string) bool { return strings.HasPrefix(textOf(j), start) }) {
				continue
			}
			last := j
			for last+1 < sec.end && strings.TrimSpace(textOf(last+1)) != "" {
				last++
			}
			sec.decisions = append(sec.decisions, minutesParagraph{j, last, text[lines[j].start:lines[last].end]})
			j = last
		}
		sections = append(sections, sec)
	}

	// Which section is whose: items[0] is the item.
	items := append([]minutesItem{item}, others...)
	titled := map[string]bool{}
	for _, it := range items {
		for _, t := range it.Titles {
			titled[t] = true
		}
	}
	holds := func(sec minutesSection, it minutesItem) bool {
		return slices.ContainsFunc(sec.decisions, func(p minutesParagraph) bool { return slices.Contains(it.Decisions, p.text) })
	}
	type pair struct{ strength, section, item int }
	var pairs []pair
	for si, sec := range sections {
		for ii, it := range items {
			decided := holds(sec, it)
			titleMatch := sec.title != "" && slices.Contains(it.Titles, sec.title)
			numberMatch := sec.number > 0 && sec.number == it.Number
			if !decided && !titleMatch && !(numberMatch && it.ByNumber && !titled[sec.title]) {
				continue
			}
			strength := 0
			if decided {
				strength += 4
			}
			if titleMatch {
				strength += 2
			}
			if numberMatch {
				strength++
			}
			pairs = append(pairs, pair{strength, si, ii})
		}
	}
	slices.SortStableFunc(pairs, func(a, b pair) int { return b.strength - a.strength })
	found, strength := -1, 0
	sectionTaken, itemTaken := map[int]bool{}, map[int]bool{}
	for _, p := range pairs {
		if sectionTaken[p.section] || itemTaken[p.item] {
			continue
		}
		sectionTaken[p.section], itemTaken[p.item] = true, true
		if p.item == 0 {
			found, strength = p.section, p.strength
			break
		}
	}

	insertAt := func(at int, insert string) change.Spec {
		before := text[:at]
		switch {
		case before == "" || strings.HasSuffix(before, "\n\n"):
		case strings.HasSuffix(before, "\n"):
			insert = "\n" + insert
		default:
			insert = "\n\n" + insert
		}
		if at < len(text) {
			insert += "\n\n"
		} else {
			insert += "\n"
		}
		return change.Spec{From: units(at), To: units(at), Insert: insert}
	}
	if found < 0 {
		return insertAt(len(text), item.Heading+"\n\n"+block)
	}
	sec := sections[found]
	replace := func(p minutesParagraph) change.Spec {
		return change.Spec{From: units(lines[p.first].start), To: units(lines[p.last].end), Insert: block}
	}
	for _, p := range sec.decisions {
		if slices.Contains(item.Decisions, p.text) {
			return replace(p)
		}
	}
	if strength > 1 {
		for _, p := range sec.decisions {
			if !slices.ContainsFunc(others, func(o minutesItem) bool { return slices.Contains(o.Decisions, p.text) }) {
				return replace(p)
			}
		}
	}
	if sec.end < len(lines) {
		return insertAt(lines[sec.end].start, block)
	}
	return insertAt(len(text), block)
}
