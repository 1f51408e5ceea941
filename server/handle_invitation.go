package server

import (
	"net/http"

	"tawla/workspace"
)

// invitationView is the form where an invited person sets their password.
type invitationView struct {
	Name  string
	Email string
	Token string
	// Chosen is the language picked with ?lang= on the page, which the
	// form carries to its post; "" when the page is in the account's
	// language.
	Chosen string
	Error  string
	Field  string
}

// handleInvitationForm shows the form where an invited person sets their
// password, in the language the secretariat gave the account. The token in
// the link is the only credential.
func (s *Server) handleInvitationForm(w http.ResponseWriter, r *http.Request) {
	acc, err := s.db.FindInvitation(r.Context(), r.PathValue("token"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	r, chosen := inInvitedLanguage(r, acc)
	p := s.newPage(r, "invitation.title")
	p.Data = invitationView{Name: acc.Name, Email: acc.Email, Token: r.PathValue("token"), Chosen: chosen}
	s.render(w, r, http.StatusOK, "invitation", p)
}

// handleInvitationAccept spends the invitation, sets the password and logs
// the person in, so that the link leads straight to the home page.
func (s *Server) handleInvitationAccept(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	acc, err := s.db.FindInvitation(r.Context(), token)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	r, chosen := inInvitedLanguage(r, acc)
	p := s.newPage(r, "invitation.title")
	fail := func(status int, err error) {
		p.Data = invitationView{Name: acc.Name, Email: acc.Email, Token: token, Chosen: chosen, Error: p.ErrorText(err), Field: fieldError(err)}
		s.render(w, r, status, "invitation", p)
	}
	if err := parseForm(w, r); err != nil {
		fail(http.StatusBadRequest, err)
		return
	}
	hash, err := s.hashNewPassword(r.Context(), r.PostFormValue("password"), r.PostFormValue("confirm"))
	if err != nil {
		fail(statusOf(err), err)
		return
	}
	if acc, err = s.db.UseInvitation(r.Context(), token, hash); err != nil {
		s.renderError(w, r, err)
		return
	}
	// A reset link ends every session of the account, live ones included.
	s.hub.CloseAccount(acc.ID)
	// The person chose another language on the page: it is theirs from
	// now on, as a choice made on the login page is.
	if chosen != "" && chosen != acc.Language {
		if err := s.db.SetAccountLanguage(r.Context(), acc.ID, chosen); err != nil {
			s.logger.Error("remember language at invitation", "account", acc.ID, "err", err)
		}
	}
	if err := s.startSession(w, r, acc); err != nil {
		s.serverError(w, r, err)
		return
	}
	redirectDone(w, r, "/", "password_set")
}

// inInvitedLanguage returns r in the language of the invited account acc,
// which the secretariat chose when making it: the person opens the link
// on any browser, whose languages say little about theirs. A ?lang= on the
// address still wins, and is returned as chosen ("" otherwise).
func inInvitedLanguage(r *http.Request, acc *workspace.Account) (_ *http.Request, chosen string) {
	if lang := r.URL.Query().Get("lang"); workspace.ValidLanguage(lang) {
		return r, lang
	}
	if !workspace.ValidLanguage(acc.Language) {
		return r, ""
	}
	return r.WithContext(contextWithLanguage(r.Context(), acc.Language)), ""
}
