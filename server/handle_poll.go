package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// The pages of votes: a poll with its turnout, the vote form for those
// who may vote and, once closed, its result explained in words
// (poll_result.go); the secretariat's open and close buttons; the named
// ballots of a named poll as CSV. The form that prepares a poll is in
// handle_poll_form.go. A secret poll's page shows no ballot and no count
// until it closes, and never who chose what.

// pollView is what the "poll" partial (web/templates/common/poll.html)
// shows. Build it with Server.pollViewFor.
type pollView struct {
	Poll *workspace.Poll
	// Subject names what the poll is about, and SubjectURL links to it.
	Subject    string
	SubjectURL string
	// Turnout is how many have voted so far (or, once closed, how many
	// cast a ballot, of Electorate).
	Turnout    int
	Electorate int
	// Counts are the per-option counts: while open, for a named poll only;
	// once closed, the result's. Max is the highest count, for the bars.
	Counts []pollCount
	// CanVote: the viewer may cast (or change) a ballot now. HasVoted:
	// they already have. Chosen are their choices, for a named poll that
	// allows changes.
	CanVote  bool
	HasVoted bool
	// Submission names this sending of the vote form (a fresh random
	// token, sqlite.DB.SubmitVote): the same ballot posted again, or sent
	// over the live channel and then posted, is answered as recorded.
	Submission string
	// CanManage: the secretariat, who opens, closes and edits polls.
	CanManage bool
	// ConfirmClose shows the close confirmation instead of the button.
	ConfirmClose bool
	// Explanation is the result in words, and CollegeLines one line per
	// college for a yes/no poll; both empty until the poll closes.
	// CollegesWithheld says why a secret poll's result has no college
	// lines (workspace.PollResult.CollegeFiguresShown).
	Explanation      string
	CollegeLines     []string
	CollegesWithheld string
	// Ballots are who voted what, for a named poll (members).
	Ballots []pollBallot
	// Deadline is ClosesAt in the table's time zone, "" when none.
	Deadline string
}

// pollCount is one option's count as the page shows it.
type pollCount struct {
	OptionID int64
	Label    string
	Count    int
	// Percent is the share of ballots cast, for the width of the bar.
	Percent int
	Winner  bool
}

// pollBallot is one named ballot as the page shows it.
type pollBallot struct {
	Name         string
	Organisation string
	Choices      string
	CastAt       string
}

// pollOptionLabel returns an option's label in the reader's language: a
// yes/no option's word, or the label the secretariat wrote.
func pollOptionLabel(l *localizer, o workspace.OptionCount) string {
	if o.Key != "" {
		return l.T("poll.option." + o.Key)
	}
	return o.Label
}

// OptionLabel returns a poll option's label in the page's language.
func (p *page) OptionLabel(o *workspace.PollOption) string {
	return pollOptionLabel(p.localizer, workspace.OptionCount{Key: o.Key, Label: o.Label})
}

// pollFromPath returns the poll named by {id}, or answers with an error
// page and false.
func (s *Server) pollFromPath(w http.ResponseWriter, r *http.Request) (*workspace.Poll, bool) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return nil, false
	}
	poll, err := s.db.FindPollByID(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return nil, false
	}
	return poll, true
}

// pollPath is the address of a poll's page.
func pollPath(id int64) string { return "/polls/" + strconv.FormatInt(id, 10) }

// pollSubject names what poll is about in l's language, with its address:
// the agenda item of its meeting, or the version of its procedure.
func (s *Server) pollSubject(ctx context.Context, l *localizer, poll *workspace.Poll) (name, url string, err error) {
	switch {
	case poll.MeetingID != nil && poll.AgendaItemID != nil:
		rec, err := s.db.FindMeetingRecord(ctx, *poll.MeetingID)
		if err != nil {
			return "", "", err
		}
		name = rec.Meeting.Title
		if it := rec.Item(*poll.AgendaItemID); it != nil {
			name += " — " + strconv.Itoa(it.Position) + ". " + agendaItemTitle(l, it)
		}
		return name, agendaItemURL(rec.Meeting.ID, *poll.AgendaItemID), nil
	case poll.AboutVersion():
		proc, err := s.db.FindProcedureByID(ctx, *poll.ProcedureID)
		if err != nil {
			return "", "", err
		}
		return proc.Title + " — v" + strconv.Itoa(poll.VersionNumber), versionPath(proc.ID, poll.VersionNumber), nil
	}
	return "", "", nil
}

// pollViewFor returns poll as p's viewer sees it. withSubject names its
// subject (the poll's own page; a list under the subject does not).
func (s *Server) pollViewFor(ctx context.Context, p *page, poll *workspace.Poll, withSubject bool) (*pollView, error) {
	actor := workspace.ActorFor(p.Account)
	v := &pollView{Poll: poll, CanManage: workspace.CanManagePolls(actor) == nil}
	if poll.ClosesAt != nil {
		v.Deadline = formatDate(*poll.ClosesAt, s.location)
	}
	if withSubject {
		var err error
		if v.Subject, v.SubjectURL, err = s.pollSubject(ctx, p.localizer, poll); err != nil {
			return nil, err
		}
	}
	switch poll.Status {
	case workspace.PollOpen:
		n, err := s.db.PollTurnout(ctx, poll.ID)
		if err != nil {
			return nil, err
		}
		v.Turnout = n
		if poll.Mode == workspace.BallotNamed {
			counts, err := s.db.PollCounts(ctx, poll.ID)
			if err != nil {
				return nil, err
			}
			v.Counts = pollCounts(p.localizer, counts, n, nil)
		}
		if workspace.CanCastVote(actor, poll) == nil {
			voted, err := s.db.HasVoted(ctx, actor, poll.ID)
			if err != nil {
				return nil, err
			}
			v.HasVoted = voted
			v.CanVote = !voted || poll.AllowChange
			v.Submission = workspace.NewToken()
		}
	case workspace.PollClosed:
		if res := poll.Result; res != nil {
			v.Turnout, v.Electorate = res.Cast, res.Electorate
			v.Counts = pollCounts(p.localizer, res.Counts, res.Cast, res.Winners)
			v.Explanation = explainPollResult(p.localizer, poll, res)
			v.CollegeLines = explainColleges(p.localizer, poll, res)
			v.CollegesWithheld = collegesWithheld(p.localizer, poll, res)
		}
	}
	if poll.Mode == workspace.BallotNamed && poll.Status != workspace.PollDraft && withSubject {
		ballots, err := s.db.FindNamedBallots(ctx, actor, poll.ID)
		if err != nil {
			return nil, err
		}
		v.Ballots = s.pollBallots(p, poll, ballots)
	}
	return v, nil
}

// pollCounts turns counts into what the page shows, with each option's
// share of cast ballots and the winners marked.
func pollCounts(l *localizer, counts []workspace.OptionCount, cast int, winners []int64) []pollCount {
	out := make([]pollCount, 0, len(counts))
	for _, c := range counts {
		pc := pollCount{OptionID: c.OptionID, Label: pollOptionLabel(l, c), Count: c.Count}
		if cast > 0 {
			pc.Percent = c.Count * 100 / cast
		}
		for _, w := range winners {
			if w == c.OptionID {
				pc.Winner = true
			}
		}
		out = append(out, pc)
	}
	return out
}

// pollBallots turns the named ballots of poll into what the page shows.
func (s *Server) pollBallots(p *page, poll *workspace.Poll, ballots []*sqlite.NamedBallot) []pollBallot {
	out := make([]pollBallot, 0, len(ballots))
	for _, b := range ballots {
		pb := pollBallot{Choices: ballotChoices(p.localizer, poll, b.Choices), CastAt: formatDate(b.CastAt, s.location)}
		if b.Account != nil {
			pb.Name = b.Account.Name
		}
		pb.Organisation = p.OrgName(b.Organisation)
		out = append(out, pb)
	}
	return out
}

// ballotChoices names the options chosen, in the poll's order.
func ballotChoices(l *localizer, poll *workspace.Poll, choices []int64) string {
	var names []string
	for _, o := range poll.Options {
		for _, c := range choices {
			if c == o.ID {
				names = append(names, pollOptionLabel(l, workspace.OptionCount{Key: o.Key, Label: o.Label}))
			}
		}
	}
	return strings.Join(names, ", ")
}

// pollPageView is the poll's own page.
type pollPageView struct {
	Poll *pollView
}

// handlePollView shows a poll to members: its question, subject, status,
// turnout, the vote form for those who may vote and, once closed, its
// result. ?confirm=close shows the secretariat the close confirmation.
func (s *Server) handlePollView(w http.ResponseWriter, r *http.Request) {
	poll, ok := s.pollFromPath(w, r)
	if !ok {
		return
	}
	p := s.newPage(r, "poll.title").withNotice(r)
	if err := workspace.CanReadPolls(workspace.ActorFor(p.Account)); err != nil {
		s.renderError(w, r, err)
		return
	}
	v, err := s.pollViewFor(r.Context(), p, poll, true)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.ConfirmClose = v.CanManage && poll.Status == workspace.PollOpen && r.URL.Query().Get("confirm") == "close"
	p.Title = poll.Question
	p.Section = "meetings"
	p.Data = pollPageView{Poll: v}
	s.render(w, r, http.StatusOK, "poll", p)
}

// handlePollVote records the viewer's ballot: the options ticked, sent as
// the repeated field "choice", and the form's "submission", which makes
// the same sending posted again "your vote is recorded" rather than a
// refusal.
func (s *Server) handlePollVote(w http.ResponseWriter, r *http.Request) {
	poll, ok := s.pollFromPath(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	actor := workspace.ActorFor(currentAccount(r))
	if err := workspace.CanCastVote(actor, poll); err != nil {
		s.renderError(w, r, err)
		return
	}
	var choices []int64
	for _, v := range r.PostForm["choice"] {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			s.renderError(w, r, workspace.Invalid("choices", "error.poll.choice_unknown", "Choose among the poll's options."))
			return
		}
		choices = append(choices, id)
	}
	if err := poll.CheckChoices(choices); err != nil {
		s.renderError(w, r, err)
		return
	}
	vote, err := s.db.SubmitVote(r.Context(), actor, poll.ID, choices, r.PostForm.Get("submission"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if vote.Repeated {
		// The same ballot was stored already (the page's script may have
		// sent it over the live channel and lost the answer): it counts.
		redirectDone(w, r, pollPath(poll.ID), "vote_cast")
		return
	}
	s.publishPoll(r.Context(), poll.ID)
	if vote.Changed {
		redirectDone(w, r, pollPath(poll.ID), "vote_changed")
		return
	}
	redirectDone(w, r, pollPath(poll.ID), "vote_cast")
}

// handlePollOpen opens a draft poll.
func (s *Server) handlePollOpen(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	poll, err := s.db.OpenPoll(r.Context(), workspace.ActorFor(currentAccount(r)), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.publishPoll(r.Context(), poll.ID)
	redirectDone(w, r, pollPath(poll.ID), "poll_opened")
}

// handlePollClose closes an open poll and stores its result; a closed one
// is ECONFLICT. The page's close button leads to a confirmation
// (?confirm=close) whose form posts here.
func (s *Server) handlePollClose(w http.ResponseWriter, r *http.Request) {
	poll, ok := s.pollFromPath(w, r)
	if !ok {
		return
	}
	actor := workspace.ActorFor(currentAccount(r))
	if err := workspace.CanManagePolls(actor); err != nil {
		s.renderError(w, r, err)
		return
	}
	// Closing twice (a second click, two secretaries) is said, not done
	// again: the store would return the same result.
	if poll.Status == workspace.PollClosed {
		s.renderError(w, r, &workspace.Error{Code: workspace.ECONFLICT, Key: "error.poll.not_open", Message: "The poll is not open."})
		return
	}
	poll, err := s.db.ClosePoll(r.Context(), actor, poll.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.publishPoll(r.Context(), poll.ID)
	redirectDone(w, r, pollPath(poll.ID), "poll_closed")
}

// handlePollBallotsExport answers a named poll's ballots as CSV: who
// voted what, when. A secret poll has none to give (the store refuses:
// EFORBIDDEN), and nothing of it is written.
func (s *Server) handlePollBallotsExport(w http.ResponseWriter, r *http.Request) {
	poll, ok := s.pollFromPath(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	actor := workspace.ActorFor(currentAccount(r))
	if poll.Mode != workspace.BallotNamed {
		s.renderError(w, r, &workspace.Error{Code: workspace.EFORBIDDEN, Key: "error.poll.secret_ballots", Message: "A secret ballot names nobody."})
		return
	}
	ballots, err := s.db.FindNamedBallots(ctx, actor, poll.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	l := s.localizerOf(ctx)
	lang := languageOf(ctx)
	sheet := newSpreadsheet(lang)
	sheet.Write(l.T("poll.csv.name"), l.T("poll.csv.organisation"), l.T("poll.csv.college"), l.T("poll.csv.choices"), l.T("poll.csv.cast_at"))
	for _, b := range ballots {
		name, org, college := "", "", ""
		if b.Account != nil {
			name = b.Account.Name
		}
		if b.Organisation != nil {
			org = b.Organisation.Name(lang)
		}
		if b.College != "" {
			college = l.T("college." + string(b.College))
		}
		sheet.Write(csvText(name), csvText(org), college, csvText(ballotChoices(l, poll, b.Choices)), formatDate(b.CastAt, s.location))
	}
	s.sendSpreadsheet(w, r, sheet, fmt.Sprintf("poll-%d-ballots.csv", poll.ID))
}

// pollsFor returns the views of polls under their subject (an agenda item
// or a version), without their subject or ballots; nil for a viewer who
// may not see polls.
func (s *Server) pollsFor(ctx context.Context, p *page, filter sqlite.PollFilter) ([]*pollView, error) {
	if workspace.CanReadPolls(workspace.ActorFor(p.Account)) != nil {
		return nil, nil
	}
	polls, err := s.db.FindPolls(ctx, filter)
	if err != nil {
		return nil, err
	}
	out := make([]*pollView, 0, len(polls))
	for _, poll := range polls {
		v, err := s.pollViewFor(ctx, p, poll, false)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
