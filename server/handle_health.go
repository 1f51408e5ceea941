package server

import (
	"context"
	"net/http"
	"time"
)

// handleHealth answers 200 "ok" when the store answers a read, for load
// balancers and monitoring: the process is alive. Whether it can also
// write is /readyz's question.
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

// readyTimeout bounds the readiness check: a store that cannot start a
// write within it is not ready, whatever holds it up.
const readyTimeout = 2 * time.Second

// handleReady answers 200 "ready" when a write to the store would succeed
// now, and 503 "not ready" when it would not: a database file or disk that
// became read-only, or a write lock held elsewhere for longer than
// readyTimeout. /healthz keeps saying "ok" meanwhile, since reads still
// work; a load balancer sends users only to a ready server. The check
// writes nothing (sqlite.DB.CheckWritable rolls back).
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := s.db.CheckWritable(ctx); err != nil {
		// A warning, not an error: a probe asks every few seconds, and the
		// 503 is the signal; the log says why.
		s.logger.Warn("readiness check: the database does not take writes", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("not ready\n"))
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}
