package server

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// The calendar: one meeting's ICS file, and a personal feed of the
// meetings one is invited to, at a secret address a calendar application
// subscribes to. The feed's token authenticates its reader; only its
// digest is stored, so the address is shown once, when it is made.

// feedPastDays is how far back the personal feed reaches: upcoming
// meetings, and those of the last 90 days.
const feedPastDays = 90

// feedMaxMeetings bounds each half (upcoming, past) of a personal feed.
const feedMaxMeetings = 500

// feedRefresh is how often a subscribed calendar is asked to fetch the
// feed again.
const feedRefresh = time.Hour

// calendarView is the page of one's calendar feed. FeedURL is set only on
// the page that answers the reset, the one time the token is known.
type calendarView struct {
	HasFeed bool
	FeedURL string
	// WebcalURL is FeedURL with the webcal scheme, which html/template
	// would refuse as unsafe: it is built here from the base URL and a
	// token of URL-safe characters.
	WebcalURL template.URL
}

// handleMeetingCalendar answers one meeting's ICS file, to download or
// open in a calendar application.
func (s *Server) handleMeetingCalendar(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rec, err := s.db.FindMeetingRecord(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	l := s.localizerOf(r.Context())
	cal := icsCalendar{Name: rec.Meeting.Title, Zone: s.location, Events: []icsEvent{s.meetingEvent(rec, l)}}
	filename := "tawla-meeting-" + strconv.FormatInt(id, 10) + ".ics"
	s.writeCalendar(w, r, cal, `attachment; filename="`+filename+`"`, "no-store")
}

// handleCalendarPage shows the personal feed: whether one has an address,
// and the button that makes a new one.
func (s *Server) handleCalendarPage(w http.ResponseWriter, r *http.Request) {
	acc := currentAccount(r)
	has, err := s.db.HasCalendarFeed(r.Context(), acc.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderCalendarPage(w, r, calendarView{HasFeed: has}, "")
}

// handleCalendarReset gives the account a new feed address, which stops
// the old one, and shows it on the page it answers with: the token is not
// stored, so this is the only time it can be shown.
func (s *Server) handleCalendarReset(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	token, err := s.db.ResetCalendarFeed(r.Context(), workspace.ActorFor(currentAccount(r)))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	feed := s.feedURL(token)
	view := calendarView{HasFeed: true, FeedURL: feed, WebcalURL: template.URL(webcalURL(feed))}
	s.renderCalendarPage(w, r, view, "calendar.reset_done")
}

func (s *Server) renderCalendarPage(w http.ResponseWriter, r *http.Request, view calendarView, notice string) {
	p := s.newPage(r, "calendar.title")
	p.Section = "calendar"
	if notice != "" {
		p.Notice = p.T(notice)
	}
	p.Data = view
	s.render(w, r, http.StatusOK, "calendar", p)
}

// handleCalendarFeed answers the personal feed of the account whose token
// is in the path: the meetings it is invited to, upcoming and of the last
// feedPastDays days. An unknown or replaced token, or an account that may
// no longer see meetings, is the plain 404 of any unknown page.
func (s *Server) handleCalendarFeed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	token := r.PathValue("token")
	// An internal error is logged with the request's path: not with the
	// token, a credential.
	redacted := r.Clone(ctx)
	redacted.URL.Path, redacted.URL.RawPath = "/calendar/…/meetings.ics", ""
	acc, err := s.db.FindCalendarFeedAccount(ctx, token)
	if err == nil && workspace.CanReadMeetings(workspace.ActorFor(acc)) != nil {
		err = &workspace.Error{Code: workspace.ENOTFOUND, Message: "no feed"}
	}
	if err != nil {
		if workspace.ErrorCode(err) != workspace.ENOTFOUND {
			s.serverError(w, redacted, err)
			return
		}
		s.handleNotFound(w, redacted)
		return
	}
	records, err := s.feedMeetings(ctx, acc.ID)
	if err != nil {
		s.serverError(w, redacted, err)
		return
	}
	l := s.localizer(acc.Language)
	cal := icsCalendar{Name: l.T("calendar.feed_name"), Zone: s.location, Refresh: feedRefresh}
	for _, rec := range records {
		cal.Events = append(cal.Events, s.meetingEvent(rec, l))
	}
	s.writeCalendar(w, redacted, cal, `inline; filename="tawla-meetings.ics"`, "private, no-store")
}

// feedMeetings reads the meetings accountID is invited to, upcoming and of
// the last feedPastDays days, each with its agenda.
func (s *Server) feedMeetings(ctx context.Context, accountID int64) ([]*workspace.MeetingRecord, error) {
	now := s.db.Now()
	since := now.AddDate(0, 0, -feedPastDays)
	var meetings []*workspace.Meeting
	for _, when := range []string{"upcoming", "past"} {
		found, _, err := s.db.FindMeetings(ctx, sqlite.MeetingFilter{When: when, Now: now, InvitedAccountID: accountID, Limit: feedMaxMeetings})
		if err != nil {
			return nil, err
		}
		for _, m := range found {
			if when == "past" && m.EndsAt.Before(since) {
				continue
			}
			meetings = append(meetings, m)
		}
	}
	records := make([]*workspace.MeetingRecord, 0, len(meetings))
	for _, m := range meetings {
		rec, err := s.db.FindMeetingRecord(ctx, m.ID)
		if workspace.ErrorCode(err) == workspace.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		records = append(records, rec)
	}
	return records, nil
}

// writeCalendar renders cal and answers it as text/calendar.
func (s *Server) writeCalendar(w http.ResponseWriter, r *http.Request, cal icsCalendar, disposition, cacheControl string) {
	var buf bytes.Buffer
	if err := writeICS(&buf, cal); err != nil {
		s.serverError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Disposition", disposition)
	h.Set("Cache-Control", cacheControl)
	h.Set("X-Robots-Tag", "noindex")
	w.WriteHeader(http.StatusOK)
	_, _ = buf.WriteTo(w)
}

// meetingEvent is rec's meeting as a calendar event, its agenda written in
// l's language; a cancelled meeting's event is marked cancelled, its
// revision raised and its title prefixed. Only what the invitation says goes in: title, times,
// place, link and the agenda's items with their durations — never the
// minutes, decisions or descriptions.
func (s *Server) meetingEvent(rec *workspace.MeetingRecord, l *localizer) icsEvent {
	m := rec.Meeting
	stamp := m.UpdatedAt
	for _, it := range rec.Items {
		if it.UpdatedAt.After(stamp) {
			stamp = it.UpdatedAt
		}
	}
	ev := icsEvent{
		UID:     "meeting-" + strconv.FormatInt(m.ID, 10) + "@" + s.baseURL.Hostname(),
		Stamp:   stamp,
		Start:   m.StartsAt,
		End:     m.EndsAt,
		Summary: m.Title,
		URL:     s.baseURL.String() + "/meetings/" + strconv.FormatInt(m.ID, 10),
	}
	ev.Location = m.Place
	if ev.Location == "" {
		ev.Location = m.OnlineLink
	}
	ev.Description = meetingDescription(rec, l)
	ev.Sequence = m.Sequence()
	if m.Cancelled() {
		// Said in the feed's language, so that a calendar that keeps a
		// cancelled event shows it plainly; the reason opens the notes.
		ev.Cancelled = true
		ev.Summary = l.T("calendar.cancelled", "Title", m.Title)
		ev.Description = strings.TrimSpace(l.T("calendar.cancelled_reason", "Reason", m.CancelReason) + "\n\n" + ev.Description)
	}
	return ev
}

// meetingDescription writes the meeting's online link, when it has a
// place too, and its agenda: numbered items with their durations.
func meetingDescription(rec *workspace.MeetingRecord, l *localizer) string {
	var b strings.Builder
	if rec.Meeting.Place != "" && rec.Meeting.OnlineLink != "" {
		b.WriteString(l.T("calendar.online_link", "Name", rec.Meeting.OnlineLink))
		b.WriteString("\n\n")
	}
	if len(rec.Items) == 0 {
		return strings.TrimSpace(b.String())
	}
	b.WriteString(l.T("calendar.agenda"))
	for i, it := range rec.Items {
		b.WriteString("\n")
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(". ")
		b.WriteString(agendaItemName(it, l))
		if it.DurationMinutes > 0 {
			b.WriteString(" (")
			b.WriteString(l.T("calendar.minutes", "Number", it.DurationMinutes))
			b.WriteString(")")
		}
	}
	return b.String()
}

// agendaItemName is an item's title; the items the table adds itself have
// none and are named from their kind and the meeting they come from.
func agendaItemName(it *workspace.AgendaItem, l *localizer) string {
	switch it.Kind {
	case workspace.ItemMinutesApproval:
		return l.T("calendar.item_minutes_approval", "Name", it.SourceMeetingTitle)
	case workspace.ItemMattersArising:
		return l.T("calendar.item_matters_arising", "Name", it.SourceMeetingTitle)
	}
	return it.Title
}

// feedURL is the absolute address of the personal feed with token, built
// on the configured base URL (Config.BaseURL), never on the request's
// Host header, which a client chooses.
func (s *Server) feedURL(token string) string {
	return s.baseURL.String() + "/calendar/" + url.PathEscape(token) + "/meetings.ics"
}

// webcalURL is feed with the webcal scheme, which calendar applications
// open as a subscription.
func webcalURL(feed string) string {
	if rest, ok := strings.CutPrefix(feed, "https://"); ok {
		return "webcal://" + rest
	}
	if rest, ok := strings.CutPrefix(feed, "http://"); ok {
		return "webcal://" + rest
	}
	return feed
}
