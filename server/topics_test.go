package server

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
)

// topicRoles are the roles of TestTopicAuthorisation, in the order of its
// expectations, with a demo account of each.
var topicRoles = []struct {
	role  workspace.Role
	email string
}{
	{workspace.RoleAdmin, demo.AdminEmail},
	{workspace.RoleSecretariat, demo.SecretariatEmail},
	{workspace.RoleMember, demo.MemberEmail},
	{workspace.RoleStakeholder, demo.StakeholderEmail},
}

// topicAnswer is what a subscription gets: "subscribed", or the code of
// the error.
type topicAnswer = string

const (
	topicOK        topicAnswer = "subscribed"
	topicForbidden topicAnswer = workspace.EFORBIDDEN
	topicNotFound  topicAnswer = workspace.ENOTFOUND
)

// topicSubscribe sends a subscription and returns its answer, skipping
// events of topics already followed.
func topicSubscribe(t *testing.T, ws *websocket.Conn, topic string) topicAnswer {
	t.Helper()
	testsupport.SendText(t, ws, `{"type":"subscribe","topic":"`+topic+`"}`)
	for {
		m, err := wsRead(ws, 5*time.Second)
		if err != nil {
			t.Fatalf("subscribe %s: %v", topic, err)
		}
		switch m.Type {
		case "subscribed":
			return topicOK
		case "error":
			if m.Topic != topic {
				t.Fatalf("subscribe %s: error about %q: %v", topic, m.Topic, m)
			}
			return m.Code
		}
	}
}

// TestTopicAuthorisation subscribes every role to every kind of live topic
// the server registers, and checks the answer against the rule of the
// kind, which reads the store; a kind without a row here fails the test.
// Then it changes an account's role and checks, on the same connection,
// that its subscriptions are decided again at once: a topic it may no
// longer follow is ended, one it may now follow is granted.
func TestTopicAuthorisation(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	proc := &workspace.Procedure{Title: "Parcours de test des sujets", Language: "fr", Category: workspace.CategoryOther}
	if err := ts.db.CreateProcedure(ctx, workspace.SystemActor("test"), proc, "Brouillon"); err != nil {
		t.Fatal(err)
	}
	minutes, err := ts.db.CreateDocument(ctx, workspace.DocumentMinutes, "Procès-verbal")
	if err != nil {
		t.Fatal(err)
	}
	draftTopic := "document:" + strconv.FormatInt(proc.DocumentID, 10)
	minutesTopic := "document:" + strconv.FormatInt(minutes, 10)
	// A live meeting: members, the secretariat and admins follow it,
	// invited or not; stakeholders do not, and learn nothing of which
	// meetings exist.
	roomTopic := newRoomMeeting(t, ts, nil, true).topic()
	// An issue: every account reads the tracker, stakeholders too. An
	// inbox: only its own account follows it, and another's is refused
	// whether that account exists or not.
	issueTopicName := "issue:" + strconv.FormatInt(newLiveIssue(t, ts, "Problème de test des sujets").ID, 10)
	inboxOf := func(email string) string { return "inbox:" + strconv.FormatInt(ts.account(t, email).ID, 10) }
	// A poll: members, the secretariat and admins follow it; stakeholders
	// do not, and learn nothing of which polls exist.
	pollTopicName := "poll:" + strconv.FormatInt(newLivePoll(t, ts, newRoomMeeting(t, ts, nil, true), workspace.BallotSecret, true).ID, 10)

	// Per kind, the topics to try and the answer of each role, in the
	// order of topicRoles.
	rows := map[string][]struct {
		topic string
		want  [4]topicAnswer
	}{
		"table": {{"table", [4]topicAnswer{topicOK, topicOK, topicOK, topicOK}}},
		"audit": {{"audit", [4]topicAnswer{topicOK, topicOK, topicForbidden, topicForbidden}}},
		"document": {
			{draftTopic, [4]topicAnswer{topicOK, topicOK, topicOK, topicOK}},
			{minutesTopic, [4]topicAnswer{topicOK, topicOK, topicOK, topicForbidden}},
			{"document:999999", [4]topicAnswer{topicNotFound, topicNotFound, topicNotFound, topicNotFound}},
		},
		"meeting": {
			{roomTopic, [4]topicAnswer{topicOK, topicOK, topicOK, topicForbidden}},
			{"meeting:999999", [4]topicAnswer{topicNotFound, topicNotFound, topicNotFound, topicForbidden}},
		},
		"issue": {
			{issueTopicName, [4]topicAnswer{topicOK, topicOK, topicOK, topicOK}},
			{"issue:999999", [4]topicAnswer{topicNotFound, topicNotFound, topicNotFound, topicNotFound}},
		},
		"inbox": {
			{inboxOf(demo.AdminEmail), [4]topicAnswer{topicOK, topicForbidden, topicForbidden, topicForbidden}},
			{inboxOf(demo.SecretariatEmail), [4]topicAnswer{topicForbidden, topicOK, topicForbidden, topicForbidden}},
			{inboxOf(demo.MemberEmail), [4]topicAnswer{topicForbidden, topicForbidden, topicOK, topicForbidden}},
			{inboxOf(demo.StakeholderEmail), [4]topicAnswer{topicForbidden, topicForbidden, topicForbidden, topicOK}},
			{"inbox:999999", [4]topicAnswer{topicForbidden, topicForbidden, topicForbidden, topicForbidden}},
		},
		"poll": {
			{pollTopicName, [4]topicAnswer{topicOK, topicOK, topicOK, topicForbidden}},
			{"poll:999999", [4]topicAnswer{topicNotFound, topicNotFound, topicNotFound, topicForbidden}},
		},
	}
	for _, kind := range ts.srv.Hub().Kinds() {
		if _, ok := rows[kind]; !ok {
			t.Errorf("topic kind %q has no row in TestTopicAuthorisation", kind)
		}
	}
	for i, r := range topicRoles {
		t.Run(string(r.role), func(t *testing.T) {
			ws := mustDialWS(t, ts.sessionClient(t, r.email))
			for kind, topics := range rows {
				for _, row := range topics {
					if got := topicSubscribe(t, ws, row.topic); got != row.want[i] {
						t.Errorf("%s subscribes to %s (%s): %s, want %s", r.role, row.topic, kind, got, row.want[i])
					}
				}
			}
			// A message about a document goes through the same rule.
			testsupport.SendText(t, ws, fmt.Sprintf(`{"type":"doc.join","doc":%d}`, minutes))
			want := map[bool]string{true: "doc.state", false: "error:" + workspace.EFORBIDDEN}[rows["document"][1].want[i] == topicOK]
			if got := wsAnswer(t, ws); got != want {
				t.Errorf("%s joins the minutes: %s, want %s", r.role, got, want)
			}
		})
	}

	t.Run("RoleChange", func(t *testing.T) {
		member := ts.loginAs(t, demo.MemberEmail)
		ws := mustDialWS(t, member)
		wsSubscribe(t, ws, minutesTopic)
		wsSubscribe(t, ws, draftTopic)
		if got := topicSubscribe(t, ws, "audit"); got != topicForbidden {
			t.Fatalf("a member subscribes to audit: %s", got)
		}
		admin := ts.loginAs(t, demo.AdminEmail)
		acc := ts.account(t, demo.MemberEmail)
		setRole := func(role workspace.Role) {
			t.Helper()
			resp := admin.postForm(t, "/admin/accounts/"+strconv.FormatInt(acc.ID, 10), url.Values{
				"name": {acc.Name}, "email": {acc.Email}, "organisation_id": {strconv.FormatInt(acc.OrganisationID, 10)},
				"role": {string(role)}, "language": {acc.Language}, "active": {"on"},
			})
			wantRedirect(t, "change role to "+string(role), resp, "/admin/accounts?done=account_saved")
		}

		// Demoted to stakeholder: the minutes are ended at once, the draft
		// stays followed, and the connection stays open.
		setRole(workspace.RoleStakeholder)
		for {
			m, err := wsRead(ws, 5*time.Second)
			if err != nil {
				t.Fatalf("waiting for the end of the minutes topic: %v", err)
			}
			if m.Type == "error" {
				if m.Code != workspace.EFORBIDDEN || m.Topic != minutesTopic {
					t.Fatalf("after the demotion: %v, want a forbidden error on %s", m, minutesTopic)
				}
				break
			}
		}
		if got := topicSubscribe(t, ws, draftTopic); got != topicOK {
			t.Errorf("the demoted account subscribes to the draft: %s", got)
		}
		if got := topicSubscribe(t, ws, minutesTopic); got != topicForbidden {
			t.Errorf("the demoted account subscribes to the minutes: %s", got)
		}

		// Promoted to the secretariat: the audit topic is granted on the
		// same connection.
		setRole(workspace.RoleSecretariat)
		if got := topicSubscribe(t, ws, "audit"); got != topicOK {
			t.Errorf("the promoted account subscribes to audit: %s", got)
		}
		if got := topicSubscribe(t, ws, minutesTopic); got != topicOK {
			t.Errorf("the promoted account subscribes to the minutes: %s", got)
		}
	})
}

// TestWebsocketErrorsTranslated checks that errors on the live channel are
// written in the language of the page that opened it, as the page's own
// errors are.
func TestWebsocketErrorsTranslated(t *testing.T) {
	ts := newTestServer(t)
	member := ts.sessionClient(t, demo.MemberEmail)
	for _, tt := range []struct{ lang, unknown, notText string }{
		{"fr", "Sujet inconnu.", "Les messages doivent être des trames texte JSON."},
		{"ar", "موضوع غير معروف.", "يجب أن تكون الرسائل إطارات نصية بصيغة JSON."},
		{"en", "Unknown topic.", "Messages must be JSON text frames."},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			ws, _, err := dialWSPath(t, member, ts.URL, "/ws?lang="+tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			testsupport.SendText(t, ws, `{"type":"subscribe","topic":"nowhere"}`)
			if m, err := wsRead(ws, 5*time.Second); err != nil || m.Message != tt.unknown {
				t.Errorf("unknown topic: %v, %v; want %q", m, err, tt.unknown)
			}
			if err := ws.WriteMessage(websocket.BinaryMessage, []byte(`{}`)); err != nil {
				t.Fatal(err)
			}
			if m, err := wsRead(ws, 5*time.Second); err != nil || m.Message != tt.notText {
				t.Errorf("binary frame: %v, %v; want %q", m, err, tt.notText)
			}
		})
	}
}
