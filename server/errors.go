package server

import (
	"net/http"

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
		s.logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
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

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, &workspace.Error{Code: workspace.ENOTFOUND, Key: "error.page_not_found", Message: "This page does not exist."})
}
