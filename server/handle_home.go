package server

import (
	"net/http"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// collegeGroup is one college of the table with its active organisations
// and, for each, the people who represent it.
type collegeGroup struct {
	College       workspace.College
	Organisations []orgWithPeople
}

type orgWithPeople struct {
	Organisation *workspace.Organisation
	People       []*workspace.Account
}

type homeView struct {
	Colleges      []collegeGroup
	Organisations int
	People        int
	// Meetings are the next meetings the viewer is invited to (at most
	// homeMeetings), for those who may see meetings.
	Meetings []*workspace.Meeting
}

// homeMeetings is how many of one's next meetings the home page shows.
const homeMeetings = 3

// handleHome shows the next meetings the viewer is invited to and the
// table's composition: every active organisation by college with the
// people who sit for it.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	orgs, err := s.db.FindOrganisations(r.Context(), workspace.OrganisationFilter{ActiveOnly: true})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	accs, err := s.db.FindAccounts(r.Context(), workspace.AccountFilter{ActiveOnly: true})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	people := map[int64][]*workspace.Account{}
	for _, a := range accs {
		people[a.OrganisationID] = append(people[a.OrganisationID], a)
	}
	view := homeView{Organisations: len(orgs), People: len(accs)}
	for _, c := range workspace.Colleges {
		g := collegeGroup{College: c}
		for _, o := range orgs {
			if o.College == c {
				g.Organisations = append(g.Organisations, orgWithPeople{o, people[o.ID]})
			}
		}
		if len(g.Organisations) > 0 {
			view.Colleges = append(view.Colleges, g)
		}
	}
	if acc := currentAccount(r); workspace.CanReadMeetings(workspace.ActorFor(acc)) == nil {
		view.Meetings, _, err = s.db.FindMeetings(r.Context(), sqlite.MeetingFilter{When: "upcoming", Now: s.db.Now(), SkipCancelled: true, InvitedAccountID: acc.ID, Limit: homeMeetings})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	p := s.newPage(r, "home.title").withNotice(r)
	p.Section = "home"
	p.Data = view
	s.render(w, r, http.StatusOK, "home", p)
}
