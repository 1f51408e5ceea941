package server

import (
	"errors"
	"net/http"

	"tawla/workspace"
)

type organisationListView struct {
	Organisations []*workspace.Organisation
	College       workspace.College
}

type organisationFormView struct {
	Organisation *workspace.Organisation
	New          bool
	Error        string
	Field        string
	// Similar is true when the name was refused for resembling another
	// organisation's: the form then offers to create it anyway.
	Similar bool
	// Limits are the longest texts of the fields, for their hints.
	MaxName, MaxDelegation, MaxContact int
}

// handleOrganisationList lists every organisation, inactive ones included,
// optionally of one college.
func (s *Server) handleOrganisationList(w http.ResponseWriter, r *http.Request) {
	filter := workspace.OrganisationFilter{}
	if c := workspace.College(r.URL.Query().Get("college")); c.Valid() {
		filter.College = c
	}
	orgs, err := s.db.FindOrganisations(r.Context(), filter)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "organisations.title").withNotice(r)
	p.Section = "organisations"
	p.Data = organisationListView{Organisations: orgs, College: filter.College}
	s.render(w, r, http.StatusOK, "organisations", p)
}

// handleOrganisationNew shows an empty form: no college is chosen in
// advance, so that none is chosen by default.
func (s *Server) handleOrganisationNew(w http.ResponseWriter, r *http.Request) {
	s.renderOrganisationForm(w, r, http.StatusOK, &workspace.Organisation{}, true, nil)
}

// handleOrganisationCreate creates an organisation. A name like an
// existing organisation's is refused, naming it, until the person ticks
// "create anyway" on the form that comes back.
func (s *Server) handleOrganisationCreate(w http.ResponseWriter, r *http.Request) {
	org := &workspace.Organisation{}
	formErr := parseForm(w, r)
	if formErr == nil || formKept(formErr) {
		readOrganisationForm(r, org)
	}
	if formErr != nil {
		s.renderOrganisationForm(w, r, statusOf(formErr), org, true, formErr)
		return
	}
	create := s.db.CreateOrganisation
	if formChecked(r, "create_anyway") {
		create = s.db.CreateOrganisationAnyway
	}
	if err := create(r.Context(), workspace.ActorFor(currentAccount(r)), org); err != nil {
		s.renderOrganisationForm(w, r, statusOf(err), org, true, err)
		return
	}
	s.publishChange("organisation.created", "organisation", org.ID)
	redirectDone(w, r, "/admin/organisations", "organisation_created")
}

func (s *Server) handleOrganisationEdit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	org, err := s.db.FindOrganisationByID(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderOrganisationForm(w, r, http.StatusOK, org, false, nil)
}

// handleOrganisationUpdate saves the edit form; unticking "active"
// deactivates the organisation (its people keep their accounts).
func (s *Server) handleOrganisationUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	org, err := s.db.FindOrganisationByID(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	formErr := parseForm(w, r)
	if formErr == nil || formKept(formErr) {
		readOrganisationForm(r, org)
		org.Active = formChecked(r, "active")
	}
	if formErr != nil {
		s.renderOrganisationForm(w, r, statusOf(formErr), org, false, formErr)
		return
	}
	if err := s.db.UpdateOrganisation(r.Context(), workspace.ActorFor(currentAccount(r)), org); err != nil {
		s.renderOrganisationForm(w, r, statusOf(err), org, false, err)
		return
	}
	s.publishChange("organisation.updated", "organisation", org.ID)
	redirectDone(w, r, "/admin/organisations", "organisation_saved")
}

func readOrganisationForm(r *http.Request, org *workspace.Organisation) {
	org.NameFR = formValue(r, "name_fr")
	org.NameAR = formValue(r, "name_ar")
	org.College = workspace.College(formValue(r, "college"))
	org.Delegation = formValue(r, "delegation")
	org.Contact = formValue(r, "contact")
}

func (s *Server) renderOrganisationForm(w http.ResponseWriter, r *http.Request, status int, org *workspace.Organisation, isNew bool, err error) {
	title := "organisation.edit_title"
	if isNew {
		title = "organisation.new_title"
	}
	p := s.newPage(r, title)
	p.Section = "organisations"
	var similar *workspace.SimilarNameError
	p.Data = organisationFormView{
		Organisation: org, New: isNew, Error: p.formErrorText(err), Field: fieldError(err),
		Similar: errors.As(err, &similar),
		MaxName: workspace.MaxOrganisationName, MaxDelegation: workspace.MaxOrganisationDelegation, MaxContact: workspace.MaxOrganisationContact,
	}
	s.render(w, r, status, "organisation_form", p)
}
