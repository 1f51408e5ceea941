package meeting

import (
	"time"

	"tawla/workspace"
)

// StateKind is the kind of the room's snapshot event.
const StateKind = "meeting.state"

// State is the snapshot of a meeting's room that every subscriber
// receives (docs/protocol.md, "Meeting room"): the data of a meeting.state
// event. Times are UTC, in RFC 3339 with milliseconds; Now is the server's
// clock when the snapshot was read, so that a client computes the time
// spent on the current item, and a speaker's time, against its offset
// from the server.
type State struct {
	Kind    string                  `json:"kind"`
	Meeting int64                   `json:"meeting"`
	Title   string                  `json:"title"`
	Status  workspace.MeetingStatus `json:"status"`
	Now     string                  `json:"now"`
	// CurrentItem is the item under discussion, current since
	// CurrentSince; both null when there is none.
	CurrentItem  *int64      `json:"currentItem"`
	CurrentSince *string     `json:"currentSince"`
	Items        []ItemState `json:"items"`
	// Speakers are the open requests for the floor (waiting or speaking),
	// in the order they were asked.
	Speakers   []SpeakerState    `json:"speakers"`
	Attendance []AttendanceState `json:"attendance"`
	Quorum     QuorumState       `json:"quorum"`
	// Poll is the meeting's poll as the room and the projector show it:
	// its open poll, or else the last closed poll of the current item;
	// null when there is none. It names no voter.
	Poll *PollState `json:"poll"`
}

// ItemState is one agenda item in the room. Items the table added itself
// (Kind minutes_approval or matters_arising) have an empty Title: pages
// name them in the reader's language from Kind and SourceMeetingTitle.
type ItemState struct {
	ID                 int64                    `json:"id"`
	Position           int                      `json:"position"`
	Kind               workspace.AgendaItemKind `json:"kind"`
	Title              string                   `json:"title"`
	SourceMeetingTitle string                   `json:"sourceMeetingTitle"`
	PlannedMinutes     int                      `json:"plannedMinutes"`
	// SpentSeconds is the time counted up to the last move away from the
	// item; for the current item, add the time since CurrentSince.
	SpentSeconds int `json:"spentSeconds"`
}

// OrganisationName is an organisation's name in both languages.
type OrganisationName struct {
	FR string `json:"fr"`
	AR string `json:"ar"`
}

// SpeakerState is one request for the floor.
type SpeakerState struct {
	ID           int64                   `json:"id"`
	Account      int64                   `json:"account"`
	Name         string                  `json:"name"`
	Organisation OrganisationName        `json:"organisation"`
	Status       workspace.SpeakerStatus `json:"status"`
	RequestedAt  string                  `json:"requestedAt"`
	StartedAt    *string                 `json:"startedAt"`
}

// AttendanceState is one invitee and their attendance.
type AttendanceState struct {
	Account      int64                `json:"account"`
	Name         string               `json:"name"`
	Organisation OrganisationName     `json:"organisation"`
	CanVote      bool                 `json:"canVote"`
	Attendance   workspace.Attendance `json:"attendance"`
}

// QuorumState is the meeting's quorum at the snapshot.
type QuorumState struct {
	Rule       workspace.QuorumRule `json:"rule"`
	Electorate int                  `json:"electorate"`
	Present    int                  `json:"present"`
	Required   int                  `json:"required"`
	Reached    bool                 `json:"reached"`
}

// timeLayout is how the snapshot writes times.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func formatTimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := formatTime(*t)
	return &s
}

func organisationOf(acc *workspace.Account) OrganisationName {
	if acc == nil || acc.Organisation == nil {
		return OrganisationName{}
	}
	return OrganisationName{FR: acc.Organisation.NameFR, AR: acc.Organisation.NameAR}
}

// NewState returns the snapshot of rec's room read at now. Lists are never
// null, so that clients need not check.
func NewState(rec *workspace.MeetingRecord, now time.Time) *State {
	m := rec.Meeting
	st := &State{
		Kind:       StateKind,
		Meeting:    m.ID,
		Title:      m.Title,
		Status:     m.Status,
		Now:        formatTime(now),
		Items:      make([]ItemState, 0, len(rec.Items)),
		Speakers:   make([]SpeakerState, 0, len(rec.Speakers)),
		Attendance: make([]AttendanceState, 0, len(rec.Invitees)),
	}
	if cur := rec.CurrentItem(); cur != nil {
		id := cur.ID
		st.CurrentItem = &id
		st.CurrentSince = formatTimePtr(m.CurrentItemSince)
	}
	for _, it := range rec.Items {
		st.Items = append(st.Items, ItemState{
			ID: it.ID, Position: it.Position, Kind: it.Kind, Title: it.Title,
			SourceMeetingTitle: it.SourceMeetingTitle,
			PlannedMinutes:     it.DurationMinutes, SpentSeconds: it.SpentSeconds,
		})
	}
	for _, sp := range rec.Speakers {
		if sp.Status != workspace.SpeakerWaiting && sp.Status != workspace.SpeakerSpeaking {
			continue
		}
		s := SpeakerState{
			ID: sp.ID, Account: sp.AccountID, Status: sp.Status,
			RequestedAt: formatTime(sp.RequestedAt), StartedAt: formatTimePtr(sp.StartedAt),
			Organisation: organisationOf(sp.Account),
		}
		if sp.Account != nil {
			s.Name = sp.Account.Name
		}
		st.Speakers = append(st.Speakers, s)
	}
	for _, inv := range rec.Invitees {
		a := AttendanceState{Account: inv.AccountID, Attendance: inv.Attendance, Organisation: organisationOf(inv.Account)}
		if inv.Account != nil {
			a.Name, a.CanVote = inv.Account.Name, inv.Account.CanVote
		}
		st.Attendance = append(st.Attendance, a)
	}
	q := rec.Quorum()
	st.Quorum = QuorumState{Rule: q.Rule, Electorate: q.Electorate, Present: q.Present, Required: q.Required, Reached: q.Reached}
	return st
}
