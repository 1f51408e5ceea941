package meeting

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"tawla/live"
	"tawla/workspace"
)

// The messages a client may send to a meeting's room; docs/protocol.md
// describes them and the websocket authorisation matrix test checks each
// one for every role.
const (
	MsgItem          = "meeting.item"
	MsgFloorAsk      = "meeting.floor.ask"
	MsgFloorWithdraw = "meeting.floor.withdraw"
	MsgFloorGive     = "meeting.floor.give"
	MsgFloorNext     = "meeting.floor.next"
	MsgFloorEnd      = "meeting.floor.end"
	MsgCheckIn       = "meeting.checkin"
	MsgAttendance    = "meeting.attendance"
)

// MessageTypes lists the messages a client may send to a meeting's room.
var MessageTypes = []string{MsgItem, MsgFloorAsk, MsgFloorWithdraw, MsgFloorGive, MsgFloorNext, MsgFloorEnd, MsgCheckIn, MsgAttendance}

// MsgDone is the answer to a message that changed the room, sent after the
// meeting.state event that shows the change.
const MsgDone = "meeting.done"

// MaxMessageBytes bounds a message to a meeting's room: the largest one,
// meeting.attendance, takes well under a hundred bytes.
const MaxMessageBytes = 1024

// clientMessage is any "meeting." message from a client.
type clientMessage struct {
	Type       string  `json:"type"`
	Meeting    int64   `json:"meeting"`
	Item       *int64  `json:"item"`
	Speaker    *int64  `json:"speaker"`
	Account    *int64  `json:"account"`
	Attendance *string `json:"attendance"`
}

// request is a decoded message.
type request struct {
	msgType    string
	item       int64
	speaker    int64
	account    int64
	attendance workspace.Attendance
}

// Decode implements live.Handler: it checks the shape of a "meeting."
// message before anything reads the store.
func (r *Room) Decode(msgType string, data []byte) (int64, any, error) {
	if len(data) > MaxMessageBytes {
		return 0, nil, &workspace.Error{Code: workspace.EINVALID, Key: "error.room.too_long", Message: "This message is too long for the meeting room."}
	}
	var m clientMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m.Meeting, nil, &workspace.Error{Code: workspace.EINVALID, Key: "error.room.malformed", Message: "The message does not fit its format."}
	}
	if m.Meeting <= 0 {
		return m.Meeting, nil, &workspace.Error{Code: workspace.EINVALID, Key: "error.room.no_meeting", Message: "The message names no meeting."}
	}
	req, err := newRequest(msgType, m)
	if err != nil {
		return m.Meeting, nil, err
	}
	return m.Meeting, req, nil
}

// newRequest checks the fields a message of msgType needs and returns its
// request; Decode and Room.Do both build their requests with it.
func newRequest(msgType string, m clientMessage) (request, error) {
	req := request{msgType: msgType}
	positive := func(v *int64, key, message string) (int64, error) {
		if v == nil || *v <= 0 {
			return 0, &workspace.Error{Code: workspace.EINVALID, Key: key, Message: message}
		}
		return *v, nil
	}
	var err error
	switch msgType {
	case MsgItem:
		req.item, err = positive(m.Item, "error.room.item_required", "Say which agenda item is now under discussion.")
	case MsgFloorGive:
		req.speaker, err = positive(m.Speaker, "error.room.speaker_required", "Say whom to give the floor to.")
	case MsgAttendance:
		req.account, err = positive(m.Account, "error.room.account_required", "Say whose attendance to record.")
		if err == nil {
			if m.Attendance == nil || !workspace.Attendance(*m.Attendance).Valid() {
				err = &workspace.Error{Code: workspace.EINVALID, Key: "error.room.attendance_invalid", Message: "Choose invited, present, excused or absent."}
			} else {
				req.attendance = workspace.Attendance(*m.Attendance)
			}
		}
	case MsgFloorAsk, MsgFloorWithdraw, MsgFloorNext, MsgFloorEnd, MsgCheckIn:
	default:
		err = &workspace.Error{Code: workspace.EINVALID, Key: "error.ws.unknown_type", Message: "Unknown message type."}
	}
	return req, err
}

// Handle implements live.Handler for a message that Decode accepted and
// whose meeting the hub has authorised acc to follow (acc is the sender's
// account as it is now). It checks the message against the meeting as it
// stands — the rule of the message, then that the item, the request for
// the floor or the invitee it names belongs to the meeting — has the
// store make the change (the store checks the rule again, in its
// transaction, and writes the audit entry), publishes the new snapshot and
// answers meeting.done. A refused message changes nothing.
func (r *Room) Handle(ctx context.Context, p *live.Peer, acc *workspace.Account, msgType string, meetingID int64, decoded any) {
	req := decoded.(request)
	fields := map[string]any{"meeting": meetingID, "about": msgType}
	if err := r.apply(ctx, acc, meetingID, req); err != nil {
		if ctx.Err() != nil {
			return // the connection is ending: nobody is left to answer
		}
		p.Refuse(err, fields)
		return
	}
	r.Publish(ctx, meetingID)
	data, err := json.Marshal(map[string]any{"type": MsgDone, "meeting": meetingID, "about": msgType})
	if err != nil {
		panic(fmt.Sprintf("meeting: marshal %s: %v", MsgDone, err))
	}
	p.Send(data)
}

// apply checks req and makes its change.
func (r *Room) apply(ctx context.Context, acc *workspace.Account, meetingID int64, req request) error {
	actor := workspace.ActorFor(acc)
	rec, err := r.db.FindMeetingRecord(ctx, meetingID)
	if err != nil {
		return err
	}
	m := rec.Meeting
	switch req.msgType {
	case MsgItem, MsgFloorGive, MsgFloorNext, MsgFloorEnd:
		err = workspace.CanRunMeeting(actor, m)
	case MsgAttendance:
		err = workspace.CanChangeMeeting(actor, m)
	default: // what one does for oneself
		err = workspace.CanTakePart(actor, m, rec.Invitee(acc.ID))
	}
	if err != nil {
		return err
	}
	switch req.msgType {
	case MsgItem:
		if rec.Item(req.item) == nil {
			return &workspace.Error{Code: workspace.ENOTFOUND, Key: "error.room.item_unknown", Message: "This item is not on the meeting's agenda."}
		}
		return r.db.MoveCurrentItem(ctx, actor, meetingID, req.item)
	case MsgFloorAsk:
		_, err := r.db.AskFloor(ctx, actor, meetingID)
		return err
	case MsgFloorWithdraw:
		return r.db.WithdrawFloor(ctx, actor, meetingID)
	case MsgFloorGive:
		if !waiting(rec, req.speaker) {
			return &workspace.Error{Code: workspace.ENOTFOUND, Key: "error.room.speaker_unknown", Message: "This request for the floor is not waiting in the list of speakers."}
		}
		return r.db.GiveFloor(ctx, actor, meetingID, req.speaker)
	case MsgFloorNext:
		_, err := r.db.NextSpeaker(ctx, actor, meetingID)
		return err
	case MsgFloorEnd:
		return r.db.EndSpeaker(ctx, actor, meetingID)
	case MsgCheckIn:
		return r.db.CheckIn(ctx, actor, meetingID)
	case MsgAttendance:
		if rec.Invitee(req.account) == nil {
			return &workspace.Error{Code: workspace.ENOTFOUND, Key: "error.room.invitee_unknown", Message: "This person is not invited to the meeting."}
		}
		return r.db.SetAttendance(ctx, actor, meetingID, req.account, req.attendance)
	}
	return &workspace.Error{Code: workspace.EINVALID, Key: "error.ws.unknown_type", Message: "Unknown message type."}
}

// waiting reports whether speakerID is a request of rec waiting for the
// floor.
func waiting(rec *workspace.MeetingRecord, speakerID int64) bool {
	for _, sp := range rec.Speakers {
		if sp.ID == speakerID {
			return sp.Status == workspace.SpeakerWaiting
		}
	}
	return false
}
