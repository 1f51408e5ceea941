package server

import (
	"net/http"

	"tawla/workspace"
)

// withdrawFormView is the secretariat's form that withdraws an entry from
// the register: the reason the public will read, and what replaces it.
type withdrawFormView struct {
	Entry *workspace.RegisterEntry
	// Replacements are the other entries in force, one of which may
	// replace the withdrawn one.
	Replacements []registerChoice
	// The fields as typed.
	Reason     string
	ReplacedBy int64
	Error      string
	Field      string
}

// handleRegisterWithdrawForm shows the form that withdraws an entry in
// force or superseded; an entry already withdrawn is a conflict.
func (s *Server) handleRegisterWithdrawForm(w http.ResponseWriter, r *http.Request) {
	entry, ok := s.registerEntryFromPath(w, r)
	if !ok {
		return
	}
	view, _, err := s.newWithdrawForm(r, entry)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderWithdrawForm(w, r, http.StatusOK, view, nil)
}

// handleRegisterWithdraw withdraws an entry, with its reason and, if
// chosen, the entry that replaces it, then goes back to the register. The
// entry stays readable on the public site, under a banner that says why.
func (s *Server) handleRegisterWithdraw(w http.ResponseWriter, r *http.Request) {
	entry, ok := s.registerEntryFromPath(w, r)
	if !ok {
		return
	}
	view, choices, err := s.newWithdrawForm(r, entry)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	formErr := parseForm(w, r)
	if formErr != nil && !formKept(formErr) {
		s.renderWithdrawForm(w, r, statusOf(formErr), view, formErr)
		return
	}
	view.Reason = formValue(r, "reason")
	replacedBy, err := registerEntryChoice(r, "replaced_by", choices,
		"error.publication.replacement_invalid", "Choose another entry of the register, in force, as the replacement.")
	view.ReplacedBy = replacedBy
	if formErr != nil {
		// A value that could not be read, repaired: refused first.
		err = formErr
	}
	if err == nil {
		view.Reason, err = workspace.ValidateWithdrawalReason(view.Reason)
	}
	if err == nil {
		err = s.db.WithdrawEntry(r.Context(), workspace.ActorFor(currentAccount(r)), entry.ID, view.Reason, replacedBy)
	}
	if err != nil {
		if statusOf(err) == http.StatusInternalServerError {
			s.serverError(w, r, err)
			return
		}
		s.renderWithdrawForm(w, r, statusOf(err), view, err)
		return
	}
	s.publishChange("register.withdrawn", "register_entry", entry.ID)
	redirectDone(w, r, "/register#"+entry.Identifier(), "entry_withdrawn")
}

// newWithdrawForm returns the form for entry and the entries that may
// replace it; an entry already withdrawn is an ECONFLICT error.
func (s *Server) newWithdrawForm(r *http.Request, entry *workspace.RegisterEntry) (*withdrawFormView, []*workspace.RegisterEntry, error) {
	if entry.Status() == workspace.RegisterWithdrawn {
		return nil, nil, &workspace.Error{Code: workspace.ECONFLICT, Key: "error.publication.already_withdrawn",
			Message: "This register entry is already withdrawn."}
	}
	entries, err := s.db.FindRegisterEntries(r.Context(), s.today())
	if err != nil {
		return nil, nil, err
	}
	choices := registerEntriesInForce(entries, entry.ID)
	lang := s.pageLanguage(r)
	return &withdrawFormView{Entry: entry, Replacements: registerChoices(choices, lang)}, choices, nil
}

// renderWithdrawForm shows the withdrawal form with status and the problem
// of formErr, if any.
func (s *Server) renderWithdrawForm(w http.ResponseWriter, r *http.Request, status int, view *withdrawFormView, formErr error) {
	p := s.newPage(r, "register.withdraw.title")
	p.Title = p.T("register.withdraw.heading", "Name", view.Entry.Identifier())
	p.Section = "register"
	view.Error = p.formErrorText(formErr)
	view.Field = fieldError(formErr)
	p.Data = view
	s.render(w, r, status, "register_withdraw", p)
}
