package collab_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/gorilla/websocket"

	"tawla/collab"
	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/server"
	"tawla/workspace"
)

// This file checks that the co-editing authority refuses every malformed
// or forbidden request over real websocket connections, with raw JSON
// frames as a careless or hostile client would send them: a clear error,
// nothing changed, and the connection still usable.

// rejFrame is a message of the co-editing protocol as the server sends
// it. The raw frame is kept for failure messages.
type rejFrame struct {
	Type    string      `json:"type"`
	Code    string      `json:"code"`
	Message string      `json:"message"`
	Doc     *int64      `json:"doc"`
	Version int         `json:"version"`
	Seq     int64       `json:"seq"`
	Text    string      `json:"text"`
	ID      int64       `json:"id"`
	Event   string      `json:"event"`
	Updates []rejUpdate `json:"updates"`
	// Messages are those a doc.peers message carries.
	Messages []json.RawMessage `json:"messages"`
	raw      string
}

// rejUpdate is one update of a doc.updates message.
type rejUpdate struct {
	ClientID string          `json:"clientID"`
	Changes  json.RawMessage `json:"changes"`
}

func (f rejFrame) String() string { return f.raw }

// rejRead reads the next message, waiting at most d.
func rejRead(ws *websocket.Conn, d time.Duration) (rejFrame, error) {
	var f rejFrame
	_ = ws.SetReadDeadline(time.Now().Add(d))
	_, data, err := ws.ReadMessage()
	if err != nil {
		return f, err
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return f, fmt.Errorf("websocket message %s: %w", data, err)
	}
	f.raw = string(data)
	return f, nil
}

// rejUTF16Len is the length of s in UTF-16 code units, as the protocol counts.
func rejUTF16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// rejDoc is the document a case works on, as it stood before the case.
type rejDoc struct {
	ID      int64
	Version int
	Len     int // in UTF-16 code units
}

// rejCase is one refused request.
type rejCase struct {
	name string
	// text is the document's first text; empty means rejDefaultText.
	text string
	// asStakeholder sends the request as a stakeholder, who may read only.
	asStakeholder bool
	// noJoin sends the request before the connection joined the document.
	noJoin bool
	// prepare runs after the join, before the document is measured.
	prepare func(t *testing.T, rig *rejRig)
	// frame is the refused message; it may hold bytes that are not UTF-8.
	frame func(d rejDoc) string
	// code and mention describe the error: its code, and words its message
	// must contain (case-insensitive).
	code    string
	mention []string
	// errDoc is the doc field the error must carry; nil means the case's
	// document, and a function returning 0 means none (or 0).
	errDoc func(d rejDoc) int64
	// leftOut says the connection is not in the document after the
	// refusal (it never joined, left, or its join was refused).
	leftOut bool
}

// rejDefaultText is a short draft mixing French and Arabic.
const rejDefaultText = "Étape 1 : accueil — الاستقبال"

// rejRig is what a case has at hand: the document, the connection that
// sends the refused message and a member's connection watching the
// document.
type rejRig struct {
	ts      *testServer
	docID   int64
	ws      *websocket.Conn
	watcher *websocket.Conn
	seq     int64 // last seq of the "prep" client
}

// noDocField says the error carries no doc field: the frame was refused
// before its document could be read.
func noDocField(rejDoc) int64 { return 0 }

// rejPush builds a doc.push frame with one update from client "bad".
func rejPush(d rejDoc, version, seq int, changes string) string {
	return fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":%d,"updates":[{"clientID":"bad","seq":%d,"changes":%s}]}`, d.ID, version, seq, changes)
}

// rejInsert is a valid change set inserting s at the start of a document
// of n units.
func rejInsert(s string, n int) string {
	js, _ := json.Marshal(s)
	if n == 0 {
		return fmt.Sprintf(`[[0,%s]]`, js)
	}
	return fmt.Sprintf(`[[0,%s],%d]`, js, n)
}

func rejCases() []rejCase {
	push := func(changes string) func(d rejDoc) string {
		return func(d rejDoc) string { return rejPush(d, d.Version, 1, changes) }
	}
	pushf := func(format string) func(d rejDoc) string {
		return func(d rejDoc) string { return rejPush(d, d.Version, 1, fmt.Sprintf(format, d.Len)) }
	}
	const emojiText = "a👋b" // a, high and low surrogate, b: 4 units
	return []rejCase{
		// Change sets that do not fit the document.
		{name: "PastTheEnd", frame: push(`[100,[0,"x"]]`), code: workspace.EINVALID, mention: []string{"length", "100"}},
		{name: "PastTheEndByOne", frame: func(d rejDoc) string {
			return rejPush(d, d.Version, 1, fmt.Sprintf(`[[0,"x"],%d]`, d.Len+1))
		}, code: workspace.EINVALID, mention: []string{"length"}},
		{name: "ShorterThanDocument", frame: push(`[2,[0,"x"]]`), code: workspace.EINVALID, mention: []string{"length"}},
		{name: "EmptyChangeSet", frame: push(`[]`), code: workspace.EINVALID, mention: []string{"length"}},
		{name: "NegativeLength", frame: pushf(`[-1,[0,"x"],%d]`), code: workspace.EINVALID, mention: []string{"change set", "negative length"}},
		{name: "NegativeDeletion", frame: pushf(`[[-3,"x"],%d]`), code: workspace.EINVALID, mention: []string{"change set", "negative length"}},
		{name: "FractionalLength", frame: push(`[1.5,[0,"x"],1.5]`), code: workspace.EINVALID, mention: []string{"change set", "integer"}},
		{name: "ExponentLength", frame: push(`[1e1,[0,"x"]]`), code: workspace.EINVALID, mention: []string{"change set", "integer"}},
		{name: "StringLength", frame: push(`["3",[0,"x"]]`), code: workspace.EINVALID, mention: []string{"change set"}},
		{name: "HugeLength", frame: push(`[99999999999999999999,[0,"x"]]`), code: workspace.EINVALID, mention: []string{"change set"}},

		// Frames that are not JSON, or JSON of the wrong shape.
		{name: "InvalidJSON", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":%d,"updates":[{"clientID":"bad","seq":1,"changes":[[0,"x"],`, d.ID, d.Version)
		}, code: workspace.EINVALID, mention: []string{"JSON"}, errDoc: noDocField},
		{name: "InvalidJSONInChanges", frame: push(`[[0,"x"]`), code: workspace.EINVALID, mention: []string{"JSON"}, errDoc: noDocField},
		{name: "ChangesString", frame: push(`"abc"`), code: workspace.EINVALID, mention: []string{"change set", "["}},
		{name: "ChangesObject", frame: push(`{"a":1}`), code: workspace.EINVALID, mention: []string{"change set", "["}},
		{name: "ChangesNull", frame: push(`null`), code: workspace.EINVALID, mention: []string{"change set"}},
		{name: "ChangesMissing", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":%d,"updates":[{"clientID":"bad","seq":1}]}`, d.ID, d.Version)
		}, code: workspace.EINVALID, mention: []string{"change set"}},
		{name: "UpdatesObject", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":%d,"updates":{"clientID":"bad"}}`, d.ID, d.Version)
		}, code: workspace.EINVALID, mention: []string{"doc.push", "format"}, errDoc: noDocField},
		{name: "VersionString", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":"%d","updates":[{"clientID":"bad","seq":1,"changes":%s}]}`, d.ID, d.Version, rejInsert("x", d.Len))
		}, code: workspace.EINVALID, mention: []string{"doc.push", "format"}, errDoc: noDocField},
		{name: "SeqFraction", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":%d,"updates":[{"clientID":"bad","seq":1.5,"changes":%s}]}`, d.ID, d.Version, rejInsert("x", d.Len))
		}, code: workspace.EINVALID, mention: []string{"doc.push", "format"}, errDoc: noDocField},

		// Text that is not well-formed UTF-16 once applied.
		{name: "InsertSplitsSurrogatePair", text: emojiText, frame: push(`[2,[0,"x"],2]`), code: workspace.EINVALID, mention: []string{"surrogate pair", "character in two"}},
		{name: "DeleteHighHalf", text: emojiText, frame: push(`[1,[1],2]`), code: workspace.EINVALID, mention: []string{"surrogate pair"}},
		{name: "DeleteLowHalf", text: emojiText, frame: push(`[2,[1],1]`), code: workspace.EINVALID, mention: []string{"surrogate pair"}},
		{name: "ReplaceHalfPair", text: emojiText, frame: push(`[1,[1,"x"],2]`), code: workspace.EINVALID, mention: []string{"surrogate pair"}},
		{name: "InvalidUTF8", frame: func(d rejDoc) string {
			return rejPush(d, d.Version, 1, fmt.Sprintf("[[0,\"\xff\xfe\"],%d]", d.Len))
		}, code: workspace.EINVALID, mention: []string{"UTF-8"}, errDoc: noDocField},
		{name: "InvalidUTF8OutsideChanges", frame: func(d rejDoc) string {
			return fmt.Sprintf("{\"type\":\"doc.push\",\"doc\":%d,\"version\":%d,\"updates\":[{\"clientID\":\"b\xc3\",\"seq\":1,\"changes\":%s}]}", d.ID, d.Version, rejInsert("x", d.Len))
		}, code: workspace.EINVALID, mention: []string{"UTF-8"}, errDoc: noDocField},
		{name: "LoneHighSurrogate", frame: pushf(`[[0,"\ud800"],%d]`), code: workspace.EINVALID, mention: []string{"lone surrogate"}},
		{name: "LoneLowSurrogate", frame: pushf(`[[0,"a\udc00"],%d]`), code: workspace.EINVALID, mention: []string{"lone surrogate"}},
		{name: "HighSurrogateThenText", frame: pushf(`[[0,"\ud83dx"],%d]`), code: workspace.EINVALID, mention: []string{"lone surrogate"}},
		{name: "SurrogatesSwapped", frame: pushf(`[[0,"\udc4b\ud83d"],%d]`), code: workspace.EINVALID, mention: []string{"lone surrogate"}},
		{name: "InsertCompletesPairAtBoundary", text: emojiText, frame: push(`[2,[0,"\ude00"],2]`), code: workspace.EINVALID, mention: []string{"surrogate"}},

		// Change sets not in CodeMirror's normal form.
		{name: "EmptyKeep", frame: pushf(`[0,[0,"x"],%d]`), code: workspace.EINVALID, mention: []string{"part 0", "empty"}},
		{name: "EmptyDeletion", frame: pushf(`[[0],[0,"x"],%d]`), code: workspace.EINVALID, mention: []string{"part 0", "empty"}},
		{name: "BareEmptyDeletion", frame: push(`[0]`), code: workspace.EINVALID, mention: []string{"part 0", "empty"}},
		{name: "EmptyInsertion", frame: pushf(`[[0,""],%d]`), code: workspace.EINVALID, mention: []string{"part 0", "empty"}},
		{name: "BareEmptyInsertion", frame: push(`[[0,""]]`), code: workspace.EINVALID, mention: []string{"part 0", "empty"}},
		{name: "TwoKeeps", frame: func(d rejDoc) string {
			return rejPush(d, d.Version, 1, fmt.Sprintf(`[1,%d]`, d.Len-1))
		}, code: workspace.EINVALID, mention: []string{"parts 0 and 1", "keep"}},
		{name: "TwoDeletions", frame: func(d rejDoc) string {
			return rejPush(d, d.Version, 1, fmt.Sprintf(`[[1],[1],%d]`, d.Len-2))
		}, code: workspace.EINVALID, mention: []string{"parts 0 and 1", "delete"}},
		{name: "TwoInsertionsAtOnePosition", frame: pushf(`[[0,"x"],[0,"y"],%d]`), code: workspace.EINVALID, mention: []string{"parts 0 and 1", "insert"}},

		// Documents that do not exist, or are not named.
		{name: "UnknownDocument", noJoin: true, frame: func(d rejDoc) string {
			return rejPush(rejDoc{ID: 987654321}, 0, 1, `[[0,"x"]]`)
		}, code: workspace.ENOTFOUND, mention: []string{"not found"}, errDoc: func(rejDoc) int64 { return 987654321 }, leftOut: true},
		{name: "JoinUnknownDocument", noJoin: true, frame: func(rejDoc) string {
			return `{"type":"doc.join","doc":987654321}`
		}, code: workspace.ENOTFOUND, mention: []string{"not found"}, errDoc: func(rejDoc) int64 { return 987654321 }, leftOut: true},
		{name: "DocumentString", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.push","doc":"%d","version":%d,"updates":[{"clientID":"bad","seq":1,"changes":%s}]}`, d.ID, d.Version, rejInsert("x", d.Len))
		}, code: workspace.EINVALID, mention: []string{"doc.push", "format"}, errDoc: noDocField},
		{name: "DocumentMissing", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.push","version":%d,"updates":[{"clientID":"bad","seq":1,"changes":%s}]}`, d.Version, rejInsert("x", d.Len))
		}, code: workspace.EINVALID, mention: []string{"document"}, errDoc: noDocField},
		{name: "DocumentNegative", frame: func(d rejDoc) string {
			return rejPush(rejDoc{ID: -d.ID}, d.Version, 1, rejInsert("x", d.Len))
		}, code: workspace.EINVALID, mention: []string{"document"}, errDoc: func(d rejDoc) int64 { return -d.ID }},
		{name: "UnknownMessageType", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.delete","doc":%d}`, d.ID)
		}, code: workspace.EINVALID, mention: []string{"unknown message type"}},

		// Versions the document never had, or no longer remembers.
		{name: "VersionMissing", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.push","doc":%d,"updates":[{"clientID":"bad","seq":1,"changes":%s}]}`, d.ID, rejInsert("x", d.Len))
		}, code: workspace.EINVALID, mention: []string{"version"}},
		{name: "VersionFromTheFuture", frame: func(d rejDoc) string {
			return rejPush(d, d.Version+1, 1, rejInsert("x", d.Len))
		}, code: workspace.EINVALID, mention: []string{"does not exist yet", "reload"}},
		{name: "VersionNegative", frame: func(d rejDoc) string {
			return rejPush(d, -1, 1, rejInsert("x", d.Len))
		}, code: workspace.EINVALID, mention: []string{"version -1", "count from 0"}},
		{name: "JoinVersionNegative", noJoin: true, frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.join","doc":%d,"version":-3}`, d.ID)
		}, code: workspace.EINVALID, mention: []string{"version -3", "count from 0"}, leftOut: true},
		{name: "PresenceVersionNegative", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.presence","doc":%d,"version":-1,"anchor":0,"head":0}`, d.ID)
		}, code: workspace.EINVALID, mention: []string{"version -1", "count from 0"}},
		{name: "VersionOlderThanHistory", prepare: rejAcceptUpdates(20), frame: func(d rejDoc) string {
			return rejPush(d, 1, 1, rejInsert("x", d.Len-19))
		}, code: workspace.ECONFLICT, mention: []string{"changed too much", "reload"}},
		{name: "JoinVersionFromTheFuture", noJoin: true, frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.join","doc":%d,"version":%d}`, d.ID, d.Version+5)
		}, code: workspace.EINVALID, mention: []string{"does not exist yet", "reload"}, leftOut: true},
		{name: "JoinVersionOlderThanHistory", noJoin: true, prepare: rejAcceptUpdates(20), frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.join","doc":%d,"version":1}`, d.ID)
		}, code: workspace.ECONFLICT, mention: []string{"changed too much", "reload"}, leftOut: true},
		// A refused join of a connection already in the document leaves it
		// there: it may go on pushing, and its leave is announced.
		{name: "RejoinVersionFromTheFuture", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.join","doc":%d,"version":%d}`, d.ID, d.Version+5)
		}, code: workspace.EINVALID, mention: []string{"does not exist yet", "reload"}},

		// Sequence numbers and client IDs.
		{name: "SeqZero", frame: func(d rejDoc) string { return rejPush(d, d.Version, 0, rejInsert("x", d.Len)) },
			code: workspace.EINVALID, mention: []string{"update 0", "sequence numbers", "positive"}},
		{name: "SeqNegative", frame: func(d rejDoc) string { return rejPush(d, d.Version, -4, rejInsert("x", d.Len)) },
			code: workspace.EINVALID, mention: []string{"update 0", "sequence numbers", "positive"}},
		{name: "SeqDecreasing", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":%d,"updates":[{"clientID":"bad","seq":2,"changes":%s},{"clientID":"bad","seq":1,"changes":%s}]}`,
				d.ID, d.Version, rejInsert("x", d.Len), rejInsert("y", d.Len+1))
		}, code: workspace.EINVALID, mention: []string{"update 1", "increasing"}},
		{name: "SeqRepeated", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":%d,"updates":[{"clientID":"bad","seq":1,"changes":%s},{"clientID":"bad","seq":1,"changes":%s}]}`,
				d.ID, d.Version, rejInsert("x", d.Len), rejInsert("y", d.Len+1))
		}, code: workspace.EINVALID, mention: []string{"update 1", "increasing"}},
		{name: "MixedClientIDs", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":%d,"updates":[{"clientID":"bad","seq":1,"changes":%s},{"clientID":"other","seq":2,"changes":%s}]}`,
				d.ID, d.Version, rejInsert("x", d.Len), rejInsert("y", d.Len+1))
		}, code: workspace.EINVALID, mention: []string{"update 1", "one client"}},
		{name: "ClientIDEmpty", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":%d,"updates":[{"clientID":"","seq":1,"changes":%s}]}`, d.ID, d.Version, rejInsert("x", d.Len))
		}, code: workspace.EINVALID, mention: []string{"clientID"}},
		{name: "ClientIDTooLong", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":%d,"updates":[{"clientID":"%s","seq":1,"changes":%s}]}`, d.ID, d.Version, strings.Repeat("c", collab.MaxClientIDLength+1), rejInsert("x", d.Len))
		}, code: workspace.EINVALID, mention: []string{"clientID", "64"}},
		// The second update of a push must apply after the first.
		{name: "SecondUpdateDoesNotFollow", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":%d,"updates":[{"clientID":"bad","seq":1,"changes":%s},{"clientID":"bad","seq":2,"changes":%s}]}`,
				d.ID, d.Version, rejInsert("x", d.Len), rejInsert("y", d.Len))
		}, code: workspace.EINVALID, mention: []string{"length"}},

		// Pushes too big for the limits (rejLimits).
		{name: "NoUpdates", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":%d,"updates":[]}`, d.ID, d.Version)
		}, code: workspace.EINVALID, mention: []string{"1 to 5 updates"}},
		{name: "UpdatesNull", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":%d,"updates":null}`, d.ID, d.Version)
		}, code: workspace.EINVALID, mention: []string{"1 to 5 updates"}},
		{name: "TooManyUpdates", frame: func(d rejDoc) string {
			var ups []string
			for i := range rejLimits.MaxUpdatesPerPush + 1 {
				ups = append(ups, fmt.Sprintf(`{"clientID":"bad","seq":%d,"changes":%s}`, i+1, rejInsert("x", d.Len+i)))
			}
			return fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":%d,"updates":[%s]}`, d.ID, d.Version, strings.Join(ups, ","))
		}, code: workspace.EINVALID, mention: []string{"1 to 5 updates"}},
		{name: "DocumentTooLarge", frame: func(d rejDoc) string {
			return rejPush(d, d.Version, 1, rejInsert(strings.Repeat("é", rejLimits.MaxDocumentUnits-d.Len+1), d.Len))
		}, code: workspace.EINVALID, mention: []string{"document", "too large"}},
		{name: "DocumentTooLargeOverUpdates", frame: func(d rejDoc) string {
			half := (rejLimits.MaxDocumentUnits-d.Len)/2 + 1
			return fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":%d,"updates":[{"clientID":"bad","seq":1,"changes":%s},{"clientID":"bad","seq":2,"changes":%s}]}`,
				d.ID, d.Version, rejInsert(strings.Repeat("a", half), d.Len), rejInsert(strings.Repeat("b", half), d.Len+half))
		}, code: workspace.EINVALID, mention: []string{"document", "too large"}},

		// Requests out of turn or out of bounds.
		{name: "PushBeforeJoin", noJoin: true, frame: func(d rejDoc) string { return rejPush(d, d.Version, 1, rejInsert("x", d.Len)) },
			code: workspace.EINVALID, mention: []string{"join the document first"}, leftOut: true},
		{name: "PresenceBeforeJoin", noJoin: true, frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.presence","doc":%d,"version":%d,"anchor":0,"head":1}`, d.ID, d.Version)
		}, code: workspace.EINVALID, mention: []string{"join the document first"}, leftOut: true},
		{name: "PushAfterLeave", prepare: func(t *testing.T, rig *rejRig) {
			testsupport.SendText(t, rig.ws, fmt.Sprintf(`{"type":"doc.leave","doc":%d}`, rig.docID))
			// The watcher hears of the leave once the room has handled it.
			rejAwait(t, rig.watcher, "the leave", func(f rejFrame) bool { return f.Type == "doc.peer" && f.Event == "leave" })
		}, frame: func(d rejDoc) string { return rejPush(d, d.Version, 1, rejInsert("x", d.Len)) },
			code: workspace.EINVALID, mention: []string{"join the document first"}, leftOut: true},
		{name: "StakeholderPush", asStakeholder: true, frame: func(d rejDoc) string { return rejPush(d, d.Version, 1, rejInsert("x", d.Len)) },
			code: workspace.EFORBIDDEN, mention: []string{"read", "not edit"}},
		{name: "PresenceAnchorOutOfRange", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.presence","doc":%d,"version":%d,"anchor":%d,"head":0}`, d.ID, d.Version, rejLimits.MaxDocumentUnits+1)
		}, code: workspace.EINVALID, mention: []string{"selection", "out of range"}},
		{name: "PresenceHeadOutOfRange", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.presence","doc":%d,"version":%d,"anchor":0,"head":%d}`, d.ID, d.Version, 1<<40)
		}, code: workspace.EINVALID, mention: []string{"selection", "out of range"}},
		{name: "PresenceNegative", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.presence","doc":%d,"version":%d,"anchor":-1,"head":0}`, d.ID, d.Version)
		}, code: workspace.EINVALID, mention: []string{"anchor", "0 or more"}},
		{name: "PresenceVersionFromTheFuture", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.presence","doc":%d,"version":%d,"anchor":0,"head":0}`, d.ID, d.Version+1)
		}, code: workspace.EINVALID, mention: []string{"out of range"}},
		{name: "PresenceMissingHead", frame: func(d rejDoc) string {
			return fmt.Sprintf(`{"type":"doc.presence","doc":%d,"version":%d,"anchor":0}`, d.ID, d.Version)
		}, code: workspace.EINVALID, mention: []string{"head"}},
	}
}

// rejLimits are small limits, so that the cases can exceed them cheaply.
var rejLimits = collab.Limits{MaxDocumentUnits: 300, MaxUpdatesPerPush: 5, HistoryKeep: 5}

// rejMaxMessage is the message size limit of the test server.
const rejMaxMessage = 8 << 10

// rejAcceptUpdates returns a prepare step that makes n accepted updates,
// one push each, so that the history kept (5) no longer reaches version 1.
func rejAcceptUpdates(n int) func(t *testing.T, rig *rejRig) {
	return func(t *testing.T, rig *rejRig) {
		t.Helper()
		ctx := context.Background()
		for range n {
			text, version, err := rig.ts.collab.Text(ctx, rig.docID)
			if err != nil {
				t.Fatal(err)
			}
			rig.seq++
			rejMustPush(t, rig.watcher, rig.docID, version, "prep", rig.seq, rejInsert("p", rejUTF16Len(text)))
		}
	}
}

// rejMustPush pushes one update on ws, which has joined the document, and
// waits for its acknowledgement, failing the test unless the update is
// accepted as is at version+1.
func rejMustPush(t *testing.T, ws *websocket.Conn, docID int64, version int, clientID string, seq int64, changes string) {
	t.Helper()
	testsupport.SendText(t, ws, fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":%d,"updates":[{"clientID":%q,"seq":%d,"changes":%s}]}`, docID, version, clientID, seq, changes))
	sawUpdate := false
	for {
		f, err := rejRead(ws, 5*time.Second)
		if err != nil {
			t.Fatalf("push %s/%d: %v", clientID, seq, err)
		}
		switch f.Type {
		case "doc.updates":
			if f.Version == version && len(f.Updates) == 1 && f.Updates[0].ClientID == clientID {
				sawUpdate = true
			}
		case "doc.pushed":
			if !sawUpdate || f.Version != version+1 || f.Seq != seq {
				t.Fatalf("push %s/%d: got %s (update seen: %v), want doc.pushed at version %d after the doc.updates", clientID, seq, f, sawUpdate, version+1)
			}
			return
		case "error":
			t.Fatalf("push %s/%d: refused: %s", clientID, seq, f)
		}
	}
}

// rejJoin joins the document on ws and returns its doc.state.
func rejJoin(t *testing.T, ws *websocket.Conn, docID int64) rejFrame {
	t.Helper()
	testsupport.SendText(t, ws, fmt.Sprintf(`{"type":"doc.join","doc":%d}`, docID))
	return rejAwait(t, ws, "doc.state", func(f rejFrame) bool { return f.Type == "doc.state" })
}

// rejAwait reads until a message matches, failing on an error message or
// after 5 seconds.
func rejAwait(t *testing.T, ws *websocket.Conn, what string, match func(rejFrame) bool) rejFrame {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		f, err := rejRead(ws, time.Until(deadline))
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if match(f) {
			return f
		}
		for _, raw := range f.Messages {
			var sub rejFrame
			if err := json.Unmarshal(raw, &sub); err != nil {
				t.Fatalf("in %s: %v", f, err)
			}
			sub.raw = string(raw)
			if match(sub) {
				return sub
			}
		}
		if f.Type == "error" {
			t.Fatalf("waiting for %s: got %s", what, f)
		}
	}
}

// rejState is what a document is, in the server's memory and in the store.
type rejState struct {
	text    string
	version int
	stored  int // document version in the store
	updates int // update rows in the store
	seqs    string
}

// rejStateOf returns the document's state, failing the test unless the
// server's text is the one the store rebuilds.
func rejStateOf(t *testing.T, ts *testServer, docID int64) rejState {
	t.Helper()
	ctx := context.Background()
	var s rejState
	var err error
	if s.text, s.version, err = ts.collab.Text(ctx, docID); err != nil {
		t.Fatalf("documentText: %v", err)
	}
	doc, err := ts.db.FindDocumentByID(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	s.stored = doc.Version
	ups, err := ts.db.FindDocumentUpdates(ctx, docID, 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	s.updates = len(ups)
	seqs, err := ts.db.LastClientSeqs(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	s.seqs = fmt.Sprint(seqs)
	stored, version, err := ts.db.LoadDocumentText(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.String() != s.text || version != s.version {
		t.Fatalf("document %d: the server holds %q at version %d, the store %q at version %d", docID, s.text, s.version, stored.String(), version)
	}
	return s
}

// TestCollabChangesRejected sends each refused request on a connection
// that (usually) joined a fresh document watched by another member, and
// checks the error, that the document is unchanged in memory and in the
// store, that the watcher heard nothing of it, and that the connection
// still works: a valid push is accepted, and closing it is announced.
func TestCollabChangesRejected(t *testing.T) {
	ts := newTestServerWith(t, func(c *server.Config) {
		c.MaxMessageBytes = rejMaxMessage
		c.Collab = rejLimits
	})
	ctx := context.Background()
	member := ts.loginAs(t, demo.MemberEmail)
	watcherClient := ts.loginAs(t, "hela.jaziri@demo.tn")
	stakeholder := ts.loginAs(t, demo.StakeholderEmail)

	newDoc := func(t *testing.T, text string) int64 {
		t.Helper()
		p := &workspace.Procedure{Title: "Parcours " + t.Name(), Language: "fr", Category: workspace.CategoryOther}
		if err := ts.db.CreateProcedure(ctx, workspace.SystemActor("test"), p, text); err != nil {
			t.Fatalf("CreateProcedure: %v", err)
		}
		return p.DocumentID
	}

	t.Run("Anonymous", func(t *testing.T) {
		docID := newDoc(t, rejDefaultText)
		before := rejStateOf(t, ts, docID)
		ws, resp, err := testsupport.NewBrowser(t, ts.URL).DialLive(t, "en")
		if err == nil {
			// Were the upgrade granted, the push would have to be refused.
			testsupport.SendText(t, ws, rejPush(rejDoc{ID: docID}, 0, 1, rejInsert("x", rejUTF16Len(rejDefaultText))))
			t.Fatal("dial without a session: upgraded, want 401")
		}
		if resp == nil || resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("dial without a session: %v (response %v), want 401", err, resp)
		}
		if after := rejStateOf(t, ts, docID); after != before {
			t.Fatalf("document changed: %+v, want %+v", after, before)
		}
	})

	for _, tc := range rejCases() {
		t.Run(tc.name, func(t *testing.T) {
			text := tc.text
			if text == "" {
				text = rejDefaultText
			}
			docID := newDoc(t, text)
			rig := &rejRig{ts: ts, docID: docID, watcher: watcherClient.MustDialLive(t)}
			rejJoin(t, rig.watcher, docID)
			editor := member
			if tc.asStakeholder {
				editor = stakeholder
			}
			rig.ws = editor.MustDialLive(t)
			if !tc.noJoin {
				rejJoin(t, rig.ws, docID)
			}
			if tc.prepare != nil {
				tc.prepare(t, rig)
			}
			before := rejStateOf(t, ts, docID)
			d := rejDoc{ID: docID, Version: before.version, Len: rejUTF16Len(before.text)}

			testsupport.SendText(t, rig.ws, tc.frame(d))
			var got rejFrame
			for {
				f, err := rejRead(rig.ws, 5*time.Second)
				if err != nil {
					t.Fatalf("waiting for the refusal: %v", err)
				}
				if f.Type == "doc.updates" && f.Version+len(f.Updates) <= before.version {
					continue // an update of the preparation
				}
				if f.Type == "doc.updates" || f.Type == "doc.pushed" || f.Type == "doc.state" || f.Type == "doc.joined" {
					t.Fatalf("got %s, want an error", f)
				}
				if f.Type == "error" {
					got = f
					break
				}
			}
			if got.Code != tc.code {
				t.Errorf("error code %q, want %q (%s)", got.Code, tc.code, got)
			}
			for _, word := range tc.mention {
				if !strings.Contains(strings.ToLower(got.Message), strings.ToLower(word)) {
					t.Errorf("error message %q does not mention %q", got.Message, word)
				}
			}
			wantDoc := docID
			if tc.errDoc != nil {
				wantDoc = tc.errDoc(d)
			}
			switch {
			case wantDoc == 0 && got.Doc != nil && *got.Doc != 0:
				t.Errorf("error names document %d, want none (%s)", *got.Doc, got)
			case wantDoc != 0 && (got.Doc == nil || *got.Doc != wantDoc):
				t.Errorf("error %s, want it to name document %d", got, wantDoc)
			}
			if after := rejStateOf(t, ts, docID); after != before {
				t.Fatalf("document changed: %+v, want %+v", after, before)
			}

			// The connection goes on working: a valid push is accepted.
			if tc.leftOut {
				rejJoin(t, rig.ws, docID)
			}
			pusher := rig.ws
			if tc.asStakeholder {
				// A stakeholder still reads: it hears the watcher's push.
				pusher = rig.watcher
				testsupport.SendText(t, rig.ws, `{"type":"ping","id":42}`)
				rejAwait(t, rig.ws, "pong", func(f rejFrame) bool { return f.Type == "pong" && f.ID == 42 })
			}
			rejMustPush(t, pusher, docID, before.version, "good", 1, rejInsert("✓", d.Len))
			after := rejStateOf(t, ts, docID)
			if want := "✓" + before.text; after.text != want || after.version != before.version+1 || after.updates != before.updates+1 {
				t.Fatalf("after a valid push: %+v, want text %q at version %d", after, want, before.version+1)
			}
			// The other member of the document heard nothing of the refused
			// message: the next update it sees is the valid one.
			other := rig.watcher
			if pusher == rig.watcher {
				other = rig.ws
			}
			rejAwait(t, other, "the valid update", func(f rejFrame) bool {
				if f.Type == "doc.presence" || f.Type == "doc.updates" && f.Version >= before.version && (len(f.Updates) != 1 || f.Updates[0].ClientID != "good") {
					t.Fatalf("the other connection got %s, want only the valid update", f)
				}
				return f.Type == "doc.updates" && f.Version == before.version
			})

			// Leaving still works and is announced: the refusal left the
			// room's view of the connection intact.
			rig.ws.Close()
			rejAwait(t, rig.watcher, "the leave", func(f rejFrame) bool { return f.Type == "doc.peer" && f.Event == "leave" })
		})
	}

	t.Run("OversizedMessage", func(t *testing.T) {
		docID := newDoc(t, rejDefaultText)
		big := member.MustDialLive(t)
		other := watcherClient.MustDialLive(t)
		rejJoin(t, big, docID)
		rejJoin(t, other, docID)
		n := rejUTF16Len(rejDefaultText)

		// A push of exactly the limit, padded with JSON whitespace, is
		// accepted: the limit is what closes the next one.
		pad := func(size int) string {
			msg := rejPush(rejDoc{ID: docID}, 0, 1, rejInsert("x", n))
			return msg[:len(msg)-1] + strings.Repeat(" ", size-len(msg)) + "}"
		}
		atLimit := pad(rejMaxMessage)
		if len(atLimit) != rejMaxMessage {
			t.Fatalf("message of %d bytes, want %d", len(atLimit), rejMaxMessage)
		}
		testsupport.SendText(t, big, atLimit)
		rejAwait(t, big, "doc.pushed", func(f rejFrame) bool { return f.Type == "doc.pushed" && f.Version == 1 })
		before := rejStateOf(t, ts, docID)
		if before.text != "x"+rejDefaultText {
			t.Fatalf("text %q after the push at the limit", before.text)
		}

		over := rejPush(rejDoc{ID: docID}, 1, 2, rejInsert("y", n+1))
		over = over[:len(over)-1] + strings.Repeat(" ", rejMaxMessage+1-len(over)) + "}"
		testsupport.SendText(t, big, over)
		ce, seen := testsupport.ExpectClose(t, big, 5*time.Second)
		if ce.Code != websocket.CloseMessageTooBig {
			t.Fatalf("close code %d, want %d", ce.Code, websocket.CloseMessageTooBig)
		}
		for _, data := range seen {
			var m struct{ Type string }
			if err := json.Unmarshal(data, &m); err != nil || (m.Type != "doc.updates" && m.Type != "doc.peer") {
				t.Errorf("before the close: %s", data)
			}
		}
		// The other connection hears the leave, and nothing of the push.
		rejAwait(t, other, "the leave", func(f rejFrame) bool {
			if f.Type == "doc.updates" && f.Version >= 1 {
				t.Fatalf("the other connection got %s", f)
			}
			return f.Type == "doc.peer" && f.Event == "leave"
		})
		if after := rejStateOf(t, ts, docID); after != before {
			t.Fatalf("document changed: %+v, want %+v", after, before)
		}
		rejMustPush(t, other, docID, 1, "other", 1, rejInsert("z", n+1))
		if after := rejStateOf(t, ts, docID); after.text != "zx"+rejDefaultText || after.version != 2 {
			t.Fatalf("after the other's push: %+v", after)
		}
		// The closed connection's peer is really gone: the room closes
		// when the last one leaves, and the store has the final text.
		other.Close()
		deadline := time.Now().Add(5 * time.Second)
		for {
			open := ts.collab.RoomOpen(docID)
			if !open {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the room is still open after everyone left")
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}
