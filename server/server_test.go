package server

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// This file is the shared harness of the server's tests: a real server over
// a demo database in a file of its own, behind a real HTTP server, and
// clients that behave like a browser (cookie jar, Origin on form posts, no
// redirect following, so that tests see every 303).

// testServer is a Server over a freshly loaded demo database, listening on
// a local port. Its BaseURL is the address it listens on, unless the test
// configured another one.
type testServer struct {
	*httptest.Server
	srv   *Server
	db    *sqlite.DB
	clock *testsupport.Clock
	logs  *testsupport.ErrorLog
}

// newTestServer returns a running server over a new demo database, whose
// BaseURL is its own address. Everything is closed when the test ends.
func newTestServer(t *testing.T) *testServer {
	t.Helper()
	return newTestServerWith(t, nil)
}

// newTestServerWith is newTestServer with a chance to change the Config
// before the server is made; BaseURL is preset to the server's address.
func newTestServerWith(t *testing.T, configure func(*Config)) *testServer {
	t.Helper()
	db, clock := testsupport.OpenStore(t)
	return startTestServer(t, db, clock, configure)
}

// startTestServer serves db, whose clock is clock, until the test ends.
// The caller closes db, after the server (register its Cleanup first).
func startTestServer(t *testing.T, db *sqlite.DB, clock *testsupport.Clock, configure func(*Config)) *testServer {
	t.Helper()
	ts := &testServer{db: db, clock: clock, logs: &testsupport.ErrorLog{}}
	// The listener exists before the server starts, so the server can be
	// told its own address.
	ts.Server = httptest.NewUnstartedServer(nil)
	cfg := Config{BaseURL: "http://" + ts.Listener.Addr().String(), Logger: slog.New(ts.logs)}
	if configure != nil {
		configure(&cfg)
	}
	var err error
	if ts.srv, err = New(cfg, db); err != nil {
		ts.Listener.Close()
		t.Fatalf("New: %v", err)
	}
	ts.Config.Handler = ts.srv
	ts.Start()
	t.Cleanup(func() {
		// Websocket connections are hijacked, so httptest does not wait
		// for them: shut the hub down first.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ts.srv.Shutdown(ctx)
		ts.Close()
		ts.logs.Check(t)
	})
	return ts
}

// account returns the account with email, failing the test if there is
// none.
func (ts *testServer) account(t *testing.T, email string) *workspace.Account {
	t.Helper()
	acc, err := ts.db.FindAccountByEmail(context.Background(), email)
	if err != nil {
		t.Fatalf("FindAccountByEmail(%s): %v", email, err)
	}
	return acc
}

// organisationNamed returns the organisation whose French name is name.
func (ts *testServer) organisationNamed(t *testing.T, name string) *workspace.Organisation {
	t.Helper()
	orgs, err := ts.db.FindOrganisations(context.Background(), workspace.OrganisationFilter{})
	if err != nil {
		t.Fatalf("FindOrganisations: %v", err)
	}
	for _, o := range orgs {
		if o.NameFR == name {
			return o
		}
	}
	t.Fatalf("no organisation named %q", name)
	return nil
}

// auditCount returns the number of entries in the audit log, once the
// writes requests left in the background are done.
func (ts *testServer) auditCount(t *testing.T) int {
	t.Helper()
	// A failed login's audit is written after its answer.
	ts.srv.background.Wait()
	_, total, err := ts.db.FindAuditEntries(context.Background(), workspace.AuditFilter{Limit: 1})
	if err != nil {
		t.Fatalf("FindAuditEntries: %v", err)
	}
	return total
}

// snapshot returns a description of everything a request could change:
// every organisation and account, field by field, and the size of the audit
// log (which records every other change: sessions, invitations, passwords).
// Two equal snapshots mean nothing changed.
func (ts *testServer) snapshot(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	orgs, err := ts.db.FindOrganisations(ctx, workspace.OrganisationFilter{})
	if err != nil {
		t.Fatalf("FindOrganisations: %v", err)
	}
	accs, err := ts.db.FindAccounts(ctx, workspace.AccountFilter{})
	if err != nil {
		t.Fatalf("FindAccounts: %v", err)
	}
	var b strings.Builder
	for _, o := range orgs {
		fmt.Fprintf(&b, "%+v\n", *o)
	}
	for _, a := range accs {
		acc := *a
		acc.Organisation = nil
		fmt.Fprintf(&b, "%+v\n", acc)
	}
	fmt.Fprintf(&b, "audit entries: %d\n", ts.auditCount(t))
	// Reading one's notifications is not audited, but it is a change.
	for _, a := range accs {
		n, err := ts.db.CountUnreadNotifications(ctx, a.ID)
		if err != nil {
			t.Fatalf("CountUnreadNotifications: %v", err)
		}
		fmt.Fprintf(&b, "unread notifications of %d: %d\n", a.ID, n)
	}
	return b.String()
}

// client is a browser: it keeps cookies, follows no redirect, and sends
// form posts with the Origin and Sec-Fetch-Site headers a browser sends.
type client struct {
	ts   *testServer
	jar  http.CookieJar
	http *http.Client
	// header is added to every request.
	header http.Header
}

// newClient returns a client without cookies.
func (ts *testServer) newClient(t *testing.T) *client {
	t.Helper()
	b := testsupport.NewBrowser(t, ts.URL)
	return &client{ts: ts, jar: b.Jar, http: b.HTTP, header: http.Header{}}
}

// response is an answer with its body read.
type response struct {
	*http.Response
	Body string
}

// location returns the Location header.
func (r *response) location() string { return r.Header.Get("Location") }

// setCookie returns the cookie named name that the response sets, or nil.
func (r *response) setCookie(name string) *http.Cookie {
	for _, c := range r.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// do sends req with the client's headers and returns the answer, body read.
func (c *client) do(t *testing.T, req *http.Request) *response {
	t.Helper()
	for k, vs := range c.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	return &response{Response: resp, Body: string(body)}
}

// get fetches path (with its query).
func (c *client) get(t *testing.T, path string) *response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c.do(t, req)
}

// postForm posts form to path as a browser on this site does.
func (c *client) postForm(t *testing.T, path string, form url.Values) *response {
	t.Helper()
	return c.post(t, path, form.Encode(), c.ts.URL, "same-origin")
}

// post posts an urlencoded body to path with the given Origin and
// Sec-Fetch-Site headers; empty values leave a header out.
func (c *client) post(t *testing.T, path, body, origin, fetchSite string) *response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	if fetchSite != "" {
		req.Header.Set("Sec-Fetch-Site", fetchSite)
	}
	return c.do(t, req)
}

// login posts the login form and returns the answer, whatever it is.
func (c *client) login(t *testing.T, email, password string) *response {
	t.Helper()
	return c.postForm(t, "/login", url.Values{"email": {email}, "password": {password}})
}

// loginAs returns a new client logged in as the demo account with email,
// through the login form.
func (ts *testServer) loginAs(t *testing.T, email string) *client {
	t.Helper()
	c := ts.newClient(t)
	c.mustLogin(t, email, demo.Password)
	return c
}

// mustLogin logs in through the form and fails the test unless it works.
func (c *client) mustLogin(t *testing.T, email, password string) {
	t.Helper()
	resp := c.login(t, email, password)
	if resp.StatusCode != http.StatusSeeOther || c.sessionToken() == "" {
		t.Fatalf("login as %s: status %d, want 303 and a session cookie\n%s", email, resp.StatusCode, resp.Body)
	}
}

// sessionClient returns a new client holding a session of the account with
// email, made directly in the store: much faster than the login form (no
// argon2), for tests that need many sessions.
func (ts *testServer) sessionClient(t *testing.T, email string) *client {
	t.Helper()
	acc := ts.account(t, email)
	token, err := ts.db.CreateSession(context.Background(), acc.ID, "")
	if err != nil {
		t.Fatalf("CreateSession(%s): %v", email, err)
	}
	c := ts.newClient(t)
	c.setSessionToken(t, token)
	return c
}

// sessionToken returns the session cookie the client holds, or "".
func (c *client) sessionToken() string {
	u, _ := url.Parse(c.ts.URL)
	for _, ck := range c.jar.Cookies(u) {
		if ck.Name == sessionCookie {
			return ck.Value
		}
	}
	return ""
}

// setSessionToken makes the client hold token as its session cookie.
func (c *client) setSessionToken(t *testing.T, token string) {
	t.Helper()
	u, err := url.Parse(c.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	c.jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: token, Path: "/"}})
}

// clientWithToken returns a new client holding token as its session cookie,
// as a thief who copied the cookie would.
func (ts *testServer) clientWithToken(t *testing.T, token string) *client {
	t.Helper()
	c := ts.newClient(t)
	c.setSessionToken(t, token)
	return c
}

// wantStatus fails the test unless resp has status want.
func wantStatus(t *testing.T, what string, resp *response, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("%s: status %d, want %d\n%s", what, resp.StatusCode, want, excerpt(resp.Body))
	}
}

// wantRedirect fails the test unless resp is a 303 to location.
func wantRedirect(t *testing.T, what string, resp *response, location string) {
	t.Helper()
	wantStatus(t, what, resp, http.StatusSeeOther)
	if got := resp.location(); got != location {
		t.Fatalf("%s: Location %q, want %q", what, got, location)
	}
}

// wantLoginRedirect fails the test unless resp sends the visitor to the
// login page.
func wantLoginRedirect(t *testing.T, what string, resp *response) {
	t.Helper()
	wantStatus(t, what, resp, http.StatusSeeOther)
	u, err := url.Parse(resp.location())
	if err != nil || u.Path != "/login" {
		t.Fatalf("%s: Location %q, want the login page", what, resp.location())
	}
}

// createdAccount matches where the server sends the browser after it has
// created an account.
var createdAccount = regexp.MustCompile(`^/admin/accounts/(\d+)/edit\?done=account_created$`)

// createAccount creates an account through the admin form, as c, and
// returns its id.
func (c *client) createAccount(t *testing.T, form url.Values) int64 {
	t.Helper()
	resp := c.postForm(t, "/admin/accounts", form)
	wantStatus(t, "create account", resp, http.StatusSeeOther)
	m := createdAccount.FindStringSubmatch(resp.location())
	if m == nil {
		t.Fatalf("create account: Location %q, want the new account's page", resp.location())
	}
	id, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// invitationInput matches the field that shows a new invitation link.
var invitationInput = regexp.MustCompile(`id="invitation-url"[^>]*\svalue="([^"]*)"`)

// invite makes an invitation link for the account through its admin page,
// as c, and returns the link's path, read from the page as a person would
// copy it.
func (c *client) invite(t *testing.T, accountID int64) string {
	t.Helper()
	resp := c.postForm(t, "/admin/accounts/"+strconv.FormatInt(accountID, 10)+"/invitation", nil)
	wantStatus(t, "make invitation", resp, http.StatusOK)
	m := invitationInput.FindStringSubmatch(resp.Body)
	if m == nil {
		t.Fatalf("make invitation: no link on the page\n%s", resp.Body)
	}
	link := html.UnescapeString(m[1])
	prefix := c.ts.URL + "/invitations/"
	if !strings.HasPrefix(link, prefix) || len(link) == len(prefix) {
		t.Fatalf("invitation link %q, want one under %s", link, prefix)
	}
	return strings.TrimPrefix(link, c.ts.URL)
}

// excerpt shortens a body for a failure message.
func excerpt(body string) string {
	const limit = 600
	if len(body) > limit {
		return body[:limit] + "…"
	}
	return body
}

// dialWS opens the live channel as c, sending origin as the Origin header
// (none when empty), in English, the language the tests read errors in.
// On a refused handshake it returns the error and the response, whose body
// has been read and closed.
func dialWS(t *testing.T, c *client, origin string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	return dialWSPath(t, c, origin, "/ws?lang=en")
}

// dialWSPath is dialWS to the address path (with its query).
func dialWSPath(t *testing.T, c *client, origin, path string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	d := websocket.Dialer{Jar: c.jar, HandshakeTimeout: 5 * time.Second}
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	ws, resp, err := d.Dial("ws"+strings.TrimPrefix(c.ts.URL, "http")+path, h)
	if resp != nil && resp.Body != nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if ws != nil {
		t.Cleanup(func() { ws.Close() })
	}
	return ws, resp, err
}

// mustDialWS opens the live channel as c from the site itself.
func mustDialWS(t *testing.T, c *client) *websocket.Conn {
	t.Helper()
	ws, resp, err := dialWS(t, c, c.ts.URL)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial websocket: %v (status %d)", err, status)
	}
	return ws
}

// wsMessage is a message of the live channel, as the server sends it.
type wsMessage struct {
	Type    string          `json:"type"`
	Topic   string          `json:"topic"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// String shows the message as the server sent it, for failure messages.
func (m wsMessage) String() string {
	return fmt.Sprintf("{type:%s topic:%s code:%s message:%q data:%s}", m.Type, m.Topic, m.Code, m.Message, m.Data)
}

// wsRead reads the next message, waiting at most d.
func wsRead(ws *websocket.Conn, d time.Duration) (wsMessage, error) {
	var m wsMessage
	_ = ws.SetReadDeadline(time.Now().Add(d))
	_, data, err := ws.ReadMessage()
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("websocket message %s: %w", data, err)
	}
	return m, nil
}

// wsSubscribe subscribes to topic and waits for the confirmation.
func wsSubscribe(t *testing.T, ws *websocket.Conn, topic string) {
	t.Helper()
	testsupport.SendText(t, ws, `{"type":"subscribe","topic":"`+topic+`"}`)
	m, err := wsRead(ws, 5*time.Second)
	if err != nil {
		t.Fatalf("subscribe %s: %v", topic, err)
	}
	if m.Type != "subscribed" || m.Topic != topic {
		t.Fatalf("subscribe %s: got %+v, want subscribed", topic, m)
	}
}

// wsExpectClose reads until the server closes the connection, which must
// happen within d, and returns the close frame. Messages read on the way
// are returned too, so a test can check that none was an event it must not
// see.
func wsExpectClose(t *testing.T, ws *websocket.Conn, d time.Duration) (*websocket.CloseError, []wsMessage) {
	t.Helper()
	ce, raw := testsupport.ExpectClose(t, ws, d)
	seen := make([]wsMessage, len(raw))
	for i, data := range raw {
		if err := json.Unmarshal(data, &seen[i]); err != nil {
			t.Fatalf("websocket message %s: %v", data, err)
		}
	}
	return ce, seen
}
