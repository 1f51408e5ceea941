package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Authors' connections timed by the kernel. A full editor (an author)
// reads its socket from its own goroutine, which the load generator's
// other work can keep waiting; what it received is therefore timed by the
// kernel (SO_TIMESTAMPNS: when the data reached the socket), as the
// counting readers' frames are, not by when the goroutine got round to it.
// The generator's delay then reaches a figure only on the sending side:
// between an edit being typed (or the acknowledgement that lets it go
// reaching the socket) and its message being written. Each write of a
// message is reported, so that the busy room can measure that part
// (busyroom_generator.go).

// stampedConn is a TCP connection whose reads are timed by the kernel and
// whose writes of data messages are reported. One goroutine reads it;
// writes are serialised by its user (the websocket library allows one
// writer at a time).
type stampedConn struct {
	*net.TCPConn
	raw    syscall.RawConn
	oob    [64]byte // the reading goroutine's control-message buffer
	rcvbuf int      // the socket's receive buffer as it opened (SO_RCVBUF)
	// stamp is the Unix time in nanoseconds at which the data of the
	// latest read reached the socket.
	stamp atomic.Int64
	// kernelStamped says whether the kernel timed the latest read; when
	// it did not, stamp is when the read returned.
	kernelStamped atomic.Bool
	// wrote, when set, is called just before each write that starts a
	// websocket text or binary frame (a message), with the time.
	wrote atomic.Pointer[func(at time.Time)]
}

// dialStamped opens a TCP connection whose reads the kernel timestamps.
// Its signature is that of a websocket dialer's NetDialContext.
func dialStamped(ctx context.Context, network, addr string) (*stampedConn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	tcp, ok := c.(*net.TCPConn)
	if !ok {
		c.Close()
		return nil, fmt.Errorf("stamped dial: %s is not TCP", network)
	}
	raw, err := tcp.SyscallConn()
	if err != nil {
		tcp.Close()
		return nil, err
	}
	var optErr error
	rcvbuf := 0
	if err := raw.Control(func(fd uintptr) {
		optErr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1)
		rcvbuf = receiveBuffer(int(fd))
	}); err != nil {
		optErr = err
	}
	if optErr != nil {
		tcp.Close()
		return nil, fmt.Errorf("SO_TIMESTAMPNS: %w", optErr)
	}
	return &stampedConn{TCPConn: tcp, raw: raw, rcvbuf: rcvbuf}, nil
}

// stampedDialer adapts dialStamped to a dialer's NetDialContext, handing each
// connection it opens to opened.
func stampedDialer(opened func(*stampedConn)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialStamped(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		opened(c)
		return c, nil
	}
}

// Read reads as a TCP connection does (deadlines included), keeping the
// kernel's receive time of what it read.
func (c *stampedConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var n, oobn int
	var readErr error
	err := c.raw.Read(func(fd uintptr) bool {
		for {
			n, oobn, _, _, readErr = unix.Recvmsg(int(fd), p, c.oob[:], 0)
			if readErr == nil && n == len(p) {
				// p is full: how much more waits says how full the
				// socket was.
				more, _ := unix.IoctlGetInt(int(fd), unix.SIOCINQ)
				noteFill(n+more, c.rcvbuf)
			}
			if !errors.Is(readErr, unix.EINTR) {
				// Not ready yet: wait for the poller and try again.
				return !errors.Is(readErr, unix.EAGAIN)
			}
		}
	})
	switch {
	case err != nil:
		return 0, err
	case readErr != nil:
		return 0, &net.OpError{Op: "read", Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: readErr}
	case n == 0:
		return 0, io.EOF
	}
	at, ok := rxStamp(c.oob[:oobn])
	if !ok {
		at = time.Now()
	}
	c.stamp.Store(at.UnixNano())
	c.kernelStamped.Store(ok)
	return n, nil
}

// Write reports a write that starts a message, then writes.
func (c *stampedConn) Write(p []byte) (int, error) {
	// A websocket frame's first byte holds its opcode in the low four
	// bits: 1 text, 2 binary. Continuations (0) and control frames (8 and
	// up) carry no new message, and the opening handshake starts "GET ".
	if len(p) > 0 {
		if op := p[0] & 0x0f; op == 1 || op == 2 {
			if f := c.wrote.Load(); f != nil {
				(*f)(time.Now())
			}
		}
	}
	return c.TCPConn.Write(p)
}

// Stamp returns when the data of the latest read reached the socket (the
// zero time before any read).
func (c *stampedConn) Stamp() time.Time {
	ns := c.stamp.Load()
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

// onWrite sets the function called before each write of a message.
func (c *stampedConn) onWrite(f func(at time.Time)) { c.wrote.Store(&f) }

// reportWrites makes the connection call wrote with an author's index
// before each message it writes, once author holds one (an editor learns
// its author's index at its first edit, after it has joined); a nil wrote
// does nothing.
func (c *stampedConn) reportWrites(author *atomic.Int32, wrote func(author int, at time.Time)) {
	if wrote == nil {
		return
	}
	c.onWrite(func(at time.Time) {
		if a := author.Load(); a >= 0 {
			wrote(int(a), at)
		}
	})
}

// socketFill, when set, keeps how full a receiving socket of the generator
// was found at its fullest, over the busy room's measured window. Data the
// generator is slow to read changes no figure, being timed by the kernel,
// until the socket fills: TCP's flow control then holds the server's
// writes, and the server's delay is the generator's doing.
var socketFill atomic.Pointer[fillGauge]

// fillGauge is the largest share of its receive buffer a socket held when
// read, in thousandths.
type fillGauge struct{ permille atomic.Int64 }

// share is the gauge as a fraction of the buffer.
func (g *fillGauge) share() float64 { return float64(g.permille.Load()) / 1000 }

// noteFill reports that a read found held bytes waiting in a socket whose
// receive buffer is rcvbuf bytes.
func noteFill(held, rcvbuf int) {
	g := socketFill.Load()
	if g == nil || rcvbuf <= 0 {
		return
	}
	v := int64(held) * 1000 / int64(rcvbuf)
	for {
		cur := g.permille.Load()
		if v <= cur || g.permille.CompareAndSwap(cur, v) {
			return
		}
	}
}

// receiveBuffer is a socket's receive buffer (SO_RCVBUF), 0 when unknown.
// The kernel grows it as a connection goes, so a share of the first value
// overstates how full the socket was, never understates it.
func receiveBuffer(fd int) int {
	v, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF)
	if err != nil {
		return 0
	}
	return v
}
