package workspace

// Access is the least an account must be to reach a page, a route or a live
// topic. The levels are ordered: each one includes the ones after it.
type Access int

// Access levels, from the most open to the most closed.
const (
	// AccessPublic is open to anyone, without logging in.
	AccessPublic Access = iota
	// AccessAccount needs any active account, stakeholders included.
	AccessAccount
	// AccessMember needs a member of the table, the secretariat or an admin.
	AccessMember
	// AccessStaff needs the secretariat or an admin.
	AccessStaff
	// AccessAdmin needs an admin.
	AccessAdmin
)

// String returns the level's name, as the authorisation matrix prints it.
func (a Access) String() string {
	switch a {
	case AccessPublic:
		return "public"
	case AccessAccount:
		return "account"
	case AccessMember:
		return "member"
	case AccessStaff:
		return "staff"
	case AccessAdmin:
		return "admin"
	}
	return "unknown"
}

// Allows reports whether acc (nil for an anonymous visitor) reaches level.
// It is Actor.Reaches for the account's actor, so that routes and the
// store's rules share one definition of each level.
func (level Access) Allows(acc *Account) bool {
	return ActorFor(acc).Reaches(level)
}
