package workspace

import "time"

// Session lifetimes.
const (
	// SessionLifetime is how long a session lasts after login.
	SessionLifetime = 30 * 24 * time.Hour
	// InvitationLifetime is how long an invitation link may be used.
	InvitationLifetime = 7 * 24 * time.Hour
	// DefaultSessionIdle is how long a session may go unused before it
	// ends, unless the deployment chooses otherwise (-session-idle). A
	// working day: the person who uses Tawla through the day on their own
	// phone stays logged in, while a session left open on the shared
	// computer of a State service's front desk does not wait there
	// overnight for the next person. The absolute limit,
	// SessionLifetime, still applies.
	DefaultSessionIdle = 8 * time.Hour
	// MinSessionIdle is the shortest idle limit a deployment may choose:
	// the last use is recorded at most once every SessionUseInterval, so a
	// shorter limit would end sessions that are in use.
	MinSessionIdle = 5 * time.Minute
	// SessionUseInterval is how often, at most, the last use of a session
	// is written: a request or a live message records it only when the
	// record is at least this old, so that reading pages costs no write
	// per request.
	SessionUseInterval = time.Minute
)

// Session is a server-side login. The browser holds the token; the store
// keeps only its digest.
type Session struct {
	ID        string // digest of the token
	AccountID int64
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt *time.Time
	// LastSeenAt is the last recorded use, within SessionUseInterval; nil
	// for a session made before uses were recorded, which counts as
	// unused since it was made.
	LastSeenAt *time.Time
}

// IdleAt reports whether the session, at now, has gone unused for idle or
// longer, and so has ended. A session without a recorded use (made before
// uses were recorded) is idle from when it was made: one left open
// overnight before an upgrade does not come back to life at its next use.
func (s *Session) IdleAt(now time.Time, idle time.Duration) bool {
	last := s.CreatedAt
	if s.LastSeenAt != nil {
		last = *s.LastSeenAt
	}
	return !now.Before(last.Add(idle))
}

// EndedAt reports whether the session has ended at now: revoked, past its
// lifetime, or unused for idle (IdleAt). Whether its account is still
// active is the account's to say.
func (s *Session) EndedAt(now time.Time, idle time.Duration) bool {
	return s.RevokedAt != nil || !now.Before(s.ExpiresAt) || s.IdleAt(now, idle)
}

// UseDue reports whether a use at now should be recorded: the record is
// missing or at least SessionUseInterval old.
func (s *Session) UseDue(now time.Time) bool {
	return s.LastSeenAt == nil || now.Sub(*s.LastSeenAt) >= SessionUseInterval
}

// Invitation is a one-time link that lets a person set their password. It
// expires after InvitationLifetime and is spent by its first use.
type Invitation struct {
	ID        string // digest of the token
	AccountID int64
	CreatedBy *int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}
