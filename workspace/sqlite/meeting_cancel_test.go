package sqlite_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// TestCancelMeeting: the secretariat cancels a planned meeting with a
// reason; the meeting keeps its agenda, says when, by whom and why, and
// the cancellation is audited. A member may not; a reason is required.
func TestCancelMeeting(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	m := tb.mustCreate(t, "Plénière de février", workspace.MeetingPlenary, 48*time.Hour)
	item := tb.mustAddItem(t, m, "Budget")

	dump := mustDumpTables(t, tb.db)
	_, err := tb.db.CancelMeeting(ctx, tb.memberActor, m.ID, "Tempête")
	refusedUnchanged(t, tb.db, dump, err, workspace.EFORBIDDEN, "")
	_, err = tb.db.CancelMeeting(ctx, tb.staff, m.ID, "  \n ")
	refusedUnchanged(t, tb.db, dump, err, workspace.EINVALID, "error.meeting.cancel_reason_required")
	_, err = tb.db.CancelMeeting(ctx, tb.staff, m.ID, strings.Repeat("x", 1001))
	refusedUnchanged(t, tb.db, dump, err, workspace.EINVALID, "error.text.too_long")
	_, err = tb.db.CancelMeeting(ctx, tb.staff, m.ID, "Tempête\x00")
	refusedUnchanged(t, tb.db, dump, err, workspace.EINVALID, "error.text.control")
	_, err = tb.db.CancelMeeting(ctx, tb.staff, 9999, "Tempête")
	refusedUnchanged(t, tb.db, dump, err, workspace.ENOTFOUND, "")

	reason := "Alerte météo : la salle du conseil est fermée.\nLa séance sera replanifiée."
	cancelled, err := tb.db.CancelMeeting(ctx, tb.staff, m.ID, "  "+reason+"  ")
	if err != nil {
		t.Fatalf("CancelMeeting: %v", err)
	}
	rec := tb.mustRecord(t, m.ID)
	got := rec.Meeting
	if got.Status != workspace.MeetingCancelled || !got.Cancelled() || got.CancelReason != reason ||
		got.CancelledAt == nil || !got.CancelledAt.Equal(tb.clock.Now()) ||
		got.CancelledBy == nil || *got.CancelledBy != tb.secretariat.ID {
		t.Errorf("cancelled meeting = %+v", got)
	}
	if cancelled.Status != workspace.MeetingCancelled || cancelled.CancelReason != reason {
		t.Errorf("CancelMeeting returned %+v", cancelled)
	}
	if got.Sequence() != 1 {
		t.Errorf("Sequence() = %d, want 1", got.Sequence())
	}
	if len(rec.Items) != 1 || rec.Items[0].ID != item.ID {
		t.Errorf("the cancelled meeting's own agenda = %v, want its item %d", itemIDs(rec), item.ID)
	}

	dump = mustDumpTables(t, tb.db)
	_, err = tb.db.CancelMeeting(ctx, tb.staff, m.ID, "Encore")
	refusedUnchanged(t, tb.db, dump, err, workspace.ECONFLICT, "error.meeting.cancelled")
}

// TestCancelMeetingAudited: the audit entry of a cancellation keeps the
// status before and after and the reason.
func TestCancelMeetingAudited(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	m := tb.mustCreate(t, "Plénière de février", workspace.MeetingPlenary, 48*time.Hour)
	if _, err := tb.db.CancelMeeting(ctx, tb.staff, m.ID, "Salle indisponible"); err != nil {
		t.Fatal(err)
	}
	e := wantAudit(t, tb.db, workspace.AuditMeetingCancel, "meeting", m.ID)
	if e.ActorID == nil || *e.ActorID != tb.secretariat.ID {
		t.Errorf("audit actor = %v, want %d", e.ActorID, tb.secretariat.ID)
	}
	for _, want := range []string{`"status":"planned"`} {
		if !strings.Contains(e.Before, want) {
			t.Errorf("audit before = %s, want %s", e.Before, want)
		}
	}
	for _, want := range []string{`"status":"cancelled"`, `"cancel_reason":"Salle indisponible"`} {
		if !strings.Contains(e.After, want) {
			t.Errorf("audit after = %s, want %s", e.After, want)
		}
	}
}

// TestCancelLiveMeetingRefused: a live or closed meeting took place; it
// cannot be cancelled, and nothing changes.
func TestCancelLiveMeetingRefused(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	live := tb.mustCreate(t, "Plénière", workspace.MeetingPlenary, time.Hour)
	tb.mustStart(t, live)
	dump := mustDumpTables(t, tb.db)
	_, err := tb.db.CancelMeeting(ctx, tb.staff, live.ID, "Trop tard")
	refusedUnchanged(t, tb.db, dump, err, workspace.ECONFLICT, "error.meeting.cancel_not_planned")

	if _, err := tb.db.CloseMeeting(ctx, tb.staff, live.ID); err != nil {
		t.Fatal(err)
	}
	dump = mustDumpTables(t, tb.db)
	_, err = tb.db.CancelMeeting(ctx, tb.staff, live.ID, "Trop tard")
	refusedUnchanged(t, tb.db, dump, err, workspace.ECONFLICT, "error.meeting.cancel_not_planned")
}

// TestCancelMeetingWithOpenPollRefused: ballots are never dropped by a
// cancellation: the poll is closed first.
func TestCancelMeetingWithOpenPollRefused(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	m := tb.mustCreate(t, "Plénière", workspace.MeetingPlenary, 48*time.Hour)
	it := tb.mustAddItem(t, m, "Budget")
	p := &workspace.Poll{Question: "Adopter le budget ?", Kind: workspace.PollYesNo, Mode: workspace.BallotNamed,
		Unit: workspace.VotePerPerson, Majority: workspace.MajoritySimple, CollegeRule: workspace.CollegeRuleNone, MeetingID: &m.ID, AgendaItemID: &it.ID}
	if err := tb.db.CreatePoll(ctx, tb.staff, p); err != nil {
		t.Fatalf("CreatePoll: %v", err)
	}
	if _, err := tb.db.OpenPoll(ctx, tb.staff, p.ID); err != nil {
		t.Fatalf("OpenPoll: %v", err)
	}
	dump := mustDumpTables(t, tb.db)
	_, err := tb.db.CancelMeeting(ctx, tb.staff, m.ID, "Salle indisponible")
	refusedUnchanged(t, tb.db, dump, err, workspace.ECONFLICT, "error.meeting.cancel_poll_open")
}

// TestCancelledMeetingRefusesWrites: every write to a cancelled meeting —
// its details, invitees, agenda, attendance, start, room, decisions and
// polls — is ECONFLICT error.meeting.cancelled and changes nothing.
func TestCancelledMeetingRefusesWrites(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	m := tb.mustCreate(t, "Plénière", workspace.MeetingPlenary, 48*time.Hour)
	it := tb.mustAddItem(t, m, "Budget")
	other := tb.mustAddItem(t, m, "Divers")
	draft := &workspace.Poll{Question: "Adopter le budget ?", Kind: workspace.PollYesNo, Mode: workspace.BallotNamed,
		Unit: workspace.VotePerPerson, Majority: workspace.MajoritySimple, CollegeRule: workspace.CollegeRuleNone, MeetingID: &m.ID, AgendaItemID: &it.ID}
	if err := tb.db.CreatePoll(ctx, tb.staff, draft); err != nil {
		t.Fatalf("CreatePoll: %v", err)
	}
	if _, err := tb.db.CancelMeeting(ctx, tb.staff, m.ID, "Salle indisponible"); err != nil {
		t.Fatal(err)
	}
	changed := tb.newMeeting("Plénière changée", workspace.MeetingPlenary, 72*time.Hour)
	changed.ID = m.ID
	newPoll := *draft
	newPoll.ID = 0
	writes := []struct {
		name  string
		write func() error
	}{
		{"UpdateMeeting", func() error { return tb.db.UpdateMeeting(ctx, tb.staff, changed) }},
		{"SetMeetingInvitees", func() error {
			return tb.db.SetMeetingInvitees(ctx, tb.staff, m.ID, []int64{tb.member.ID})
		}},
		{"AddAgendaItem", func() error {
			return tb.db.AddAgendaItem(ctx, tb.staff, &workspace.AgendaItem{MeetingID: m.ID, Title: "Nouveau"}, nil)
		}},
		{"UpdateAgendaItem", func() error {
			return tb.db.UpdateAgendaItem(ctx, tb.staff, &workspace.AgendaItem{ID: it.ID, MeetingID: m.ID, Title: "Budget révisé"}, nil)
		}},
		{"DeleteAgendaItem", func() error { _, err := tb.db.DeleteAgendaItem(ctx, tb.staff, it.ID); return err }},
		{"ReorderAgenda", func() error { return tb.db.ReorderAgenda(ctx, tb.staff, m.ID, []int64{other.ID, it.ID}) }},
		{"SetAttendance", func() error {
			return tb.db.SetAttendance(ctx, tb.staff, m.ID, tb.member.ID, workspace.AttendanceExcused)
		}},
		{"StartMeeting", func() error { _, err := tb.db.StartMeeting(ctx, tb.staff, m.ID, nil); return err }},
		{"CloseMeeting", func() error { _, err := tb.db.CloseMeeting(ctx, tb.staff, m.ID); return err }},
		{"MoveCurrentItem", func() error { return tb.db.MoveCurrentItem(ctx, tb.staff, m.ID, it.ID) }},
		{"CheckIn", func() error { return tb.db.CheckIn(ctx, tb.memberActor, m.ID) }},
		{"AskFloor", func() error { _, err := tb.db.AskFloor(ctx, tb.memberActor, m.ID); return err }},
		{"WithdrawFloor", func() error { return tb.db.WithdrawFloor(ctx, tb.memberActor, m.ID) }},
		{"NextSpeaker", func() error { _, err := tb.db.NextSpeaker(ctx, tb.staff, m.ID); return err }},
		{"EndSpeaker", func() error { return tb.db.EndSpeaker(ctx, tb.staff, m.ID) }},
		{"RecordDecision", func() error {
			return tb.db.RecordDecision(ctx, tb.staff, &workspace.Decision{AgendaItemID: it.ID, Text: "Adopté", Outcome: workspace.OutcomeAdopted})
		}},
		{"CreatePoll", func() error { return tb.db.CreatePoll(ctx, tb.staff, &newPoll) }},
		{"UpdatePoll", func() error { p := *draft; p.Question = "Autre ?"; return tb.db.UpdatePoll(ctx, tb.staff, &p) }},
		{"OpenPoll", func() error { _, err := tb.db.OpenPoll(ctx, tb.staff, draft.ID); return err }},
	}
	for _, w := range writes {
		t.Run(w.name, func(t *testing.T) {
			dump := mustDumpTables(t, tb.db)
			refusedUnchanged(t, tb.db, dump, w.write(), workspace.ECONFLICT, "error.meeting.cancelled")
		})
	}
}

// TestCancelCarriesOverTableItems: the minutes to approve and the matters
// arising the table put on a cancelled meeting come back on the next
// planned meeting of its kind, first on its agenda, as after a close; the
// cancelled meeting keeps only its own items. With no meeting planned,
// they wait on the cancelled meeting and go to the next one created.
func TestCancelCarriesOverTableItems(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	day := 24 * time.Hour

	january := tb.mustCreate(t, "Plénière de janvier", workspace.MeetingPlenary, time.Hour)
	opening := tb.mustAddItem(t, january, "Ouverture")
	february := tb.mustCreate(t, "Plénière de février", workspace.MeetingPlenary, 7*day)
	own := tb.mustAddItem(t, february, "Budget")
	tb.mustStart(t, january)
	d := tb.mustDecide(t, opening, workspace.OutcomeAdopted)
	action := tb.mustAddAction(t, d, "Envoyer la liste des contacts", tb.org, "2026-02-20", workspace.ActionOpen)
	if _, err := tb.db.CloseMeeting(ctx, tb.staff, january.ID); err != nil {
		t.Fatal(err)
	}
	carried := tb.mustRecord(t, february.ID)
	approvals, arising := itemsOfKind(carried, workspace.ItemMinutesApproval), itemsOfKind(carried, workspace.ItemMattersArising)
	if len(approvals) != 1 || len(arising) != 1 {
		t.Fatalf("february's agenda after january's close = %v", agendaOrder(carried))
	}

	// No plenary planned after february: the items wait on it.
	if _, err := tb.db.CancelMeeting(ctx, tb.staff, february.ID, "Salle indisponible"); err != nil {
		t.Fatal(err)
	}
	if got := agendaOrder(tb.mustRecord(t, february.ID)); len(got) != 3 {
		t.Errorf("cancelled february with no meeting after it = %v, want its 3 items waiting", got)
	}
	// A working group does not take a plenary's items.
	group := tb.mustCreate(t, "Groupe de travail", workspace.MeetingWorkingGroup, 10*day)
	if got := tb.mustRecord(t, group.ID).Items; len(got) != 0 {
		t.Errorf("working group took %d items of a plenary", len(got))
	}
	// The next plenary created takes them, first on its agenda.
	march := tb.mustCreate(t, "Plénière de mars", workspace.MeetingPlenary, 30*day)
	rec := tb.mustRecord(t, march.ID)
	if got := itemIDs(rec); !slices.Equal(got, []int64{approvals[0].ID, arising[0].ID}) {
		t.Errorf("march's agenda = %v, want february's table items %d, %d", agendaOrder(rec), approvals[0].ID, arising[0].ID)
	}
	if got := actionIDs(rec.Items[1].Actions); !slices.Equal(got, []int64{action.ID}) {
		t.Errorf("march's matters arising follow up %v, want %d", got, action.ID)
	}
	if got := itemIDs(tb.mustRecord(t, february.ID)); !slices.Equal(got, []int64{own.ID}) {
		t.Errorf("cancelled february keeps %v, want its own item %d", got, own.ID)
	}
	wantAudit(t, tb.db, workspace.AuditAgendaCarryOver, "meeting", march.ID)

	// Cancelling march hands them on at once to the plenary planned after.
	april := tb.mustCreate(t, "Plénière d'avril", workspace.MeetingPlenary, 60*day)
	aprilOwn := tb.mustAddItem(t, april, "Divers")
	if _, err := tb.db.CancelMeeting(ctx, tb.staff, march.ID, "Quorum impossible"); err != nil {
		t.Fatal(err)
	}
	rec = tb.mustRecord(t, april.ID)
	if got := itemIDs(rec); !slices.Equal(got, []int64{approvals[0].ID, arising[0].ID, aprilOwn.ID}) {
		t.Errorf("april's agenda = %v, want the table's items first, then %d", agendaOrder(rec), aprilOwn.ID)
	}
	if got := tb.mustRecord(t, march.ID).Items; len(got) != 0 {
		t.Errorf("cancelled march keeps %d items", len(got))
	}
	e := wantAudit(t, tb.db, workspace.AuditAgendaCarryOver, "meeting", april.ID)
	if !strings.Contains(e.After, `"cancelled_meeting_id":`) {
		t.Errorf("carry-over audit = %s, want the cancelled meeting", e.After)
	}
	// The matters arising of the closed meeting still follow a late action
	// to where its items are now.
	late := tb.mustAddAction(t, d, "Relancer la délégation", tb.org, "2026-03-01", workspace.ActionOpen)
	rec = tb.mustRecord(t, april.ID)
	if got := actionIDs(rec.Items[1].Actions); !slices.Contains(got, late.ID) {
		t.Errorf("april's matters arising follow %v, want the late action %d too", got, late.ID)
	}
}

// TestFindMeetingsCancelled: a cancelled meeting stays in the list its
// date puts it in, and SkipCancelled leaves it out.
func TestFindMeetingsCancelled(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	m := tb.mustCreate(t, "Plénière annulée", workspace.MeetingPlenary, 48*time.Hour)
	kept := tb.mustCreate(t, "Plénière maintenue", workspace.MeetingPlenary, 72*time.Hour)
	if _, err := tb.db.CancelMeeting(ctx, tb.staff, m.ID, "Salle indisponible"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		filter sqlite.MeetingFilter
		want   []int64
	}{
		{sqlite.MeetingFilter{When: "upcoming"}, []int64{m.ID, kept.ID}},
		{sqlite.MeetingFilter{When: "upcoming", SkipCancelled: true}, []int64{kept.ID}},
		{sqlite.MeetingFilter{When: "past", Now: tb.clock.Now().Add(30 * 24 * time.Hour)}, []int64{kept.ID, m.ID}},
	} {
		ms, total, err := tb.db.FindMeetings(ctx, c.filter)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, x := range ms {
			got = append(got, x.ID)
		}
		if !slices.Equal(got, c.want) || total != len(c.want) {
			t.Errorf("FindMeetings(%+v) = %v (%d), want %v", c.filter, got, total, c.want)
		}
	}
}

// TestCancelledMeetingIssueLinks: issues linked to a cancelled meeting or
// to one of its own agenda items stay linked, and the link says the
// meeting was cancelled.
func TestCancelledMeetingIssueLinks(t *testing.T) {
	ctx := context.Background()
	w := newIssueWorld(t)
	lt := mustLinkTargets(t, w)
	planned := mustExec(t, w.db, `INSERT INTO meetings (title, kind, language, starts_at, ends_at, status, quorum_rule, created_at, updated_at)
		VALUES ('Plénière annulée', 'working_group', 'fr', ?, ?, 'planned', 'none', ?, ?)`,
		w.clock.Now().Add(time.Hour), w.clock.Now().Add(3*time.Hour), w.clock.Now(), w.clock.Now())
	item := mustExec(t, w.db, `INSERT INTO agenda_items (meeting_id, position, title, created_at, updated_at) VALUES (?, 1, 'Diplômes', ?, ?)`,
		planned, w.clock.Now(), w.clock.Now())
	i := w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Diplôme non reconnu"}, nil)
	for kind, target := range map[workspace.IssueLinkKind]int64{workspace.LinkMeeting: planned, workspace.LinkAgendaItem: item, workspace.LinkDecision: lt.decision} {
		if _, err := w.db.LinkIssue(ctx, w.asMember, &workspace.IssueLink{IssueID: i.ID, TargetKind: kind, TargetID: target}); err != nil {
			t.Fatalf("link %s: %v", kind, err)
		}
	}
	if _, err := w.db.CancelMeeting(ctx, workspace.SystemActor("test"), planned, "Salle indisponible"); err != nil {
		t.Fatal(err)
	}
	links, err := w.db.FindIssueLinks(ctx, i.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 3 {
		t.Fatalf("%d links after cancelling, want 3", len(links))
	}
	for _, l := range links {
		if want := l.TargetKind != workspace.LinkDecision; l.TargetCancelled != want {
			t.Errorf("link to %s %d: TargetCancelled = %v, want %v", l.TargetKind, l.TargetID, l.TargetCancelled, want)
		}
	}
}
