package server

import (
	"net/http"
	"net/url"
	"strconv"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// actionPageSize is how many actions one page of the actions list shows.
const actionPageSize = 50

// actionFilterPending is the status filter that keeps every action still
// to be done: open or in progress.
const actionFilterPending = "pending"

// actionListView is the actions page: the actions of one's organisation,
// or for the secretariat of any, with their filters.
type actionListView struct {
	Rows  []actionRow
	Total int
	Today string
	// IsStaff: every organisation's actions, with an organisation filter
	// and the full edit form. Others see their own organisation's.
	IsStaff       bool
	Own           *workspace.Organisation
	Organisations []*workspace.Organisation
	Organisation  string
	Status        string
	Overdue       bool
	Pager         pagination
	// Back is the list's query, which the forms send back so that an
	// update returns to the same list.
	Back string
}

// actionRow is one action on the actions page, with what the viewer may
// change of it.
type actionRow struct {
	*workspace.Action
	Overdue bool
	// CanEdit: every field (the secretariat); CanSetStatus: the status
	// only (a member of the owner organisation).
	CanEdit      bool
	CanSetStatus bool
}

// CanSeeActions reports whether the page's viewer may see meetings and
// their actions, for the navigation.
func (p *page) CanSeeActions() bool {
	return p.Account != nil && workspace.CanReadMeetings(workspace.ActorFor(p.Account)) == nil
}

// handleActionList lists actions, soonest due first: one's organisation's,
// or for the secretariat every organisation's with a filter; by status
// (or every pending one) and overdue only. Overdue actions are marked.
func (s *Server) handleActionList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	acc := currentAccount(r)
	view := actionListView{Today: s.today(), IsStaff: acc.IsStaff()}
	orgs, err := s.db.FindOrganisations(ctx, workspace.OrganisationFilter{})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	view.Organisations = orgs
	filter := sqlite.ActionFilter{}
	if view.IsStaff {
		if id, err := strconv.ParseInt(q.Get("organisation"), 10, 64); err == nil && id > 0 {
			filter.OrganisationID, view.Organisation = id, q.Get("organisation")
		}
	} else {
		filter.OrganisationID = acc.OrganisationID
		for _, o := range orgs {
			if o.ID == acc.OrganisationID {
				view.Own = o
			}
		}
	}
	switch st := q.Get("status"); {
	case st == actionFilterPending:
		filter.Pending, view.Status = true, st
	case workspace.ActionStatus(st).Valid():
		filter.Status, view.Status = workspace.ActionStatus(st), st
	}
	if v := q.Get("overdue"); v == "1" || v == "on" {
		filter.OverdueOn, view.Overdue = view.Today, true
	}
	page := listPage(q)
	filter.Limit, filter.Offset = actionPageSize, (page-1)*actionPageSize
	actions, total, err := s.db.FindActions(ctx, filter)
	view.Total = total
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	actor := workspace.ActorFor(acc)
	for _, a := range actions {
		view.Rows = append(view.Rows, actionRow{
			Action:       a,
			Overdue:      a.Overdue(view.Today),
			CanEdit:      view.IsStaff,
			CanSetStatus: workspace.CanUpdateAction(actor, a) == nil,
		})
	}
	view.Pager = newPagination(r.URL.Path, q, page, actionPageSize, view.Total)
	if pastEnd(w, r, view.Pager) {
		return
	}
	view.Back = actionListQuery(q).Encode()
	p := s.newPage(r, "actions.title").withNotice(r)
	p.Section = "actions"
	p.Data = view
	s.render(w, r, http.StatusOK, "actions", p)
}

// actionListQuery keeps the list's own parameters from q.
func actionListQuery(q url.Values) url.Values {
	out := url.Values{}
	for _, k := range []string{"organisation", "status", "overdue", "page"} {
		if v := q.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	return out
}

// handleActionAdd adds an action to the decision of an agenda item.
func (s *Server) handleActionAdd(w http.ResponseWriter, r *http.Request) {
	rec, it, ok := s.agendaItemFromPath(w, r)
	if !ok {
		return
	}
	formErr := parseForm(w, r)
	if formErr != nil && !formKept(formErr) {
		s.renderError(w, r, formErr)
		return
	}
	if err := workspace.CheckMeetingNotCancelled(rec.Meeting); err != nil {
		// Said before the missing decision, which a cancelled meeting
		// never has; the store refuses it too (AddAction).
		s.renderError(w, r, err)
		return
	}
	if it.Decision == nil {
		// The page offers the form only under a decision: there is no form
		// to show again.
		s.renderError(w, r, &workspace.Error{Code: workspace.ECONFLICT, Key: "error.action.no_decision", Message: "Record the decision before its actions."})
		return
	}
	sent := &agendaRefusal{Form: "action", ItemID: it.ID, Text: formValue(r, "title"), Owner: formValue(r, "owner_organisation_id"), Due: formValue(r, "due_date")}
	if formErr != nil {
		s.refuseAgendaForm(w, r, rec.Meeting.ID, sent, formErr)
		return
	}
	a := &workspace.Action{
		DecisionID: it.Decision.ID,
		MeetingID:  rec.Meeting.ID,
		Title:      formValue(r, "title"),
		DueDate:    formValue(r, "due_date"),
		Status:     workspace.ActionOpen,
	}
	err := s.readActionOwner(r, a)
	if err == nil {
		check := *a
		err = check.Validate()
	}
	if err == nil {
		err = s.db.AddAction(r.Context(), workspace.ActorFor(currentAccount(r)), a)
	}
	if err != nil {
		s.refuseAgendaForm(w, r, rec.Meeting.ID, sent, err)
		return
	}
	s.publishMeeting(r.Context(), rec.Meeting.ID)
	redirectDone(w, r, agendaItemURL(rec.Meeting.ID, it.ID), "action_added")
}

// handleActionUpdate changes an action: every field for the secretariat,
// the status only for a member of the owner organisation. A member who
// sends another field changed is refused, and nothing changes.
func (s *Server) handleActionUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	stored, err := s.db.FindActionByID(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	acc := currentAccount(r)
	actor := workspace.ActorFor(acc)
	a := *stored
	a.Owner = nil
	if v, ok := r.PostForm["status"]; ok && len(v) > 0 {
		a.Status = workspace.ActionStatus(formValue(r, "status"))
	}
	if acc.IsStaff() {
		if _, ok := r.PostForm["title"]; ok {
			a.Title = formValue(r, "title")
		}
		if _, ok := r.PostForm["due_date"]; ok {
			a.DueDate = formValue(r, "due_date")
		}
		if _, ok := r.PostForm["owner_organisation_id"]; ok {
			err = s.readActionOwner(r, &a)
		}
	} else {
		err = workspace.CanUpdateAction(actor, stored)
		if err == nil && actionFieldsChanged(r, stored) {
			err = &workspace.Error{Code: workspace.EFORBIDDEN, Key: "error.action.status_only", Message: "Your organisation may change the status of its actions, and nothing else."}
		}
	}
	if err == nil {
		check := a
		err = check.Validate()
	}
	if err == nil {
		err = s.db.UpdateAction(r.Context(), actor, &a)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.publishMeeting(r.Context(), stored.MeetingID)
	back, _ := url.ParseQuery(formValue(r, "back"))
	path := "/actions"
	if q := actionListQuery(back).Encode(); q != "" {
		path += "?" + q
	}
	redirectDone(w, r, path+"#action-"+strconv.FormatInt(stored.ID, 10), "action_saved")
}

// actionFieldsChanged reports whether the form changes any field of a
// other than its status.
func actionFieldsChanged(r *http.Request, a *workspace.Action) bool {
	if _, ok := r.PostForm["title"]; ok && formValue(r, "title") != a.Title {
		return true
	}
	if _, ok := r.PostForm["due_date"]; ok && formValue(r, "due_date") != a.DueDate {
		return true
	}
	if _, ok := r.PostForm["owner_organisation_id"]; ok && formValue(r, "owner_organisation_id") != strconv.FormatInt(a.OwnerOrganisationID, 10) {
		return true
	}
	return false
}

// readActionOwner sets a's owner organisation from the form: empty leaves
// it unset (Validate says it is required), and anything but an existing
// organisation is EINVALID.
func (s *Server) readActionOwner(r *http.Request, a *workspace.Action) error {
	v := formValue(r, "owner_organisation_id")
	if v == "" {
		a.OwnerOrganisationID = 0
		return nil
	}
	invalid := workspace.Invalid("owner_organisation_id", "error.action.owner_invalid", "Choose the owner organisation from the list.")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return invalid
	}
	orgs, err := s.db.FindOrganisations(r.Context(), workspace.OrganisationFilter{ID: &id})
	if err != nil {
		return err
	}
	if len(orgs) == 0 {
		return invalid
	}
	a.OwnerOrganisationID = id
	return nil
}
