package server

import (
	"net/http"
	"strconv"
	"strings"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// The forms of the issue page. Each reads its form, calls one store
// method, which decides with the workspace's rules, publishes the change
// once it is committed and goes back to the issue with a notice; a form
// that fails comes back on the issue page, filled, with its message.

// issueAction runs a form of issue {id}'s page: it finds the issue, reads
// the form, calls do and, when it succeeds, publishes the change and
// returns the issue's id and true: the caller then redirects to the issue
// with its notice. On failure the issue page comes back with the message
// beside the form named form, and the values read kept.
func (s *Server) issueAction(w http.ResponseWriter, r *http.Request, form string, fields []string,
	do func(issue *workspace.Issue, actor workspace.Actor) (*sqlite.IssueChange, error)) (int64, bool) {
	issue, ok := s.issueFromPath(w, r)
	if !ok {
		return 0, false
	}
	values := map[string]string{}
	formErr := parseForm(w, r)
	if formErr != nil && !formKept(formErr) {
		s.renderIssuePage(w, r, statusOf(formErr), issue, form, formErr, values)
		return 0, false
	}
	for _, f := range fields {
		values[f] = r.PostFormValue(f)
	}
	if formErr != nil {
		s.renderIssuePage(w, r, statusOf(formErr), issue, form, formErr, values)
		return 0, false
	}
	change, err := do(issue, workspace.ActorFor(currentAccount(r)))
	if err != nil {
		// The page shows the issue as it is now, not as the request found it.
		if fresh, findErr := s.db.FindIssueByID(r.Context(), issue.ID); findErr == nil {
			issue = fresh
		}
		s.renderIssuePage(w, r, statusOf(err), issue, form, err, values)
		return 0, false
	}
	if change != nil && change.Event != nil {
		s.publishIssueChange(r.Context(), issue.ID, change)
	}
	return issue.ID, true
}

// handleIssueStatus moves an issue to another status, with a reason.
func (s *Server) handleIssueStatus(w http.ResponseWriter, r *http.Request) {
	id, ok := s.issueAction(w, r, "status", []string{"status", "reason"},
		func(issue *workspace.Issue, actor workspace.Actor) (*sqlite.IssueChange, error) {
			change, err := s.db.ChangeIssueStatus(r.Context(), actor, issue.ID, workspace.IssueStatus(formValue(r, "status")), formValue(r, "reason"))
			return change, err
		})
	if ok {
		redirectDone(w, r, issuePath(id), "issue_status_changed")
	}
}

// handleIssueAssign makes an organisation (or nobody) the issue's owner.
// Choosing the owner it already has is a mistake of the form, said as
// such, rather than a change that changes nothing.
func (s *Server) handleIssueAssign(w http.ResponseWriter, r *http.Request) {
	id, ok := s.issueAction(w, r, "assign", []string{"owner_organisation_id"},
		func(issue *workspace.Issue, actor workspace.Actor) (*sqlite.IssueChange, error) {
			// The field must be sent: empty says "nobody", missing says
			// nothing, and a form that says nothing changes nothing.
			if _, sent := r.PostForm["owner_organisation_id"]; !sent {
				return nil, workspace.Invalid("owner_organisation_id", "error.issue.owner_invalid", "Choose an active organisation.")
			}
			var owner *int64
			if v := formValue(r, "owner_organisation_id"); v != "" {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil || n <= 0 {
					return nil, workspace.Invalid("owner_organisation_id", "error.issue.owner_invalid", "Choose an active organisation.")
				}
				owner = &n
			}
			change, err := s.db.AssignIssue(r.Context(), actor, issue.ID, owner)
			if err == nil && (change == nil || change.Event == nil) {
				return nil, workspace.Invalid("owner_organisation_id", "error.issue.owner_same", "The issue already has this owner.")
			}
			return change, err
		})
	if ok {
		redirectDone(w, r, issuePath(id), "issue_assigned")
	}
}

// handleIssueComment adds a comment (Markdown) to the issue's timeline.
func (s *Server) handleIssueComment(w http.ResponseWriter, r *http.Request) {
	id, ok := s.issueAction(w, r, "comment", []string{"body"},
		func(issue *workspace.Issue, actor workspace.Actor) (*sqlite.IssueChange, error) {
			change, err := s.db.CommentIssue(r.Context(), actor, issue.ID, r.PostFormValue("body"))
			return change, err
		})
	if ok {
		redirectDone(w, r, issuePath(id), "issue_commented")
	}
}

// handleIssueFollow makes the viewer follow the issue (follow=on) or stop
// following it (follow=off).
func (s *Server) handleIssueFollow(w http.ResponseWriter, r *http.Request) {
	follow := true
	id, ok := s.issueAction(w, r, "follow", nil,
		func(issue *workspace.Issue, actor workspace.Actor) (*sqlite.IssueChange, error) {
			switch formValue(r, "follow") {
			case "on":
			case "off":
				follow = false
			default:
				return nil, workspace.Invalid("follow", "error.issue.follow_invalid", "Say whether to follow the issue.")
			}
			return nil, s.db.FollowIssue(r.Context(), actor, issue.ID, follow)
		})
	switch {
	case ok && follow:
		redirectDone(w, r, issuePath(id), "issue_followed")
	case ok:
		redirectDone(w, r, issuePath(id), "issue_unfollowed")
	}
}

// handleIssueLink links the issue to what the form's one list names: a
// meeting, an agenda item, the decision on one, an action or a procedure,
// as "kind:id" (issueLinkTargets). The older form — a kind, then a
// meeting or a procedure chosen in a list, or anything given by number —
// is still read.
func (s *Server) handleIssueLink(w http.ResponseWriter, r *http.Request) {
	id, ok := s.issueAction(w, r, "link", []string{"target", "target_kind", "target_id"},
		func(issue *workspace.Issue, actor workspace.Actor) (*sqlite.IssueChange, error) {
			kind, n, err := readLinkTarget(r)
			if err != nil {
				return nil, err
			}
			change, err := s.db.LinkIssue(r.Context(), actor, &workspace.IssueLink{IssueID: issue.ID, TargetKind: kind, TargetID: n})
			return change, err
		})
	if ok {
		redirectDone(w, r, issuePath(id), "issue_linked")
	}
}

// readLinkTarget reads what a link form links the issue to: the "target"
// list's "kind:id", or else the kind and the meeting, procedure or number
// of the older form.
func readLinkTarget(r *http.Request) (workspace.IssueLinkKind, int64, error) {
	var kind workspace.IssueLinkKind
	var target string
	field := "target_id"
	if _, listed := r.PostForm["target"]; listed {
		k, id, _ := strings.Cut(formValue(r, "target"), ":")
		kind, target, field = workspace.IssueLinkKind(k), id, "target"
	} else {
		kind, target = workspace.IssueLinkKind(formValue(r, "target_kind")), formValue(r, "target_id")
		switch kind {
		case workspace.LinkMeeting:
			if v := formValue(r, "meeting_id"); v != "" {
				target = v
			}
		case workspace.LinkProcedure:
			if v := formValue(r, "procedure_id"); v != "" {
				target = v
			}
		}
	}
	if !kind.Valid() || kind == workspace.LinkPassage {
		if field == "target_id" {
			field = "target_kind"
		}
		return "", 0, workspace.Invalid(field, "error.issue.link_kind_invalid", "Choose what to link the issue to.")
	}
	n, err := strconv.ParseInt(target, 10, 64)
	if err != nil || n <= 0 {
		return "", 0, workspace.Invalid(field, "error.issue.link_target_unknown", "What you link the issue to does not exist.")
	}
	return kind, n, nil
}

// handleIssueUnlink removes a link of the issue. A link of another issue
// is not found here.
func (s *Server) handleIssueUnlink(w http.ResponseWriter, r *http.Request) {
	linkID, err := pathID(r, "link")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	id, ok := s.issueAction(w, r, "link", nil,
		func(issue *workspace.Issue, actor workspace.Actor) (*sqlite.IssueChange, error) {
			links, err := s.db.FindIssueLinks(r.Context(), issue.ID)
			if err != nil {
				return nil, err
			}
			for _, l := range links {
				if l.ID == linkID {
					change, err := s.db.UnlinkIssue(r.Context(), actor, linkID)
					return change, err
				}
			}
			return nil, &workspace.Error{Code: workspace.ENOTFOUND, Key: "error.not_found", Message: "Not found."}
		})
	if ok {
		redirectDone(w, r, issuePath(id), "issue_unlinked")
	}
}
