package server

import (
	"context"
	"net/http"

	"tawla/workspace"
)

// notificationsShown is how many of an account's latest notifications its
// page lists.
const notificationsShown = 100

// notificationsView is the page of one's notifications.
type notificationsView struct {
	Notifications []*workspace.Notification
}

// unreadCount returns the account's number of unread notifications for
// the header, or 0 when it cannot be read (logged): a page is not refused
// for its badge.
func (s *Server) unreadCount(ctx context.Context, accountID int64) int {
	n, err := s.db.CountUnreadNotifications(ctx, accountID)
	if err != nil {
		if ctx.Err() == nil {
			s.logger.Error("count unread notifications", "account_id", accountID, "err", err)
		}
		return 0
	}
	return n
}

// handleNotifications lists the viewer's latest notifications, newest
// first, the unread ones marked, each naming its issue and what happened
// and linking to the issue. They never carry an issue's private fields:
// a notification names only the issue, its title and the kind of event.
func (s *Server) handleNotifications(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "notifications.title").withNotice(r)
	p.Section = "notifications"
	list, err := s.db.FindNotifications(r.Context(), p.Account.ID, notificationsShown)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p.Data = &notificationsView{Notifications: list}
	s.render(w, r, http.StatusOK, "notifications", p)
}

// handleNotificationsRead marks all the viewer's notifications read, then
// sends the new count (zero) to the viewer's other open pages.
func (s *Server) handleNotificationsRead(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	acc := currentAccount(r)
	if err := s.db.MarkNotificationsRead(r.Context(), workspace.ActorFor(acc), 0); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.publishUnread(r.Context(), acc.ID)
	redirectDone(w, r, "/notifications", "notifications_read")
}
