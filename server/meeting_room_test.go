package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/meeting"
	"tawla/workspace"
)

// roomFixture is a meeting made for a test of the live room, with its two
// agenda items.
type roomFixture struct {
	meeting *workspace.Meeting
	items   []*workspace.AgendaItem
}

// topic returns the meeting's live topic.
func (f *roomFixture) topic() string { return "meeting:" + strconv.FormatInt(f.meeting.ID, 10) }

// newRoomMeeting creates a plenary with two agenda items, inviting
// invitees (nil: every member, the secretariat and admins), and starts it
// when start is true (its first item is then current).
func newRoomMeeting(t *testing.T, ts *testServer, invitees []int64, start bool) *roomFixture {
	t.Helper()
	ctx := context.Background()
	system := workspace.SystemActor("test")
	begins := ts.clock.Now().Add(-10 * time.Minute).Truncate(time.Minute)
	m := &workspace.Meeting{Title: "Plénière de la salle", Kind: workspace.MeetingPlenary, Language: "fr",
		StartsAt: begins, EndsAt: begins.Add(2 * time.Hour), Place: "Gouvernorat de Mahdia", QuorumRule: workspace.QuorumHalfPlusOne}
	if err := ts.db.CreateMeeting(ctx, system, m, invitees); err != nil {
		t.Fatalf("create meeting: %v", err)
	}
	f := &roomFixture{meeting: m}
	for i, title := range []string{"Accueil et ordre du jour", "Parcours d'orientation"} {
		it := &workspace.AgendaItem{MeetingID: m.ID, Title: title, DurationMinutes: 10 * (i + 1)}
		if err := ts.db.AddAgendaItem(ctx, system, it, nil); err != nil {
			t.Fatalf("add agenda item: %v", err)
		}
		f.items = append(f.items, it)
	}
	if start {
		started, err := ts.db.StartMeeting(ctx, system, m.ID, func(*workspace.MeetingRecord) string { return "# Procès-verbal\n" })
		if err != nil {
			t.Fatalf("start meeting: %v", err)
		}
		f.meeting = started
	}
	return f
}

// roomMessage is a message of the live channel, with the fields the room's
// tests read.
type roomMessage struct {
	Type    string          `json:"type"`
	Topic   string          `json:"topic"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
	About   string          `json:"about"`
	Meeting int64           `json:"meeting"`
	Data    json.RawMessage `json:"data"`
}

// roomRead reads the next message.
func roomRead(t *testing.T, ws *websocket.Conn) roomMessage {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, data, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("websocket read: %v", err)
	}
	var m roomMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("websocket message %s: %v", data, err)
	}
	return m
}

// roomState reads until a meeting.state event arrives and returns it.
func roomState(t *testing.T, ws *websocket.Conn) *meeting.State {
	t.Helper()
	for {
		m := roomRead(t, ws)
		switch m.Type {
		case "error":
			t.Fatalf("waiting for meeting.state: error %s %q", m.Code, m.Message)
		case "event":
			var st meeting.State
			if err := json.Unmarshal(m.Data, &st); err != nil {
				t.Fatalf("event %s: %v", m.Data, err)
			}
			if st.Kind == meeting.StateKind {
				return &st
			}
		}
	}
}

// roomAnswer sends msg and returns its answer: "meeting.done" or
// "error:<code>", skipping the events that come first. With a state, the
// last meeting.state event read on the way is stored in it.
func roomAnswer(t *testing.T, ws *websocket.Conn, msg string, state **meeting.State) string {
	t.Helper()
	testsupport.SendText(t, ws, msg)
	for {
		m := roomRead(t, ws)
		switch m.Type {
		case "event":
			if state != nil {
				var st meeting.State
				if err := json.Unmarshal(m.Data, &st); err == nil && st.Kind == meeting.StateKind {
					*state = &st
				}
			}
		case "error":
			return "error:" + m.Code
		default:
			return m.Type
		}
	}
}

// roomJoin opens a live channel as email and follows the meeting, returning
// the snapshot sent on subscribing.
func roomJoin(t *testing.T, ts *testServer, email string, f *roomFixture) (*websocket.Conn, *meeting.State) {
	t.Helper()
	ws := mustDialWS(t, ts.loginAs(t, email))
	wsSubscribe(t, ws, f.topic())
	return ws, roomState(t, ws)
}

func speakerNames(st *meeting.State) string {
	var names []string
	for _, sp := range st.Speakers {
		names = append(names, sp.Name+"/"+string(sp.Status))
	}
	return strings.Join(names, ", ")
}

func attendanceOf(st *meeting.State, accountID int64) workspace.Attendance {
	for _, a := range st.Attendance {
		if a.Account == accountID {
			return a.Attendance
		}
	}
	return ""
}

// TestLiveRoom follows one meeting with several websocket clients: the
// secretariat, two members and an admin. Moving the current item reaches
// them all; the list of speakers keeps the order of the requests, whoever
// is given the floor; checking in and recording attendance move presence
// and quorum for everyone; a change made through a page (the no-script
// form) reaches them too; bad messages change nothing.
func TestLiveRoom(t *testing.T) {
	ts := newTestServer(t)
	f := newRoomMeeting(t, ts, nil, true)
	member := ts.account(t, demo.MemberEmail)
	hela := ts.account(t, "hela.jaziri@demo.tn")
	rim := ts.account(t, "rim.sassi@demo.tn")
	admin := ts.account(t, demo.AdminEmail)

	emails := []string{demo.SecretariatEmail, demo.MemberEmail, "hela.jaziri@demo.tn", demo.AdminEmail}
	conns := make([]*websocket.Conn, len(emails))
	for i, email := range emails {
		var st *meeting.State
		conns[i], st = roomJoin(t, ts, email, f)
		if st.Status != workspace.MeetingLive || st.CurrentItem == nil || *st.CurrentItem != f.items[0].ID {
			t.Fatalf("%s: the snapshot on subscribing has status %s, current item %v; want live, item %d", email, st.Status, st.CurrentItem, f.items[0].ID)
		}
		if len(st.Items) != 2 || st.Items[1].Title != "Parcours d'orientation" || st.Items[1].PlannedMinutes != 20 || st.Poll != nil {
			t.Fatalf("%s: items %+v, poll %v", email, st.Items, st.Poll)
		}
		if st.Quorum.Electorate != 11 || st.Quorum.Required != 6 || st.Quorum.Present != 0 || st.Quorum.Reached {
			t.Fatalf("%s: quorum at the start %+v", email, st.Quorum)
		}
	}
	secretariat, mohamed, helaWS, adminWS := conns[0], conns[1], conns[2], conns[3]
	meetingField := `"meeting":` + strconv.FormatInt(f.meeting.ID, 10)

	// everyone reads the next snapshot on every connection but from (whose
	// snapshot the answer has consumed) and checks it.
	everyone := func(what string, from *websocket.Conn, fromState *meeting.State, check func(*meeting.State) error) {
		t.Helper()
		for i, ws := range conns {
			st := fromState
			if ws != from {
				st = roomState(t, ws)
			}
			if st == nil {
				t.Fatalf("%s: the sender got no meeting.state before meeting.done", what)
			}
			if err := check(st); err != nil {
				t.Fatalf("%s, as seen by %s: %v", what, emails[i], err)
			}
		}
	}
	send := func(ws *websocket.Conn, msg string) *meeting.State {
		t.Helper()
		var st *meeting.State
		if got := roomAnswer(t, ws, msg, &st); got != meeting.MsgDone {
			t.Fatalf("%s: %s, want %s", msg, got, meeting.MsgDone)
		}
		return st
	}

	t.Run("MoveItem", func(t *testing.T) {
		st := send(secretariat, `{"type":"meeting.item",`+meetingField+`,"item":`+strconv.FormatInt(f.items[1].ID, 10)+`}`)
		everyone("move to the second item", secretariat, st, func(st *meeting.State) error {
			if st.CurrentItem == nil || *st.CurrentItem != f.items[1].ID || st.CurrentSince == nil {
				return fmt.Errorf("current item %v since %v, want %d", st.CurrentItem, st.CurrentSince, f.items[1].ID)
			}
			return nil
		})
	})

	t.Run("SpeakersKeepRequestOrder", func(t *testing.T) {
		order := []struct {
			ws   *websocket.Conn
			name string
		}{{helaWS, hela.Name}, {mohamed, member.Name}, {adminWS, admin.Name}}
		want := ""
		for _, o := range order {
			st := send(o.ws, `{"type":"meeting.floor.ask",`+meetingField+`}`)
			if want != "" {
				want += ", "
			}
			want += o.name + "/waiting"
			everyone(o.name+" asks for the floor", o.ws, st, func(st *meeting.State) error {
				if got := speakerNames(st); got != want {
					return fmt.Errorf("speakers %q, want %q", got, want)
				}
				return nil
			})
		}
		// Asking twice is refused and changes nothing.
		if got := roomAnswer(t, mohamed, `{"type":"meeting.floor.ask",`+meetingField+`}`, nil); got != "error:"+workspace.ECONFLICT {
			t.Errorf("asking twice: %s, want a conflict", got)
		}
		// The floor goes to the admin first: the list keeps its order.
		var adminRequest int64
		for _, sp := range resubscribe(t, adminWS, f).Speakers {
			if sp.Account == admin.ID {
				adminRequest = sp.ID
			}
		}
		st := send(secretariat, `{"type":"meeting.floor.give",`+meetingField+`,"speaker":`+strconv.FormatInt(adminRequest, 10)+`}`)
		want = hela.Name + "/waiting, " + member.Name + "/waiting, " + admin.Name + "/speaking"
		everyone("the floor given to the admin", secretariat, st, func(st *meeting.State) error {
			if got := speakerNames(st); got != want {
				return fmt.Errorf("speakers %q, want %q", got, want)
			}
			if st.Speakers[2].StartedAt == nil {
				return fmt.Errorf("the speaker has no start time")
			}
			return nil
		})
		// Next: the admin's turn ends, Hela (the earliest) speaks.
		st = send(secretariat, `{"type":"meeting.floor.next",`+meetingField+`}`)
		want = hela.Name + "/speaking, " + member.Name + "/waiting"
		everyone("the next speaker", secretariat, st, func(st *meeting.State) error {
			if got := speakerNames(st); got != want {
				return fmt.Errorf("speakers %q, want %q", got, want)
			}
			return nil
		})
		// Mohamed withdraws; the secretariat ends Hela's turn.
		st = send(mohamed, `{"type":"meeting.floor.withdraw",`+meetingField+`}`)
		everyone("a withdrawal", mohamed, st, func(st *meeting.State) error {
			if got := speakerNames(st); got != hela.Name+"/speaking" {
				return fmt.Errorf("speakers %q", got)
			}
			return nil
		})
		st = send(secretariat, `{"type":"meeting.floor.end",`+meetingField+`}`)
		everyone("the end of the turn", secretariat, st, func(st *meeting.State) error {
			if len(st.Speakers) != 0 {
				return fmt.Errorf("speakers %q, want none", speakerNames(st))
			}
			return nil
		})
	})

	t.Run("PresenceAndQuorum", func(t *testing.T) {
		st := send(mohamed, `{"type":"meeting.checkin",`+meetingField+`}`)
		everyone("Mohamed checks in", mohamed, st, func(st *meeting.State) error {
			if a := attendanceOf(st, member.ID); a != workspace.AttendancePresent {
				return fmt.Errorf("Mohamed's attendance %q", a)
			}
			if st.Quorum.Present != 1 || st.Quorum.Reached {
				return fmt.Errorf("quorum %+v, want 1 present, not reached", st.Quorum)
			}
			return nil
		})
		// The secretariat marks four more voting members present: the
		// quorum (6 of 11) is reached with the fifth, Hela checking in.
		voters := []string{"rim.sassi@demo.tn", "wafa.mabrouk@demo.tn", "kamel.ayari@demo.tn", "fethi.hamdi@demo.tn"}
		for i, email := range voters {
			acc := ts.account(t, email)
			st := send(secretariat, fmt.Sprintf(`{"type":"meeting.attendance",%s,"account":%d,"attendance":"present"}`, meetingField, acc.ID))
			everyone("attendance of "+email, secretariat, st, func(st *meeting.State) error {
				if st.Quorum.Present != 2+i {
					return fmt.Errorf("quorum %+v, want %d present", st.Quorum, 2+i)
				}
				return nil
			})
		}
		st = send(helaWS, `{"type":"meeting.checkin",`+meetingField+`}`)
		everyone("Hela checks in", helaWS, st, func(st *meeting.State) error {
			if st.Quorum.Present != 6 || !st.Quorum.Reached {
				return fmt.Errorf("quorum %+v, want 6 present and reached", st.Quorum)
			}
			return nil
		})
		// Rim is excused after all: the quorum is lost again.
		st = send(secretariat, fmt.Sprintf(`{"type":"meeting.attendance",%s,"account":%d,"attendance":"excused"}`, meetingField, rim.ID))
		everyone("Rim excused", secretariat, st, func(st *meeting.State) error {
			if attendanceOf(st, rim.ID) != workspace.AttendanceExcused || st.Quorum.Present != 5 || st.Quorum.Reached {
				return fmt.Errorf("Rim %q, quorum %+v", attendanceOf(st, rim.ID), st.Quorum)
			}
			return nil
		})
	})

	t.Run("PageChangesReachTheRoom", func(t *testing.T) {
		rimPage := ts.loginAs(t, "rim.sassi@demo.tn")
		resp := rimPage.postForm(t, "/meetings/"+strconv.FormatInt(f.meeting.ID, 10)+"/floor", url.Values{"action": {"ask"}})
		wantRedirect(t, "ask for the floor by form", resp, "/meetings/"+strconv.FormatInt(f.meeting.ID, 10)+"/room?done=floor_asked")
		everyone("Rim asks through the form", nil, nil, func(st *meeting.State) error {
			if got := speakerNames(st); got != rim.Name+"/waiting" {
				return fmt.Errorf("speakers %q", got)
			}
			return nil
		})
	})

	t.Run("BadInputChangesNothing", func(t *testing.T) {
		other := newRoomMeeting(t, ts, nil, true)
		for _, tt := range []struct{ msg, want string }{
			{`{"type":"meeting.item",` + meetingField + `,"item":999999}`, "error:" + workspace.ENOTFOUND},
			{`{"type":"meeting.item",` + meetingField + `,"item":` + strconv.FormatInt(other.items[0].ID, 10) + `}`, "error:" + workspace.ENOTFOUND},
			{`{"type":"meeting.item",` + meetingField + `}`, "error:" + workspace.EINVALID},
			{`{"type":"meeting.item",` + meetingField + `,"item":"2"}`, "error:" + workspace.EINVALID},
			{`{"type":"meeting.item","meeting":999999,"item":1}`, "error:" + workspace.ENOTFOUND},
			{`{"type":"meeting.item","item":1}`, "error:" + workspace.EINVALID},
			{`{"type":"meeting.floor.give",` + meetingField + `,"speaker":999999}`, "error:" + workspace.ENOTFOUND},
			{`{"type":"meeting.attendance",` + meetingField + `,"account":999999,"attendance":"present"}`, "error:" + workspace.ENOTFOUND},
			{`{"type":"meeting.attendance",` + meetingField + `,"account":` + strconv.FormatInt(member.ID, 10) + `,"attendance":"sleeping"}`, "error:" + workspace.EINVALID},
			{`{"type":"meeting.floor.ask",` + meetingField + `,"extra":1}`, "error:" + workspace.EINVALID},
			{`{"type":"meeting.floor.ask",` + meetingField + `,"padding":"` + strings.Repeat("x", meeting.MaxMessageBytes) + `"}`, "error:" + workspace.EINVALID},
			{`{"type":"meeting.nothing",` + meetingField + `}`, "error:" + workspace.EINVALID},
			{`{"type":"meeting.item",`, "error:" + workspace.EINVALID},
			{"{\"type\":\"meeting.floor.ask\",\"meeting\":1,\"x\":\"\xff\"}", "error:" + workspace.EINVALID},
		} {
			before := ts.auditCount(t)
			if got := roomAnswer(t, secretariat, tt.msg, nil); got != tt.want {
				t.Errorf("%q: %s, want %s", tt.msg, got, tt.want)
			}
			if after := ts.auditCount(t); after != before {
				t.Errorf("%q wrote %d audit entries", tt.msg, after-before)
			}
		}
		// Nobody received a snapshot for any of them: the next message the
		// member reads answers its ping.
		testsupport.SendText(t, mohamed, `{"type":"ping","id":9}`)
		if m := roomRead(t, mohamed); m.Type != "pong" {
			t.Errorf("after refused messages the member read %s, want its pong", m.Type)
		}
	})
}

// resubscribe subscribes again to the meeting on ws and returns the fresh snapshot.
func resubscribe(t *testing.T, ws *websocket.Conn, f *roomFixture) *meeting.State {
	t.Helper()
	testsupport.SendText(t, ws, `{"type":"subscribe","topic":"`+f.topic()+`"}`)
	return roomState(t, ws)
}
