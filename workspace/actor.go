package workspace

// Actor is who makes a change, and what they may do. The store checks the
// rules of this package (CanManageAccount, CanEditProcedures…) against the
// actor inside the transaction of the change, and names the actor in the
// audit entry it writes.
//
// An actor is one of three things:
//
//   - an account, made by ActorFor from the account the request was
//     authenticated as. It carries that account's role and rights; the
//     store reads them again inside its transaction, so a role change or a
//     deactivation committed in between is the one that counts;
//   - the system, made by SystemActor: the command line and the demo
//     loader. They run with the database file in hand, so nothing would be
//     gained by refusing them; System says so explicitly, rather than
//     letting "no account" mean "every right";
//   - nobody: the zero Actor, which every rule refuses.
type Actor struct {
	// AccountID is the acting account, or nil for the system.
	AccountID *int64
	// Name is the account's name, or the name of the tool acting as the
	// system; the audit log keeps it verbatim.
	Name string
	// Role, CanVote, OrganisationID and Active are the account's, at the
	// time the actor was made. They are zero for the system.
	Role           Role
	CanVote        bool
	OrganisationID int64
	Active         bool
	// OrganisationActive is whether the account's organisation was
	// active at the time the actor was made (false when the account was
	// read without its organisation).
	OrganisationActive bool
	// System is true only for an actor made by SystemActor, and grants
	// every right.
	System bool
}

// ActorFor returns the Actor of a change made by acc, with its role and
// rights. A nil acc gives the zero Actor, which may change nothing.
func ActorFor(acc *Account) Actor {
	if acc == nil {
		return Actor{}
	}
	id := acc.ID
	return Actor{
		AccountID:          &id,
		Name:               acc.Name,
		Role:               acc.Role,
		CanVote:            acc.CanVote,
		OrganisationID:     acc.OrganisationID,
		Active:             acc.Active,
		OrganisationActive: acc.Organisation != nil && acc.Organisation.Active,
	}
}

// SystemActor returns the Actor of a change made outside the web interface
// (the command line, the demo loader), named name in the audit log. It has
// every right: see Actor.
func SystemActor(name string) Actor { return Actor{Name: name, System: true} }

// IsAccount reports whether the actor is the account with id.
func (a Actor) IsAccount(id int64) bool {
	return a.AccountID != nil && *a.AccountID == id
}

// Reaches reports whether the actor reaches level: the system reaches
// every level, an account one according to its role while it is active,
// and nobody only AccessPublic.
func (a Actor) Reaches(level Access) bool {
	if level < AccessPublic || level > AccessAdmin {
		// An unknown level fails closed, even for the system.
		return false
	}
	if level == AccessPublic || a.System {
		return true
	}
	if a.AccountID == nil || !a.Active {
		return false
	}
	switch level {
	case AccessAccount:
		return true
	case AccessMember:
		// An allow-list, so that an unknown role fails closed.
		return a.Role == RoleAdmin || a.Role == RoleSecretariat || a.Role == RoleMember
	case AccessStaff:
		return a.Role == RoleAdmin || a.Role == RoleSecretariat
	case AccessAdmin:
		return a.Role == RoleAdmin
	}
	return false
}
