package sqlite_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"tawla/workspace"
)

func TestAgenda(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	db := tb.db
	m := tb.mustCreate(t, "Plénière", workspace.MeetingPlenary, 24*time.Hour)
	proc := &workspace.Procedure{Title: "Accueil des migrants de retour", Language: "fr", Category: workspace.CategoryOther}
	if err := db.CreateProcedure(ctx, tb.memberActor, proc, "# Accueil\n"); err != nil {
		t.Fatal(err)
	}

	first := &workspace.AgendaItem{MeetingID: m.ID, Title: "  Ouverture  ", DurationMinutes: 10, PresenterAccountID: &tb.member.ID}
	if err := db.AddAgendaItem(ctx, tb.staff, first, []int64{proc.ID, proc.ID}); err != nil {
		t.Fatal(err)
	}
	second := tb.mustAddItem(t, m, "Procédures")
	third := &workspace.AgendaItem{MeetingID: m.ID, Title: "Divers", PresenterOrganisationID: &tb.other.ID}
	if err := db.AddAgendaItem(ctx, tb.staff, third, nil); err != nil {
		t.Fatal(err)
	}

	t.Run("Added", func(t *testing.T) {
		if first.Position != 1 || second.Position != 2 || third.Position != 3 || first.Kind != workspace.ItemOrdinary {
			t.Errorf("positions %d %d %d, kind %q", first.Position, second.Position, third.Position, first.Kind)
		}
		rec := tb.mustRecord(t, m.ID)
		if ids := itemIDs(rec); !slices.Equal(ids, []int64{first.ID, second.ID, third.ID}) {
			t.Fatalf("items = %v", ids)
		}
		got := rec.Items[0]
		if got.Title != "Ouverture" || got.PresenterAccount == nil || got.PresenterAccount.ID != tb.member.ID ||
			got.PresenterAccount.Organisation == nil || got.PresenterAccount.Organisation.ID != tb.other.ID {
			t.Errorf("first item = %+v", got)
		}
		if len(got.Procedures) != 1 || got.Procedures[0].ID != proc.ID || got.Procedures[0].Title != proc.Title || got.Procedures[0].Language != "fr" {
			t.Errorf("first item's procedures = %+v", got.Procedures)
		}
		if o := rec.Items[2].PresenterOrganisation; o == nil || o.ID != tb.other.ID {
			t.Errorf("third item's presenter organisation = %+v", o)
		}
		e := wantAudit(t, db, workspace.AuditAgendaAdd, "agenda_item", third.ID)
		if a := decodeAudit(t, e.After); a["title"] != "Divers" {
			t.Errorf("audit after = %s", e.After)
		}
	})

	t.Run("Update", func(t *testing.T) {
		edit := &workspace.AgendaItem{ID: second.ID, Title: "Procédures en cours", Description: "Point d'étape", DurationMinutes: 45}
		if err := db.UpdateAgendaItem(ctx, tb.staff, edit, []int64{proc.ID}); err != nil {
			t.Fatal(err)
		}
		got := tb.mustRecord(t, m.ID).Item(second.ID)
		if got.Title != "Procédures en cours" || got.Description != "Point d'étape" || got.DurationMinutes != 45 || got.Position != 2 || len(got.Procedures) != 1 {
			t.Errorf("updated item = %+v", got)
		}
		e := wantAudit(t, db, workspace.AuditAgendaUpdate, "agenda_item", second.ID)
		if b, a := decodeAudit(t, e.Before), decodeAudit(t, e.After); b["title"] != "Procédures" || len(a["procedures"].([]any)) != 1 {
			t.Errorf("audit %s → %s", e.Before, e.After)
		}
		// No procedures: the links go.
		if err := db.UpdateAgendaItem(ctx, tb.staff, edit, nil); err != nil {
			t.Fatal(err)
		}
		if n := len(tb.mustRecord(t, m.ID).Item(second.ID).Procedures); n != 0 {
			t.Errorf("%d procedures left", n)
		}
	})

	t.Run("RefusedAdd", func(t *testing.T) {
		unknown := int64(9999)
		for _, tt := range []struct {
			name  string
			actor workspace.Actor
			item  workspace.AgendaItem
			procs []int64
			code  string
			key   string
		}{
			{"Member", tb.memberActor, workspace.AgendaItem{MeetingID: m.ID, Title: "X"}, nil, workspace.EFORBIDDEN, ""},
			{"UnknownMeeting", tb.staff, workspace.AgendaItem{MeetingID: 9999, Title: "X"}, nil, workspace.ENOTFOUND, ""},
			{"NoTitle", tb.staff, workspace.AgendaItem{MeetingID: m.ID, Title: "  "}, nil, workspace.EINVALID, "error.agenda.title_required"},
			{"InvalidUTF8", tb.staff, workspace.AgendaItem{MeetingID: m.ID, Title: "Ordre\xc3"}, nil, workspace.EINVALID, "error.text.utf8"},
			{"Duration", tb.staff, workspace.AgendaItem{MeetingID: m.ID, Title: "X", DurationMinutes: -1}, nil, workspace.EINVALID, "error.agenda.duration_invalid"},
			{"Kind", tb.staff, workspace.AgendaItem{MeetingID: m.ID, Kind: workspace.ItemMattersArising}, nil, workspace.EINVALID, "error.agenda.kind_invalid"},
			{"UnknownProcedure", tb.staff, workspace.AgendaItem{MeetingID: m.ID, Title: "X"}, []int64{proc.ID, 9999}, workspace.EINVALID, "error.agenda.procedure_invalid"},
			{"UnknownPresenter", tb.staff, workspace.AgendaItem{MeetingID: m.ID, Title: "X", PresenterAccountID: &unknown}, nil, workspace.EINVALID, "error.agenda.presenter_invalid"},
			{"UnknownOrganisation", tb.staff, workspace.AgendaItem{MeetingID: m.ID, Title: "X", PresenterOrganisationID: &unknown}, nil, workspace.EINVALID, "error.agenda.presenter_invalid"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				dump := mustDumpTables(t, db)
				it := tt.item
				refusedUnchanged(t, db, dump, db.AddAgendaItem(ctx, tt.actor, &it, tt.procs), tt.code, tt.key)
			})
		}
	})

	t.Run("RefusedUpdate", func(t *testing.T) {
		dump := mustDumpTables(t, db)
		edit := &workspace.AgendaItem{ID: first.ID, Title: "Ouverture"}
		refusedUnchanged(t, db, dump, db.UpdateAgendaItem(ctx, tb.memberActor, edit, nil), workspace.EFORBIDDEN, "")
		refusedUnchanged(t, db, dump, db.UpdateAgendaItem(ctx, tb.staff, edit, []int64{9999}), workspace.EINVALID, "error.agenda.procedure_invalid")
		edit.Description = "\xff"
		refusedUnchanged(t, db, dump, db.UpdateAgendaItem(ctx, tb.staff, edit, nil), workspace.EINVALID, "error.text.utf8")
		edit.Description, edit.Kind = "", workspace.ItemMinutesApproval
		refusedUnchanged(t, db, dump, db.UpdateAgendaItem(ctx, tb.staff, edit, nil), workspace.EINVALID, "error.agenda.kind_invalid")
		refusedUnchanged(t, db, dump, db.UpdateAgendaItem(ctx, tb.staff, &workspace.AgendaItem{ID: 9999, Title: "X"}, nil), workspace.ENOTFOUND, "")
	})

	t.Run("Reorder", func(t *testing.T) {
		order := []int64{third.ID, first.ID, second.ID}
		if err := db.ReorderAgenda(ctx, tb.staff, m.ID, order); err != nil {
			t.Fatal(err)
		}
		rec := tb.mustRecord(t, m.ID)
		if ids := itemIDs(rec); !slices.Equal(ids, order) {
			t.Errorf("items = %v, want %v", ids, order)
		}
		for i, it := range rec.Items {
			if it.Position != i+1 {
				t.Errorf("item %d at position %d, want %d", it.ID, it.Position, i+1)
			}
		}
		e := wantAudit(t, db, workspace.AuditAgendaReorder, "meeting", m.ID)
		if a := decodeAudit(t, e.After); len(a["items"].([]any)) != 3 {
			t.Errorf("audit after = %s", e.After)
		}

		// The order it has already changes nothing, not even the log.
		before := mustAuditCount(t, db)
		if err := db.ReorderAgenda(ctx, tb.staff, m.ID, order); err != nil {
			t.Fatal(err)
		}
		if got := mustAuditCount(t, db); got != before {
			t.Errorf("an unchanged order wrote %d audit entries", got-before)
		}

		other := tb.mustCreate(t, "Autre", workspace.MeetingWorkingGroup, time.Hour)
		foreign := tb.mustAddItem(t, other, "Ailleurs")
		dump := mustDumpTables(t, db)
		for name, ids := range map[string][]int64{
			"Missing":   {third.ID, first.ID},
			"Twice":     {third.ID, first.ID, first.ID},
			"Repeated":  {third.ID, first.ID, second.ID, second.ID},
			"Foreign":   {third.ID, first.ID, foreign.ID},
			"Unknown":   {third.ID, first.ID, 9999},
			"Empty":     nil,
			"ExtraItem": {third.ID, first.ID, second.ID, foreign.ID},
		} {
			t.Run(name, func(t *testing.T) {
				refusedUnchanged(t, db, dump, db.ReorderAgenda(ctx, tb.staff, m.ID, ids), workspace.EINVALID, "error.agenda.reorder_invalid")
			})
		}
		refusedUnchanged(t, db, dump, db.ReorderAgenda(ctx, tb.memberActor, m.ID, []int64{first.ID, second.ID, third.ID}), workspace.EFORBIDDEN, "")
		refusedUnchanged(t, db, dump, db.ReorderAgenda(ctx, tb.staff, 9999, nil), workspace.ENOTFOUND, "")
	})

	t.Run("Delete", func(t *testing.T) {
		dump := mustDumpTables(t, db)
		refusedUnchanged(t, db, dump, deleteAgendaItem(ctx, db, tb.memberActor, first.ID), workspace.EFORBIDDEN, "")
		refusedUnchanged(t, db, dump, deleteAgendaItem(ctx, db, tb.staff, 9999), workspace.ENOTFOUND, "")

		if err := deleteAgendaItem(ctx, db, tb.staff, first.ID); err != nil {
			t.Fatal(err)
		}
		rec := tb.mustRecord(t, m.ID)
		if ids := itemIDs(rec); !slices.Equal(ids, []int64{third.ID, second.ID}) {
			t.Fatalf("items = %v", ids)
		}
		for i, it := range rec.Items {
			if it.Position != i+1 {
				t.Errorf("item %d at position %d, want %d", it.ID, it.Position, i+1)
			}
		}
		e := wantAudit(t, db, workspace.AuditAgendaDelete, "agenda_item", first.ID)
		if b := decodeAudit(t, e.Before); b["title"] != "Ouverture" {
			t.Errorf("audit before = %s", e.Before)
		}
	})

	t.Run("LiveMeeting", func(t *testing.T) {
		tb.mustStart(t, m)
		// third is current: it stays; second gets a decision: it stays.
		d := &workspace.Decision{AgendaItemID: second.ID, Text: "Adopté", Outcome: workspace.OutcomeAdopted}
		if err := db.RecordDecision(ctx, tb.staff, d); err != nil {
			t.Fatal(err)
		}
		dump := mustDumpTables(t, db)
		refusedUnchanged(t, db, dump, deleteAgendaItem(ctx, db, tb.staff, third.ID), workspace.ECONFLICT, "error.agenda.item_current")
		refusedUnchanged(t, db, dump, deleteAgendaItem(ctx, db, tb.staff, second.ID), workspace.ECONFLICT, "error.agenda.item_has_decision")

		// An item added during the meeting, once discussed, can go: its
		// requests for the floor stay in the history.
		late := tb.mustAddItem(t, m, "Point ajouté")
		if err := db.MoveCurrentItem(ctx, tb.staff, m.ID, late.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AskFloor(ctx, tb.memberActor, m.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.MoveCurrentItem(ctx, tb.staff, m.ID, third.ID); err != nil {
			t.Fatal(err)
		}
		if err := deleteAgendaItem(ctx, db, tb.staff, late.ID); err != nil {
			t.Fatal(err)
		}
		rec := tb.mustRecord(t, m.ID)
		if len(rec.Items) != 2 || len(rec.Speakers) != 1 || rec.Speakers[0].AgendaItemID != nil {
			t.Errorf("after deleting the item: %d items, speakers %+v", len(rec.Items), rec.Speakers)
		}

		if _, err := db.CloseMeeting(ctx, tb.staff, m.ID); err != nil {
			t.Fatal(err)
		}
		dump = mustDumpTables(t, db)
		refusedUnchanged(t, db, dump, db.AddAgendaItem(ctx, tb.staff, &workspace.AgendaItem{MeetingID: m.ID, Title: "Trop tard"}, nil), workspace.ECONFLICT, "error.meeting.closed")
		refusedUnchanged(t, db, dump, db.ReorderAgenda(ctx, tb.staff, m.ID, []int64{second.ID, third.ID}), workspace.ECONFLICT, "error.meeting.closed")
		refusedUnchanged(t, db, dump, deleteAgendaItem(ctx, db, tb.staff, third.ID), workspace.ECONFLICT, "error.meeting.closed")
	})
}

// TestAgenda_TableItems checks that the items the table adds itself keep
// their kind and empty title when the secretariat edits them.
func TestAgenda_TableItems(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	db := tb.db
	past := tb.mustCreate(t, "Plénière de janvier", workspace.MeetingPlenary, time.Hour)
	tb.mustStart(t, past)
	if _, err := db.CloseMeeting(ctx, tb.staff, past.ID); err != nil {
		t.Fatal(err)
	}
	next := tb.mustCreate(t, "Plénière de mars", workspace.MeetingPlenary, 48*time.Hour)
	rec := tb.mustRecord(t, next.ID)
	if len(rec.Items) != 1 || rec.Items[0].Kind != workspace.ItemMinutesApproval {
		t.Fatalf("items = %+v, want one minutes approval", rec.Items)
	}
	item := rec.Items[0]

	edit := &workspace.AgendaItem{ID: item.ID, Title: "Un titre", Description: "  Procès-verbal joint  ", DurationMinutes: 5, PresenterAccountID: &tb.secretariat.ID}
	if err := db.UpdateAgendaItem(ctx, tb.staff, edit, nil); err != nil {
		t.Fatal(err)
	}
	got := tb.mustRecord(t, next.ID).Items[0]
	if got.Kind != workspace.ItemMinutesApproval || got.Title != "" || got.Description != "Procès-verbal joint" || got.DurationMinutes != 5 ||
		got.SourceMeetingID == nil || *got.SourceMeetingID != past.ID || got.SourceMeetingTitle != past.Title || got.PresenterAccount == nil {
		t.Errorf("edited table item = %+v", got)
	}
	dump := mustDumpTables(t, db)
	edit.DurationMinutes = 601
	refusedUnchanged(t, db, dump, db.UpdateAgendaItem(ctx, tb.staff, edit, nil), workspace.EINVALID, "error.agenda.duration_invalid")
	edit.DurationMinutes, edit.Description = 5, "\xff"
	refusedUnchanged(t, db, dump, db.UpdateAgendaItem(ctx, tb.staff, edit, nil), workspace.EINVALID, "error.text.utf8")
}

// TestDeleteAgendaItemRefusesTableItems: the items the table adds itself —
// minutes to approve, matters arising — are decided on, not removed, and
// so is an item put to a vote.
func TestDeleteAgendaItemRefusesTableItems(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	db := tb.db
	january := tb.mustCreate(t, "Plénière de janvier", workspace.MeetingPlenary, time.Hour)
	opening := tb.mustAddItem(t, january, "Ouverture")
	march := tb.mustCreate(t, "Plénière de mars", workspace.MeetingPlenary, 48*time.Hour)
	tb.mustStart(t, january)
	d := &workspace.Decision{AgendaItemID: opening.ID, Text: "Adopté", Outcome: workspace.OutcomeAdopted}
	if err := db.RecordDecision(ctx, tb.staff, d); err != nil {
		t.Fatal(err)
	}
	if err := db.AddAction(ctx, tb.staff, &workspace.Action{DecisionID: d.ID, Title: "Envoyer la liste", OwnerOrganisationID: tb.org.ID,
		DueDate: "2026-04-01", Status: workspace.ActionOpen}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CloseMeeting(ctx, tb.staff, january.ID); err != nil {
		t.Fatal(err)
	}
	rec := tb.mustRecord(t, march.ID)
	if len(rec.Items) != 2 {
		t.Fatalf("march's agenda = %+v, want january's minutes and matters arising", rec.Items)
	}
	for _, it := range rec.Items {
		t.Run(string(it.Kind), func(t *testing.T) {
			dump := mustDumpTables(t, db)
			refusedUnchanged(t, db, dump, deleteAgendaItem(ctx, db, tb.staff, it.ID), workspace.ECONFLICT, "error.agenda.item_added_by_table")
		})
	}

	t.Run("PutToAVote", func(t *testing.T) {
		item := tb.mustAddItem(t, march, "Lieu du forum")
		p := &workspace.Poll{Question: "Quel lieu pour le forum ?", Kind: workspace.PollSingle, Mode: workspace.BallotNamed,
			Unit: workspace.VotePerPerson, MeetingID: &march.ID, AgendaItemID: &item.ID,
			Options: []*workspace.PollOption{{Label: "Mahdia"}, {Label: "Ksour Essef"}}}
		if err := db.CreatePoll(ctx, tb.staff, p); err != nil {
			t.Fatal(err)
		}
		dump := mustDumpTables(t, db)
		refusedUnchanged(t, db, dump, deleteAgendaItem(ctx, db, tb.staff, item.ID), workspace.ECONFLICT, "error.agenda.item_has_poll")
	})
}

// TestDeleteAgendaItemRemovesIssueLinks: deleting an item unlinks the
// issues linked to it, each with the unlink event and audit entry of an
// ordinary unlink, so that no link passes to an item added later under
// the same id.
func TestDeleteAgendaItemRemovesIssueLinks(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	db := tb.db
	m := tb.mustCreate(t, "Plénière de mars", workspace.MeetingPlenary, 48*time.Hour)
	kept := tb.mustAddItem(t, m, "Budget")
	gone := tb.mustAddItem(t, m, "Diplômes")
	cats, err := db.FindIssueCategories(ctx, false)
	if err != nil || len(cats) == 0 {
		t.Fatalf("categories %v, %v", cats, err)
	}
	issue := func(title string) *workspace.Issue {
		t.Helper()
		i := &workspace.Issue{Title: title, CategoryID: cats[0].ID}
		if _, err := db.CreateIssue(ctx, tb.memberActor, i, nil); err != nil {
			t.Fatal(err)
		}
		return i
	}
	link := func(i *workspace.Issue, kind workspace.IssueLinkKind, target int64) {
		t.Helper()
		if _, err := db.LinkIssue(ctx, tb.memberActor, &workspace.IssueLink{IssueID: i.ID, TargetKind: kind, TargetID: target}); err != nil {
			t.Fatal(err)
		}
	}
	first, second := issue("Diplôme non reconnu"), issue("Budget en retard")
	link(first, workspace.LinkAgendaItem, gone.ID)
	link(first, workspace.LinkMeeting, m.ID)
	link(second, workspace.LinkAgendaItem, gone.ID)
	link(second, workspace.LinkAgendaItem, kept.ID)
	unlinks := len(mustAuditEntries(t, db, workspace.AuditFilter{Action: workspace.AuditIssueUnlink}))

	changes, err := db.DeleteAgendaItem(ctx, tb.staff, gone.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The unlinks come back to be published, one an issue.
	if len(changes) != 2 || changes[0].Event.IssueID != first.ID || changes[1].Event.IssueID != second.ID {
		t.Fatalf("changes %+v, want the unlinks of %d and %d", changes, first.ID, second.ID)
	}
	for i, c := range []struct {
		issue *workspace.Issue
		want  []string
	}{
		{first, []string{"meeting:" + strconv.FormatInt(m.ID, 10)}},
		{second, []string{"agenda_item:" + strconv.FormatInt(kept.ID, 10)}},
	} {
		links, err := db.FindIssueLinks(ctx, c.issue.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range links {
			got = append(got, string(l.TargetKind)+":"+strconv.FormatInt(l.TargetID, 10))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%q is linked to %v, want %v", c.issue.Title, got, c.want)
		}
		events, err := db.FindIssueTimeline(ctx, c.issue.ID)
		if err != nil {
			t.Fatal(err)
		}
		e := events[len(events)-1]
		if e.Kind != workspace.EventUnlink || e.FromValue != "agenda_item:"+strconv.FormatInt(gone.ID, 10) ||
			e.Body != "Plénière de mars — 2. Diplômes" || e.ActorID == nil || *e.ActorID != tb.secretariat.ID {
			t.Errorf("%q's last event %+v, want the item's unlink by the secretariat", c.issue.Title, e)
		}
		if changes[i].Event.ID != e.ID {
			t.Errorf("%q's change is event %d, want %d", c.issue.Title, changes[i].Event.ID, e.ID)
		}
	}
	entries := mustAuditEntries(t, db, workspace.AuditFilter{Action: workspace.AuditIssueUnlink})
	if len(entries) != unlinks+2 {
		t.Fatalf("%d unlink audit entries, want %d", len(entries), unlinks+2)
	}
	for _, e := range entries[:2] {
		if b := decodeAudit(t, e.Before); e.EntityType != "issue" || b["target_kind"] != "agenda_item" || b["target_id"] != float64(gone.ID) || e.After != "" {
			t.Errorf("unlink audit entry %+v", e)
		}
	}

	// An item added since takes the freed id: no issue is linked to it.
	late := tb.mustAddItem(t, m, "Point ajouté")
	if linked, err := db.FindIssuesLinkedTo(ctx, workspace.LinkAgendaItem, late.ID); err != nil || len(linked) != 0 {
		t.Errorf("issues linked to the new item %d (the deleted one was %d): %d, %v", late.ID, gone.ID, len(linked), err)
	}
	byItem, err := db.FindAgendaIssues(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(byItem) != 1 || len(byItem[kept.ID]) != 1 || byItem[kept.ID][0].ID != second.ID {
		t.Errorf("agenda issues %v, want only %q on %q", byItem, second.Title, kept.Title)
	}
}
