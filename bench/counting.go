package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"golang.org/x/sys/unix"
)

// Counting readers: what the busy room's readers are. A counting reader
// connects and joins the document exactly as a full editor does (the same
// handshake, login cookie and join messages, so the server does the same
// work for it), then hands its socket to an event loop (eventloop.go) that
// recognises each arriving edit in the frames' bytes and reports its
// arrival, without decoding the message in full nor applying anything to
// a text. It holds no text. Each driver provides the join and the
// recognition (driver_*_count.go); what they share is here.

// Role says what an editor opened by Driver.Open does.
type Role int

const (
	// Author edits, and holds the text.
	Author Role = iota
	// Reader never edits but holds the text, applying every update as an
	// editor does (for steps that check what readers hold).
	Reader
	// Counter never edits and holds no text: it times the edits that
	// arrive and nothing more, on the shared event loop.
	Counter
)

// countingReader is a Counter as a SimEditor.
type countingReader struct {
	name string // the driver's, for errors
	c    *loopConn
}

// Edit refuses: a counting reader does not edit.
func (r *countingReader) Edit(EditID, int, int, string) error {
	return fmt.Errorf("%s: a counting reader does not edit", r.name)
}

// Len is -1: a counting reader holds no text.
func (r *countingReader) Len() int { return -1 }

// Text is "": a counting reader holds no text.
func (r *countingReader) Text() string { return "" }

// Close sends a close frame and drops the connection.
func (r *countingReader) Close() error { return r.c.close() }

// joinConn is a counting reader's connection while it joins: blocking
// reads, frames parsed by the parser the event loop uses, so that bytes
// read past the join are handed over to the loop unparsed.
type joinConn struct {
	tcp        *net.TCPConn
	buf        []byte
	start, end int
	p          wsParser
}

// newJoinConn wraps a connection fresh from wsDial, with the bytes read
// past the handshake.
func newJoinConn(tcp *net.TCPConn, rest []byte) *joinConn {
	j := &joinConn{tcp: tcp, buf: make([]byte, max(loopBufSize, len(rest)))}
	j.end = copy(j.buf, rest)
	j.p.maxMessage = loopMaxMessage
	return j
}

// send writes one message (a masked frame).
func (j *joinConn) send(op byte, payload []byte) error {
	_ = j.tcp.SetWriteDeadline(time.Now().Add(30 * time.Second))
	_, err := j.tcp.Write(wsFrame(op, payload))
	return err
}

// errJoinDone stops the parse at the message that ends a join step.
var errJoinDone = errors.New("join step done")

// until reads messages, answering pings, and gives each text or binary one
// to fn until fn reports done (or fails, or ctx's deadline, at most 30 s,
// passes). The messages after the one that made fn done stay unread.
func (j *joinConn) until(ctx context.Context, fn func(op byte, payload []byte) (done bool, err error)) error {
	deadline := time.Now().Add(30 * time.Second)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = j.tcp.SetReadDeadline(deadline)
	defer func() { _ = j.tcp.SetReadDeadline(time.Time{}) }()
	frame := func(op byte, payload []byte) error {
		switch op {
		case wsPing:
			return j.send(wsPong, payload)
		case wsPong:
			return nil
		case wsClose:
			code, reason := wsCloseCode(payload)
			return fmt.Errorf("websocket: close %d: %s", code, reason)
		}
		done, err := fn(op, payload)
		if err != nil {
			return err
		}
		if done {
			return errJoinDone
		}
		return nil
	}
	for {
		used, need, err := j.p.parse(j.buf[j.start:j.end], frame)
		j.start += used
		if errors.Is(err, errJoinDone) {
			return nil
		}
		if err != nil {
			return err
		}
		if j.start == j.end {
			j.start, j.end = 0, 0
		}
		if need > len(j.buf)-j.start || j.end == len(j.buf) {
			nb := make([]byte, max(len(j.buf), need, 2*(j.end-j.start)))
			j.end = copy(nb, j.buf[j.start:j.end])
			j.buf, j.start = nb, 0
		}
		n, err := j.tcp.Read(j.buf[j.end:])
		j.end += n
		if err != nil {
			return err
		}
	}
}

// handOff gives the connection to an event loop: its socket is
// duplicated, the Go connection closed, and the bytes not yet parsed go
// with it. handle and fail are the loop's callbacks (loopConn); bind, if
// not nil, is given the connection before the loop serves it (for a
// handler that writes).
func (j *joinConn) handOff(name string, handle func(op byte, payload []byte, at time.Time) error, fail func(error), bind func(*loopConn)) (*countingReader, error) {
	raw, err := j.tcp.SyscallConn()
	if err != nil {
		j.tcp.Close()
		return nil, err
	}
	fd := -1
	var dupErr error
	if err := raw.Control(func(s uintptr) { fd, dupErr = unix.FcntlInt(s, unix.F_DUPFD_CLOEXEC, 0) }); err != nil {
		dupErr = err
	}
	j.tcp.Close()
	if dupErr != nil {
		return nil, fmt.Errorf("%s: duplicating the socket: %w", name, dupErr)
	}
	c := newLoopConn(fd, j.buf[j.start:j.end])
	c.handle, c.fail = handle, fail
	if bind != nil {
		bind(c)
	}
	if err := c.serve(); err != nil {
		_ = unix.Close(fd)
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &countingReader{name: name, c: c}, nil
}
