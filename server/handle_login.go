package server

import (
	"net"
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
	p.Data = loginView{Next: safeNext(r.URL.Query().Get("next"))}
	s.render(w, r, http.StatusOK, "login", p)
}

// handleLogin checks an email and password. An unknown email, a wrong
// password, an account without a password and a deactivated account all
// get the same answer after the same work (one argon2id check), so the
// form does not tell which emails have accounts.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "login.title")
	view := loginView{Next: "/"}
	if err := parseForm(w, r); err != nil {
		view.Error = p.ErrorText(err)
		p.Data = view
		s.render(w, r, http.StatusBadRequest, "login", p)
		return
	}
	email := workspace.NormalizeEmail(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	view.Email, view.Next = email, safeNext(r.PostFormValue("next"))
	addr := clientAddress(r)

	if !s.throttle.Allowed(email, addr) {
		s.logger.Warn("login throttled", "email", email, "addr", addr)
		w.Header().Set("Retry-After", "900")
		view.Error = p.T("login.throttled")
		p.Data = view
		s.render(w, r, http.StatusTooManyRequests, "login", p)
		return
	}

	acc, err := s.db.FindAccountByEmail(r.Context(), email)
	if err != nil && workspace.ErrorCode(err) != workspace.ENOTFOUND {
		s.serverError(w, r, err)
		return
	}
	hash := ""
	if acc != nil {
		hash = acc.PasswordHash
	}
	ok := workspace.CheckPassword(hash, password)
	if !ok || acc == nil || !acc.Active {
		s.throttle.Fail(email, addr)
		view.Error = p.T("login.failed")
		p.Data = view
		s.render(w, r, http.StatusUnauthorized, "login", p)
		return
	}
	s.throttle.Succeed(email)
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

// clientAddress returns the IP address of the client. Tawla does not trust
// forwarding headers: behind a proxy, all clients share the proxy's address
// budget, which errs on the side of refusing.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
