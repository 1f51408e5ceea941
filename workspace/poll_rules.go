package workspace

// The rules of votes. The secretariat prepares, opens and closes polls;
// a member with a voting right votes, once, while the poll is open (and,
// for a poll kept to those present, once marked present).

// CanReadPolls reports whether actor may see polls, their turnout and
// results: members, the secretariat and admins.
func CanReadPolls(actor Actor) error {
	if !actor.Reaches(AccessMember) {
		return forbidden("You may not see the table's votes.")
	}
	return nil
}

// CanManagePolls reports whether actor may prepare, open and close polls:
// the secretariat and admins.
func CanManagePolls(actor Actor) error {
	if !actor.Reaches(AccessStaff) {
		return forbidden("Only the secretariat runs votes.")
	}
	return nil
}

// CanChangePoll reports whether actor may change p's settings: the
// secretariat, while p is a draft.
func CanChangePoll(actor Actor, p *Poll) error {
	if err := CanManagePolls(actor); err != nil {
		return err
	}
	if p.Status != PollDraft {
		return &Error{Code: ECONFLICT, Key: "error.poll.not_draft", Message: "A poll's settings cannot change once it is open."}
	}
	return nil
}

// CanCastVote reports whether actor may vote in p: an active member with
// a voting right, of an organisation still active, while p is open. A
// deactivated organisation has left the table: its people keep their
// accounts but no longer vote, as the electorate no longer counts them.
// Presence, for a poll kept to those present, is the store's to check
// against the meeting's attendance.
func CanCastVote(actor Actor, p *Poll) error {
	if !actor.Reaches(AccessMember) || !actor.CanVote {
		return &Error{Code: EFORBIDDEN, Key: "error.poll.no_vote", Message: "You have no voting right."}
	}
	if !actor.System && !actor.OrganisationActive {
		return &Error{Code: EFORBIDDEN, Key: "error.poll.organisation_inactive",
			Message: "Your organisation has been deactivated: its people no longer vote."}
	}
	if p.Status != PollOpen {
		return &Error{Code: ECONFLICT, Key: "error.poll.not_open", Message: "The poll is not open."}
	}
	return nil
}

// CheckVersionVotable reports why a poll may not be put on v, or nil: a
// version adopted by a vote — or published, which only an adopted version
// is — stays adopted by the poll that did, so another poll on it would
// decide nothing and could only show a contrary outcome beside the one
// that stands.
func CheckVersionVotable(v *Version, published bool) error {
	if v.AdoptedAt != nil || published {
		return &Error{Code: ECONFLICT, Key: "error.poll.version_adopted",
			Message: "This version is already adopted: a new poll on it would decide nothing."}
	}
	return nil
}

// CheckNoOtherOpenPoll reports why a poll on a version may not open while
// another poll on the same version is open (openOthers of them), or nil:
// the two could end with contrary outcomes on one question.
func CheckNoOtherOpenPoll(openOthers int) error {
	if openOthers > 0 {
		return &Error{Code: ECONFLICT, Key: "error.poll.version_poll_open",
			Message: "Another poll on this version is open: close it before opening this one."}
	}
	return nil
}
