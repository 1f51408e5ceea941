package testsupport

import (
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tawla/demo"
)

// sessionCookie is the name of the cookie that holds the session token.
const sessionCookie = "tawla_session"

// Browser is an HTTP client that behaves as a browser on one site: it keeps
// cookies, follows no redirect (tests see every 303), and sends form posts
// with the Origin a browser sends.
type Browser struct {
	// Base is the site's address, such as http://127.0.0.1:41234.
	Base string
	Jar  http.CookieJar
	HTTP *http.Client
}

// NewBrowser returns a browser without cookies for the site at base.
func NewBrowser(t testing.TB, base string) *Browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &Browser{
		Base: base,
		Jar:  jar,
		HTTP: &http.Client{
			Jar:           jar,
			Timeout:       10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	t.Cleanup(b.HTTP.CloseIdleConnections)
	return b
}

// Login returns a new browser logged in, through the login form, as the
// demo account with email (whose password is the demo password).
func Login(t testing.TB, base, email string) *Browser {
	t.Helper()
	b := NewBrowser(t, base)
	form := url.Values{"email": {email}, "password": {demo.Password}}
	req, err := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp, err := b.HTTP.Do(req)
	if err != nil {
		t.Fatalf("login as %s: %v", email, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || b.SessionToken() == "" {
		t.Fatalf("login as %s: status %d, want 303 and a session cookie\n%s", email, resp.StatusCode, body)
	}
	return b
}

// SessionToken returns the session cookie the browser holds, or "".
func (b *Browser) SessionToken() string {
	u, err := url.Parse(b.Base)
	if err != nil {
		return ""
	}
	for _, c := range b.Jar.Cookies(u) {
		if c.Name == sessionCookie {
			return c.Value
		}
	}
	return ""
}

// DialLive opens the live channel, GET /ws, from the site itself, with the
// page language lang (as ?lang= would choose it; empty keeps the
// account's). On a refused handshake it returns the error and the
// response, whose body has been read and closed. The connection is closed
// when the test ends.
func (b *Browser) DialLive(t testing.TB, lang string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	d := websocket.Dialer{Jar: b.Jar, HandshakeTimeout: 5 * time.Second}
	target := "ws" + strings.TrimPrefix(b.Base, "http") + "/ws"
	if lang != "" {
		target += "?lang=" + url.QueryEscape(lang)
	}
	ws, resp, err := d.Dial(target, http.Header{"Origin": {b.Base}})
	if resp != nil && resp.Body != nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if ws != nil {
		t.Cleanup(func() { ws.Close() })
	}
	return ws, resp, err
}

// MustDialLive is DialLive in English, the language tests read errors in,
// failing the test when the channel does not open.
func (b *Browser) MustDialLive(t testing.TB) *websocket.Conn {
	t.Helper()
	ws, resp, err := b.DialLive(t, "en")
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial websocket: %v (status %d)", err, status)
	}
	return ws
}

// SendText sends msg on ws as one text frame, failing the test when it
// cannot within five seconds.
func SendText(t testing.TB, ws *websocket.Conn, msg string) {
	t.Helper()
	_ = ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if err := ws.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		t.Fatalf("websocket send %s: %v", msg, err)
	}
}

// ExpectClose reads from ws until the server closes the connection, which
// must happen within d, and returns the close frame with the messages read
// on the way, so that a test can check that none is one it must not see.
func ExpectClose(t testing.TB, ws *websocket.Conn, d time.Duration) (*websocket.CloseError, [][]byte) {
	t.Helper()
	deadline := time.Now().Add(d)
	var seen [][]byte
	for {
		_ = ws.SetReadDeadline(deadline)
		_, data, err := ws.ReadMessage()
		if err == nil {
			seen = append(seen, data)
			continue
		}
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce, seen
		}
		t.Fatalf("websocket: want a close frame within %v, got %v (messages before: %q)", d, err, seen)
		return nil, seen
	}
}
