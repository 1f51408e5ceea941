package server

import (
	"bytes"
	"context"
	"encoding/json"
	"html/template"
	"sort"
	"time"

	"tawla/live"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// The kinds of live topic of the issue tracker (docs/protocol.md, "Issues
// and notifications").
const (
	// issueTopicKind is the timeline of one issue, "issue:40": every
	// account that may read issues follows it.
	issueTopicKind = "issue"
	// inboxTopicKind is one account's unread count, "inbox:7": only the
	// account itself follows it.
	inboxTopicKind = "inbox"
)

// issueTopic returns the live topic of issue id's timeline.
func issueTopic(id int64) live.Topic { return live.Topic{Kind: issueTopicKind, ID: id} }

// inboxTopic returns the live topic of the account's unread count.
func inboxTopic(accountID int64) live.Topic { return live.Topic{Kind: inboxTopicKind, ID: accountID} }

// publishTimeout bounds what publishing one change reads from the store.
const publishTimeout = 10 * time.Second

// issueKind is the live kind of issue timelines: following "issue:40"
// needs the right to read issues (every active account, stakeholders
// too) and an existing issue, decided on the store's current state. A new
// subscriber is told the id of the issue's latest entry (issue.latest),
// so that a page can tell whether it missed one while it loaded or while
// its connection was down.
func (s *Server) issueKind() live.Kind {
	return live.Kind{Entity: true, Authorize: s.authorizeIssueTopic, Subscribed: s.welcomeIssue}
}

// authorizeIssueTopic is the rule of the issue topics. The role is checked
// before the issue is looked up.
func (s *Server) authorizeIssueTopic(ctx context.Context, acc *workspace.Account, id int64) error {
	if err := workspace.CanReadIssues(workspace.ActorFor(acc)); err != nil {
		return err
	}
	_, err := s.db.FindIssueByID(ctx, id)
	return err
}

// issueLatestMessage is the data of the event a new subscriber of
// issue:N receives: the id of the issue's newest timeline entry.
type issueLatestMessage struct {
	Kind  string `json:"kind"` // "issue.latest"
	Issue int64  `json:"issue"`
	Event int64  `json:"event"`
}

// welcomeIssue sends a new subscriber the id of the issue's newest entry.
func (s *Server) welcomeIssue(ctx context.Context, p *live.Peer, _ *workspace.Account, issueID int64) {
	events, err := s.db.FindIssueTimeline(ctx, issueID)
	if err != nil {
		if ctx.Err() == nil {
			p.Refuse(err, map[string]any{"topic": issueTopic(issueID).String()})
		}
		return
	}
	msg := issueLatestMessage{Kind: "issue.latest", Issue: issueID}
	if len(events) > 0 {
		msg.Event = events[len(events)-1].ID
	}
	sendEvent(p, issueTopic(issueID), msg)
}

// sendEvent sends one peer an event of topic, as the hub sends them.
func sendEvent(p *live.Peer, topic live.Topic, data any) {
	msg, err := json.Marshal(map[string]any{"type": "event", "topic": topic.String(), "data": data})
	if err != nil {
		return // the data is ours and always marshals
	}
	p.Send(msg)
}

// inboxKind is the live kind of unread counts: "inbox:7" is followed by
// account 7 alone, which receives its current count at once.
func (s *Server) inboxKind() live.Kind {
	return live.Kind{Entity: true, Authorize: authorizeInboxTopic, Subscribed: s.welcomeInbox}
}

// authorizeInboxTopic lets an active account follow its own inbox and
// nobody else's. Another account's inbox is refused the same way whether
// that account exists or not.
func authorizeInboxTopic(_ context.Context, acc *workspace.Account, id int64) error {
	if acc == nil || !acc.Active || acc.ID != id {
		return &workspace.Error{Code: workspace.EFORBIDDEN, Key: "error.forbidden", Message: "You may not follow this topic."}
	}
	return nil
}

// issueEventMessage is the data of an event of topic issue:N: one new
// entry of the timeline, and that entry as the issue page shows it,
// rendered by the server in every interface language (the reader's page
// takes its own). It never carries an issue's private fields: a timeline
// event holds none. Nor does it carry what only members may read: the
// same message reaches every subscriber, stakeholders too, so a link or
// unlink of a meeting, an agenda item, a decision or an action comes
// without HTML (see meetingLinkEvent).
type issueEventMessage struct {
	Kind  string           `json:"kind"` // "issue.event"
	Issue int64            `json:"issue"`
	Event issueEventFields `json:"event"`
	// HTML is the entry rendered with the template "issue_event", by
	// language; absent when it could not be rendered, or when it links
	// into a meeting (the page then offers to reload, and the reloaded
	// page shows the viewer what they may read).
	HTML map[string]string `json:"html,omitempty"`
}

// issueEventFields is what a live message tells of a timeline event.
type issueEventFields struct {
	ID        int64                    `json:"id"`
	Kind      workspace.IssueEventKind `json:"kind"`
	Actor     int64                    `json:"actor,omitempty"`
	CreatedAt time.Time                `json:"created_at"`
}

// inboxMessage is the data of an event of topic inbox:N: the account's
// number of unread notifications, and that number in words in every
// interface language, for the page's screen-reader announcement.
type inboxMessage struct {
	Kind  string            `json:"kind"` // "inbox.unread"
	Count int               `json:"count"`
	Text  map[string]string `json:"text"`
}

// publishIssueChange tells everyone concerned of a committed change to
// issue issueID: its timeline event goes to the followers of the topic
// issue:N, and each account the change notified gets its new unread count
// on its inbox:N. change may be nil, or have no event (an edit that
// changed nothing). Call it after the store has committed, never inside a
// transaction; it reads the store and never blocks on a connection.
func (s *Server) publishIssueChange(ctx context.Context, issueID int64, change *sqlite.IssueChange) {
	if change == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishTimeout)
	defer cancel()
	if ev := change.Event; ev != nil {
		msg := issueEventMessage{
			Kind:  "issue.event",
			Issue: issueID,
			Event: issueEventFields{ID: ev.ID, Kind: ev.Kind, CreatedAt: ev.CreatedAt.UTC()},
		}
		if !meetingLinkEvent(ev) {
			msg.HTML = s.renderIssueEvent(ctx, issueID, ev)
		}
		if ev.ActorID != nil {
			msg.Event.Actor = *ev.ActorID
		}
		s.hub.Publish(issueTopic(issueID), msg)
	}
	for _, id := range change.Notified {
		s.publishUnread(ctx, id)
	}
}

// meetingLinkEvent reports whether ev links the issue to a meeting, an
// agenda item, a decision or an action, or removes such a link. Meetings
// are read by members only (workspace.CanReadMeetings), and the timeline
// names such a target by its title (a decision by its text) for them
// alone; the live message, which is one for all the issue's subscribers,
// stakeholders included, leaves the entry out and lets each page reload
// it as its viewer may see it.
func meetingLinkEvent(ev *workspace.IssueEvent) bool {
	if ev.Kind != workspace.EventLink && ev.Kind != workspace.EventUnlink {
		return false
	}
	kind, _ := linkEventTarget(ev)
	return kind.InMeeting()
}

// publishUnread sends the account's unread count, as it is now, to its
// inbox topic. Call it after notifications were added or marked read.
func (s *Server) publishUnread(ctx context.Context, accountID int64) {
	msg, err := s.inboxMessage(ctx, accountID)
	if err != nil {
		s.logger.Error("count unread notifications", "account_id", accountID, "err", err)
		return
	}
	s.hub.Publish(inboxTopic(accountID), msg)
}

// inboxMessage reads the account's unread count and says it in every
// language.
func (s *Server) inboxMessage(ctx context.Context, accountID int64) (*inboxMessage, error) {
	n, err := s.db.CountUnreadNotifications(ctx, accountID)
	if err != nil {
		return nil, err
	}
	msg := &inboxMessage{Kind: "inbox.unread", Count: n, Text: make(map[string]string, len(workspace.Languages))}
	for _, lang := range workspace.Languages {
		msg.Text[lang] = s.localizer(lang).N("notifications.unread_count", n)
	}
	return msg, nil
}

// welcomeInbox sends a new subscriber of its inbox the current count, so
// that a badge is right again after a reconnection.
func (s *Server) welcomeInbox(ctx context.Context, p *live.Peer, _ *workspace.Account, accountID int64) {
	msg, err := s.inboxMessage(ctx, accountID)
	if err != nil {
		if ctx.Err() == nil {
			s.logger.Error("count unread notifications", "account_id", accountID, "err", err)
		}
		return
	}
	sendEvent(p, inboxTopic(accountID), msg)
}

// renderIssueEvent renders ev as the issue page's timeline shows it, with
// the template "issue_event" and the view issueEventViews makes
// (handle_issue_view.go), once in each interface language. The rendering
// is the same for every reader of that language: it depends on no viewer,
// since the same message reaches everyone who follows the issue, and so
// it is made as for a reader with the fewest rights, who may not read
// meetings. It returns nil when the event cannot be rendered; the error
// is logged.
func (s *Server) renderIssueEvent(ctx context.Context, issueID int64, ev *workspace.IssueEvent) map[string]string {
	t := s.pages.partial("issue_event")
	if t == nil {
		s.logger.Error("render issue event: no template issue_event")
		return nil
	}
	if ev.Actor == nil && ev.ActorID != nil {
		acc, err := s.db.FindAccountByID(ctx, *ev.ActorID)
		if err != nil {
			s.logger.Error("render issue event: find its actor", "issue", issueID, "event", ev.ID, "err", err)
			return nil
		}
		acc.PasswordHash = ""
		shown := *ev
		shown.Actor = acc
		ev = &shown
	}
	out := make(map[string]string, len(workspace.Languages))
	for _, lang := range workspace.Languages {
		views, err := s.issueEventViews(ctx, lang, false, []*workspace.IssueEvent{ev})
		if err != nil || len(views) != 1 {
			s.logger.Error("render issue event: its view", "issue", issueID, "event", ev.ID, "lang", lang, "err", err)
			return nil
		}
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, "issue_event", views[0]); err != nil {
			s.logger.Error("render issue event", "issue", issueID, "event", ev.ID, "lang", lang, "err", err)
			return nil
		}
		out[lang] = buf.String()
	}
	return out
}

// partial returns a parsed template set that defines name — every page's
// set holds the shared partials — or nil. The sets are tried in the order
// of their names, so the choice does not depend on map order.
func (pr *pageRenderer) partial(name string) *template.Template {
	names := make([]string, 0, len(pr.pages))
	for n := range pr.pages {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if t := pr.pages[n]; t.Lookup(name) != nil {
			return t
		}
	}
	return nil
}
