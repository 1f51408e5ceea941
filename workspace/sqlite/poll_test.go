package sqlite_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// pollTable is the meetings tests' table with what votes need besides:
// a second college, a member without a voting right, a live meeting with
// an item, and a procedure with a frozen version.
type pollTable struct {
	*meetingTable
	civil       *workspace.Organisation
	civilMember *workspace.Account
	nonVoter    *workspace.Account
	meeting     *workspace.Meeting
	item        *workspace.AgendaItem
	proc        *workspace.Procedure
	version     *workspace.Version
}

func newPollTable(t *testing.T) *pollTable {
	t.Helper()
	ctx := context.Background()
	tb := &pollTable{meetingTable: newMeetingTable(t)}
	db := tb.db
	tb.civil = &workspace.Organisation{NameFR: "Association Nour", College: workspace.CollegeCivil}
	if err := db.CreateOrganisation(ctx, systemActor, tb.civil); err != nil {
		t.Fatal(err)
	}
	tb.civilMember = MustCreateAccount(t, db, tb.civil, "Salma Civile", "salma@example.tn", workspace.RoleMember)
	tb.nonVoter = MustCreateAccount(t, db, tb.civil, "Hedi Observateur", "hedi@example.tn", workspace.RoleMember)
	tb.nonVoter.CanVote = false
	if err := db.UpdateAccount(ctx, systemActor, tb.nonVoter); err != nil {
		t.Fatal(err)
	}
	tb.meeting = tb.mustCreate(t, "Plénière des votes", workspace.MeetingPlenary, time.Hour)
	tb.item = tb.mustAddItem(t, tb.meeting, "Adoption du plan d'action")
	tb.proc = &workspace.Procedure{Title: "Orientation des migrants de retour", Language: "fr", Category: workspace.CategoryReferralPathway}
	if err := db.CreateProcedure(ctx, tb.staff, tb.proc, "# Orientation\n"); err != nil {
		t.Fatal(err)
	}
	tb.version = &workspace.Version{Message: "Version soumise au vote"}
	if err := db.CreateVersion(ctx, tb.staff, tb.proc.ID, 0, "# Orientation\n", tb.version); err != nil {
		t.Fatal(err)
	}
	return tb
}

// yesNo returns a valid draft yes/no poll on the table's agenda item.
func (tb *pollTable) yesNo(mode workspace.BallotMode) *workspace.Poll {
	return &workspace.Poll{Question: "Adopter le plan d'action ?", Kind: workspace.PollYesNo, Mode: mode,
		Unit: workspace.VotePerPerson, Majority: workspace.MajoritySimple, CollegeRule: workspace.CollegeRuleNone,
		MeetingID: &tb.meeting.ID, AgendaItemID: &tb.item.ID}
}

// choice returns a valid draft single-choice poll on the agenda item.
func (tb *pollTable) choice(mode workspace.BallotMode, labels ...string) *workspace.Poll {
	p := &workspace.Poll{Question: "Quel lieu pour le forum ?", Kind: workspace.PollSingle, Mode: mode,
		Unit: workspace.VotePerPerson, MeetingID: &tb.meeting.ID, AgendaItemID: &tb.item.ID}
	for _, l := range labels {
		p.Options = append(p.Options, &workspace.PollOption{Label: l})
	}
	return p
}

func (tb *pollTable) mustCreatePoll(t testing.TB, p *workspace.Poll) *workspace.Poll {
	t.Helper()
	if err := tb.db.CreatePoll(context.Background(), tb.staff, p); err != nil {
		t.Fatalf("CreatePoll: %v", err)
	}
	return p
}

// mustOpenPoll creates p and opens it.
func (tb *pollTable) mustOpenPoll(t testing.TB, p *workspace.Poll) *workspace.Poll {
	t.Helper()
	tb.mustCreatePoll(t, p)
	opened, err := tb.db.OpenPoll(context.Background(), tb.staff, p.ID)
	if err != nil {
		t.Fatalf("OpenPoll: %v", err)
	}
	return opened
}

// option returns the id of p's option with key or label.
func option(t testing.TB, p *workspace.Poll, name string) int64 {
	t.Helper()
	for _, o := range p.Options {
		if o.Key == name || o.Label == name {
			return o.ID
		}
	}
	t.Fatalf("poll %d has no option %q", p.ID, name)
	return 0
}

func mustFindPoll(t testing.TB, db *sqlite.DB, id int64) *workspace.Poll {
	t.Helper()
	p, err := db.FindPollByID(context.Background(), id)
	if err != nil {
		t.Fatalf("FindPollByID(%d): %v", id, err)
	}
	return p
}

func TestCreatePoll(t *testing.T) {
	ctx := context.Background()
	tb := newPollTable(t)
	db := tb.db

	t.Run("YesNo", func(t *testing.T) {
		p := tb.mustCreatePoll(t, tb.yesNo(workspace.BallotNamed))
		if p.ID == 0 || p.Status != workspace.PollDraft || p.CreatedBy == nil || *p.CreatedBy != tb.secretariat.ID {
			t.Errorf("created %+v", p)
		}
		got := mustFindPoll(t, db, p.ID)
		if len(got.Options) != 3 || got.Options[0].Key != workspace.OptionYes || got.Options[2].Key != workspace.OptionAbstain ||
			got.Options[0].ID != p.Options[0].ID || got.Options[0].PollID != p.ID {
			t.Errorf("options %+v", got.Options)
		}
		if got.Question != p.Question || *got.MeetingID != tb.meeting.ID || *got.AgendaItemID != tb.item.ID ||
			got.ProcedureID != nil || got.VersionNumber != 0 || got.Result != nil || !got.CreatedAt.Equal(tb.clock.Now()) {
			t.Errorf("stored %+v", got)
		}
		e := wantAudit(t, db, workspace.AuditPollCreate, "poll", p.ID)
		if a := decodeAudit(t, e.After); a["question"] != p.Question || a["mode"] != "named" {
			t.Errorf("audit after = %s", e.After)
		}
	})

	t.Run("Version", func(t *testing.T) {
		p := &workspace.Poll{Question: "Adopter la version 1 ?", Kind: workspace.PollYesNo, Mode: workspace.BallotSecret,
			Unit: workspace.VotePerOrganisation, Majority: workspace.MajorityTwoThirds, CollegeRule: workspace.CollegeRuleEvery,
			QuorumPercent: 50, ProcedureID: &tb.proc.ID, VersionNumber: 1}
		tb.mustCreatePoll(t, p)
		got := mustFindPoll(t, db, p.ID)
		if !got.AboutVersion() || got.MeetingID != nil || got.Unit != workspace.VotePerOrganisation || got.QuorumPercent != 50 ||
			got.Majority != workspace.MajorityTwoThirds || got.CollegeRule != workspace.CollegeRuleEvery {
			t.Errorf("stored %+v", got)
		}
		polls, err := db.FindPolls(ctx, sqlite.PollFilter{ProcedureID: tb.proc.ID, VersionNumber: 1})
		if err != nil || len(polls) != 1 || polls[0].ID != p.ID {
			t.Errorf("FindPolls(version) = %v, %v", polls, err)
		}
	})

	t.Run("Multiple", func(t *testing.T) {
		closes := tb.clock.Now().Add(2 * time.Hour)
		p := tb.choice(workspace.BallotNamed, "Mahdia", "  ", "Ksour Essef", "Chebba")
		p.Kind, p.MinChoices, p.MaxChoices, p.ClosesAt, p.AllowChange = workspace.PollMultiple, 1, 2, &closes, true
		tb.mustCreatePoll(t, p)
		got := mustFindPoll(t, db, p.ID)
		if len(got.Options) != 3 || got.Options[1].Label != "Ksour Essef" || got.Options[1].Position != 2 ||
			got.MaxChoices != 2 || !got.AllowChange || got.ClosesAt == nil || !got.ClosesAt.Equal(closes) {
			t.Errorf("stored %+v", got)
		}
	})

	closed := tb.mustCreate(t, "Plénière close", workspace.MeetingPlenary, -48*time.Hour)
	closedItem := tb.mustAddItem(t, closed, "Point clos")
	tb.mustStart(t, closed)
	if _, err := db.CloseMeeting(ctx, tb.staff, closed.ID); err != nil {
		t.Fatal(err)
	}
	other := tb.mustCreate(t, "Autre réunion", workspace.MeetingWorkingGroup, 3*time.Hour)
	past := tb.clock.Now().Add(-time.Minute)
	unknown := int64(9999)
	for _, tt := range []struct {
		name  string
		actor workspace.Actor
		edit  func(*workspace.Poll)
		code  string
		key   string
	}{
		{"Member", tb.memberActor, nil, workspace.EFORBIDDEN, ""},
		{"Stakeholder", tb.stakeholderActor, nil, workspace.EFORBIDDEN, ""},
		{"Nobody", workspace.Actor{}, nil, workspace.EFORBIDDEN, ""},
		{"NoQuestion", tb.staff, func(p *workspace.Poll) { p.Question = "  " }, workspace.EINVALID, "error.poll.question_required"},
		{"InvalidUTF8", tb.staff, func(p *workspace.Poll) { p.Question = "Adopter \xff ?" }, workspace.EINVALID, ""},
		{"SecretChange", tb.staff, func(p *workspace.Poll) { p.Mode, p.AllowChange = workspace.BallotSecret, true }, workspace.EINVALID, "error.poll.secret_change"},
		{"ItemOfAnotherMeeting", tb.staff, func(p *workspace.Poll) { p.MeetingID = &other.ID }, workspace.EINVALID, "error.poll.subject_invalid"},
		{"UnknownMeeting", tb.staff, func(p *workspace.Poll) { p.MeetingID = &unknown }, workspace.EINVALID, "error.poll.subject_invalid"},
		{"UnknownItem", tb.staff, func(p *workspace.Poll) { p.AgendaItemID = &unknown }, workspace.EINVALID, "error.poll.subject_invalid"},
		{"ClosedMeeting", tb.staff, func(p *workspace.Poll) { p.MeetingID, p.AgendaItemID = &closed.ID, &closedItem.ID }, workspace.ECONFLICT, "error.poll.meeting_closed"},
		{"UnknownVersion", tb.staff, func(p *workspace.Poll) {
			p.MeetingID, p.AgendaItemID, p.ProcedureID, p.VersionNumber = nil, nil, &tb.proc.ID, 7
		}, workspace.EINVALID, "error.poll.subject_invalid"},
		{"UnknownProcedure", tb.staff, func(p *workspace.Poll) {
			p.MeetingID, p.AgendaItemID, p.ProcedureID, p.VersionNumber = nil, nil, &unknown, 1
		}, workspace.EINVALID, "error.poll.subject_invalid"},
		{"ClosesInThePast", tb.staff, func(p *workspace.Poll) { p.ClosesAt = &past }, workspace.EINVALID, "error.poll.closes_at_past"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := tb.yesNo(workspace.BallotNamed)
			if tt.edit != nil {
				tt.edit(p)
			}
			dump := mustDumpTables(t, db)
			refusedUnchanged(t, db, dump, db.CreatePoll(ctx, tt.actor, p), tt.code, tt.key)
		})
	}
}

func TestUpdatePoll(t *testing.T) {
	ctx := context.Background()
	tb := newPollTable(t)
	db := tb.db
	p := tb.mustCreatePoll(t, tb.choice(workspace.BallotNamed, "Mahdia", "Chebba"))

	edited := tb.choice(workspace.BallotSecret, "Salakta", "Mahdia", "El Jem")
	edited.ID, edited.Question = p.ID, "Où tenir le forum de juin ?"
	if err := db.UpdatePoll(ctx, tb.staff, edited); err != nil {
		t.Fatal(err)
	}
	got := mustFindPoll(t, db, p.ID)
	if got.Question != edited.Question || got.Mode != workspace.BallotSecret || len(got.Options) != 3 ||
		got.Options[0].Label != "Salakta" || got.Options[0].ID != edited.Options[0].ID || got.Status != workspace.PollDraft ||
		!got.CreatedAt.Equal(p.CreatedAt) || *got.CreatedBy != tb.secretariat.ID {
		t.Errorf("updated %+v", got)
	}
	e := wantAudit(t, db, workspace.AuditPollUpdate, "poll", p.ID)
	if b, a := decodeAudit(t, e.Before), decodeAudit(t, e.After); b["mode"] != "named" || a["mode"] != "secret" {
		t.Errorf("audit %s → %s", e.Before, e.After)
	}

	opened := tb.mustOpenPoll(t, tb.yesNo(workspace.BallotNamed))
	unknown := tb.yesNo(workspace.BallotNamed)
	unknown.ID = 9999
	for _, tt := range []struct {
		name  string
		actor workspace.Actor
		p     func() *workspace.Poll
		code  string
		key   string
	}{
		{"Member", tb.memberActor, func() *workspace.Poll { c := *edited; return &c }, workspace.EFORBIDDEN, ""},
		{"Open", tb.staff, func() *workspace.Poll { c := *tb.yesNo(workspace.BallotSecret); c.ID = opened.ID; return &c }, workspace.ECONFLICT, "error.poll.not_draft"},
		{"Unknown", tb.staff, func() *workspace.Poll { return unknown }, workspace.ENOTFOUND, ""},
		{"Invalid", tb.staff, func() *workspace.Poll {
			c := tb.choice(workspace.BallotNamed, "Seule")
			c.ID = p.ID
			return c
		}, workspace.EINVALID, "error.poll.options_count"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dump := mustDumpTables(t, db)
			refusedUnchanged(t, db, dump, db.UpdatePoll(ctx, tt.actor, tt.p()), tt.code, tt.key)
		})
	}
}

func TestOpenPoll(t *testing.T) {
	ctx := context.Background()
	tb := newPollTable(t)
	db := tb.db
	p := tb.mustCreatePoll(t, tb.yesNo(workspace.BallotNamed))
	for _, tt := range []struct {
		name  string
		actor workspace.Actor
		id    int64
		code  string
	}{
		{"Member", tb.memberActor, p.ID, workspace.EFORBIDDEN},
		{"Stakeholder", tb.stakeholderActor, p.ID, workspace.EFORBIDDEN},
		{"Unknown", tb.staff, 9999, workspace.ENOTFOUND},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dump := mustDumpTables(t, db)
			_, err := db.OpenPoll(ctx, tt.actor, tt.id)
			refusedUnchanged(t, db, dump, err, tt.code, "")
		})
	}

	opened, err := db.OpenPoll(ctx, tb.staff, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if opened.Status != workspace.PollOpen || opened.OpenedAt == nil || !opened.OpenedAt.Equal(tb.clock.Now()) {
		t.Errorf("opened %+v", opened)
	}
	if got := mustFindPoll(t, db, p.ID); got.Status != workspace.PollOpen {
		t.Errorf("stored status %s", got.Status)
	}
	wantAudit(t, db, workspace.AuditPollOpen, "poll", p.ID)

	t.Run("Twice", func(t *testing.T) {
		dump := mustDumpTables(t, db)
		_, err := db.OpenPoll(ctx, tb.staff, p.ID)
		refusedUnchanged(t, db, dump, err, workspace.ECONFLICT, "error.poll.not_draft")
	})
	t.Run("DeadlinePassed", func(t *testing.T) {
		closes := tb.clock.Now().Add(time.Hour)
		q := tb.yesNo(workspace.BallotNamed)
		q.ClosesAt = &closes
		tb.mustCreatePoll(t, q)
		tb.clock.Add(2 * time.Hour)
		dump := mustDumpTables(t, db)
		_, err := db.OpenPoll(ctx, tb.staff, q.ID)
		refusedUnchanged(t, db, dump, err, workspace.EINVALID, "error.poll.closes_at_past")
	})
}

func TestFindPolls(t *testing.T) {
	ctx := context.Background()
	tb := newPollTable(t)
	db := tb.db
	item2 := tb.mustAddItem(t, tb.meeting, "Budget")
	a := tb.mustCreatePoll(t, tb.yesNo(workspace.BallotNamed))
	tb.clock.Add(time.Minute)
	b := tb.yesNo(workspace.BallotSecret)
	b.AgendaItemID = &item2.ID
	tb.mustOpenPoll(t, b)
	tb.clock.Add(time.Minute)
	c := tb.mustCreatePoll(t, &workspace.Poll{Question: "Adopter ?", Kind: workspace.PollYesNo, Mode: workspace.BallotNamed,
		Unit: workspace.VotePerPerson, Majority: workspace.MajoritySimple, CollegeRule: workspace.CollegeRuleNone,
		ProcedureID: &tb.proc.ID, VersionNumber: tb.version.Number})

	for _, tt := range []struct {
		filter sqlite.PollFilter
		want   []int64
	}{
		{sqlite.PollFilter{}, []int64{c.ID, b.ID, a.ID}},
		{sqlite.PollFilter{MeetingID: tb.meeting.ID}, []int64{b.ID, a.ID}},
		{sqlite.PollFilter{AgendaItemID: item2.ID}, []int64{b.ID}},
		{sqlite.PollFilter{ProcedureID: tb.proc.ID}, []int64{c.ID}},
		{sqlite.PollFilter{Status: workspace.PollOpen}, []int64{b.ID}},
		{sqlite.PollFilter{Status: workspace.PollDraft, MeetingID: tb.meeting.ID}, []int64{a.ID}},
		{sqlite.PollFilter{MeetingID: 9999}, nil},
	} {
		t.Run(fmt.Sprintf("%+v", tt.filter), func(t *testing.T) {
			polls, err := db.FindPolls(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, p := range polls {
				ids = append(ids, p.ID)
				if len(p.Options) != 3 || p.Options[0].PollID != p.ID {
					t.Errorf("poll %d options %+v", p.ID, p.Options)
				}
			}
			if fmt.Sprint(ids) != fmt.Sprint(tt.want) {
				t.Errorf("ids %v, want %v", ids, tt.want)
			}
		})
	}
	if _, err := db.FindPollByID(ctx, 9999); workspace.ErrorCode(err) != workspace.ENOTFOUND {
		t.Errorf("FindPollByID(unknown) = %v", err)
	}
}
