package collab_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"tawla/collab"
	"tawla/internal/testsupport"
	"tawla/server"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// The co-editing authority's tests run it as it runs in Tawla: wired into
// a real server over a demo store in a file of its own, behind a real HTTP
// server, reached by websocket clients that logged in through the form.

// testServer is a Tawla server over a fresh demo store, listening on a
// local port.
type testServer struct {
	URL    string
	srv    *server.Server
	collab *collab.Authority
	db     *sqlite.DB
	clock  *testsupport.Clock
}

// newTestServer returns a running server over a new demo store; everything
// is closed when the test ends, and the test fails if the server logged an
// error.
func newTestServer(t *testing.T) *testServer {
	t.Helper()
	return newTestServerWith(t, nil)
}

// newTestServerWith is newTestServer with a chance to change the Config
// before the server is made; BaseURL is preset to the server's address.
func newTestServerWith(t *testing.T, configure func(*server.Config)) *testServer {
	t.Helper()
	db, clock := testsupport.OpenStore(t)
	logs := &testsupport.ErrorLog{}
	// The listener exists before the server starts, so the server can be
	// told its own address.
	hs := httptest.NewUnstartedServer(nil)
	cfg := server.Config{BaseURL: "http://" + hs.Listener.Addr().String(), Logger: slog.New(logs)}
	if configure != nil {
		configure(&cfg)
	}
	srv, err := server.New(cfg, db)
	if err != nil {
		hs.Listener.Close()
		t.Fatalf("server.New: %v", err)
	}
	hs.Config.Handler = srv
	hs.Start()
	t.Cleanup(func() {
		// Websocket connections are hijacked, so httptest does not wait
		// for them: shut the hub down first.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		hs.Close()
		logs.Check(t)
	})
	return &testServer{URL: hs.URL, srv: srv, collab: srv.Collab(), db: db, clock: clock}
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

// loginAs returns a browser logged in, through the form, as the demo
// account with email.
func (ts *testServer) loginAs(t *testing.T, email string) *testsupport.Browser {
	t.Helper()
	return testsupport.Login(t, ts.URL, email)
}
