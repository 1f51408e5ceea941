package meeting

import (
	"context"

	"tawla/workspace"
)

// Command is a change of a meeting's room that a page's form asks for
// instead of a message of the live channel (a page without script): Type
// is the message type (MsgItem, MsgFloorGive, MsgFloorNext, MsgFloorEnd…)
// and Item and Speaker the fields the message would carry.
type Command struct {
	Type    string
	Item    int64
	Speaker int64
}

// Do makes the change of cmd in the meeting with meetingID for acc, exactly
// as the message of cmd.Type would through the live channel: the same
// checks of its fields, the topic's rule (the right to read meetings, an
// existing meeting), the message's rule against the meeting as it stands,
// the same store operation (which checks the rule again in its transaction
// and writes the audit entry), then the new snapshot published to every
// page following the meeting. A refused command changes nothing.
func (r *Room) Do(ctx context.Context, acc *workspace.Account, meetingID int64, cmd Command) error {
	m := clientMessage{Type: cmd.Type, Meeting: meetingID}
	if cmd.Item != 0 {
		m.Item = &cmd.Item
	}
	if cmd.Speaker != 0 {
		m.Speaker = &cmd.Speaker
	}
	req, err := newRequest(cmd.Type, m)
	if err != nil {
		return err
	}
	if err := r.authorize(ctx, acc, meetingID); err != nil {
		return err
	}
	if err := r.apply(ctx, acc, meetingID, req); err != nil {
		return err
	}
	r.Publish(ctx, meetingID)
	return nil
}
