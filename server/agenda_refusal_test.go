package server

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/workspace"
)

// TestActionRefusalKeepsTheForm: an action the secretariat adds during a
// meeting, refused for a missing owner or a date in the wrong form, brings
// back the meeting's page with the form open on its item, filled as it
// was sent, the field at fault marked and focused, and why; nothing is
// stored.
func TestActionRefusalKeepsTheForm(t *testing.T) {
	ts := newTestServer(t)
	rec := agendaTestMeeting(t, ts, "Plénière de juin", "Emploi", "Santé")
	id := rec.Meeting.ID
	rec = agendaTestStart(t, ts, id)
	staff := ts.loginAs(t, demo.SecretariatEmail)
	item := rec.Items[0]
	owner := strconv.FormatInt(ts.account(t, demo.MemberEmail).OrganisationID, 10)
	addPath := meetingItemPath(id, item.ID) + "/actions?lang=fr"
	errorID := fmt.Sprintf(`id="action-error-%d"`, item.ID)

	if err := ts.db.RecordDecision(context.Background(), workspace.SystemActor("test"),
		&workspace.Decision{AgendaItemID: item.ID, Text: "Adopté", Outcome: workspace.OutcomeAdopted}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		form url.Values
		want []string
	}{
		{"NoOwner", url.Values{"title": {"Recenser les <offres>"}, "owner_organisation_id": {""}, "due_date": {"2026-12-31"}},
			[]string{`value="Recenser les &lt;offres&gt;"`, `value="2026-12-31"`, `name="owner_organisation_id" required autofocus aria-invalid="true"`}},
		{"BadDate", url.Values{"title": {"Recenser les <offres>"}, "owner_organisation_id": {owner}, "due_date": {"31/12/2026"}},
			[]string{`value="Recenser les &lt;offres&gt;"`, `value="` + owner + `" selected`, `value="31/12/2026" autofocus aria-invalid="true"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := agendaState(t, ts, id)
			resp := staff.postForm(t, addPath, tt.form)
			wantStatus(t, "refused action", resp, http.StatusBadRequest)
			wantBody(t, "refused action", resp.Body, append(tt.want, errorID, `<details class="agenda-form action-form no-print" open>`)...)
			wantUnchanged(t, "a refused action", before, agendaState(t, ts, id))
		})
	}
}

// TestDecisionRefusalKeepsTheForm: a decision refused for a missing
// outcome or a text too long comes back open on its item with the text as
// typed, the outcome chosen and why (the limit named); nothing is stored
// and the minutes do not change. On a meeting not started, which shows no
// decision form, the reason comes alone.
func TestDecisionRefusalKeepsTheForm(t *testing.T) {
	ts := newTestServer(t)
	rec := agendaTestMeeting(t, ts, "Plénière de juillet", "Emploi", "Santé")
	id := rec.Meeting.ID
	staff := ts.loginAs(t, demo.SecretariatEmail)
	item := rec.Items[1]
	path := meetingItemPath(id, item.ID) + "/decision?lang=fr"

	before := agendaState(t, ts, id)
	resp := staff.postForm(t, path, url.Values{"text": {"Adopté."}, "outcome": {"adopted"}})
	wantStatus(t, "a decision before the meeting", resp, http.StatusConflict)
	wantNoBody(t, "a decision before the meeting", resp.Body, "decision-error-")
	wantUnchanged(t, "a decision before the meeting", before, agendaState(t, ts, id))

	agendaTestStart(t, ts, id)
	long := strings.Repeat("Le point est renvoyé au groupe de travail. ", 130) // over 5,000 characters
	for _, tt := range []struct {
		name string
		form url.Values
		want []string
	}{
		{"NoOutcome", url.Values{"text": {"La table <adopte> le plan."}},
			[]string{">La table &lt;adopte&gt; le plan.</textarea>", `<fieldset class="choices" aria-invalid="true"`}},
		{"TooLong", url.Values{"text": {long}, "outcome": {"postponed"}},
			[]string{"Le point est renvoyé au groupe de travail. Le point", `value="postponed" required checked`,
				html.EscapeString(ts.srv.localizer("fr").T("error.text.too_long_limit", "Count", 5000))}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := agendaState(t, ts, id)
			resp := staff.postForm(t, path, tt.form)
			wantStatus(t, "refused decision", resp, http.StatusBadRequest)
			wantBody(t, "refused decision", resp.Body, append(tt.want, fmt.Sprintf(`id="decision-error-%d"`, item.ID),
				`<details class="agenda-form decision-form no-print" open>`)...)
			wantUnchanged(t, "a refused decision", before, agendaState(t, ts, id))
		})
	}
}

// TestMeetingPageAnchors: a decision and an action have an anchor on their
// meeting's page, where an issue's links to them lead
// (/meetings/N#decision-D, #action-A).
func TestMeetingPageAnchors(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	system := workspace.SystemActor("test")
	rec := agendaTestMeeting(t, ts, "Plénière d'août", "Emploi")
	agendaTestStart(t, ts, rec.Meeting.ID)
	d := &workspace.Decision{AgendaItemID: rec.Items[0].ID, Text: "Adopté", Outcome: workspace.OutcomeAdopted}
	if err := ts.db.RecordDecision(ctx, system, d); err != nil {
		t.Fatal(err)
	}
	a := &workspace.Action{DecisionID: d.ID, Title: "Recenser les offres", OwnerOrganisationID: ts.account(t, demo.MemberEmail).OrganisationID, DueDate: "2099-01-31"}
	if err := ts.db.AddAction(ctx, system, a); err != nil {
		t.Fatal(err)
	}
	page := ts.sessionClient(t, demo.MemberEmail).get(t, meetingPath(rec.Meeting.ID))
	wantBody(t, "meeting page", page.Body, fmt.Sprintf(`id="decision-%d"`, d.ID), fmt.Sprintf(`id="action-%d"`, a.ID))
}

// TestAgendaMoveFromStalePage: a move sent from a page older than the
// agenda — the item has moved since — is refused (409) and changes
// nothing, rather than moving the item from a place it no longer holds;
// sent from the page as it is, it moves the item.
func TestAgendaMoveFromStalePage(t *testing.T) {
	ts := newTestServer(t)
	rec := agendaTestMeeting(t, ts, "Plénière de septembre", "Emploi", "Santé", "Logement")
	id := rec.Meeting.ID
	staff := ts.loginAs(t, demo.SecretariatEmail)
	housing := rec.Items[2]
	page := staff.get(t, meetingPath(id))
	wantBody(t, "meeting page", page.Body, `<input type="hidden" name="direction" value="up"><input type="hidden" name="position" value="3">`)

	move := func(position string) *response {
		return staff.postForm(t, meetingItemPath(id, housing.ID)+"/move?lang=fr", url.Values{"direction": {"up"}, "position": {position}})
	}
	if resp := move("3"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("moving from the page as it is: status %d", resp.StatusCode)
	}
	// The page still says 3; the item is now 2.
	before := agendaState(t, ts, id)
	resp := move("3")
	wantStatus(t, "a move from a stale page", resp, http.StatusConflict)
	wantBody(t, "a move from a stale page", resp.Body, html.EscapeString(ts.srv.localizer("fr").T("error.agenda.order_changed")))
	wantUnchanged(t, "a move from a stale page", before, agendaState(t, ts, id))
}
