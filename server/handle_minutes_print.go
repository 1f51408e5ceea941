package server

import (
	"html/template"
	"net/http"

	"tawla/workspace"
)

// minutesPrintView is the printable minutes of a meeting: their current
// text rendered, and the decisions with their actions.
type minutesPrintView struct {
	Meeting *workspace.Meeting
	// HasMinutes is false before the meeting starts: there is no text yet.
	HasMinutes bool
	HTML       template.HTML
	// Agenda gives the decisions and actions, item by item.
	Agenda *agendaView
}

// handleMinutesPrint shows a meeting's minutes for printing: a header with
// the meeting and the state of its minutes, their text as it is now
// rendered from Markdown by the same safe renderer as drafts, and the list
// of decisions with their actions.
func (s *Server) handleMinutesPrint(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.agendaRecordFromPath(w, r)
	if !ok {
		return
	}
	p := s.newPage(r, "minutes_print.title")
	view := minutesPrintView{Meeting: rec.Meeting}
	if id := rec.Meeting.MinutesDocumentID; id != nil {
		text, _, err := s.collab.Text(r.Context(), *id)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if view.HTML, err = renderMarkdown(text); err != nil {
			s.serverError(w, r, err)
			return
		}
		view.HasMinutes = true
	}
	agenda, err := s.agendaFor(r.Context(), p, rec, true)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	view.Agenda = agenda
	p.Title = p.T("minutes_print.title_of", "Name", rec.Meeting.Title)
	p.Section = "meetings"
	p.Data = view
	s.render(w, r, http.StatusOK, "meeting_minutes_print", p)
}
