package server

import (
	"net/http"

	"tawla/workspace"
)

type passwordView struct {
	Error string
	Field string
	// Invitation fields, when the form sets a first password.
	Name  string
	Email string
	Token string
}

func (s *Server) handlePasswordForm(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "password.title")
	p.Data = passwordView{}
	s.render(w, r, http.StatusOK, "password", p)
}

// handlePasswordChange checks the current password, stores the new one,
// revokes every session of the account (closing their live connections) and
// starts a fresh session for this browser.
func (s *Server) handlePasswordChange(w http.ResponseWriter, r *http.Request) {
	acc := currentAccount(r)
	p := s.newPage(r, "password.title")
	fail := func(status int, err error) {
		p.Data = passwordView{Error: p.ErrorText(err), Field: fieldError(err)}
		s.render(w, r, status, "password", p)
	}
	if err := parseForm(w, r); err != nil {
		fail(http.StatusBadRequest, err)
		return
	}
	if !workspace.CheckPassword(acc.PasswordHash, r.PostFormValue("current")) {
		fail(http.StatusBadRequest, workspace.Invalid("current", "error.password.current_wrong", "The current password is not right."))
		return
	}
	hash, err := newPasswordHash(r.PostFormValue("password"), r.PostFormValue("confirm"))
	if err != nil {
		fail(statusOf(err), err)
		return
	}
	if err := s.db.SetPassword(r.Context(), workspace.ActorFor(acc), acc.ID, hash); err != nil {
		fail(statusOf(err), err)
		return
	}
	s.hub.CloseAccount(acc.ID)
	token, err := s.db.CreateSession(r.Context(), acc.ID, "")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setSessionCookie(w, r, token)
	redirectDone(w, r, "/", "password_changed")
}

// newPasswordHash validates a new password and its confirmation and returns
// its hash.
func newPasswordHash(password, confirm string) (string, error) {
	if err := workspace.ValidatePassword(password); err != nil {
		return "", err
	}
	if password != confirm {
		return "", workspace.Invalid("confirm", "error.password.mismatch", "The two passwords differ.")
	}
	return workspace.HashPassword(password)
}
