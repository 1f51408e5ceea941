package server

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"

	"tawla/live"
	"tawla/meeting"
	"tawla/workspace"
)

// The live side of votes (docs/protocol.md, "Votes"): the topic poll:N
// carries a poll's state (poll.state: turnout, the counts of a named poll
// while open, the result once closed) to members, and members with a
// vote may cast their ballot over the live channel (poll.vote), answered
// poll.voted once the store has committed it. No message names a voter.

// pollTopicKind is the kind of live topic of polls: "poll:7".
const pollTopicKind = "poll"

// The messages of the poll topics.
const (
	// msgPollVote casts the sender's ballot.
	msgPollVote = "poll.vote"
	// msgPollVoted answers a ballot the store has committed.
	msgPollVoted = "poll.voted"
)

// pollMessageTypes lists the messages a client may send about a poll.
var pollMessageTypes = []string{msgPollVote}

// maxPollMessageBytes bounds a poll message: fifty choices fit easily.
const maxPollMessageBytes = 2048

// pollTopic returns the live topic of poll id.
func pollTopic(id int64) live.Topic { return live.Topic{Kind: pollTopicKind, ID: id} }

// pollLocks order the states of a poll: each is read and handed to the
// hub under its poll's lock, so that every connection receives a poll's
// states in the order they were read, the newest last.
type pollLocks [64]sync.Mutex

func (l *pollLocks) of(id int64) *sync.Mutex { return &l[uint64(id)%uint64(len(l))] }

// pollKind is the live kind of polls: following "poll:7" and sending its
// "poll." messages need the right to read polls (members, the
// secretariat, admins) and an existing poll, decided on the store's
// current state. A new subscriber receives the poll's state at once.
func (s *Server) pollKind() live.Kind {
	return live.Kind{
		Entity:        true,
		Authorize:     s.authorizePollTopic,
		MessagePrefix: "poll.",
		IDField:       "poll",
		Handler:       pollHandler{s},
		Subscribed:    s.welcomePoll,
	}
}

// authorizePollTopic is the rule of the poll topics. The role is checked
// before the poll is looked up, so that a stakeholder learns nothing of
// which polls exist.
func (s *Server) authorizePollTopic(ctx context.Context, acc *workspace.Account, id int64) error {
	if err := workspace.CanReadPolls(workspace.ActorFor(acc)); err != nil {
		return err
	}
	_, err := s.db.FindPollByID(ctx, id)
	return err
}

// welcomePoll sends a new subscriber the poll's state.
func (s *Server) welcomePoll(ctx context.Context, p *live.Peer, _ *workspace.Account, id int64) {
	mu := s.pollLocks.of(id)
	mu.Lock()
	defer mu.Unlock()
	st, err := meeting.ReadPollState(ctx, s.db, id)
	if err != nil {
		if ctx.Err() == nil {
			p.Refuse(err, map[string]any{"poll": id, "topic": pollTopic(id).String()})
		}
		return
	}
	sendEvent(p, pollTopic(id), st)
}

// publishPoll tells everyone following poll id of a committed change to
// it (created, changed, opened, closed, a ballot cast): its state goes to
// the topic poll:N and, for a poll on an agenda item, the meeting's room
// is published again so that the room and the projector show it. It also
// wakes the scheduler, whose next deadline may have changed. Call it after
// the store has committed, never inside a transaction.
func (s *Server) publishPoll(ctx context.Context, id int64) {
	s.pollsChanged()
	s.publishPollState(ctx, id)
}

// publishPollState publishes poll id's state and, for a poll on an agenda
// item, its meeting's room, without waking the scheduler.
func (s *Server) publishPollState(ctx context.Context, id int64) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishTimeout)
	defer cancel()
	st, err := s.sendPollState(ctx, id)
	if err != nil {
		if workspace.ErrorCode(err) != workspace.ENOTFOUND {
			s.logger.Error("poll: read the poll to publish", "poll", id, "error", err)
		}
		return
	}
	if st.Meeting != nil {
		s.publishMeeting(ctx, *st.Meeting)
	}
}

// sendPollState reads poll id's state and publishes it, under the poll's
// lock.
func (s *Server) sendPollState(ctx context.Context, id int64) (*meeting.PollState, error) {
	mu := s.pollLocks.of(id)
	mu.Lock()
	defer mu.Unlock()
	st, err := meeting.ReadPollState(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	s.hub.Publish(pollTopic(id), st)
	return st, nil
}

// pollHandler serves the "poll." messages of the live channel.
type pollHandler struct{ s *Server }

// pollVoteMessage is a poll.vote from a client. Submission, optional,
// names the sending (sqlite.DB.SubmitVote): the page's form carries the
// same, so that the form posted after a lost answer is not refused.
type pollVoteMessage struct {
	Type       string  `json:"type"`
	Poll       int64   `json:"poll"`
	Choices    []int64 `json:"choices"`
	Submission string  `json:"submission"`
}

// Decode implements live.Handler: it checks the shape of a "poll."
// message before anything reads the store.
func (pollHandler) Decode(msgType string, data []byte) (int64, any, error) {
	if len(data) > maxPollMessageBytes {
		return 0, nil, &workspace.Error{Code: workspace.EINVALID, Key: "error.poll.message_too_long", Message: "This message is too long for a poll."}
	}
	var m pollVoteMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m.Poll, nil, &workspace.Error{Code: workspace.EINVALID, Key: "error.poll.message_malformed", Message: "The message does not fit its format."}
	}
	if m.Poll <= 0 {
		return m.Poll, nil, &workspace.Error{Code: workspace.EINVALID, Key: "error.poll.message_no_poll", Message: "The message names no poll."}
	}
	if msgType != msgPollVote {
		return m.Poll, nil, &workspace.Error{Code: workspace.EINVALID, Key: "error.ws.unknown_type", Message: "Unknown message type."}
	}
	if len(m.Choices) == 0 {
		return m.Poll, nil, workspace.Invalid("choices", "error.poll.choices_count", "Choose as many options as the poll asks.")
	}
	return m.Poll, m, nil
}

// Handle implements live.Handler for a poll.vote whose poll the hub has
// authorised acc to follow: the store checks the right to vote and the
// choices and records the ballot in its transaction; poll.voted answers
// only once it has committed, and the poll's new state follows. A refused
// ballot changes nothing, and its error names the poll only.
func (h pollHandler) Handle(ctx context.Context, p *live.Peer, acc *workspace.Account, msgType string, id int64, decoded any) {
	m := decoded.(pollVoteMessage)
	fields := map[string]any{"poll": id, "about": msgType}
	vote, err := h.s.db.SubmitVote(ctx, workspace.ActorFor(acc), id, m.Choices, m.Submission)
	if err != nil {
		if ctx.Err() == nil {
			p.Refuse(err, fields)
		}
		return
	}
	data, err := json.Marshal(map[string]any{"type": msgPollVoted, "poll": id, "changed": vote.Changed, "repeated": vote.Repeated})
	if err != nil {
		return // ours, always marshals
	}
	p.Send(data)
	if !vote.Repeated {
		h.s.publishPoll(ctx, id)
	}
}

// PeerGone implements live.Handler: nothing is kept per connection.
func (pollHandler) PeerGone(*live.Peer) {}
