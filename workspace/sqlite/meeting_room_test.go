package sqlite_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"tawla/workspace"
)

func TestAttendance(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	db := tb.db
	m := tb.newMeeting("Groupe de travail", workspace.MeetingWorkingGroup, time.Hour)
	if err := db.CreateMeeting(ctx, tb.staff, m, []int64{tb.member.ID, tb.member2.ID}); err != nil {
		t.Fatal(err)
	}

	t.Run("Set", func(t *testing.T) {
		if err := db.SetAttendance(ctx, tb.staff, m.ID, tb.member2.ID, workspace.AttendanceExcused); err != nil {
			t.Fatal(err)
		}
		if inv := tb.mustRecord(t, m.ID).Invitee(tb.member2.ID); inv.Attendance != workspace.AttendanceExcused || inv.CheckedInAt != nil {
			t.Errorf("invitee = %+v", inv)
		}
		e := wantAudit(t, db, workspace.AuditAttendanceSet, "meeting", m.ID)
		if b, a := decodeAudit(t, e.Before), decodeAudit(t, e.After); b["attendance"] != "invited" || a["attendance"] != "excused" {
			t.Errorf("audit %s → %s", e.Before, e.After)
		}
		dump := mustDumpTables(t, db)
		// The same attendance again writes nothing.
		if err := db.SetAttendance(ctx, tb.staff, m.ID, tb.member2.ID, workspace.AttendanceExcused); err != nil {
			t.Fatal(err)
		}
		refusedUnchanged(t, db, dump, db.SetAttendance(ctx, tb.memberActor, m.ID, tb.member.ID, workspace.AttendancePresent), workspace.EFORBIDDEN, "")
		refusedUnchanged(t, db, dump, db.SetAttendance(ctx, tb.staff, m.ID, tb.admin.ID, workspace.AttendancePresent), workspace.EINVALID, "error.meeting.not_invitee")
		refusedUnchanged(t, db, dump, db.SetAttendance(ctx, tb.staff, m.ID, 9999, workspace.AttendancePresent), workspace.EINVALID, "error.meeting.not_invitee")
		refusedUnchanged(t, db, dump, db.SetAttendance(ctx, tb.staff, m.ID, tb.member.ID, "late"), workspace.EINVALID, "error.meeting.attendance_invalid")
		refusedUnchanged(t, db, dump, db.SetAttendance(ctx, tb.staff, 9999, tb.member.ID, workspace.AttendancePresent), workspace.ENOTFOUND, "")
	})

	t.Run("CheckIn", func(t *testing.T) {
		dump := mustDumpTables(t, db)
		refusedUnchanged(t, db, dump, db.CheckIn(ctx, tb.memberActor, m.ID), workspace.ECONFLICT, "error.meeting.not_live")
		tb.mustStart(t, m)
		dump = mustDumpTables(t, db)
		refusedUnchanged(t, db, dump, db.CheckIn(ctx, tb.stakeholderActor, m.ID), workspace.EFORBIDDEN, "")
		refusedUnchanged(t, db, dump, db.CheckIn(ctx, workspace.ActorFor(tb.admin), m.ID), workspace.EFORBIDDEN, "error.meeting.not_invited")
		refusedUnchanged(t, db, dump, db.CheckIn(ctx, tb.staff, m.ID), workspace.EFORBIDDEN, "error.meeting.not_invited")
		refusedUnchanged(t, db, dump, db.CheckIn(ctx, tb.memberActor, 9999), workspace.ENOTFOUND, "")

		tb.clock.Add(5 * time.Minute)
		if err := db.CheckIn(ctx, tb.memberActor, m.ID); err != nil {
			t.Fatal(err)
		}
		rec := tb.mustRecord(t, m.ID)
		inv := rec.Invitee(tb.member.ID)
		if inv.Attendance != workspace.AttendancePresent || inv.CheckedInAt == nil || !inv.CheckedInAt.Equal(tb.clock.Now()) {
			t.Errorf("checked-in invitee = %+v", inv)
		}
		wantAudit(t, db, workspace.AuditAttendanceCheckIn, "meeting", m.ID)
		// member and member2 vote; one of two present reaches no
		// half-plus-one quorum.
		if q := rec.Quorum(); q.Electorate != 2 || q.Present != 1 || q.Reached {
			t.Errorf("quorum = %+v", q)
		}

		dump = mustDumpTables(t, db)
		tb.clock.Add(time.Minute)
		if err := db.CheckIn(ctx, tb.memberActor, m.ID); err != nil {
			t.Errorf("checking in twice: %v", err)
		}
		if mustDumpTables(t, db) != dump {
			t.Errorf("checking in twice wrote to the database")
		}
	})

	t.Run("Closed", func(t *testing.T) {
		if _, err := db.CloseMeeting(ctx, tb.staff, m.ID); err != nil {
			t.Fatal(err)
		}
		dump := mustDumpTables(t, db)
		refusedUnchanged(t, db, dump, db.SetAttendance(ctx, tb.staff, m.ID, tb.member2.ID, workspace.AttendancePresent), workspace.ECONFLICT, "error.meeting.closed")
		refusedUnchanged(t, db, dump, db.CheckIn(ctx, workspace.ActorFor(tb.member2), m.ID), workspace.ECONFLICT, "error.meeting.not_live")
	})
}

func TestStartMeeting(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	db := tb.db
	m := tb.mustCreate(t, "Plénière", workspace.MeetingPlenary, time.Hour)
	first := tb.mustAddItem(t, m, "Ouverture")
	tb.mustAddItem(t, m, "Clôture")

	dump := mustDumpTables(t, db)
	called := false
	prefill := func(r *workspace.MeetingRecord) string { called = true; return "# PV\n" }
	_, err := db.StartMeeting(ctx, tb.memberActor, m.ID, prefill)
	refusedUnchanged(t, db, dump, err, workspace.EFORBIDDEN, "")
	_, err = db.StartMeeting(ctx, tb.staff, 9999, prefill)
	refusedUnchanged(t, db, dump, err, workspace.ENOTFOUND, "")
	if called {
		t.Errorf("a refused start called prefill")
	}
	_, err = db.StartMeeting(ctx, tb.staff, m.ID, func(*workspace.MeetingRecord) string { return "PV \xff" })
	refusedUnchanged(t, db, dump, err, workspace.EINVALID, "error.text.utf8")

	var seen *workspace.MeetingRecord
	started, err := db.StartMeeting(ctx, tb.staff, m.ID, func(r *workspace.MeetingRecord) string {
		seen = r
		return "# Procès-verbal\n\n" + r.Items[0].Title + "\n"
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen == nil || len(seen.Items) != 2 || len(seen.Invitees) != 4 || seen.Meeting.Status != workspace.MeetingLive || seen.Meeting.StartedAt == nil {
		t.Errorf("prefill saw %+v", seen)
	}
	now := tb.clock.Now()
	if started.Status != workspace.MeetingLive || started.StartedAt == nil || !started.StartedAt.Equal(now) || started.MinutesDocumentID == nil ||
		started.CurrentItemID == nil || *started.CurrentItemID != first.ID || !started.CurrentItemSince.Equal(now) {
		t.Errorf("started = %+v", started)
	}
	stored, err := db.FindMeetingByID(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Status != workspace.MeetingLive || *stored.MinutesDocumentID != *started.MinutesDocumentID || *stored.CurrentItemID != first.ID {
		t.Errorf("stored = %+v", stored)
	}
	doc, err := db.FindDocumentByID(ctx, *started.MinutesDocumentID)
	if err != nil {
		t.Fatal(err)
	}
	text, _, err := db.LoadDocumentText(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Kind != workspace.DocumentMinutes || text.String() != "# Procès-verbal\n\nOuverture\n" {
		t.Errorf("minutes = %s %q", doc.Kind, text.String())
	}
	wantAudit(t, db, workspace.AuditMeetingStart, "meeting", m.ID)

	dump = mustDumpTables(t, db)
	_, err = db.StartMeeting(ctx, tb.staff, m.ID, prefill)
	refusedUnchanged(t, db, dump, err, workspace.ECONFLICT, "error.meeting.not_planned")

	t.Run("EmptyAgenda", func(t *testing.T) {
		empty := tb.mustCreate(t, "Sans ordre du jour", workspace.MeetingWorkingGroup, time.Hour)
		started, err := db.StartMeeting(ctx, tb.staff, empty.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if started.CurrentItemID != nil || started.MinutesDocumentID == nil {
			t.Errorf("started = %+v", started)
		}
	})
}

func TestLiveRoomStore(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	db := tb.db
	m := tb.mustCreate(t, "Plénière", workspace.MeetingPlenary, time.Hour)
	first := tb.mustAddItem(t, m, "Ouverture")
	second := tb.mustAddItem(t, m, "Procédures")
	other := tb.mustCreate(t, "Autre", workspace.MeetingWorkingGroup, time.Hour)
	foreign := tb.mustAddItem(t, other, "Ailleurs")
	member2 := workspace.ActorFor(tb.member2)

	dump := mustDumpTables(t, db)
	refusedUnchanged(t, db, dump, db.MoveCurrentItem(ctx, tb.staff, m.ID, second.ID), workspace.ECONFLICT, "error.meeting.not_live")
	_, err := db.AskFloor(ctx, tb.memberActor, m.ID)
	refusedUnchanged(t, db, dump, err, workspace.ECONFLICT, "error.meeting.not_live")

	tb.mustStart(t, m)

	t.Run("MoveCurrentItem", func(t *testing.T) {
		tb.clock.Add(90 * time.Second)
		if err := db.MoveCurrentItem(ctx, tb.staff, m.ID, second.ID); err != nil {
			t.Fatal(err)
		}
		rec := tb.mustRecord(t, m.ID)
		if rec.CurrentItem() == nil || rec.CurrentItem().ID != second.ID || !rec.Meeting.CurrentItemSince.Equal(tb.clock.Now()) {
			t.Errorf("current item = %+v since %v", rec.CurrentItem(), rec.Meeting.CurrentItemSince)
		}
		if got := rec.Item(first.ID).SpentSeconds; got != 90 {
			t.Errorf("first item spent %d s, want 90", got)
		}
		e := wantAudit(t, db, workspace.AuditMeetingMoveItem, "meeting", m.ID)
		if b, a := decodeAudit(t, e.Before), decodeAudit(t, e.After); b["item_id"] != float64(first.ID) || a["item_id"] != float64(second.ID) {
			t.Errorf("audit %s → %s", e.Before, e.After)
		}
		tb.clock.Add(30 * time.Second)
		if err := db.MoveCurrentItem(ctx, tb.staff, m.ID, first.ID); err != nil {
			t.Fatal(err)
		}
		tb.clock.Add(10 * time.Second)
		if err := db.MoveCurrentItem(ctx, tb.staff, m.ID, second.ID); err != nil {
			t.Fatal(err)
		}
		rec = tb.mustRecord(t, m.ID)
		if a, b := rec.Item(first.ID).SpentSeconds, rec.Item(second.ID).SpentSeconds; a != 100 || b != 30 {
			t.Errorf("spent %d s and %d s, want 100 and 30", a, b)
		}

		dump := mustDumpTables(t, db)
		refusedUnchanged(t, db, dump, db.MoveCurrentItem(ctx, tb.memberActor, m.ID, first.ID), workspace.EFORBIDDEN, "")
		refusedUnchanged(t, db, dump, db.MoveCurrentItem(ctx, tb.staff, m.ID, foreign.ID), workspace.ENOTFOUND, "")
		refusedUnchanged(t, db, dump, db.MoveCurrentItem(ctx, tb.staff, m.ID, 9999), workspace.ENOTFOUND, "")
		refusedUnchanged(t, db, dump, db.MoveCurrentItem(ctx, tb.staff, 9999, first.ID), workspace.ENOTFOUND, "")
		// Moving to the current item changes nothing.
		if err := db.MoveCurrentItem(ctx, tb.staff, m.ID, second.ID); err != nil {
			t.Fatal(err)
		}
		if mustDumpTables(t, db) != dump {
			t.Errorf("moving to the current item wrote to the database")
		}
	})

	var asked []*workspace.Speaker
	t.Run("AskFloor", func(t *testing.T) {
		for _, actor := range []workspace.Actor{member2, tb.memberActor, tb.staff} {
			tb.clock.Add(time.Second)
			sp, err := db.AskFloor(ctx, actor, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if sp.Status != workspace.SpeakerWaiting || sp.AgendaItemID == nil || *sp.AgendaItemID != second.ID || sp.Account == nil || sp.Account.ID != *actor.AccountID {
				t.Errorf("request = %+v", sp)
			}
			asked = append(asked, sp)
		}
		wantAudit(t, db, workspace.AuditSpeakerAsk, "meeting", m.ID)
		dump := mustDumpTables(t, db)
		_, err := db.AskFloor(ctx, tb.memberActor, m.ID)
		refusedUnchanged(t, db, dump, err, workspace.ECONFLICT, "error.meeting.already_asked")
		_, err = db.AskFloor(ctx, tb.stakeholderActor, m.ID)
		refusedUnchanged(t, db, dump, err, workspace.EFORBIDDEN, "")
		_, err = db.AskFloor(ctx, workspace.ActorFor(tb.admin), other.ID) // staff, but not live
		refusedUnchanged(t, db, dump, err, workspace.ECONFLICT, "error.meeting.not_live")

		rec := tb.mustRecord(t, m.ID)
		var ids []int64
		for _, sp := range rec.Speakers {
			ids = append(ids, sp.AccountID)
			if sp.Account == nil || sp.Account.Organisation == nil || sp.Account.PasswordHash != "" {
				t.Errorf("speaker %+v without account", sp)
			}
		}
		if want := []int64{tb.member2.ID, tb.member.ID, tb.secretariat.ID}; !slices.Equal(ids, want) {
			t.Errorf("speakers = %v, want %v (request order)", ids, want)
		}
	})

	t.Run("Floor", func(t *testing.T) {
		// The secretariat gives the floor out of order, then follows the list.
		if err := db.GiveFloor(ctx, tb.staff, m.ID, asked[1].ID); err != nil {
			t.Fatal(err)
		}
		wantAudit(t, db, workspace.AuditSpeakerGive, "meeting", m.ID)
		dump := mustDumpTables(t, db)
		refusedUnchanged(t, db, dump, db.GiveFloor(ctx, tb.staff, m.ID, asked[1].ID), workspace.ECONFLICT, "error.meeting.speaker_not_waiting")
		refusedUnchanged(t, db, dump, db.GiveFloor(ctx, tb.staff, other.ID, asked[0].ID), workspace.ECONFLICT, "error.meeting.not_live")
		refusedUnchanged(t, db, dump, db.GiveFloor(ctx, tb.staff, m.ID, 9999), workspace.ENOTFOUND, "")
		refusedUnchanged(t, db, dump, db.GiveFloor(ctx, tb.memberActor, m.ID, asked[0].ID), workspace.EFORBIDDEN, "")
		_, err := db.NextSpeaker(ctx, tb.memberActor, m.ID)
		refusedUnchanged(t, db, dump, err, workspace.EFORBIDDEN, "")
		refusedUnchanged(t, db, dump, db.EndSpeaker(ctx, tb.memberActor, m.ID), workspace.EFORBIDDEN, "")
		// Speaking is not waiting: asking again is refused too.
		_, err = db.AskFloor(ctx, tb.memberActor, m.ID)
		refusedUnchanged(t, db, dump, err, workspace.ECONFLICT, "error.meeting.already_asked")

		tb.clock.Add(2 * time.Minute)
		next, err := db.NextSpeaker(ctx, tb.staff, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if next == nil || next.ID != asked[0].ID || next.Status != workspace.SpeakerSpeaking || next.Account == nil {
			t.Fatalf("next speaker = %+v, want request %d", next, asked[0].ID)
		}
		rec := tb.mustRecord(t, m.ID)
		if len(rec.Speakers) != 2 || rec.Speakers[0].ID != asked[0].ID || rec.Speakers[0].Status != workspace.SpeakerSpeaking ||
			!rec.Speakers[0].StartedAt.Equal(tb.clock.Now()) {
			t.Errorf("speakers = %+v", rec.Speakers)
		}
		// The one who spoke may ask again.
		again, err := db.AskFloor(ctx, tb.memberActor, m.ID)
		if err != nil {
			t.Fatal(err)
		}

		// Withdrawing: the secretariat's request goes; a second withdrawal
		// writes nothing.
		if err := db.WithdrawFloor(ctx, tb.staff, m.ID); err != nil {
			t.Fatal(err)
		}
		wantAudit(t, db, workspace.AuditSpeakerWithdraw, "meeting", m.ID)
		dump = mustDumpTables(t, db)
		if err := db.WithdrawFloor(ctx, tb.staff, m.ID); err != nil {
			t.Fatal(err)
		}
		// The speaker's own turn is not withdrawn, only ended by the chair.
		if err := db.WithdrawFloor(ctx, member2, m.ID); err != nil {
			t.Fatal(err)
		}
		if mustDumpTables(t, db) != dump {
			t.Errorf("withdrawing with no waiting request wrote to the database")
		}
		refusedUnchanged(t, db, dump, db.WithdrawFloor(ctx, tb.stakeholderActor, m.ID), workspace.EFORBIDDEN, "")
		refusedUnchanged(t, db, dump, db.WithdrawFloor(ctx, tb.memberActor, 9999), workspace.ENOTFOUND, "")

		if err := db.EndSpeaker(ctx, tb.staff, m.ID); err != nil {
			t.Fatal(err)
		}
		wantAudit(t, db, workspace.AuditSpeakerEnd, "meeting", m.ID)
		rec = tb.mustRecord(t, m.ID)
		if len(rec.Speakers) != 1 || rec.Speakers[0].ID != again.ID {
			t.Errorf("speakers = %+v, want only request %d", rec.Speakers, again.ID)
		}
		dump = mustDumpTables(t, db)
		if err := db.EndSpeaker(ctx, tb.staff, m.ID); err != nil {
			t.Fatal(err)
		}
		if mustDumpTables(t, db) != dump {
			t.Errorf("ending no turn wrote to the database")
		}

		next, err = db.NextSpeaker(ctx, tb.staff, m.ID)
		if err != nil || next == nil || next.ID != again.ID {
			t.Fatalf("NextSpeaker = %+v, %v", next, err)
		}
		next, err = db.NextSpeaker(ctx, tb.staff, m.ID)
		if err != nil || next != nil {
			t.Fatalf("NextSpeaker with nobody waiting = %+v, %v", next, err)
		}
		if n := len(tb.mustRecord(t, m.ID).Speakers); n != 0 {
			t.Errorf("%d open requests, want none", n)
		}
	})

	t.Run("Close", func(t *testing.T) {
		if _, err := db.AskFloor(ctx, member2, m.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.NextSpeaker(ctx, tb.staff, m.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AskFloor(ctx, tb.memberActor, m.ID); err != nil {
			t.Fatal(err)
		}
		since := tb.mustRecord(t, m.ID).Item(second.ID).SpentSeconds
		tb.clock.Add(5 * time.Minute)
		closed, err := db.CloseMeeting(ctx, tb.staff, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if closed.Status != workspace.MeetingClosed || closed.ClosedAt == nil || closed.CurrentItemID != nil {
			t.Errorf("closed = %+v", closed)
		}
		rec := tb.mustRecord(t, m.ID)
		if len(rec.Speakers) != 0 || rec.Meeting.Status != workspace.MeetingClosed {
			t.Errorf("after closing: %d open requests, status %s", len(rec.Speakers), rec.Meeting.Status)
		}
		if got := rec.Item(second.ID).SpentSeconds; got < since+300 {
			t.Errorf("the current item's time was not counted: %d s, want at least %d", got, since+300)
		}
		wantAudit(t, db, workspace.AuditMeetingClose, "meeting", m.ID)

		dump := mustDumpTables(t, db)
		_, err = db.CloseMeeting(ctx, tb.staff, m.ID)
		refusedUnchanged(t, db, dump, err, workspace.ECONFLICT, "error.meeting.not_live")
		_, err = db.CloseMeeting(ctx, tb.staff, other.ID)
		refusedUnchanged(t, db, dump, err, workspace.ECONFLICT, "error.meeting.not_live")
		_, err = db.CloseMeeting(ctx, tb.memberActor, m.ID)
		refusedUnchanged(t, db, dump, err, workspace.EFORBIDDEN, "")
		_, err = db.AskFloor(ctx, tb.memberActor, m.ID)
		refusedUnchanged(t, db, dump, err, workspace.ECONFLICT, "error.meeting.not_live")
		refusedUnchanged(t, db, dump, db.MoveCurrentItem(ctx, tb.staff, m.ID, first.ID), workspace.ECONFLICT, "error.meeting.not_live")
	})
}
