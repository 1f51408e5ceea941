package sqlite_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// TestAppendDocumentRefusesSealedMinutes: once a later meeting approves
// a meeting's minutes, the store itself refuses updates to them, inside
// the transaction that would store them — so that a push waiting in the
// room's turn when the approval committed is refused too, not only the
// pushes that arrive after it — and the document stays at its version.
func TestAppendDocumentRefusesSealedMinutes(t *testing.T) {
	ctx := context.Background()
	tb := newMeetingTable(t)
	db := tb.db
	january := tb.mustCreate(t, "Plénière de janvier", workspace.MeetingPlenary, time.Hour)
	february := tb.mustCreate(t, "Plénière de février", workspace.MeetingPlenary, 5*24*time.Hour)
	tb.mustStart(t, january)
	if _, err := db.CloseMeeting(ctx, tb.staff, january.ID); err != nil {
		t.Fatal(err)
	}
	m, err := db.FindMeetingByID(ctx, january.ID)
	if err != nil {
		t.Fatal(err)
	}
	docID := *m.MinutesDocumentID
	appendOne := func(seq int64) error {
		doc, err := db.FindDocumentByID(ctx, docID)
		if err != nil {
			t.Fatal(err)
		}
		return db.AppendDocument(ctx, docID, sqlite.DocumentAppend{From: doc.Version, Updates: []*workspace.DocumentUpdate{
			{ClientID: "retard", ClientSeq: seq, Changes: `[[0,"Ajout. "]]`},
		}})
	}
	// Before the approval, the minutes take updates.
	if err := appendOne(1); err != nil {
		t.Fatalf("an update of minutes not yet approved: %v", err)
	}
	tb.mustStart(t, february)
	tb.mustDecide(t, tb.approvalItem(t, february.ID, january.ID), workspace.OutcomeAdopted)
	before, err := db.FindDocumentByID(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	if !before.Sealed {
		t.Fatal("january's minutes are not sealed after february adopted them")
	}
	err = appendOne(2)
	var e *workspace.Error
	if !errors.As(err, &e) || e.Code != workspace.EFORBIDDEN || e.Key != "error.document.minutes_approved" {
		t.Fatalf("an update of approved minutes: %v, want error.document.minutes_approved", err)
	}
	after, err := db.FindDocumentByID(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Version != before.Version {
		t.Errorf("approved minutes went from version %d to %d", before.Version, after.Version)
	}
}
