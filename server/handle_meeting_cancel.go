package server

// Cancelling a planned meeting from its page: the secretariat gives a
// reason in a confirm step (a <details> like the other final actions), the
// store cancels the meeting and hands on the items the table had put on
// its agenda (workspace/sqlite/meeting_cancel.go), and whoever follows the
// meeting live is told (meeting.Room.PublishCancelled). The page stays,
// read-only, saying when, by whom and why. Meetings have no notifications
// of their own: the page, the lists' badge, the calendar feed
// (STATUS:CANCELLED) and the live event are how invitees learn of it.

import (
	"net/http"

	"tawla/workspace"
)

// cancelForm is the cancellation form as it was sent, with why it was
// refused.
type cancelForm struct {
	Reason string
	Error  string
}

// handleMeetingCancel cancels a planned meeting for the reason sent (form
// field reason). An invalid reason brings the page back with the form open
// and filled; a meeting that is not planned (409), not allowed or not found
// gets the error page.
func (s *Server) handleMeetingCancel(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		err = parseForm(w, r)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	acc := currentAccount(r)
	reason := r.PostFormValue("reason")
	m, err := s.db.CancelMeeting(r.Context(), workspace.ActorFor(acc), id, reason)
	if workspace.ErrorCode(err) == workspace.EINVALID {
		s.refuseCancelForm(w, r, id, reason, err)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.meetings.PublishCancelled(r.Context(), m, acc.Name)
	redirectDone(w, r, meetingPath(id), "meeting_cancelled")
}

// refuseCancelForm answers a cancellation refused for its reason: the
// meeting's page, read again, with the form open as it was sent and why.
func (s *Server) refuseCancelForm(w http.ResponseWriter, r *http.Request, id int64, reason string, err error) {
	rec, findErr := s.db.FindMeetingRecord(r.Context(), id)
	if findErr != nil {
		s.renderError(w, r, findErr)
		return
	}
	p, view, ok := s.meetingPage(w, r, rec)
	if !ok {
		return
	}
	view.Cancel = &cancelForm{Reason: reason, Error: p.formErrorText(err)}
	s.render(w, r, statusOf(err), "meeting", p)
}
