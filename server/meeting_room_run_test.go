package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"tawla/demo"
	"tawla/meeting"
	"tawla/workspace"
)

// meetingAudit returns the actions of the audit entries about meeting id,
// newest first.
func (ts *testServer) meetingAudit(t *testing.T, id int64) []string {
	t.Helper()
	entries, _, err := ts.db.FindAuditEntries(context.Background(), workspace.AuditFilter{EntityType: "meeting", EntityID: &id, Limit: 50})
	if err != nil {
		t.Fatalf("FindAuditEntries: %v", err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	return actions
}

// TestRoomFormsRunTheRoom drives the secretariat's controls of the live
// room as forms, as a page without script posts them: each moves the
// room exactly as its live message would — redirect back to the room, the
// store changed, the audit entry written, and the new meeting.state sent
// to another page following the meeting — while a member is refused and
// bad input changes nothing.
func TestRoomFormsRunTheRoom(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	f := newRoomMeeting(t, ts, nil, true)
	base := "/meetings/" + strconv.FormatInt(f.meeting.ID, 10)
	room := base + "/room"
	secretariat := ts.loginAs(t, demo.SecretariatEmail)
	memberPage := ts.loginAs(t, demo.MemberEmail)
	member := ts.account(t, demo.MemberEmail)
	hela := ts.account(t, "hela.jaziri@demo.tn")
	watcher, _ := roomJoin(t, ts, "hela.jaziri@demo.tn", f)

	post := func(what, path string, form url.Values, notice string) *meeting.State {
		t.Helper()
		auditBefore := len(ts.meetingAudit(t, f.meeting.ID))
		resp := secretariat.postForm(t, path, form)
		wantRedirect(t, what, resp, room+"?done="+notice)
		if got := len(ts.meetingAudit(t, f.meeting.ID)); got <= auditBefore {
			t.Fatalf("%s: %d audit entries about the meeting, want more than %d", what, got, auditBefore)
		}
		return roomState(t, watcher)
	}

	// The page without script offers the controls to the secretariat, not
	// hidden, with the next item filled in.
	wantBody(t, "the room page for the secretariat", secretariat.get(t, room).Body,
		`id="room-item-controls" class="buttons room-controls">`, `id="room-floor-controls" class="buttons room-controls">`,
		`action="`+base+`/current-item"`, `name="item" value="`+strconv.FormatInt(f.items[1].ID, 10)+`"`)
	wantBody(t, "the room page for a member", memberPage.get(t, room).Body,
		`id="room-item-controls" class="buttons room-controls" hidden>`, `id="room-floor-controls" class="buttons room-controls" hidden>`)

	// Next item.
	st := post("next item", base+"/current-item", url.Values{"item": {strconv.FormatInt(f.items[1].ID, 10)}}, "room_item_moved")
	if st.CurrentItem == nil || *st.CurrentItem != f.items[1].ID {
		t.Fatalf("after the form, the room's current item is %v, want %d", st.CurrentItem, f.items[1].ID)
	}
	if a := ts.meetingAudit(t, f.meeting.ID); a[0] != workspace.AuditMeetingMoveItem {
		t.Fatalf("audit %v, want %s first", a, workspace.AuditMeetingMoveItem)
	}

	// Two people ask for the floor; the secretariat gives it to the
	// second, then passes it to the next, then ends the turn.
	if _, err := ts.db.AskFloor(ctx, workspace.ActorFor(member), f.meeting.ID); err != nil {
		t.Fatal(err)
	}
	asked, err := ts.db.AskFloor(ctx, workspace.ActorFor(hela), f.meeting.ID)
	if err != nil {
		t.Fatal(err)
	}
	st = post("give the floor", base+"/floor/give", url.Values{"speaker": {strconv.FormatInt(asked.ID, 10)}}, "floor_given")
	if got := speakerNames(st); got != member.Name+"/waiting, "+hela.Name+"/speaking" {
		t.Fatalf("after give: speakers %q", got)
	}
	if a := ts.meetingAudit(t, f.meeting.ID); a[0] != workspace.AuditSpeakerGive {
		t.Fatalf("audit %v, want %s first", a, workspace.AuditSpeakerGive)
	}
	st = post("next speaker", base+"/floor/next", nil, "floor_next")
	if got := speakerNames(st); got != member.Name+"/speaking" {
		t.Fatalf("after next: speakers %q", got)
	}
	st = post("end the turn", base+"/floor/end", nil, "floor_ended")
	if got := speakerNames(st); got != "" {
		t.Fatalf("after end: speakers %q", got)
	}
	if a := ts.meetingAudit(t, f.meeting.ID); a[0] != workspace.AuditSpeakerEnd {
		t.Fatalf("audit %v, want %s first", a, workspace.AuditSpeakerEnd)
	}

	// Refusals change nothing.
	other := newRoomMeeting(t, ts, nil, false)
	before := ts.snapshot(t)
	for _, tt := range []struct {
		what string
		c    *client
		path string
		form url.Values
		want int
	}{
		{"a member moves the item", memberPage, base + "/current-item", url.Values{"item": {strconv.FormatInt(f.items[0].ID, 10)}}, http.StatusForbidden},
		{"a member ends the turn", memberPage, base + "/floor/end", nil, http.StatusForbidden},
		{"no item", secretariat, base + "/current-item", nil, http.StatusBadRequest},
		{"an item that is not a number", secretariat, base + "/current-item", url.Values{"item": {"premier"}}, http.StatusBadRequest},
		{"another meeting's item", secretariat, base + "/current-item", url.Values{"item": {strconv.FormatInt(other.items[0].ID, 10)}}, http.StatusNotFound},
		{"no speaker", secretariat, base + "/floor/give", nil, http.StatusBadRequest},
		{"a speaker no longer waiting", secretariat, base + "/floor/give", url.Values{"speaker": {strconv.FormatInt(asked.ID, 10)}}, http.StatusNotFound},
		{"a meeting not in session", secretariat, "/meetings/" + strconv.FormatInt(other.meeting.ID, 10) + "/floor/next", nil, http.StatusConflict},
	} {
		if resp := tt.c.postForm(t, tt.path, tt.form); resp.StatusCode != tt.want {
			t.Errorf("%s: status %d, want %d", tt.what, resp.StatusCode, tt.want)
		}
	}
	if after := ts.snapshot(t); after != before {
		t.Errorf("refused forms changed the data:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}
