package workspace

import "time"

// Session lifetimes.
const (
	// SessionLifetime is how long a session lasts after login.
	SessionLifetime = 30 * 24 * time.Hour
	// InvitationLifetime is how long an invitation link may be used.
	InvitationLifetime = 7 * 24 * time.Hour
)

// Session is a server-side login. The browser holds the token; the store
// keeps only its digest.
type Session struct {
	ID        string // digest of the token
	AccountID int64
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt *time.Time
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
