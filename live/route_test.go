package live

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tawla/workspace"
)

// echoHandler is a Handler of "note." messages about notes: it echoes each
// message it is handed, with the account and entity the hub gave it, and
// counts the connections that ended.
type echoHandler struct {
	mu   sync.Mutex
	gone int
}

type noteMessage struct {
	Note int64  `json:"note"`
	Text string `json:"text"`
}

func (h *echoHandler) Decode(msgType string, data []byte) (int64, any, error) {
	var m noteMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return 0, nil, workspace.Errorf(workspace.EINVALID, "not a note message")
	}
	if m.Text == "" {
		return m.Note, nil, workspace.Errorf(workspace.EINVALID, "a note needs text")
	}
	return m.Note, m, nil
}

func (h *echoHandler) Handle(_ context.Context, p *Peer, acc *workspace.Account, msgType string, id int64, msg any) {
	reply, _ := json.Marshal(map[string]any{"type": "note.echo", "about": msgType, "note": id, "account": acc.ID, "text": msg.(noteMessage).Text})
	p.Send(reply)
}

func (h *echoHandler) PeerGone(*Peer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.gone++
}

func (h *echoHandler) goneCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.gone
}

// TestHubRoutesMessages checks the one path of a routed message: decoded
// by its kind's handler, authorised by its kind's rule for the entity it
// names with the account as it is now, then handed over; a refusal at any
// step answers with the message type and the entity, and hands nothing.
func TestHubRoutesMessages(t *testing.T) {
	hub := NewHub(nil)
	handler := &echoHandler{}
	var mu sync.Mutex
	role := workspace.RoleMember
	hub.HandleKind("note", Kind{
		Entity: true,
		Authorize: func(_ context.Context, acc *workspace.Account, id int64) error {
			switch {
			case id == 13:
				return workspace.Errorf(workspace.ENOTFOUND, "no note 13")
			case id == 7 && acc.Role != workspace.RoleSecretariat:
				return workspace.Errorf(workspace.EFORBIDDEN, "secretariat only")
			}
			return nil
		},
		MessagePrefix: "note.",
		IDField:       "note",
		Handler:       handler,
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		hub.Serve(r.Context(), ws, ConnInfo{SessionID: "s1", AccountID: 5, Account: func(context.Context) (*workspace.Account, error) {
			mu.Lock()
			defer mu.Unlock()
			return &workspace.Account{ID: 5, Role: role, Active: true}, nil
		}})
	}))
	defer srv.Close()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}

	answer := func(msg string) map[string]any {
		t.Helper()
		send(t, ws, msg)
		_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, data, err := ws.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, tt := range []struct {
		name, msg, wantType, wantCode string
		wantNote                      float64
	}{
		{"Handled", `{"type":"note.add","note":3,"text":"مرحبا"}`, "note.echo", "", 3},
		{"Malformed", `{"type":"note.add","note":"three"}`, "error", workspace.EINVALID, 0},
		{"RefusedByDecode", `{"type":"note.add","note":4}`, "error", workspace.EINVALID, 4},
		{"UnknownEntity", `{"type":"note.add","note":13,"text":"x"}`, "error", workspace.ENOTFOUND, 13},
		{"Forbidden", `{"type":"note.add","note":7,"text":"x"}`, "error", workspace.EFORBIDDEN, 7},
		{"PrefixOnly", `{"type":"note.","note":3,"text":"x"}`, "error", workspace.EINVALID, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := answer(tt.msg)
			if m["type"] != tt.wantType || (tt.wantCode != "" && m["code"] != tt.wantCode) {
				t.Fatalf("got %v, want type %s code %s", m, tt.wantType, tt.wantCode)
			}
			if tt.wantType == "error" && tt.name != "PrefixOnly" && (m["about"] != "note.add" || m["note"] != tt.wantNote) {
				t.Errorf("error %v does not name the message and note %v", m, tt.wantNote)
			}
			if tt.wantType == "note.echo" && (m["account"] != float64(5) || m["note"] != tt.wantNote || m["text"] != "مرحبا") {
				t.Errorf("handed %v", m)
			}
		})
	}

	// The rule sees the account as it is now: promoted, the same
	// connection may write about note 7.
	mu.Lock()
	role = workspace.RoleSecretariat
	mu.Unlock()
	if m := answer(`{"type":"note.add","note":7,"text":"x"}`); m["type"] != "note.echo" {
		t.Fatalf("after the promotion: %v", m)
	}

	ws.Close()
	deadline := time.Now().Add(5 * time.Second)
	for handler.goneCount() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("PeerGone called %d times, want 1", handler.goneCount())
		}
		time.Sleep(5 * time.Millisecond)
	}
	hub.Shutdown(context.Background())
}

// TestKindSubscribed checks that a kind's Subscribed hook runs after a
// granted subscription, once its "subscribed" reply is queued, with the
// account the rule saw, and that a refused subscription does not run it.
func TestKindSubscribed(t *testing.T) {
	hub := NewHub(nil)
	hub.HandleKind("board", Kind{
		Entity: true,
		Authorize: func(_ context.Context, _ *workspace.Account, id int64) error {
			if id == 2 {
				return workspace.Errorf(workspace.EFORBIDDEN, "not board 2")
			}
			return nil
		},
		Subscribed: func(_ context.Context, p *Peer, acc *workspace.Account, id int64) {
			data, _ := json.Marshal(map[string]any{"type": "board.state", "board": id, "account": acc.ID})
			p.Send(data)
		},
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		hub.Serve(r.Context(), ws, ConnInfo{SessionID: "s1", AccountID: 8, Account: func(context.Context) (*workspace.Account, error) {
			return &workspace.Account{ID: 8, Role: workspace.RoleMember, Active: true}, nil
		}})
	}))
	defer srv.Close()
	defer hub.Shutdown(context.Background())
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	read := func() map[string]any {
		t.Helper()
		_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, data, err := ws.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	send(t, ws, `{"type":"subscribe","topic":"board:1"}`)
	if m := read(); m["type"] != "subscribed" {
		t.Fatalf("first answer %v, want subscribed", m)
	}
	if m := read(); m["type"] != "board.state" || m["board"] != float64(1) || m["account"] != float64(8) {
		t.Fatalf("second answer %v, want the board's state for account 8", m)
	}
	send(t, ws, `{"type":"subscribe","topic":"board:2"}`)
	if m := read(); m["type"] != "error" || m["code"] != workspace.EFORBIDDEN {
		t.Fatalf("refused subscription: %v", m)
	}
	send(t, ws, `{"type":"ping","id":3}`)
	if m := read(); m["type"] != "pong" {
		t.Fatalf("after a refused subscription: %v, want the pong (no state)", m)
	}
}
