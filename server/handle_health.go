package server

import (
	"io/fs"
	"net/http"

	"tawla/web"
)

// handleHealth answers 200 when the store answers, for load balancers and
// monitoring.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if _, err := s.db.AppliedMigrations(r.Context()); err != nil {
		s.logger.Error("health check", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("unavailable\n"))
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}

// staticFiles serves web/static; directory listings are refused.
var staticFiles = func() http.Handler {
	sub, err := fs.Sub(web.FS, "static")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	return http.StripPrefix("/static/", http.FileServerFS(sub))
}()

func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/static/" || r.URL.Path[len(r.URL.Path)-1] == '/' {
		s.handleNotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	staticFiles.ServeHTTP(w, r)
}

// handleFavicon answers the browsers that ask for /favicon.ico without
// reading the page's icon link.
func (s *Server) handleFavicon(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/static/favicon.svg", http.StatusMovedPermanently)
}
