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
	cases := []wsCase{
		{name: "Ping", msgType: "ping", message: func(int64, int, int) string { return `{"type":"ping","id":1}` }, want: pong},
		{name: "SubscribeTable", msgType: "subscribe", message: func(int64, int, int) string { return `{"type":"subscribe","topic":"table"}` },
			want: [4]string{"subscribed", "subscribed", "subscribed", "subscribed"}},
		{name: "SubscribeAudit", msgType: "subscribe", message: func(int64, int, int) string { return `{"type":"subscribe","topic":"audit"}` },
			want: [4]string{"error:forbidden", "error:forbidden", "subscribed", "subscribed"}},
		{name: "SubscribeUnknown", msgType: "subscribe", message: func(int64, int, int) string { return `{"type":"subscribe","topic":"nowhere"}` },
			want: [4]string{"error:not_found", "error:not_found", "error:not_found", "error:not_found"}},
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
