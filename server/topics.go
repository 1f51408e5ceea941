package server

import (
	"context"
	"net/http"

	"tawla/collab"
	"tawla/live"
	"tawla/meeting"
	"tawla/workspace"
)

// The live topics that name no entity.
var (
	// topicTable carries changes to the table's composition: organisations
	// and people.
	topicTable = live.Topic{Kind: "table"}
	// topicAudit carries a notice of every change, for the audit log.
	topicAudit = live.Topic{Kind: "audit"}
)

// registerTopics gives the hub every kind of live topic with the rule that
// authorises it. Each capability adds its kinds here (meeting, issue,
// poll), with a rule that reads the store; the websocket authorisation
// test fails for a kind it has no row for.
func (s *Server) registerTopics() {
	s.hub.HandleKind(topicTable.Kind, live.Kind{Authorize: accessRule(workspace.AccessAccount)})
	s.hub.HandleKind(topicAudit.Kind, live.Kind{Authorize: accessRule(workspace.AccessStaff)})
	s.hub.HandleKind(collab.TopicKind, s.collab.Kind())
	s.hub.HandleKind(meeting.TopicKind, s.meetings.Kind())
	s.hub.HandleKind(issueTopicKind, s.issueKind())
	s.hub.HandleKind(inboxTopicKind, s.inboxKind())
	s.hub.HandleKind(pollTopicKind, s.pollKind())
}

// accessRule authorises a topic for the accounts that reach level.
func accessRule(level workspace.Access) func(context.Context, *workspace.Account, int64) error {
	return func(_ context.Context, acc *workspace.Account, _ int64) error {
		if !level.Allows(acc) {
			return &workspace.Error{Code: workspace.EFORBIDDEN, Key: "error.forbidden", Message: "You may not follow this topic."}
		}
		return nil
	}
}

// changeEvent tells live subscribers that something changed.
type changeEvent struct {
	Kind   string `json:"kind"`
	Entity string `json:"entity"`
	ID     int64  `json:"id"`
}

// publishChange announces a committed change to the table and audit topics.
// Call it only after the store has committed.
func (s *Server) publishChange(kind, entity string, id int64) {
	ev := changeEvent{Kind: kind, Entity: entity, ID: id}
	s.hub.Publish(topicTable, ev)
	s.hub.Publish(topicAudit, ev)
}

// websocketErrorText returns the function that gives the message of an
// error on a websocket opened by r, in the language decided for r's page.
func (s *Server) websocketErrorText(r *http.Request) func(error) string {
	lang := languageOf(r.Context())
	return func(err error) string { return s.localizeError(lang, err) }
}
