package server

import (
	"context"
	"html"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"tawla/collab"
	"tawla/demo"
	"tawla/workspace"
	"tawla/workspace/change"
)

// applyAttendance returns text with the attendance of rec written in
// (minutesAttendanceChange), and the language it was written in.
func applyAttendance(t *testing.T, ts *testServer, text string, rec *workspace.MeetingRecord) (string, string) {
	t.Helper()
	specs, lang := minutesAttendanceChange(text, ts.srv.minutesAttendanceBlocks(rec))
	set, err := change.Of(utf16Units(text), specs...)
	if err != nil {
		t.Fatalf("change.Of: %v", err)
	}
	doc := change.NewText(text)
	if err := set.Apply(&doc); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return doc.String(), lang
}

// TestMinutesAttendanceChange writes the attendance at the close into
// minutes pre-filled at the start and edited since: only the attendance
// lines change, found in whichever minutes language they are in; lines
// edited away come back next to the others, or after the details.
func TestMinutesAttendanceChange(t *testing.T) {
	ts := newTestServer(t)
	start := minutesRecord("fr")
	prefill := ts.srv.minutesPrefill(start)
	// At the close: Salma checked in, Karim still excused.
	closing := minutesRecord("fr")
	closing.Invitees[2].Attendance = workspace.AttendancePresent
	const fr = "- **Présents\u00a0:** Amira Ben Salah (Association Amal), Salma Trabelsi (Association Amal)\n" +
		"- **Excusés\u00a0:** Karim Jaziri (Association Amal)\n" +
		"- **Absents\u00a0:** personne\n" +
		"- **Quorum\u00a0:** membres votants présents\u00a0: 2 sur 3\u00a0; requis\u00a0: 2. Quorum atteint.\n"
	const head = "# Procès-verbal\u00a0: Plénière de décembre\n\n" +
		"- **Date\u00a0:** 2026-12-10, 09:00–12:00\n" +
		"- **Lieu\u00a0:** Mahdia\n"
	const items = "\n## 1. Approbation du procès-verbal de «\u00a0Plénière de novembre\u00a0»\n\n" +
		"\n## 2. Suites de «\u00a0Plénière de novembre\u00a0»\n\n" +
		"\n## 3. Circuit de référencement\n\n" +
		"Présenté par Amira Ben Salah (Association Amal).\n\n"
	if !strings.HasPrefix(prefill, head) || !strings.HasSuffix(prefill, items) {
		t.Fatalf("the pre-fill is not what the cases start from:\n%s", prefill)
	}
	// A note people wrote in the details, and a line in an item's section
	// that opens like an attendance line: neither is touched.
	const note = "\nSéance ouverte à 9 h 10 par la présidente.\n"
	const ownLine = "- **Présents\u00a0:** les membres du groupe de travail, à titre consultatif.\n"
	for _, tt := range []struct {
		name, text, want string
		rec              *workspace.MeetingRecord
	}{
		{"Prefilled", prefill, head + fr + items, closing},
		{"Unchanged", head + fr + items, head + fr + items, closing},
		{"EditedAround", strings.Replace(prefill, "- **Quorum", "- **Autres\u00a0:** la presse\n- **Quorum", 1) + note + ownLine,
			head + strings.Replace(fr, "- **Quorum", "- **Autres\u00a0:** la presse\n- **Quorum", 1) + items + note + ownLine, closing},
		{"SomeEditedAway", head + "- **Excusés\u00a0:** X\n- **Absents\u00a0:** Y\n" + note + items + ownLine,
			head + fr + note + items + ownLine, closing},
		{"QuorumKeptAlone", head + "- **Quorum\u00a0:** atteint\n" + items,
			head + fr + items, closing},
		{"AllEditedAway", head + items, head + fr + items, closing},
		{"AfterANote", head + note + items, head + note + "\n" + fr + items, closing},
		{"OnlyTheTitle", "# Procès-verbal\u00a0: Plénière de décembre\n" + items,
			"# Procès-verbal\u00a0: Plénière de décembre\n\n" + fr + items, closing},
		{"NoDetails", strings.TrimPrefix(items, "\n"), fr + "\n" + strings.TrimPrefix(items, "\n"), closing},
		{"Empty", "", fr, closing},
		// Someone still not recorded at the close: the line stays, and
		// comes back where it goes when edited away.
		{"StillUnrecorded", strings.Replace(prefill, "- **Présence non relevée\u00a0:** Salma Trabelsi (Association Amal)\n", "", 1),
			prefill, start},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, lang := applyAttendance(t, ts, tt.text, tt.rec)
			if got != tt.want {
				t.Errorf("minutes =\n%s\nwant\n%s", got, tt.want)
			}
			if lang != "fr" {
				t.Errorf("written in %q, want fr", lang)
			}
		})
	}

	// The meeting's language changed to Arabic since the pre-fill: the
	// French lines are written again in French; minutes with none get
	// them in Arabic.
	t.Run("LanguageChanged", func(t *testing.T) {
		rec := minutesRecord("ar")
		rec.Invitees[2].Attendance = workspace.AttendancePresent
		got, lang := applyAttendance(t, ts, prefill, rec)
		if want := head + fr + items; got != want || lang != "fr" {
			t.Errorf("minutes (%s) =\n%s\nwant\n%s", lang, got, want)
		}
		got, lang = applyAttendance(t, ts, head+items, rec)
		if !strings.Contains(got, "- **الحاضرون:** Amira Ben Salah (جمعية أمل), Salma Trabelsi (جمعية أمل)\n") || lang != "ar" {
			t.Errorf("minutes (%s) =\n%s", lang, got)
		}
	})
}

// votingInvitees returns the invitees of rec whose active accounts may
// vote, in the record's order.
func votingInvitees(rec *workspace.MeetingRecord) []*workspace.MeetingInvitee {
	var voters []*workspace.MeetingInvitee
	for _, inv := range rec.Invitees {
		if inv.Account != nil && inv.Account.CanVote && inv.Account.Active {
			voters = append(voters, inv)
		}
	}
	return voters
}

// TestMinutesAttendanceAtClose starts a meeting, checks two people in,
// marks one excused, and closes it: its minutes list them and the quorum
// as they are at the close, in the transaction that closes it, and what
// people wrote in the minutes is as they wrote it.
func TestMinutesAttendanceAtClose(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	staff := ts.sessionClient(t, demo.SecretariatEmail)
	m := newMeeting(t, ts, "Plénière de clôture", workspace.MeetingPlenary, 1)
	path := meetingPath(m.ID)
	item := &workspace.AgendaItem{MeetingID: m.ID, Title: "Circuit de référencement", DurationMinutes: 30}
	if err := ts.db.AddAgendaItem(ctx, workspace.SystemActor("test"), item, nil); err != nil {
		t.Fatal(err)
	}
	wantRedirect(t, "start", staff.postForm(t, path+"/start", nil), path+"?done=meeting_started")
	rec, err := ts.db.FindMeetingRecord(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	voters := votingInvitees(rec)
	if len(voters) < 4 {
		t.Fatalf("%d voting invitees, want 4 or more", len(voters))
	}
	docID := *rec.Meeting.MinutesDocumentID
	text, _, err := ts.srv.collab.Text(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "- **Présents\u00a0:** personne\n") || !strings.Contains(text, "Quorum non atteint") {
		t.Fatalf("the pre-fill does not say nobody is present yet:\n%s", text)
	}

	// Two people check in from the room, the secretariat marks a third
	// excused.
	for _, inv := range voters[:2] {
		token, err := ts.db.CreateSession(ctx, inv.AccountID, "")
		if err != nil {
			t.Fatal(err)
		}
		resp := ts.clientWithToken(t, token).postForm(t, path+"/checkin", nil)
		wantRedirect(t, "check in", resp, path+"/room?done=checked_in")
	}
	resp := staff.postForm(t, path+"/attendance", map[string][]string{
		"account": {strconv.FormatInt(voters[2].AccountID, 10)}, "attendance": {"excused"}})
	wantRedirect(t, "excused", resp, path+"?done=attendance_saved#attendance")

	// Someone takes notes: in the details and in the item's section.
	member := ts.account(t, demo.MemberEmail)
	text, version, err := ts.srv.collab.Text(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	const note, itemNote = "Séance ouverte à 9 h 10.", "Le circuit est présenté ; débat nourri."
	heading := "\n## 1. Circuit de référencement\n"
	at := strings.Index(text, heading)
	if at < 0 {
		t.Fatalf("the minutes have no item:\n%s", text)
	}
	set, err := change.Of(utf16Units(text),
		change.Spec{From: utf16Units(text[:at]), To: utf16Units(text[:at]), Insert: "\n" + note + "\n"},
		change.Spec{From: utf16Units(text), To: utf16Units(text), Insert: itemNote + "\n"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.srv.collab.Apply(ctx, docID, collab.Edit{Account: member, Base: version, Changes: set}); err != nil {
		t.Fatal(err)
	}
	before, version, err := ts.srv.collab.Text(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}

	wantRedirect(t, "close", staff.postForm(t, path+"/close", nil), path+"?done=meeting_closed")
	closed, err := ts.db.FindMeetingRecord(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if closed.Meeting.Status != workspace.MeetingClosed {
		t.Fatalf("status %s after the close", closed.Meeting.Status)
	}
	after, afterVersion, err := ts.srv.collab.Text(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	if afterVersion != version+1 {
		t.Errorf("the close made the minutes go from version %d to %d, want one update", version, afterVersion)
	}
	name := func(inv *workspace.MeetingInvitee) string { return personName("fr", inv.Account) }
	q := closed.Quorum()
	if q.Present < 2 {
		t.Fatalf("quorum at the close = %+v", q)
	}
	lines := ts.srv.minutesAttendance("fr", closed)
	for _, want := range []string{
		"- **Présents\u00a0:** " + name(voters[0]) + ", " + name(voters[1]) + "\n",
		"- **Excusés\u00a0:** " + name(voters[2]) + "\n",
		"- **Absents\u00a0:** personne\n",
		lines["minutes.unrecorded"] + "\n",
		"- **Quorum\u00a0:** membres votants présents\u00a0: " + strconv.Itoa(q.Present) + " sur " + strconv.Itoa(q.Electorate),
		"\n" + note + "\n" + heading, itemNote + "\n",
	} {
		if !strings.Contains(after, want) {
			t.Errorf("the minutes after the close lack %q:\n%s", want, after)
		}
	}
	if strings.Contains(after, "- **Présents\u00a0:** personne") {
		t.Errorf("the minutes still say nobody is present:\n%s", after)
	}
	// Everything but the attendance lines is as it was.
	strip := func(s string) string {
		var keep []string
		for _, l := range strings.Split(s, "\n") {
			if !strings.HasPrefix(l, "- **Présen") && !strings.HasPrefix(l, "- **Excusés") &&
				!strings.HasPrefix(l, "- **Absents") && !strings.HasPrefix(l, "- **Quorum") {
				keep = append(keep, l)
			}
		}
		return strings.Join(keep, "\n")
	}
	if strip(after) != strip(before) {
		t.Errorf("the close changed more than the attendance:\n%s\nwas\n%s", after, before)
	}
	page := staff.get(t, path+"/minutes")
	wantStatus(t, "minutes", page, http.StatusOK)

	// A close whose check finds the attendance changed writes nothing:
	// the meeting stays live and its minutes as they were.
	t.Run("AttendanceChanged", func(t *testing.T) {
		m := newMeeting(t, ts, "Plénière interrompue", workspace.MeetingPlenary, 2)
		path := meetingPath(m.ID)
		wantRedirect(t, "start", staff.postForm(t, path+"/start", nil), path+"?done=meeting_started")
		rec, err := ts.db.FindMeetingRecord(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		docID := *rec.Meeting.MinutesDocumentID
		_, version, err := ts.srv.collab.Text(ctx, docID)
		if err != nil {
			t.Fatal(err)
		}
		refused := &workspace.Error{Code: workspace.ECONFLICT, Key: "error.meeting.attendance_changed"}
		_, err = ts.db.CloseMeetingIf(ctx, workspace.ActorFor(ts.account(t, demo.SecretariatEmail)), m.ID,
			func(*workspace.MeetingRecord) error { return refused })
		if err != refused {
			t.Errorf("CloseMeetingIf = %v, want the check's error", err)
		}
		got, err := ts.db.FindMeetingByID(ctx, m.ID)
		if err != nil || got.Status != workspace.MeetingLive {
			t.Errorf("after a refused close: %+v, %v", got, err)
		}
		if _, v, err := ts.srv.collab.Text(ctx, docID); err != nil || v != version {
			t.Errorf("minutes at version %d after a refused close, want %d (%v)", v, version, err)
		}
		// Closed through the page, its minutes say who was there.
		wantRedirect(t, "close", staff.postForm(t, path+"/close", nil), path+"?done=meeting_closed")
		text, _, err := ts.srv.collab.Text(ctx, docID)
		if err != nil {
			t.Fatal(err)
		}
		closed, err := ts.db.FindMeetingRecord(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range ts.srv.minutesAttendance("fr", closed) {
			if !strings.Contains(text, line+"\n") {
				t.Errorf("the minutes lack %q:\n%s", line, text)
			}
		}
	})
	// People check in while the meeting closes: whatever the order, the
	// minutes show the attendance the meeting closed with.
	t.Run("CheckInsDuringTheClose", func(t *testing.T) {
		m := newMeeting(t, ts, "Plénière animée", workspace.MeetingPlenary, 3)
		path := meetingPath(m.ID)
		wantRedirect(t, "start", staff.postForm(t, path+"/start", nil), path+"?done=meeting_started")
		rec, err := ts.db.FindMeetingRecord(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		var clients []*client
		for _, inv := range rec.Invitees {
			token, err := ts.db.CreateSession(ctx, inv.AccountID, "")
			if err != nil {
				t.Fatal(err)
			}
			clients = append(clients, ts.clientWithToken(t, token))
		}
		var wg sync.WaitGroup
		for _, c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Refused once the meeting is closed.
				c.postForm(t, path+"/checkin", nil)
			}()
		}
		for {
			resp := staff.postForm(t, path+"/close", nil)
			if resp.StatusCode == http.StatusSeeOther {
				break
			}
			wantStatus(t, "close", resp, http.StatusConflict)
			if !strings.Contains(resp.Body, html.EscapeString(ts.srv.localizer("fr").T("error.meeting.attendance_changed"))) {
				t.Fatalf("the close is refused for another reason:\n%s", excerpt(resp.Body))
			}
		}
		wg.Wait()
		closed, err := ts.db.FindMeetingRecord(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		text, _, err := ts.srv.collab.Text(ctx, *closed.Meeting.MinutesDocumentID)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range ts.srv.minutesAttendance("fr", closed) {
			if !strings.Contains(text, line+"\n") {
				t.Errorf("the minutes lack %q:\n%s", line, text)
			}
		}
	})
}
