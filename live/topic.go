package live

import (
	"context"
	"strconv"
	"strings"

	"tawla/workspace"
)

// Topic names what a client follows: one entity ("meeting:12", "issue:40",
// "poll:7", "document:3"), or a whole stream that names no entity
// ("table", "audit").
type Topic struct {
	Kind string
	// ID is the entity's ID; zero for a kind that names no entity.
	ID int64
}

// String returns the topic as clients write it.
func (t Topic) String() string {
	if t.ID == 0 {
		return t.Kind
	}
	return t.Kind + ":" + strconv.FormatInt(t.ID, 10)
}

// Kind is a kind of topic and how it is authorised and served. Register it
// with Hub.HandleKind.
type Kind struct {
	// Entity says that the kind's topics name one entity by its ID
	// ("document:3"); otherwise the topic is the kind's bare name ("table").
	Entity bool
	// Authorize decides whether acc, as it is now, may follow the topic of
	// the entity id (zero for a kind without entities). It runs for every
	// subscription and every message about the topic, and again for every
	// subscription of an account whose rights changed (Hub.RecheckAccount);
	// it reads the store, so that a private meeting, a closed poll or a
	// stakeholder's limits are decided on the current state. It returns nil
	// or a *workspace.Error; EUNAUTHORIZED also closes the connection.
	Authorize func(ctx context.Context, acc *workspace.Account, id int64) error
	// MessagePrefix, with Handler, routes the client messages whose type
	// starts with it ("doc.") to Handler, once the topic they concern has
	// been authorised. Empty for a kind that is only followed.
	MessagePrefix string
	// IDField names the field of an error reply that carries the entity
	// of a refused routed message ("doc").
	IDField string
	Handler Handler
	// Subscribed, when set, is called after a client's subscription to
	// one of the kind's topics was granted and confirmed ("subscribed"
	// queued), with the account that was authorised; it may send the
	// topic's current state to the peer, so that a page needs no second
	// request to fill itself. It runs on the connection's reader
	// goroutine. It is not called when a subscription is decided again
	// (Hub.RecheckAccount).
	Subscribed func(ctx context.Context, p *Peer, acc *workspace.Account, id int64)

	name string // set by HandleKind
}

// maxTopicLength bounds a topic name, in bytes.
const maxTopicLength = 200

// HandleKind registers a kind of topic under name. Call it before the hub
// serves connections. It panics when name is taken or malformed, or when
// the kind has no Authorize: those are programming errors.
func (h *Hub) HandleKind(name string, k Kind) {
	if name == "" || strings.ContainsAny(name, ": ") {
		panic("live: malformed topic kind " + strconv.Quote(name))
	}
	if k.Authorize == nil {
		panic("live: topic kind " + name + " has no Authorize")
	}
	if (k.MessagePrefix == "") != (k.Handler == nil) {
		panic("live: topic kind " + name + " needs both a message prefix and a handler, or neither")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, taken := h.kinds[name]; taken {
		panic("live: topic kind " + name + " registered twice")
	}
	k.name = name
	h.kinds[name] = &k
	if k.Handler != nil {
		h.routes = append(h.routes, route{prefix: k.MessagePrefix, kind: name})
	}
}

// Kinds returns the names of the registered kinds of topic, for the
// authorisation matrix and for documentation.
func (h *Hub) Kinds() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	names := make([]string, 0, len(h.kinds))
	for name := range h.kinds {
		names = append(names, name)
	}
	return names
}

// ParseTopic reads a topic as a client writes it and checks it against the
// registered kinds. A malformed topic gives EINVALID; an unknown kind, or
// an entity kind without an ID (and the reverse), gives ENOTFOUND.
func (h *Hub) ParseTopic(s string) (Topic, error) {
	switch {
	case s == "":
		return Topic{}, &workspace.Error{Code: workspace.EINVALID, Key: "error.topic_required", Message: "Topic is required."}
	case len(s) > maxTopicLength:
		return Topic{}, &workspace.Error{Code: workspace.EINVALID, Key: "error.topic_too_long", Message: "Topic is too long."}
	}
	name, idText, hasID := strings.Cut(s, ":")
	var t Topic
	t.Kind = name
	if hasID {
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil || id <= 0 || strconv.FormatInt(id, 10) != idText {
			return Topic{}, &workspace.Error{Code: workspace.EINVALID, Key: "error.topic_malformed", Message: "A topic is a kind, or a kind and a positive number: document:3."}
		}
		t.ID = id
	}
	k := h.kind(name)
	if k == nil || k.Entity != hasID {
		return Topic{}, &workspace.Error{Code: workspace.ENOTFOUND, Key: "error.topic_unknown", Message: "Unknown topic."}
	}
	return t, nil
}

// kind returns the registered kind name, or nil.
func (h *Hub) kind(name string) *Kind {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.kinds[name]
}

// Authorize decides whether the connection's account, as it is now, may
// follow t: it re-reads the session (an ended one gives EUNAUTHORIZED),
// then asks the topic's kind. Every subscription and every routed message
// goes through it.
func (h *Hub) authorize(ctx context.Context, c *wsConn, t Topic) (*workspace.Account, error) {
	k := h.kind(t.Kind)
	if k == nil {
		return nil, &workspace.Error{Code: workspace.ENOTFOUND, Key: "error.topic_unknown", Message: "Unknown topic."}
	}
	acc, err := c.account(ctx)
	if err != nil {
		return nil, err
	}
	if err := k.Authorize(ctx, acc, t.ID); err != nil {
		return nil, err
	}
	return acc, nil
}
