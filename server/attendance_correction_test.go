package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/workspace"
)

// TestAttendanceCorrectedAfterClose: after a meeting closes, the
// secretariat corrects an invitee's attendance — someone present who
// forgot to check in — and the attendance and quorum lines of the minutes
// are written again in the same transaction, the rest of the minutes
// untouched, the correction audited; a correction that changes nothing
// writes nothing; once a later meeting approves the minutes, corrections
// are refused (409) and the minutes stay as approved. Members may not
// correct, and a person not invited is refused.
func TestAttendanceCorrectedAfterClose(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	system := workspace.SystemActor("test")
	staff := ts.sessionClient(t, demo.SecretariatEmail)
	m := newMeeting(t, ts, "Plénière à corriger", workspace.MeetingPlenary, 1)
	next := newMeeting(t, ts, "Plénière suivante", workspace.MeetingPlenary, 20)
	path := meetingPath(m.ID)
	wantRedirect(t, "start", staff.postForm(t, path+"/start", nil), path+"?done=meeting_started")
	rec, err := ts.db.FindMeetingRecord(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	voters := votingInvitees(rec)
	if len(voters) < 2 {
		t.Fatalf("%d voting invitees, want 2 or more", len(voters))
	}
	name := func(inv *workspace.MeetingInvitee) string { return personName("fr", inv.Account) }
	mark := func(inv *workspace.MeetingInvitee, a workspace.Attendance) *response {
		return staff.postForm(t, path+"/attendance", map[string][]string{
			"account": {strconv.FormatInt(inv.AccountID, 10)}, "attendance": {string(a)}})
	}
	wantRedirect(t, "present", mark(voters[0], workspace.AttendancePresent), path+"?done=attendance_saved#attendance")
	wantRedirect(t, "close", staff.postForm(t, path+"/close", nil), path+"?done=meeting_closed")
	docID := *rec.Meeting.MinutesDocumentID
	closedText, closedVersion, err := ts.srv.collab.Text(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(closedText, "- **Présents\u00a0:** "+name(voters[0])+"\n") {
		t.Fatalf("the minutes at the close:\n%s", closedText)
	}
	attendanceAudits := func() int {
		t.Helper()
		_, n, err := ts.db.FindAuditEntries(ctx, workspace.AuditFilter{Action: workspace.AuditAttendanceSet, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	audits := attendanceAudits()

	// The second voter was there: the correction rewrites the lines.
	wantRedirect(t, "corrected", mark(voters[1], workspace.AttendancePresent), path+"?done=attendance_saved#attendance")
	text, version, err := ts.srv.collab.Text(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	if version != closedVersion+1 {
		t.Errorf("the correction took the minutes from version %d to %d, want one update", closedVersion, version)
	}
	corrected, err := ts.db.FindMeetingRecord(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	q := corrected.Quorum()
	for _, want := range []string{
		"- **Présents\u00a0:** " + name(voters[0]) + ", " + name(voters[1]) + "\n",
		"- **Quorum\u00a0:** membres votants présents\u00a0: " + strconv.Itoa(q.Present) + " sur " + strconv.Itoa(q.Electorate),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the corrected minutes lack %q:\n%s", want, text)
		}
	}
	if q.Present != 2 {
		t.Errorf("%d present after the correction, want 2", q.Present)
	}
	if got := strings.Count(text, "\n"); got != strings.Count(closedText, "\n") {
		t.Errorf("the correction changed the minutes' line count from %d to %d:\n%s", strings.Count(closedText, "\n"), got, text)
	}
	if n := attendanceAudits(); n != audits+1 {
		t.Errorf("%d attendance entries audited after the correction, want %d", n, audits+1)
	}

	// The same again writes nothing.
	wantRedirect(t, "same again", mark(voters[1], workspace.AttendancePresent), path+"?done=attendance_saved#attendance")
	if _, v, _ := ts.srv.collab.Text(ctx, docID); v != version {
		t.Errorf("a correction that changes nothing took the minutes from version %d to %d", version, v)
	}

	// A member may not correct; someone not invited is refused.
	member := ts.sessionClient(t, demo.MemberEmail)
	wantStatus(t, "member", member.postForm(t, path+"/attendance", map[string][]string{
		"account": {strconv.FormatInt(voters[1].AccountID, 10)}, "attendance": {"absent"}}), http.StatusForbidden)
	wantStatus(t, "not invited", staff.postForm(t, path+"/attendance", map[string][]string{
		"account": {"999999"}, "attendance": {"present"}}), http.StatusBadRequest)

	// A later meeting approves the minutes: they, and the attendance
	// they show, are final.
	nextRec, err := ts.db.FindMeetingRecord(ctx, next.ID)
	if err != nil {
		t.Fatal(err)
	}
	var approval *workspace.AgendaItem
	for _, it := range nextRec.Items {
		if it.Kind == workspace.ItemMinutesApproval {
			approval = it
		}
	}
	if approval == nil {
		t.Fatal("the next meeting has no item approving the minutes")
	}
	if _, err := ts.db.StartMeeting(ctx, system, next.ID, ts.srv.minutesPrefill); err != nil {
		t.Fatal(err)
	}
	if err := ts.db.RecordDecision(ctx, system, &workspace.Decision{AgendaItemID: approval.ID, Text: "Approuvé.", Outcome: workspace.OutcomeAdopted}); err != nil {
		t.Fatal(err)
	}
	resp := mark(voters[1], workspace.AttendanceExcused)
	wantStatus(t, "after the approval", resp, http.StatusConflict)
	wantText(t, resp, "approuvé")
	if after, v, _ := ts.srv.collab.Text(ctx, docID); v != version || after != text {
		t.Errorf("approved minutes changed by a refused correction:\n%s", after)
	}
	if page := staff.get(t, path); strings.Contains(page.Body, `action="`+path+`/attendance"`) {
		t.Errorf("the page offers to correct the attendance of approved minutes")
	}
}
