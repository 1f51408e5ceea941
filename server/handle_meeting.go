package server

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// The meetings' pages: the list of upcoming meetings and the archive, the
// form that plans or changes a meeting and its invitations, the meeting's
// page (details, agenda, attendance and quorum, the secretariat's buttons),
// its printable agenda and its minutes in the shared editor. The agenda's
// items, decisions and actions have their own handlers (handle_agenda.go,
// handle_decision.go, handle_action.go); the live room has
// handle_meeting_room.go.

// meetingPageSize is how many meetings one page of the list shows.
const meetingPageSize = 20

// The layouts of the date and time inputs of the meeting form, read in the
// table's time zone.
const (
	formDateLayout = "2006-01-02"
	formTimeLayout = "15:04"
)

type meetingListView struct {
	Meetings  []*workspace.Meeting
	Past      bool
	Kind      string
	Pager     pagination
	CanCreate bool
}

// meetingFormView is the form that plans or changes a meeting. The dates
// and times are kept as typed, so that a refused form comes back as it was
// sent.
type meetingFormView struct {
	Meeting                      *workspace.Meeting
	New                          bool
	StartDate, StartTime         string
	EndDate, EndTime             string
	Error                        string
	Field                        string
	InviteeGroups                []inviteeGroup
	InviteesError, InviteesField string
}

// inviteeGroup is an organisation and those of its people who may be
// invited to a meeting, each with whether they are.
type inviteeGroup struct {
	Organisation *workspace.Organisation
	People       []inviteeChoice
}

type inviteeChoice struct {
	Account *workspace.Account
	Invited bool
}

// meetingView is the meeting's page.
type meetingView struct {
	Record   *workspace.MeetingRecord
	Meeting  *workspace.Meeting
	Quorum   workspace.Quorum
	Present  []*workspace.MeetingInvitee
	Excused  []*workspace.MeetingInvitee
	Absent   []*workspace.MeetingInvitee
	Unknown  []*workspace.MeetingInvitee
	CanStaff bool
	// CanChange: the secretariat may still change the details, the
	// agenda and the attendance (the meeting is not closed).
	CanChange bool
	// CanCorrect: the meeting is closed, its minutes not yet approved,
	// and the secretariat may still correct the attendance
	// (CanCorrectAttendance), which writes the minutes' lines again.
	CanCorrect   bool
	TotalMinutes int
	HasMinutes   bool
	// Agenda is the agenda as the viewer sees it, with the forms the
	// viewer may use (the shared partial "agenda").
	Agenda *agendaView
	// CanCancel: the secretariat may cancel the meeting (it is planned).
	CanCancel bool
	// CancelledBy is the account that cancelled the meeting, when it is
	// cancelled and the account can be read.
	CancelledBy *workspace.Account
	// Cancel is the cancellation form as it was sent, when it was refused
	// for an invalid reason: it comes back open with why.
	Cancel *cancelForm
}

// meetingMinutesView is the minutes' page.
type meetingMinutesView struct {
	Meeting    *workspace.Meeting
	HasMinutes bool
	// CanEdit says the viewer may change the minutes; Sealed that nobody
	// may any more, since a later meeting approved them.
	CanEdit    bool
	Sealed     bool
	Text       string
	Version    int
	StyleNonce string
}

// handleMeetingList lists the upcoming meetings, soonest first, or with
// ?when=past the archive, latest first; ?kind= keeps one kind.
func (s *Server) handleMeetingList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	filter := sqlite.MeetingFilter{When: "upcoming", Now: s.db.Now(), Limit: meetingPageSize}
	view := meetingListView{}
	if q.Get("when") == "past" {
		filter.When, view.Past = "past", true
	}
	if k := workspace.MeetingKind(q.Get("kind")); k.Valid() {
		filter.Kind, view.Kind = k, string(k)
	}
	page := listPage(q)
	filter.Offset = (page - 1) * meetingPageSize
	meetings, total, err := s.db.FindMeetings(r.Context(), filter)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	title := "meetings.title"
	if view.Past {
		title = "meetings.past_title"
	}
	p := s.newPage(r, title).withNotice(r)
	p.Section = "meetings"
	view.Meetings = meetings
	view.Pager = newPagination(r.URL.Path, q, page, meetingPageSize, total)
	if pastEnd(w, r, view.Pager) {
		return
	}
	view.CanCreate = workspace.AccessStaff.Allows(p.Account)
	p.Data = view
	s.render(w, r, http.StatusOK, "meetings", p)
}

// handleMeetingNew shows the form of a new meeting: a plenary next week,
// from nine to noon in the table's time zone, in the language of the page
// (French unless Arabic), everyone who may be invited being invited.
func (s *Server) handleMeetingNew(w http.ResponseWriter, r *http.Request) {
	day := s.db.Now().In(s.location).AddDate(0, 0, 7)
	start := time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, s.location)
	m := &workspace.Meeting{Kind: workspace.MeetingPlenary, Language: "fr", QuorumRule: workspace.QuorumHalfPlusOne,
		StartsAt: start, EndsAt: start.Add(3 * time.Hour)}
	if languageOf(r.Context()) == "ar" {
		m.Language = "ar"
	}
	view := s.meetingForm(m, true)
	s.renderMeetingForm(w, r, http.StatusOK, view, nil, nil, nil)
}

// handleMeetingCreate plans a new meeting with the invitees ticked.
func (s *Server) handleMeetingCreate(w http.ResponseWriter, r *http.Request) {
	m := &workspace.Meeting{}
	view := s.meetingForm(m, true)
	formErr := parseForm(w, r)
	if formErr != nil && !formKept(formErr) {
		s.renderMeetingForm(w, r, statusOf(formErr), view, nil, formErr, nil)
		return
	}
	invitees, ierr := readInvitees(r)
	err := s.readMeetingForm(r, m, &view)
	if err == nil {
		err = ierr
	}
	if formErr != nil {
		// A value that could not be read, repaired: refused first.
		err = formErr
	}
	if err == nil {
		err = s.db.CreateMeeting(r.Context(), workspace.ActorFor(currentAccount(r)), m, invitees)
	}
	if err != nil {
		s.renderMeetingForm(w, r, statusOf(err), view, invitees, err, nil)
		return
	}
	redirectDone(w, r, meetingPath(m.ID), "meeting_created")
}

// handleMeetingEdit shows the form of a meeting's details and its
// invitations, to the secretariat while the meeting is not closed.
func (s *Server) handleMeetingEdit(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.meetingRecordFromPath(w, r)
	if !ok {
		return
	}
	if err := workspace.CanChangeMeeting(workspace.ActorFor(currentAccount(r)), rec.Meeting); err != nil {
		s.renderError(w, r, err)
		return
	}
	view := s.meetingForm(rec.Meeting, false)
	s.renderMeetingForm(w, r, http.StatusOK, view, inviteeIDs(rec), nil, nil)
}

// handleMeetingUpdate stores a meeting's details.
func (s *Server) handleMeetingUpdate(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.meetingRecordFromPath(w, r)
	if !ok {
		return
	}
	m := rec.Meeting
	// The store decides again; asked first, the rule answers a closed
	// meeting with its refusal rather than with the form's mistakes.
	if err := workspace.CanChangeMeeting(workspace.ActorFor(currentAccount(r)), m); err != nil {
		s.renderError(w, r, err)
		return
	}
	view := s.meetingForm(m, false)
	formErr := parseForm(w, r)
	if formErr != nil && !formKept(formErr) {
		s.renderMeetingForm(w, r, statusOf(formErr), view, inviteeIDs(rec), formErr, nil)
		return
	}
	err := s.readMeetingForm(r, m, &view)
	if formErr != nil {
		// A value that could not be read, repaired: refused first.
		err = formErr
	}
	if err == nil {
		err = s.db.UpdateMeeting(r.Context(), workspace.ActorFor(currentAccount(r)), m)
	}
	if err != nil {
		s.renderMeetingForm(w, r, statusOf(err), view, inviteeIDs(rec), err, nil)
		return
	}
	s.publishMeeting(r.Context(), m.ID)
	redirectDone(w, r, meetingPath(m.ID), "meeting_saved")
}

// handleMeetingInvitees sets the accounts invited to a meeting: those
// ticked in the form's invitee boxes.
func (s *Server) handleMeetingInvitees(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.meetingRecordFromPath(w, r)
	if !ok {
		return
	}
	if err := workspace.CanChangeMeeting(workspace.ActorFor(currentAccount(r)), rec.Meeting); err != nil {
		s.renderError(w, r, err)
		return
	}
	view := s.meetingForm(rec.Meeting, false)
	err := parseForm(w, r)
	var ids []int64
	if err == nil {
		ids, err = readInvitees(r)
	}
	if err == nil {
		err = s.db.SetMeetingInvitees(r.Context(), workspace.ActorFor(currentAccount(r)), rec.Meeting.ID, ids)
	}
	if err != nil {
		if ids == nil {
			ids = inviteeIDs(rec)
		}
		s.renderMeetingForm(w, r, statusOf(err), view, ids, nil, err)
		return
	}
	s.publishMeeting(r.Context(), rec.Meeting.ID)
	redirectDone(w, r, meetingPath(rec.Meeting.ID), "meeting_invitees_saved")
}

// handleMeetingView shows a meeting: its details, its agenda with the
// decisions and actions, the attendance and the quorum, and what the
// viewer may do with it.
func (s *Server) handleMeetingView(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.meetingRecordFromPath(w, r)
	if !ok {
		return
	}
	s.renderMeetingPage(w, r, http.StatusOK, rec, nil, nil)
}

// renderMeetingPage writes a meeting's page with status. refused, when not
// nil, is a decision or action form that was refused for err: it comes back
// open on its item, filled as it was sent, with why.
func (s *Server) renderMeetingPage(w http.ResponseWriter, r *http.Request, status int, rec *workspace.MeetingRecord, refused *agendaRefusal, err error) {
	p, view, ok := s.meetingPage(w, r, rec)
	if !ok {
		return
	}
	if refused != nil {
		if !view.Agenda.shows(refused) {
			// The form is not on the page (a meeting not started yet, a
			// page older than the meeting): the reason alone, then.
			s.renderError(w, r, err)
			return
		}
		refused.Error, refused.Field = p.formErrorText(err), fieldError(err)
		view.Agenda.Refused = refused
	}
	s.render(w, r, status, "meeting", p)
}

// meetingPage builds a meeting's page and its view (p.Data), with the
// agenda as the viewer sees it and, for a cancelled meeting, who
// cancelled it. On an error it has answered, and returns false.
func (s *Server) meetingPage(w http.ResponseWriter, r *http.Request, rec *workspace.MeetingRecord) (*page, *meetingView, bool) {
	p := s.newPage(r, "meeting.title").withNotice(r)
	p.Title = rec.Meeting.Title
	p.Section = "meetings"
	view := newMeetingView(rec, p.Account)
	agenda, err := s.agendaFor(r.Context(), p, rec, false)
	if err != nil {
		s.serverError(w, r, err)
		return nil, nil, false
	}
	view.Agenda = agenda
	if m := rec.Meeting; m.CancelledBy != nil {
		acc, err := s.db.FindAccountByID(r.Context(), *m.CancelledBy)
		if err != nil && workspace.ErrorCode(err) != workspace.ENOTFOUND {
			s.serverError(w, r, err)
			return nil, nil, false
		}
		view.CancelledBy = acc
	}
	p.Data = &view
	return p, &view, true
}

// refuseAgendaForm answers a refused decision or action form: an invalid
// input or a conflict brings back the meeting's page with the form as it
// was sent and why, read again from the store so that it shows the
// meeting as it is now; any other error (not allowed, not found) gets the
// error page.
func (s *Server) refuseAgendaForm(w http.ResponseWriter, r *http.Request, meetingID int64, refused *agendaRefusal, err error) {
	if code := workspace.ErrorCode(err); code != workspace.EINVALID && code != workspace.ECONFLICT {
		s.renderError(w, r, err)
		return
	}
	rec, findErr := s.db.FindMeetingRecord(r.Context(), meetingID)
	if findErr != nil {
		s.renderError(w, r, findErr)
		return
	}
	s.renderMeetingPage(w, r, statusOf(err), rec, refused, err)
}

// newMeetingView sorts a meeting's invitees by attendance and works out
// what viewer may do.
func newMeetingView(rec *workspace.MeetingRecord, viewer *workspace.Account) meetingView {
	m := rec.Meeting
	actor := workspace.ActorFor(viewer)
	v := meetingView{
		Record:     rec,
		Meeting:    m,
		Quorum:     rec.Quorum(),
		CanStaff:   workspace.CanManageMeetings(actor) == nil,
		CanChange:  workspace.CanChangeMeeting(actor, m) == nil,
		CanCorrect: workspace.CanCorrectAttendance(actor, m) == nil,
		CanCancel:  workspace.CanCancelMeeting(actor, m) == nil,
		HasMinutes: m.MinutesDocumentID != nil,
	}
	for _, inv := range rec.Invitees {
		switch inv.Attendance {
		case workspace.AttendancePresent:
			v.Present = append(v.Present, inv)
		case workspace.AttendanceExcused:
			v.Excused = append(v.Excused, inv)
		case workspace.AttendanceAbsent:
			v.Absent = append(v.Absent, inv)
		default:
			v.Unknown = append(v.Unknown, inv)
		}
	}
	for _, it := range rec.Items {
		v.TotalMinutes += it.DurationMinutes
	}
	return v
}

// handleMeetingAttendance records an invitee's attendance (form fields
// account and attendance).
func (s *Server) handleMeetingAttendance(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		err = parseForm(w, r)
	}
	var accountID int64
	var a workspace.Attendance
	if err == nil {
		accountID, a, err = readAttendance(r)
	}
	var m *workspace.Meeting
	if err == nil {
		m, err = s.db.FindMeetingByID(r.Context(), id)
	}
	if err == nil {
		// After the close, a correction writes the minutes' attendance
		// lines again, in the same transaction (correctAttendance).
		if m.Status == workspace.MeetingClosed {
			err = s.correctAttendance(r.Context(), currentAccount(r), id, accountID, a)
		} else {
			err = s.db.SetAttendance(r.Context(), workspace.ActorFor(currentAccount(r)), id, accountID, a)
		}
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.publishMeeting(r.Context(), id)
	redirectDone(w, r, meetingPath(id)+"#attendance", "attendance_saved")
}

// readAttendance reads the attendance form: an account and one of the
// attendance values.
func readAttendance(r *http.Request) (int64, workspace.Attendance, error) {
	accountID, err := strconv.ParseInt(formValue(r, "account"), 10, 64)
	if err != nil || accountID <= 0 {
		return 0, "", workspace.Invalid("account", "error.meeting.invitee_invalid", "Choose one of the meeting's invitees.")
	}
	a := workspace.Attendance(formValue(r, "attendance"))
	if !a.Valid() {
		return 0, "", workspace.Invalid("attendance", "error.meeting.attendance_invalid", "Choose present, excused or absent.")
	}
	return accountID, a, nil
}

// handleMeetingStart starts a planned meeting: it goes live and its
// minutes are made, pre-filled with its agenda and attendance
// (minutes.go).
func (s *Server) handleMeetingStart(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if _, err := s.db.StartMeeting(r.Context(), workspace.ActorFor(currentAccount(r)), id, s.minutesPrefill); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.publishMeeting(r.Context(), id)
	redirectDone(w, r, meetingPath(id), "meeting_started")
}

// handleMeetingClose closes a live meeting, writing the attendance at the
// close into its minutes in the same transaction (closeMeeting); the store
// carries its minutes and pending actions over to the next meeting.
func (s *Server) handleMeetingClose(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := s.closeMeeting(r.Context(), currentAccount(r), id); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.publishMeeting(r.Context(), id)
	redirectDone(w, r, meetingPath(id), "meeting_closed")
}

// handleMeetingAgendaPrint shows the agenda for printing: the meeting's
// details, each item with its duration and presenter, the total time.
func (s *Server) handleMeetingAgendaPrint(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.meetingRecordFromPath(w, r)
	if !ok {
		return
	}
	p := s.newPage(r, "meeting.agenda_print_title")
	p.Title = rec.Meeting.Title
	p.Section = "meetings"
	p.Data = newMeetingView(rec, p.Account)
	s.render(w, r, http.StatusOK, "meeting_agenda_print", p)
}

// handleMeetingMinutes shows a meeting's minutes in the shared editor,
// where members co-edit them as they do drafts; before the meeting starts
// there are none yet, and the page says so.
func (s *Server) handleMeetingMinutes(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	m, err := s.db.FindMeetingByID(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := s.newPage(r, "meeting.minutes_title").withNotice(r)
	p.Title += " · " + m.Title
	p.Section = "meetings"
	view := meetingMinutesView{Meeting: m, HasMinutes: m.MinutesDocumentID != nil}
	if view.HasMinutes {
		if view.Text, view.Version, err = s.collab.Text(r.Context(), *m.MinutesDocumentID); err != nil {
			s.serverError(w, r, err)
			return
		}
		if view.StyleNonce, err = setEditorStylePolicy(w); err != nil {
			s.serverError(w, r, err)
			return
		}
		view.Sealed = m.MinutesApprovedAt != nil
		doc := &workspace.Document{ID: *m.MinutesDocumentID, Kind: workspace.DocumentMinutes, Sealed: view.Sealed}
		view.CanEdit = workspace.CanEditDocument(p.Account, doc) == nil
	}
	p.Data = view
	s.render(w, r, http.StatusOK, "meeting_minutes", p)
}

// meetingRecordFromPath returns the meeting named by the {id} path value
// with its agenda and invitees, or answers with an error page and false.
func (s *Server) meetingRecordFromPath(w http.ResponseWriter, r *http.Request) (*workspace.MeetingRecord, bool) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return nil, false
	}
	rec, err := s.db.FindMeetingRecord(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return nil, false
	}
	return rec, true
}

// meetingPath is the address of a meeting's page.
func meetingPath(id int64) string { return "/meetings/" + strconv.FormatInt(id, 10) }

// meetingForm returns the form of m, its dates and times shown in the
// table's time zone.
func (s *Server) meetingForm(m *workspace.Meeting, isNew bool) meetingFormView {
	v := meetingFormView{Meeting: m, New: isNew}
	if !m.StartsAt.IsZero() {
		start := m.StartsAt.In(s.location)
		v.StartDate, v.StartTime = start.Format(formDateLayout), start.Format(formTimeLayout)
	}
	if !m.EndsAt.IsZero() {
		end := m.EndsAt.In(s.location)
		v.EndDate, v.EndTime = end.Format(formDateLayout), end.Format(formTimeLayout)
	}
	return v
}

// readMeetingForm fills m from the form and keeps the dates and times as
// typed in view. The dates and times are read in the table's time zone;
// an end date left empty is the start's. A date or time that cannot be
// read is an EINVALID error on its field; the rest is Meeting.Validate's
// (in the store) to judge.
func (s *Server) readMeetingForm(r *http.Request, m *workspace.Meeting, view *meetingFormView) error {
	m.Title = formValue(r, "title")
	m.Kind = workspace.MeetingKind(formValue(r, "kind"))
	m.Language = formValue(r, "language")
	m.Place = formValue(r, "place")
	m.OnlineLink = formValue(r, "online_link")
	m.QuorumRule = workspace.QuorumRule(formValue(r, "quorum_rule"))
	view.StartDate, view.StartTime = formValue(r, "start_date"), formValue(r, "start_time")
	view.EndDate, view.EndTime = formValue(r, "end_date"), formValue(r, "end_time")
	if view.EndDate == "" {
		view.EndDate = view.StartDate
	}
	var err error
	if m.StartsAt, err = s.readFormTime(view.StartDate, view.StartTime); err != nil {
		m.StartsAt = time.Time{}
		return workspace.Invalid("starts_at", "error.meeting.start_required", "Give the date and time the meeting starts.")
	}
	if m.EndsAt, err = s.readFormTime(view.EndDate, view.EndTime); err != nil {
		m.EndsAt = time.Time{}
		return workspace.Invalid("ends_at", "error.meeting.end_required", "Give the date and time the meeting ends.")
	}
	return nil
}

// readFormTime returns the instant a date and a time name in the table's
// time zone.
func (s *Server) readFormTime(date, clock string) (time.Time, error) {
	t, err := time.ParseInLocation(formDateLayout+" "+formTimeLayout, date+" "+clock, s.location)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

// readInvitees returns the accounts ticked in the form's invitee boxes,
// never nil: a form with none ticked invites nobody.
func readInvitees(r *http.Request) ([]int64, error) {
	ids := []int64{}
	for _, v := range r.PostForm["invitee"] {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || id <= 0 {
			return nil, workspace.Invalid("invitees", "error.meeting.invitee_invalid", "Choose one of the meeting's invitees.")
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// inviteeIDs returns the accounts invited to rec's meeting.
func inviteeIDs(rec *workspace.MeetingRecord) []int64 {
	ids := make([]int64, 0, len(rec.Invitees))
	for _, inv := range rec.Invitees {
		ids = append(ids, inv.AccountID)
	}
	return ids
}

// renderMeetingForm shows the meeting form: err is the error of its
// details, inviteesErr that of the invitations' form (on an existing
// meeting's page, a form of its own), either nil. invited are the accounts
// to show ticked (nil: all of them, for a new meeting).
func (s *Server) renderMeetingForm(w http.ResponseWriter, r *http.Request, status int, view meetingFormView, invited []int64, err, inviteesErr error) {
	title := "meeting.edit_title"
	if view.New {
		title = "meeting.new_title"
	}
	p := s.newPage(r, title)
	p.Section = "meetings"
	view.Error, view.Field = p.formErrorText(err), fieldError(err)
	if inviteesErr != nil {
		view.InviteesError, view.InviteesField = p.formErrorText(inviteesErr), "invitees"
	}
	// In a new meeting's form, an error on the invitees is shown with the
	// details, since it is one form.
	if fieldError(err) == "invitees" {
		view.InviteesError = view.Error
		view.InviteesField = "invitees"
	}
	groups, gerr := s.inviteeGroups(r, invited)
	if gerr != nil {
		s.serverError(w, r, gerr)
		return
	}
	view.InviteeGroups = groups
	p.Data = view
	s.render(w, r, status, "meeting_form", p)
}

// inviteeGroups returns the active accounts that may be invited to a
// meeting (members, the secretariat and admins), by organisation in the
// store's order, each ticked when it is in invited, or every one when
// invited is nil.
func (s *Server) inviteeGroups(r *http.Request, invited []int64) ([]inviteeGroup, error) {
	accs, err := s.db.FindAccounts(r.Context(), workspace.AccountFilter{ActiveOnly: true})
	if err != nil {
		return nil, err
	}
	var groups []inviteeGroup
	index := map[int64]int{}
	for _, a := range accs {
		if !workspace.AccessMember.Allows(a) {
			continue
		}
		i, ok := index[a.OrganisationID]
		if !ok {
			i = len(groups)
			index[a.OrganisationID] = i
			groups = append(groups, inviteeGroup{Organisation: a.Organisation})
		}
		groups[i].People = append(groups[i].People, inviteeChoice{Account: a, Invited: invited == nil || slices.Contains(invited, a.ID)})
	}
	return groups, nil
}

// AgendaItemTitle returns the title of an agenda item in the page's
// language: its own, or, for an item the table added itself, a name made
// from its kind and the meeting it comes from.
func (p *page) AgendaItemTitle(it *workspace.AgendaItem) string {
	return agendaItemTitle(p.localizer, it)
}

// agendaItemTitle names an agenda item with l: an ordinary item by its
// title; the approval of an earlier meeting's minutes and the matters
// arising from it by their kind and that meeting's title.
func agendaItemTitle(l *localizer, it *workspace.AgendaItem) string {
	switch it.Kind {
	case workspace.ItemMinutesApproval:
		return l.T("meeting.item.minutes_approval", "Name", it.SourceMeetingTitle)
	case workspace.ItemMattersArising:
		return l.T("meeting.item.matters_arising", "Name", it.SourceMeetingTitle)
	}
	return it.Title
}

// PresenterName returns who presents an agenda item, named in the page's
// language: a person with their organisation, or an organisation; "" when
// nobody is named.
func (p *page) PresenterName(it *workspace.AgendaItem) string {
	return presenterName(p.Lang, it)
}

func presenterName(lang string, it *workspace.AgendaItem) string {
	switch {
	case it.PresenterAccount != nil:
		return personName(lang, it.PresenterAccount)
	case it.PresenterOrganisation != nil:
		return it.PresenterOrganisation.Name(lang)
	}
	return ""
}

// personName returns an account's name followed by its organisation's in
// lang, when the store read it.
func personName(lang string, a *workspace.Account) string {
	if a.Organisation == nil {
		return a.Name
	}
	return a.Name + " (" + a.Organisation.Name(lang) + ")"
}

// SeesMeetings reports whether the page's viewer may see the table's
// meetings (members, the secretariat and admins), for the navigation.
func (p *page) SeesMeetings() bool {
	return workspace.CanReadMeetings(workspace.ActorFor(p.Account)) == nil
}
