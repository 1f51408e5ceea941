package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"tawla/meeting"
	"tawla/workspace"
)

// publishMeeting sends the meeting's room, as it is now, to everyone
// following it live (topic meeting:N). Every handler that commits a change
// to a meeting — start, close, attendance, agenda, decisions — calls it
// afterwards, never inside a transaction.
func (s *Server) publishMeeting(ctx context.Context, id int64) {
	s.meetings.Publish(ctx, id)
}

// roomItem is an agenda item as the room pages show it.
type roomItem struct {
	meeting.ItemState
	// Name is the item's title, or for an item the table added itself,
	// its name in the page's language.
	Name    string
	Current bool
	// Spent and Planned are durations as the room shows them (12:05).
	Spent   string
	Planned string
	// Over says the item has taken longer than planned.
	Over bool
}

// roomPerson is a speaker or an invitee as the room pages show them.
type roomPerson struct {
	ID           int64
	Account      int64
	Name         string
	Organisation string
	Status       string
	// Since is how long the speaker has had the floor (speaking only).
	Since string
}

// roomView is the live room page and the projector page, as rendered by
// the server: the state a page without script keeps, and the one the
// script starts from.
type roomView struct {
	Meeting  *workspace.Meeting
	Live     bool
	Items    []roomItem
	Current  *roomItem
	Speakers []roomPerson
	Invitees []roomPerson
	Quorum   workspace.Quorum
	// Viewer's part: Invited (with Attendance), CanTakePart (check in,
	// ask for the floor), Waiting/Speaking (their own request), CanRun
	// (the secretariat while the meeting is live).
	Invited     bool
	Attendance  workspace.Attendance
	Present     bool
	CanTakePart bool
	Waiting     bool
	Speaking    bool
	CanRun      bool
	// PreviousItem and NextItem are the agenda items the secretariat's
	// previous and next buttons move to (0: none): around the current
	// item, or the first item when none is current yet.
	PreviousItem int64
	NextItem     int64
	// Labels for the script: the names of the items the table added
	// itself, with %s for the source meeting's title.
	MinutesApprovalLabel string
	MattersArisingLabel  string
}

// clockText writes a duration as m:ss, or h:mm:ss from an hour on.
func clockText(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	secs := int64(d / time.Second)
	h, m, sec := secs/3600, secs/60%60, secs%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, sec)
	}
	return fmt.Sprintf("%d:%02d", m, sec)
}

// itemName names an agenda item in the page's language.
func (p *page) itemName(kind workspace.AgendaItemKind, title, source string) string {
	switch kind {
	case workspace.ItemMinutesApproval:
		return p.T("room.item.minutes_approval", "Name", source)
	case workspace.ItemMattersArising:
		return p.T("room.item.matters_arising", "Name", source)
	}
	return title
}

// meetingRoomView reads the meeting of the request's path and builds the
// room's view for p's viewer.
func (s *Server) meetingRoomView(r *http.Request, p *page) (*roomView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	rec, err := s.db.FindMeetingRecord(r.Context(), id)
	if err != nil {
		return nil, err
	}
	now := s.db.Now()
	m := rec.Meeting
	actor := workspace.ActorFor(p.Account)
	v := &roomView{
		Meeting:              m,
		Live:                 m.Status == workspace.MeetingLive,
		Quorum:               rec.Quorum(),
		CanTakePart:          workspace.CanTakePart(actor, m, rec.Invitee(p.Account.ID)) == nil,
		CanRun:               workspace.CanRunMeeting(actor, m) == nil,
		MinutesApprovalLabel: p.T("room.item.minutes_approval", "Name", "%s"),
		MattersArisingLabel:  p.T("room.item.matters_arising", "Name", "%s"),
	}
	if inv := rec.Invitee(p.Account.ID); inv != nil {
		v.Invited, v.Attendance = true, inv.Attendance
		v.Present = inv.Attendance == workspace.AttendancePresent
	}
	for _, it := range rec.Items {
		st := meeting.ItemState{ID: it.ID, Position: it.Position, Kind: it.Kind, Title: it.Title,
			SourceMeetingTitle: it.SourceMeetingTitle, PlannedMinutes: it.DurationMinutes, SpentSeconds: it.SpentSeconds}
		spent := it.Spent(m, now)
		item := roomItem{
			ItemState: st,
			Name:      p.itemName(it.Kind, it.Title, it.SourceMeetingTitle),
			Current:   m.CurrentItemID != nil && *m.CurrentItemID == it.ID,
			Spent:     clockText(spent),
			Planned:   clockText(it.Planned()),
			Over:      it.DurationMinutes > 0 && spent > it.Planned(),
		}
		v.Items = append(v.Items, item)
	}
	current := -1
	for i := range v.Items {
		if v.Items[i].Current {
			v.Current, current = &v.Items[i], i
		}
	}
	if current > 0 {
		v.PreviousItem = v.Items[current-1].ID
	}
	if current+1 < len(v.Items) {
		v.NextItem = v.Items[current+1].ID
	}
	for _, sp := range rec.Speakers {
		if sp.Status != workspace.SpeakerWaiting && sp.Status != workspace.SpeakerSpeaking {
			continue
		}
		person := roomPerson{ID: sp.ID, Account: sp.AccountID, Status: string(sp.Status)}
		if sp.Account != nil {
			person.Name, person.Organisation = sp.Account.Name, p.OrgName(sp.Account.Organisation)
		}
		if sp.Status == workspace.SpeakerSpeaking && sp.StartedAt != nil {
			person.Since = clockText(now.Sub(*sp.StartedAt))
		}
		if sp.AccountID == p.Account.ID {
			v.Waiting = v.Waiting || sp.Status == workspace.SpeakerWaiting
			v.Speaking = v.Speaking || sp.Status == workspace.SpeakerSpeaking
		}
		v.Speakers = append(v.Speakers, person)
	}
	for _, inv := range rec.Invitees {
		person := roomPerson{Account: inv.AccountID, Status: string(inv.Attendance)}
		if inv.Account != nil {
			person.Name, person.Organisation = inv.Account.Name, p.OrgName(inv.Account.Organisation)
		}
		v.Invitees = append(v.Invitees, person)
	}
	return v, nil
}

// handleMeetingRoom shows a meeting's live room: the current item and its
// time, the list of speakers, attendance and quorum, with the controls of
// the viewer's part. The page follows the room over the live channel
// (web/static/js/meeting.js); without script it shows the room as it was
// when loaded, and checking in and asking for the floor work as forms.
func (s *Server) handleMeetingRoom(w http.ResponseWriter, r *http.Request) {
	s.renderRoom(w, r, "meeting_room", "room.title")
}

// handleMeetingProjector shows a meeting's room for the wall screen: large
// type, the current item, the list of speakers and the quorum, and a slot
// for the result of a vote; no controls.
func (s *Server) handleMeetingProjector(w http.ResponseWriter, r *http.Request) {
	s.renderRoom(w, r, "meeting_projector", "projector.title")
}

func (s *Server) renderRoom(w http.ResponseWriter, r *http.Request, name, titleKey string) {
	p := s.newPage(r, titleKey).withNotice(r)
	p.Section = "meetings"
	v, err := s.meetingRoomView(r, p)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p.Title = v.Meeting.Title + " · " + p.T(titleKey)
	p.Data = v
	s.render(w, r, http.StatusOK, name, p)
}

// handleMeetingCheckIn checks the viewer in to a live meeting they are
// invited to: the room page's form without script.
func (s *Server) handleMeetingCheckIn(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	actor := workspace.ActorFor(currentAccount(r))
	if err := s.checkTakePart(r.Context(), actor, id); err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := s.db.CheckIn(r.Context(), actor, id); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.publishMeeting(r.Context(), id)
	redirectDone(w, r, "/meetings/"+strconv.FormatInt(id, 10)+"/room", "checked_in")
}

// handleMeetingFloor asks for the floor (action=ask) or withdraws the
// viewer's request (action=withdraw): the room page's forms without
// script.
func (s *Server) handleMeetingFloor(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	actor := workspace.ActorFor(currentAccount(r))
	room := "/meetings/" + strconv.FormatInt(id, 10) + "/room"
	switch formValue(r, "action") {
	case "ask":
		if err := s.askFloor(r.Context(), actor, id); err != nil {
			s.renderError(w, r, err)
			return
		}
		s.publishMeeting(r.Context(), id)
		redirectDone(w, r, room, "floor_asked")
	case "withdraw":
		if err := s.withdrawFloor(r.Context(), actor, id); err != nil {
			s.renderError(w, r, err)
			return
		}
		s.publishMeeting(r.Context(), id)
		redirectDone(w, r, room, "floor_withdrawn")
	default:
		s.renderError(w, r, workspace.Invalid("action", "error.room.floor_action", "Ask for the floor or withdraw your request."))
	}
}

// askFloor puts the actor in the meeting's list of speakers, after
// checking that the meeting exists and the actor may take part.
func (s *Server) askFloor(ctx context.Context, actor workspace.Actor, id int64) error {
	if err := s.checkTakePart(ctx, actor, id); err != nil {
		return err
	}
	_, err := s.db.AskFloor(ctx, actor, id)
	return err
}

// withdrawFloor withdraws the actor's waiting request for the floor.
func (s *Server) withdrawFloor(ctx context.Context, actor workspace.Actor, id int64) error {
	if err := s.checkTakePart(ctx, actor, id); err != nil {
		return err
	}
	return s.db.WithdrawFloor(ctx, actor, id)
}

// checkTakePart applies CanTakePart to the meeting with id as it stands.
func (s *Server) checkTakePart(ctx context.Context, actor workspace.Actor, id int64) error {
	rec, err := s.db.FindMeetingRecord(ctx, id)
	if err != nil {
		return err
	}
	var inv *workspace.MeetingInvitee
	if actor.AccountID != nil {
		inv = rec.Invitee(*actor.AccountID)
	}
	return workspace.CanTakePart(actor, rec.Meeting, inv)
}
