package server

import (
	"context"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"tawla/workspace"
)

// issueView is the issue page: the issue, what the viewer may know of its
// personal details (handle_issue_private.go), its timeline and links, and
// the forms the viewer may use.
type issueView struct {
	Issue        *workspace.Issue
	Description  template.HTML
	CategoryName string
	Delegations  []string
	Overdue      bool
	// Private says whether the issue holds personal details, whether the
	// viewer may see them, and holds them only on the page that answers
	// "Show personal details".
	Private   issuePrivateView
	Events    []issueEventView
	Links     []issueLinkView
	Following bool
	// CanChange offers the forms of members, the secretariat and admins.
	CanChange bool
	// Transitions are the statuses the issue may move to now.
	Transitions []option
	Owners      []option
	// LinkTargets is the link form's list: the meetings, what is inside
	// each of the recent ones, and the procedures (issueLinkTargets).
	LinkTargets []optionGroup

	// A form of the page that failed: its name ("comment", "status",
	// "assign", "link", "follow"), message and field, and what was typed.
	Form, Error, Field string
	Values             map[string]string
}

// issueLinkView is a link of the issue with where it leads: URL is ""
// when the target has no page to go to.
type issueLinkView struct {
	Link *workspace.IssueLink
	URL  string
	// Quote is a passage's text (its last text when it was deleted).
	Quote   string
	Removed bool
	// Hidden says that the target is in a meeting the viewer may not read
	// (workspace.IssueLinkKind.InMeeting, CanReadMeetings): the view then
	// holds no title and no URL, only the kind of target.
	Hidden bool
}

// issueEventView is the data of the "issue_event" template
// (web/templates/common/issue_timeline.html): one event of an issue's
// timeline with everything needed to show it, already in the reader's
// language, so that the live helper can render an event alone. Make one
// with Server.issueEventViews.
type issueEventView struct {
	// localizer gives the template T and N in the reader's language.
	*localizer
	Lang  string
	Event *workspace.IssueEvent
	// ActorName and ActorOrg name who did it ("" for the system).
	ActorName, ActorOrg string
	// Comment is a comment's body rendered as Markdown (safe).
	Comment template.HTML
	// From and To name what a status change or an assignment changed:
	// statuses or organisations in words, "" for nobody.
	From, To string
	// Fields names, in words, the fields an edit changed.
	Fields []string
	// TargetKind names a link's kind; TargetTitle is the title the target
	// had when linked; TargetURL leads to it ("" when it has no page).
	TargetKind, TargetTitle, TargetURL string
	// TargetHidden says that the target is in a meeting and the reader
	// may not read meetings: TargetKind then says what it was ("a
	// meeting's decision"), and TargetTitle and TargetURL are "".
	TargetHidden bool
}

// issueEventViews returns the views of events in lang, naming the
// organisations of assignments and rendering comments. meetings says
// whether the reader may read meetings (workspace.CanReadMeetings): for a
// reader who may not, a link to a meeting, an agenda item, a decision or
// an action names only the kind of target, never its title, text or page.
func (s *Server) issueEventViews(ctx context.Context, lang string, meetings bool, events []*workspace.IssueEvent) ([]issueEventView, error) {
	l := s.localizer(lang)
	var orgs map[int64]*workspace.Organisation
	out := make([]issueEventView, 0, len(events))
	for _, e := range events {
		v := issueEventView{localizer: l, Lang: lang, Event: e}
		if e.Actor != nil {
			v.ActorName = e.Actor.Name
			if e.Actor.Organisation != nil {
				v.ActorOrg = e.Actor.Organisation.Name(lang)
			}
		}
		switch e.Kind {
		case workspace.EventComment:
			html, err := renderMarkdown(e.Body)
			if err != nil {
				return nil, err
			}
			v.Comment = html
		case workspace.EventStatus:
			v.From, v.To = l.T("issue.status."+e.FromValue), l.T("issue.status."+e.ToValue)
		case workspace.EventAssignment:
			if orgs == nil {
				var err error
				if orgs, err = s.organisationsByID(ctx); err != nil {
					return nil, err
				}
			}
			v.From, v.To = orgNameOf(orgs, e.FromValue, lang), orgNameOf(orgs, e.ToValue, lang)
		case workspace.EventEdit:
			for _, f := range strings.Split(e.ToValue, ",") {
				if f = strings.TrimSpace(f); f != "" {
					v.Fields = append(v.Fields, l.T("issue.field."+f))
				}
			}
		case workspace.EventLink, workspace.EventUnlink:
			kind, id := linkEventTarget(e)
			if kind.InMeeting() && !meetings {
				v.TargetKind, v.TargetHidden = l.T("issue.link_hidden."+string(kind)), true
				break
			}
			v.TargetKind = l.T("issue.link_kind." + string(kind))
			v.TargetTitle = e.Body
			if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 {
				switch kind {
				case workspace.LinkMeeting:
					v.TargetURL = "/meetings/" + id
				case workspace.LinkProcedure, workspace.LinkPassage:
					v.TargetURL = "/procedures/" + id
				}
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// linkEventTarget returns the kind and id of the target of a link or
// unlink event, which names it as "decision:12".
func linkEventTarget(e *workspace.IssueEvent) (workspace.IssueLinkKind, string) {
	target := e.ToValue
	if e.Kind == workspace.EventUnlink {
		target = e.FromValue
	}
	kind, id, _ := strings.Cut(target, ":")
	return workspace.IssueLinkKind(kind), id
}

// orgNameOf names the organisation whose id is the text id, "" for
// nobody (or an id no longer known).
func orgNameOf(orgs map[int64]*workspace.Organisation, id, lang string) string {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return ""
	}
	if o, ok := orgs[n]; ok {
		return o.Name(lang)
	}
	return ""
}

// issueLinkViews returns the issue's links with where each leads: a
// meeting's page, an agenda item, decision or action at its place on its
// meeting's page, a procedure's page. canReadMeetings says whether the
// viewer may read meetings: for one who may not, a link into a meeting
// keeps its kind only, without its title (a meeting's or an action's
// title, a decision's text) or its address.
func (s *Server) issueLinkViews(ctx context.Context, issueID int64, links []*workspace.IssueLink, canReadMeetings bool) ([]issueLinkView, error) {
	var meetings map[int64]int64
	out := make([]issueLinkView, 0, len(links))
	for _, l := range links {
		if l.TargetKind.InMeeting() && !canReadMeetings {
			out = append(out, issueLinkView{Link: &workspace.IssueLink{ID: l.ID, IssueID: l.IssueID, TargetKind: l.TargetKind}, Hidden: true})
			continue
		}
		v := issueLinkView{Link: l}
		id := strconv.FormatInt(l.TargetID, 10)
		switch l.TargetKind {
		case workspace.LinkMeeting:
			v.URL = "/meetings/" + id
		case workspace.LinkProcedure:
			v.URL = "/procedures/" + id
		case workspace.LinkPassage:
			v.URL = "/procedures/" + id
			if l.Anchor != nil {
				v.Quote, v.Removed = l.Anchor.Quote, l.Anchor.Removed
				if l.Anchor.Removed && l.Anchor.LastText != "" {
					v.Quote = l.Anchor.LastText
				}
			}
		case workspace.LinkAgendaItem, workspace.LinkDecision, workspace.LinkAction:
			if meetings == nil {
				var err error
				if meetings, err = s.db.FindIssueLinkMeetings(ctx, issueID); err != nil {
					return nil, err
				}
			}
			if m, ok := meetings[l.ID]; ok {
				anchor := map[workspace.IssueLinkKind]string{workspace.LinkAgendaItem: "item", workspace.LinkDecision: "decision", workspace.LinkAction: "action"}[l.TargetKind]
				v.URL = "/meetings/" + strconv.FormatInt(m, 10) + "#" + anchor + "-" + id
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// handleIssueView shows an issue. Opening it marks the viewer's unread
// notifications about it read, if there are any, and the viewer's other
// pages are then told their new unread count.
func (s *Server) handleIssueView(w http.ResponseWriter, r *http.Request) {
	issue, ok := s.issueFromPath(w, r)
	if !ok {
		return
	}
	acc := currentAccount(r)
	// Most views find nothing unread: a read decides, so that they write
	// nothing and send no count.
	unread, err := s.db.HasUnreadIssueNotifications(r.Context(), acc.ID, issue.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if unread {
		if err := s.db.MarkNotificationsRead(r.Context(), workspace.ActorFor(acc), issue.ID); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.publishUnread(r.Context(), acc.ID)
	}
	s.renderIssuePage(w, r, http.StatusOK, issue, "", nil, nil)
}

// renderIssuePage shows issue with status; when a form of the page
// failed, form names it, err says why and values keeps what was typed.
// The personal details are not in it: the viewer who may see them asks
// for them (handleIssuePrivateReveal).
func (s *Server) renderIssuePage(w http.ResponseWriter, r *http.Request, status int, issue *workspace.Issue, form string, err error, values map[string]string) {
	s.renderIssuePageWith(w, r, status, issue, nil, form, err, values)
}

// renderIssuePageWith is renderIssuePage showing private, the personal
// details the store has just read for the viewer and recorded as seen
// (nil for none).
func (s *Server) renderIssuePageWith(w http.ResponseWriter, r *http.Request, status int, issue *workspace.Issue, private *workspace.IssuePrivate, form string, err error, values map[string]string) {
	ctx := r.Context()
	p := s.newPage(r, "issue.title").withNotice(r)
	p.Title = "#" + strconv.FormatInt(issue.ID, 10) + " " + issue.Title
	p.Section = "issues"
	actor := workspace.ActorFor(p.Account)
	view, loadErr := s.issueViewOf(ctx, p, actor, issue, private)
	if loadErr != nil {
		s.serverError(w, r, loadErr)
		return
	}
	if err != nil {
		view.Form, view.Error, view.Field = form, p.formErrorText(err), fieldError(err)
	}
	view.Values = values
	p.Data = view
	s.render(w, r, status, "issue", p)
}

// issueViewOf gathers what the issue page shows to actor, with private, the
// personal details read for the viewer, when the page answers the button
// that shows them (nil otherwise).
func (s *Server) issueViewOf(ctx context.Context, p *page, actor workspace.Actor, issue *workspace.Issue, private *workspace.IssuePrivate) (*issueView, error) {
	desc, err := renderMarkdown(issue.Description)
	if err != nil {
		return nil, err
	}
	view := &issueView{
		Issue: issue, Description: desc,
		Delegations: delegationNames(p.localizer, issue.Delegations),
		Overdue:     issue.Overdue(s.today()),
		CanChange:   workspace.CanChangeIssue(actor) == nil,
	}
	if issue.Category != nil {
		view.CategoryName = issue.Category.Name(p.Lang)
	}
	// The personal details are never read here: the page says whether
	// there are some, and shows them only when handed private.
	if view.Private, err = s.issuePrivateViewOf(ctx, actor, issue, private); err != nil {
		return nil, err
	}
	events, err := s.db.FindIssueTimeline(ctx, issue.ID)
	if err != nil {
		return nil, err
	}
	canReadMeetings := workspace.CanReadMeetings(actor) == nil
	if view.Events, err = s.issueEventViews(ctx, p.Lang, canReadMeetings, events); err != nil {
		return nil, err
	}
	links, err := s.db.FindIssueLinks(ctx, issue.ID)
	if err != nil {
		return nil, err
	}
	if view.Links, err = s.issueLinkViews(ctx, issue.ID, links, canReadMeetings); err != nil {
		return nil, err
	}
	if view.Following, err = s.db.IsFollowingIssue(ctx, p.Account.ID, issue.ID); err != nil {
		return nil, err
	}
	if !view.CanChange {
		return view, nil
	}
	for _, st := range workspace.IssueStatuses {
		reason := "-"
		if workspace.CheckTransition(issue.Status, st, &reason) == nil {
			view.Transitions = append(view.Transitions, option{Value: string(st), LabelKey: "issue.status." + string(st)})
		}
	}
	orgs, err := s.db.FindOrganisations(ctx, workspace.OrganisationFilter{ActiveOnly: true})
	if err != nil {
		return nil, err
	}
	view.Owners = p.OrganisationOptions(orgs)
	// An owner deactivated since stays the form's choice, named as such,
	// so that the form never shows "nobody" for an issue that has one.
	if owner := issue.OwnerOrganisationID; owner != nil && !slices.ContainsFunc(orgs, func(o *workspace.Organisation) bool { return o.ID == *owner }) {
		name := strconv.FormatInt(*owner, 10)
		if issue.Owner != nil {
			name = issue.Owner.Name(p.Lang)
		}
		view.Owners = append([]option{{Value: strconv.FormatInt(*owner, 10), Label: p.T("issue.owner_deactivated", "Name", name)}}, view.Owners...)
	}
	if view.LinkTargets, err = s.issueLinkTargets(ctx, p); err != nil {
		return nil, err
	}
	return view, nil
}

// formatDay returns the calendar day of t in loc, "2026-12-06".
func formatDay(t time.Time, loc *time.Location) string {
	return t.In(loc).Format(workspace.DateLayout)
}
