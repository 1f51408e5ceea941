package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tawla/internal/testsupport"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// TestLoadMeetings checks the demo's meetings: a closed plenary in French
// with its attendance, an agenda linked to the procedures, a decision on
// every item, actions done, overdue and not yet due, and minutes; a closed
// working group in Arabic with its decisions; and the next plenary,
// planned, which received the minutes to approve and the matters arising.
func TestLoadMeetings(t *testing.T) {
	ctx := context.Background()
	db, clock := testsupport.OpenStore(t)
	now := clock.Now()
	meetings, _, err := db.FindMeetings(ctx, sqlite.MeetingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var pastPlenary, nextPlenary, pastGroup, nextGroup *workspace.MeetingRecord
	for _, m := range meetings {
		rec, err := db.FindMeetingRecord(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case m.Kind == workspace.MeetingPlenary && m.Status == workspace.MeetingClosed:
			pastPlenary = rec
		case m.Kind == workspace.MeetingPlenary && m.Status == workspace.MeetingPlanned:
			nextPlenary = rec
		case m.Kind == workspace.MeetingWorkingGroup && m.Status == workspace.MeetingClosed:
			pastGroup = rec
		case m.Kind == workspace.MeetingWorkingGroup && m.Status == workspace.MeetingPlanned:
			nextGroup = rec
		}
	}
	if pastPlenary == nil || nextPlenary == nil || pastGroup == nil || nextGroup == nil {
		t.Fatalf("want a closed and a planned plenary and working group; found %d meetings", len(meetings))
	}

	t.Run("PastPlenary", func(t *testing.T) {
		m := pastPlenary.Meeting
		if m.Language != "fr" || !m.StartsAt.Before(now) || m.ClosedAt == nil || !m.ClosedAt.Before(now.Add(-24*time.Hour)) {
			t.Errorf("past plenary: language %s, starts %v, closed %v; want French, held and closed days ago", m.Language, m.StartsAt, m.ClosedAt)
		}
		if !m.CarriedOver {
			t.Errorf("past plenary was not carried over")
		}
		attendance := map[workspace.Attendance]int{}
		for _, inv := range pastPlenary.Invitees {
			attendance[inv.Attendance]++
		}
		for _, a := range []workspace.Attendance{workspace.AttendancePresent, workspace.AttendanceExcused, workspace.AttendanceAbsent} {
			if attendance[a] == 0 {
				t.Errorf("nobody %s at the past plenary: %v", a, attendance)
			}
		}
		if n := len(pastPlenary.Items); n < 4 || n > 5 {
			t.Errorf("past plenary has %d items, want 4 or 5", n)
		}
		linked := map[int64]bool{}
		outcomes := map[workspace.DecisionOutcome]int{}
		for _, it := range pastPlenary.Items {
			for _, p := range it.Procedures {
				linked[p.ID] = true
			}
			if it.Decision == nil {
				t.Errorf("item %q has no decision", it.Title)
				continue
			}
			outcomes[it.Decision.Outcome]++
			if it.SpentSeconds <= 0 {
				t.Errorf("item %q took no time", it.Title)
			}
		}
		if len(linked) < 2 {
			t.Errorf("the agenda links %d procedures, want both", len(linked))
		}
		if outcomes[workspace.OutcomeAdopted] == 0 || outcomes[workspace.OutcomePostponed] == 0 {
			t.Errorf("outcomes %v, want adopted and postponed", outcomes)
		}

		actions, _, err := db.FindActions(ctx, sqlite.ActionFilter{MeetingID: m.ID})
		if err != nil {
			t.Fatal(err)
		}
		today := now.In(tunis(t)).Format(workspace.DateLayout)
		var done, overdue, notDue int
		for _, a := range actions {
			if a.OwnerOrganisationID == 0 {
				t.Errorf("action %q has no owner", a.Title)
			}
			switch {
			case a.Status == workspace.ActionDone:
				done++
			case a.Overdue(today):
				overdue++
			case a.Status.Pending():
				notDue++
			}
		}
		if done == 0 || overdue == 0 || notDue == 0 {
			t.Errorf("actions: %d done, %d overdue, %d not yet due; want some of each", done, overdue, notDue)
		}

		if m.MinutesDocumentID == nil {
			t.Fatal("the past plenary has no minutes")
		}
		minutes, _, err := db.LoadDocumentText(ctx, *m.MinutesDocumentID)
		if err != nil {
			t.Fatal(err)
		}
		text := minutes.String()
		for _, want := range []string{"Procès-verbal", "démonstration", "Présents", "Excusés", "Absents", "Adopté", "Reporté", "La séance est levée"} {
			if !strings.Contains(text, want) {
				t.Errorf("the minutes lack %q:\n%s", want, text)
			}
		}
	})

	t.Run("PastGroup", func(t *testing.T) {
		m := pastGroup.Meeting
		if m.Language != "ar" || !strings.ContainsAny(m.Title, "ابتثجحخدذرزسشصضطظعغفقكلمنهوي") {
			t.Errorf("past working group: language %s, title %q; want Arabic", m.Language, m.Title)
		}
		for _, it := range pastGroup.Items {
			if it.Decision == nil {
				t.Errorf("item %q has no decision", it.Title)
			}
		}
		if m.MinutesDocumentID == nil {
			t.Fatal("the working group has no minutes")
		}
	})

	t.Run("NextPlenary", func(t *testing.T) {
		m := nextPlenary.Meeting
		if m.Language != "fr" || !m.StartsAt.After(now) || m.StartsAt.After(now.Add(60*24*time.Hour)) {
			t.Errorf("next plenary: language %s, starts %v; want French, in the coming weeks", m.Language, m.StartsAt)
		}
		kinds := map[workspace.AgendaItemKind]*workspace.AgendaItem{}
		ordinary := 0
		for _, it := range nextPlenary.Items {
			kinds[it.Kind] = it
			if it.Kind == workspace.ItemOrdinary {
				ordinary++
			}
		}
		if ordinary == 0 {
			t.Errorf("the next plenary has no agenda of its own")
		}
		for _, kind := range []workspace.AgendaItemKind{workspace.ItemMinutesApproval, workspace.ItemMattersArising} {
			it := kinds[kind]
			if it == nil {
				t.Errorf("the next plenary has no %s item", kind)
				continue
			}
			if it.SourceMeetingID == nil || *it.SourceMeetingID != pastPlenary.Meeting.ID {
				t.Errorf("the %s item comes from meeting %v, want %d", kind, it.SourceMeetingID, pastPlenary.Meeting.ID)
			}
		}
		if it := kinds[workspace.ItemMattersArising]; it != nil {
			today := now.In(tunis(t)).Format(workspace.DateLayout)
			// Actions done since the close are still followed up, and
			// show as done.
			overdue, done := 0, 0
			for _, a := range it.Actions {
				if a.Status == workspace.ActionDone {
					done++
				}
				if a.Overdue(today) {
					overdue++
				}
			}
			if overdue == 0 || done == 0 || done == len(it.Actions) {
				t.Errorf("matters arising follow up %d actions, %d done since, %d overdue; want pending ones, one overdue, and one done since",
					len(it.Actions), done, overdue)
			}
		}
	})

	t.Run("NextGroup", func(t *testing.T) {
		found := false
		for _, it := range nextGroup.Items {
			if it.Kind == workspace.ItemMinutesApproval && it.SourceMeetingID != nil && *it.SourceMeetingID == pastGroup.Meeting.ID {
				found = true
			}
		}
		if !found {
			t.Errorf("the next working group does not approve the minutes of the first")
		}
	})
}

// tunis returns the demo table's time zone.
func tunis(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Africa/Tunis")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestLoadCancelledMeeting: the demo holds one cancelled working group,
// still ahead, with its reason in French and Arabic and its own agenda.
func TestLoadCancelledMeeting(t *testing.T) {
	ctx := context.Background()
	db, clock := testsupport.OpenStore(t)
	meetings, _, err := db.FindMeetings(ctx, sqlite.MeetingFilter{When: "upcoming"})
	if err != nil {
		t.Fatal(err)
	}
	var cancelled []*workspace.Meeting
	for _, m := range meetings {
		if m.Cancelled() {
			cancelled = append(cancelled, m)
		}
	}
	if len(cancelled) != 1 {
		t.Fatalf("%d cancelled meetings ahead, want 1", len(cancelled))
	}
	m := cancelled[0]
	if m.CancelledAt == nil || !m.CancelledAt.Before(clock.Now()) || !strings.Contains(m.CancelReason, "Ksour Essef") || !strings.Contains(m.CancelReason, "قصور الساف") {
		t.Errorf("cancelled meeting = %+v", m)
	}
	rec, err := db.FindMeetingRecord(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Items) != 2 {
		t.Errorf("the cancelled meeting keeps %d agenda items, want 2", len(rec.Items))
	}
}
