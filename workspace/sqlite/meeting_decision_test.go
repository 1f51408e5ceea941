package sqlite_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// mustDecide records a decision on the item.
func (tb *meetingTable) mustDecide(t *testing.T, it *workspace.AgendaItem, outcome workspace.DecisionOutcome) *workspace.Decision {
	t.Helper()
	d := &workspace.Decision{AgendaItemID: it.ID, Text: "Décision sur " + it.Title, Outcome: outcome}
	if err := tb.db.RecordDecision(context.Background(), tb.staff, d); err != nil {
		t.Fatalf("RecordDecision: %v", err)
	}
	return d
}

// mustAddAction adds an action with status to the decision.
func (tb *meetingTable) mustAddAction(t *testing.T, d *workspace.Decision, title string, owner *workspace.Organisation, due string, status workspace.ActionStatus) *workspace.Action {
	t.Helper()
	a := &workspace.Action{DecisionID: d.ID, Title: title, OwnerOrganisationID: owner.ID, DueDate: due, Status: status}
	if err := tb.db.AddAction(context.Background(), tb.staff, a); err != nil {
		t.Fatalf("AddAction(%q): %v", title, err)
	}
	return a
}

func actionIDs(actions []*workspace.Action) []int64 {
	var ids []int64
	for _, a := range actions {
		ids = append(ids, a.ID)
	}
	return ids
}

// itemsOfKind returns the meeting's items of kind.
func itemsOfKind(rec *workspace.MeetingRecord, kind workspace.AgendaItemKind) []*workspace.AgendaItem {
	var items []*workspace.AgendaItem
	for _, it := range rec.Items {
		if it.Kind == kind {
			items = append(items, it)
		}
	}
	return items
}

// TestMattersArising closes meetings with open actions and checks that
// their pending actions, and their minutes, reach the next meeting's
// agenda: to the next planned meeting of the same kind when there is one,
// else to the next one created.
func TestMattersArising(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	db := tb.db
	day := 24 * time.Hour

	january := tb.mustCreate(t, "Plénière de janvier", workspace.MeetingPlenary, time.Hour)
	opening := tb.mustAddItem(t, january, "Ouverture")
	referral := tb.mustAddItem(t, january, "Orientation vers l'emploi")
	group := tb.mustCreate(t, "Groupe de travail santé", workspace.MeetingWorkingGroup, 3*day)
	march := tb.mustCreate(t, "Plénière de mars", workspace.MeetingPlenary, 7*day)
	june := tb.mustCreate(t, "Plénière de juin", workspace.MeetingPlenary, 14*day)

	tb.mustStart(t, january)
	d1 := tb.mustDecide(t, opening, workspace.OutcomeAdopted)
	overdue := tb.mustAddAction(t, d1, "Envoyer la liste des contacts", tb.other, "2026-02-20", workspace.ActionOpen)
	started := tb.mustAddAction(t, d1, "Réunir les associations", tb.org, "2026-04-01", workspace.ActionInProgress)
	done := tb.mustAddAction(t, d1, "Réserver la salle", tb.org, "2026-03-01", workspace.ActionDone)
	cancelled := tb.mustAddAction(t, d1, "Imprimer les badges", tb.org, "2026-03-01", workspace.ActionCancelled)
	d2 := tb.mustDecide(t, referral, workspace.OutcomePostponed)
	later := tb.mustAddAction(t, d2, "Revoir le circuit d'orientation", tb.other, "2026-05-01", workspace.ActionOpen)

	if _, err := db.CloseMeeting(ctx, tb.staff, january.ID); err != nil {
		t.Fatal(err)
	}

	var minutesItem, arising *workspace.AgendaItem
	t.Run("NextPlannedMeeting", func(t *testing.T) {
		rec := tb.mustRecord(t, march.ID)
		approvals, matters := itemsOfKind(rec, workspace.ItemMinutesApproval), itemsOfKind(rec, workspace.ItemMattersArising)
		if len(rec.Items) != 2 || len(approvals) != 1 || len(matters) != 1 {
			t.Fatalf("march's agenda = %+v, want a minutes approval and matters arising", rec.Items)
		}
		minutesItem, arising = approvals[0], matters[0]
		for _, it := range rec.Items {
			if it.Title != "" || it.SourceMeetingID == nil || *it.SourceMeetingID != january.ID || it.SourceMeetingTitle != january.Title {
				t.Errorf("carried item = %+v, want an untitled item from %q", it, january.Title)
			}
		}
		if minutesItem.Position != 1 || arising.Position != 2 {
			t.Errorf("positions %d, %d, want 1, 2", minutesItem.Position, arising.Position)
		}
		// Soonest due first; neither the done nor the cancelled action.
		if got, want := actionIDs(arising.Actions), []int64{overdue.ID, started.ID, later.ID}; !slices.Equal(got, want) {
			t.Errorf("matters arising follow up %v, want %v (not %d done, %d cancelled)", got, want, done.ID, cancelled.ID)
		}
		for _, a := range arising.Actions {
			if a.Owner == nil || a.Owner.ID != a.OwnerOrganisationID || a.MeetingTitle != january.Title {
				t.Errorf("followed-up action = %+v", a)
			}
		}
		if !arising.Actions[0].Overdue("2026-03-02") {
			t.Errorf("the overdue action is not overdue: %+v", arising.Actions[0])
		}
		for _, other := range []*workspace.Meeting{group, june} {
			if n := len(tb.mustRecord(t, other.ID).Items); n != 0 {
				t.Errorf("%q got %d items, want none", other.Title, n)
			}
		}
		closed, err := db.FindMeetingByID(ctx, january.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !closed.CarriedOver {
			t.Errorf("january is not marked carried over")
		}
		e := wantAudit(t, db, workspace.AuditAgendaCarryOver, "meeting", march.ID)
		if a := decodeAudit(t, e.After); a["source_meeting_id"] != float64(january.ID) || len(a["actions"].([]any)) != 3 {
			t.Errorf("audit after = %s", e.After)
		}
	})

	t.Run("CloseTwice", func(t *testing.T) {
		dump := mustDumpTables(t, db)
		_, err := db.CloseMeeting(ctx, tb.staff, january.ID)
		refusedUnchanged(t, db, dump, err, workspace.ECONFLICT, "error.meeting.not_live")
	})

	// Actions recorded, or reopened, once january is closed and carried
	// over still reach march's matters arising.
	var lateOnes []*workspace.Action
	t.Run("LateActions", func(t *testing.T) {
		late := tb.mustAddAction(t, d1, "Diffuser le procès-verbal", tb.other, "2026-03-25", workspace.ActionOpen)
		reopened := *cancelled
		reopened.Status = workspace.ActionOpen
		if err := db.UpdateAction(ctx, tb.staff, &reopened); err != nil {
			t.Fatal(err)
		}
		notPending := tb.mustAddAction(t, d2, "Déjà fait", tb.other, "2026-03-01", workspace.ActionDone)
		rec := tb.mustRecord(t, march.ID)
		matters := itemsOfKind(rec, workspace.ItemMattersArising)
		if len(rec.Items) != 2 || len(matters) != 1 {
			t.Fatalf("march's agenda = %+v", rec.Items)
		}
		want := []int64{overdue.ID, cancelled.ID, late.ID, started.ID, later.ID}
		if got := actionIDs(matters[0].Actions); !slices.Equal(got, want) {
			t.Errorf("march follows up %v, want %v (not %d, done)", got, want, notPending.ID)
		}
		e := wantAudit(t, db, workspace.AuditAgendaCarryOver, "meeting", march.ID)
		if a := decodeAudit(t, e.After); a["actions"].([]any)[0] != float64(cancelled.ID) {
			t.Errorf("audit after = %s", e.After)
		}
		lateOnes = []*workspace.Action{late, &reopened}
	})

	t.Run("MinutesApproved", func(t *testing.T) {
		tb.mustStart(t, march)
		tb.clock.Add(10 * time.Minute)
		d := tb.mustDecide(t, minutesItem, workspace.OutcomeAdopted)
		approved, err := db.FindMeetingByID(ctx, january.ID)
		if err != nil {
			t.Fatal(err)
		}
		if approved.MinutesApprovedAt == nil || !approved.MinutesApprovedAt.Equal(tb.clock.Now()) {
			t.Errorf("january's minutes approved at %v, want %v", approved.MinutesApprovedAt, tb.clock.Now())
		}
		e := wantAudit(t, db, workspace.AuditMinutesApprove, "meeting", january.ID)
		if a := decodeAudit(t, e.After); a["decision_id"] != float64(d.ID) || a["approved_at"] == nil {
			t.Errorf("audit after = %s", e.After)
		}
		// Recording the same outcome again approves nothing more.
		before := len(mustAuditEntries(t, db, workspace.AuditFilter{Action: workspace.AuditMinutesApprove}))
		tb.mustDecide(t, minutesItem, workspace.OutcomeAdopted)
		if n := len(mustAuditEntries(t, db, workspace.AuditFilter{Action: workspace.AuditMinutesApprove})); n != before {
			t.Errorf("a second adoption wrote %d more approvals", n-before)
		}
	})

	// March closes with january's started action still pending, one of
	// its own, and june planned: june gets march's minutes and the
	// pending actions, january's among them, again.
	var own *workspace.Action
	t.Run("FollowedUpAgain", func(t *testing.T) {
		upd := *overdue
		upd.Status = workspace.ActionDone
		if err := db.UpdateAction(ctx, tb.memberActor, &upd); err != nil {
			t.Fatal(err)
		}
		for _, a := range lateOnes {
			upd := *a
			upd.Status = workspace.ActionDone
			if err := db.UpdateAction(ctx, tb.staff, &upd); err != nil {
				t.Fatal(err)
			}
		}
		d := tb.mustDecide(t, arising, workspace.OutcomeAdopted)
		own = tb.mustAddAction(t, d, "Relancer le circuit", tb.other, "2026-03-20", workspace.ActionOpen)
		if _, err := db.CloseMeeting(ctx, tb.staff, march.ID); err != nil {
			t.Fatal(err)
		}
		rec := tb.mustRecord(t, june.ID)
		approvals, matters := itemsOfKind(rec, workspace.ItemMinutesApproval), itemsOfKind(rec, workspace.ItemMattersArising)
		if len(approvals) != 1 || len(matters) != 1 || *approvals[0].SourceMeetingID != march.ID || matters[0].SourceMeetingTitle != march.Title {
			t.Fatalf("june's agenda = %+v", rec.Items)
		}
		if got, want := actionIDs(matters[0].Actions), []int64{own.ID, started.ID, later.ID}; !slices.Equal(got, want) {
			t.Errorf("june follows up %v, want %v", got, want)
		}
	})

	// June closes with nothing planned after it: the next plenary created
	// picks its carry-over up; a working group, or a plenary starting
	// before june, does not.
	t.Run("NextCreated", func(t *testing.T) {
		tb.mustStart(t, june)
		closed, err := db.CloseMeeting(ctx, tb.staff, june.ID)
		if err != nil {
			t.Fatal(err)
		}
		if closed.CarriedOver {
			t.Errorf("june carried over with no meeting after it")
		}
		wg := tb.mustCreate(t, "Groupe de travail emploi", workspace.MeetingWorkingGroup, 30*day)
		earlier := tb.mustCreate(t, "Plénière extraordinaire", workspace.MeetingPlenary, 10*day)
		for _, m := range []*workspace.Meeting{wg, earlier} {
			if n := len(tb.mustRecord(t, m.ID).Items); n != 0 {
				t.Errorf("%q got %d items, want none", m.Title, n)
			}
		}
		september := tb.mustCreate(t, "Plénière de septembre", workspace.MeetingPlenary, 30*day)
		rec := tb.mustRecord(t, september.ID)
		// June did not approve march's minutes: they wait with june's.
		matters := itemsOfKind(rec, workspace.ItemMattersArising)
		if len(rec.Items) != 3 || len(matters) != 1 || !slices.Equal(approvalSources(rec), []int64{march.ID, june.ID}) {
			t.Fatalf("september's agenda = %+v", rec.Items)
		}
		if got, want := actionIDs(matters[0].Actions), []int64{own.ID, started.ID, later.ID}; !slices.Equal(got, want) {
			t.Errorf("september follows up %v, want %v", got, want)
		}
		closed, err = db.FindMeetingByID(ctx, june.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !closed.CarriedOver {
			t.Errorf("june is not marked carried over")
		}
		// Once carried over, never again.
		again := tb.mustCreate(t, "Plénière de décembre", workspace.MeetingPlenary, 60*day)
		if n := len(tb.mustRecord(t, again.ID).Items); n != 0 {
			t.Errorf("december got %d items, want none", n)
		}
	})

	t.Run("NothingPending", func(t *testing.T) {
		quiet := tb.mustCreate(t, "Groupe sans suite", workspace.MeetingWorkingGroup, 40*day)
		tb.mustStart(t, quiet)
		if _, err := db.CloseMeeting(ctx, tb.staff, quiet.ID); err != nil {
			t.Fatal(err)
		}
		next := tb.mustCreate(t, "Groupe suivant", workspace.MeetingWorkingGroup, 50*day)
		rec := tb.mustRecord(t, next.ID)
		if len(rec.Items) != 1 || rec.Items[0].Kind != workspace.ItemMinutesApproval {
			t.Errorf("agenda after a meeting with no action = %+v, want only its minutes", rec.Items)
		}
	})
}

func TestRecordDecision(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	db := tb.db
	m := tb.mustCreate(t, "Plénière", workspace.MeetingPlenary, time.Hour)
	item := tb.mustAddItem(t, m, "Orientation")

	dump := mustDumpTables(t, db)
	d := &workspace.Decision{AgendaItemID: item.ID, Text: "Adopté", Outcome: workspace.OutcomeAdopted}
	refusedUnchanged(t, db, dump, db.RecordDecision(ctx, tb.staff, d), workspace.ECONFLICT, "error.meeting.not_started")
	tb.mustStart(t, m)
	dump = mustDumpTables(t, db)
	for _, tt := range []struct {
		name  string
		actor workspace.Actor
		d     workspace.Decision
		code  string
		key   string
	}{
		{"Member", tb.memberActor, workspace.Decision{AgendaItemID: item.ID, Text: "X", Outcome: workspace.OutcomeAdopted}, workspace.EFORBIDDEN, ""},
		{"UnknownItem", tb.staff, workspace.Decision{AgendaItemID: 9999, Text: "X", Outcome: workspace.OutcomeAdopted}, workspace.ENOTFOUND, ""},
		{"NoText", tb.staff, workspace.Decision{AgendaItemID: item.ID, Text: " ", Outcome: workspace.OutcomeAdopted}, workspace.EINVALID, "error.decision.text_required"},
		{"InvalidUTF8", tb.staff, workspace.Decision{AgendaItemID: item.ID, Text: "D\xe9cid\xe9", Outcome: workspace.OutcomeAdopted}, workspace.EINVALID, "error.text.utf8"},
		{"Outcome", tb.staff, workspace.Decision{AgendaItemID: item.ID, Text: "X", Outcome: "maybe"}, workspace.EINVALID, "error.decision.outcome_invalid"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.d
			refusedUnchanged(t, db, dump, db.RecordDecision(ctx, tt.actor, &d), tt.code, tt.key)
		})
	}

	if err := db.RecordDecision(ctx, tb.staff, d); err != nil {
		t.Fatal(err)
	}
	if d.ID == 0 || d.MeetingID != m.ID || d.RecordedBy == nil || *d.RecordedBy != tb.secretariat.ID {
		t.Errorf("recorded = %+v", d)
	}
	replaced := &workspace.Decision{AgendaItemID: item.ID, Text: "Reporté à la prochaine séance", Outcome: workspace.OutcomePostponed}
	if err := db.RecordDecision(ctx, workspace.ActorFor(tb.admin), replaced); err != nil {
		t.Fatal(err)
	}
	if replaced.ID != d.ID || !replaced.CreatedAt.Equal(d.CreatedAt) {
		t.Errorf("the replacing decision is %d, want %d kept", replaced.ID, d.ID)
	}
	e := wantAudit(t, db, workspace.AuditDecisionRecord, "decision", d.ID)
	if b, a := decodeAudit(t, e.Before), decodeAudit(t, e.After); b["outcome"] != "adopted" || a["outcome"] != "postponed" {
		t.Errorf("audit %s → %s", e.Before, e.After)
	}
	got := tb.mustRecord(t, m.ID).Item(item.ID).Decision
	if got == nil || got.Text != replaced.Text || got.Outcome != workspace.OutcomePostponed || got.Actions == nil {
		t.Errorf("the item's decision = %+v", got)
	}

	t.Run("InTx", func(t *testing.T) {
		doc := *tb.mustRecord(t, m.ID).Meeting.MinutesDocumentID
		write := func(d *workspace.Decision, seq int64, from int) error {
			return db.AppendDocument(ctx, doc, sqlite.DocumentAppend{From: from, Updates: typedUpdates("server", seq, 1, tb.secretariat.ID),
				Within: func(ctx context.Context, tx *sqlite.Tx, version int) error {
					return tx.RecordDecision(ctx, tb.staff, d)
				}})
		}
		dump := mustDumpTables(t, db)
		bad := &workspace.Decision{AgendaItemID: item.ID, Text: "", Outcome: workspace.OutcomeAdopted}
		refusedUnchanged(t, db, dump, write(bad, 1, 0), workspace.EINVALID, "error.decision.text_required")
		good := &workspace.Decision{AgendaItemID: item.ID, Text: "Adopté finalement", Outcome: workspace.OutcomeAdopted}
		if err := write(good, 1, 0); err != nil {
			t.Fatal(err)
		}
		if got := tb.mustRecord(t, m.ID).Item(item.ID).Decision; got.Text != good.Text || got.ID != d.ID {
			t.Errorf("decision after the update = %+v", got)
		}
		mustVersion(t, db, doc, 1, 1)
	})

	t.Run("ClosedMeeting", func(t *testing.T) {
		if _, err := db.CloseMeeting(ctx, tb.staff, m.ID); err != nil {
			t.Fatal(err)
		}
		late := &workspace.Decision{AgendaItemID: item.ID, Text: "Rectifié", Outcome: workspace.OutcomeRejected}
		if err := db.RecordDecision(ctx, tb.staff, late); err != nil {
			t.Errorf("recording on a closed meeting: %v", err)
		}
	})
}

// TestRecordDecision_MinutesWithdrawn checks that replacing the adoption
// of minutes by another outcome withdraws their approval.
func TestRecordDecision_MinutesWithdrawn(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	db := tb.db
	first := tb.mustCreate(t, "Groupe 1", workspace.MeetingWorkingGroup, time.Hour)
	tb.mustStart(t, first)
	if _, err := db.CloseMeeting(ctx, tb.staff, first.ID); err != nil {
		t.Fatal(err)
	}
	second := tb.mustCreate(t, "Groupe 2", workspace.MeetingWorkingGroup, 48*time.Hour)
	tb.mustStart(t, second)
	item := tb.mustRecord(t, second.ID).Items[0]
	tb.mustDecide(t, item, workspace.OutcomeAdopted)
	tb.mustDecide(t, item, workspace.OutcomeRejected)
	got, err := db.FindMeetingByID(ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.MinutesApprovedAt != nil {
		t.Errorf("minutes still approved at %v after a rejection", got.MinutesApprovedAt)
	}
	if n := len(mustAuditEntries(t, db, workspace.AuditFilter{Action: workspace.AuditMinutesApprove})); n != 2 {
		t.Errorf("%d minutes.approve entries, want 2 (approved, withdrawn)", n)
	}
}

func TestActions(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	db := tb.db
	m := tb.mustCreate(t, "Plénière", workspace.MeetingPlenary, time.Hour)
	item := tb.mustAddItem(t, m, "Orientation")
	tb.mustStart(t, m)
	d := tb.mustDecide(t, item, workspace.OutcomeAdopted)
	gone := MustCreateOrganisation(t, db, "Office dissous")
	gone.Active = false
	if err := db.UpdateOrganisation(ctx, systemActor, gone); err != nil {
		t.Fatal(err)
	}

	a := &workspace.Action{DecisionID: d.ID, Title: "  Envoyer la liste  ", OwnerOrganisationID: tb.other.ID, DueDate: "2026-03-10"}
	if err := db.AddAction(ctx, tb.staff, a); err != nil {
		t.Fatal(err)
	}
	if a.ID == 0 || a.MeetingID != m.ID || a.Status != workspace.ActionOpen || a.Title != "Envoyer la liste" || a.Owner == nil || a.MeetingTitle != m.Title {
		t.Errorf("added = %+v", a)
	}
	e := wantAudit(t, db, workspace.AuditActionCreate, "action", a.ID)
	if after := decodeAudit(t, e.After); after["title"] != "Envoyer la liste" || after["status"] != "open" {
		t.Errorf("audit after = %s", e.After)
	}

	t.Run("RefusedAdd", func(t *testing.T) {
		dump := mustDumpTables(t, db)
		for _, tt := range []struct {
			name  string
			actor workspace.Actor
			a     workspace.Action
			code  string
			key   string
		}{
			{"Member", tb.memberActor, workspace.Action{DecisionID: d.ID, Title: "X", OwnerOrganisationID: tb.org.ID, DueDate: "2026-03-10"}, workspace.EFORBIDDEN, ""},
			{"UnknownDecision", tb.staff, workspace.Action{DecisionID: 9999, Title: "X", OwnerOrganisationID: tb.org.ID, DueDate: "2026-03-10"}, workspace.EINVALID, "error.action.decision_required"},
			{"UnknownOwner", tb.staff, workspace.Action{DecisionID: d.ID, Title: "X", OwnerOrganisationID: 9999, DueDate: "2026-03-10"}, workspace.EINVALID, "error.action.owner_required"},
			{"InactiveOwner", tb.staff, workspace.Action{DecisionID: d.ID, Title: "X", OwnerOrganisationID: gone.ID, DueDate: "2026-03-10"}, workspace.EINVALID, "error.action.owner_inactive"},
			{"DueDate", tb.staff, workspace.Action{DecisionID: d.ID, Title: "X", OwnerOrganisationID: tb.org.ID, DueDate: "10/03/2026"}, workspace.EINVALID, "error.action.due_date_invalid"},
			{"Status", tb.staff, workspace.Action{DecisionID: d.ID, Title: "X", OwnerOrganisationID: tb.org.ID, DueDate: "2026-03-10", Status: "lost"}, workspace.EINVALID, "error.action.status_invalid"},
			{"InvalidUTF8", tb.staff, workspace.Action{DecisionID: d.ID, Title: "\xc0", OwnerOrganisationID: tb.org.ID, DueDate: "2026-03-10"}, workspace.EINVALID, "error.text.utf8"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				a := tt.a
				refusedUnchanged(t, db, dump, db.AddAction(ctx, tt.actor, &a), tt.code, tt.key)
			})
		}
	})

	t.Run("Update", func(t *testing.T) {
		// A member of the owner organisation changes the status only.
		upd := *a
		upd.Status = workspace.ActionInProgress
		if err := db.UpdateAction(ctx, tb.memberActor, &upd); err != nil {
			t.Fatal(err)
		}
		e := wantAudit(t, db, workspace.AuditActionUpdate, "action", a.ID)
		if b, after := decodeAudit(t, e.Before), decodeAudit(t, e.After); b["status"] != "open" || after["status"] != "in_progress" {
			t.Errorf("audit %s → %s", e.Before, e.After)
		}
		dump := mustDumpTables(t, db)
		sneaky := upd
		sneaky.DueDate = "2026-12-31"
		refusedUnchanged(t, db, dump, db.UpdateAction(ctx, tb.memberActor, &sneaky), workspace.EFORBIDDEN, "error.action.status_only")
		sneaky = upd
		sneaky.OwnerOrganisationID = tb.org.ID
		refusedUnchanged(t, db, dump, db.UpdateAction(ctx, tb.memberActor, &sneaky), workspace.EFORBIDDEN, "error.action.status_only")
		// A member of another organisation may not, even naming their own
		// organisation as the owner.
		sneaky = upd
		sneaky.OwnerOrganisationID = tb.org.ID
		refusedUnchanged(t, db, dump, db.UpdateAction(ctx, workspace.ActorFor(tb.member2), &sneaky), workspace.EFORBIDDEN, "")
		refusedUnchanged(t, db, dump, db.UpdateAction(ctx, tb.stakeholderActor, &upd), workspace.EFORBIDDEN, "")
		sneaky = upd
		sneaky.ID = 9999
		refusedUnchanged(t, db, dump, db.UpdateAction(ctx, tb.staff, &sneaky), workspace.ENOTFOUND, "")
		sneaky = upd
		sneaky.OwnerOrganisationID = gone.ID
		refusedUnchanged(t, db, dump, db.UpdateAction(ctx, tb.staff, &sneaky), workspace.EINVALID, "error.action.owner_inactive")

		// The secretariat changes everything.
		all := upd
		all.Title, all.OwnerOrganisationID, all.DueDate, all.Status = "Envoyer la liste complète", tb.org.ID, "2026-03-31", workspace.ActionDone
		if err := db.UpdateAction(ctx, tb.staff, &all); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindActionByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != all.Title || got.OwnerOrganisationID != tb.org.ID || got.Owner.ID != tb.org.ID || got.DueDate != "2026-03-31" ||
			got.Status != workspace.ActionDone || got.DecisionID != d.ID || got.MeetingTitle != m.Title {
			t.Errorf("updated = %+v", got)
		}
		if _, err := db.FindActionByID(ctx, 9999); workspace.ErrorCode(err) != workspace.ENOTFOUND {
			t.Errorf("FindActionByID(9999) err = %v", err)
		}
	})

	t.Run("Find", func(t *testing.T) {
		late := tb.mustAddAction(t, d, "En retard", tb.other, "2026-02-01", workspace.ActionOpen)
		soon := tb.mustAddAction(t, d, "Bientôt", tb.other, "2026-03-05", workspace.ActionInProgress)
		lateDone := tb.mustAddAction(t, d, "Fait en retard", tb.other, "2026-01-15", workspace.ActionDone)
		otherMeeting := tb.mustCreate(t, "Autre", workspace.MeetingWorkingGroup, time.Hour)
		oitem := tb.mustAddItem(t, otherMeeting, "Point")
		tb.mustStart(t, otherMeeting)
		elsewhere := tb.mustAddAction(t, tb.mustDecide(t, oitem, workspace.OutcomeAdopted), "Ailleurs", tb.org, "2026-02-10", workspace.ActionOpen)

		for _, tt := range []struct {
			name   string
			filter sqlite.ActionFilter
			want   []int64
			total  int
		}{
			{"All", sqlite.ActionFilter{}, []int64{lateDone.ID, late.ID, elsewhere.ID, soon.ID, a.ID}, 5},
			{"Organisation", sqlite.ActionFilter{OrganisationID: tb.other.ID}, []int64{lateDone.ID, late.ID, soon.ID}, 3},
			{"Meeting", sqlite.ActionFilter{MeetingID: otherMeeting.ID}, []int64{elsewhere.ID}, 1},
			{"Pending", sqlite.ActionFilter{Pending: true}, []int64{late.ID, elsewhere.ID, soon.ID}, 3},
			{"Overdue", sqlite.ActionFilter{OverdueOn: "2026-03-02"}, []int64{late.ID, elsewhere.ID}, 2},
			{"OverdueOfOrganisation", sqlite.ActionFilter{OverdueOn: "2026-03-02", OrganisationID: tb.other.ID}, []int64{late.ID}, 1},
			{"Page", sqlite.ActionFilter{Limit: 2, Offset: 1}, []int64{late.ID, elsewhere.ID}, 5},
			{"Status", sqlite.ActionFilter{Status: workspace.ActionDone}, []int64{lateDone.ID, a.ID}, 2},
			{"StatusOfOrganisation", sqlite.ActionFilter{Status: workspace.ActionInProgress, OrganisationID: tb.other.ID}, []int64{soon.ID}, 1},
		} {
			t.Run(tt.name, func(t *testing.T) {
				got, total, err := db.FindActions(ctx, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(actionIDs(got), tt.want) || total != tt.total {
					t.Errorf("FindActions = %v (%d in all), want %v (%d)", actionIDs(got), total, tt.want, tt.total)
				}
				for _, a := range got {
					if a.Owner == nil || a.Owner.ID != a.OwnerOrganisationID || a.MeetingTitle == "" {
						t.Errorf("action %+v without owner or meeting title", a)
					}
				}
			})
		}
		_, _, err := db.FindActions(ctx, sqlite.ActionFilter{OverdueOn: "yesterday"})
		wantInvalidField(t, err, "overdue")

		// The meeting's record shows the decision's actions.
		rec := tb.mustRecord(t, m.ID)
		if got := actionIDs(rec.Item(item.ID).Decision.Actions); !slices.Equal(got, []int64{lateDone.ID, late.ID, soon.ID, a.ID}) {
			t.Errorf("the decision's actions = %v", got)
		}
	})
}

func TestCalendarFeed(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	db := tb.db

	if has, err := db.HasCalendarFeed(ctx, tb.member.ID); err != nil || has {
		t.Fatalf("HasCalendarFeed before any = %v, %v", has, err)
	}
	token, err := db.ResetCalendarFeed(ctx, tb.memberActor)
	if err != nil {
		t.Fatal(err)
	}
	if len(token) < 40 {
		t.Errorf("token %q is too short", token)
	}
	if has, err := db.HasCalendarFeed(ctx, tb.member.ID); err != nil || !has {
		t.Errorf("HasCalendarFeed = %v, %v", has, err)
	}
	acc, err := db.FindCalendarFeedAccount(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if acc.ID != tb.member.ID || acc.Organisation == nil {
		t.Errorf("feed account = %+v", acc)
	}
	e := wantAudit(t, db, workspace.AuditCalendarReset, "calendar_feed", tb.member.ID)
	if strings.Contains(e.Before+e.After, token) || strings.Contains(e.Before+e.After, workspace.TokenDigest(token)) {
		t.Errorf("the audit log keeps the token: %s", e.After)
	}
	if strings.Contains(mustDumpTables(t, db), token) {
		t.Errorf("the database keeps the token itself")
	}

	again, err := db.ResetCalendarFeed(ctx, tb.memberActor)
	if err != nil {
		t.Fatal(err)
	}
	if again == token {
		t.Fatal("a reset gave the same token")
	}
	if _, err := db.FindCalendarFeedAccount(ctx, token); workspace.ErrorCode(err) != workspace.ENOTFOUND {
		t.Errorf("the old token: err = %v, want ENOTFOUND", err)
	}
	if _, err := db.FindCalendarFeedAccount(ctx, "not-a-token"); workspace.ErrorCode(err) != workspace.ENOTFOUND {
		t.Errorf("an unknown token: err = %v, want ENOTFOUND", err)
	}

	dump := mustDumpTables(t, db)
	_, err = db.ResetCalendarFeed(ctx, tb.stakeholderActor)
	refusedUnchanged(t, db, dump, err, workspace.EFORBIDDEN, "")
	_, err = db.ResetCalendarFeed(ctx, workspace.Actor{})
	refusedUnchanged(t, db, dump, err, workspace.EFORBIDDEN, "")

	// A deactivated account's feed stops.
	tb.member.Active = false
	if err := db.UpdateAccount(ctx, systemActor, tb.member); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindCalendarFeedAccount(ctx, again); workspace.ErrorCode(err) != workspace.ENOTFOUND {
		t.Errorf("a deactivated account's feed: err = %v, want ENOTFOUND", err)
	}
}

// TestCarryOverComesFirst: the items the table carries over open the next
// agenda, before the items the secretariat had already put on it, which
// keep their order.
func TestCarryOverComesFirst(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	day := 24 * time.Hour

	first := tb.mustCreate(t, "Plénière de janvier", workspace.MeetingPlenary, time.Hour)
	item := tb.mustAddItem(t, first, "Ouverture")
	next := tb.mustCreate(t, "Plénière de mars", workspace.MeetingPlenary, 7*day)
	budget := tb.mustAddItem(t, next, "Budget")
	various := tb.mustAddItem(t, next, "Divers")

	tb.mustStart(t, first)
	d := tb.mustDecide(t, item, workspace.OutcomeAdopted)
	tb.mustAddAction(t, d, "Envoyer la liste des contacts", tb.org, "2026-02-20", workspace.ActionOpen)
	if _, err := tb.db.CloseMeeting(ctx, tb.staff, first.ID); err != nil {
		t.Fatal(err)
	}

	rec := tb.mustRecord(t, next.ID)
	got := agendaOrder(rec)
	want := []string{
		fmt.Sprintf("1:%s:%d", workspace.ItemMinutesApproval, rec.Items[0].ID),
		fmt.Sprintf("2:%s:%d", workspace.ItemMattersArising, rec.Items[1].ID),
		fmt.Sprintf("3:%s:%d", workspace.ItemOrdinary, budget.ID),
		fmt.Sprintf("4:%s:%d", workspace.ItemOrdinary, various.ID),
	}
	if !slices.Equal(got, want) {
		t.Errorf("agenda after carry-over = %v, want %v", got, want)
	}
}

// TestLateActionComesFirst: an action recorded once its meeting is closed
// and carried over, when the next agenda has no matters arising from it
// yet, gets an item with the items the table carried over, before the
// secretariat's own, which keep their order.
func TestLateActionComesFirst(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	day := 24 * time.Hour

	first := tb.mustCreate(t, "Plénière de janvier", workspace.MeetingPlenary, time.Hour)
	item := tb.mustAddItem(t, first, "Ouverture")
	next := tb.mustCreate(t, "Plénière de mars", workspace.MeetingPlenary, 7*day)
	budget := tb.mustAddItem(t, next, "Budget")
	various := tb.mustAddItem(t, next, "Divers")

	tb.mustStart(t, first)
	d := tb.mustDecide(t, item, workspace.OutcomeAdopted)
	if _, err := tb.db.CloseMeeting(ctx, tb.staff, first.ID); err != nil {
		t.Fatal(err)
	}
	// No action was pending at the close: only the minutes were carried
	// over.
	if rec := tb.mustRecord(t, next.ID); len(itemsOfKind(rec, workspace.ItemMattersArising)) != 0 {
		t.Fatalf("agenda after the close = %+v, want no matters arising yet", rec.Items)
	}
	late := tb.mustAddAction(t, d, "Envoyer la liste des contacts", tb.org, "2026-02-20", workspace.ActionOpen)

	rec := tb.mustRecord(t, next.ID)
	got := agendaOrder(rec)
	matters := itemsOfKind(rec, workspace.ItemMattersArising)
	if len(rec.Items) != 4 || len(matters) != 1 {
		t.Fatalf("agenda after the late action = %v", got)
	}
	want := []string{
		fmt.Sprintf("1:%s:%d", workspace.ItemMinutesApproval, rec.Items[0].ID),
		fmt.Sprintf("2:%s:%d", workspace.ItemMattersArising, matters[0].ID),
		fmt.Sprintf("3:%s:%d", workspace.ItemOrdinary, budget.ID),
		fmt.Sprintf("4:%s:%d", workspace.ItemOrdinary, various.ID),
	}
	if !slices.Equal(got, want) {
		t.Errorf("agenda after the late action = %v, want %v", got, want)
	}
	if ids := actionIDs(matters[0].Actions); !slices.Equal(ids, []int64{late.ID}) {
		t.Errorf("matters arising follow up %v, want %v", ids, []int64{late.ID})
	}
}

// agendaOrder describes rec's agenda, an item per entry, as
// "position:kind:id".
func agendaOrder(rec *workspace.MeetingRecord) []string {
	var order []string
	for _, it := range rec.Items {
		order = append(order, fmt.Sprintf("%d:%s:%d", it.Position, it.Kind, it.ID))
	}
	return order
}

// approvalSources returns the meetings whose minutes rec's agenda has an
// item to approve, in the agenda's order.
func approvalSources(rec *workspace.MeetingRecord) []int64 {
	ids := []int64{}
	for _, it := range itemsOfKind(rec, workspace.ItemMinutesApproval) {
		ids = append(ids, *it.SourceMeetingID)
	}
	return ids
}

// TestPostponedMinutesApprovalCarriedOver: minutes whose approval a meeting
// postpones or rejects go on to the next meeting's agenda with that
// meeting's own minutes, once each, until a meeting approves them.
func TestPostponedMinutesApprovalCarriedOver(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	db := tb.db
	day := 24 * time.Hour
	approvalOf := func(rec *workspace.MeetingRecord, source int64) *workspace.AgendaItem {
		t.Helper()
		for _, it := range itemsOfKind(rec, workspace.ItemMinutesApproval) {
			if *it.SourceMeetingID == source {
				return it
			}
		}
		t.Fatalf("%q has no item to approve the minutes of meeting %d: %+v", rec.Meeting.Title, source, rec.Items)
		return nil
	}
	closeMeeting := func(m *workspace.Meeting) {
		t.Helper()
		if _, err := db.CloseMeeting(ctx, tb.staff, m.ID); err != nil {
			t.Fatal(err)
		}
	}

	january := tb.mustCreate(t, "Plénière de janvier", workspace.MeetingPlenary, time.Hour)
	tb.mustAddItem(t, january, "Ouverture")
	february := tb.mustCreate(t, "Plénière de février", workspace.MeetingPlenary, 5*day)
	tb.mustStart(t, january)
	closeMeeting(january)

	// February postpones january's minutes and closes with nothing
	// planned after it: the next plenary created has both minutes.
	tb.mustStart(t, february)
	tb.mustDecide(t, approvalOf(tb.mustRecord(t, february.ID), january.ID), workspace.OutcomePostponed)
	closeMeeting(february)
	march := tb.mustCreate(t, "Plénière de mars", workspace.MeetingPlenary, 10*day)
	t.Run("NextCreated", func(t *testing.T) {
		rec := tb.mustRecord(t, march.ID)
		if got, want := approvalSources(rec), []int64{january.ID, february.ID}; !slices.Equal(got, want) {
			t.Fatalf("march approves the minutes of %v, want %v (january's, then february's)", got, want)
		}
		if len(rec.Items) != 2 || rec.Items[0].Position != 1 || rec.Items[1].Position != 2 {
			t.Errorf("march's agenda = %+v, want the two approvals first", rec.Items)
		}
		e := wantAudit(t, db, workspace.AuditAgendaCarryOver, "meeting", march.ID)
		a := decodeAudit(t, e.After)
		earlier, _ := a["earlier_minutes"].([]any)
		if a["source_meeting_id"] != float64(february.ID) || len(earlier) != 1 ||
			earlier[0].(map[string]any)["meeting_id"] != float64(january.ID) {
			t.Errorf("audit after = %s", e.After)
		}
	})

	// March rejects january's minutes and approves february's, with april
	// already planned: april gets january's and march's minutes.
	april := tb.mustCreate(t, "Plénière d'avril", workspace.MeetingPlenary, 20*day)
	t.Run("NextPlanned", func(t *testing.T) {
		tb.mustStart(t, march)
		rec := tb.mustRecord(t, march.ID)
		tb.mustDecide(t, approvalOf(rec, january.ID), workspace.OutcomeRejected)
		tb.mustDecide(t, approvalOf(rec, february.ID), workspace.OutcomeAdopted)
		closeMeeting(march)
		if got, want := approvalSources(tb.mustRecord(t, april.ID)), []int64{january.ID, march.ID}; !slices.Equal(got, want) {
			t.Errorf("april approves the minutes of %v, want %v (not february's, approved)", got, want)
		}
	})

	// A decision recorded on a closed meeting after it was carried over:
	// march's approval of february's minutes withdrawn sends them to april
	// too, once however often it is recorded.
	t.Run("DecidedAfterTheCarryOver", func(t *testing.T) {
		item := approvalOf(tb.mustRecord(t, march.ID), february.ID)
		tb.mustDecide(t, item, workspace.OutcomePostponed)
		want := []int64{january.ID, march.ID, february.ID}
		if got := approvalSources(tb.mustRecord(t, april.ID)); !slices.Equal(got, want) {
			t.Fatalf("april approves the minutes of %v, want %v", got, want)
		}
		e := wantAudit(t, db, workspace.AuditAgendaCarryOver, "meeting", april.ID)
		if a := decodeAudit(t, e.After); a["source_meeting_id"] != float64(march.ID) {
			t.Errorf("audit after = %s", e.After)
		}
		tb.mustDecide(t, item, workspace.OutcomeRejected)
		if got := approvalSources(tb.mustRecord(t, april.ID)); !slices.Equal(got, want) {
			t.Errorf("after a second refusal april approves the minutes of %v, want %v", got, want)
		}
	})

	// April approves them all: may gets april's minutes only.
	t.Run("Approved", func(t *testing.T) {
		tb.mustStart(t, april)
		for _, it := range itemsOfKind(tb.mustRecord(t, april.ID), workspace.ItemMinutesApproval) {
			tb.mustDecide(t, it, workspace.OutcomeAdopted)
		}
		closeMeeting(april)
		may := tb.mustCreate(t, "Plénière de mai", workspace.MeetingPlenary, 30*day)
		if got, want := approvalSources(tb.mustRecord(t, may.ID)), []int64{april.ID}; !slices.Equal(got, want) {
			t.Errorf("may approves the minutes of %v, want %v", got, want)
		}
	})
}
