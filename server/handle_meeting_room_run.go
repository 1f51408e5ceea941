package server

import (
	"net/http"
	"strconv"

	"tawla/meeting"
)

// The secretariat's controls of the live room as forms, for pages without
// script: move the current item, give the floor, pass it to the next
// speaker, end the turn. With script, the room page sends the same changes
// as live messages instead (web/static/js/meeting.js).

// handleRoomItem makes the agenda item of the form's "item" field the one
// under discussion (the message meeting.item).
func (s *Server) handleRoomItem(w http.ResponseWriter, r *http.Request) {
	if room, ok := s.runRoom(w, r, meeting.MsgItem, "item"); ok {
		redirectDone(w, r, room, "room_item_moved")
	}
}

// handleRoomFloorGive gives the floor to the waiting request of the form's
// "speaker" field (the message meeting.floor.give).
func (s *Server) handleRoomFloorGive(w http.ResponseWriter, r *http.Request) {
	if room, ok := s.runRoom(w, r, meeting.MsgFloorGive, "speaker"); ok {
		redirectDone(w, r, room, "floor_given")
	}
}

// handleRoomFloorNext ends the current turn and gives the floor to the
// earliest waiting request (the message meeting.floor.next).
func (s *Server) handleRoomFloorNext(w http.ResponseWriter, r *http.Request) {
	if room, ok := s.runRoom(w, r, meeting.MsgFloorNext, ""); ok {
		redirectDone(w, r, room, "floor_next")
	}
}

// handleRoomFloorEnd ends the current turn (the message meeting.floor.end).
func (s *Server) handleRoomFloorEnd(w http.ResponseWriter, r *http.Request) {
	if room, ok := s.runRoom(w, r, meeting.MsgFloorEnd, ""); ok {
		redirectDone(w, r, room, "floor_ended")
	}
}

// runRoom makes the change of the message msgType through
// meeting.Room.Do — the same checks, store operation (the rule decided in
// its transaction), audit entry and live meeting.state to every other page
// as the message itself — and returns the room's path to redirect to. The
// form field named field (item or speaker), when there is one, says which
// item or request for the floor the change is about. On a refusal it
// renders the error and reports false.
func (s *Server) runRoom(w http.ResponseWriter, r *http.Request, msgType, field string) (string, bool) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return "", false
	}
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return "", false
	}
	cmd := meeting.Command{Type: msgType}
	// A value that is not a positive number is refused by Do like a
	// message without it.
	target, _ := strconv.ParseInt(formValue(r, field), 10, 64)
	switch field {
	case "item":
		cmd.Item = target
	case "speaker":
		cmd.Speaker = target
	}
	if err := s.meetings.Do(r.Context(), currentAccount(r), id, cmd); err != nil {
		s.renderError(w, r, err)
		return "", false
	}
	return "/meetings/" + strconv.FormatInt(id, 10) + "/room", true
}
