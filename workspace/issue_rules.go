package workspace

// The rules of issues. Every active account reads the tracker —
// stakeholders too, since a front desk often knows the problem best — and
// comments on it; members, the secretariat and admins report issues and
// change them; the personal details about the person concerned are seen on
// a need-to-know basis only (CanSeeIssuePrivate): the secretariat, admins
// and those in charge of the issue; the secretariat edits the list of
// categories.

// CanReadIssues reports whether actor may see issues, their timelines and
// links (never their private fields: see CanSeeIssuePrivate).
func CanReadIssues(actor Actor) error {
	if !actor.Reaches(AccessAccount) {
		return forbidden("You may not see the issues.")
	}
	return nil
}

// CanSeeIssuePrivate reports whether actor may see and write the private
// fields of issue (IssuePrivate: the returning migrant's name, contact and
// details), returning an EFORBIDDEN error if not. Personal data is shown
// on a need-to-know basis: the secretariat and admins, who hold the
// table's records, and, among members, those in charge of the issue — the
// account that reported it and the members of its owner organisation (an
// issue is assigned to an organisation, not to a person). Other members
// may know that personal details exist, never what they are; stakeholders
// see nothing of them. A reporter who is no longer a member (a role
// changed to stakeholder, a deactivated account) loses the right with the
// role. The issue must be the one read in the transaction that decides.
func CanSeeIssuePrivate(actor Actor, issue *Issue) error {
	if actor.Reaches(AccessStaff) {
		return nil
	}
	if !actor.Reaches(AccessMember) || issue == nil {
		return privateForbidden()
	}
	if actor.IsAccount(issue.ReporterID) {
		return nil
	}
	if owner := issue.OwnerOrganisationID; owner != nil && actor.OrganisationID != 0 && actor.OrganisationID == *owner {
		return nil
	}
	return privateForbidden()
}

// privateForbidden is the refusal of CanSeeIssuePrivate.
func privateForbidden() *Error {
	return &Error{Code: EFORBIDDEN, Key: "error.issue.private_forbidden",
		Message: "Only the secretariat and those in charge of the issue see its personal details."}
}

// CanReportIssue reports whether actor may report a new issue: members,
// the secretariat and admins.
func CanReportIssue(actor Actor) error {
	if !actor.Reaches(AccessMember) {
		return forbidden("Only the table's members report issues.")
	}
	return nil
}

// CanChangeIssue reports whether actor may change an issue — its details,
// status, owner and links: members, the secretariat and admins.
func CanChangeIssue(actor Actor) error {
	if !actor.Reaches(AccessMember) {
		return forbidden("Only the table's members change issues.")
	}
	return nil
}

// CanCommentIssue reports whether actor may comment on an issue and follow
// it: every active account.
func CanCommentIssue(actor Actor) error {
	if !actor.Reaches(AccessAccount) {
		return forbidden("You may not comment.")
	}
	return nil
}

// CanManageCategories reports whether actor may edit the list of issue
// categories: the secretariat and admins.
func CanManageCategories(actor Actor) error {
	if !actor.Reaches(AccessStaff) {
		return forbidden("Only the secretariat edits the categories.")
	}
	return nil
}
