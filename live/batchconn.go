package live

import (
	"bufio"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Gathering frames: gorilla writes every websocket frame to the network
// connection with a Write of its own, one system call each. A connection
// opened by Upgrade sits on a batchConn, through which the hub's writer
// gathers the frames it takes from the send queue in one pass — the update
// broadcast of a room's turn and the push's acknowledgement, or what piled
// up while the connection was busy — and sends them with one write.
// Everything else stays as gorilla does it: the frames are gorilla's own
// (its state, its close handling, its write errors), in the order they
// were written.

// writeBatchMax bounds the bytes gathered for one write: a larger batch
// goes out in several writes, and a larger frame goes out on its own.
const writeBatchMax = 64 << 10

// batchBufs holds the buffers of the batches being gathered; a connection
// takes one only while it gathers, so an idle connection holds none.
var batchBufs = sync.Pool{New: func() any {
	b := make([]byte, 0, 8<<10)
	return &b
}}

// batchConn is the network connection under a websocket opened by Upgrade.
// Between gather and flush (the writer goroutine's calls), Write appends
// to a buffer instead of writing; outside, it writes at once. Control
// frames gorilla writes from the reader goroutine (pongs, the close reply)
// go through the same Write: while a batch is gathered they join it, in
// order, and leave with it.
type batchConn struct {
	net.Conn

	mu        sync.Mutex
	gathering bool
	buf       *[]byte   // while gathering, from batchBufs
	deadline  time.Time // the last write deadline set
}

// SetWriteDeadline records the deadline of the next write: gorilla sets it
// before each frame, and it is applied to the write that sends the frame
// (at once, or with its batch).
func (b *batchConn) SetWriteDeadline(t time.Time) error {
	b.mu.Lock()
	b.deadline = t
	b.mu.Unlock()
	return nil
}

// SetDeadline sets both deadlines, as net.Conn's does (gorilla clears
// those the HTTP server left with it).
func (b *batchConn) SetDeadline(t time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.deadline = t
	return b.Conn.SetDeadline(t)
}

func (b *batchConn) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.gathering {
		return b.writeLocked(p, b.deadline)
	}
	if len(*b.buf)+len(p) > writeBatchMax && len(*b.buf) > 0 {
		if err := b.sendLocked(b.deadline); err != nil {
			return 0, err
		}
	}
	if len(p) >= writeBatchMax {
		return b.writeLocked(p, b.deadline)
	}
	*b.buf = append(*b.buf, p...)
	return len(p), nil
}

// writeLocked writes p at once, with deadline.
func (b *batchConn) writeLocked(p []byte, deadline time.Time) (int, error) {
	if err := b.Conn.SetWriteDeadline(deadline); err != nil {
		return 0, err
	}
	return b.Conn.Write(p)
}

// sendLocked writes what was gathered, if anything, and empties the
// buffer.
func (b *batchConn) sendLocked(deadline time.Time) error {
	if len(*b.buf) == 0 {
		return nil
	}
	_, err := b.writeLocked(*b.buf, deadline)
	*b.buf = (*b.buf)[:0]
	return err
}

// gather starts a batch: writes are held until flush.
func (b *batchConn) gather() {
	b.mu.Lock()
	if !b.gathering {
		b.gathering = true
		b.buf = batchBufs.Get().(*[]byte)
	}
	b.mu.Unlock()
}

// flush writes the batch gathered since gather, with deadline, and ends
// it: later writes go out at once again.
func (b *batchConn) flush(deadline time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.gathering {
		return nil
	}
	err := b.sendLocked(deadline)
	b.gathering = false
	if cap(*b.buf) <= writeBatchMax {
		batchBufs.Put(b.buf)
	}
	b.buf = nil
	return err
}

// Upgrade opens a websocket on the request with u, as u.Upgrade does, over
// a connection whose writer gathers the frames waiting for it into one
// write (see batchConn). Connections given to Hub.Serve need not come from
// Upgrade: the others are written one frame at a time.
func Upgrade(u *websocket.Upgrader, w http.ResponseWriter, r *http.Request, responseHeader http.Header) (*websocket.Conn, error) {
	return u.Upgrade(batchHijacker{w}, r, responseHeader)
}

// batchHijacker hands gorilla the hijacked connection wrapped in a
// batchConn.
type batchHijacker struct{ http.ResponseWriter }

func (h batchHijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	return &batchConn{Conn: conn}, rw, nil
}

// Unwrap lets http.ResponseController reach the writer underneath.
func (h batchHijacker) Unwrap() http.ResponseWriter { return h.ResponseWriter }
