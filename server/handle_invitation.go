package server

import (
	"net/http"
)

// handleInvitationForm shows the form where an invited person sets their
// password. The token in the link is the only credential.
func (s *Server) handleInvitationForm(w http.ResponseWriter, r *http.Request) {
	acc, err := s.db.FindInvitation(r.Context(), r.PathValue("token"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := s.newPage(r, "invitation.title")
	p.Data = passwordView{Name: acc.Name, Email: acc.Email, Token: r.PathValue("token")}
	s.render(w, r, http.StatusOK, "invitation", p)
}

// handleInvitationAccept spends the invitation and sets the password, then
// sends the person to the login page.
func (s *Server) handleInvitationAccept(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	acc, err := s.db.FindInvitation(r.Context(), token)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := s.newPage(r, "invitation.title")
	fail := func(status int, err error) {
		p.Data = passwordView{Name: acc.Name, Email: acc.Email, Token: token, Error: p.ErrorText(err), Field: fieldError(err)}
		s.render(w, r, status, "invitation", p)
	}
	if err := parseForm(w, r); err != nil {
		fail(http.StatusBadRequest, err)
		return
	}
	hash, err := newPasswordHash(r.PostFormValue("password"), r.PostFormValue("confirm"))
	if err != nil {
		fail(statusOf(err), err)
		return
	}
	if _, err := s.db.UseInvitation(r.Context(), token, hash); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.hub.CloseAccount(acc.ID)
	redirectDone(w, r, "/login", "password_set")
}
