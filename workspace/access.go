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
func (level Access) Allows(acc *Account) bool {
	if level == AccessPublic {
		return true
	}
	if acc == nil || !acc.Active {
		return false
	}
	switch level {
	case AccessAccount:
		return true
	case AccessMember:
		// An allow-list, so that an unknown role fails closed.
		return acc.Role == RoleAdmin || acc.Role == RoleSecretariat || acc.Role == RoleMember
	case AccessStaff:
		return acc.Role == RoleAdmin || acc.Role == RoleSecretariat
	case AccessAdmin:
		return acc.Role == RoleAdmin
	}
	return false
}

// CanManageAccount reports whether actor may create or change an account
// that has (or will have) role, returning an EFORBIDDEN error if not. The
// secretariat manages every account except admins; only an admin makes or
// changes an admin.
func CanManageAccount(actor *Account, role Role) error {
	if !AccessStaff.Allows(actor) {
		return &Error{Code: EFORBIDDEN, Key: "error.forbidden", Message: "You may not manage accounts."}
	}
	if role == RoleAdmin && actor.Role != RoleAdmin {
		return &Error{Code: EFORBIDDEN, Key: "error.account.admin_only", Message: "Only an administrator may manage administrator accounts."}
	}
	return nil
}
