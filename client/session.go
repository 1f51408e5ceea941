// Package client speaks Tawla's live protocol (docs/protocol.md) from Go:
// it logs in, opens the websocket, and co-edits documents exactly as the
// browser does with @codemirror/collab. Tests use it to drive the server
// with many editors at once, and so will the load generator.
//
// A Session is a logged-in account; Session.Dial opens a Conn, the
// websocket; Open joins a document over a Conn and returns an Editor, which
// keeps the local text, pushes local changes and applies the updates the
// server accepts.
package client

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// sessionCookie is the name of the server's session cookie.
const sessionCookie = "tawla_session"

// writeWait bounds the writing of one message when the context sets no
// deadline, as the server bounds its own writes.
const writeWait = 10 * time.Second

// Session is an account logged in to a Tawla server: the session cookie,
// kept in a cookie jar. It is safe for concurrent use; one Session may
// open many connections, as one person's several tabs do.
type Session struct {
	base   *url.URL
	jar    http.CookieJar
	client *http.Client
}

// Login posts the login form of the server at baseURL (such as
// "http://127.0.0.1:8080") as a browser on that site would (with the site
// as Origin) and returns the session it opens. Wrong credentials, a
// throttled login or anything but the server's 303 with a session cookie is
// an error.
func Login(ctx context.Context, baseURL, email, password string) (*Session, error) {
	base, err := url.Parse(strings.TrimSuffix(baseURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("client: base URL %q is not an http(s) address", baseURL)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	s := &Session{
		base: base,
		jar:  jar,
		client: &http.Client{
			Jar: jar,
			// The login answers 303; the page it leads to is not needed.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	form := url.Values{"email": {email}, "password": {password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base.String()+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.origin())
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("client: login: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || s.token() == "" {
		return nil, fmt.Errorf("client: login as %s: status %d", email, resp.StatusCode)
	}
	return s, nil
}

// origin is the value of the Origin header of requests from the site.
func (s *Session) origin() string { return s.base.Scheme + "://" + s.base.Host }

// token returns the session cookie's value, or "".
func (s *Session) token() string {
	for _, c := range s.jar.Cookies(s.base) {
		if c.Name == sessionCookie {
			return c.Value
		}
	}
	return ""
}

// Dial opens the live channel, GET /ws, with the session cookie and the
// site as Origin. The caller owns the Conn and closes it.
func (s *Session) Dial(ctx context.Context) (*Conn, error) { return s.DialWith(ctx, nil) }

// DialWith is Dial over a network connection that netDial opens (for a
// connection that times or counts what it carries); a nil netDial dials as
// Dial does.
func (s *Session) DialWith(ctx context.Context, netDial func(ctx context.Context, network, addr string) (net.Conn, error)) (*Conn, error) {
	u := *s.base
	if u.Scheme == "https" {
		u.Scheme = "wss"
	} else {
		u.Scheme = "ws"
	}
	u.Path += "/ws"
	d := websocket.Dialer{Jar: s.jar, HandshakeTimeout: writeWait, NetDialContext: netDial}
	h := http.Header{"Origin": {s.origin()}}
	ws, resp, err := d.DialContext(ctx, u.String(), h)
	if resp != nil && resp.Body != nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("client: dial %s: %w (status %d)", u.String(), err, resp.StatusCode)
		}
		return nil, fmt.Errorf("client: dial %s: %w", u.String(), err)
	}
	return &Conn{ws: ws}, nil
}

// Conn is one websocket connection to the server. Send may be called from
// several goroutines; Receive from one at a time. An Editor that is given a
// Conn owns it: it reads and writes it from its own goroutines until it
// drops it.
type Conn struct {
	ws  *websocket.Conn
	wmu sync.Mutex // serialises writers, as gorilla requires
}

// Send writes one text message. The context's deadline, or ten seconds,
// bounds the write.
func (c *Conn) Send(ctx context.Context, data []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(writeWait)
	}
	_ = c.ws.SetWriteDeadline(deadline)
	return c.ws.WriteMessage(websocket.TextMessage, data)
}

// Receive reads the next message. It ends early when ctx does, but a
// connection whose read was cut short that way (or failed in any way)
// cannot be read again. A close from the server is a *websocket.CloseError.
func (c *Conn) Receive(ctx context.Context) ([]byte, error) {
	deadline, _ := ctx.Deadline() // zero means none
	_ = c.ws.SetReadDeadline(deadline)
	stop := context.AfterFunc(ctx, func() {
		_ = c.ws.SetReadDeadline(time.Unix(1, 0))
	})
	defer stop()
	for {
		typ, data, err := c.ws.ReadMessage()
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, err
		}
		if typ == websocket.TextMessage {
			return data, nil
		}
	}
}

// Close closes the connection politely, with a normal-closure frame.
func (c *Conn) Close() error {
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
	// The server may have gone already: the close frame is a courtesy.
	_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	return c.ws.Close()
}

// Drop cuts the connection without a close frame, as a lost network does:
// the server learns of it only when its next read or write fails.
func (c *Conn) Drop() error {
	return c.ws.Close()
}
