package sqlite_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// meetingTable is a small table for the meetings tests: two
// organisations, an account of each role, and an inactive member.
type meetingTable struct {
	db    *sqlite.DB
	clock *testClock

	org, other                                    *workspace.Organisation
	admin, secretariat, member, member2, outsider *workspace.Account
	inactive                                      *workspace.Account
	staff, memberActor, stakeholderActor          workspace.Actor
}

func newMeetingTable(t *testing.T) *meetingTable {
	t.Helper()
	db := MustOpenDB(t)
	tb := &meetingTable{db: db, clock: MustSetClock(db)}
	tb.org = MustCreateOrganisation(t, db, "Gouvernorat de Mahdia")
	tb.other = MustCreateOrganisation(t, db, "Association Amal")
	tb.admin = MustCreateAccount(t, db, tb.org, "Nadia Admin", "nadia@example.tn", workspace.RoleAdmin)
	tb.secretariat = MustCreateAccount(t, db, tb.org, "Sonia Secrétariat", "sonia@example.tn", workspace.RoleSecretariat)
	tb.member = MustCreateAccount(t, db, tb.other, "Amel Membre", "amel@example.tn", workspace.RoleMember)
	tb.member2 = MustCreateAccount(t, db, tb.org, "Bechir Membre", "bechir@example.tn", workspace.RoleMember)
	tb.outsider = MustCreateAccount(t, db, tb.other, "Karim Expert", "karim@example.tn", workspace.RoleStakeholder)
	tb.inactive = MustCreateAccount(t, db, tb.org, "Ancien Membre", "ancien@example.tn", workspace.RoleMember)
	tb.inactive.Active = false
	if err := db.UpdateAccount(context.Background(), systemActor, tb.inactive); err != nil {
		t.Fatal(err)
	}
	// A password, which no meeting read may carry along.
	if err := db.SetPassword(context.Background(), systemActor, tb.member.ID, "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA"); err != nil {
		t.Fatal(err)
	}
	tb.staff = workspace.ActorFor(tb.secretariat)
	tb.memberActor = workspace.ActorFor(tb.member)
	tb.stakeholderActor = workspace.ActorFor(tb.outsider)
	return tb
}

// newMeeting returns a valid planned meeting of kind starting in from now
// and lasting two hours.
func (tb *meetingTable) newMeeting(title string, kind workspace.MeetingKind, in time.Duration) *workspace.Meeting {
	start := tb.clock.Now().Add(in)
	return &workspace.Meeting{Title: title, Kind: kind, Language: "fr", StartsAt: start, EndsAt: start.Add(2 * time.Hour),
		Place: "Salle du conseil", QuorumRule: workspace.QuorumHalfPlusOne}
}

// mustCreate stores a meeting of kind starting in from now, inviting the
// default accounts.
func (tb *meetingTable) mustCreate(t *testing.T, title string, kind workspace.MeetingKind, in time.Duration) *workspace.Meeting {
	t.Helper()
	m := tb.newMeeting(title, kind, in)
	if err := tb.db.CreateMeeting(context.Background(), tb.staff, m, nil); err != nil {
		t.Fatalf("CreateMeeting(%q): %v", title, err)
	}
	return m
}

// mustAddItem appends an ordinary item to the meeting.
func (tb *meetingTable) mustAddItem(t *testing.T, m *workspace.Meeting, title string) *workspace.AgendaItem {
	t.Helper()
	it := &workspace.AgendaItem{MeetingID: m.ID, Title: title, DurationMinutes: 20}
	if err := tb.db.AddAgendaItem(context.Background(), tb.staff, it, nil); err != nil {
		t.Fatalf("AddAgendaItem(%q): %v", title, err)
	}
	return it
}

// mustStart starts the meeting with minutes that name it.
func (tb *meetingTable) mustStart(t *testing.T, m *workspace.Meeting) *workspace.Meeting {
	t.Helper()
	started, err := tb.db.StartMeeting(context.Background(), tb.staff, m.ID, func(r *workspace.MeetingRecord) string {
		return "# " + r.Meeting.Title + "\n"
	})
	if err != nil {
		t.Fatalf("StartMeeting(%q): %v", m.Title, err)
	}
	return started
}

func (tb *meetingTable) mustRecord(t *testing.T, id int64) *workspace.MeetingRecord {
	t.Helper()
	rec, err := tb.db.FindMeetingRecord(context.Background(), id)
	if err != nil {
		t.Fatalf("FindMeetingRecord(%d): %v", id, err)
	}
	return rec
}

// refusedUnchanged fails the test unless err has code (and key, when
// given) and the database is exactly as dump says it was.
func refusedUnchanged(t *testing.T, db *sqlite.DB, dump string, err error, code, key string) {
	t.Helper()
	if key != "" {
		wantRefused(t, err, code, key)
	} else {
		wantCode(t, err, code)
	}
	if got := mustDumpTables(t, db); got != dump {
		t.Errorf("a refused change wrote to the database")
	}
}

// wantAudit fails the test unless the latest audit entry is action on
// entityType entityID.
func wantAudit(t *testing.T, db *sqlite.DB, action, entityType string, entityID int64) *workspace.AuditEntry {
	t.Helper()
	entries := mustAuditEntries(t, db, workspace.AuditFilter{Action: action, Limit: 1})
	if len(entries) == 0 {
		t.Fatalf("no %s audit entry", action)
	}
	e := entries[0]
	if e.EntityType != entityType || e.EntityID != entityID {
		t.Errorf("%s audit entry on %s %d, want %s %d", action, e.EntityType, e.EntityID, entityType, entityID)
	}
	return e
}

func inviteeIDs(rec *workspace.MeetingRecord) []int64 {
	var ids []int64
	for _, inv := range rec.Invitees {
		ids = append(ids, inv.AccountID)
	}
	return ids
}

func itemIDs(rec *workspace.MeetingRecord) []int64 {
	var ids []int64
	for _, it := range rec.Items {
		ids = append(ids, it.ID)
	}
	return ids
}

func TestCreateMeeting(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	db := tb.db

	t.Run("DefaultInvitees", func(t *testing.T) {
		m := tb.mustCreate(t, "Plénière de mars", workspace.MeetingPlenary, 24*time.Hour)
		if m.ID == 0 || m.Status != workspace.MeetingPlanned || m.CreatedBy == nil || *m.CreatedBy != tb.secretariat.ID {
			t.Errorf("created meeting = %+v", m)
		}
		got := tb.mustRecord(t, m.ID)
		// By organisation (Association Amal, then Gouvernorat de Mahdia),
		// then by name; no stakeholder, no inactive account.
		want := []int64{tb.member.ID, tb.member2.ID, tb.admin.ID, tb.secretariat.ID}
		if ids := inviteeIDs(got); !slices.Equal(ids, want) {
			t.Errorf("invitees = %v, want %v", ids, want)
		}
		for _, inv := range got.Invitees {
			if inv.Account != nil && inv.Account.PasswordHash != "" {
				t.Errorf("invitee %d read with its password hash", inv.AccountID)
			}
			if inv.Attendance != workspace.AttendanceInvited || inv.Account == nil || inv.Account.Organisation == nil || inv.Account.Organisation.ID != inv.Account.OrganisationID {
				t.Errorf("invitee %+v", inv)
			}
		}
		if !got.Meeting.StartsAt.Equal(m.StartsAt) || got.Meeting.Title != m.Title || got.Meeting.QuorumRule != m.QuorumRule {
			t.Errorf("stored %+v, want %+v", got.Meeting, m)
		}
		if len(got.Items) != 0 || len(got.Speakers) != 0 {
			t.Errorf("a new meeting has %d items, %d speakers", len(got.Items), len(got.Speakers))
		}
		e := wantAudit(t, db, workspace.AuditMeetingCreate, "meeting", m.ID)
		if a := decodeAudit(t, e.After); a["title"] != m.Title || len(a["invitees"].([]any)) != 4 {
			t.Errorf("audit after = %s", e.After)
		}
	})

	t.Run("ExplicitInvitees", func(t *testing.T) {
		m := tb.newMeeting("Groupe de travail", workspace.MeetingWorkingGroup, 48*time.Hour)
		if err := db.CreateMeeting(ctx, tb.staff, m, []int64{tb.member.ID, tb.member.ID, tb.secretariat.ID}); err != nil {
			t.Fatal(err)
		}
		if ids := inviteeIDs(tb.mustRecord(t, m.ID)); !slices.Equal(ids, []int64{tb.member.ID, tb.secretariat.ID}) {
			t.Errorf("invitees = %v", ids)
		}
	})

	for _, tt := range []struct {
		name     string
		actor    workspace.Actor
		edit     func(*workspace.Meeting)
		invitees []int64
		code     string
		field    string
	}{
		{"Member", tb.memberActor, nil, nil, workspace.EFORBIDDEN, ""},
		{"Stakeholder", tb.stakeholderActor, nil, nil, workspace.EFORBIDDEN, ""},
		{"Nobody", workspace.Actor{}, nil, nil, workspace.EFORBIDDEN, ""},
		{"InvalidUTF8", tb.staff, func(m *workspace.Meeting) { m.Title = "R\xe9union" }, nil, workspace.EINVALID, "title"},
		{"EndBeforeStart", tb.staff, func(m *workspace.Meeting) { m.EndsAt = m.StartsAt }, nil, workspace.EINVALID, "ends_at"},
		{"UnknownKind", tb.staff, func(m *workspace.Meeting) { m.Kind = "party" }, nil, workspace.EINVALID, "kind"},
		{"StakeholderInvited", tb.staff, nil, []int64{tb.member.ID, tb.outsider.ID}, workspace.EINVALID, "invitees"},
		{"InactiveInvited", tb.staff, nil, []int64{tb.inactive.ID}, workspace.EINVALID, "invitees"},
		{"UnknownInvited", tb.staff, nil, []int64{9999}, workspace.EINVALID, "invitees"},
	} {
		t.Run("Refused"+tt.name, func(t *testing.T) {
			dump := mustDumpTables(t, db)
			m := tb.newMeeting("Refusée", workspace.MeetingPlenary, time.Hour)
			if tt.edit != nil {
				tt.edit(m)
			}
			err := db.CreateMeeting(ctx, tt.actor, m, tt.invitees)
			refusedUnchanged(t, db, dump, err, tt.code, "")
			if tt.field != "" {
				wantInvalidField(t, err, tt.field)
			}
		})
	}
	t.Run("InviteeKey", func(t *testing.T) {
		err := db.CreateMeeting(ctx, tb.staff, tb.newMeeting("Refusée", workspace.MeetingPlenary, time.Hour), []int64{tb.outsider.ID})
		wantRefused(t, err, workspace.EINVALID, "error.meeting.invitee_invalid")
	})
}

func TestUpdateMeeting(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	db := tb.db
	m := tb.mustCreate(t, "Plénière", workspace.MeetingPlenary, 24*time.Hour)

	t.Run("OK", func(t *testing.T) {
		edit := *m
		edit.Title, edit.Place, edit.QuorumRule = "  Plénière d'avril  ", "Mahdia", workspace.QuorumTwoThirds
		edit.Status = workspace.MeetingClosed // not the form's to set
		if err := db.UpdateMeeting(ctx, tb.staff, &edit); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindMeetingByID(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "Plénière d'avril" || got.Place != "Mahdia" || got.QuorumRule != workspace.QuorumTwoThirds || got.Status != workspace.MeetingPlanned {
			t.Errorf("updated = %+v", got)
		}
		e := wantAudit(t, db, workspace.AuditMeetingUpdate, "meeting", m.ID)
		if b, a := decodeAudit(t, e.Before), decodeAudit(t, e.After); b["title"] != "Plénière" || a["title"] != "Plénière d'avril" {
			t.Errorf("audit %s → %s", e.Before, e.After)
		}
	})
	t.Run("Refused", func(t *testing.T) {
		dump := mustDumpTables(t, db)
		edit := *m
		edit.Title = "Autre"
		refusedUnchanged(t, db, dump, db.UpdateMeeting(ctx, tb.memberActor, &edit), workspace.EFORBIDDEN, "")
		edit.Title = "\xff"
		refusedUnchanged(t, db, dump, db.UpdateMeeting(ctx, tb.staff, &edit), workspace.EINVALID, "error.text.utf8")
		edit.Title, edit.ID = "Autre", 9999
		refusedUnchanged(t, db, dump, db.UpdateMeeting(ctx, tb.staff, &edit), workspace.ENOTFOUND, "")
	})
	t.Run("Closed", func(t *testing.T) {
		live := tb.mustCreate(t, "Close", workspace.MeetingWorkingGroup, time.Hour)
		tb.mustStart(t, live)
		if _, err := db.CloseMeeting(ctx, tb.staff, live.ID); err != nil {
			t.Fatal(err)
		}
		dump := mustDumpTables(t, db)
		edit := *live
		edit.Title = "Rouverte"
		refusedUnchanged(t, db, dump, db.UpdateMeeting(ctx, tb.staff, &edit), workspace.ECONFLICT, "error.meeting.closed")
		refusedUnchanged(t, db, dump, db.SetMeetingInvitees(ctx, tb.staff, live.ID, nil), workspace.ECONFLICT, "error.meeting.closed")
	})
}

func TestSetMeetingInvitees(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	db := tb.db
	m := tb.mustCreate(t, "Plénière", workspace.MeetingPlenary, 0)
	if err := db.SetAttendance(ctx, tb.staff, m.ID, tb.member.ID, workspace.AttendanceExcused); err != nil {
		t.Fatal(err)
	}

	if err := db.SetMeetingInvitees(ctx, tb.staff, m.ID, []int64{tb.member.ID, tb.secretariat.ID, tb.member.ID}); err != nil {
		t.Fatal(err)
	}
	rec := tb.mustRecord(t, m.ID)
	if ids := inviteeIDs(rec); !slices.Equal(ids, []int64{tb.member.ID, tb.secretariat.ID}) {
		t.Fatalf("invitees = %v", ids)
	}
	if inv := rec.Invitee(tb.member.ID); inv.Attendance != workspace.AttendanceExcused {
		t.Errorf("a staying invitee's attendance = %q, want excused", inv.Attendance)
	}
	e := wantAudit(t, db, workspace.AuditMeetingInvitees, "meeting", m.ID)
	if a := decodeAudit(t, e.After); len(a["invitees"].([]any)) != 2 {
		t.Errorf("audit after = %s", e.After)
	}

	dump := mustDumpTables(t, db)
	refusedUnchanged(t, db, dump, db.SetMeetingInvitees(ctx, tb.memberActor, m.ID, nil), workspace.EFORBIDDEN, "")
	refusedUnchanged(t, db, dump, db.SetMeetingInvitees(ctx, tb.staff, m.ID, []int64{tb.outsider.ID}), workspace.EINVALID, "error.meeting.invitee_invalid")
	refusedUnchanged(t, db, dump, db.SetMeetingInvitees(ctx, tb.staff, 9999, nil), workspace.ENOTFOUND, "")

	if err := db.SetMeetingInvitees(ctx, tb.staff, m.ID, nil); err != nil {
		t.Fatal(err)
	}
	if n := len(tb.mustRecord(t, m.ID).Invitees); n != 0 {
		t.Errorf("%d invitees left, want none", n)
	}

	t.Run("DeactivatedStay", func(t *testing.T) {
		// Invited while active, then deactivated: the form cannot list
		// them, so a save that does not name them keeps them.
		g := tb.mustCreate(t, "Groupe", workspace.MeetingWorkingGroup, time.Hour)
		left := MustCreateAccount(t, db, tb.org, "Partie Membre", "partie@example.tn", workspace.RoleMember)
		if err := db.SetMeetingInvitees(ctx, tb.staff, g.ID, []int64{tb.member.ID, left.ID}); err != nil {
			t.Fatal(err)
		}
		left.Active = false
		if err := db.UpdateAccount(ctx, systemActor, left); err != nil {
			t.Fatal(err)
		}
		if err := db.SetMeetingInvitees(ctx, tb.staff, g.ID, []int64{tb.member2.ID}); err != nil {
			t.Fatal(err)
		}
		if ids := inviteeIDs(tb.mustRecord(t, g.ID)); !slices.Equal(ids, []int64{tb.member2.ID, left.ID}) {
			t.Errorf("invitees = %v, want %v", ids, []int64{tb.member2.ID, left.ID})
		}
	})

	t.Run("StakeholderStays", func(t *testing.T) {
		// Invited as a member, marked present, then made a stakeholder:
		// the form cannot list them any more, and a save without them
		// keeps them rather than being refused for good.
		live := tb.mustCreate(t, "Groupe en cours", workspace.MeetingWorkingGroup, 0)
		moved := MustCreateAccount(t, db, tb.org, "Changé Membre", "change@example.tn", workspace.RoleMember)
		if err := db.SetMeetingInvitees(ctx, tb.staff, live.ID, []int64{tb.member.ID, moved.ID}); err != nil {
			t.Fatal(err)
		}
		tb.mustStart(t, live)
		if err := db.SetAttendance(ctx, tb.staff, live.ID, moved.ID, workspace.AttendancePresent); err != nil {
			t.Fatal(err)
		}
		moved.Role = workspace.RoleStakeholder
		if err := db.UpdateAccount(ctx, systemActor, moved); err != nil {
			t.Fatal(err)
		}
		if err := db.SetMeetingInvitees(ctx, tb.staff, live.ID, []int64{tb.member.ID, tb.member2.ID}); err != nil {
			t.Fatalf("saving the invitees the form lists: %v", err)
		}
		if inv := tb.mustRecord(t, live.ID).Invitee(moved.ID); inv == nil || inv.Attendance != workspace.AttendancePresent {
			t.Errorf("the invitee made a stakeholder: %+v, want still invited and present", inv)
		}
	})

	t.Run("AttendanceRecordedStays", func(t *testing.T) {
		// Once the meeting is on, someone marked present stays invited;
		// someone not yet marked may still be removed.
		live := tb.mustCreate(t, "En cours", workspace.MeetingWorkingGroup, 0)
		if err := db.SetMeetingInvitees(ctx, tb.staff, live.ID, []int64{tb.member.ID, tb.member2.ID}); err != nil {
			t.Fatal(err)
		}
		tb.mustStart(t, live)
		if err := db.SetAttendance(ctx, tb.staff, live.ID, tb.member.ID, workspace.AttendancePresent); err != nil {
			t.Fatal(err)
		}
		dump := mustDumpTables(t, db)
		refusedUnchanged(t, db, dump, db.SetMeetingInvitees(ctx, tb.staff, live.ID, []int64{tb.member2.ID}), workspace.ECONFLICT, "error.meeting.invitee_attended")
		if err := db.SetMeetingInvitees(ctx, tb.staff, live.ID, []int64{tb.member.ID}); err != nil {
			t.Fatalf("removing someone not yet marked: %v", err)
		}
		if inv := tb.mustRecord(t, live.ID).Invitee(tb.member.ID); inv == nil || inv.Attendance != workspace.AttendancePresent {
			t.Errorf("the present invitee's attendance = %+v, want present", inv)
		}
	})
}

func TestFindMeetings(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	db := tb.db
	// Created out of order: the list orders them.
	later := tb.mustCreate(t, "Plus tard", workspace.MeetingPlenary, 72*time.Hour)
	soon := tb.mustCreate(t, "Bientôt", workspace.MeetingWorkingGroup, 24*time.Hour)
	ended := tb.mustCreate(t, "Passée sans clôture", workspace.MeetingPlenary, -48*time.Hour)
	closed := tb.mustCreate(t, "Close", workspace.MeetingPlenary, time.Hour)
	tb.mustStart(t, closed)
	if _, err := db.CloseMeeting(ctx, tb.staff, closed.ID); err != nil {
		t.Fatal(err)
	}
	older := tb.mustCreate(t, "Ancienne", workspace.MeetingWorkingGroup, -96*time.Hour)
	if err := db.SetMeetingInvitees(ctx, tb.staff, soon.ID, []int64{tb.member2.ID}); err != nil {
		t.Fatal(err)
	}
	// Live, and past its planned end: still on, so upcoming, not past.
	overrun := tb.mustCreate(t, "Débordée", workspace.MeetingPlenary, -30*time.Hour)
	tb.mustStart(t, overrun)
	if err := db.SetMeetingInvitees(ctx, tb.staff, overrun.ID, []int64{tb.member2.ID}); err != nil {
		t.Fatal(err)
	}

	ids := func(ms []*workspace.Meeting) []int64 {
		var ids []int64
		for _, m := range ms {
			ids = append(ids, m.ID)
		}
		return ids
	}
	for _, tt := range []struct {
		name   string
		filter sqlite.MeetingFilter
		want   []int64
		total  int
	}{
		{"Upcoming", sqlite.MeetingFilter{When: "upcoming"}, []int64{overrun.ID, soon.ID, later.ID}, 3},
		{"Past", sqlite.MeetingFilter{When: "past"}, []int64{closed.ID, ended.ID, older.ID}, 3},
		{"All", sqlite.MeetingFilter{}, []int64{later.ID, soon.ID, closed.ID, overrun.ID, ended.ID, older.ID}, 6},
		{"Kind", sqlite.MeetingFilter{Kind: workspace.MeetingWorkingGroup}, []int64{soon.ID, older.ID}, 2},
		{"Invited", sqlite.MeetingFilter{When: "upcoming", InvitedAccountID: tb.member.ID}, []int64{later.ID}, 1},
		{"Page", sqlite.MeetingFilter{Limit: 2, Offset: 1}, []int64{soon.ID, closed.ID}, 6},
		{"LaterNow", sqlite.MeetingFilter{When: "upcoming", Now: tb.clock.Now().Add(48 * time.Hour)}, []int64{overrun.ID, later.ID}, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := db.FindMeetings(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), tt.want) || total != tt.total {
				t.Errorf("FindMeetings = %v (%d in all), want %v (%d)", ids(got), total, tt.want, tt.total)
			}
		})
	}
	t.Run("BadFilter", func(t *testing.T) {
		_, _, err := db.FindMeetings(ctx, sqlite.MeetingFilter{When: "tomorrow"})
		wantInvalidField(t, err, "when")
		_, _, err = db.FindMeetings(ctx, sqlite.MeetingFilter{Kind: "party"})
		wantInvalidField(t, err, "kind")
	})
	t.Run("ByID", func(t *testing.T) {
		if _, err := db.FindMeetingByID(ctx, 9999); workspace.ErrorCode(err) != workspace.ENOTFOUND {
			t.Errorf("FindMeetingByID(9999) err = %v, want ENOTFOUND", err)
		}
		if _, err := db.FindMeetingRecord(ctx, 9999); workspace.ErrorCode(err) != workspace.ENOTFOUND {
			t.Errorf("FindMeetingRecord(9999) err = %v, want ENOTFOUND", err)
		}
	})
	t.Run("ByMinutes", func(t *testing.T) {
		c, err := db.FindMeetingByID(ctx, closed.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.FindMeetingByMinutes(ctx, *c.MinutesDocumentID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != closed.ID {
			t.Errorf("FindMeetingByMinutes = meeting %d, want %d", got.ID, closed.ID)
		}
		if _, err := db.FindMeetingByMinutes(ctx, 9999); workspace.ErrorCode(err) != workspace.ENOTFOUND {
			t.Errorf("FindMeetingByMinutes(9999) err = %v, want ENOTFOUND", err)
		}
	})
}

// BenchmarkFindMeetingRecord reads the record of a meeting of forty items,
// each linked to a procedure, with a decision and two actions: a fixed
// handful of queries, however long the agenda.
func BenchmarkFindMeetingRecord(b *testing.B) {
	ctx := context.Background()
	db := MustOpenDB(b)
	MustSetClock(db)
	org := MustCreateOrganisation(b, db, "Gouvernorat de Mahdia")
	staff := workspace.ActorFor(MustCreateAccount(b, db, org, "Sonia Secrétariat", "sonia@example.tn", workspace.RoleSecretariat))
	for i := range 20 {
		MustCreateAccount(b, db, org, fmt.Sprintf("Membre %d", i), fmt.Sprintf("membre%d@example.tn", i), workspace.RoleMember)
	}
	proc := &workspace.Procedure{Title: "Accueil", Language: "fr", Category: workspace.CategoryOther}
	if err := db.CreateProcedure(ctx, staff, proc, "# Accueil\n"); err != nil {
		b.Fatal(err)
	}
	start := db.Now().Add(time.Hour)
	m := &workspace.Meeting{Title: "Plénière", Kind: workspace.MeetingPlenary, Language: "fr", StartsAt: start, EndsAt: start.Add(time.Hour), QuorumRule: workspace.QuorumNone}
	if err := db.CreateMeeting(ctx, staff, m, nil); err != nil {
		b.Fatal(err)
	}
	var items []*workspace.AgendaItem
	for i := range 40 {
		it := &workspace.AgendaItem{MeetingID: m.ID, Title: fmt.Sprintf("Point %d", i+1), PresenterOrganisationID: &org.ID}
		if err := db.AddAgendaItem(ctx, staff, it, []int64{proc.ID}); err != nil {
			b.Fatal(err)
		}
		items = append(items, it)
	}
	if _, err := db.StartMeeting(ctx, staff, m.ID, nil); err != nil {
		b.Fatal(err)
	}
	for _, it := range items {
		d := &workspace.Decision{AgendaItemID: it.ID, Text: "Adopté", Outcome: workspace.OutcomeAdopted}
		if err := db.RecordDecision(ctx, staff, d); err != nil {
			b.Fatal(err)
		}
		for j := range 2 {
			a := &workspace.Action{DecisionID: d.ID, Title: fmt.Sprintf("Action %d", j), OwnerOrganisationID: org.ID, DueDate: "2026-04-01"}
			if err := db.AddAction(ctx, staff, a); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	for b.Loop() {
		rec, err := db.FindMeetingRecord(ctx, m.ID)
		if err != nil {
			b.Fatal(err)
		}
		if len(rec.Items) != 40 || len(rec.Invitees) != 21 {
			b.Fatalf("%d items, %d invitees", len(rec.Items), len(rec.Invitees))
		}
	}
}
