package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// A minimal websocket client (RFC 6455) for the counting readers
// (counting.go): the opening handshake over a plain TCP connection, and a
// frame parser that works on whatever bytes a read returned — frames split
// across reads, several frames in one read, fragmented messages, control
// frames in between. The server's frames are unmasked; the frames written
// here are masked, as a client's must be. No extension is offered, so no
// frame is compressed.

// Websocket opcodes.
const (
	wsContinuation = 0x0
	wsText         = 0x1
	wsBinary       = 0x2
	wsClose        = 0x8
	wsPing         = 0x9
	wsPong         = 0xa
)

// wsGUID is the handshake's fixed key suffix.
const wsGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// wsDial opens a TCP connection to addr and completes the websocket
// handshake for path, with header's fields added (Cookie, Origin). It
// returns the connection and the bytes read past the handshake's answer
// (the server's first frames, if it sent some at once).
func wsDial(ctx context.Context, addr, path string, header http.Header) (*net.TCPConn, []byte, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	conn := c.(*net.TCPConn)
	deadline := time.Now().Add(30 * time.Second)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	_ = conn.SetDeadline(deadline)
	rest, err := wsHandshake(conn, addr, path, header)
	if err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("websocket handshake with %s%s: %w", addr, path, err)
	}
	_ = conn.SetDeadline(time.Time{})
	return conn, rest, nil
}

// wsHandshake writes the upgrade request and reads the answer up to its
// blank line.
func wsHandshake(conn net.Conn, host, path string, header http.Header) ([]byte, error) {
	var nonce [16]byte
	_, _ = rand.Read(nonce[:])
	key := base64.StdEncoding.EncodeToString(nonce[:])
	var req strings.Builder
	fmt.Fprintf(&req, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n", path, host, key)
	for k, vs := range header {
		for _, v := range vs {
			fmt.Fprintf(&req, "%s: %s\r\n", k, v)
		}
	}
	req.WriteString("\r\n")
	if _, err := conn.Write([]byte(req.String())); err != nil {
		return nil, err
	}
	buf := make([]byte, 0, 4096)
	for {
		if i := bytes.Index(buf, []byte("\r\n\r\n")); i >= 0 {
			head, rest := string(buf[:i]), buf[i+4:]
			lines := strings.Split(head, "\r\n")
			if f := strings.Fields(lines[0]); len(f) < 2 || f[1] != "101" {
				return nil, fmt.Errorf("answer %q", lines[0])
			}
			sum := sha1.Sum([]byte(key + wsGUID))
			want := base64.StdEncoding.EncodeToString(sum[:])
			ok := false
			for _, l := range lines[1:] {
				k, v, _ := strings.Cut(l, ":")
				if strings.EqualFold(strings.TrimSpace(k), "Sec-WebSocket-Accept") && strings.TrimSpace(v) == want {
					ok = true
				}
			}
			if !ok {
				return nil, errors.New("no or wrong Sec-WebSocket-Accept")
			}
			return append([]byte(nil), rest...), nil
		}
		if len(buf) == cap(buf) {
			return nil, errors.New("answer's header too long")
		}
		n, err := conn.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			return nil, err
		}
	}
}

// wsFrame returns one masked client frame (FIN set) of opcode op.
func wsFrame(op byte, payload []byte) []byte {
	n := len(payload)
	b := make([]byte, 0, 14+n)
	b = append(b, 0x80|op)
	switch {
	case n < 126:
		b = append(b, 0x80|byte(n))
	case n <= 0xffff:
		b = append(b, 0x80|126, byte(n>>8), byte(n))
	default:
		b = append(b, 0x80|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	var key [4]byte
	_, _ = rand.Read(key[:])
	b = append(b, key[:]...)
	start := len(b)
	b = append(b, payload...)
	for i := range n {
		b[start+i] ^= key[i&3]
	}
	return b
}

// wsMessage is called for each complete message (text or binary,
// reassembled from its fragments) and each control frame (close, ping,
// pong). payload is valid only during the call.
type wsMessage func(op byte, payload []byte) error

// wsParser reassembles the messages of one connection from frames.
type wsParser struct {
	// The fragments of the message being received, and its opcode; op is
	// 0 between messages.
	op   byte
	frag []byte
	// maxMessage bounds a message (all fragments), as a guard.
	maxMessage int
}

var errWSProtocol = errors.New("websocket protocol error")

// parse handles the complete frames at the start of b, calling fn for
// each message and control frame, and returns how many bytes it used.
// When b ends inside a frame, need is the size of that whole frame (header
// included), which the caller's buffer must be able to hold; otherwise
// need is 0. An error from fn stops the parse.
func (p *wsParser) parse(b []byte, fn wsMessage) (used, need int, err error) {
	for {
		rest := b[used:]
		if len(rest) < 2 {
			if len(rest) > 0 {
				need = 2
			}
			return used, need, nil
		}
		fin := rest[0]&0x80 != 0
		op := rest[0] & 0x0f
		if rest[0]&0x70 != 0 {
			return used, 0, fmt.Errorf("%w: reserved bits set (no extension was negotiated)", errWSProtocol)
		}
		masked := rest[1]&0x80 != 0
		n := uint64(rest[1] & 0x7f)
		h := 2
		switch n {
		case 126:
			h = 4
			if len(rest) < h {
				return used, h, nil
			}
			n = uint64(binary.BigEndian.Uint16(rest[2:4]))
		case 127:
			h = 10
			if len(rest) < h {
				return used, h, nil
			}
			n = binary.BigEndian.Uint64(rest[2:10])
		}
		if masked {
			h += 4
		}
		if p.maxMessage > 0 && n > uint64(p.maxMessage) {
			return used, 0, fmt.Errorf("%w: a frame of %d bytes", errWSProtocol, n)
		}
		total := h + int(n)
		if len(rest) < total {
			return used, total, nil
		}
		payload := rest[h:total]
		if masked {
			key := rest[h-4 : h]
			for i := range payload {
				payload[i] ^= key[i&3]
			}
		}
		used += total
		if op >= wsClose {
			if !fin || n > 125 {
				return used, 0, fmt.Errorf("%w: control frame fragmented or too long", errWSProtocol)
			}
			if err := fn(op, payload); err != nil {
				return used, 0, err
			}
			continue
		}
		switch {
		case op == wsContinuation && p.op == 0:
			return used, 0, fmt.Errorf("%w: continuation outside a message", errWSProtocol)
		case op != wsContinuation && p.op != 0:
			return used, 0, fmt.Errorf("%w: a new message inside a fragmented one", errWSProtocol)
		case op == wsContinuation:
			if p.maxMessage > 0 && len(p.frag)+len(payload) > p.maxMessage {
				return used, 0, fmt.Errorf("%w: a message over %d bytes", errWSProtocol, p.maxMessage)
			}
			p.frag = append(p.frag, payload...)
			if fin {
				msgOp := p.op
				p.op = 0
				err := fn(msgOp, p.frag)
				p.frag = p.frag[:0]
				if err != nil {
					return used, 0, err
				}
			}
		case fin:
			if err := fn(op, payload); err != nil {
				return used, 0, err
			}
		default:
			p.op = op
			p.frag = append(p.frag[:0], payload...)
		}
	}
}

// wsCloseCode returns the status code of a close frame's payload (1005,
// "no status", when it has none) and its reason.
func wsCloseCode(payload []byte) (int, string) {
	if len(payload) < 2 {
		return 1005, ""
	}
	return int(binary.BigEndian.Uint16(payload)), string(payload[2:])
}

// wsCloseFrame returns a masked close frame with a status code.
func wsCloseFrame(code int) []byte {
	return wsFrame(wsClose, binary.BigEndian.AppendUint16(nil, uint16(code)))
}
