package meeting

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"tawla/workspace"
)

// TestNewState checks the snapshot of a room: empty lists are [] and the
// poll null, times are UTC with milliseconds, only open requests for the
// floor are listed, in order, and the quorum counts the voting invitees.
func TestNewState(t *testing.T) {
	now := time.Date(2026, 12, 6, 23, 0, 1, 234_000_000, time.FixedZone("Tunis", 3600))
	empty := NewState(&workspace.MeetingRecord{Meeting: &workspace.Meeting{ID: 4, Status: workspace.MeetingPlanned, QuorumRule: workspace.QuorumNone}}, now)
	data, err := json.Marshal(empty)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"items":[]`, `"speakers":[]`, `"attendance":[]`, `"poll":null`, `"currentItem":null`, `"now":"2026-12-06T22:00:01.234Z"`, `"kind":"meeting.state"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("empty snapshot %s lacks %s", data, want)
		}
	}

	item := int64(2)
	since := now.Add(-time.Minute)
	started := now.Add(-10 * time.Second)
	org := &workspace.Organisation{NameFR: "Commune de Mahdia", NameAR: "بلدية المهدية"}
	voter := func(id int64, name string) *workspace.Account {
		return &workspace.Account{ID: id, Name: name, Active: true, CanVote: true, Organisation: org}
	}
	rec := &workspace.MeetingRecord{
		Meeting: &workspace.Meeting{ID: 4, Status: workspace.MeetingLive, QuorumRule: workspace.QuorumHalfPlusOne, CurrentItemID: &item, CurrentItemSince: &since},
		Items: []*workspace.AgendaItem{
			{ID: 1, Position: 1, Kind: workspace.ItemMinutesApproval, SourceMeetingTitle: "Plénière de juin", DurationMinutes: 5, SpentSeconds: 300},
			{ID: 2, Position: 2, Kind: workspace.ItemOrdinary, Title: "Parcours", DurationMinutes: 20},
		},
		Invitees: []*workspace.MeetingInvitee{
			{AccountID: 7, Attendance: workspace.AttendancePresent, Account: voter(7, "Kamel")},
			{AccountID: 8, Attendance: workspace.AttendanceInvited, Account: voter(8, "سلوى")},
		},
		Speakers: []*workspace.Speaker{
			{ID: 11, AccountID: 8, Status: workspace.SpeakerSpeaking, RequestedAt: since, StartedAt: &started, Account: voter(8, "سلوى")},
			{ID: 12, AccountID: 9, Status: workspace.SpeakerWithdrawn, RequestedAt: since},
			{ID: 13, AccountID: 7, Status: workspace.SpeakerWaiting, RequestedAt: now, Account: voter(7, "Kamel")},
		},
	}
	st := NewState(rec, now)
	if st.CurrentItem == nil || *st.CurrentItem != 2 || *st.CurrentSince != "2026-12-06T21:59:01.234Z" {
		t.Errorf("current item %v since %v", st.CurrentItem, st.CurrentSince)
	}
	if st.Items[0].Title != "" || st.Items[0].SourceMeetingTitle != "Plénière de juin" || st.Items[0].SpentSeconds != 300 {
		t.Errorf("first item %+v", st.Items[0])
	}
	if len(st.Speakers) != 2 || st.Speakers[0].ID != 11 || st.Speakers[1].ID != 13 || st.Speakers[0].StartedAt == nil || st.Speakers[1].StartedAt != nil {
		t.Errorf("speakers %+v", st.Speakers)
	}
	if st.Speakers[0].Organisation.AR != "بلدية المهدية" || st.Speakers[0].Name != "سلوى" {
		t.Errorf("speaker %+v", st.Speakers[0])
	}
	if q := st.Quorum; q.Electorate != 2 || q.Present != 1 || q.Required != 2 || q.Reached {
		t.Errorf("quorum %+v", q)
	}
}
