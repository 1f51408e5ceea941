package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"tawla/workspace"
)

// sessionCookie is the name of the cookie that holds the session token.
const sessionCookie = "tawla_session"

type contextKey int

const (
	accountKey contextKey = iota
	sessionKey
	// sessionEndedKey marks a request whose cookie named a session that
	// has ended (idle, expired or revoked).
	sessionEndedKey
)

// currentAccount returns the logged-in account of the request, or nil.
func currentAccount(r *http.Request) *workspace.Account {
	acc, _ := r.Context().Value(accountKey).(*workspace.Account)
	return acc
}

// currentSession returns the request's live session, or nil.
func currentSession(r *http.Request) *workspace.Session {
	s, _ := r.Context().Value(sessionKey).(*workspace.Session)
	return s
}

// sessionEnded reports whether the request came with the cookie of a
// session that has ended, so that the login page can say so.
func sessionEnded(r *http.Request) bool {
	ended, _ := r.Context().Value(sessionEndedKey).(bool)
	return ended
}

// withSession looks up the session named by the request's cookie and, when
// it is live, puts it and its account in the request context. The account is
// read from the store on every request, so a role change or a deactivation
// takes effect at once. A dead cookie is cleared, and the request marked
// (sessionEnded).
func (s *Server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		sess, acc, err := s.findSession(r.Context(), c.Value)
		if err != nil {
			if workspace.ErrorCode(err) != workspace.EUNAUTHORIZED {
				s.serverError(w, r, err)
				return
			}
			s.clearSessionCookie(w, r)
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionEndedKey, true)))
			return
		}
		ctx := context.WithValue(r.Context(), accountKey, acc)
		ctx = context.WithValue(ctx, sessionKey, sess)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// findSession returns the live session for token and its account, as the
// store's FindSession does, and records the session's use when it is due
// (at most once every workspace.SessionUseInterval), so that a session in
// use does not end for idleness. A failure to record is logged, not
// returned: the request reads, and its session is live.
func (s *Server) findSession(ctx context.Context, token string) (*workspace.Session, *workspace.Account, error) {
	sess, acc, err := s.db.FindSession(ctx, token)
	if err != nil {
		return nil, nil, err
	}
	if sess.UseDue(s.db.Now()) {
		if err := s.db.TouchSession(ctx, sess.ID); err != nil {
			s.logger.Warn("record session use", "account", acc.ID, "err", err)
		}
	}
	return sess, acc, nil
}

// requireAccess refuses a request whose account does not reach level: an
// anonymous visitor is sent to the login page (or told 401 when it is not a
// page view), which says so when the visitor's session has ended; a
// logged-in one gets 403.
func (s *Server) requireAccess(level workspace.Access, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		acc := currentAccount(r)
		if level.Allows(acc) {
			next(w, r)
			return
		}
		if acc == nil {
			if r.Method == http.MethodGet && !isWebsocketUpgrade(r) {
				target := "/login?next=" + url.QueryEscape(r.URL.RequestURI())
				if sessionEnded(r) {
					redirectDone(w, r, target, "session_ended")
					return
				}
				http.Redirect(w, r, target, http.StatusSeeOther)
				return
			}
			s.renderError(w, r, &workspace.Error{Code: workspace.EUNAUTHORIZED, Key: "error.unauthorized", Message: "Please log in."})
			return
		}
		s.renderError(w, r, &workspace.Error{Code: workspace.EFORBIDDEN, Key: "error.forbidden", Message: "You may not do this."})
	})
}

// startSession logs acc in on the browser that sent r: it creates a new
// session, revokes the one the browser held (closing its live connections,
// so that a shared computer never keeps the previous person's channel) and
// hands the browser the new token. The login form and an accepted
// invitation both end with it; the caller has checked the credential.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, acc *workspace.Account) error {
	replacing := ""
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		replacing = workspace.TokenDigest(c.Value)
	}
	token, err := s.db.CreateSession(r.Context(), acc.ID, replacing)
	if err != nil {
		return err
	}
	if replacing != "" {
		s.hub.CloseSession(replacing)
	}
	s.setSessionCookie(w, r, token)
	return nil
}

// setSessionCookie hands the browser its session token.
func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    token,
		Path:     "/",
		MaxAge:   int(workspace.SessionLifetime.Seconds()),
		HttpOnly: true,
		Secure:   s.secureCookies(r),
		SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   s.secureCookies(r),
		SameSite: http.SameSiteLaxMode,
	})
}

// secureCookies reports whether cookies must be marked Secure: when Tawla is
// served over TLS, directly or behind a proxy that its base URL names.
func (s *Server) secureCookies(r *http.Request) bool {
	return r.TLS != nil || s.baseURL.Scheme == "https"
}

// safeNext returns target when it is a path on this site, and "/" otherwise,
// so that the login form cannot be used to send people elsewhere.
func safeNext(target string) string {
	if target == "" || !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") || strings.HasPrefix(target, "/\\") {
		return "/"
	}
	u, err := url.Parse(target)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return target
}

func isWebsocketUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}
