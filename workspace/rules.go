package workspace

// The rules below decide whether an actor may make a change. The store
// calls them inside the transaction of the change, after finding the
// objects they look at and before writing anything, so a refused change
// writes nothing, not even an audit entry. Routes check an access level
// first (server's requireAccess); that is a gate, and these rules decide.
//
// A refusal is an EFORBIDDEN *Error whose Key names the message shown to
// the person, except the rule against changing one's own role or
// deactivating oneself, which is a mistake in the form to correct rather
// than a lack of rights, and so is EINVALID on the role field.

// forbidden returns the EFORBIDDEN error of a refused change.
func forbidden(message string) *Error {
	return &Error{Code: EFORBIDDEN, Key: "error.forbidden", Message: message}
}

// CanManageAccount reports whether actor may create, change or invite an
// account that has (or will have) role, returning an EFORBIDDEN error if
// not. The secretariat manages every account except admins; only an admin
// makes or changes an admin.
func CanManageAccount(actor Actor, role Role) error {
	if !actor.Reaches(AccessStaff) {
		return forbidden("You may not manage accounts.")
	}
	if role == RoleAdmin && !actor.Reaches(AccessAdmin) {
		return &Error{Code: EFORBIDDEN, Key: "error.account.admin_only", Message: "Only an administrator may manage administrator accounts."}
	}
	return nil
}

// CanUpdateAccount reports whether actor may change the account before
// into after (the same account, after.ID == before.ID). The actor must
// manage both the old and the new role, so the secretariat can neither
// touch an admin nor make one. Nobody may deactivate themselves or change
// their own role, so that a table cannot lose its last administrator by
// accident.
func CanUpdateAccount(actor Actor, before, after *Account) error {
	if err := CanManageAccount(actor, before.Role); err != nil {
		return err
	}
	if err := CanManageAccount(actor, after.Role); err != nil {
		return err
	}
	if actor.IsAccount(before.ID) && (!after.Active || after.Role != before.Role) {
		return Invalid("role", "error.account.self_change", "You cannot deactivate your own account or change your own role.")
	}
	return nil
}

// CanInvite reports whether actor may make an invitation link for acc, a
// link that sets acc's password without asking for the current one. The
// actor must manage acc's role (CanManageAccount), and:
//
//   - never for their own account: whoever holds an open session could
//     otherwise take the account over without its password, which the
//     password form asks for (error.invitation.self);
//   - a link for an account that already has a password is a reset, with
//     which its holder can log in as that person and vote as them: an
//     admin only (error.invitation.reset_admin_only). The secretariat
//     makes the first link of an account that has no password yet.
func CanInvite(actor Actor, acc *Account) error {
	if err := CanManageAccount(actor, acc.Role); err != nil {
		return err
	}
	if actor.IsAccount(acc.ID) {
		return &Error{Code: EFORBIDDEN, Key: "error.invitation.self",
			Message: "You cannot make an invitation link for your own account: change your password with the password form."}
	}
	if acc.PasswordHash != "" && !actor.Reaches(AccessAdmin) {
		return &Error{Code: EFORBIDDEN, Key: "error.invitation.reset_admin_only",
			Message: "This person already has a password: only an administrator may make a link to reset it."}
	}
	return nil
}

// CanSetPassword reports whether actor may set the password of acc: an
// active account sets its own, and whoever manages acc's role may reset it.
func CanSetPassword(actor Actor, acc *Account) error {
	if actor.IsAccount(acc.ID) && actor.Reaches(AccessAccount) {
		return nil
	}
	return CanManageAccount(actor, acc.Role)
}

// CanManageOrganisations reports whether actor may create organisations
// and change them (deactivating one included): the secretariat and admins.
func CanManageOrganisations(actor Actor) error {
	if !actor.Reaches(AccessStaff) {
		return forbidden("You may not manage organisations.")
	}
	return nil
}

// CanEditProcedures reports whether actor may create procedures and change
// their details: members, the secretariat and admins, not stakeholders,
// who comment instead.
func CanEditProcedures(actor Actor) error {
	if !actor.Reaches(AccessMember) {
		return forbidden("You may not edit procedures.")
	}
	return nil
}
