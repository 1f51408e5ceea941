package server

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/meeting"
	"tawla/workspace"
)

// nonVoterEmail is a demo member without a voting right.
const nonVoterEmail = "nizar.bouzid@demo.tn"

// newLivePoll creates a yes/no poll in mode on the first agenda item of
// f's meeting and, when open, opens it.
func newLivePoll(t *testing.T, ts *testServer, f *roomFixture, mode workspace.BallotMode, open bool) *workspace.Poll {
	t.Helper()
	ctx := context.Background()
	system := workspace.SystemActor("test")
	mid, iid := f.meeting.ID, f.items[0].ID
	p := &workspace.Poll{Question: "Adopter le parcours d'orientation ?", Kind: workspace.PollYesNo, Mode: mode,
		Unit: workspace.VotePerPerson, Majority: workspace.MajoritySimple, CollegeRule: workspace.CollegeRuleNone,
		MeetingID: &mid, AgendaItemID: &iid}
	if err := ts.db.CreatePoll(ctx, system, p); err != nil {
		t.Fatalf("create poll: %v", err)
	}
	if open {
		opened, err := ts.db.OpenPoll(ctx, system, p.ID)
		if err != nil {
			t.Fatalf("open poll: %v", err)
		}
		p = opened
	}
	ts.srv.publishPoll(ctx, p.ID)
	return p
}

// pollOption returns the id of the option with key of a yes/no poll.
func pollOption(t *testing.T, p *workspace.Poll, key string) int64 {
	t.Helper()
	for _, o := range p.Options {
		if o.Key == key {
			return o.ID
		}
	}
	t.Fatalf("poll %d has no option %q", p.ID, key)
	return 0
}

// pollVoteMsg is a poll.vote message.
func pollVoteMsg(poll int64, choices ...int64) string {
	data, _ := json.Marshal(map[string]any{"type": "poll.vote", "poll": poll, "choices": choices})
	return string(data)
}

// pollAnswer returns the answer to the last message: its type, or
// "error:<code>", skipping events.
func pollAnswer(t *testing.T, ws *websocket.Conn) string {
	t.Helper()
	for {
		m, err := wsRead(ws, 5*time.Second)
		if err != nil {
			t.Fatalf("websocket read: %v", err)
		}
		switch m.Type {
		case "event":
			continue
		case "error":
			return "error:" + m.Code
		}
		return m.Type
	}
}

// pollEvent reads events until a poll.state of poll id that satisfies ok.
func pollEvent(t *testing.T, ws *websocket.Conn, id int64, ok func(*meeting.PollState) bool) *meeting.PollState {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		_ = ws.SetReadDeadline(deadline)
		_, data, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("waiting for poll %d's state: %v", id, err)
		}
		var m struct {
			Type  string          `json:"type"`
			Topic string          `json:"topic"`
			Data  json.RawMessage `json:"data"`
		}
		if json.Unmarshal(data, &m) != nil || m.Type != "event" || m.Topic != "poll:"+strconv.FormatInt(id, 10) {
			continue
		}
		var st meeting.PollState
		if err := json.Unmarshal(m.Data, &st); err == nil && st.Kind == meeting.PollStateKind && ok(&st) {
			return &st
		}
	}
	t.Fatalf("no poll.state of poll %d as expected", id)
	return nil
}

// TestPollLive follows a named poll live: the subscriber receives its
// state at once, a ballot cast over the live channel is answered
// poll.voted and then shown in the turnout and the counts, and the
// meeting's room carries the poll; closing sends the result to both.
func TestPollLive(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	f := newRoomMeeting(t, ts, nil, true)
	p := newLivePoll(t, ts, f, workspace.BallotNamed, true)
	topic := "poll:" + strconv.FormatInt(p.ID, 10)

	watcher := mustDialWS(t, ts.loginAs(t, demo.SecretariatEmail))
	wsSubscribe(t, watcher, topic)
	st := pollEvent(t, watcher, p.ID, func(*meeting.PollState) bool { return true })
	if st.Status != workspace.PollOpen || st.Turnout != 0 || len(st.Counts) != 3 || st.Result != nil {
		t.Fatalf("first state: %+v", st)
	}
	room, _ := roomJoin(t, ts, demo.AdminEmail, f)

	voter := mustDialWS(t, ts.loginAs(t, demo.MemberEmail))
	yes := pollOption(t, p, workspace.OptionYes)
	testsupport.SendText(t, voter, pollVoteMsg(p.ID, yes))
	if got := pollAnswer(t, voter); got != msgPollVoted {
		t.Fatalf("vote: %s", got)
	}
	st = pollEvent(t, watcher, p.ID, func(s *meeting.PollState) bool { return s.Turnout == 1 })
	for _, c := range st.Counts {
		if want := map[bool]int{true: 1, false: 0}[c.Option == yes]; c.Count != want {
			t.Errorf("count of option %d: %d, want %d", c.Option, c.Count, want)
		}
	}
	rs := roomStateWhere(t, room, func(s *meeting.State) bool { return s.Poll != nil && s.Poll.Turnout == 1 })
	if rs.Poll.Poll != p.ID {
		t.Errorf("room's poll: %d, want %d", rs.Poll.Poll, p.ID)
	}

	if _, err := ts.db.ClosePoll(ctx, workspace.SystemActor("test"), p.ID); err != nil {
		t.Fatal(err)
	}
	ts.srv.publishPoll(ctx, p.ID)
	st = pollEvent(t, watcher, p.ID, func(s *meeting.PollState) bool { return s.Status == workspace.PollClosed })
	if st.Result == nil || st.Result.Yes != 1 || st.Counts != nil {
		t.Errorf("closed state: %+v", st)
	}
	rs = roomStateWhere(t, room, func(s *meeting.State) bool { return s.Poll != nil && s.Poll.Status == workspace.PollClosed })
	if rs.Poll.Result == nil || rs.Poll.Result.Outcome == "" {
		t.Errorf("room's closed poll: %+v", rs.Poll)
	}
}

// roomStateWhere reads the room's snapshots until one satisfies ok.
func roomStateWhere(t *testing.T, ws *websocket.Conn, ok func(*meeting.State) bool) *meeting.State {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		_ = ws.SetReadDeadline(deadline)
		_, data, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("waiting for the room: %v", err)
		}
		var m struct {
			Type string          `json:"type"`
			Data json.RawMessage `json:"data"`
		}
		if json.Unmarshal(data, &m) != nil || m.Type != "event" {
			continue
		}
		var st meeting.State
		if err := json.Unmarshal(m.Data, &st); err == nil && st.Kind == meeting.StateKind && ok(&st) {
			return &st
		}
	}
	t.Fatal("no room snapshot as expected")
	return nil
}

// TestPollScheduler closes a poll at its deadline with nobody connected:
// the store's clock passes the deadline, the scheduler is woken, and the
// poll closes and is published.
func TestPollScheduler(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	system := workspace.SystemActor("test")
	f := newRoomMeeting(t, ts, nil, true)
	p := newLivePoll(t, ts, f, workspace.BallotSecret, false)
	closes := ts.clock.Now().Add(10 * time.Minute)
	p.ClosesAt = &closes
	if err := ts.db.UpdatePoll(ctx, system, p); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.db.OpenPoll(ctx, system, p.ID); err != nil {
		t.Fatal(err)
	}
	ts.srv.publishPoll(ctx, p.ID)
	if _, err := ts.db.CastVote(ctx, workspace.ActorFor(ts.account(t, demo.MemberEmail)), p.ID, []int64{pollOption(t, p, workspace.OptionYes)}); err != nil {
		t.Fatal(err)
	}
	watcher := mustDialWS(t, ts.loginAs(t, demo.AdminEmail))
	wsSubscribe(t, watcher, "poll:"+strconv.FormatInt(p.ID, 10))
	pollEvent(t, watcher, p.ID, func(s *meeting.PollState) bool { return s.Status == workspace.PollOpen })

	ts.clock.Advance(9 * time.Minute)
	ts.srv.pollsChanged()
	time.Sleep(100 * time.Millisecond)
	if got, err := ts.db.FindPollByID(ctx, p.ID); err != nil || got.Status != workspace.PollOpen {
		t.Fatalf("before its deadline: %v %v", got.Status, err)
	}
	ts.clock.Advance(2 * time.Minute)
	ts.srv.pollsChanged()
	st := pollEvent(t, watcher, p.ID, func(s *meeting.PollState) bool { return s.Status == workspace.PollClosed })
	if st.Result == nil || st.Result.Cast != 1 || st.Result.Yes != 1 {
		t.Errorf("closed at its deadline: %+v", st.Result)
	}
}
