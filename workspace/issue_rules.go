package workspace

// The rules of issues. Every active account reads the tracker —
// stakeholders too, since a front desk often knows the problem best — and
// comments on it; members, the secretariat and admins report issues, change
// them and see the private fields about the person concerned; the
// secretariat edits the list of categories.

// CanReadIssues reports whether actor may see issues, their timelines and
// links (never their private fields: see CanSeePrivateFields).
func CanReadIssues(actor Actor) error {
	if !actor.Reaches(AccessAccount) {
		return forbidden("You may not see the issues.")
	}
	return nil
}

// CanSeePrivateFields reports whether actor may see and write the private
// fields of issues: members, the secretariat and admins.
func CanSeePrivateFields(actor Actor) error {
	if !actor.Reaches(AccessMember) {
		return forbidden("You may not see personal details.")
	}
	return nil
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
