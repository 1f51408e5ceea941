package sqlite_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"tawla/workspace"
)

// approvalItem returns the item of meeting id's agenda that approves the
// minutes of meeting source.
func (tb *meetingTable) approvalItem(t *testing.T, id, source int64) *workspace.AgendaItem {
	t.Helper()
	rec := tb.mustRecord(t, id)
	for _, it := range itemsOfKind(rec, workspace.ItemMinutesApproval) {
		if *it.SourceMeetingID == source {
			return it
		}
	}
	t.Fatalf("%q has no item to approve the minutes of meeting %d: %+v", rec.Meeting.Title, source, rec.Items)
	return nil
}

// TestMinutesApprovalWithdrawnOnlyWhenNoAdoptionStands: once a decision
// changed after the carry-over put the approval of the same minutes on a
// second meeting's agenda, a decision changed on one item withdraws the
// approval only when no adopted decision stands on the other; while one
// stands, the minutes stay approved since the time they were, and sealed.
func TestMinutesApprovalWithdrawnOnlyWhenNoAdoptionStands(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	db := tb.db
	day := 24 * time.Hour
	closeMeeting := func(m *workspace.Meeting) {
		t.Helper()
		if _, err := db.CloseMeeting(ctx, tb.staff, m.ID); err != nil {
			t.Fatal(err)
		}
	}
	// approvedAt returns when january's minutes were approved (nil when
	// they wait) and fails the test when their document's seal disagrees.
	approvedAt := func(t *testing.T, m *workspace.Meeting) *time.Time {
		t.Helper()
		got, err := db.FindMeetingByID(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := db.FindDocumentByID(ctx, *got.MinutesDocumentID)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Sealed != (got.MinutesApprovedAt != nil) {
			t.Errorf("minutes approved at %v, sealed %v", got.MinutesApprovedAt, doc.Sealed)
		}
		return got.MinutesApprovedAt
	}

	january := tb.mustCreate(t, "Plénière de janvier", workspace.MeetingPlenary, time.Hour)
	february := tb.mustCreate(t, "Plénière de février", workspace.MeetingPlenary, 5*day)
	march := tb.mustCreate(t, "Plénière de mars", workspace.MeetingPlenary, 10*day)
	tb.mustStart(t, january)
	closeMeeting(january)

	// February adopts january's minutes and closes: march gets february's
	// minutes only.
	tb.mustStart(t, february)
	inFebruary := tb.approvalItem(t, february.ID, january.ID)
	tb.mustDecide(t, inFebruary, workspace.OutcomeAdopted)
	closeMeeting(february)
	if got, want := approvalSources(tb.mustRecord(t, march.ID)), []int64{february.ID}; !slices.Equal(got, want) {
		t.Fatalf("march approves the minutes of %v, want %v", got, want)
	}

	// February's decision postponed after its close sends january's
	// minutes to march; adopted again, they are approved again.
	tb.clock.Add(time.Hour)
	tb.mustDecide(t, inFebruary, workspace.OutcomePostponed)
	if at := approvedAt(t, january); at != nil {
		t.Fatalf("january's minutes approved at %v after february postponed them", at)
	}
	inMarch := tb.approvalItem(t, march.ID, january.ID)
	tb.clock.Add(time.Hour)
	tb.mustDecide(t, inFebruary, workspace.OutcomeAdopted)
	approved := approvedAt(t, january)
	if approved == nil || !approved.Equal(tb.clock.Now()) {
		t.Fatalf("january's minutes approved at %v, want %v", approved, tb.clock.Now())
	}
	withdrawals := func() int {
		n := 0
		for _, e := range mustAuditEntries(t, db, workspace.AuditFilter{Action: workspace.AuditMinutesApprove}) {
			if e.EntityID == january.ID && decodeAudit(t, e.After)["approved_at"] == nil {
				n++
			}
		}
		return n
	}
	before := withdrawals()

	// March adopts them too, then postpones: february's adoption stands.
	tb.mustStart(t, march)
	tb.clock.Add(time.Hour)
	tb.mustDecide(t, inMarch, workspace.OutcomeAdopted)
	tb.clock.Add(time.Hour)
	tb.mustDecide(t, inMarch, workspace.OutcomePostponed)
	if at := approvedAt(t, january); at == nil || !at.Equal(*approved) {
		t.Errorf("january's minutes approved at %v after march postponed them, want %v (february's adoption stands)", at, approved)
	}
	if n := withdrawals(); n != before {
		t.Errorf("%d withdrawals of january's approval audited, want %d", n, before)
	}

	// March adopts them again and february's decision goes: march's
	// stands, and the minutes keep the time since which they are approved.
	tb.clock.Add(time.Hour)
	tb.mustDecide(t, inMarch, workspace.OutcomeAdopted)
	tb.clock.Add(time.Hour)
	tb.mustDecide(t, inFebruary, workspace.OutcomeRejected)
	if at := approvedAt(t, january); at == nil || !at.Equal(*approved) {
		t.Errorf("january's minutes approved at %v after february rejected them, want %v (march's adoption stands)", at, approved)
	}

	// The last adoption withdrawn, the approval goes.
	tb.clock.Add(time.Hour)
	tb.mustDecide(t, inMarch, workspace.OutcomeRejected)
	if at := approvedAt(t, january); at != nil {
		t.Errorf("january's minutes approved at %v with no adoption standing", at)
	}
	if n := withdrawals(); n != before+1 {
		t.Errorf("%d withdrawals of january's approval audited, want %d", n, before+1)
	}
}

// TestLateApprovalComesFirst: minutes whose approval a meeting postpones
// once it is closed and carried over, when the next agenda has no item to
// approve them, get one with the items the table carried over, before the
// secretariat's own, which keep their order.
func TestLateApprovalComesFirst(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	day := 24 * time.Hour

	january := tb.mustCreate(t, "Plénière de janvier", workspace.MeetingPlenary, time.Hour)
	february := tb.mustCreate(t, "Plénière de février", workspace.MeetingPlenary, 5*day)
	march := tb.mustCreate(t, "Plénière de mars", workspace.MeetingPlenary, 10*day)
	budget := tb.mustAddItem(t, march, "Budget")
	various := tb.mustAddItem(t, march, "Divers")
	tb.mustStart(t, january)
	if _, err := tb.db.CloseMeeting(ctx, tb.staff, january.ID); err != nil {
		t.Fatal(err)
	}
	tb.mustStart(t, february)
	inFebruary := tb.approvalItem(t, february.ID, january.ID)
	tb.mustDecide(t, inFebruary, workspace.OutcomeAdopted)
	if _, err := tb.db.CloseMeeting(ctx, tb.staff, february.ID); err != nil {
		t.Fatal(err)
	}
	tb.mustDecide(t, inFebruary, workspace.OutcomePostponed)

	rec := tb.mustRecord(t, march.ID)
	got := agendaOrder(rec)
	late := tb.approvalItem(t, march.ID, january.ID)
	ownMinutes := tb.approvalItem(t, march.ID, february.ID)
	want := []string{
		fmt.Sprintf("1:%s:%d", workspace.ItemMinutesApproval, ownMinutes.ID),
		fmt.Sprintf("2:%s:%d", workspace.ItemMinutesApproval, late.ID),
		fmt.Sprintf("3:%s:%d", workspace.ItemOrdinary, budget.ID),
		fmt.Sprintf("4:%s:%d", workspace.ItemOrdinary, various.ID),
	}
	if !slices.Equal(got, want) {
		t.Errorf("agenda after the late approval = %v, want %v", got, want)
	}
}
