package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// What the two peer drivers (driver_sharedb.go, driver_yjs.go) share: the
// Node servers installed under bench/peers and a websocket with one writer
// at a time.

// peersDir returns bench/peers once its npm packages are installed.
func peersDir(root string) (string, error) {
	dir := filepath.Join(root, "bench", "peers")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json")); err != nil {
		return "", fmt.Errorf("the peer servers are not installed in %s: run make bench-peers (npm ci there)", dir)
	}
	return dir, nil
}

// startPeer starts one of the Node servers in bench/peers on a free
// loopback port, pinned to the server core by startProc.
func startPeer(ctx context.Context, env *Env, name, script string) (*Proc, error) {
	dir, err := peersDir(env.Root)
	if err != nil {
		return nil, err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("node is missing: the peer servers run on Node.js 18 or later")
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	return startProc(ctx, env, name, addr, dir, node, script, addr)
}

// peerConn is a client websocket to a peer server. Any goroutine may send;
// one goroutine reads.
type peerConn struct {
	ws   *websocket.Conn
	conn *stampedConn // the socket under ws, its reads timed by the kernel
	mu   sync.Mutex   // serialises writes: gorilla allows one writer at a time
	// author is the author index of the edits sent on it, -1 before the
	// first (stampedConn.reportWrites).
	author atomic.Int32
}

// dialPeer opens a websocket to url, giving up when ctx ends.
func dialPeer(ctx context.Context, url string) (*peerConn, error) {
	c := &peerConn{}
	c.author.Store(-1)
	d := websocket.Dialer{
		HandshakeTimeout: 30 * time.Second, ReadBufferSize: 16 << 10, WriteBufferSize: 16 << 10,
		NetDialContext: stampedDialer(func(sc *stampedConn) { c.conn = sc }),
	}
	ws, _, err := d.DialContext(ctx, url, nil)
	if err != nil {
		return nil, err
	}
	c.ws = ws
	return c, nil
}

// setAuthor records whose edits the connection sends, before the first is
// written.
func (c *peerConn) setAuthor(a int) { c.author.Store(int32(a)) }

// stamp is when the data of the latest read reached the socket.
func (c *peerConn) stamp() time.Time { return c.conn.Stamp() }

// send writes one message of the given websocket type.
func (c *peerConn) send(kind int, msg []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.ws.SetWriteDeadline(time.Now().Add(30 * time.Second)); err != nil {
		return err
	}
	return c.ws.WriteMessage(kind, msg)
}

// close says goodbye and closes the socket; the reader then ends.
func (c *peerConn) close() error {
	c.mu.Lock()
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	c.mu.Unlock()
	return c.ws.Close()
}

// readUntil sets a read deadline from ctx (30 s at most) for the messages
// read while an editor opens; the returned function clears it.
func (c *peerConn) readUntil(ctx context.Context) func() {
	deadline := time.Now().Add(30 * time.Second)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = c.ws.SetReadDeadline(deadline)
	return func() { _ = c.ws.SetReadDeadline(time.Time{}) }
}

// clampEdit fits an edit's range into a text of n UTF-16 units.
func clampEdit(pos, del, n int) (int, int) {
	pos = max(0, min(pos, n))
	return pos, max(0, min(del, n-pos))
}
