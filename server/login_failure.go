package server

import (
	"context"

	"tawla/workspace"
)

// recordFailedLogin notes a wrong password at the login form, tried from
// addr for the account acc (nil when no account has the email).
//
// For an account that exists, the failure goes to the audit log with the
// address (never the password): the staff see who is being tried, and
// filter such entries by their action like any other. The login throttle
// bounds how many one address can cause, so the log is not flooded.
//
// For an unknown email, the failure is only logged. The audit log is a
// record of what happened to the things Tawla holds, kept for ever and
// never changed: an unknown email is no such thing, and what people type
// there — a colleague's address, a typo, sometimes a password typed in
// the wrong field — must not stay in it for good.
//
// The audit write runs after the answer, in the background: a write made
// only for known accounts would otherwise make their answer slower than
// an unknown email's, and tell which emails have accounts.
func (s *Server) recordFailedLogin(ctx context.Context, acc *workspace.Account, addr string) {
	if acc == nil {
		s.logger.Info("login failed for an unknown email", "addr", addr)
		return
	}
	s.logger.Info("login failed", "account", acc.ID, "addr", addr)
	ctx = context.WithoutCancel(ctx)
	id := acc.ID
	s.background.Go(func() {
		if err := s.db.RecordFailedLogin(ctx, id, addr); err != nil {
			s.logger.Error("record failed login", "account", id, "addr", addr, "err", err)
			return
		}
		s.hub.Publish(topicAudit, changeEvent{Kind: workspace.AuditAccountLoginFailed, Entity: "account", ID: id})
	})
}
