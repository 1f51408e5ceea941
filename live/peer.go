package live

import (
	"context"
	"strings"

	"tawla/workspace"
)

// Handler serves the client messages of one kind of topic, such as the
// "doc." messages of documents. The hub calls its methods from the
// connection's reader goroutine, one message at a time per connection.
type Handler interface {
	// Decode parses a message whose type starts with the kind's prefix and
	// returns the ID of the entity it concerns and the decoded message. A
	// malformed message gives an EINVALID error (with the entity's ID when
	// it could be read) and goes no further.
	Decode(msgType string, data []byte) (id int64, msg any, err error)
	// Handle serves a decoded message once the hub has authorised its
	// topic for acc, the sender's account as it is now. It replies through
	// Peer.Send and Peer.Refuse.
	Handle(ctx context.Context, p *Peer, acc *workspace.Account, msgType string, id int64, msg any)
	// PeerGone is called once when a connection ends.
	PeerGone(p *Peer)
}

// route sends the client messages whose type starts with prefix to the
// handler of a kind of topic.
type route struct {
	prefix string
	kind   string
}

// routeFor returns the kind routed for msgType, or nil.
func (h *Hub) routeFor(msgType string) *Kind {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range h.routes {
		if len(msgType) > len(r.prefix) && strings.HasPrefix(msgType, r.prefix) {
			return h.kinds[r.kind]
		}
	}
	return nil
}

// handleRouted decodes a routed message, authorises its topic as a
// subscription is, and hands it to the kind's handler.
func (c *wsConn) handleRouted(ctx context.Context, k *Kind, msgType string, data []byte) {
	p := &Peer{c: c}
	id, msg, err := k.Handler.Decode(msgType, data)
	fields := map[string]any{"about": msgType}
	if k.IDField != "" {
		fields[k.IDField] = id
	}
	if err != nil {
		c.refuse(err, fields)
		return
	}
	acc, err := c.hub.authorize(ctx, c, Topic{Kind: k.name, ID: id})
	if err != nil {
		if ctx.Err() != nil {
			return // the connection is ending: nobody is left to answer
		}
		c.refuse(err, fields)
		return
	}
	k.Handler.Handle(ctx, p, acc, msgType, id, msg)
}

// peerGone tells every handler that c has ended.
func (h *Hub) peerGone(c *wsConn) {
	h.mu.Lock()
	var handlers []Handler
	for _, r := range h.routes {
		handlers = append(handlers, h.kinds[r.kind].Handler)
	}
	h.mu.Unlock()
	p := &Peer{c: c}
	for _, handler := range handlers {
		handler.PeerGone(p)
	}
}

// Peer is one websocket connection as a Handler sees it. Two Peer values
// for the same connection compare equal through Key.
type Peer struct {
	c *wsConn
}

// Key identifies the connection, for maps: it is unique for the hub's
// lifetime.
func (p *Peer) Key() uint64 { return p.c.id }

// AccountID returns the account the connection was opened for.
func (p *Peer) AccountID() int64 { return p.c.info.AccountID }

// Send queues one JSON text message without blocking. A connection whose
// queue is full is dropped as too slow (close 1013) and Send reports
// false; so does a connection that is closing.
func (p *Peer) Send(data []byte) bool {
	h := p.c.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if p.c.detached {
		return false
	}
	if !p.c.trySend(frame{data: data}) {
		h.dropSlowLocked(p.c)
		return false
	}
	return true
}

// Refuse answers the peer's message with an error, in the connection's
// language, and extra fields (such as the document it concerns). Internal
// errors are logged and shown as a generic message; an EUNAUTHORIZED error
// closes the connection with 1008 after the reply.
func (p *Peer) Refuse(err error, fields map[string]any) {
	p.c.refuse(err, fields)
}

// RecheckAccount authorises again every subscription of the account's
// connections, for example after its role changed, and ends those that are
// no longer allowed with an error reply. The connections stay open.
func (h *Hub) RecheckAccount(accountID int64) {
	type sub struct {
		c     *wsConn
		topic Topic
	}
	h.mu.Lock()
	var subs []sub
	for c := range h.conns {
		if c.info.AccountID == accountID && !c.detached {
			for t := range c.topics {
				subs = append(subs, sub{c, t})
			}
		}
	}
	h.mu.Unlock()
	// Authorize reads the store: never under the hub's lock.
	for _, s := range subs {
		s.c.subscribeChecked(context.Background(), s.topic, false)
	}
}
