package server

import (
	"context"

	"tawla/workspace"
)

// MessageHandler serves the client messages whose type starts with the
// prefix it was routed for (Hub.Route), such as "doc." for co-editing. The
// hub calls HandleMessage from the connection's reader goroutine, one
// message at a time per connection, after checking that the frame is JSON
// text; the handler replies and broadcasts through Peer.Send. PeerGone is
// called once when the connection ends.
type MessageHandler interface {
	HandleMessage(ctx context.Context, p *Peer, msgType string, data []byte)
	PeerGone(p *Peer)
}

// Route sends the client messages whose type starts with prefix to mh. Call
// it before the hub serves connections.
func (h *Hub) Route(prefix string, mh MessageHandler) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.routes = append(h.routes, route{prefix: prefix, handler: mh})
}

type route struct {
	prefix  string
	handler MessageHandler
}

// handlerFor returns the handler routed for msgType, or nil.
func (h *Hub) handlerFor(msgType string) MessageHandler {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range h.routes {
		if len(msgType) > len(r.prefix) && msgType[:len(r.prefix)] == r.prefix {
			return r.handler
		}
	}
	return nil
}

// peerGone tells every routed handler that c has ended.
func (h *Hub) peerGone(c *wsConn) {
	h.mu.Lock()
	routes := append([]route(nil), h.routes...)
	h.mu.Unlock()
	p := &Peer{c: c}
	for _, r := range routes {
		r.handler.PeerGone(p)
	}
}

// Peer is one websocket connection as a MessageHandler sees it. Two Peer
// values for the same connection compare equal through Key.
type Peer struct {
	c *wsConn
}

// Key identifies the connection, for maps: it is unique for the hub's
// lifetime.
func (p *Peer) Key() uint64 { return p.c.id }

// AccountID returns the account the connection was opened for.
func (p *Peer) AccountID() int64 { return p.c.info.AccountID }

// Account re-reads the connection's session and returns its account as it
// is now, so that each message is authorised with the current role. An
// ended session gives EUNAUTHORIZED.
func (p *Peer) Account(ctx context.Context) (*workspace.Account, error) {
	if p.c.info.Account == nil {
		return nil, &workspace.Error{Code: workspace.EUNAUTHORIZED, Key: "error.unauthorized", Message: "Please log in."}
	}
	return p.c.info.Account(ctx)
}

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

// Refuse answers the peer's message with an error and, when err is
// EUNAUTHORIZED, closes the connection with 1008 after the reply.
func (p *Peer) Refuse(err error, fields map[string]any) {
	p.c.refuse(err, fields)
}

// RecheckAccount authorises again every subscription of the account's
// connections, for example after its role changed, and ends those that are
// no longer allowed with an error reply. The connections stay open.
func (h *Hub) RecheckAccount(accountID int64) {
	type sub struct {
		c     *wsConn
		topic string
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
