package server

import (
	"net/http"
	"strconv"

	"tawla/workspace"
)

type accountListView struct {
	Accounts       []*workspace.Account
	Organisations  []*workspace.Organisation
	OrganisationID int64
	Role           workspace.Role
}

type accountFormView struct {
	Account       *workspace.Account
	Organisations []*workspace.Organisation
	New           bool
	Error         string
	Field         string
	// InvitationURL is shown once, right after an invitation is made.
	InvitationURL string
	// Self is true when the viewer edits their own account.
	Self bool
}

// handleAccountList lists accounts, optionally of one organisation or role.
func (s *Server) handleAccountList(w http.ResponseWriter, r *http.Request) {
	filter := workspace.AccountFilter{}
	view := accountListView{}
	if id, err := strconv.ParseInt(r.URL.Query().Get("organisation"), 10, 64); err == nil && id > 0 {
		filter.OrganisationID, view.OrganisationID = &id, id
	}
	if role := workspace.Role(r.URL.Query().Get("role")); role.Valid() {
		filter.Role, view.Role = role, role
	}
	var err error
	if view.Accounts, err = s.db.FindAccounts(r.Context(), filter); err != nil {
		s.serverError(w, r, err)
		return
	}
	if view.Organisations, err = s.db.FindOrganisations(r.Context(), workspace.OrganisationFilter{}); err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "accounts.title").withNotice(r)
	p.Section = "accounts"
	p.Data = view
	s.render(w, r, http.StatusOK, "accounts", p)
}

func (s *Server) handleAccountNew(w http.ResponseWriter, r *http.Request) {
	// A voting right is given on purpose, never by default: a ballot
	// counted for someone who should not vote is worse than a missing one.
	acc := &workspace.Account{Role: workspace.RoleMember, Language: workspace.Languages[0]}
	if id, err := strconv.ParseInt(r.URL.Query().Get("organisation"), 10, 64); err == nil {
		acc.OrganisationID = id
	}
	s.renderAccountForm(w, r, http.StatusOK, acc, true, nil, "")
}

// handleAccountCreate creates an account without a password; the next step
// is an invitation link, offered at the top of the account's page.
func (s *Server) handleAccountCreate(w http.ResponseWriter, r *http.Request) {
	acc := &workspace.Account{}
	formErr := parseForm(w, r)
	if formErr == nil || formKept(formErr) {
		readAccountForm(r, acc)
	}
	if formErr != nil {
		s.renderAccountForm(w, r, statusOf(formErr), acc, true, formErr, "")
		return
	}
	if err := s.db.CreateAccount(r.Context(), workspace.ActorFor(currentAccount(r)), acc); err != nil {
		s.renderAccountForm(w, r, statusOf(err), acc, true, err, "")
		return
	}
	s.publishChange("account.created", "account", acc.ID)
	redirectDone(w, r, "/admin/accounts/"+strconv.FormatInt(acc.ID, 10)+"/edit", "account_created")
}

// handleAccountEdit shows an account's form, to those who may change it:
// the secretariat does not see an admin's form, since it may not save it.
func (s *Server) handleAccountEdit(w http.ResponseWriter, r *http.Request) {
	acc, err := s.accountFromPath(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := workspace.CanManageAccount(workspace.ActorFor(currentAccount(r)), acc.Role); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderAccountForm(w, r, http.StatusOK, acc, false, nil, "")
}

// handleAccountUpdate saves the edit form. The store decides whether the
// viewer may make the change (workspace.CanUpdateAccount: the secretariat
// may not touch an admin or make one; nobody may deactivate or demote
// themselves). A deactivated account loses its sessions and live
// connections at once; an account whose role changes loses its live
// connections.
func (s *Server) handleAccountUpdate(w http.ResponseWriter, r *http.Request) {
	acc, err := s.accountFromPath(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	wasActive, oldRole := acc.Active, acc.Role
	formErr := parseForm(w, r)
	if formErr == nil || formKept(formErr) {
		readAccountForm(r, acc)
		acc.Active = formChecked(r, "active")
	}
	if formErr != nil {
		s.renderAccountError(w, r, acc, oldRole, formErr)
		return
	}
	if err := s.db.UpdateAccount(r.Context(), workspace.ActorFor(currentAccount(r)), acc); err != nil {
		s.renderAccountError(w, r, acc, oldRole, err)
		return
	}
	// A deactivated account loses its live connections; a changed role
	// keeps them, but every subscription is authorised again at once.
	switch {
	case wasActive && !acc.Active:
		s.hub.CloseAccount(acc.ID)
	case acc.Role != oldRole:
		// The live connections stay; what the new role may no longer
		// follow ends now.
		s.hub.RecheckAccount(acc.ID)
	}
	s.publishChange("account.updated", "account", acc.ID)
	redirectDone(w, r, "/admin/accounts", "account_saved")
}

// handleAccountInvite makes a one-time link for the person to set their
// password and shows it once, to be sent to them.
func (s *Server) handleAccountInvite(w http.ResponseWriter, r *http.Request) {
	acc, err := s.accountFromPath(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	token, err := s.db.CreateInvitation(r.Context(), workspace.ActorFor(currentAccount(r)), acc.ID)
	if err != nil {
		s.renderAccountError(w, r, acc, acc.Role, err)
		return
	}
	s.renderAccountForm(w, r, http.StatusOK, acc, false, nil, s.baseURL.String()+"/invitations/"+token)
}

// renderAccountError shows why a change to acc failed on its form. When
// the viewer may not see the form of an account whose stored role is
// storedRole (as handleAccountEdit decides), it shows that refusal on an
// error page instead, so that a refused change never shows the details of
// an admin to the secretariat.
func (s *Server) renderAccountError(w http.ResponseWriter, r *http.Request, acc *workspace.Account, storedRole workspace.Role, err error) {
	if hidden := workspace.CanManageAccount(workspace.ActorFor(currentAccount(r)), storedRole); hidden != nil {
		s.renderError(w, r, hidden)
		return
	}
	s.renderAccountForm(w, r, statusOf(err), acc, false, err, "")
}

func (s *Server) accountFromPath(r *http.Request) (*workspace.Account, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.db.FindAccountByID(r.Context(), id)
}

func readAccountForm(r *http.Request, acc *workspace.Account) {
	acc.Name = formValue(r, "name")
	acc.Email = formValue(r, "email")
	acc.OrganisationID, _ = strconv.ParseInt(formValue(r, "organisation_id"), 10, 64)
	acc.Language = formValue(r, "language")
	acc.Role = workspace.Role(formValue(r, "role"))
	acc.CanVote = formChecked(r, "can_vote")
}

func (s *Server) renderAccountForm(w http.ResponseWriter, r *http.Request, status int, acc *workspace.Account, isNew bool, err error, invitationURL string) {
	orgs, ferr := s.db.FindOrganisations(r.Context(), workspace.OrganisationFilter{ActiveOnly: true})
	if ferr != nil {
		s.serverError(w, r, ferr)
		return
	}
	title := "account.edit_title"
	if isNew {
		title = "account.new_title"
	}
	p := s.newPage(r, title).withNotice(r)
	p.Section = "accounts"
	p.Data = accountFormView{
		Account: acc, Organisations: orgs, New: isNew,
		Error: p.formErrorText(err), Field: fieldError(err),
		InvitationURL: invitationURL, Self: currentAccount(r).ID == acc.ID,
	}
	s.render(w, r, status, "account_form", p)
}
