package server

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// The agenda of a meeting: the "agenda" partial (web/templates/common/
// agenda.html) that the meeting page and the print views show, and the
// secretariat's forms that add, change, remove and reorder its items.

// agendaView is what the "agenda" partial shows: the meeting's items in
// order with their decisions and actions, and, for the secretariat, what
// its forms offer. Build it with Server.agendaFor.
type agendaView struct {
	Record *workspace.MeetingRecord
	Rows   []agendaRow
	// Today is the calendar day in the table's time zone, "YYYY-MM-DD":
	// actions still pending after their due date are overdue.
	Today string
	// CanChange: the viewer may change the agenda (the secretariat, the
	// meeting not closed). CanDecide: record decisions (the secretariat,
	// the meeting live or closed). CanAddActions: add actions to a
	// decision (the secretariat).
	CanChange     bool
	CanDecide     bool
	CanAddActions bool
	// CanPoll: the viewer may put an item to a vote (the secretariat, the
	// meeting not closed).
	CanPoll bool
	// Print leaves every form and control out.
	Print bool
	// Choices are what the forms offer, loaded only when they are shown;
	// NewItem is the empty item the add-item form starts from.
	Choices *agendaChoices
	NewItem *workspace.AgendaItem
	// Refused is the decision or action form the secretariat sent, when
	// it was refused: shown again, open, on its item, with why.
	Refused *agendaRefusal
}

// agendaRefusal is a refused form of one agenda item, as it was sent.
type agendaRefusal struct {
	// Form is "decision" or "action"; ItemID the item it was sent on.
	Form   string
	ItemID int64
	// Text is the decision's text or the action's title; Outcome the
	// decision's outcome; Owner and Due the action's organisation (its id)
	// and due date.
	Text, Outcome, Owner, Due string
	Error, Field              string
}

// shows reports whether the page shows the form f was sent from, where
// its reason can be read: a decision form while decisions can be
// recorded, an action form under a decision.
func (a *agendaView) shows(f *agendaRefusal) bool {
	for _, row := range a.Rows {
		if row.ID != f.ItemID {
			continue
		}
		switch f.Form {
		case "decision":
			return a.CanDecide
		case "action":
			return a.CanAddActions && row.Decision != nil
		}
	}
	return false
}

// RefusedOn returns the refused form of the item id, or nil when form was
// not the one refused there: the partial asks it of each form.
func (a *agendaView) RefusedOn(form string, id int64) *agendaRefusal {
	if f := a.Refused; f != nil && f.Form == form && f.ItemID == id {
		return f
	}
	return nil
}

// agendaRow is one item of the agenda as the partial shows it.
type agendaRow struct {
	*workspace.AgendaItem
	// Name is the item's title, or for an item the table added itself,
	// its name in the reader's language.
	Name string
	// First and Last say whether the item can move up or down.
	First, Last bool
	// Current: the item under discussion in the live room.
	Current bool
	// DecisionActions are the actions of the item's decision; FollowedUp,
	// for matters arising, the earlier actions the item follows up.
	DecisionActions []*workspace.Action
	FollowedUp      []*workspace.Action
	// Presenter is the value of the presenter select for this item.
	Presenter string
	// Issues are the issues linked to the item (from an issue's page).
	Issues []*workspace.Issue
	// Polls are the item's polls, newest first (members and staff only).
	Polls []*pollView
}

// agendaChoices are the people, organisations and procedures the agenda's
// forms offer.
type agendaChoices struct {
	Accounts      []*workspace.Account
	Organisations []*workspace.Organisation
	Procedures    []*workspace.Procedure
}

// agendaFor returns the agenda of rec as p's viewer sees it; print leaves
// the forms out.
func (s *Server) agendaFor(ctx context.Context, p *page, rec *workspace.MeetingRecord, print bool) (*agendaView, error) {
	actor := workspace.ActorFor(p.Account)
	m := rec.Meeting
	v := &agendaView{
		Record:  rec,
		Today:   s.today(),
		Print:   print,
		NewItem: &workspace.AgendaItem{MeetingID: m.ID, Kind: workspace.ItemOrdinary},
	}
	if !print && workspace.CanManageMeetings(actor) == nil {
		v.CanChange = workspace.CanChangeMeeting(actor, m) == nil
		v.CanDecide = m.Status == workspace.MeetingLive || m.Status == workspace.MeetingClosed
		v.CanAddActions = !m.Cancelled()
		v.CanPoll = workspace.CanManagePolls(actor) == nil && m.Status != workspace.MeetingClosed && !m.Cancelled()
		choices, err := s.agendaChoices(ctx)
		if err != nil {
			return nil, err
		}
		v.Choices = choices
	}
	issues, err := s.db.FindAgendaIssues(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	polls, err := s.pollsFor(ctx, p, sqlite.PollFilter{MeetingID: m.ID})
	if err != nil {
		return nil, err
	}
	itemPolls := map[int64][]*pollView{}
	for _, pv := range polls {
		if pv.Poll.AgendaItemID != nil {
			itemPolls[*pv.Poll.AgendaItemID] = append(itemPolls[*pv.Poll.AgendaItemID], pv)
		}
	}
	for i, it := range rec.Items {
		row := agendaRow{
			Issues:     issues[it.ID],
			AgendaItem: it,
			Name:       agendaItemTitle(p.localizer, it),
			First:      i == 0,
			Last:       i == len(rec.Items)-1,
			Current:    m.Status == workspace.MeetingLive && m.CurrentItemID != nil && *m.CurrentItemID == it.ID,
			Presenter:  presenterValue(it),
			Polls:      itemPolls[it.ID],
		}
		if it.Kind == workspace.ItemMattersArising {
			row.FollowedUp = it.Actions
		}
		if it.Decision != nil {
			row.DecisionActions = it.Decision.Actions
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

// agendaChoices reads what the agenda's forms offer: active people and
// organisations, and every procedure.
func (s *Server) agendaChoices(ctx context.Context) (*agendaChoices, error) {
	accounts, err := s.db.FindAccounts(ctx, workspace.AccountFilter{ActiveOnly: true})
	if err != nil {
		return nil, err
	}
	orgs, err := s.db.FindOrganisations(ctx, workspace.OrganisationFilter{ActiveOnly: true})
	if err != nil {
		return nil, err
	}
	procs, err := s.db.FindProcedures(ctx)
	if err != nil {
		return nil, err
	}
	return &agendaChoices{Accounts: accounts, Organisations: orgs, Procedures: procs}, nil
}

// The values of the presenter select: a person or an organisation.
const (
	presenterAccount      = "account:"
	presenterOrganisation = "organisation:"
)

// presenterValue returns the presenter select's value for the presenter
// of it, "" when it has none.
func presenterValue(it *workspace.AgendaItem) string {
	switch {
	case it.PresenterAccountID != nil:
		return presenterAccount + strconv.FormatInt(*it.PresenterAccountID, 10)
	case it.PresenterOrganisationID != nil:
		return presenterOrganisation + strconv.FormatInt(*it.PresenterOrganisationID, 10)
	}
	return ""
}

// PresenterAccountValue returns the presenter select's value for a person.
func (p *page) PresenterAccountValue(id int64) string {
	return presenterAccount + strconv.FormatInt(id, 10)
}

// PresenterOrganisationValue returns the presenter select's value for an
// organisation.
func (p *page) PresenterOrganisationValue(id int64) string {
	return presenterOrganisation + strconv.FormatInt(id, 10)
}

// agendaItemFormView is the page that adds an item (when the form on the
// meeting page came back with an error) or changes one.
type agendaItemFormView struct {
	Meeting *workspace.Meeting
	Item    *workspace.AgendaItem
	// Name is the item's title in the reader's language, for the items
	// the table added itself, whose title is not the form's to change.
	Name      string
	New       bool
	Presenter string
	Duration  string
	Linked    map[int64]bool
	Choices   *agendaChoices
	// Former is the item's presenter when they are no longer among the
	// choices (an account or organisation deactivated since), offered so
	// that saving the form does not drop them unseen; nil otherwise.
	Former *formerPresenter
	Error  string
	Field  string
}

// formerPresenter is a presenter the select no longer lists: Person says
// whether it is a person (else an organisation).
type formerPresenter struct {
	Value, Label string
	Person       bool
}

// formerPresenterOf returns it's presenter when choices no longer list
// them, labelled as such in p's language, or nil.
func formerPresenterOf(p *page, it *workspace.AgendaItem, choices *agendaChoices) *formerPresenter {
	switch {
	case it.PresenterAccountID != nil && it.PresenterAccount != nil &&
		!slices.ContainsFunc(choices.Accounts, func(a *workspace.Account) bool { return a.ID == *it.PresenterAccountID }):
		return &formerPresenter{Value: presenterValue(it), Label: p.T("agenda.presenter_former", "Name", it.PresenterAccount.Name), Person: true}
	case it.PresenterOrganisationID != nil && it.PresenterOrganisation != nil &&
		!slices.ContainsFunc(choices.Organisations, func(o *workspace.Organisation) bool { return o.ID == *it.PresenterOrganisationID }):
		return &formerPresenter{Value: presenterValue(it), Label: p.T("agenda.presenter_former", "Name", p.OrgName(it.PresenterOrganisation))}
	}
	return nil
}

// agendaForm is an item's form as posted.
type agendaForm struct {
	Presenter    string
	Duration     string
	ProcedureIDs []int64
}

// handleAgendaItemAdd adds an ordinary item at the end of a meeting's
// agenda. The form lives on the meeting page; when it is refused, it comes
// back filled on a page of its own.
func (s *Server) handleAgendaItemAdd(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.agendaRecordFromPath(w, r)
	if !ok {
		return
	}
	it := &workspace.AgendaItem{MeetingID: rec.Meeting.ID, Kind: workspace.ItemOrdinary}
	form := agendaForm{}
	choices, err := s.agendaChoices(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	formErr := parseForm(w, r)
	if formErr != nil && !formKept(formErr) {
		s.renderAgendaItemForm(w, r, statusOf(formErr), rec.Meeting, it, form, choices, true, formErr)
		return
	}
	form, err = readAgendaItemForm(r, it, nil, choices)
	if formErr != nil {
		// A value that could not be read, repaired: refused first.
		err = formErr
	}
	if err == nil {
		err = s.db.AddAgendaItem(r.Context(), workspace.ActorFor(currentAccount(r)), it, form.ProcedureIDs)
	}
	if err != nil {
		s.renderAgendaItemForm(w, r, statusOf(err), rec.Meeting, it, form, choices, true, err)
		return
	}
	s.publishMeeting(r.Context(), rec.Meeting.ID)
	redirectDone(w, r, agendaItemURL(rec.Meeting.ID, it.ID), "agenda_item_added")
}

// handleAgendaItemEdit shows an item's form, while its meeting may change.
func (s *Server) handleAgendaItemEdit(w http.ResponseWriter, r *http.Request) {
	rec, it, ok := s.agendaItemFromPath(w, r)
	if !ok {
		return
	}
	if err := workspace.CanChangeMeeting(workspace.ActorFor(currentAccount(r)), rec.Meeting); err != nil {
		s.renderError(w, r, err)
		return
	}
	choices, err := s.agendaChoices(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	form := agendaForm{Presenter: presenterValue(it), Duration: strconv.Itoa(it.DurationMinutes)}
	for _, proc := range it.Procedures {
		form.ProcedureIDs = append(form.ProcedureIDs, proc.ID)
	}
	s.renderAgendaItemForm(w, r, http.StatusOK, rec.Meeting, it, form, choices, false, nil)
}

// handleAgendaItemUpdate saves an item's title, description, duration,
// presenter and procedures.
func (s *Server) handleAgendaItemUpdate(w http.ResponseWriter, r *http.Request) {
	rec, stored, ok := s.agendaItemFromPath(w, r)
	if !ok {
		return
	}
	it := *stored
	form := agendaForm{Presenter: presenterValue(stored), Duration: strconv.Itoa(stored.DurationMinutes)}
	choices, err := s.agendaChoices(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	formErr := parseForm(w, r)
	if formErr != nil && !formKept(formErr) {
		s.renderAgendaItemForm(w, r, statusOf(formErr), rec.Meeting, &it, form, choices, false, formErr)
		return
	}
	form, err = readAgendaItemForm(r, &it, stored, choices)
	if formErr != nil {
		// A value that could not be read, repaired: refused first.
		err = formErr
	}
	if err == nil {
		err = s.db.UpdateAgendaItem(r.Context(), workspace.ActorFor(currentAccount(r)), &it, form.ProcedureIDs)
	}
	if err != nil {
		s.renderAgendaItemForm(w, r, statusOf(err), rec.Meeting, &it, form, choices, false, err)
		return
	}
	s.publishMeeting(r.Context(), rec.Meeting.ID)
	redirectDone(w, r, agendaItemURL(rec.Meeting.ID, it.ID), "agenda_item_saved")
}

// handleAgendaItemDelete removes an item that has no decision and is not
// under discussion; the store says so when it has or is. The issues linked
// to the item lose their link, and whoever has one open sees the unlink,
// as when it is removed from the issue.
func (s *Server) handleAgendaItemDelete(w http.ResponseWriter, r *http.Request) {
	rec, it, ok := s.agendaItemFromPath(w, r)
	if !ok {
		return
	}
	changes, err := s.db.DeleteAgendaItem(r.Context(), workspace.ActorFor(currentAccount(r)), it.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.publishMeeting(r.Context(), rec.Meeting.ID)
	for _, change := range changes {
		s.publishIssueChange(r.Context(), change.Event.IssueID, change)
	}
	redirectDone(w, r, meetingAgendaURL(rec.Meeting.ID), "agenda_item_deleted")
}

// handleAgendaItemMove moves an item one place up or down (direction=up or
// down) from the place the page showed it at (position): the new order of
// the whole agenda goes to the store, which checks that it lists every
// item once. A position the item no longer holds is ECONFLICT.
func (s *Server) handleAgendaItemMove(w http.ResponseWriter, r *http.Request) {
	rec, it, ok := s.agendaItemFromPath(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	// The form says where the page showed the item: a page older than
	// the agenda would otherwise move it from a place it no longer holds.
	if seen := formValue(r, "position"); seen != "" && seen != strconv.Itoa(it.Position) {
		s.renderError(w, r, workspace.KeyErrorf(workspace.ECONFLICT, "error.agenda.order_changed",
			"The agenda changed since this page was shown: look at it again before moving the item."))
		return
	}
	order, err := movedAgenda(rec.Items, it.ID, formValue(r, "direction"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := s.db.ReorderAgenda(r.Context(), workspace.ActorFor(currentAccount(r)), rec.Meeting.ID, order); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.publishMeeting(r.Context(), rec.Meeting.ID)
	redirectDone(w, r, agendaItemURL(rec.Meeting.ID, it.ID), "agenda_item_moved")
}

// movedAgenda returns the ids of items, in their order, with id moved one
// place up or down. Moving the first item up or the last one down, or any
// other direction, is EINVALID.
func movedAgenda(items []*workspace.AgendaItem, id int64, direction string) ([]int64, error) {
	order := make([]int64, len(items))
	at := -1
	for i, it := range items {
		order[i] = it.ID
		if it.ID == id {
			at = i
		}
	}
	to := at
	switch direction {
	case "up":
		to--
	case "down":
		to++
	default:
		return nil, workspace.Invalid("direction", "error.agenda.direction_invalid", "Move the item up or down.")
	}
	if at < 0 || to < 0 || to >= len(order) {
		return nil, workspace.Invalid("direction", "error.agenda.cannot_move", "The item cannot move further that way.")
	}
	order[at], order[to] = order[to], order[at]
	return order, nil
}

// readAgendaItemForm reads the posted item into it: its title (ordinary
// items only: the others are named by the table), description, duration,
// presenter and procedures, which must be among choices (or be stored's
// present presenter, who may since have left). It returns the form as
// posted, to show again, and the first problem, EINVALID.
func readAgendaItemForm(r *http.Request, it, stored *workspace.AgendaItem, choices *agendaChoices) (agendaForm, error) {
	form := agendaForm{Presenter: formValue(r, "presenter"), Duration: formValue(r, "duration_minutes")}
	if it.Kind == workspace.ItemOrdinary || it.Kind == "" {
		it.Title = formValue(r, "title")
	}
	it.Description = formValue(r, "description")
	for _, v := range r.PostForm["procedure"] {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || !slices.ContainsFunc(choices.Procedures, func(p *workspace.Procedure) bool { return p.ID == id }) {
			return form, workspace.Invalid("procedure", "error.agenda.procedure_invalid", "Choose procedures from the list.")
		}
		if !slices.Contains(form.ProcedureIDs, id) {
			form.ProcedureIDs = append(form.ProcedureIDs, id)
		}
	}
	if form.Duration == "" {
		it.DurationMinutes = 0
	} else {
		n, err := strconv.Atoi(form.Duration)
		if err != nil || n < 0 || n > 600 {
			return form, workspace.Invalid("duration_minutes", "error.agenda.duration_invalid", "Give a duration between 0 and 600 minutes.")
		}
		it.DurationMinutes = n
	}
	accountID, orgID, err := readPresenter(form.Presenter, stored, choices)
	if err != nil {
		return form, err
	}
	it.PresenterAccountID, it.PresenterOrganisationID = accountID, orgID
	if it.Kind == workspace.ItemOrdinary {
		check := *it
		if err := check.Validate(); err != nil {
			return form, err
		}
	}
	return form, nil
}

// readPresenter returns the person or the organisation the presenter
// select names ("account:N", "organisation:N", or "" for nobody).
func readPresenter(v string, stored *workspace.AgendaItem, choices *agendaChoices) (accountID, orgID *int64, err error) {
	invalid := workspace.Invalid("presenter", "error.agenda.presenter_invalid", "Choose the presenter from the list.")
	if v == "" {
		return nil, nil, nil
	}
	kind, num, found := strings.Cut(v, ":")
	id, perr := strconv.ParseInt(num, 10, 64)
	if !found || perr != nil || id <= 0 {
		return nil, nil, invalid
	}
	var storedAccount, storedOrg *int64
	if stored != nil {
		storedAccount, storedOrg = stored.PresenterAccountID, stored.PresenterOrganisationID
	}
	switch kind + ":" {
	case presenterAccount:
		if (storedAccount != nil && *storedAccount == id) || slices.ContainsFunc(choices.Accounts, func(a *workspace.Account) bool { return a.ID == id }) {
			return &id, nil, nil
		}
	case presenterOrganisation:
		if (storedOrg != nil && *storedOrg == id) || slices.ContainsFunc(choices.Organisations, func(o *workspace.Organisation) bool { return o.ID == id }) {
			return nil, &id, nil
		}
	}
	return nil, nil, invalid
}

func (s *Server) renderAgendaItemForm(w http.ResponseWriter, r *http.Request, status int, m *workspace.Meeting, it *workspace.AgendaItem, form agendaForm, choices *agendaChoices, isNew bool, err error) {
	title := "agenda.edit_title"
	if isNew {
		title = "agenda.new_title"
	}
	p := s.newPage(r, title)
	p.Section = "meetings"
	linked := map[int64]bool{}
	for _, id := range form.ProcedureIDs {
		linked[id] = true
	}
	p.Data = agendaItemFormView{
		Meeting:   m,
		Item:      it,
		Name:      agendaItemTitle(p.localizer, it),
		New:       isNew,
		Presenter: form.Presenter,
		Duration:  form.Duration,
		Linked:    linked,
		Choices:   choices,
		Former:    formerPresenterOf(p, it, choices),
		Error:     p.formErrorText(err),
		Field:     fieldError(err),
	}
	s.render(w, r, status, "agenda_item_form", p)
}

// agendaRecordFromPath returns the meeting named by {id} with its agenda,
// or answers with an error page and false.
func (s *Server) agendaRecordFromPath(w http.ResponseWriter, r *http.Request) (*workspace.MeetingRecord, bool) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return nil, false
	}
	rec, err := s.db.FindMeetingRecord(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return nil, false
	}
	return rec, true
}

// agendaItemFromPath returns the meeting named by {id} and its item named
// by {item}; an item of another meeting is not found.
func (s *Server) agendaItemFromPath(w http.ResponseWriter, r *http.Request) (*workspace.MeetingRecord, *workspace.AgendaItem, bool) {
	rec, ok := s.agendaRecordFromPath(w, r)
	if !ok {
		return nil, nil, false
	}
	itemID, err := pathID(r, "item")
	if err != nil {
		s.renderError(w, r, err)
		return nil, nil, false
	}
	it := rec.Item(itemID)
	if it == nil {
		s.renderError(w, r, &workspace.Error{Code: workspace.ENOTFOUND, Key: "error.agenda.item_not_found", Message: "This agenda item does not exist."})
		return nil, nil, false
	}
	return rec, it, true
}

// meetingAgendaURL is the address of a meeting's agenda on its page, and
// agendaItemURL that of one item there.
func meetingAgendaURL(meetingID int64) string {
	return "/meetings/" + strconv.FormatInt(meetingID, 10) + "#agenda"
}

func agendaItemURL(meetingID, itemID int64) string {
	return "/meetings/" + strconv.FormatInt(meetingID, 10) + "#item-" + strconv.FormatInt(itemID, 10)
}

// Decided returns the rows whose item has a decision, in agenda order.
func (v *agendaView) Decided() []agendaRow {
	var out []agendaRow
	for _, row := range v.Rows {
		if row.Decision != nil {
			out = append(out, row)
		}
	}
	return out
}
