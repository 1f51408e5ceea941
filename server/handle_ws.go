package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/gorilla/websocket"

	"tawla/live"
	"tawla/workspace"
)

// wsUpgrader opens websockets. Sizes of zero let gorilla reuse the buffered
// reader net/http already has for the connection, and the pool shares write
// buffers among connections, which hold one only while writing: an idle
// connection then costs no buffer of its own. The origin is checked before
// the upgrade, with a proper error page.
var wsUpgrader = websocket.Upgrader{
	WriteBufferPool: &sync.Pool{},
	CheckOrigin:     func(*http.Request) bool { return true },
}

// handleWebsocket upgrades an authenticated request to the live channel.
// The Origin must be this site's: Go's cross-origin guard does not cover
// the GET that opens a websocket, and a cookie alone would let any site
// open one in a member's name.
func (s *Server) handleWebsocket(w http.ResponseWriter, r *http.Request) {
	if !s.sameOrigin(r) {
		s.logger.Warn("websocket origin refused", "origin", r.Header.Get("Origin"), "host", r.Host)
		s.renderError(w, r, &workspace.Error{Code: workspace.EFORBIDDEN, Key: "error.cross_origin", Message: "This request came from another site and was refused."})
		return
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		s.renderError(w, r, &workspace.Error{Code: workspace.EUNAUTHORIZED, Key: "error.unauthorized", Message: "Please log in."})
		return
	}
	token, sess, acc := c.Value, currentSession(r), currentAccount(r)
	info := live.ConnInfo{
		SessionID: sess.ID,
		AccountID: acc.ID,
		Address:   s.clientAddress(r),
		// The session is read again for every subscription and message,
		// so that a revoked or idle session, a deactivation or a role
		// change takes effect on the next one; a message is a use of the
		// session, which keeps it from ending for idleness.
		Account: func(ctx context.Context) (*workspace.Account, error) {
			_, acc, err := s.findSession(ctx, token)
			return acc, err
		},
		Localize: s.websocketErrorText(r),
	}
	// Over the limits, the refusal is an HTTP answer the page can read,
	// before any upgrade.
	ticket, err := s.hub.Reserve(info)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	// live.Upgrade opens it over a connection through which the hub
	// gathers the frames waiting for the client into one write.
	conn, err := live.Upgrade(&wsUpgrader, w, r, nil)
	if err != nil {
		// Upgrade has already answered the client.
		ticket.Cancel()
		s.logger.Info("websocket upgrade failed", "err", err)
		return
	}
	// The request context ends when the handler returns, which Serve
	// outlives only by its cleanup; a detached context keeps the connection
	// independent of the HTTP server's request bookkeeping.
	ticket.Serve(context.WithoutCancel(r.Context()), conn)
}

// sameOrigin reports whether the request's Origin is this site: the host
// the request was sent to, or the configured base URL.
func (s *Server) sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	return strings.EqualFold(u.Host, r.Host) || strings.EqualFold(u.Scheme+"://"+u.Host, s.baseURL.Scheme+"://"+s.baseURL.Host)
}
