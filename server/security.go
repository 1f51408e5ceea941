package server

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"

	"tawla/workspace"
)

// contentSecurityPolicy allows only Tawla's own scripts, styles and
// connections (its websocket included), no inline script, and no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// withSecurityHeaders sets the headers every response carries.
func (s *Server) withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.secureCookies(r) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// withCrossOriginProtection refuses state-changing requests that a browser
// sends from another site (Go's CrossOriginProtection, which reads
// Sec-Fetch-Site and Origin), with a 403 page.
func (s *Server) withCrossOriginProtection(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.logger.Warn("cross-origin request refused", "method", r.Method, "path", logPath(r), "origin", r.Header.Get("Origin"))
		s.renderError(w, r, &workspace.Error{Code: workspace.EFORBIDDEN, Key: "error.cross_origin", Message: "This request came from another site and was refused."})
	}))
	return cop.Handler(next)
}

// withRecovery turns a panic in a handler into a 500 page and a log line
// with the stack, so a bug never shows a stack trace to a user.
func (s *Server) withRecovery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.serverError(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// setEditorStylePolicy allows, for this response only, <style> elements
// that carry a fresh nonce, and returns the nonce. CodeMirror adds its
// stylesheet to the page as a <style> element (EditorView.cspNonce), which
// the site-wide policy refuses; style attributes stay refused.
func setEditorStylePolicy(w http.ResponseWriter) (string, error) {
	var b [18]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("style nonce: %w", err)
	}
	nonce := base64.RawURLEncoding.EncodeToString(b[:])
	policy := strings.Replace(contentSecurityPolicy, "style-src 'self'", "style-src 'self' 'nonce-"+nonce+"'", 1)
	if policy == contentSecurityPolicy {
		return "", fmt.Errorf("style nonce: the content security policy has no style-src 'self'")
	}
	w.Header().Set("Content-Security-Policy", policy)
	return nonce, nil
}
