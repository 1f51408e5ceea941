package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"tawla/workspace"
)

// consultationDateLayout is the form of a consultation's dates: a
// datetime-local input's value, read in the table's time zone.
const consultationDateLayout = "2006-01-02T15:04"

// handleConsultationOpen opens a consultation on a frozen version of a
// procedure (the one chosen, else the latest; the draft when none is
// frozen yet) until a closing date, from an opening date when one is
// given (else at once), both in the table's time zone.
func (s *Server) handleConsultationOpen(w http.ResponseWriter, r *http.Request) {
	proc, ok := s.procedureFromPath(w, r)
	if !ok {
		return
	}
	formErr := parseForm(w, r)
	if formErr != nil && !formKept(formErr) {
		s.renderError(w, r, formErr)
		return
	}
	typed := strings.TrimSpace(formValue(r, "closes_at"))
	typedOpens := strings.TrimSpace(formValue(r, "opens_at"))
	refuse := func(err error) {
		s.refusePanelForm(w, r, proc, "", panelRefusal{Err: err, Thread: &threadForm{Action: "consultation", Text: typed, Opens: typedOpens}})
	}
	if formErr != nil {
		refuse(formErr)
		return
	}
	closes, err := time.ParseInLocation(consultationDateLayout, typed, s.location)
	if err != nil {
		refuse(workspace.Invalid("closes_at", "error.consultation.date_invalid", "Give the closing date and time."))
		return
	}
	cons := &workspace.Consultation{ProcedureID: proc.ID, ClosesAt: closes}
	if typedOpens != "" {
		opens, err := time.ParseInLocation(consultationDateLayout, typedOpens, s.location)
		if err != nil {
			refuse(workspace.Invalid("opens_at", "error.consultation.opens_invalid", "Give the opening date and time, or leave it empty to open now."))
			return
		}
		cons.OpensAt = &opens
	}
	if v := strings.TrimSpace(formValue(r, "version")); v != "" {
		if cons.Version, err = strconv.Atoi(v); err != nil || cons.Version <= 0 {
			refuse(workspace.Invalid("version", "error.consultation.version", "Choose a frozen version of the procedure."))
			return
		}
	}
	if err := s.db.OpenConsultation(r.Context(), workspace.ActorFor(currentAccount(r)), cons); err != nil {
		refuse(err)
		return
	}
	s.publishComment(proc.DocumentID, "consultation.opened", cons.ID)
	redirectDone(w, r, procedureCommentsPath(proc), "consultation_opened")
}

// handleConsultationClose closes the procedure's consultation now, before
// its closing date (or cancels one announced), once the secretariat has
// confirmed it on the page; the store decides who may, and refuses a
// consultation already closed. Pages that show the procedure hear of it
// live.
func (s *Server) handleConsultationClose(w http.ResponseWriter, r *http.Request) {
	proc, ok := s.procedureFromPath(w, r)
	if !ok {
		return
	}
	cons, err := s.db.CloseConsultation(r.Context(), workspace.ActorFor(currentAccount(r)), proc.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.publishComment(proc.DocumentID, "consultation.closed", cons.ID)
	redirectDone(w, r, procedureCommentsPath(proc), "consultation_closed")
}
