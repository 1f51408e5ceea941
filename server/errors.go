package server

import (
	"net/http"
	"net/url"
	"strings"

	"tawla/workspace"
)

// errorStatus maps each workspace error code to its HTTP status. It is the
// only place where that mapping is made.
var errorStatus = map[string]int{
	workspace.EINVALID:      http.StatusBadRequest,
	workspace.ENOTFOUND:     http.StatusNotFound,
	workspace.EFORBIDDEN:    http.StatusForbidden,
	workspace.EUNAUTHORIZED: http.StatusUnauthorized,
	workspace.ECONFLICT:     http.StatusConflict,
	workspace.ETHROTTLED:    http.StatusTooManyRequests,
	workspace.EINTERNAL:     http.StatusInternalServerError,
}

// statusOf returns the HTTP status for err.
func statusOf(err error) int {
	if st, ok := errorStatus[workspace.ErrorCode(err)]; ok {
		return st
	}
	return http.StatusInternalServerError
}

// renderError answers with err's status and an error page that shows the
// user-safe message in the visitor's language. Internal errors are logged
// with their detail and shown as a generic message.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		s.logger.Error("request failed", "method", r.Method, "path", logPath(r), "err", err)
	}
	p := s.newPage(r, "error.title")
	p.Status = status
	p.Data = errorView{Message: p.ErrorText(err), Status: status}
	s.render(w, r, status, "error", p)
}

// serverError answers 500 for an unexpected failure.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.renderError(w, r, &internalError{err})
}

// internalError wraps an unexpected error so that it maps to EINTERNAL while
// keeping its detail for the log.
type internalError struct{ err error }

func (e *internalError) Error() string { return e.err.Error() }
func (e *internalError) Unwrap() error { return e.err }

type errorView struct {
	Message string
	Status  int
}

// handleNotFound answers an address no route serves. Under /public, where
// readers have no account, the page is the public site's, with its menu
// and search, not the members' one that offers to log in; an address there
// that only lacks its trailing slash's removal is sent to the one without
// it.
func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	notFound := &workspace.Error{Code: workspace.ENOTFOUND, Key: "error.page_not_found", Message: "This page does not exist."}
	if r.URL.Path != "/public" && !strings.HasPrefix(r.URL.Path, "/public/") {
		s.renderError(w, r, notFound)
		return
	}
	if trimmed := strings.TrimRight(r.URL.Path, "/"); trimmed != r.URL.Path && strings.HasPrefix(trimmed, "/public") &&
		(r.Method == http.MethodGet || r.Method == http.MethodHead) {
		target := &url.URL{Path: trimmed, RawQuery: r.URL.RawQuery}
		http.Redirect(w, r, target.String(), http.StatusMovedPermanently)
		return
	}
	s.renderPublicError(w, r, notFound)
}
