package server

import (
	"context"
	"errors"
	"maps"
	"strings"

	"tawla/collab"
	"tawla/workspace"
	"tawla/workspace/change"
	"tawla/workspace/sqlite"
)

// The attendance in the minutes. The pre-fill writes who is present,
// excused, absent or not yet recorded, and the quorum, as the meeting
// starts — before anyone could check in. When the meeting closes, those
// lines are written again with the attendance as it is at the close
// (closeMeeting), as an update the server makes, in the transaction that
// closes the meeting: the minutes say who took part, and the meeting
// closes with the attendance they show, or neither happens.

// minutesAttendanceKeys are the catalogue keys of the labels of the
// attendance lines, in the order the pre-fill writes them.
var minutesAttendanceKeys = []string{"minutes.present", "minutes.excused", "minutes.absent", "minutes.unrecorded", "minutes.quorum"}

// minutesLabel returns how a line of the minutes' details opens in l's
// language: "- **Présents :**". The pre-fill writes each line so, and the
// close finds the attendance lines by it.
func minutesLabel(l *localizer, key string) string {
	return "- **" + l.T(key) + "**"
}

// minutesAttendance returns the attendance lines of rec's minutes in lang,
// by the key of their label (minutesAttendanceKeys): who is present,
// excused and absent (or nobody), who is not yet recorded (only when
// someone is), and the quorum. Each is a whole line, without its line
// break.
func (s *Server) minutesAttendance(lang string, rec *workspace.MeetingRecord) map[string]string {
	l := s.localizer(lang)
	groups := map[workspace.Attendance][]string{}
	for _, inv := range rec.Invitees {
		name := ""
		if inv.Account != nil {
			name = oneLine(personName(lang, inv.Account))
		}
		groups[inv.Attendance] = append(groups[inv.Attendance], name)
	}
	people := func(names []string) string {
		if len(names) == 0 {
			return l.T("minutes.nobody")
		}
		return strings.Join(names, ", ")
	}
	lines := map[string]string{}
	line := func(key, value string) { lines[key] = minutesLabel(l, key) + " " + value }
	line("minutes.present", people(groups[workspace.AttendancePresent]))
	line("minutes.excused", people(groups[workspace.AttendanceExcused]))
	line("minutes.absent", people(groups[workspace.AttendanceAbsent]))
	if names := groups[workspace.AttendanceInvited]; len(names) > 0 {
		line("minutes.unrecorded", people(names))
	}
	line("minutes.quorum", quorumText(l, rec.Quorum()))
	return lines
}

// minutesAttendanceBlock is the attendance of a meeting as its minutes
// would show it in one language: how each line opens (Labels) and the
// line itself (Lines, none for a line not written), by label key.
type minutesAttendanceBlock struct {
	Lang   string
	Labels map[string]string
	Lines  map[string]string
}

// minutesAttendanceBlocks returns the attendance of rec in each language
// minutes are written in, the meeting's own first: the lines may be in
// another, the meeting's language having changed since the pre-fill.
func (s *Server) minutesAttendanceBlocks(rec *workspace.MeetingRecord) []minutesAttendanceBlock {
	langs := []string{minutesLanguage(rec.Meeting)}
	for _, lang := range minutesLanguages {
		if lang != langs[0] {
			langs = append(langs, lang)
		}
	}
	blocks := make([]minutesAttendanceBlock, len(langs))
	for i, lang := range langs {
		l := s.localizer(lang)
		b := minutesAttendanceBlock{Lang: lang, Labels: map[string]string{}, Lines: s.minutesAttendance(lang, rec)}
		for _, key := range minutesAttendanceKeys {
			b.Labels[key] = minutesLabel(l, key)
		}
		blocks[i] = b
	}
	return blocks
}

// minutesAttendanceChange returns the changes that make the attendance
// lines of the minutes text say what blocks say, and the language it
// writes them in. Positions are in UTF-16 units, as the editor counts
// them; no change when the lines already say it.
//
// The lines are looked for where the pre-fill wrote them, in the details
// before the first agenda item (the first "## " heading): a line that
// opens with an attendance label in one of the minutes languages is that
// label's (the first one when there are several). They are written in the
// language of the first line found, or in the meeting's (blocks[0]) when
// none is. A line found is replaced whole, and only it; a line not written
// any more (nobody left unrecorded) is removed; a line missing — edited
// away — is added next to the others, in the pre-fill's order; when none
// is left, all go at the end of the details, after the title. Nothing
// else in the text changes.
func minutesAttendanceChange(text string, blocks []minutesAttendanceBlock) ([]change.Spec, string) {
	lines := minutesLines(text)
	textOf := func(i int) string { return text[lines[i].start:lines[i].end] }
	units := func(byteOffset int) int { return utf16Units(text[:byteOffset]) }

	// The details end at the first agenda item's heading.
	details := len(lines)
	for i := range lines {
		if strings.HasPrefix(textOf(i), "## ") {
			details = i
			break
		}
	}
	found := map[string]int{}
	block := blocks[0]
	for i := 0; i < details; i++ {
		for _, b := range blocks {
			for _, key := range minutesAttendanceKeys {
				if _, ok := found[key]; ok || !strings.HasPrefix(textOf(i), b.Labels[key]) {
					continue
				}
				if len(found) == 0 {
					block = b
				}
				found[key] = i
			}
		}
	}
	want := block.Lines

	// Each line found and still written takes, around its own, the
	// missing lines next to it in the pre-fill's order: those after it
	// up to the next one kept and, for the first one kept, those before.
	kept := func(key string) bool {
		_, ok := found[key]
		return ok && want[key] != ""
	}
	var missing []string
	after := map[string][]string{}
	last := ""
	for _, key := range minutesAttendanceKeys {
		// A line found and still written is kept: the others are missing
		// or not written.
		switch {
		case kept(key):
			last = key
		case want[key] == "":
		case last != "":
			after[last] = append(after[last], want[key])
		default:
			missing = append(missing, want[key])
		}
	}
	var specs []change.Spec
	for _, key := range minutesAttendanceKeys {
		i, ok := found[key]
		if !ok {
			continue
		}
		if !kept(key) {
			// The line is no longer written: removed with its line break.
			from, to := lines[i].start, lines[i].end
			if i+1 < len(lines) {
				to = lines[i+1].start
			} else if i > 0 {
				from = lines[i-1].end
			}
			specs = append(specs, change.Spec{From: units(from), To: units(to)})
			continue
		}
		all := append(append(missing, want[key]), after[key]...)
		missing = nil
		if replace := strings.Join(all, "\n"); replace != textOf(i) {
			specs = append(specs, change.Spec{From: units(lines[i].start), To: units(lines[i].end), Insert: replace})
		}
	}
	if len(missing) == 0 {
		return specs, block.Lang
	}
	// No line is left: the whole attendance goes at the end of the
	// details, continuing their list when they end with one.
	insert := strings.Join(missing, "\n")
	lastLine := -1
	for i := 0; i < details; i++ {
		if strings.TrimSpace(textOf(i)) != "" {
			lastLine = i
		}
	}
	switch {
	case lastLine >= 0:
		at, s := lines[lastLine].end, textOf(lastLine)
		if strings.HasPrefix(s, "- ") || strings.HasPrefix(s, "* ") {
			insert = "\n" + insert
		} else {
			insert = "\n\n" + insert
		}
		specs = append(specs, change.Spec{From: units(at), To: units(at), Insert: insert})
	case text == "":
		specs = append(specs, change.Spec{Insert: insert + "\n"})
	default:
		specs = append(specs, change.Spec{Insert: insert + "\n\n"})
	}
	return specs, block.Lang
}

// attendanceAttempts bounds how often a write that rewrites the minutes'
// attendance starts again when the attendance changes meanwhile.
const attendanceAttempts = 3

// attendanceWrite is a write that changes what the attendance lines of a
// meeting's minutes say — its close, a correction of an invitee's
// attendance — as writeAttendanceLines runs it.
type attendanceWrite struct {
	// after turns the meeting's record as read into the record as the
	// write leaves it, or says why the write cannot be made.
	after func(*workspace.MeetingRecord) error
	// inTx makes the write inside the transaction of the minutes' update;
	// alone makes it in a transaction of its own, when the lines already
	// say what they should. Each runs check on the record after the write.
	inTx  func(ctx context.Context, tx *sqlite.Tx, check func(*workspace.MeetingRecord) error) error
	alone func(ctx context.Context, check func(*workspace.MeetingRecord) error) error
}

// writeAttendanceLines makes w in the transaction of an update the server
// makes to the minutes of meeting id, for acc, writing their attendance
// lines as w leaves them (minutesAttendanceChange): the minutes say who
// took part, and the write is made with the attendance they show, or
// neither happens. The attendance may change between reading it and the
// write (someone checks in): the write checks, in its transaction, that
// it is still what the update writes, and starts again when it is not.
func (s *Server) writeAttendanceLines(ctx context.Context, acc *workspace.Account, id int64, w attendanceWrite) error {
	for attempt := 1; ; attempt++ {
		rec, err := s.db.FindMeetingRecord(ctx, id)
		if err != nil {
			return err
		}
		if err := w.after(rec); err != nil {
			return err
		}
		docID := *rec.Meeting.MinutesDocumentID
		text, version, err := s.collab.Text(ctx, docID)
		if err != nil {
			return err
		}
		specs, lang := minutesAttendanceChange(text, s.minutesAttendanceBlocks(rec))
		written := s.minutesAttendance(lang, rec)
		changed := &workspace.Error{Code: workspace.ECONFLICT, Key: "error.meeting.attendance_changed",
			Message: "The attendance changed meanwhile: try again."}
		check := func(now *workspace.MeetingRecord) error {
			if !maps.Equal(s.minutesAttendance(lang, now), written) {
				return changed
			}
			return nil
		}
		if len(specs) == 0 {
			err = w.alone(ctx, check)
		} else {
			var set change.Set
			if set, err = change.Of(utf16Units(text), specs...); err != nil {
				return err
			}
			_, err = s.collab.Apply(ctx, docID, collab.Edit{
				Account: acc,
				Base:    version,
				Changes: set,
				Within: func(ctx context.Context, tx *sqlite.Tx, _ int) error {
					return w.inTx(ctx, tx, check)
				},
			})
		}
		if !errors.Is(err, changed) || attempt == attendanceAttempts {
			return err
		}
	}
}

// closeMeeting closes meeting id for acc, writing the attendance as it is
// at the close into the meeting's minutes (writeAttendanceLines); a
// meeting without minutes, or that cannot be closed, goes to the store
// as it is, which closes it or says why not.
func (s *Server) closeMeeting(ctx context.Context, acc *workspace.Account, id int64) error {
	actor := workspace.ActorFor(acc)
	// notLive stops writeAttendanceLines for a meeting the store will
	// refuse to close, or that has no minutes to write into.
	notLive := errors.New("not live")
	err := s.writeAttendanceLines(ctx, acc, id, attendanceWrite{
		after: func(rec *workspace.MeetingRecord) error {
			if rec.Meeting.Status != workspace.MeetingLive || rec.Meeting.MinutesDocumentID == nil {
				return notLive
			}
			return nil
		},
		inTx: func(ctx context.Context, tx *sqlite.Tx, check func(*workspace.MeetingRecord) error) error {
			_, err := tx.CloseMeeting(ctx, actor, id, check)
			return err
		},
		alone: func(ctx context.Context, check func(*workspace.MeetingRecord) error) error {
			_, err := s.db.CloseMeetingIf(ctx, actor, id, check)
			return err
		},
	})
	if errors.Is(err, notLive) {
		_, err = s.db.CloseMeeting(ctx, actor, id)
	}
	return err
}

// correctAttendance records, for acc, a correction of accountID's
// attendance at meeting id after its close (CanCorrectAttendance), and
// writes the attendance lines of its minutes again in the same
// transaction (writeAttendanceLines), so that the minutes the table will
// approve say who really took part.
func (s *Server) correctAttendance(ctx context.Context, acc *workspace.Account, id, accountID int64, a workspace.Attendance) error {
	actor := workspace.ActorFor(acc)
	return s.writeAttendanceLines(ctx, acc, id, attendanceWrite{
		after: func(rec *workspace.MeetingRecord) error {
			if err := workspace.CanCorrectAttendance(actor, rec.Meeting); err != nil {
				return err
			}
			if rec.Meeting.MinutesDocumentID == nil {
				return workspace.Errorf(workspace.EINTERNAL, "Meeting %d is closed without minutes.", id)
			}
			for _, inv := range rec.Invitees {
				if inv.AccountID == accountID {
					inv.Attendance = a
					return nil
				}
			}
			return workspace.Invalid("account", "error.meeting.not_invitee", "This person is not invited to the meeting.")
		},
		inTx: func(ctx context.Context, tx *sqlite.Tx, check func(*workspace.MeetingRecord) error) error {
			return tx.CorrectAttendance(ctx, actor, id, accountID, a, check)
		},
		alone: func(ctx context.Context, check func(*workspace.MeetingRecord) error) error {
			return s.db.CorrectAttendance(ctx, actor, id, accountID, a, check)
		},
	})
}
