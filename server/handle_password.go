package server

import (
	"context"
	"errors"
	"net/http"

	"golang.org/x/text/unicode/norm"

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
// starts a fresh session for this browser. The current password is checked
// as a login's is (verifyPassword): someone who found a session open must
// not get unlimited guesses at the password behind it.
func (s *Server) handlePasswordChange(w http.ResponseWriter, r *http.Request) {
	acc := currentAccount(r)
	p := s.newPage(r, "password.title")
	refuse := func(status int, message, field string) {
		p.Data = passwordView{Error: message, Field: field}
		s.render(w, r, status, "password", p)
	}
	fail := func(status int, err error) { refuse(status, p.ErrorText(err), fieldError(err)) }
	busy := func() {
		setRetryAfter(w, passwordWait)
		refuse(http.StatusTooManyRequests, p.T("error.password.busy"), "")
	}
	if err := parseForm(w, r); err != nil {
		fail(http.StatusBadRequest, err)
		return
	}
	switch verdict, retryAfter := s.verifyPassword(r.Context(), acc.Email, s.clientAddress(r), acc.PasswordHash, r.PostFormValue("current"), true); verdict {
	case passwordThrottled:
		setRetryAfter(w, retryAfter)
		refuse(http.StatusTooManyRequests, p.T("password.throttled"), "current")
		return
	case passwordBusy:
		busy()
		return
	case passwordWrong:
		fail(http.StatusBadRequest, workspace.Invalid("current", "error.password.current_wrong", "The current password is not right."))
		return
	}
	hash, err := s.hashNewPassword(r.Context(), r.PostFormValue("password"), r.PostFormValue("confirm"))
	if errors.Is(err, errPasswordBusy) {
		busy()
		return
	} else if err != nil {
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

// hashNewPassword validates a new password and its confirmation and
// returns its hash, made in a slot of the password gate; errPasswordBusy
// (ETHROTTLED, so 429) when no slot freed in time.
func (s *Server) hashNewPassword(ctx context.Context, password, confirm string) (string, error) {
	var hash string
	var err error
	if gateErr := s.passwords.Do(ctx, func() { hash, err = newPasswordHash(password, confirm) }); gateErr != nil {
		return "", errPasswordBusy
	}
	return hash, err
}

// newPasswordHash validates a new password and its confirmation and returns
// its hash. Handlers call hashNewPassword, which bounds the hashing.
func newPasswordHash(password, confirm string) (string, error) {
	if err := workspace.ValidatePassword(password); err != nil {
		return "", err
	}
	// Compared as the hash will compare them: the two fields may come from
	// two keyboards.
	if norm.NFKC.String(password) != norm.NFKC.String(confirm) {
		return "", workspace.Invalid("confirm", "error.password.mismatch", "The two passwords differ.")
	}
	return workspace.HashPassword(password)
}
