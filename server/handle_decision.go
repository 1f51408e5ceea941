package server

import (
	"context"
	"net/http"
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
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
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
	// The minutes are only touched for a decision the store can take.
	if err := d.Validate(); err != nil {
		s.renderError(w, r, err)
		return
	}
	var err error
	if m.MinutesDocumentID == nil {
		// A meeting not started has no minutes; the store refuses the
		// decision with the reason.
		err = s.db.RecordDecision(r.Context(), workspace.ActorFor(acc), d)
	} else {
		err = s.recordDecisionInMinutes(r.Context(), acc, m, it, d)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.publishMeeting(r.Context(), m.ID)
	redirectDone(w, r, agendaItemURL(m.ID, it.ID), "decision_recorded")
}

// recordDecisionInMinutes writes d into the minutes of m, in the section
// of item it, and records d in the transaction of that update.
func (s *Server) recordDecisionInMinutes(ctx context.Context, acc *workspace.Account, m *workspace.Meeting, it *workspace.AgendaItem, d *workspace.Decision) error {
	docID := *m.MinutesDocumentID
	text, version, err := s.collab.Text(ctx, docID)
	if err != nil {
		return err
	}
	lang := minutesLanguage(m)
	l := s.localizer(lang)
	starts := make([]string, 0, len(minutesDecisionKeys))
	for _, o := range workspace.DecisionOutcomes {
		starts = append(starts, "**"+l.T(minutesDecisionKeys[o])+"**")
	}
	block := minutesDecisionBlock(l.T(minutesDecisionKeys[d.Outcome]), d.Text)
	spec := minutesDecisionSpec(text, s.minutesItemHeading(lang, it), block, starts)
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

// minutesDecisionSpec returns the change that puts block, a decision's
// paragraph, into the minutes text for the item whose heading is heading
// ("## N. Title", see minutesItemHeading). The item's section is the one
// with that heading, else the first with the same title (the agenda may
// have been reordered since the minutes were made), else the first
// numbered N. In that section a paragraph that starts with one of
// starts (an earlier decision) is replaced; otherwise block goes at the
// end of the section. Without such a section, one is added at the end of
// the text. Positions are in UTF-16 units, as the editor counts them.
func minutesDecisionSpec(text, heading, block string, starts []string) change.Spec {
	type line struct{ start, end int }
	var lines []line
	for at := 0; at <= len(text); {
		end := strings.IndexByte(text[at:], '\n')
		if end < 0 {
			lines = append(lines, line{at, len(text)})
			break
		}
		lines = append(lines, line{at, at + end})
		at += end + 1
	}
	textOf := func(i int) string { return text[lines[i].start:lines[i].end] }
	isHeading := func(s string) bool { return strings.HasPrefix(s, "# ") || strings.HasPrefix(s, "## ") }
	units := func(byteOffset int) int { return utf16Units(text[:byteOffset]) }

	want := heading
	number, name, _ := strings.Cut(strings.TrimPrefix(want, "## "), ". ")
	numbered := "## " + number + "."
	at := -1
	for pass := 0; pass < 3 && at < 0; pass++ {
		for i := range lines {
			s := strings.TrimRight(textOf(i), " \t")
			if !strings.HasPrefix(s, "## ") {
				continue
			}
			var match bool
			switch pass {
			case 0:
				match = s == want
			case 1:
				_, title, ok := strings.Cut(s[3:], ". ")
				match = ok && name != "" && strings.TrimSpace(title) == name
			case 2:
				match = strings.HasPrefix(s, numbered)
			}
			if match {
				at = i
				break
			}
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
	if at < 0 {
		return insertAt(len(text), want+"\n\n"+block)
	}
	end := len(lines)
	for i := at + 1; i < len(lines); i++ {
		if isHeading(textOf(i)) {
			end = i
			break
		}
	}
	for i := at + 1; i < end; i++ {
		for _, start := range starts {
			if !strings.HasPrefix(textOf(i), start) {
				continue
			}
			last := i
			for last+1 < end && strings.TrimSpace(textOf(last+1)) != "" {
				last++
			}
			return change.Spec{From: units(lines[i].start), To: units(lines[last].end), Insert: block}
		}
	}
	if end < len(lines) {
		return insertAt(lines[end].start, block)
	}
	return insertAt(len(text), block)
}
