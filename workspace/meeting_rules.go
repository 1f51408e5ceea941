package workspace

// The rules of meetings. Meetings are the table's: members, the
// secretariat and admins read them; stakeholders do not. The secretariat
// plans them, runs the live room and records decisions; an invited member
// checks in and asks for the floor; an organisation reports on its own
// actions.

// CanReadMeetings reports whether actor may see meetings, their agendas,
// minutes, decisions and actions: members, the secretariat and admins.
func CanReadMeetings(actor Actor) error {
	if !actor.Reaches(AccessMember) {
		return forbidden("You may not see the table's meetings.")
	}
	return nil
}

// CanManageMeetings reports whether actor may plan meetings, change them
// and their agendas and attendance, run the live room and record
// decisions and actions: the secretariat and admins.
func CanManageMeetings(actor Actor) error {
	if !actor.Reaches(AccessStaff) {
		return forbidden("Only the secretariat runs meetings.")
	}
	return nil
}

// CanChangeMeeting reports whether actor may change m's details, agenda or
// invitations: the secretariat, while m is neither closed nor cancelled.
func CanChangeMeeting(actor Actor, m *Meeting) error {
	if err := CanManageMeetings(actor); err != nil {
		return err
	}
	if err := meetingNotCancelled(m); err != nil {
		return err
	}
	if m.Status == MeetingClosed {
		return &Error{Code: ECONFLICT, Key: "error.meeting.closed", Message: "The meeting is closed."}
	}
	return nil
}

// CanCorrectAttendance reports whether actor may correct the attendance
// of m after its close: the secretariat, while m is closed and its minutes
// — which the correction writes again — are not yet approved. Before the
// close, attendance changes under CanChangeMeeting.
func CanCorrectAttendance(actor Actor, m *Meeting) error {
	if err := CanManageMeetings(actor); err != nil {
		return err
	}
	if err := meetingNotCancelled(m); err != nil {
		return err
	}
	if m.Status != MeetingClosed {
		return &Error{Code: ECONFLICT, Key: "error.meeting.not_closed", Message: "The meeting is not closed: record the attendance as usual."}
	}
	if m.MinutesApprovedAt != nil {
		return &Error{Code: ECONFLICT, Key: "error.meeting.attendance_sealed", Message: "The minutes of this meeting have been approved: its attendance can no longer be corrected."}
	}
	return nil
}

// CanStartMeeting reports whether actor may start m: the secretariat, when
// m is planned.
func CanStartMeeting(actor Actor, m *Meeting) error {
	if err := CanManageMeetings(actor); err != nil {
		return err
	}
	if err := meetingNotCancelled(m); err != nil {
		return err
	}
	if m.Status != MeetingPlanned {
		return &Error{Code: ECONFLICT, Key: "error.meeting.not_planned", Message: "The meeting has already started."}
	}
	return nil
}

// CanCancelMeeting reports whether actor may cancel m: the secretariat,
// while m is planned. A live or closed meeting took place and is closed,
// not cancelled; a cancelled one stays cancelled.
func CanCancelMeeting(actor Actor, m *Meeting) error {
	if err := CanManageMeetings(actor); err != nil {
		return err
	}
	if err := meetingNotCancelled(m); err != nil {
		return err
	}
	if m.Status != MeetingPlanned {
		return &Error{Code: ECONFLICT, Key: "error.meeting.cancel_not_planned", Message: "Only a planned meeting can be cancelled: this one has started or is closed."}
	}
	return nil
}

// CheckMeetingNotCancelled returns ECONFLICT (error.meeting.cancelled) for
// a cancelled meeting, whose page is a record only: every write to a
// meeting, its agenda, attendance, room, decisions and polls checks it in
// its transaction, through the rules above or directly.
func CheckMeetingNotCancelled(m *Meeting) error { return meetingNotCancelled(m) }

func meetingNotCancelled(m *Meeting) error {
	if m.Cancelled() {
		return &Error{Code: ECONFLICT, Key: "error.meeting.cancelled", Message: "The meeting was cancelled: it no longer changes."}
	}
	return nil
}

// CanRunMeeting reports whether actor may run m's live room (move the
// current item, give the floor) or close it: the secretariat, while m is
// live.
func CanRunMeeting(actor Actor, m *Meeting) error {
	if err := CanManageMeetings(actor); err != nil {
		return err
	}
	return meetingIsLive(m)
}

// CanTakePart reports whether actor may check in to m and ask for the
// floor: a member invited to it (inv is actor's invitation, nil when not
// invited), or the secretariat, while m is live.
func CanTakePart(actor Actor, m *Meeting, inv *MeetingInvitee) error {
	if err := CanReadMeetings(actor); err != nil {
		return err
	}
	if inv == nil && !actor.Reaches(AccessStaff) {
		return &Error{Code: EFORBIDDEN, Key: "error.meeting.not_invited", Message: "You are not invited to this meeting."}
	}
	return meetingIsLive(m)
}

func meetingIsLive(m *Meeting) error {
	if err := meetingNotCancelled(m); err != nil {
		return err
	}
	if m.Status != MeetingLive {
		return &Error{Code: ECONFLICT, Key: "error.meeting.not_live", Message: "The meeting is not in session."}
	}
	return nil
}

// CanUpdateAction reports whether actor may change the status of a: the
// secretariat, or a member of the organisation that owns it.
func CanUpdateAction(actor Actor, a *Action) error {
	if actor.Reaches(AccessStaff) {
		return nil
	}
	if actor.Reaches(AccessMember) && actor.OrganisationID == a.OwnerOrganisationID {
		return nil
	}
	return forbidden("Only the secretariat and the owner organisation update an action.")
}
