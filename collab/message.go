package collab

import (
	"encoding/json"

	"tawla/workspace"
	"tawla/workspace/change"
)

// The co-editing messages a client may send; docs/protocol.md describes
// them and the websocket authorisation matrix test checks each one.
const (
	msgTypeJoin     = "doc.join"
	msgTypePush     = "doc.push"
	msgTypePresence = "doc.presence"
	msgTypeLeave    = "doc.leave"
)

// MessageTypes lists the co-editing messages a client may send.
var MessageTypes = []string{msgTypeJoin, msgTypePush, msgTypePresence, msgTypeLeave}

// MaxClientIDLength bounds the clientID of an update, in bytes.
const MaxClientIDLength = 64

// docClientMessage is any "doc." message from a client.
type docClientMessage struct {
	Type    string         `json:"type"`
	Doc     int64          `json:"doc"`
	Version *int           `json:"version"`
	Updates []pushedUpdate `json:"updates"`
	Anchor  *int           `json:"anchor"`
	Head    *int           `json:"head"`
}

// pushedUpdate is one update of a push, as the client sends it.
type pushedUpdate struct {
	ClientID string          `json:"clientID"`
	Seq      int64           `json:"seq"`
	Changes  json.RawMessage `json:"changes"`
}

// Decode implements live.Handler: it checks the shape of a "doc." message
// and parses a push's change sets, before anything reads the store. The
// decoded message is a roomMsg without its sender.
func (a *Authority) Decode(msgType string, data []byte) (int64, any, error) {
	var m docClientMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return 0, nil, workspace.Errorf(workspace.EINVALID, "The message does not fit the %s format.", msgType)
	}
	if m.Doc <= 0 {
		return m.Doc, nil, &workspace.Error{Code: workspace.EINVALID, Key: "error.document.none", Message: "The message names no document."}
	}
	if m.Version != nil && *m.Version < 0 {
		return m.Doc, nil, workspace.Errorf(workspace.EINVALID, "Version %d does not exist: versions count from 0.", *m.Version)
	}
	msg := roomMsg{msgType: msgType}
	switch msgType {
	case msgTypeJoin:
		msg.kind = msgJoin
		if m.Version != nil {
			msg.hasVersion, msg.version = true, *m.Version
		}
	case msgTypePush:
		if err := a.decodePush(&m, &msg); err != nil {
			return m.Doc, nil, err
		}
		msg.kind = msgPush
	case msgTypePresence:
		if m.Version == nil || m.Anchor == nil || m.Head == nil || *m.Anchor < 0 || *m.Head < 0 {
			return m.Doc, nil, workspace.Errorf(workspace.EINVALID, "Presence needs a version, and an anchor and a head of 0 or more.")
		}
		msg.kind, msg.version, msg.anchor, msg.head = msgPresence, *m.Version, *m.Anchor, *m.Head
	case msgTypeLeave:
		msg.kind = msgLeave
	default:
		return m.Doc, nil, &workspace.Error{Code: workspace.EINVALID, Key: "error.ws.unknown_type", Message: "Unknown message type."}
	}
	return m.Doc, msg, nil
}

// decodePush checks a push's shape and parses its change sets.
func (a *Authority) decodePush(m *docClientMessage, msg *roomMsg) error {
	if m.Version == nil {
		return workspace.Errorf(workspace.EINVALID, "A push needs the version it is based on.")
	}
	if len(m.Updates) == 0 || len(m.Updates) > a.limits.MaxUpdatesPerPush {
		return workspace.Errorf(workspace.EINVALID, "A push carries 1 to %d updates.", a.limits.MaxUpdatesPerPush)
	}
	msg.version = *m.Version
	msg.updates = make([]change.Update, len(m.Updates))
	msg.seqs = make([]int64, len(m.Updates))
	for i, u := range m.Updates {
		if u.ClientID == "" || len(u.ClientID) > MaxClientIDLength {
			return workspace.Errorf(workspace.EINVALID, "Update %d: the clientID must be 1 to %d bytes.", i, MaxClientIDLength)
		}
		if isServerClientID(u.ClientID) {
			return workspace.Errorf(workspace.EINVALID, "Update %d: client IDs starting with %q are the server's.", i, serverClientPrefix)
		}
		if u.Seq <= 0 || (i > 0 && (u.ClientID != m.Updates[i-1].ClientID || u.Seq <= m.Updates[i-1].Seq)) {
			return workspace.Errorf(workspace.EINVALID, "Update %d: sequence numbers must be positive and increasing, from one client.", i)
		}
		set, err := change.ParseJSON(u.Changes)
		if err != nil {
			return workspace.Errorf(workspace.EINVALID, "Update %d: %v", i, err)
		}
		msg.updates[i] = change.Update{Changes: set, ClientID: u.ClientID}
		msg.seqs[i] = u.Seq
	}
	return nil
}
