package server

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/gorilla/websocket"

	"tawla/collab"
	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/meeting"
	"tawla/workspace"
)

// wsViewers are the accounts of the websocket matrix, in its column order.
// Anonymous visitors cannot open the live channel at all (the route
// matrix checks GET /ws).
var wsViewers = []string{demo.StakeholderEmail, demo.MemberEmail, demo.SecretariatEmail, demo.AdminEmail}

// wsCell is what one message gets: the type of the answer, or
// "error:<code>".
type wsCase struct {
	name string
	// msgType is the message type the case exercises.
	msgType string
	// joined: the document is open before the message is sent.
	joined bool
	// message builds the message from the document's id, version and
	// length.
	message func(doc int64, version, length int) string
	// silent: the message has no answer of its own; a ping follows it and
	// the pong is the expected answer.
	silent bool
	want   [4]string
}

// TestWebsocketAuthorizationMatrix checks every message a client may send
// on the live channel, for every role: the hub's own messages and the
// co-editing ones. A co-editing message type missing from the table fails
// the test.
func TestWebsocketAuthorizationMatrix(t *testing.T) {
	ts := newTestServer(t)
	p := &workspace.Procedure{Title: "Matrice", Language: "fr", Category: workspace.CategoryOther}
	if err := ts.db.CreateProcedure(context.Background(), workspace.SystemActor("test"), p, "Texte initial"); err != nil {
		t.Fatal(err)
	}
	pong := [4]string{"pong", "pong", "pong", "pong"}
	// The issue tracker's topics have no messages of their own: only
	// subscriptions (topics_test.go decides them for every role).
	issueID := newLiveIssue(t, ts, "Problème de la matrice des messages").ID
	cases := []wsCase{
		{name: "Ping", msgType: "ping", message: func(int64, int, int) string { return `{"type":"ping","id":1}` }, want: pong},
		{name: "SubscribeTable", msgType: "subscribe", message: func(int64, int, int) string { return `{"type":"subscribe","topic":"table"}` },
			want: [4]string{"subscribed", "subscribed", "subscribed", "subscribed"}},
		{name: "SubscribeAudit", msgType: "subscribe", message: func(int64, int, int) string { return `{"type":"subscribe","topic":"audit"}` },
			want: [4]string{"error:forbidden", "error:forbidden", "subscribed", "subscribed"}},
		{name: "SubscribeUnknown", msgType: "subscribe", message: func(int64, int, int) string { return `{"type":"subscribe","topic":"nowhere"}` },
			want: [4]string{"error:not_found", "error:not_found", "error:not_found", "error:not_found"}},
		{name: "SubscribeIssue", msgType: "subscribe", message: func(int64, int, int) string {
			return fmt.Sprintf(`{"type":"subscribe","topic":"issue:%d"}`, issueID)
		}, want: [4]string{"subscribed", "subscribed", "subscribed", "subscribed"}},
		{name: "SubscribeOthersInbox", msgType: "subscribe", message: func(int64, int, int) string { return `{"type":"subscribe","topic":"inbox:999999"}` },
			want: [4]string{"error:forbidden", "error:forbidden", "error:forbidden", "error:forbidden"}},
		{name: "Unsubscribe", msgType: "unsubscribe", message: func(int64, int, int) string { return `{"type":"unsubscribe","topic":"table"}` },
			want: [4]string{"unsubscribed", "unsubscribed", "unsubscribed", "unsubscribed"}},
		{name: "DocJoin", msgType: "doc.join", message: func(doc int64, _, _ int) string { return fmt.Sprintf(`{"type":"doc.join","doc":%d}`, doc) },
			want: [4]string{"doc.state", "doc.state", "doc.state", "doc.state"}},
		{name: "DocJoinUnknown", msgType: "doc.join", message: func(int64, int, int) string { return `{"type":"doc.join","doc":999999}` },
			want: [4]string{"error:not_found", "error:not_found", "error:not_found", "error:not_found"}},
		{name: "DocPush", msgType: "doc.push", joined: true, message: func(doc int64, version, length int) string {
			return fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":%d,"updates":[{"clientID":"matrix","seq":%d,"changes":[[0,"x"],%d]}]}`, doc, version, time.Now().UnixNano(), length)
		}, want: [4]string{"error:forbidden", "doc.pushed", "doc.pushed", "doc.pushed"}},
		{name: "DocPushWithoutJoin", msgType: "doc.push", message: func(doc int64, version, length int) string {
			return fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":0,"updates":[{"clientID":"m","seq":1,"changes":[[0,"x"],13]}]}`, doc)
		}, want: [4]string{"error:forbidden", "error:invalid", "error:invalid", "error:invalid"}},
		{name: "DocPresence", msgType: "doc.presence", joined: true, silent: true, message: func(doc int64, version, _ int) string {
			return fmt.Sprintf(`{"type":"doc.presence","doc":%d,"version":%d,"anchor":0,"head":1}`, doc, version)
		}, want: pong},
		{name: "DocLeave", msgType: "doc.leave", joined: true, silent: true, message: func(doc int64, _, _ int) string {
			return fmt.Sprintf(`{"type":"doc.leave","doc":%d}`, doc)
		}, want: pong},
		{name: "DocUnknownType", msgType: "doc.unknown", message: func(doc int64, _, _ int) string { return fmt.Sprintf(`{"type":"doc.unknown","doc":%d}`, doc) },
			want: [4]string{"error:invalid", "error:invalid", "error:invalid", "error:invalid"}},
	}

	for _, mt := range collab.MessageTypes {
		if !slices.ContainsFunc(cases, func(c wsCase) bool { return c.msgType == mt }) {
			t.Errorf("co-editing message %q is missing from the websocket matrix", mt)
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for i, email := range wsViewers {
				ws := mustDialWS(t, ts.loginAs(t, email))
				version, length := 0, 0
				if c.joined {
					testsupport.SendText(t, ws, fmt.Sprintf(`{"type":"doc.join","doc":%d}`, p.DocumentID))
					state := wsReadUntil(t, ws, "doc.state")
					version, length = state.Version, len(utf16.Encode([]rune(state.Text)))
				}
				testsupport.SendText(t, ws, c.message(p.DocumentID, version, length))
				if c.silent {
					testsupport.SendText(t, ws, `{"type":"ping","id":2}`)
				}
				if got := wsAnswer(t, ws); got != c.want[i] {
					t.Errorf("%s as %s: got %s, want %s", c.name, email, got, c.want[i])
				}
				ws.Close()
			}
		})
	}
}

// docMessage is a co-editing message from the server, in the fields the
// matrix reads.
type docMessage struct {
	Type    string `json:"type"`
	Code    string `json:"code"`
	Version int    `json:"version"`
	Text    string `json:"text"`
	CanEdit bool   `json:"canEdit"`
}

// wsReadUntil reads messages until one of type want arrives.
func wsReadUntil(t *testing.T, ws *websocket.Conn, want string) docMessage {
	t.Helper()
	for {
		m := wsReadDoc(t, ws)
		if m.Type == want {
			return m
		}
		if m.Type == "error" {
			t.Fatalf("waiting for %s: error %s", want, m.Code)
		}
	}
}

func wsReadDoc(t *testing.T, ws *websocket.Conn) docMessage {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, data, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("websocket read: %v", err)
	}
	var m docMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("websocket message %s: %v", data, err)
	}
	return m
}

// wsAnswer returns the answer to the last message: its type, or
// "error:<code>", skipping the broadcasts that may come first.
func wsAnswer(t *testing.T, ws *websocket.Conn) string {
	t.Helper()
	for {
		m := wsReadDoc(t, ws)
		switch m.Type {
		case "doc.updates", "doc.peer", "doc.peers", "doc.presence", "event":
			continue
		case "error":
			return "error:" + m.Code
		}
		return m.Type
	}
}

// TestDocStateCanEdit checks that doc.state tells each role whether it may
// edit, so that the editor opens read-only for stakeholders.
func TestDocStateCanEdit(t *testing.T) {
	ts := newTestServer(t)
	p := &workspace.Procedure{Title: "Lecture", Language: "ar", Category: workspace.CategoryReferralPathway}
	if err := ts.db.CreateProcedure(context.Background(), workspace.SystemActor("test"), p, "نص"); err != nil {
		t.Fatal(err)
	}
	want := []bool{false, true, true, true}
	for i, email := range wsViewers {
		ws := mustDialWS(t, ts.loginAs(t, email))
		testsupport.SendText(t, ws, `{"type":"doc.join","doc":`+strconv.FormatInt(p.DocumentID, 10)+`}`)
		state := wsReadUntil(t, ws, "doc.state")
		if state.CanEdit != want[i] || state.Text != "نص" {
			t.Errorf("%s: canEdit %v text %q, want %v %q", email, state.CanEdit, state.Text, want[i], "نص")
		}
		ws.Close()
	}
}

// roomCase is one row of the meeting room's websocket matrix: a message
// sent by each role (in the order of wsViewers) about a fresh meeting.
type roomCase struct {
	name    string
	msgType string
	// notInvited leaves the demo member out of the meeting's invitees
	// (only Hela Jaziri and the staff are invited); planned leaves the
	// meeting unstarted.
	notInvited bool
	planned    bool
	// message builds the message; hela is the id of Hela Jaziri's waiting
	// request for the floor.
	message func(f *roomFixture, hela int64) string
	want    [4]string
}

// TestMeetingRoomAuthorizationMatrix sends every message of the meeting
// room as every role: stakeholders are refused everything, members only
// do what concerns themselves and only when invited, the secretariat and
// admins run the room. A message type of package meeting missing from the
// table fails the test.
func TestMeetingRoomAuthorizationMatrix(t *testing.T) {
	ts := newTestServer(t)
	hela := ts.account(t, "hela.jaziri@demo.tn")
	member := ts.account(t, demo.MemberEmail)
	staffIDs := []int64{hela.ID, ts.account(t, demo.SecretariatEmail).ID, ts.account(t, demo.AdminEmail).ID}
	done := meeting.MsgDone
	forbidden, invalid, missing, conflict := "error:"+workspace.EFORBIDDEN, "error:"+workspace.EINVALID, "error:"+workspace.ENOTFOUND, "error:"+workspace.ECONFLICT
	msg := func(typ, extra string) func(*roomFixture, int64) string {
		return func(f *roomFixture, _ int64) string {
			return fmt.Sprintf(`{"type":%q,"meeting":%d%s}`, typ, f.meeting.ID, extra)
		}
	}
	cases := []roomCase{
		{name: "Item", msgType: meeting.MsgItem, message: func(f *roomFixture, _ int64) string {
			return fmt.Sprintf(`{"type":"meeting.item","meeting":%d,"item":%d}`, f.meeting.ID, f.items[1].ID)
		}, want: [4]string{forbidden, forbidden, done, done}},
		{name: "ItemUnknown", msgType: meeting.MsgItem, message: msg(meeting.MsgItem, `,"item":999999`),
			want: [4]string{forbidden, forbidden, missing, missing}},
		{name: "ItemPlanned", msgType: meeting.MsgItem, planned: true, message: func(f *roomFixture, _ int64) string {
			return fmt.Sprintf(`{"type":"meeting.item","meeting":%d,"item":%d}`, f.meeting.ID, f.items[1].ID)
		}, want: [4]string{forbidden, forbidden, conflict, conflict}},
		{name: "ItemUnknownMeeting", msgType: meeting.MsgItem, message: func(*roomFixture, int64) string { return `{"type":"meeting.item","meeting":999999,"item":1}` },
			want: [4]string{forbidden, missing, missing, missing}},
		{name: "FloorAsk", msgType: meeting.MsgFloorAsk, message: msg(meeting.MsgFloorAsk, ""), want: [4]string{forbidden, done, done, done}},
		{name: "FloorAskNotInvited", msgType: meeting.MsgFloorAsk, notInvited: true, message: msg(meeting.MsgFloorAsk, ""),
			want: [4]string{forbidden, forbidden, done, done}},
		{name: "FloorAskPlanned", msgType: meeting.MsgFloorAsk, planned: true, message: msg(meeting.MsgFloorAsk, ""),
			want: [4]string{forbidden, conflict, conflict, conflict}},
		{name: "FloorWithdraw", msgType: meeting.MsgFloorWithdraw, message: msg(meeting.MsgFloorWithdraw, ""), want: [4]string{forbidden, done, done, done}},
		{name: "FloorWithdrawNotInvited", msgType: meeting.MsgFloorWithdraw, notInvited: true, message: msg(meeting.MsgFloorWithdraw, ""),
			want: [4]string{forbidden, forbidden, done, done}},
		{name: "FloorGive", msgType: meeting.MsgFloorGive, message: func(f *roomFixture, hela int64) string {
			return fmt.Sprintf(`{"type":"meeting.floor.give","meeting":%d,"speaker":%d}`, f.meeting.ID, hela)
		}, want: [4]string{forbidden, forbidden, done, done}},
		{name: "FloorGiveUnknown", msgType: meeting.MsgFloorGive, message: msg(meeting.MsgFloorGive, `,"speaker":999999`),
			want: [4]string{forbidden, forbidden, missing, missing}},
		{name: "FloorGiveMissing", msgType: meeting.MsgFloorGive, message: msg(meeting.MsgFloorGive, ""),
			want: [4]string{invalid, invalid, invalid, invalid}},
		{name: "FloorNext", msgType: meeting.MsgFloorNext, message: msg(meeting.MsgFloorNext, ""), want: [4]string{forbidden, forbidden, done, done}},
		{name: "FloorEnd", msgType: meeting.MsgFloorEnd, message: msg(meeting.MsgFloorEnd, ""), want: [4]string{forbidden, forbidden, done, done}},
		{name: "CheckIn", msgType: meeting.MsgCheckIn, message: msg(meeting.MsgCheckIn, ""), want: [4]string{forbidden, done, done, done}},
		// A member who is not invited neither checks in nor asks for the
		// floor; the secretariat and admins are invited here.
		{name: "CheckInNotInvited", msgType: meeting.MsgCheckIn, notInvited: true, message: msg(meeting.MsgCheckIn, ""),
			want: [4]string{forbidden, forbidden, done, done}},
		{name: "Attendance", msgType: meeting.MsgAttendance, message: func(f *roomFixture, _ int64) string {
			return fmt.Sprintf(`{"type":"meeting.attendance","meeting":%d,"account":%d,"attendance":"excused"}`, f.meeting.ID, hela.ID)
		}, want: [4]string{forbidden, forbidden, done, done}},
		// Attendance is recorded before the meeting starts too.
		{name: "AttendancePlanned", msgType: meeting.MsgAttendance, planned: true, message: func(f *roomFixture, _ int64) string {
			return fmt.Sprintf(`{"type":"meeting.attendance","meeting":%d,"account":%d,"attendance":"excused"}`, f.meeting.ID, hela.ID)
		}, want: [4]string{forbidden, forbidden, done, done}},
		{name: "AttendanceNotInvited", msgType: meeting.MsgAttendance, notInvited: true, message: func(f *roomFixture, _ int64) string {
			return fmt.Sprintf(`{"type":"meeting.attendance","meeting":%d,"account":%d,"attendance":"present"}`, f.meeting.ID, member.ID)
		}, want: [4]string{forbidden, forbidden, missing, missing}},
		{name: "AttendanceInvalid", msgType: meeting.MsgAttendance, message: msg(meeting.MsgAttendance, `,"account":1,"attendance":"late"`),
			want: [4]string{invalid, invalid, invalid, invalid}},
		{name: "UnknownType", msgType: "meeting.unknown", message: msg("meeting.unknown", ""), want: [4]string{invalid, invalid, invalid, invalid}},
	}
	for _, mt := range meeting.MessageTypes {
		if !slices.ContainsFunc(cases, func(c roomCase) bool { return c.msgType == mt }) {
			t.Errorf("meeting room message %q is missing from the websocket matrix", mt)
		}
	}
	clients := make([]*client, len(wsViewers))
	for i, email := range wsViewers {
		clients[i] = ts.loginAs(t, email)
	}
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for i, email := range wsViewers {
				var invitees []int64
				if c.notInvited {
					invitees = staffIDs
				}
				f := newRoomMeeting(t, ts, invitees, !c.planned)
				var helaRequest int64
				if !c.planned {
					sp, err := ts.db.AskFloor(ctx, workspace.ActorFor(hela), f.meeting.ID)
					if err != nil {
						t.Fatal(err)
					}
					helaRequest = sp.ID
				}
				ws := mustDialWS(t, clients[i])
				if got := roomAnswer(t, ws, c.message(f, helaRequest), nil); got != c.want[i] {
					t.Errorf("%s as %s: got %s, want %s", c.name, email, got, c.want[i])
				}
				ws.Close()
			}
		})
	}
}

// pollViewers are the accounts of the poll matrix, in its column order:
// a stakeholder, a member with a vote, a member without one, the
// secretariat and an admin.
var pollViewers = []string{demo.StakeholderEmail, demo.MemberEmail, nonVoterEmail, demo.SecretariatEmail, demo.AdminEmail}

// TestPollVoteAuthorizationMatrix sends every message of the poll topics
// as every role: only members with a voting right vote, once, while the
// poll is open; stakeholders learn nothing of which polls exist. A
// message type missing from the table fails the test.
func TestPollVoteAuthorizationMatrix(t *testing.T) {
	ts := newTestServer(t)
	voted := msgPollVoted
	forbidden, invalid, missing, conflict := "error:"+workspace.EFORBIDDEN, "error:"+workspace.EINVALID, "error:"+workspace.ENOTFOUND, "error:"+workspace.ECONFLICT
	type pollCase struct {
		name    string
		msgType string
		// status is the poll's when the message is sent; voted: the
		// viewer has voted already.
		status workspace.PollStatus
		mode   workspace.BallotMode
		voted  bool
		// message builds the message from the poll.
		message func(p *workspace.Poll) string
		want    [5]string
	}
	yes := func(p *workspace.Poll) string { return pollVoteMsg(p.ID, pollOption(t, p, workspace.OptionYes)) }
	cases := []pollCase{
		{name: "Vote", msgType: msgPollVote, status: workspace.PollOpen, mode: workspace.BallotSecret, message: yes,
			want: [5]string{forbidden, voted, forbidden, forbidden, forbidden}},
		{name: "VoteNamed", msgType: msgPollVote, status: workspace.PollOpen, mode: workspace.BallotNamed, message: yes,
			want: [5]string{forbidden, voted, forbidden, forbidden, forbidden}},
		{name: "VoteTwice", msgType: msgPollVote, status: workspace.PollOpen, mode: workspace.BallotSecret, voted: true, message: yes,
			want: [5]string{forbidden, conflict, forbidden, forbidden, forbidden}},
		{name: "VoteDraft", msgType: msgPollVote, status: workspace.PollDraft, mode: workspace.BallotSecret, message: yes,
			want: [5]string{forbidden, conflict, forbidden, forbidden, forbidden}},
		{name: "VoteClosed", msgType: msgPollVote, status: workspace.PollClosed, mode: workspace.BallotSecret, message: yes,
			want: [5]string{forbidden, conflict, forbidden, forbidden, forbidden}},
		{name: "VoteUnknownOption", msgType: msgPollVote, status: workspace.PollOpen, mode: workspace.BallotSecret,
			message: func(p *workspace.Poll) string { return pollVoteMsg(p.ID, 999999) },
			want:    [5]string{forbidden, invalid, forbidden, forbidden, forbidden}},
		{name: "VoteUnknownPoll", msgType: msgPollVote, status: workspace.PollOpen, mode: workspace.BallotSecret,
			message: func(*workspace.Poll) string { return pollVoteMsg(999999, 1) },
			want:    [5]string{forbidden, missing, missing, missing, missing}},
		{name: "VoteNoChoice", msgType: msgPollVote, status: workspace.PollOpen, mode: workspace.BallotSecret,
			message: func(p *workspace.Poll) string { return pollVoteMsg(p.ID) },
			want:    [5]string{invalid, invalid, invalid, invalid, invalid}},
		{name: "VoteMalformed", msgType: msgPollVote, status: workspace.PollOpen, mode: workspace.BallotSecret,
			message: func(p *workspace.Poll) string {
				return fmt.Sprintf(`{"type":"poll.vote","poll":%d,"choices":"yes"}`, p.ID)
			},
			want: [5]string{invalid, invalid, invalid, invalid, invalid}},
		{name: "UnknownType", msgType: "poll.unknown", status: workspace.PollOpen, mode: workspace.BallotSecret,
			message: func(p *workspace.Poll) string { return fmt.Sprintf(`{"type":"poll.unknown","poll":%d}`, p.ID) },
			want:    [5]string{invalid, invalid, invalid, invalid, invalid}},
	}
	for _, mt := range pollMessageTypes {
		if !slices.ContainsFunc(cases, func(c pollCase) bool { return c.msgType == mt }) {
			t.Errorf("poll message %q is missing from the websocket matrix", mt)
		}
	}
	clients := make([]*client, len(pollViewers))
	for i, email := range pollViewers {
		clients[i] = ts.loginAs(t, email)
	}
	ctx := context.Background()
	system := workspace.SystemActor("test")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for i, email := range pollViewers {
				f := newRoomMeeting(t, ts, nil, true)
				p := newLivePoll(t, ts, f, c.mode, c.status != workspace.PollDraft)
				if c.voted {
					acc := ts.account(t, email)
					if acc.CanVote {
						if _, err := ts.db.CastVote(ctx, workspace.ActorFor(acc), p.ID, []int64{pollOption(t, p, workspace.OptionNo)}); err != nil {
							t.Fatal(err)
						}
					}
				}
				if c.status == workspace.PollClosed {
					if _, err := ts.db.ClosePoll(ctx, system, p.ID); err != nil {
						t.Fatal(err)
					}
				}
				ws := mustDialWS(t, clients[i])
				testsupport.SendText(t, ws, c.message(p))
				if got := pollAnswer(t, ws); got != c.want[i] {
					t.Errorf("%s as %s: got %s, want %s", c.name, email, got, c.want[i])
				}
				ws.Close()
			}
		})
	}
}
