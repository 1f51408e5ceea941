package meeting

import (
	"context"

	"tawla/workspace"
)

// CancelledKind is the kind of the event that announces a cancellation.
const CancelledKind = "meeting.cancelled"

// Cancelled announces to the followers of a meeting that it was cancelled
// (docs/protocol.md, "Meeting room"): the data of a meeting.cancelled
// event. By is the name of the account that cancelled it, Reason the
// reason it gave; CancelledAt is UTC, in RFC 3339 with milliseconds.
type Cancelled struct {
	Kind        string `json:"kind"`
	Meeting     int64  `json:"meeting"`
	Title       string `json:"title"`
	CancelledAt string `json:"cancelledAt"`
	By          string `json:"by"`
	Reason      string `json:"reason"`
}

// PublishCancelled sends the followers of m, just cancelled (after the
// store committed it), the room's snapshot, which shows it cancelled, then
// a meeting.cancelled event naming by, the one who cancelled it. Both go
// under the meeting's lock, so no older snapshot follows them.
func (r *Room) PublishCancelled(ctx context.Context, m *workspace.Meeting, by string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), snapshotTimeout)
	defer cancel()
	mu := r.lock(m.ID)
	mu.Lock()
	defer mu.Unlock()
	if st, err := r.snapshot(ctx, m.ID); err == nil {
		r.hub.Publish(Topic(m.ID), st)
	} else if workspace.ErrorCode(err) != workspace.ENOTFOUND {
		r.logger.Error("meeting: read the room to publish", "meeting", m.ID, "error", err)
	}
	ev := Cancelled{Kind: CancelledKind, Meeting: m.ID, Title: m.Title, By: by, Reason: m.CancelReason}
	if m.CancelledAt != nil {
		ev.CancelledAt = formatTime(*m.CancelledAt)
	}
	r.hub.Publish(Topic(m.ID), ev)
}
