package server

import (
	"fmt"
	"net/http"
	"net/url"
)

// notices is the one table of the confirmations a page shows after a form
// has done its work: each name that a redirect carries in ?done= maps to
// the catalogue key of the text. Handlers redirect with redirectDone, which
// refuses a name missing here, and pages show the confirmation with
// withNotice, which ignores one (a ?done= typed by hand shows nothing).
var notices = map[string]string{
	"logged_out":           "notice.logged_out",
	"session_ended":        "notice.session_ended",
	"password_set":         "notice.password_set",
	"password_changed":     "notice.password_changed",
	"organisation_created": "notice.organisation_created",
	"organisation_saved":   "notice.organisation_saved",
	"account_created":      "notice.account_created",
	"account_saved":        "notice.account_saved",
	"procedure_created":    "notice.procedure_created",
	"procedure_saved":      "notice.procedure_saved",
	"version_frozen":       "notice.version_frozen",
	"version_restored":     "notice.version_restored",
	"restore_undone":       "notice.restore_undone",
	// Comments and observations.
	"comment_added":       "notice.comment_added",
	"reply_added":         "notice.reply_added",
	"comment_resolved":    "notice.comment_resolved",
	"comment_reopened":    "notice.comment_reopened",
	"suggestion_handled":  "notice.suggestion_handled",
	"comment_answered":    "notice.comment_answered",
	"suggestion_accepted": "notice.suggestion_accepted",
	"suggestion_rejected": "notice.suggestion_rejected",
	"consultation_opened": "notice.consultation_opened",
	"consultation_closed": "notice.consultation_closed",
	// Meetings.
	"meeting_created":        "notice.meeting_created",
	"meeting_saved":          "notice.meeting_saved",
	"meeting_invitees_saved": "notice.meeting_invitees_saved",
	"attendance_saved":       "notice.attendance_saved",
	"meeting_started":        "notice.meeting_started",
	"meeting_closed":         "notice.meeting_closed",
	"meeting_cancelled":      "notice.meeting_cancelled",
	// Agendas, decisions and actions.
	"agenda_item_added":   "notice.agenda_item_added",
	"agenda_item_saved":   "notice.agenda_item_saved",
	"agenda_item_deleted": "notice.agenda_item_deleted",
	"agenda_item_moved":   "notice.agenda_item_moved",
	"decision_recorded":   "notice.decision_recorded",
	"action_added":        "notice.action_added",
	"action_saved":        "notice.action_saved",
	// The meeting room (handle_meeting_room.go).
	"checked_in":      "notice.checked_in",
	"floor_asked":     "notice.floor_asked",
	"floor_withdrawn": "notice.floor_withdrawn",
	"room_item_moved": "notice.room_item_moved",
	"floor_given":     "notice.floor_given",
	"floor_next":      "notice.floor_next",
	"floor_ended":     "notice.floor_ended",
	// The issue board (handle_issue_category.go, handle_issue_passage.go).
	"category_created":     "notice.category_created",
	"category_saved":       "notice.category_saved",
	"issue_passage_linked": "notice.issue_passage_linked",
	// Notifications (handle_notification.go).
	"notifications_read": "notice.notifications_read",
	// Issues (handle_issue*.go).
	"issue_created":        "notice.issue_created",
	"issue_saved":          "notice.issue_saved",
	"issue_status_changed": "notice.issue_status_changed",
	"issue_assigned":       "notice.issue_assigned",
	"issue_commented":      "notice.issue_commented",
	"issue_followed":       "notice.issue_followed",
	"issue_unfollowed":     "notice.issue_unfollowed",
	"issue_linked":         "notice.issue_linked",
	"issue_unlinked":       "notice.issue_unlinked",
	// Votes (handle_poll*.go).
	"poll_created": "notice.poll_created",
	"poll_saved":   "notice.poll_saved",
	"poll_opened":  "notice.poll_opened",
	"poll_closed":  "notice.poll_closed",
	"vote_cast":    "notice.vote_cast",
	"vote_changed": "notice.vote_changed",
	// The register (handle_publish.go, handle_register_withdraw.go).
	"version_published": "publish.done",
	"entry_withdrawn":   "register.withdraw.done",
}

// redirectDone answers 303 See Other to path with ?done=notice added to its
// query, so that the page there confirms what was done. notice must be a
// name in notices: an unknown name is a programming error, so redirectDone
// panics (withRecovery makes it a 500), and TestRedirectDoneNotices finds
// such a call before any request does.
func redirectDone(w http.ResponseWriter, r *http.Request, path, notice string) {
	if _, ok := notices[notice]; !ok {
		panic(fmt.Sprintf("redirectDone: unknown notice %q; add it to notices", notice))
	}
	u, err := url.Parse(path)
	if err != nil {
		panic(fmt.Sprintf("redirectDone: path %q: %v", path, err))
	}
	q := u.Query()
	q.Set("done", notice)
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

// withNotice sets p.Notice from the request's ?done= value, if it names a
// notice.
func (p *page) withNotice(r *http.Request) *page {
	if key, ok := notices[r.URL.Query().Get("done")]; ok {
		p.Notice = p.T(key)
	}
	return p
}
