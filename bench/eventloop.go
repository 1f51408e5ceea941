package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The counting readers' event loop: instead of a goroutine per connection
// blocked in a read, one goroutine (locked to its thread) waits on an
// epoll instance for all of them, and for each ready socket reads
// everything that has arrived into the connection's buffer, in one read,
// and parses every complete frame in it (wsframes.go). Hundreds of
// readers then cost one wake-up and one read each per batch of frames, not
// a goroutine switch and a message allocation per frame. Linux only, as
// the benchmark is.
//
// TAWLA_BENCH_LOOPS sets how many loops share the readers (default 1: the
// load generator has one core, and a second loop on it only helps when a
// loop's own handling is the delay).

// loopBufSize is a connection's read buffer; it grows for a larger frame.
const loopBufSize = 64 << 10

// loopDefaultPace is the default least time between two wake-ups of a
// loop: paced, one wake-up serves every connection that received
// something in the meantime, and a connection's frames that came close
// together are read at once. The frames are timed by the kernel
// (SO_TIMESTAMPNS: when the data reached the socket), not by the read, so
// the pace adds nothing to a frame read alone; frames read together all
// get the time of the last one's arrival, at most the pace after theirs.
const loopDefaultPace = time.Millisecond

// loopMaxMessage bounds one message, as a guard against a corrupt stream.
const loopMaxMessage = 64 << 20

// eventLoop is one epoll instance and the goroutine that serves it.
type eventLoop struct {
	epfd  int
	mu    sync.Mutex
	conns map[int32]*loopConn
}

var (
	loopsOnce sync.Once
	loops     []*eventLoop
	loopsErr  error
	loopNext  atomic.Uint32
	// loopWait, when set, records for each read how long its data waited
	// in the socket for the generator: from the kernel's receive timestamp
	// to the read (the pace, up to loopDefaultPace, plus the loop's own
	// delay). The busy room swaps in a new histogram for each measured
	// window.
	loopWait atomic.Pointer[durHist]
	// loopStats counts what the loops did, for the busy room's figures.
	loopStats loopCounters
)

// loopCounters are running totals over every loop.
type loopCounters struct {
	reads, frames atomic.Int64
	cpu           atomic.Int64 // the loops' threads' CPU time, in ns
}

// threadCPU returns the CPU time of the calling thread.
func threadCPU() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_THREAD, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// nextLoop returns one of the event loops, starting them at first use.
func nextLoop() (*eventLoop, error) {
	loopsOnce.Do(func() {
		n := 1
		if v := os.Getenv("TAWLA_BENCH_LOOPS"); v != "" {
			if k, err := strconv.Atoi(v); err == nil && k >= 1 && k <= 64 {
				n = k
			}
		}
		for range n {
			epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
			if err != nil {
				loopsErr = fmt.Errorf("epoll: %w", err)
				return
			}
			l := &eventLoop{epfd: epfd, conns: map[int32]*loopConn{}}
			loops = append(loops, l)
			go l.run()
		}
	})
	if loopsErr != nil {
		return nil, loopsErr
	}
	return loops[int(loopNext.Add(1))%len(loops)], nil
}

// run waits for ready connections and handles them, for the life of the
// process.
func (l *eventLoop) run() {
	runtime.LockOSThread()
	events := make([]unix.EpollEvent, 512)
	pace := loopPace()
	cpu := threadCPU()
	for {
		n, err := unix.EpollWait(l.epfd, events, -1)
		if err != nil {
			if errors.Is(err, unix.EINTR) {
				continue
			}
			fmt.Fprintf(os.Stderr, "bench: event loop: epoll_wait: %v\n", err)
			return
		}
		woke := time.Now()
		for i := range n {
			l.mu.Lock()
			c := l.conns[events[i].Fd]
			l.mu.Unlock()
			if c != nil {
				c.ready(events[i].Events)
			}
		}
		handled := time.Since(woke)
		now := threadCPU()
		loopStats.cpu.Add(int64(now - cpu))
		cpu = now
		if handled < pace {
			time.Sleep(pace - handled)
		}
	}
}

// loopPace returns the loop's pace: the least time from one wake-up to
// the next (TAWLA_BENCH_LOOP_PACE_US, default loopDefaultPace).
func loopPace() time.Duration {
	if v, err := strconv.Atoi(os.Getenv("TAWLA_BENCH_LOOP_PACE_US")); err == nil && v >= 0 {
		return time.Duration(v) * time.Microsecond
	}
	return loopDefaultPace
}

// loopConn is one websocket connection served by an event loop.
type loopConn struct {
	loop *eventLoop
	fd   int // -1 once closed; guarded by mu for writers, owned by the loop for reads

	buf        []byte // received bytes: buf[start:end] not parsed yet
	start, end int
	p          wsParser

	// handle is called for each text or binary message with the time of
	// the read that completed it; an error it returns is reported with
	// fail, and the connection goes on.
	handle func(op byte, payload []byte, at time.Time) error
	// fail reports a lost connection or a message that went wrong.
	fail   func(err error)
	at     time.Time // the time of the current read, for handle
	oob    [64]byte  // the control messages of a read: its receive time
	rcvbuf int       // the socket's receive buffer as served (SO_RCVBUF)

	mu      sync.Mutex // serialises writes and the closing of fd
	closing atomic.Bool
	done    chan struct{} // closed when the loop has dropped the connection
}

// newLoopConn wraps the socket of a websocket whose handshake is done
// (and whose first frames may be in rest, not parsed yet): it is
// duplicated into a non-blocking descriptor and conn closed. The
// connection is served by a loop once serve is called.
func newLoopConn(fd int, rest []byte) *loopConn {
	c := &loopConn{fd: fd, buf: make([]byte, max(loopBufSize, len(rest))), done: make(chan struct{})}
	c.end = copy(c.buf, rest)
	c.p.maxMessage = loopMaxMessage
	return c
}

// serve parses the bytes already received and hands the connection to an
// event loop.
func (c *loopConn) serve() error {
	// Once registered, the connection belongs to the loop's goroutine,
	// which may drop it (setting c.fd) as soon as epoll reports it: only
	// this copy is read from here on.
	fd := c.fd
	l, err := nextLoop()
	if err != nil {
		return err
	}
	c.loop = l
	if err := unix.SetNonblock(fd, true); err != nil {
		return err
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1); err != nil {
		return fmt.Errorf("SO_TIMESTAMPNS: %w", err)
	}
	c.rcvbuf = receiveBuffer(fd)
	c.at = time.Now()
	if err := c.parse(); err != nil {
		return err
	}
	l.mu.Lock()
	l.conns[int32(fd)] = c
	l.mu.Unlock()
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP, Fd: int32(fd)}
	if err := unix.EpollCtl(l.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		l.mu.Lock()
		delete(l.conns, int32(fd))
		l.mu.Unlock()
		return fmt.Errorf("epoll_ctl: %w", err)
	}
	return nil
}

// ready reads what has arrived and handles its complete frames; it runs
// on the loop's goroutine. It reads until the socket is empty, and reports
// how full it was (noteFill).
func (c *loopConn) ready(events uint32) {
	drained := 0
	for c.fd >= 0 {
		if c.end == len(c.buf) {
			c.makeRoom(0)
		}
		space := len(c.buf) - c.end
		n, oobn, _, _, err := unix.Recvmsg(c.fd, c.buf[c.end:], c.oob[:], 0)
		if n > 0 {
			loopStats.reads.Add(1)
			c.at = rxTime(c.oob[:oobn])
			if h := loopWait.Load(); h != nil {
				h.record(time.Since(c.at))
			}
			c.end += n
			drained += n
			if err := c.parse(); err != nil {
				c.drop(err)
				return
			}
			if n < space {
				// Drained: the socket had no more (level-triggered: it
				// will wake us again).
				noteFill(drained, c.rcvbuf)
				return
			}
			continue
		}
		switch {
		case errors.Is(err, unix.EAGAIN):
			noteFill(drained, c.rcvbuf)
			if events&(unix.EPOLLHUP|unix.EPOLLERR) != 0 {
				c.drop(io.ErrUnexpectedEOF)
			}
			return
		case errors.Is(err, unix.EINTR):
			continue
		case err != nil:
			c.drop(err)
		default:
			c.drop(io.EOF)
		}
		return
	}
}

// rxTime returns the receive time the kernel gave a read (the
// SCM_TIMESTAMPNS control message: when the last of the data read reached
// the socket), or the time now when there is none.
func rxTime(oob []byte) time.Time {
	if at, ok := rxStamp(oob); ok {
		return at
	}
	return time.Now()
}

// rxStamp returns the receive time the kernel gave a read, and whether it
// gave one: the kernel turns its receive timestamps on a moment after the
// first socket asks for them (Linux does it in a work queue), so the very
// first reads of a busy machine may come without.
func rxStamp(oob []byte) (time.Time, bool) {
	for len(oob) >= unix.SizeofCmsghdr {
		h := (*unix.Cmsghdr)(unsafe.Pointer(&oob[0]))
		size := int(h.Len)
		if size < unix.SizeofCmsghdr || size > len(oob) {
			break
		}
		if h.Level == unix.SOL_SOCKET && h.Type == unix.SO_TIMESTAMPNS && size >= unix.SizeofCmsghdr+int(unsafe.Sizeof(unix.Timespec{})) {
			ts := (*unix.Timespec)(unsafe.Pointer(&oob[unix.SizeofCmsghdr]))
			return time.Unix(int64(ts.Sec), int64(ts.Nsec)), true
		}
		oob = oob[min(len(oob), (size+7)&^7):]
	}
	return time.Time{}, false
}

// parse handles the complete frames in the buffer and keeps the partial
// last one, making room for it when the buffer cannot hold it.
func (c *loopConn) parse() error {
	used, need, err := c.p.parse(c.buf[c.start:c.end], c.frame)
	c.start += used
	if err != nil {
		return err
	}
	if c.start == c.end {
		c.start, c.end = 0, 0
	} else if need > len(c.buf)-c.start {
		c.makeRoom(need)
	}
	return nil
}

// makeRoom moves the unparsed bytes to the buffer's start, growing it to
// hold need bytes (a frame larger than the buffer) or, when it is full,
// to twice its size.
func (c *loopConn) makeRoom(need int) {
	size := len(c.buf)
	if need > size {
		size = need
	} else if c.start == 0 && c.end == len(c.buf) {
		size *= 2
	}
	if size != len(c.buf) {
		nb := make([]byte, size)
		c.end = copy(nb, c.buf[c.start:c.end])
		c.buf, c.start = nb, 0
		return
	}
	c.end = copy(c.buf, c.buf[c.start:c.end])
	c.start = 0
}

// frame handles one message or control frame.
func (c *loopConn) frame(op byte, payload []byte) error {
	switch op {
	case wsPing:
		return c.write(wsFrame(wsPong, payload))
	case wsPong:
		return nil
	case wsClose:
		if c.closing.Load() {
			return errLoopClosed
		}
		code, reason := wsCloseCode(payload)
		_ = c.write(wsCloseFrame(code))
		return fmt.Errorf("websocket: close %d: %s", code, reason)
	}
	loopStats.frames.Add(1)
	if err := c.handle(op, payload, c.at); err != nil && c.fail != nil && !c.closing.Load() {
		c.fail(err)
	}
	return nil
}

// errLoopClosed ends a connection that this side closed.
var errLoopClosed = errors.New("closed")

// drop removes the connection from its loop and closes it, reporting err
// unless the connection was being closed on purpose.
func (c *loopConn) drop(err error) {
	if c.loop != nil {
		_ = unix.EpollCtl(c.loop.epfd, unix.EPOLL_CTL_DEL, c.fd, nil)
		c.loop.mu.Lock()
		delete(c.loop.conns, int32(c.fd))
		c.loop.mu.Unlock()
	}
	c.mu.Lock()
	_ = unix.Close(c.fd)
	c.fd = -1
	c.mu.Unlock()
	if !c.closing.Load() && !errors.Is(err, errLoopClosed) && c.fail != nil {
		c.fail(err)
	}
	close(c.done)
}

// write writes one frame whole, waiting (up to ten seconds) when the
// socket's buffer is full. Any goroutine may write.
func (c *loopConn) write(frame []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	deadline := time.Now().Add(10 * time.Second)
	for len(frame) > 0 {
		if c.fd < 0 {
			return errLoopClosed
		}
		n, err := unix.Write(c.fd, frame)
		if n > 0 {
			frame = frame[n:]
			continue
		}
		switch {
		case errors.Is(err, unix.EAGAIN):
			if time.Now().After(deadline) {
				return errors.New("websocket: write timed out")
			}
			fds := []unix.PollFd{{Fd: int32(c.fd), Events: unix.POLLOUT}}
			_, _ = unix.Poll(fds, 100)
		case errors.Is(err, unix.EINTR):
		case err != nil:
			return err
		}
	}
	return nil
}

// close sends a close frame and waits (up to two seconds) for the
// server's answer, then cuts the connection.
func (c *loopConn) close() error {
	if c.closing.Swap(true) {
		<-c.done
		return nil
	}
	_ = c.write(wsCloseFrame(1000))
	select {
	case <-c.done:
		return nil
	case <-time.After(2 * time.Second):
	}
	c.mu.Lock()
	if c.fd >= 0 {
		_ = unix.Shutdown(c.fd, unix.SHUT_RDWR)
	}
	c.mu.Unlock()
	<-c.done
	return nil
}
