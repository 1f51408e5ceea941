package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"tawla/demo"
	"tawla/workspace"
)

// TestAgendaFormKeepsFormerPresenter: an item presented by an organisation
// deactivated since still shows it in its form, selected and marked as
// deactivated, so that saving the form for another field keeps the
// presenter instead of dropping them unseen.
func TestAgendaFormKeepsFormerPresenter(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	system := workspace.SystemActor("test")
	org := ts.organisationNamed(t, "Commune de Mahdia")
	start := ts.clock.Now().Add(48 * time.Hour).Truncate(time.Hour)
	m := &workspace.Meeting{Title: "Plénière", Kind: workspace.MeetingPlenary, Language: "fr", StartsAt: start, EndsAt: start.Add(2 * time.Hour),
		QuorumRule: workspace.QuorumHalfPlusOne}
	if err := ts.db.CreateMeeting(ctx, system, m, nil); err != nil {
		t.Fatal(err)
	}
	it := &workspace.AgendaItem{MeetingID: m.ID, Title: "État civil", DurationMinutes: 20, PresenterOrganisationID: &org.ID}
	if err := ts.db.AddAgendaItem(ctx, system, it, nil); err != nil {
		t.Fatal(err)
	}
	org.Active = false
	if err := ts.db.UpdateOrganisation(ctx, system, org); err != nil {
		t.Fatal(err)
	}
	staff := ts.sessionClient(t, demo.SecretariatEmail)
	path := meetingItemPath(m.ID, it.ID)
	value := "organisation:" + strconv.FormatInt(org.ID, 10)
	form := staff.get(t, path+"/edit?lang=fr")
	wantStatus(t, "item form", form, http.StatusOK)
	wantBody(t, "item form", form.Body, `<option value="`+value+`" selected>`+org.NameFR+` (désactivé)</option>`)

	resp := staff.postForm(t, path, url.Values{"title": {"État civil et papiers"}, "description": {""}, "duration_minutes": {"30"}, "presenter": {value}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving the item: status %d\n%s", resp.StatusCode, resp.Body)
	}
	rec := agendaTestRecord(t, ts, m.ID)
	if got := rec.Items[0]; got.PresenterOrganisationID == nil || *got.PresenterOrganisationID != org.ID || got.Title != "État civil et papiers" {
		t.Errorf("after saving: presenter %v, title %q; want the deactivated organisation kept", got.PresenterOrganisationID, got.Title)
	}
}
