package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"tawla/demo"
	"tawla/workspace"
)

// The agenda, decisions, actions and printed minutes of meetings
// (handle_agenda.go, handle_decision.go, handle_action.go,
// handle_minutes_print.go).

// agendaTestMeeting stores a planned French plenary tomorrow with ordinary
// items titled items, in order.
func agendaTestMeeting(t *testing.T, ts *testServer, title string, items ...string) *workspace.MeetingRecord {
	t.Helper()
	return agendaTestMeetingAt(t, ts, ts.clock.Now().Add(24*time.Hour).Truncate(time.Hour), title, items...)
}

// agendaTestMeetingAt is agendaTestMeeting for a meeting that starts at
// start.
func agendaTestMeetingAt(t *testing.T, ts *testServer, start time.Time, title string, items ...string) *workspace.MeetingRecord {
	t.Helper()
	ctx := context.Background()
	system := workspace.SystemActor("test")
	m := &workspace.Meeting{Title: title, Kind: workspace.MeetingPlenary, Language: "fr", StartsAt: start, EndsAt: start.Add(3 * time.Hour),
		Place: "Siège du gouvernorat", QuorumRule: workspace.QuorumHalfPlusOne}
	if err := ts.db.CreateMeeting(ctx, system, m, nil); err != nil {
		t.Fatalf("CreateMeeting: %v", err)
	}
	for _, it := range items {
		if err := ts.db.AddAgendaItem(ctx, system, &workspace.AgendaItem{MeetingID: m.ID, Title: it, DurationMinutes: 20}, nil); err != nil {
			t.Fatalf("AddAgendaItem: %v", err)
		}
	}
	return agendaTestRecord(t, ts, m.ID)
}

// agendaTestStart starts a meeting, its minutes pre-filled with a section
// "## N. Title" per item, as the minutes' pre-fill writes them.
func agendaTestStart(t *testing.T, ts *testServer, id int64) *workspace.MeetingRecord {
	t.Helper()
	_, err := ts.db.StartMeeting(context.Background(), workspace.SystemActor("test"), id, func(rec *workspace.MeetingRecord) string {
		var b strings.Builder
		fmt.Fprintf(&b, "# %s\n\n", rec.Meeting.Title)
		for _, it := range rec.Items {
			fmt.Fprintf(&b, "## %d. %s\n\nDébat.\n\n", it.Position, it.Title)
		}
		return b.String()
	})
	if err != nil {
		t.Fatalf("StartMeeting: %v", err)
	}
	return agendaTestRecord(t, ts, id)
}

func agendaTestRecord(t *testing.T, ts *testServer, id int64) *workspace.MeetingRecord {
	t.Helper()
	rec, err := ts.db.FindMeetingRecord(context.Background(), id)
	if err != nil {
		t.Fatalf("FindMeetingRecord: %v", err)
	}
	return rec
}

// agendaState describes a meeting's agenda, its decisions and actions, its
// minutes and the size of the audit log: two equal states mean that no
// request changed anything.
func agendaState(t *testing.T, ts *testServer, id int64) string {
	t.Helper()
	rec := agendaTestRecord(t, ts, id)
	var b strings.Builder
	for _, it := range rec.Items {
		fmt.Fprintf(&b, "%d %d %q %q %dmin %s procs=%d\n", it.ID, it.Position, it.Title, it.Description, it.DurationMinutes, presenterValue(it), len(it.Procedures))
		if d := it.Decision; d != nil {
			fmt.Fprintf(&b, "  decision %s %q\n", d.Outcome, d.Text)
			for _, a := range d.Actions {
				fmt.Fprintf(&b, "  action %q %d %s %s\n", a.Title, a.OwnerOrganisationID, a.DueDate, a.Status)
			}
		}
	}
	if doc := rec.Meeting.MinutesDocumentID; doc != nil {
		text, version, err := ts.srv.collab.Text(context.Background(), *doc)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "minutes v%d %q\n", version, text)
	}
	fmt.Fprintf(&b, "audit entries: %d\n", ts.auditCount(t))
	return b.String()
}

func meetingItemsPath(id int64) string { return "/meetings/" + strconv.FormatInt(id, 10) + "/items" }

func meetingItemPath(m, it int64) string {
	return meetingItemsPath(m) + "/" + strconv.FormatInt(it, 10)
}

// wantUnchanged fails when state no longer reads before.
func wantUnchanged(t *testing.T, what, before, after string) {
	t.Helper()
	if before != after {
		t.Errorf("%s changed the data:\nbefore:\n%s\nafter:\n%s", what, before, after)
	}
}

func TestAgendaItemAdd(t *testing.T) {
	ts := newTestServer(t)
	rec := agendaTestMeeting(t, ts, "Plénière de janvier", "Ouverture")
	other := agendaTestMeeting(t, ts, "Groupe de travail", "Point du groupe")
	id := rec.Meeting.ID
	staff := ts.loginAs(t, demo.SecretariatEmail)
	member := ts.account(t, demo.MemberEmail)
	proc := &workspace.Procedure{Title: "Orientation des jeunes", Language: "fr", Category: workspace.CategoryOther}
	if err := ts.db.CreateProcedure(context.Background(), workspace.SystemActor("test"), proc, "# Orientation\n"); err != nil {
		t.Fatal(err)
	}
	valid := url.Values{"title": {"Emploi des jeunes"}, "description": {"Bilan du trimestre"}, "duration_minutes": {"45"},
		"presenter": {"account:" + strconv.FormatInt(member.ID, 10)}, "procedure": {strconv.FormatInt(proc.ID, 10)}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for key, vs := range valid {
			f[key] = append([]string(nil), vs...)
		}
		f.Set(k, v)
		return f
	}

	t.Run("Refused", func(t *testing.T) {
		for _, c := range []struct {
			name string
			path string
			form url.Values
			want int
			text string
		}{
			{"NoTitle", meetingItemsPath(id), with("title", "  "), http.StatusBadRequest, "doit avoir un titre"},
			{"NegativeDuration", meetingItemsPath(id), with("duration_minutes", "-5"), http.StatusBadRequest, "entre 0 et 600"},
			{"DurationNotANumber", meetingItemsPath(id), with("duration_minutes", "une heure"), http.StatusBadRequest, "entre 0 et 600"},
			{"DurationTooLong", meetingItemsPath(id), with("duration_minutes", "601"), http.StatusBadRequest, "entre 0 et 600"},
			{"UnknownPresenter", meetingItemsPath(id), with("presenter", "account:999999"), http.StatusBadRequest, "intervenant dans la liste"},
			{"UnknownOrganisation", meetingItemsPath(id), with("presenter", "organisation:999999"), http.StatusBadRequest, "intervenant dans la liste"},
			{"BadPresenter", meetingItemsPath(id), with("presenter", "procedure:1"), http.StatusBadRequest, "intervenant dans la liste"},
			{"UnknownProcedure", meetingItemsPath(id), with("procedure", "999999"), http.StatusBadRequest, "procédures dans la liste"},
			{"InvalidUTF8", meetingItemsPath(id), with("title", "Emploi \xff"), http.StatusBadRequest, "Emploi \uFFFD"},
			{"UnknownMeeting", meetingItemsPath(999999), valid, http.StatusNotFound, ""},
			{"NotANumber", "/meetings/abc/items", valid, http.StatusNotFound, ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				before := agendaState(t, ts, id)
				resp := staff.postForm(t, c.path, c.form)
				wantStatus(t, c.name, resp, c.want)
				if !strings.Contains(resp.Body, c.text) {
					t.Errorf("%s: the answer does not say %q:\n%s", c.name, c.text, excerpt(resp.Body))
				}
				wantUnchanged(t, c.name, before, agendaState(t, ts, id))
			})
		}
	})

	t.Run("FormComesBackFilled", func(t *testing.T) {
		resp := staff.postForm(t, meetingItemsPath(id), with("duration_minutes", "-5"))
		wantStatus(t, "refused add", resp, http.StatusBadRequest)
		for _, want := range []string{`value="Emploi des jeunes"`, `value="-5"`, "Bilan du trimestre", `aria-invalid="true"`} {
			if !strings.Contains(resp.Body, want) {
				t.Errorf("the form does not come back with %s", want)
			}
		}
	})

	t.Run("MemberRefused", func(t *testing.T) {
		c := ts.loginAs(t, demo.MemberEmail)
		before := agendaState(t, ts, id)
		resp := c.postForm(t, meetingItemsPath(id), valid)
		wantStatus(t, "member adds", resp, http.StatusForbidden)
		wantUnchanged(t, "a member's add", before, agendaState(t, ts, id))
	})

	t.Run("OK", func(t *testing.T) {
		resp := staff.postForm(t, meetingItemsPath(id), valid)
		wantStatus(t, "add", resp, http.StatusSeeOther)
		got := agendaTestRecord(t, ts, id)
		if len(got.Items) != 2 {
			t.Fatalf("%d items, want 2", len(got.Items))
		}
		it := got.Items[1]
		if it.Title != "Emploi des jeunes" || it.Position != 2 || it.DurationMinutes != 45 || it.Description != "Bilan du trimestre" {
			t.Errorf("stored item %+v", it)
		}
		if it.PresenterAccountID == nil || *it.PresenterAccountID != member.ID || it.PresenterOrganisationID != nil {
			t.Errorf("presenter %v / %v, want account %d", it.PresenterAccountID, it.PresenterOrganisationID, member.ID)
		}
		if len(it.Procedures) != 1 || it.Procedures[0].ID != proc.ID {
			t.Errorf("procedures %v, want %d", it.Procedures, proc.ID)
		}
		wantRedirect(t, "add", resp, "/meetings/"+strconv.FormatInt(id, 10)+"?done=agenda_item_added#item-"+strconv.FormatInt(it.ID, 10))
	})

	t.Run("OrganisationPresenter", func(t *testing.T) {
		resp := staff.postForm(t, meetingItemsPath(id), url.Values{"title": {"Point de l'organisme"},
			"presenter": {"organisation:" + strconv.FormatInt(member.OrganisationID, 10)}})
		wantStatus(t, "add", resp, http.StatusSeeOther)
		got := agendaTestRecord(t, ts, id)
		it := got.Items[len(got.Items)-1]
		if it.PresenterOrganisationID == nil || *it.PresenterOrganisationID != member.OrganisationID || it.PresenterAccountID != nil {
			t.Errorf("presenter %v / %v, want organisation %d", it.PresenterAccountID, it.PresenterOrganisationID, member.OrganisationID)
		}
	})

	t.Run("ClosedMeeting", func(t *testing.T) {
		agendaTestStart(t, ts, other.Meeting.ID)
		if _, err := ts.db.CloseMeeting(context.Background(), workspace.SystemActor("test"), other.Meeting.ID); err != nil {
			t.Fatal(err)
		}
		before := agendaState(t, ts, other.Meeting.ID)
		resp := staff.postForm(t, meetingItemsPath(other.Meeting.ID), valid)
		wantStatus(t, "add to a closed meeting", resp, http.StatusConflict)
		if !strings.Contains(resp.Body, "role=\"alert\"") {
			t.Errorf("the refusal is not shown as an error:\n%s", excerpt(resp.Body))
		}
		wantUnchanged(t, "an add to a closed meeting", before, agendaState(t, ts, other.Meeting.ID))
	})
}

func TestAgendaItemEdit(t *testing.T) {
	ts := newTestServer(t)
	rec := agendaTestMeeting(t, ts, "Plénière de février", "Ouverture", "Emploi")
	other := agendaTestMeeting(t, ts, "Autre réunion", "Ailleurs")
	id, item := rec.Meeting.ID, rec.Items[1]
	staff := ts.loginAs(t, demo.SecretariatEmail)
	org := ts.account(t, demo.MemberEmail).OrganisationID

	t.Run("Form", func(t *testing.T) {
		resp := staff.get(t, meetingItemPath(id, item.ID)+"/edit")
		wantStatus(t, "edit form", resp, http.StatusOK)
		if !strings.Contains(resp.Body, `value="Emploi"`) || !strings.Contains(resp.Body, `action="`+meetingItemPath(id, item.ID)+`"`) {
			t.Errorf("the form does not show the item:\n%s", excerpt(resp.Body))
		}
	})

	form := url.Values{"title": {"Emploi et formation"}, "description": {"Avec l'ATFP"}, "duration_minutes": {"30"},
		"presenter": {"organisation:" + strconv.FormatInt(org, 10)}}
	for _, c := range []struct {
		name string
		path string
		form url.Values
		want int
	}{
		{"UnknownItem", meetingItemPath(id, 999999), form, http.StatusNotFound},
		{"ItemOfAnotherMeeting", meetingItemPath(id, other.Items[0].ID), form, http.StatusNotFound},
		{"UnknownMeeting", meetingItemPath(999999, item.ID), form, http.StatusNotFound},
		{"NegativeDuration", meetingItemPath(id, item.ID), url.Values{"title": {"Emploi"}, "duration_minutes": {"-1"}}, http.StatusBadRequest},
		{"InvalidUTF8", meetingItemPath(id, item.ID), url.Values{"title": {"\xc3\x28"}}, http.StatusBadRequest},
		{"NoTitle", meetingItemPath(id, item.ID), url.Values{"title": {""}}, http.StatusBadRequest},
	} {
		t.Run(c.name, func(t *testing.T) {
			before, beforeOther := agendaState(t, ts, id), agendaState(t, ts, other.Meeting.ID)
			resp := staff.postForm(t, c.path, c.form)
			wantStatus(t, c.name, resp, c.want)
			wantUnchanged(t, c.name, before, agendaState(t, ts, id))
			wantUnchanged(t, c.name, beforeOther, agendaState(t, ts, other.Meeting.ID))
		})
	}
	t.Run("EditFormOfAnotherMeetingsItem", func(t *testing.T) {
		wantStatus(t, "edit form", staff.get(t, meetingItemPath(id, other.Items[0].ID)+"/edit"), http.StatusNotFound)
	})

	t.Run("OK", func(t *testing.T) {
		resp := staff.postForm(t, meetingItemPath(id, item.ID), form)
		wantRedirect(t, "update", resp, "/meetings/"+strconv.FormatInt(id, 10)+"?done=agenda_item_saved#item-"+strconv.FormatInt(item.ID, 10))
		got := agendaTestRecord(t, ts, id).Item(item.ID)
		if got.Title != "Emploi et formation" || got.Description != "Avec l'ATFP" || got.DurationMinutes != 30 ||
			got.PresenterOrganisationID == nil || *got.PresenterOrganisationID != org {
			t.Errorf("stored item %+v", got)
		}
	})
}

func TestAgendaItemDeleteAndMove(t *testing.T) {
	ts := newTestServer(t)
	rec := agendaTestMeeting(t, ts, "Plénière de mars", "Un", "Deux", "Trois")
	other := agendaTestMeeting(t, ts, "Autre réunion", "Ailleurs")
	id := rec.Meeting.ID
	staff := ts.loginAs(t, demo.SecretariatEmail)
	titles := func() string {
		var out []string
		for _, it := range agendaTestRecord(t, ts, id).Items {
			out = append(out, strconv.Itoa(it.Position)+"."+it.Title)
		}
		return strings.Join(out, " ")
	}

	move := func(item int64, dir string) *response {
		return staff.postForm(t, meetingItemPath(id, item)+"/move", url.Values{"direction": {dir}})
	}
	t.Run("Move", func(t *testing.T) {
		wantStatus(t, "move down", move(rec.Items[0].ID, "down"), http.StatusSeeOther)
		if got, want := titles(), "1.Deux 2.Un 3.Trois"; got != want {
			t.Errorf("after moving Un down: %s, want %s", got, want)
		}
		wantStatus(t, "move up", move(rec.Items[2].ID, "up"), http.StatusSeeOther)
		if got, want := titles(), "1.Deux 2.Trois 3.Un"; got != want {
			t.Errorf("after moving Trois up: %s, want %s", got, want)
		}
	})
	for _, c := range []struct {
		name string
		item int64
		dir  string
		want int
	}{
		{"FirstUp", rec.Items[1].ID, "up", http.StatusBadRequest},
		{"LastDown", rec.Items[0].ID, "down", http.StatusBadRequest},
		{"NoDirection", rec.Items[2].ID, "", http.StatusBadRequest},
		{"BadDirection", rec.Items[2].ID, "sideways", http.StatusBadRequest},
		{"ItemOfAnotherMeeting", other.Items[0].ID, "up", http.StatusNotFound},
		{"UnknownItem", 999999, "up", http.StatusNotFound},
	} {
		t.Run("Move"+c.name, func(t *testing.T) {
			before := agendaState(t, ts, id)
			wantStatus(t, c.name, move(c.item, c.dir), c.want)
			wantUnchanged(t, c.name, before, agendaState(t, ts, id))
		})
	}

	t.Run("Delete", func(t *testing.T) {
		resp := staff.postForm(t, meetingItemPath(id, rec.Items[1].ID)+"/delete", nil)
		wantRedirect(t, "delete", resp, "/meetings/"+strconv.FormatInt(id, 10)+"?done=agenda_item_deleted#agenda")
		if got, want := titles(), "1.Trois 2.Un"; got != want {
			t.Errorf("after deleting Deux: %s, want %s", got, want)
		}
	})
	t.Run("DeleteRefused", func(t *testing.T) {
		for _, c := range []struct {
			name string
			path string
			want int
		}{
			{"Again", meetingItemPath(id, rec.Items[1].ID) + "/delete", http.StatusNotFound},
			{"ItemOfAnotherMeeting", meetingItemPath(id, other.Items[0].ID) + "/delete", http.StatusNotFound},
		} {
			before, beforeOther := agendaState(t, ts, id), agendaState(t, ts, other.Meeting.ID)
			wantStatus(t, c.name, staff.postForm(t, c.path, nil), c.want)
			wantUnchanged(t, c.name, before, agendaState(t, ts, id))
			wantUnchanged(t, c.name, beforeOther, agendaState(t, ts, other.Meeting.ID))
		}
		// An item with a decision stays.
		started := agendaTestStart(t, ts, id)
		decided := started.Items[1]
		if err := ts.db.RecordDecision(context.Background(), workspace.SystemActor("test"), &workspace.Decision{AgendaItemID: decided.ID, Text: "Adopté", Outcome: workspace.OutcomeAdopted}); err != nil {
			t.Fatal(err)
		}
		before := agendaState(t, ts, id)
		resp := staff.postForm(t, meetingItemPath(id, decided.ID)+"/delete", nil)
		wantStatus(t, "delete an item with a decision", resp, http.StatusConflict)
		if !strings.Contains(resp.Body, "a une décision") {
			t.Errorf("the refusal does not say why:\n%s", excerpt(resp.Body))
		}
		wantUnchanged(t, "deleting an item with a decision", before, agendaState(t, ts, id))
	})
}

// minutesText returns the current text of a meeting's minutes.
func minutesText(t *testing.T, ts *testServer, id int64) string {
	t.Helper()
	rec := agendaTestRecord(t, ts, id)
	if rec.Meeting.MinutesDocumentID == nil {
		t.Fatal("the meeting has no minutes")
	}
	text, _, err := ts.srv.collab.Text(context.Background(), *rec.Meeting.MinutesDocumentID)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func TestDecisionIntoMinutes(t *testing.T) {
	ts := newTestServer(t)
	rec := agendaTestMeeting(t, ts, "Plénière d'avril", "Ouverture", "Emploi des jeunes", "Divers")
	id := rec.Meeting.ID
	staff := ts.loginAs(t, demo.SecretariatEmail)
	decide := func(item int64, text, outcome string) *response {
		return staff.postForm(t, meetingItemPath(id, item)+"/decision", url.Values{"text": {text}, "outcome": {outcome}})
	}

	t.Run("PlannedMeeting", func(t *testing.T) {
		before := agendaState(t, ts, id)
		wantStatus(t, "decision before the start", decide(rec.Items[1].ID, "Adopté", "adopted"), http.StatusConflict)
		wantUnchanged(t, "a decision before the start", before, agendaState(t, ts, id))
	})

	rec = agendaTestStart(t, ts, id)
	for _, c := range []struct {
		name          string
		item          int64
		text, outcome string
		want          int
	}{
		{"NoText", rec.Items[1].ID, " ", "adopted", http.StatusBadRequest},
		{"BadOutcome", rec.Items[1].ID, "Adopté", "maybe", http.StatusBadRequest},
		{"InvalidUTF8", rec.Items[1].ID, "Adopt\xe9", "adopted", http.StatusBadRequest},
		{"UnknownItem", 999999, "Adopté", "adopted", http.StatusNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := agendaState(t, ts, id)
			wantStatus(t, c.name, decide(c.item, c.text, c.outcome), c.want)
			wantUnchanged(t, c.name, before, agendaState(t, ts, id))
		})
	}
	t.Run("MemberRefused", func(t *testing.T) {
		c := ts.loginAs(t, demo.MemberEmail)
		before := agendaState(t, ts, id)
		resp := c.postForm(t, meetingItemPath(id, rec.Items[1].ID)+"/decision", url.Values{"text": {"x"}, "outcome": {"adopted"}})
		wantStatus(t, "member decides", resp, http.StatusForbidden)
		wantUnchanged(t, "a member's decision", before, agendaState(t, ts, id))
	})

	t.Run("Recorded", func(t *testing.T) {
		resp := decide(rec.Items[1].ID, "Le plan d'emploi des jeunes est adopté.", "adopted")
		wantRedirect(t, "decision", resp, "/meetings/"+strconv.FormatInt(id, 10)+"?done=decision_recorded#item-"+strconv.FormatInt(rec.Items[1].ID, 10))
		d := agendaTestRecord(t, ts, id).Item(rec.Items[1].ID).Decision
		if d == nil || d.Outcome != workspace.OutcomeAdopted || d.Text != "Le plan d'emploi des jeunes est adopté." {
			t.Fatalf("stored decision %+v", d)
		}
		text := minutesText(t, ts, id)
		line := "**Décision (adoptée)\u00a0:** Le plan d'emploi des jeunes est adopté."
		at, next := strings.Index(text, line), strings.Index(text, "## 3. Divers")
		if at < 0 || at < strings.Index(text, "## 2. Emploi des jeunes") || at > next {
			t.Fatalf("the decision is not in the section of its item:\n%s", text)
		}
	})

	t.Run("Replaced", func(t *testing.T) {
		wantStatus(t, "decision again", decide(rec.Items[1].ID, "Reporté à la prochaine plénière.\n\nFaute de chiffres.", "postponed"), http.StatusSeeOther)
		text := minutesText(t, ts, id)
		if strings.Contains(text, "adoptée") || strings.Count(text, "**Décision") != 1 {
			t.Fatalf("the earlier decision was not replaced:\n%s", text)
		}
		if !strings.Contains(text, "**Décision (reportée)\u00a0:** Reporté à la prochaine plénière.\nFaute de chiffres.\n\n## 3. Divers") {
			t.Errorf("the new decision is not where the old one was:\n%s", text)
		}
	})

	t.Run("ItemAddedAfterTheStart", func(t *testing.T) {
		resp := staff.postForm(t, meetingItemsPath(id), url.Values{"title": {"Question urgente"}})
		wantStatus(t, "add", resp, http.StatusSeeOther)
		late := agendaTestRecord(t, ts, id).Items[3]
		wantStatus(t, "decision", decide(late.ID, "Rejeté.", "rejected"), http.StatusSeeOther)
		text := minutesText(t, ts, id)
		if !strings.HasSuffix(text, "## 4. Question urgente\n\n**Décision (rejetée)\u00a0:** Rejeté.\n") {
			t.Errorf("the decision on an item without a section does not end the minutes in one:\n%s", text)
		}
	})

	t.Run("MinutesOfTheStartRoute", func(t *testing.T) {
		// The minutes as the meeting page's start button pre-fills them.
		other := agendaTestMeeting(t, ts, "Plénière de la ruche", "Apiculture", "Miel")
		wantStatus(t, "start", staff.postForm(t, "/meetings/"+strconv.FormatInt(other.Meeting.ID, 10)+"/start", nil), http.StatusSeeOther)
		resp := staff.postForm(t, meetingItemPath(other.Meeting.ID, other.Items[0].ID)+"/decision", url.Values{"text": {"Des ruches au lycée."}, "outcome": {"adopted"}})
		wantStatus(t, "decision", resp, http.StatusSeeOther)
		text := minutesText(t, ts, other.Meeting.ID)
		heading := ts.srv.minutesItemHeading("fr", other.Items[0])
		at := strings.Index(text, "**Décision (adoptée)\u00a0:** Des ruches au lycée.")
		if at < 0 || at < strings.Index(text, heading) || at > strings.Index(text, "## 2. Miel") {
			t.Errorf("the decision is not under %q:\n%s", heading, text)
		}
	})

	t.Run("ArabicMinutes", func(t *testing.T) {
		ar := agendaTestMeeting(t, ts, "الجلسة العامة", "الافتتاح")
		m := ar.Meeting
		m.Language = "ar"
		if err := ts.db.UpdateMeeting(context.Background(), workspace.SystemActor("test"), m); err != nil {
			t.Fatal(err)
		}
		ar = agendaTestStart(t, ts, m.ID)
		resp := staff.postForm(t, meetingItemPath(m.ID, ar.Items[0].ID)+"/decision", url.Values{"text": {"تمّت المصادقة."}, "outcome": {"adopted"}})
		wantStatus(t, "decision", resp, http.StatusSeeOther)
		if text := minutesText(t, ts, m.ID); !strings.Contains(text, "## 1. الافتتاح\n\nDébat.\n\n**القرار (مُعتمَد):** تمّت المصادقة.\n") {
			t.Errorf("the Arabic decision is not in its section:\n%s", text)
		}
	})
}

func TestMinutesDecisionSpec(t *testing.T) {
	starts := []string{"**Décision (adoptée)\u00a0:**", "**Décision (rejetée)\u00a0:**"}
	block := "**Décision (adoptée)\u00a0:** Oui."
	apply := func(text string, number int, name string) string {
		spec := minutesDecisionSpec(text, "## "+strconv.Itoa(number)+". "+name, block, starts)
		u := []rune(text) // the texts below have no character outside the BMP
		return string(u[:spec.From]) + spec.Insert + string(u[spec.To:])
	}
	for _, c := range []struct {
		name, text string
		number     int
		item       string
		want       string
	}{
		{"EndOfSection", "# PV\n\n## 1. A\n\nNotes.\n\n## 2. B\n\nAutres.\n", 1, "A",
			"# PV\n\n## 1. A\n\nNotes.\n\n" + block + "\n\n## 2. B\n\nAutres.\n"},
		{"LastSection", "## 1. A\n\n## 2. B\n\nAutres.", 2, "B",
			"## 1. A\n\n## 2. B\n\nAutres.\n\n" + block + "\n"},
		{"Reordered", "## 1. B\n\n## 2. A\n", 1, "A",
			"## 1. B\n\n## 2. A\n\n" + block + "\n"},
		{"NumberOnly", "## 1. Ancien titre\n\nx\n", 1, "Nouveau titre",
			"## 1. Ancien titre\n\nx\n\n" + block + "\n"},
		{"NoSection", "# PV\n", 3, "C",
			"# PV\n\n## 3. C\n\n" + block + "\n"},
		{"Empty", "", 1, "A", "## 1. A\n\n" + block + "\n"},
		{"NotTen", "## 10. J\n", 1, "A", "## 10. J\n\n## 1. A\n\n" + block + "\n"},
		{"Replace", "## 1. A\n\n**Décision (rejetée)\u00a0:** Non.\nSuite.\n\nAprès.\n", 1, "A",
			"## 1. A\n\n" + block + "\n\nAprès.\n"},
		{"ArabicBefore", "## 1. الافتتاح\n\nنقاش.\n", 1, "الافتتاح", "## 1. الافتتاح\n\nنقاش.\n\n" + block + "\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := apply(c.text, c.number, c.item); got != c.want {
				t.Errorf("got\n%q\nwant\n%q", got, c.want)
			}
		})
	}
	t.Run("UTF16", func(t *testing.T) {
		text := "## 1. 😀\n\nx\n"
		spec := minutesDecisionSpec(text, "## 1. 😀", block, starts)
		if want := utf16Units(text); spec.From != want || spec.To != want {
			t.Errorf("insertion at %d..%d, want %d (UTF-16 units)", spec.From, spec.To, want)
		}
	})
}

func TestMeetingActions(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	rec := agendaTestMeeting(t, ts, "Plénière de mai", "Emploi", "Santé")
	id := rec.Meeting.ID
	rec = agendaTestStart(t, ts, id)
	staff := ts.loginAs(t, demo.SecretariatEmail)
	member := ts.account(t, demo.MemberEmail)          // dr-emploi
	colleague := ts.loginAs(t, "nizar.bouzid@demo.tn") // dr-emploi too
	outsider := ts.loginAs(t, "hela.jaziri@demo.tn")   // dr-social
	owner := strconv.FormatInt(member.OrganisationID, 10)
	today := ts.clock.Now().In(ts.srv.location)
	due := today.AddDate(0, 0, 10).Format(workspace.DateLayout)
	addPath := meetingItemPath(id, rec.Items[0].ID) + "/actions"
	form := url.Values{"title": {"Recenser les offres d'emploi"}, "owner_organisation_id": {owner}, "due_date": {due}}

	t.Run("NoDecision", func(t *testing.T) {
		before := agendaState(t, ts, id)
		wantStatus(t, "action without a decision", staff.postForm(t, addPath, form), http.StatusConflict)
		wantUnchanged(t, "an action without a decision", before, agendaState(t, ts, id))
	})
	if err := ts.db.RecordDecision(ctx, workspace.SystemActor("test"), &workspace.Decision{AgendaItemID: rec.Items[0].ID, Text: "Adopté", Outcome: workspace.OutcomeAdopted}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		key, val  string
		wantState int
	}{
		{"NoTitle", "title", "", http.StatusBadRequest},
		{"NoOwner", "owner_organisation_id", "", http.StatusBadRequest},
		{"UnknownOwner", "owner_organisation_id", "999999", http.StatusBadRequest},
		{"BadDate", "due_date", "31/12/2026", http.StatusBadRequest},
		{"InvalidUTF8", "title", "\xff", http.StatusBadRequest},
	} {
		t.Run("Add"+c.name, func(t *testing.T) {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			f.Set(c.key, c.val)
			before := agendaState(t, ts, id)
			wantStatus(t, c.name, staff.postForm(t, addPath, f), c.wantState)
			wantUnchanged(t, c.name, before, agendaState(t, ts, id))
		})
	}
	t.Run("AddByMember", func(t *testing.T) {
		before := agendaState(t, ts, id)
		wantStatus(t, "member adds", colleague.postForm(t, addPath, form), http.StatusForbidden)
		wantUnchanged(t, "a member's action", before, agendaState(t, ts, id))
	})

	resp := staff.postForm(t, addPath, form)
	wantRedirect(t, "add action", resp, "/meetings/"+strconv.FormatInt(id, 10)+"?done=action_added#item-"+strconv.FormatInt(rec.Items[0].ID, 10))
	actions := agendaTestRecord(t, ts, id).Items[0].Decision.Actions
	if len(actions) != 1 || actions[0].Title != "Recenser les offres d'emploi" || actions[0].Status != workspace.ActionOpen || actions[0].DueDate != due {
		t.Fatalf("stored actions %+v", actions)
	}
	action := actions[0]
	actionPath := "/actions/" + strconv.FormatInt(action.ID, 10)
	// A second, overdue action for another organisation.
	outsiderOrg := ts.account(t, "hela.jaziri@demo.tn").OrganisationID
	late := today.AddDate(0, 0, -3).Format(workspace.DateLayout)
	lateForm := url.Values{"title": {"Rapport sanitaire"}, "owner_organisation_id": {strconv.FormatInt(outsiderOrg, 10)}, "due_date": {late}}
	wantStatus(t, "add overdue action", staff.postForm(t, addPath, lateForm), http.StatusSeeOther)

	t.Run("ListOwnOrganisation", func(t *testing.T) {
		resp := colleague.get(t, "/actions")
		wantStatus(t, "actions", resp, http.StatusOK)
		if !strings.Contains(resp.Body, "Recenser les offres") || strings.Contains(resp.Body, "Rapport sanitaire") {
			t.Errorf("a member does not see only the actions of their organisation:\n%s", excerpt(resp.Body))
		}
		if !strings.Contains(resp.Body, `action="`+actionPath+`"`) {
			t.Errorf("a member of the owner organisation is not offered the status form")
		}
		resp = outsider.get(t, "/actions")
		if strings.Contains(resp.Body, "Recenser les offres") || !strings.Contains(resp.Body, "Rapport sanitaire") {
			t.Errorf("the other organisation's member sees the wrong actions:\n%s", excerpt(resp.Body))
		}
	})
	t.Run("Overdue", func(t *testing.T) {
		resp := staff.get(t, "/actions?overdue=1")
		wantStatus(t, "overdue actions", resp, http.StatusOK)
		if strings.Contains(resp.Body, "Recenser les offres") || !strings.Contains(resp.Body, "Rapport sanitaire") {
			t.Errorf("the overdue filter keeps the wrong actions:\n%s", excerpt(resp.Body))
		}
		if !strings.Contains(resp.Body, `class="overdue"`) || !strings.Contains(resp.Body, "En retard") {
			t.Errorf("the overdue action does not stand out with a word:\n%s", excerpt(resp.Body))
		}
		resp = staff.get(t, "/actions?organisation="+owner)
		if !strings.Contains(resp.Body, "Recenser les offres") || strings.Contains(resp.Body, "Rapport sanitaire") {
			t.Errorf("the organisation filter keeps the wrong actions:\n%s", excerpt(resp.Body))
		}
		resp = staff.get(t, "/actions?status=done")
		if strings.Contains(resp.Body, "Recenser les offres") || strings.Contains(resp.Body, "Rapport sanitaire") {
			t.Errorf("the status filter keeps actions that are not done:\n%s", excerpt(resp.Body))
		}
		// The agenda partial marks it too.
		html := renderAgendaPartial(t, ts, ts.account(t, demo.MemberEmail), agendaTestRecord(t, ts, id), false)
		if strings.Count(html, "overdue-flag") != 1 || !strings.Contains(html, "En retard") {
			t.Errorf("the agenda does not mark the one overdue action with a word:\n%s", html)
		}
	})

	t.Run("StatusByOwnerMember", func(t *testing.T) {
		resp := colleague.postForm(t, actionPath, url.Values{"status": {"in_progress"}, "back": {"status=pending&evil=1"}})
		wantRedirect(t, "status change", resp, "/actions?done=action_saved&status=pending#action-"+strconv.FormatInt(action.ID, 10))
		if got, _ := ts.db.FindActionByID(ctx, action.ID); got.Status != workspace.ActionInProgress {
			t.Errorf("status %s, want in_progress", got.Status)
		}
	})
	for _, c := range []struct {
		name string
		c    *client
		form url.Values
		want int
	}{
		{"OtherFieldsByOwnerMember", colleague, url.Values{"status": {"done"}, "title": {"Autre chose"}}, http.StatusForbidden},
		{"DueDateByOwnerMember", colleague, url.Values{"due_date": {late}}, http.StatusForbidden},
		{"StatusByOtherMember", outsider, url.Values{"status": {"done"}}, http.StatusForbidden},
		{"BadStatus", colleague, url.Values{"status": {"finished"}}, http.StatusBadRequest},
		{"InvalidUTF8", staff, url.Values{"title": {"\xff"}}, http.StatusBadRequest},
		{"StaffBadDate", staff, url.Values{"due_date": {"demain"}}, http.StatusBadRequest},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := agendaState(t, ts, id)
			wantStatus(t, c.name, c.c.postForm(t, actionPath, c.form), c.want)
			wantUnchanged(t, c.name, before, agendaState(t, ts, id))
		})
	}
	t.Run("UnknownAction", func(t *testing.T) {
		wantStatus(t, "unknown action", staff.postForm(t, "/actions/999999", url.Values{"status": {"done"}}), http.StatusNotFound)
	})
	t.Run("FullEditByStaff", func(t *testing.T) {
		newDue := today.AddDate(0, 1, 0).Format(workspace.DateLayout)
		resp := staff.postForm(t, actionPath, url.Values{"title": {"Recenser les offres d'emploi des jeunes"}, "owner_organisation_id": {strconv.FormatInt(outsiderOrg, 10)},
			"due_date": {newDue}, "status": {"done"}})
		wantStatus(t, "full edit", resp, http.StatusSeeOther)
		got, _ := ts.db.FindActionByID(ctx, action.ID)
		if got.Title != "Recenser les offres d'emploi des jeunes" || got.OwnerOrganisationID != outsiderOrg || got.DueDate != newDue || got.Status != workspace.ActionDone {
			t.Errorf("stored action %+v", got)
		}
	})
	t.Run("StakeholderRefused", func(t *testing.T) {
		c := ts.loginAs(t, demo.StakeholderEmail)
		wantStatus(t, "actions", c.get(t, "/actions"), http.StatusForbidden)
	})
}

func TestMinutesPrint(t *testing.T) {
	ts := newTestServer(t)
	rec := agendaTestMeeting(t, ts, "Plénière de juin", "Ouverture", "Emploi")
	id := rec.Meeting.ID
	member := ts.loginAs(t, demo.MemberEmail)
	path := "/meetings/" + strconv.FormatInt(id, 10) + "/minutes/print"

	resp := member.get(t, path)
	wantStatus(t, "print before the start", resp, http.StatusOK)
	if !strings.Contains(resp.Body, "sera rédigé") {
		t.Errorf("the print view of a meeting not started does not say there are no minutes yet:\n%s", excerpt(resp.Body))
	}

	rec = agendaTestStart(t, ts, id)
	staff := ts.loginAs(t, demo.SecretariatEmail)
	wantStatus(t, "decision", staff.postForm(t, meetingItemPath(id, rec.Items[1].ID)+"/decision",
		url.Values{"text": {"Le plan est <b>adopté</b>."}, "outcome": {"adopted"}}), http.StatusSeeOther)
	resp = member.get(t, path)
	wantStatus(t, "print", resp, http.StatusOK)
	for _, want := range []string{"Procès-verbal — Plénière de juin", `<h2 id="2-emploi"`, "Siège du gouvernorat",
		"<strong>Décision (adoptée)\u00a0:</strong> Le plan est ", "class=\"decision-list\"", "Adoptée"} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("the print view lacks %q:\n%s", want, resp.Body)
		}
	}
	if strings.Contains(resp.Body, "<b>adopté</b>") {
		t.Error("the minutes' Markdown let raw HTML through")
	}
	if strings.Contains(resp.Body, "<form method=\"post\" action=\"/meetings/") {
		t.Error("the print view shows the agenda's forms")
	}
	wantStatus(t, "unknown meeting", member.get(t, "/meetings/999999/minutes/print"), http.StatusNotFound)
	wantStatus(t, "stakeholder", ts.loginAs(t, demo.StakeholderEmail).get(t, path), http.StatusForbidden)
}

// renderAgendaPartial renders the "agenda" partial of rec in French for
// acc, as a page would include it.
func renderAgendaPartial(t *testing.T, ts *testServer, acc *workspace.Account, rec *workspace.MeetingRecord, print bool) string {
	t.Helper()
	p := &page{localizer: ts.srv.localizer("fr"), Lang: "fr", Account: acc, url: &url.URL{Path: "/meetings"}}
	view, err := ts.srv.agendaFor(context.Background(), p, rec, print)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := ts.srv.pages.pages["actions"].ExecuteTemplate(&b, "agenda", map[string]any{"Page": p, "Agenda": view}); err != nil {
		t.Fatalf("render the agenda: %v", err)
	}
	return b.String()
}

func TestAgendaPartial(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	system := workspace.SystemActor("test")
	first := agendaTestMeeting(t, ts, "Plénière de juillet", "Emploi")
	first = agendaTestStart(t, ts, first.Meeting.ID)
	d := &workspace.Decision{AgendaItemID: first.Items[0].ID, Text: "Adopté", Outcome: workspace.OutcomeAdopted}
	if err := ts.db.RecordDecision(ctx, system, d); err != nil {
		t.Fatal(err)
	}
	member := ts.account(t, demo.MemberEmail)
	past := ts.clock.Now().In(ts.srv.location).AddDate(0, 0, -2).Format(workspace.DateLayout)
	if err := ts.db.AddAction(ctx, system, &workspace.Action{DecisionID: d.ID, Title: "Publier l'appel", OwnerOrganisationID: member.OrganisationID, DueDate: past}); err != nil {
		t.Fatal(err)
	}
	// The next plenary is planned before the demo's own, so that closing
	// the first one carries over to it.
	next := agendaTestMeetingAt(t, ts, first.Meeting.StartsAt.Add(7*24*time.Hour), "Plénière d'août", "Divers")
	if _, err := ts.db.CloseMeeting(ctx, system, first.Meeting.ID); err != nil {
		t.Fatal(err)
	}
	next = agendaTestRecord(t, ts, next.Meeting.ID)
	staff := ts.account(t, demo.SecretariatEmail)

	html := renderAgendaPartial(t, ts, member, next, false)
	for _, want := range []string{
		"Approbation du procès-verbal de «\u00a0Plénière de juillet\u00a0»",
		"Suites de «\u00a0Plénière de juillet\u00a0»",
		"Publier l&#39;appel", "En retard", "Divers", `id="item-`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the member's agenda lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(html, "<form") {
		t.Errorf("a member's agenda shows forms:\n%s", html)
	}

	html = renderAgendaPartial(t, ts, staff, next, false)
	for _, want := range []string{"/items/", "/move", "/delete", `action="/meetings/` + strconv.FormatInt(next.Meeting.ID, 10) + `/items"`, "optgroup"} {
		if !strings.Contains(html, want) {
			t.Errorf("the secretariat's agenda of a planned meeting lacks %q", want)
		}
	}
	if strings.Contains(html, "/decision\"") {
		t.Error("the decision form shows before the meeting starts")
	}
	// Only the secretariat's own item can be removed, once confirmed: the
	// items the table added are decided on.
	divers := next.Items[len(next.Items)-1]
	deleteForm := `<details class="confirm">
          <summary class="button">Supprimer<span class="visually-hidden"> — Divers</span></summary>
          <form method="post" action="` + meetingItemPath(next.Meeting.ID, divers.ID) + `/delete"`
	if n := strings.Count(html, "/delete\""); n != 1 || !strings.Contains(html, deleteForm) || !strings.Contains(html, "Retirer ce point de l&#39;ordre du jour") {
		t.Errorf("the agenda offers %d removals, want one for %q behind a confirmation:\n%s", n, divers.Title, html)
	}
	if strings.Contains(renderAgendaPartial(t, ts, staff, next, true), "<form") {
		t.Error("the print agenda shows forms")
	}

	closed := renderAgendaPartial(t, ts, staff, agendaTestRecord(t, ts, first.Meeting.ID), false)
	if strings.Contains(closed, "/move") || strings.Contains(closed, "/delete") || strings.Contains(closed, `/items"`) {
		t.Error("a closed meeting's agenda offers to change it")
	}
	if !strings.Contains(closed, "/decision\"") || !strings.Contains(closed, "/actions\"") || !strings.Contains(closed, "Adoptée") {
		t.Errorf("a closed meeting's agenda does not offer the decision and action forms:\n%s", closed)
	}
}

// TestAgendaIssues: an issue linked to an agenda item, from the issue's
// page, is named under that item on the meeting's page, and only there.
func TestAgendaIssues(t *testing.T) {
	ts := newTestServer(t)
	issue := reportIssue(t, ts, demo.MemberEmail, "Diplôme <non> reconnu", "", nil)
	room := newRoomMeeting(t, ts, nil, false)
	member := ts.sessionClient(t, demo.MemberEmail)
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	wantRedirect(t, "link", member.postForm(t, issuePath(issue.ID)+"/links",
		url.Values{"target_kind": {"agenda_item"}, "target_id": {id(room.items[1].ID)}}), issuePath(issue.ID)+"?done=issue_linked")

	page := member.get(t, "/meetings/"+id(room.meeting.ID))
	wantStatus(t, "meeting page", page, http.StatusOK)
	link := `<a href="/issues/` + id(issue.ID) + `" dir="auto">#` + id(issue.ID) + ` Diplôme &lt;non&gt; reconnu</a>`
	if strings.Count(page.Body, link) != 1 {
		t.Fatalf("the meeting page names the linked issue %d times, want once:\n%s", strings.Count(page.Body, link), excerpt(page.Body))
	}
	second := strings.Index(page.Body, `id="item-`+id(room.items[1].ID)+`"`)
	first := strings.Index(page.Body, `id="item-`+id(room.items[0].ID)+`"`)
	if at := strings.Index(page.Body, link); second < 0 || at < second || (first > second && at > first) {
		t.Errorf("the linked issue is not under its item (item at %d, link at %d)", second, at)
	}
}

// sectionUnder returns the section of the minutes under heading, to the
// next heading of level one or two, or "" when no line is heading.
func sectionUnder(text, heading string) string {
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		if line != heading {
			continue
		}
		end := len(lines)
		for j := i + 1; j < len(lines); j++ {
			if strings.HasPrefix(lines[j], "# ") || strings.HasPrefix(lines[j], "## ") {
				end = j
				break
			}
		}
		return strings.Join(lines[i:end], "\n")
	}
	return ""
}

// TestDecisionNeverOverwritesAnotherItem: a decision goes into the section
// of its own item in the minutes, or a new one at their end, never into
// another item's section, however the agenda changed since the minutes
// were pre-filled: an item added and moved up to another's number, an
// item renamed or removed, the meeting's language changed.
func TestDecisionNeverOverwritesAnotherItem(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	staff := ts.loginAs(t, demo.SecretariatEmail)
	// The meeting before, closed, puts the approval of its minutes first on
	// this meeting's agenda: the first item is the table's.
	before := agendaTestMeetingAt(t, ts, ts.clock.Now().Add(time.Hour), "Plénière de décembre", "Ouverture")
	rec := agendaTestMeeting(t, ts, "Plénière de janvier", "Emploi des jeunes", "Formation professionnelle", "Santé", "Bilan de l'année 2025", "Divers")
	id := rec.Meeting.ID
	system := workspace.SystemActor("test")
	if _, err := ts.db.StartMeeting(ctx, system, before.Meeting.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.db.CloseMeeting(ctx, system, before.Meeting.ID); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "start", staff.postForm(t, "/meetings/"+strconv.FormatInt(id, 10)+"/start", nil), http.StatusSeeOther)
	rec = agendaTestRecord(t, ts, id)
	approval, bilan := rec.Items[0], rec.Items[4]
	if approval.Kind != workspace.ItemMinutesApproval || bilan.Position != 5 || bilan.Title != "Bilan de l'année 2025" {
		t.Fatalf("agenda %+v", rec.Items)
	}
	decide := func(item int64, text, outcome string) {
		t.Helper()
		wantStatus(t, "decision", staff.postForm(t, meetingItemPath(id, item)+"/decision", url.Values{"text": {text}, "outcome": {outcome}}), http.StatusSeeOther)
	}
	move := func(item int64, dir string, times int) {
		t.Helper()
		for range times {
			wantStatus(t, "move", staff.postForm(t, meetingItemPath(id, item)+"/move", url.Values{"direction": {dir}}), http.StatusSeeOther)
		}
	}
	add := func(title string) *workspace.AgendaItem {
		t.Helper()
		wantStatus(t, "add", staff.postForm(t, meetingItemsPath(id), url.Values{"title": {title}}), http.StatusSeeOther)
		items := agendaTestRecord(t, ts, id).Items
		return items[len(items)-1]
	}
	bilanHeading := "## 5. Bilan de l'année 2025"
	bilanAdopted := "**Décision (adoptée)\u00a0:** Le bilan est adopté."
	// wantBilan fails unless Bilan's section holds its decision, and only
	// it.
	wantBilan := func(t *testing.T, text, decision string) {
		t.Helper()
		sec := sectionUnder(text, bilanHeading)
		if !strings.Contains(sec, decision) || strings.Count(sec, "**Décision") != 1 {
			t.Errorf("the section of Bilan does not hold its decision %q alone:\n%s", decision, text)
		}
	}

	decide(bilan.ID, "Le bilan est adopté.", "adopted")
	wantBilan(t, minutesText(t, ts, id), bilanAdopted)

	// The scenario of the review: X added, moved up twice to number 5,
	// decided on.
	x := add("Reconnaissance des diplômes")
	move(x.ID, "up", 2)
	if got := agendaTestRecord(t, ts, id).Item(x.ID).Position; got != 5 {
		t.Fatalf("X at %d, want 5", got)
	}
	xHeading := "## 5. Reconnaissance des diplômes"
	t.Run("ItemMovedToAnothersNumber", func(t *testing.T) {
		decide(x.ID, "Reporté à la prochaine plénière.", "postponed")
		text := minutesText(t, ts, id)
		wantBilan(t, text, bilanAdopted)
		if !strings.HasSuffix(text, "\n\n"+xHeading+"\n\n**Décision (reportée)\u00a0:** Reporté à la prochaine plénière.\n") {
			t.Errorf("X's decision does not end the minutes in a section of its own:\n%s", text)
		}
	})
	t.Run("DecidedAgain", func(t *testing.T) {
		decide(x.ID, "Rejeté faute de financement.", "rejected")
		decide(bilan.ID, "Le bilan est adopté avec une réserve.", "adopted")
		text := minutesText(t, ts, id)
		wantBilan(t, text, "**Décision (adoptée)\u00a0:** Le bilan est adopté avec une réserve.")
		if sec := sectionUnder(text, xHeading); strings.Count(text, xHeading) != 1 ||
			!strings.Contains(sec, "**Décision (rejetée)\u00a0:** Rejeté faute de financement.") || strings.Count(sec, "**Décision") != 1 {
			t.Errorf("X's decision is not replaced in its section:\n%s", text)
		}
	})

	// Bilan renamed, another item moved to its number: Bilan's section is
	// still Bilan's, by the decision it holds.
	t.Run("Renamed", func(t *testing.T) {
		wantStatus(t, "rename", staff.postForm(t, meetingItemPath(id, bilan.ID), url.Values{"title": {"Bilan et perspectives"}, "duration_minutes": {"20"}}), http.StatusSeeOther)
		y := add("Transport scolaire")
		move(y.ID, "up", 2)
		if got := agendaTestRecord(t, ts, id).Item(y.ID).Position; got != 6 {
			t.Fatalf("Y at %d, want 6", got)
		}
		decide(y.ID, "Adopté.", "adopted")
		text := minutesText(t, ts, id)
		wantBilan(t, text, "Le bilan est adopté avec une réserve.")
		if !strings.HasSuffix(text, "## 6. Transport scolaire\n\n**Décision (adoptée)\u00a0:** Adopté.\n") {
			t.Errorf("Y's decision does not end the minutes in a section of its own:\n%s", text)
		}
		decide(bilan.ID, "Bilan adopté, perspectives reportées.", "adopted")
		wantBilan(t, minutesText(t, ts, id), "**Décision (adoptée)\u00a0:** Bilan adopté, perspectives reportées.")
	})

	// Santé removed: a later item moved to its number does not take its
	// section.
	t.Run("Removed", func(t *testing.T) {
		rec := agendaTestRecord(t, ts, id)
		sante := rec.Items[3]
		if sante.Title != "Santé" {
			t.Fatalf("item 4 is %q", sante.Title)
		}
		wantStatus(t, "delete", staff.postForm(t, meetingItemPath(id, sante.ID)+"/delete", nil), http.StatusSeeOther)
		z := add("Logement")
		move(z.ID, "up", len(rec.Items)-4)
		if got := agendaTestRecord(t, ts, id).Item(z.ID).Position; got != 4 {
			t.Fatalf("Z at %d, want 4", got)
		}
		decide(z.ID, "Reporté.", "postponed")
		text := minutesText(t, ts, id)
		if strings.Contains(sectionUnder(text, "## 4. Santé"), "Décision") || !strings.HasSuffix(text, "## 4. Logement\n\n**Décision (reportée)\u00a0:** Reporté.\n") {
			t.Errorf("Z's decision is not in a section of its own:\n%s", text)
		}
	})

	// The meeting now writes its minutes in Arabic: a decision on the
	// table's item, moved down, replaces its French one under its French
	// heading.
	t.Run("LanguageChanged", func(t *testing.T) {
		decide(approval.ID, "Procès-verbal approuvé.", "adopted")
		m := agendaTestRecord(t, ts, id).Meeting
		m.Language = "ar"
		if err := ts.db.UpdateMeeting(ctx, system, m); err != nil {
			t.Fatal(err)
		}
		move(approval.ID, "down", 2)
		before := minutesText(t, ts, id)
		decide(approval.ID, "لم تتمّ المصادقة.", "rejected")
		text := minutesText(t, ts, id)
		heading := ts.srv.minutesItemHeading("fr", rec.Items[0])
		if heading != "## 1. Approbation du procès-verbal de «\u00a0Plénière de décembre\u00a0»" {
			t.Fatalf("heading %q", heading)
		}
		want := strings.Replace(before, "**Décision (adoptée)\u00a0:** Procès-verbal approuvé.", "**القرار (مرفوض):** لم تتمّ المصادقة.", 1)
		if text != want {
			t.Errorf("the decision is not replaced in place:\n%s\nwant\n%s", text, want)
		}
	})
}
