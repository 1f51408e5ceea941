package server

import (
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

func (s *Server) handleOrganisationNew(w http.ResponseWriter, r *http.Request) {
	s.renderOrganisationForm(w, r, http.StatusOK, &workspace.Organisation{College: workspace.CollegeState}, true, nil)
}

func (s *Server) handleOrganisationCreate(w http.ResponseWriter, r *http.Request) {
	org := &workspace.Organisation{}
	if err := parseForm(w, r); err != nil {
		s.renderOrganisationForm(w, r, statusOf(err), org, true, err)
		return
	}
	readOrganisationForm(r, org)
	if err := s.db.CreateOrganisation(r.Context(), workspace.ActorFor(currentAccount(r)), org); err != nil {
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
	if err := parseForm(w, r); err != nil {
		s.renderOrganisationForm(w, r, statusOf(err), org, false, err)
		return
	}
	readOrganisationForm(r, org)
	org.Active = formChecked(r, "active")
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
	p.Data = organisationFormView{Organisation: org, New: isNew, Error: p.ErrorText(err), Field: fieldError(err)}
	s.render(w, r, status, "organisation_form", p)
}
