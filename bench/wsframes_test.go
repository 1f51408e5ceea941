package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// srvFrame builds an unmasked frame, as a server sends.
func srvFrame(fin bool, op byte, payload []byte) []byte {
	b0 := op
	if fin {
		b0 |= 0x80
	}
	b := []byte{b0}
	switch n := len(payload); {
	case n < 126:
		b = append(b, byte(n))
	case n <= 0xffff:
		b = append(b, 126, byte(n>>8), byte(n))
	default:
		b = append(b, 127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	return append(b, payload...)
}

type gotFrame struct {
	op      byte
	payload string
}

func collect(got *[]gotFrame) wsMessage {
	return func(op byte, payload []byte) error {
		*got = append(*got, gotFrame{op, string(payload)})
		return nil
	}
}

func TestWSParserWholeAndSplit(t *testing.T) {
	big := strings.Repeat("x", 70000)
	var stream []byte
	stream = append(stream, srvFrame(true, wsText, []byte("hello"))...)
	stream = append(stream, srvFrame(true, wsBinary, []byte(strings.Repeat("y", 300)))...)
	stream = append(stream, srvFrame(false, wsText, []byte("frag1 "))...)
	stream = append(stream, srvFrame(true, wsPing, []byte("p"))...)
	stream = append(stream, srvFrame(false, wsContinuation, []byte("frag2 "))...)
	stream = append(stream, srvFrame(true, wsContinuation, []byte("frag3"))...)
	stream = append(stream, srvFrame(true, wsBinary, []byte(big))...)
	want := []gotFrame{{wsText, "hello"}, {wsBinary, strings.Repeat("y", 300)}, {wsPing, "p"}, {wsText, "frag1 frag2 frag3"}, {wsBinary, big}}

	// All at once.
	var p wsParser
	var got []gotFrame
	used, need, err := p.parse(append([]byte(nil), stream...), collect(&got))
	if err != nil || used != len(stream) || need != 0 {
		t.Fatalf("parse: used %d of %d, need %d, err %v", used, len(stream), need, err)
	}
	checkFrames(t, got, want)

	// In pieces of every size from 1 to 17 bytes, as reads may cut them.
	for piece := 1; piece <= 17; piece++ {
		var p wsParser
		var got []gotFrame
		var buf []byte
		for i := 0; i < len(stream); i += piece {
			buf = append(buf, stream[i:min(i+piece, len(stream))]...)
			used, need, err := p.parse(buf, collect(&got))
			if err != nil {
				t.Fatal(err)
			}
			buf = append([]byte(nil), buf[used:]...)
			if len(buf) > 0 && need <= len(buf) {
				t.Fatalf("piece %d: %d bytes left but need %d", piece, len(buf), need)
			}
		}
		if len(buf) != 0 {
			t.Fatalf("piece %d: %d bytes left over", piece, len(buf))
		}
		checkFrames(t, got, want)
	}
}

func checkFrames(t *testing.T, got, want []gotFrame) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d frames, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("frame %d: op %d, %d bytes; want op %d, %d bytes", i, got[i].op, len(got[i].payload), want[i].op, len(want[i].payload))
		}
	}
}

func TestWSParserErrors(t *testing.T) {
	for name, stream := range map[string][]byte{
		"continuation first":    srvFrame(true, wsContinuation, []byte("x")),
		"message in a message":  append(srvFrame(false, wsText, []byte("a")), srvFrame(true, wsText, []byte("b"))...),
		"fragmented control":    srvFrame(false, wsPing, nil),
		"reserved bits":         {0xc1, 0},
		"control frame too big": srvFrame(true, wsPing, make([]byte, 126)),
	} {
		var p wsParser
		if _, _, err := p.parse(stream, func(byte, []byte) error { return nil }); !errors.Is(err, errWSProtocol) {
			t.Errorf("%s: err %v, want a protocol error", name, err)
		}
	}
}

func TestWSFrameMasked(t *testing.T) {
	for _, n := range []int{0, 5, 125, 126, 70000} {
		payload := bytes.Repeat([]byte{'z'}, n)
		f := wsFrame(wsBinary, payload)
		if f[1]&0x80 == 0 {
			t.Fatal("client frame not masked")
		}
		var p wsParser
		var got []gotFrame
		if used, _, err := p.parse(f, collect(&got)); err != nil || used != len(f) {
			t.Fatalf("%d bytes: used %d of %d, %v", n, used, len(f), err)
		}
		checkFrames(t, got, []gotFrame{{wsBinary, string(payload)}})
	}
}

// loopPair serves one end of a socket pair with an event loop and returns
// the other end, the server's.
func loopPair(t *testing.T, handle func(op byte, payload []byte, at time.Time) error, fail func(error)) (*loopConn, int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	c := newLoopConn(fds[0], nil)
	c.handle, c.fail = handle, fail
	if err := c.serve(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fds[1]) })
	return c, fds[1]
}

// readClientFrame reads one masked frame from the client's end.
func readClientFrame(t *testing.T, fd int) gotFrame {
	t.Helper()
	var p wsParser
	var buf []byte
	tmp := make([]byte, 4096)
	_ = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &unix.Timeval{Sec: 5})
	for {
		var got []gotFrame
		used, _, err := p.parse(buf, collect(&got))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) > 0 {
			return got[0]
		}
		buf = buf[used:]
		n, err := unix.Read(fd, tmp)
		if errors.Is(err, unix.EINTR) {
			continue // the Go runtime's preemption signal interrupted a blocking read
		}
		if n <= 0 {
			t.Fatalf("reading the client's frame: %v", err)
		}
		buf = append(buf, tmp[:n]...)
	}
}

func TestLoopConn(t *testing.T) {
	var mu sync.Mutex
	var got []gotFrame
	arrived := make(chan struct{}, 100)
	failed := make(chan error, 1)
	c, srv := loopPair(t, func(op byte, payload []byte, at time.Time) error {
		if d := time.Since(at); d < 0 || d > 5*time.Second {
			t.Errorf("a frame timed %v from now: the receive timestamp is wrong", d)
		}
		mu.Lock()
		got = append(got, gotFrame{op, string(payload)})
		mu.Unlock()
		arrived <- struct{}{}
		return nil
	}, func(err error) { failed <- err })
	wait := func(n int) {
		for range n {
			select {
			case <-arrived:
			case <-time.After(5 * time.Second):
				t.Fatal("a message did not arrive")
			}
		}
	}
	writeErr := func(b []byte) error {
		for len(b) > 0 {
			n, err := unix.Write(srv, b)
			if err != nil && !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EINTR) {
				return err
			}
			b = b[max(n, 0):]
		}
		return nil
	}
	write := func(b []byte) {
		if err := writeErr(b); err != nil {
			t.Fatal(err)
		}
	}

	// A frame split in two writes, then a fragmented one around a ping.
	f := srvFrame(true, wsText, []byte("split in two"))
	write(f[:5])
	time.Sleep(20 * time.Millisecond)
	write(f[5:])
	write(srvFrame(false, wsText, []byte("a")))
	write(srvFrame(true, wsPing, []byte("are you there")))
	if pong := readClientFrame(t, srv); pong != (gotFrame{wsPong, "are you there"}) {
		t.Fatalf("answer to ping: %+v", pong)
	}
	write(srvFrame(true, wsContinuation, []byte("b")))
	// Larger than the buffer, written while the loop reads.
	big := strings.Repeat("0123456789", 30000)
	go func() { _ = writeErr(srvFrame(true, wsBinary, []byte(big))) }()
	wait(3)
	mu.Lock()
	checkFrames(t, got, []gotFrame{{wsText, "split in two"}, {wsText, "ab"}, {wsBinary, big}})
	mu.Unlock()

	// A close from the server is answered and reported.
	write(srvFrame(true, wsClose, []byte{0x03, 0xf3, 'b', 'y', 'e'}))
	if f := readClientFrame(t, srv); f.op != wsClose {
		t.Fatalf("answer to close: %+v", f)
	}
	select {
	case err := <-failed:
		if !strings.Contains(err.Error(), "1011") {
			t.Errorf("failure %v, want the close code 1011", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the server's close was not reported")
	}
	<-c.done
}

func TestLoopConnCloseAndEOF(t *testing.T) {
	failed := make(chan error, 1)
	c, srv := loopPair(t, func(byte, []byte, time.Time) error { return nil }, func(err error) { failed <- err })
	// Closing on purpose: a close frame goes out, and the server's answer
	// ends it without a failure.
	go func() {
		if f := readClientFrame(t, srv); f.op == wsClose {
			_, _ = unix.Write(srv, srvFrame(true, wsClose, []byte{0x03, 0xe8}))
		}
	}()
	if err := c.close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-failed:
		t.Fatalf("a close on purpose reported %v", err)
	default:
	}

	// A connection the server cuts is a failure.
	_, srv2 := loopPair(t, func(byte, []byte, time.Time) error { return nil }, func(err error) { failed <- err })
	_ = unix.Shutdown(srv2, unix.SHUT_RDWR)
	select {
	case <-failed:
	case <-time.After(5 * time.Second):
		t.Fatal("a lost connection was not reported")
	}
}
