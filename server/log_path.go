package server

import (
	"net/http"
	"strings"
)

// logPath returns the path of r as the log may keep it: an invitation's
// token is a credential (whoever holds it sets the person's password), so
// /invitations/{token} is logged as /invitations/…. The calendar feed
// redacts its own path before it reaches the log (handle_calendar.go).
func logPath(r *http.Request) string {
	const invitations = "/invitations/"
	if strings.HasPrefix(r.URL.Path, invitations) && len(r.URL.Path) > len(invitations) {
		return invitations + "…"
	}
	return r.URL.Path
}
