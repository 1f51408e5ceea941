// Package meeting is the live room of meetings: it serves the "meeting."
// messages of the live channel (move the current item, the list of
// speakers, check-in and attendance), has the store make each change, and
// publishes a snapshot of the room (meeting.state) to everyone following
// the topic "meeting:N" after every change, whether it came from the live
// channel or from a page (Room.Publish). It reaches clients through package
// live and the store through workspace/sqlite; it knows no HTTP page.
package meeting

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"tawla/live"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// TopicKind is the kind of live topic of meetings: "meeting:12". Its
// messages are those whose type starts with "meeting.".
const TopicKind = "meeting"

// snapshotTimeout bounds the reading of one snapshot.
const snapshotTimeout = 10 * time.Second

// lockStripes is the number of locks the meetings share (by ID): the
// snapshots of one meeting are read and sent one at a time, those of
// different meetings mostly in parallel.
const lockStripes = 64

// Room serves the live rooms of every meeting. It is the live.Handler of
// the meeting topics. Its methods are safe for concurrent use.
type Room struct {
	db     *sqlite.DB
	hub    *live.Hub
	logger *slog.Logger
	now    func() time.Time

	// locks order the snapshots of a meeting: each is read and handed to
	// the hub under its meeting's lock, so that every connection receives
	// a meeting's snapshots in the order they were read, the newest last.
	locks [lockStripes]sync.Mutex
}

// New returns the room of the meetings of db, publishing through hub. A
// nil logger discards.
func New(db *sqlite.DB, hub *live.Hub, logger *slog.Logger) *Room {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	// Snapshots are read on the clock the store stamps changes with.
	return &Room{db: db, hub: hub, logger: logger, now: func() time.Time { return db.Now() }}
}

// Kind returns the live topic kind of meetings, to register with
// live.Hub.HandleKind under TopicKind: following "meeting:12" and sending
// its "meeting." messages both need the right to read meetings (members,
// the secretariat, admins) and an existing meeting, decided on the store's
// current state every time. A new subscriber receives the room's snapshot
// at once.
func (r *Room) Kind() live.Kind {
	return live.Kind{
		Entity:        true,
		Authorize:     r.authorize,
		MessagePrefix: "meeting.",
		IDField:       "meeting",
		Handler:       r,
		Subscribed:    r.welcome,
	}
}

// authorize is the rule of the meeting topics. The role is checked before
// the meeting is looked up, so that a stakeholder learns nothing of which
// meetings exist.
func (r *Room) authorize(ctx context.Context, acc *workspace.Account, id int64) error {
	if err := workspace.CanReadMeetings(workspace.ActorFor(acc)); err != nil {
		return err
	}
	_, err := r.db.FindMeetingByID(ctx, id)
	return err
}

// Topic returns the live topic of the meeting with id.
func Topic(id int64) live.Topic { return live.Topic{Kind: TopicKind, ID: id} }

func (r *Room) lock(id int64) *sync.Mutex {
	return &r.locks[uint64(id)%lockStripes]
}

// Publish reads the meeting's room as it is now and sends it as a
// meeting.state event to every subscriber of its topic. Call it after a
// change to the meeting was committed (never inside a transaction): the
// room's own messages do, and so must the pages that change a meeting
// (start, close, attendance, agenda, decisions). A meeting that cannot be
// read is logged, and nothing is sent.
func (r *Room) Publish(ctx context.Context, meetingID int64) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), snapshotTimeout)
	defer cancel()
	mu := r.lock(meetingID)
	mu.Lock()
	defer mu.Unlock()
	st, err := r.snapshot(ctx, meetingID)
	if err != nil {
		if workspace.ErrorCode(err) != workspace.ENOTFOUND {
			r.logger.Error("meeting: read the room to publish", "meeting", meetingID, "error", err)
		}
		return
	}
	r.hub.Publish(Topic(meetingID), st)
}

// welcome sends the room's snapshot to a new subscriber, as an event of
// the topic like those Publish sends.
func (r *Room) welcome(ctx context.Context, p *live.Peer, _ *workspace.Account, meetingID int64) {
	mu := r.lock(meetingID)
	mu.Lock()
	defer mu.Unlock()
	st, err := r.snapshot(ctx, meetingID)
	if err != nil {
		if ctx.Err() == nil {
			p.Refuse(err, map[string]any{"meeting": meetingID, "topic": Topic(meetingID).String()})
		}
		return
	}
	data, err := json.Marshal(eventMessage{Type: "event", Topic: Topic(meetingID).String(), Data: st})
	if err != nil {
		r.logger.Error("meeting: marshal the room", "meeting", meetingID, "error", err)
		return
	}
	p.Send(data)
}

// eventMessage is an event of a topic, as the hub sends them.
type eventMessage struct {
	Type  string `json:"type"`
	Topic string `json:"topic"`
	Data  any    `json:"data"`
}

// snapshot reads the meeting's room as it is now.
func (r *Room) snapshot(ctx context.Context, meetingID int64) (*State, error) {
	rec, err := r.db.FindMeetingRecord(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	st := NewState(rec, r.now())
	if st.Poll, err = readRoomPoll(ctx, r.db, meetingID, st.CurrentItem); err != nil {
		return nil, err
	}
	return st, nil
}

// PeerGone implements live.Handler: the room keeps nothing per connection
// (subscriptions are the hub's).
func (r *Room) PeerGone(*live.Peer) {}
