package server

import (
	"net/http"

	"tawla/workspace"
)

type loginView struct {
	Email string
	Next  string
	Error string
}

func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	if currentAccount(r) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	p := s.newPage(r, "login.title").withNotice(r)
	if sessionEnded(r) {
		p.Notice = p.T("notice.session_ended")
	}
	p.Data = loginView{Next: safeNext(r.URL.Query().Get("next"))}
	s.render(w, r, http.StatusOK, "login", p)
}

// handleLogin checks an email and password. An unknown email, a wrong
// password, an account without a password and a deactivated account all
// get the same answer after the same work (one argon2id check), so the
// form does not tell which emails have accounts. The check goes through
// verifyPassword: throttled per account and address and per address,
// slowed down per account, and bounded in how many run at once. A wrong
// password for an existing account is audited (recordFailedLogin).
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "login.title")
	view := loginView{Next: "/"}
	refuse := func(status int, message string) {
		view.Error = message
		p.Data = view
		s.render(w, r, status, "login", p)
	}
	formErr := parseForm(w, r)
	if formErr != nil && !formKept(formErr) {
		refuse(http.StatusBadRequest, p.ErrorText(formErr))
		return
	}
	email := workspace.NormalizeEmail(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	view.Email, view.Next = email, safeNext(r.PostFormValue("next"))
	if formErr != nil {
		// No password is tried: the form comes back with the email.
		refuse(http.StatusBadRequest, p.ErrorText(formErr))
		return
	}

	acc, err := s.db.FindAccountByEmail(r.Context(), email)
	if err != nil && workspace.ErrorCode(err) != workspace.ENOTFOUND {
		s.serverError(w, r, err)
		return
	}
	hash, usable := "", false
	if acc != nil {
		hash, usable = acc.PasswordHash, acc.Active
	}
	addr := s.clientAddress(r)
	switch verdict, retryAfter := s.verifyPassword(r.Context(), email, addr, hash, password, usable); verdict {
	case passwordThrottled:
		setRetryAfter(w, retryAfter)
		refuse(http.StatusTooManyRequests, p.T("login.throttled"))
		return
	case passwordBusy:
		setRetryAfter(w, passwordWait)
		refuse(http.StatusTooManyRequests, p.T("error.password.busy"))
		return
	case passwordWrong:
		refuse(http.StatusUnauthorized, p.T("login.failed"))
		s.recordFailedLogin(r.Context(), acc, addr)
		return
	}
	s.adoptVisitorLanguage(r, acc)

	if err := s.startSession(w, r, acc); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, view.Next, http.StatusSeeOther)
}

// adoptVisitorLanguage saves into the profile the language the visitor
// chose before logging in (the cookie set by ?lang=), so that a person who
// switched the login page to Arabic stays in Arabic.
func (s *Server) adoptVisitorLanguage(r *http.Request, acc *workspace.Account) {
	c, err := r.Cookie(langCookie)
	if err != nil || !workspace.ValidLanguage(c.Value) || c.Value == acc.Language {
		return
	}
	if err := s.db.SetAccountLanguage(r.Context(), acc.ID, c.Value); err != nil {
		s.logger.Error("remember language at login", "account", acc.ID, "err", err)
	}
}

// handleLogout revokes the session, closes its live connections and clears
// the cookie.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	sess := currentSession(r)
	if err := s.db.RevokeSession(r.Context(), sess.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.hub.CloseSession(sess.ID)
	s.clearSessionCookie(w, r)
	redirectDone(w, r, "/login", "logged_out")
}
