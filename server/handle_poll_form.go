package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// The secretariat's form that prepares a poll (a draft) on an agenda item
// (/polls/new?item=N) or on the adoption of a version
// (/polls/new?procedure=P&version=N), and changes it while it is a draft.
// It works without JavaScript: the options are one per line of a
// textarea; a refused form comes back filled with the first problem.

// pollFormView is the poll form.
type pollFormView struct {
	Poll *workspace.Poll
	New  bool
	// Subject names what the poll is about, and SubjectURL links to it.
	Subject    string
	SubjectURL string
	// Options are the choice poll's options, one per line, as typed.
	Options string
	// Min and Max bound a multiple-choice ballot, as typed; Quorum is the
	// quorum in percent, as typed.
	Min, Max, Quorum string
	// CloseDate and CloseTime are the deadline in the table's time zone.
	CloseDate, CloseTime string
	Error                string
	Field                string
	// Electorate is who can vote today, college by college, so that the
	// secretariat sees which colleges are too small for a secret poll to
	// show their figures.
	Electorate []pollFormCollege
}

// pollFormCollege is one college's line of the poll form's electorate:
// its accounts with a vote and their organisations, each marked Few when
// under workspace.SecretCollegeMinBallots (and not zero).
type pollFormCollege struct {
	College                     workspace.College
	People, Organisations       int
	FewPeople, FewOrganisations bool
}

// IsMeeting reports whether the form's poll is on an agenda item, which
// alone may keep to those present.
func (v pollFormView) IsMeeting() bool { return v.Poll.MeetingID != nil }

// SecretCollegeMin is the fewest voters each college needs in a secret
// poll for its result to show figures by college, which the form tells.
func (pollFormView) SecretCollegeMin() int { return workspace.SecretCollegeMinBallots }

// AnyFew reports whether a college of the electorate is marked Few, which
// the form's footnote then explains.
func (v pollFormView) AnyFew() bool {
	for _, c := range v.Electorate {
		if c.FewPeople || c.FewOrganisations {
			return true
		}
	}
	return false
}

// handlePollNew shows the empty form for a poll on the agenda item ?item=
// or on the version ?procedure=&version=.
func (s *Server) handlePollNew(w http.ResponseWriter, r *http.Request) {
	poll, err := s.newPollSubject(r.Context(), r.URL.Query())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderPollForm(w, r, http.StatusOK, poll, pollFormFields(poll, s.location), true, nil)
}

// handlePollCreate stores a new poll as a draft and goes to its page.
func (s *Server) handlePollCreate(w http.ResponseWriter, r *http.Request) {
	formErr := parseForm(w, r)
	if formErr != nil && !formKept(formErr) {
		s.renderError(w, r, formErr)
		return
	}
	poll, err := s.newPollSubject(r.Context(), r.PostForm)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	form, err := s.readPollForm(r, poll)
	if formErr != nil {
		// A value that could not be read, repaired: refused first.
		err = formErr
	}
	if err == nil {
		err = s.db.CreatePoll(r.Context(), workspace.ActorFor(currentAccount(r)), poll)
	}
	if err != nil {
		s.renderPollForm(w, r, statusOf(err), poll, form, true, err)
		return
	}
	s.publishPoll(r.Context(), poll.ID)
	redirectDone(w, r, pollPath(poll.ID), "poll_created")
}

// handlePollEdit shows a draft's form.
func (s *Server) handlePollEdit(w http.ResponseWriter, r *http.Request) {
	poll, ok := s.pollFromPath(w, r)
	if !ok {
		return
	}
	if err := workspace.CanChangePoll(workspace.ActorFor(currentAccount(r)), poll); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderPollForm(w, r, http.StatusOK, poll, pollFormFields(poll, s.location), false, nil)
}

// handlePollUpdate saves a draft's settings and options.
func (s *Server) handlePollUpdate(w http.ResponseWriter, r *http.Request) {
	stored, ok := s.pollFromPath(w, r)
	if !ok {
		return
	}
	if err := workspace.CanChangePoll(workspace.ActorFor(currentAccount(r)), stored); err != nil {
		s.renderError(w, r, err)
		return
	}
	poll := *stored
	formErr := parseForm(w, r)
	if formErr != nil && !formKept(formErr) {
		s.renderPollForm(w, r, statusOf(formErr), &poll, pollFormFields(stored, s.location), false, formErr)
		return
	}
	form, err := s.readPollForm(r, &poll)
	if formErr != nil {
		// A value that could not be read, repaired: refused first.
		err = formErr
	}
	if err == nil {
		err = s.db.UpdatePoll(r.Context(), workspace.ActorFor(currentAccount(r)), &poll)
	}
	if err != nil {
		s.renderPollForm(w, r, statusOf(err), &poll, form, false, err)
		return
	}
	s.publishPoll(r.Context(), poll.ID)
	redirectDone(w, r, pollPath(poll.ID), "poll_saved")
}

// pollQuery is what newPollSubject reads: a URL query or a posted form.
type pollQuery interface{ Get(string) string }

// newPollSubject returns an empty poll on the subject q names: the agenda
// item "item" (of the meeting "meeting", found when not given), or the
// version "version" of the procedure "procedure". An unknown subject is
// ENOTFOUND; none at all, EINVALID.
func (s *Server) newPollSubject(ctx context.Context, q pollQuery) (*workspace.Poll, error) {
	poll := &workspace.Poll{Kind: workspace.PollYesNo, Mode: workspace.BallotNamed, Unit: workspace.VotePerPerson,
		Majority: workspace.MajoritySimple, CollegeRule: workspace.CollegeRuleNone}
	notFound := &workspace.Error{Code: workspace.ENOTFOUND, Key: "error.not_found", Message: "Not found."}
	positive := func(name string) (int64, bool) {
		n, err := strconv.ParseInt(strings.TrimSpace(q.Get(name)), 10, 64)
		return n, err == nil && n > 0
	}
	if q.Get("item") != "" {
		itemID, ok := positive("item")
		if !ok {
			return nil, notFound
		}
		meetingID, ok := positive("meeting")
		if !ok {
			var err error
			if meetingID, err = s.meetingOfItem(ctx, itemID); err != nil {
				return nil, err
			}
		}
		rec, err := s.db.FindMeetingRecord(ctx, meetingID)
		if err != nil {
			return nil, err
		}
		if rec.Item(itemID) == nil {
			return nil, notFound
		}
		poll.MeetingID, poll.AgendaItemID = &meetingID, &itemID
		return poll, nil
	}
	if q.Get("procedure") != "" || q.Get("version") != "" {
		procID, ok1 := positive("procedure")
		number, ok2 := positive("version")
		if !ok1 || !ok2 {
			return nil, notFound
		}
		if _, err := s.db.FindVersion(ctx, procID, int(number)); err != nil {
			return nil, err
		}
		poll.ProcedureID, poll.VersionNumber = &procID, int(number)
		return poll, nil
	}
	return nil, workspace.Invalid("subject", "error.poll.subject_required", "Put the poll on an agenda item or on a version of a procedure.")
}

// meetingOfItem finds the meeting of agenda item itemID among the
// meetings that are neither closed nor cancelled (they take no poll), or
// ENOTFOUND.
func (s *Server) meetingOfItem(ctx context.Context, itemID int64) (int64, error) {
	meetings, _, err := s.db.FindMeetings(ctx, sqlite.MeetingFilter{Limit: 200})
	if err != nil {
		return 0, err
	}
	for _, m := range meetings {
		if m.Status == workspace.MeetingClosed || m.Cancelled() {
			continue
		}
		rec, err := s.db.FindMeetingRecord(ctx, m.ID)
		if err != nil {
			return 0, err
		}
		if rec.Item(itemID) != nil {
			return m.ID, nil
		}
	}
	return 0, &workspace.Error{Code: workspace.ENOTFOUND, Key: "error.agenda.item_not_found", Message: "This agenda item does not exist."}
}

// pollFormFields returns the form's fields for poll as stored.
func pollFormFields(poll *workspace.Poll, loc *time.Location) pollFormView {
	v := pollFormView{Quorum: strconv.Itoa(poll.QuorumPercent)}
	if poll.Kind == workspace.PollMultiple {
		v.Min, v.Max = strconv.Itoa(poll.MinChoices), strconv.Itoa(poll.MaxChoices)
	}
	if poll.Kind != workspace.PollYesNo {
		var lines []string
		for _, o := range poll.Options {
			lines = append(lines, o.Label)
		}
		v.Options = strings.Join(lines, "\n")
	}
	if poll.ClosesAt != nil {
		t := poll.ClosesAt.In(loc)
		v.CloseDate, v.CloseTime = t.Format(formDateLayout), t.Format(formTimeLayout)
	}
	return v
}

// readPollForm reads the posted settings into poll (its subject stays)
// and checks them; it returns the form as typed, to show again, and the
// first problem.
func (s *Server) readPollForm(r *http.Request, poll *workspace.Poll) (pollFormView, error) {
	v := pollFormView{
		Options:   r.PostFormValue("options"),
		Min:       formValue(r, "min_choices"),
		Max:       formValue(r, "max_choices"),
		Quorum:    formValue(r, "quorum_percent"),
		CloseDate: formValue(r, "closes_date"),
		CloseTime: formValue(r, "closes_time"),
	}
	poll.Question = formValue(r, "question")
	poll.Description = formValue(r, "description")
	poll.Kind = workspace.PollKind(formValue(r, "kind"))
	poll.Mode = workspace.BallotMode(formValue(r, "mode"))
	poll.Unit = workspace.VoteUnit(formValue(r, "unit"))
	poll.PresentOnly = formChecked(r, "present_only")
	poll.AllowChange = formChecked(r, "allow_change")
	poll.Majority = workspace.MajorityRule(formValue(r, "majority"))
	poll.CollegeRule = workspace.CollegeRule(formValue(r, "college_rule"))
	if poll.Majority == "" {
		poll.Majority = workspace.MajoritySimple
	}
	if poll.CollegeRule == "" {
		poll.CollegeRule = workspace.CollegeRuleNone
	}
	poll.Options = nil
	for _, line := range strings.Split(strings.ReplaceAll(v.Options, "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			poll.Options = append(poll.Options, &workspace.PollOption{Label: line})
		}
	}
	// Repeated option inputs may come as well as, or instead of, lines.
	for _, o := range r.PostForm["option"] {
		if o = strings.TrimSpace(o); o != "" {
			poll.Options = append(poll.Options, &workspace.PollOption{Label: o})
		}
	}
	if poll.Kind == workspace.PollMultiple {
		lo, err1 := strconv.Atoi(v.Min)
		hi, err2 := strconv.Atoi(v.Max)
		if err1 != nil || err2 != nil {
			return v, workspace.Invalid("max_choices", "error.poll.choices_bounds", "Give a least and a most number of choices that the options allow.")
		}
		poll.MinChoices, poll.MaxChoices = lo, hi
	}
	if v.Quorum == "" {
		poll.QuorumPercent = 0
	} else {
		n, err := strconv.Atoi(v.Quorum)
		if err != nil {
			return v, workspace.Invalid("quorum_percent", "error.poll.quorum_invalid", "Give a quorum between 0 and 100 %.")
		}
		poll.QuorumPercent = n
	}
	poll.ClosesAt = nil
	switch {
	case v.CloseDate == "" && v.CloseTime == "":
	case v.CloseDate == "" || v.CloseTime == "":
		return v, workspace.Invalid("closes_at", "error.poll.deadline_invalid", "Give the deadline's date and time, or neither.")
	default:
		t, err := s.readFormTime(v.CloseDate, v.CloseTime)
		if err != nil {
			return v, workspace.Invalid("closes_at", "error.poll.deadline_invalid", "Give the deadline's date and time, or neither.")
		}
		if !t.After(s.db.Now()) {
			return v, workspace.Invalid("closes_at", "error.poll.deadline_past", "The deadline has already passed.")
		}
		poll.ClosesAt = &t
	}
	return v, poll.Validate()
}

// renderPollForm shows the poll form with form's fields and, after a
// refusal, its first problem.
func (s *Server) renderPollForm(w http.ResponseWriter, r *http.Request, status int, poll *workspace.Poll, form pollFormView, isNew bool, formErr error) {
	title := "poll.edit_title"
	if isNew {
		title = "poll.new_title"
	}
	p := s.newPage(r, title)
	p.Section = "meetings"
	subject, url, err := s.pollSubject(r.Context(), p.localizer, poll)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	form.Poll, form.New, form.Subject, form.SubjectURL = poll, isNew, subject, url
	electorate, err := s.db.FindElectorateByCollege(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	few := func(n int) bool { return n > 0 && n < workspace.SecretCollegeMinBallots }
	for _, c := range electorate {
		form.Electorate = append(form.Electorate, pollFormCollege{College: c.College, People: c.People, Organisations: c.Organisations,
			FewPeople: few(c.People), FewOrganisations: few(c.Organisations)})
	}
	form.Error, form.Field = p.formErrorText(formErr), fieldError(formErr)
	p.Data = form
	s.render(w, r, status, "poll_form", p)
}
