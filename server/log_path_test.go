package server

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"tawla/internal/testsupport"
	"tawla/workspace"
)

// TestErrorLogRedactsInvitationToken checks that a failure on an
// invitation's page logs its path without the token, which is a
// credential: whoever reads the log could otherwise set the person's
// password.
func TestErrorLogRedactsInvitationToken(t *testing.T) {
	ts := newTestServer(t)
	logs := &testsupport.ErrorLog{}
	ts.srv.logger = slog.New(logs)
	token := workspace.NewToken()
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		r := httptest.NewRequest(method, "/invitations/"+token, nil)
		ts.srv.renderError(httptest.NewRecorder(), r, workspace.Errorf(workspace.EINTERNAL, "the store failed"))
	}
	records := logs.Records()
	if len(records) != 2 {
		t.Fatalf("%d error records, want 2: %q", len(records), records)
	}
	for _, rec := range records {
		if strings.Contains(rec, token) {
			t.Errorf("the log holds the invitation token: %s", rec)
		}
		if !strings.Contains(rec, "/invitations/…") {
			t.Errorf("the log does not say which page failed: %s", rec)
		}
	}
}
