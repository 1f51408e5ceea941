package server

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/workspace"
)

// firstCategory returns the first active issue category.
func firstCategory(t *testing.T, ts *testServer) *workspace.IssueCategory {
	t.Helper()
	cats, err := ts.db.FindIssueCategories(context.Background(), false)
	if err != nil || len(cats) == 0 {
		t.Fatalf("FindIssueCategories: %v, %d categories", err, len(cats))
	}
	return cats[0]
}

// reportIssue stores an issue reported by the account with email, with
// private fields when private is not nil.
func reportIssue(t *testing.T, ts *testServer, email, title, description string, private *workspace.IssuePrivate) *workspace.Issue {
	t.Helper()
	i := &workspace.Issue{Title: title, Description: description, CategoryID: firstCategory(t, ts).ID, Priority: workspace.PriorityNormal}
	if _, err := ts.db.CreateIssue(context.Background(), workspace.ActorFor(ts.account(t, email)), i, private); err != nil {
		t.Fatalf("CreateIssue(%q): %v", title, err)
	}
	return i
}

// wantBody fails the test unless body holds every one of want.
func wantBody(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s: the page lacks %q\n%s", what, w, excerpt(body))
		}
	}
}

// wantNoBody fails the test if body holds any of unwanted.
func wantNoBody(t *testing.T, what, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("%s: the page shows %q", what, w)
		}
	}
}

func TestIssueCreateAndEdit(t *testing.T) {
	ts := newTestServer(t)
	cat := firstCategory(t, ts)
	member := ts.sessionClient(t, demo.MemberEmail)
	owner := ts.account(t, demo.MemberEmail).OrganisationID
	form := url.Values{
		"title": {"Diplôme non reconnu"}, "description": {"Un **diplôme** de technicien obtenu en Italie."},
		"category_id": {strconv.FormatInt(cat.ID, 10)}, "priority": {"high"}, "due_date": {"2027-01-15"},
		"owner_organisation_id": {strconv.FormatInt(owner, 10)},
		"delegations":           {"chebba", "el_jem"},
		"person_name":           {"Sami Ben Salah"}, "person_contact": {"+216 20 000 000"}, "details": {"Rentré en mai."},
	}

	t.Run("Form", func(t *testing.T) {
		resp := member.get(t, "/issues/new")
		wantStatus(t, "GET /issues/new", resp, http.StatusOK)
		wantBody(t, "form", resp.Body, `name="person_name"`, `name="delegations" type="checkbox" value="ksour_essef"`, "Ksour Essef", ts.srv.localizer("fr").T("issue.private.legend"))
	})

	bad := []struct {
		name   string
		change url.Values
		want   int
		field  string
	}{
		{"NoTitle", url.Values{"title": {"  "}}, http.StatusBadRequest, "title"},
		{"UnknownCategory", url.Values{"category_id": {"999999"}}, http.StatusBadRequest, "category_id"},
		{"CategoryNotANumber", url.Values{"category_id": {"abc"}}, http.StatusBadRequest, "category_id"},
		{"BadPriority", url.Values{"priority": {"whenever"}}, http.StatusBadRequest, "priority"},
		{"BadDueDate", url.Values{"due_date": {"15/01/2027"}}, http.StatusBadRequest, "due_date"},
		{"UnknownDelegation", url.Values{"delegations": {"tunis"}}, http.StatusBadRequest, "delegations"},
		{"UnknownOwner", url.Values{"owner_organisation_id": {"999999"}}, http.StatusBadRequest, ""},
		{"InvalidUTF8", url.Values{"title": {"Diplôme \xff"}}, http.StatusBadRequest, ""},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			for k, v := range tc.change {
				f[k] = v
			}
			before := ts.auditCount(t)
			resp := member.postForm(t, "/issues", f)
			wantStatus(t, "POST /issues", resp, tc.want)
			if tc.field != "" {
				wantBody(t, "form", resp.Body, `id="form-error"`, `name="`+tc.field+`"`)
				if tc.field != "title" {
					wantBody(t, "refilled form", resp.Body, `value="Diplôme non reconnu"`, "Sami Ben Salah")
				}
			}
			if got := ts.auditCount(t); got != before {
				t.Errorf("a refused report wrote %d audit entries", got-before)
			}
		})
	}

	t.Run("StakeholderRefused", func(t *testing.T) {
		st := ts.sessionClient(t, demo.StakeholderEmail)
		wantStatus(t, "GET /issues/new", st.get(t, "/issues/new"), http.StatusForbidden)
		wantStatus(t, "POST /issues", st.postForm(t, "/issues", form), http.StatusForbidden)
	})

	resp := member.postForm(t, "/issues", form)
	wantStatus(t, "POST /issues", resp, http.StatusSeeOther)
	loc := resp.location()
	if !strings.HasPrefix(loc, "/issues/") || !strings.HasSuffix(loc, "?done=issue_created") {
		t.Fatalf("Location %q", loc)
	}
	path := strings.TrimSuffix(loc, "?done=issue_created")
	id, err := strconv.ParseInt(strings.TrimPrefix(path, "/issues/"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	issue, err := ts.db.FindIssueByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if issue.Title != "Diplôme non reconnu" || issue.Priority != workspace.PriorityHigh || issue.DueDate != "2027-01-15" ||
		issue.OwnerOrganisationID == nil || *issue.OwnerOrganisationID != owner || strings.Join(issue.Delegations, ",") != "chebba,el_jem" {
		t.Errorf("stored issue %+v", issue)
	}

	t.Run("ReporterSeesPrivateFieldsOnRequest", func(t *testing.T) {
		resp := member.get(t, loc)
		wantStatus(t, "GET "+loc, resp, http.StatusOK)
		wantBody(t, "issue page", resp.Body, "Le problème est signalé.", "<strong>diplôme</strong>", "Chebba, El Jem", `action="`+path+`/private"`)
		wantNoBody(t, "issue page", resp.Body, "Sami Ben Salah", "216 20 000 000", "Rentré en mai.")
		resp = member.postForm(t, path+"/private", nil)
		wantStatus(t, "POST "+path+"/private", resp, http.StatusOK)
		wantBody(t, "revealed page", resp.Body, "Sami Ben Salah", "216 20 000 000", "Rentré en mai.")
	})
	t.Run("StakeholderDoesNot", func(t *testing.T) {
		resp := ts.sessionClient(t, demo.StakeholderEmail).get(t, path)
		wantStatus(t, "GET "+path, resp, http.StatusOK)
		wantBody(t, "issue page", resp.Body, "Diplôme non reconnu")
		wantNoBody(t, "issue page", resp.Body, "Sami Ben Salah", "216 20 000 000", "Rentré en mai.", "issue-private", "/edit")
		wantStatus(t, "edit form", ts.sessionClient(t, demo.StakeholderEmail).get(t, path+"/edit"), http.StatusForbidden)
	})

	t.Run("Edit", func(t *testing.T) {
		resp := member.get(t, path+"/edit")
		wantStatus(t, "GET edit", resp, http.StatusOK)
		wantBody(t, "edit form", resp.Body, "Sami Ben Salah", `value="chebba" checked`)
		edit := url.Values{"title": {"Diplôme italien non reconnu"}, "description": {form.Get("description")},
			"category_id": form["category_id"], "priority": {"urgent"}, "due_date": {""}, "delegations": {"chebba"},
			"person_name": {"Sami B. S."}, "person_contact": {""}, "details": {"Rentré en mai."}}
		resp = member.postForm(t, path, edit)
		wantRedirect(t, "POST edit", resp, path+"?done=issue_saved")
		got, err := ts.db.FindIssueByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "Diplôme italien non reconnu" || got.Priority != workspace.PriorityUrgent || got.DueDate != "" || len(got.Delegations) != 1 {
			t.Errorf("edited issue %+v", got)
		}
		priv, err := ts.db.FindIssuePrivate(context.Background(), workspace.ActorFor(ts.account(t, demo.MemberEmail)), id)
		if err != nil || priv.PersonName != "Sami B. S." || priv.PersonContact != "" {
			t.Errorf("private fields %+v, %v", priv, err)
		}
		page := member.get(t, path)
		wantBody(t, "timeline", page.Body, "a modifié le titre, la priorité, l&#39;échéance, les délégations")

		// A mistake in the private fields stores nothing, not even the
		// details.
		long := strings.Repeat("x", 201)
		bad := url.Values{}
		for k, v := range edit {
			bad[k] = v
		}
		bad.Set("title", "Titre qui ne doit pas rester")
		bad.Set("person_name", long)
		resp = member.postForm(t, path, bad)
		wantStatus(t, "POST edit, name too long", resp, http.StatusBadRequest)
		if got, _ := ts.db.FindIssueByID(context.Background(), id); got.Title != "Diplôme italien non reconnu" {
			t.Errorf("the title changed to %q although the form was refused", got.Title)
		}
		wantStatus(t, "POST edit, invalid UTF-8", member.postForm(t, path, url.Values{"title": {"\xff"}}), http.StatusBadRequest)
		wantStatus(t, "POST edit, unknown issue", member.postForm(t, "/issues/999999", edit), http.StatusNotFound)
		wantStatus(t, "GET edit, unknown issue", member.get(t, "/issues/999999/edit"), http.StatusNotFound)
	})
	wantStatus(t, "GET unknown issue", member.get(t, "/issues/999999"), http.StatusNotFound)
	wantStatus(t, "GET issue abc", member.get(t, "/issues/abc"), http.StatusNotFound)
}

func TestIssueStatusAndAssign(t *testing.T) {
	ts := newTestServer(t)
	issue := reportIssue(t, ts, demo.MemberEmail, "Carte d'identité bloquée", "", nil)
	path := issuePath(issue.ID)
	member := ts.sessionClient(t, demo.MemberEmail)
	st := ts.sessionClient(t, demo.StakeholderEmail)

	page := member.get(t, path)
	// Only the valid transitions are offered: not the status it has.
	wantBody(t, "status form", page.Body, `<option value="under_discussion"`, `<option value="resolved"`)
	wantNoBody(t, "status form", page.Body, `<option value="open"`)
	wantNoBody(t, "stakeholder's page", st.get(t, path).Body, `action="`+path+`/status"`, `action="`+path+`/assign"`, `action="`+path+`/links"`)

	status := func(to, reason string) *response {
		return member.postForm(t, path+"/status", url.Values{"status": {to}, "reason": {reason}})
	}
	// A status the issue already has, or any move but reopening an ended
	// issue, comes from a page older than the status: a conflict.
	resp := status("open", "")
	wantStatus(t, "same status", resp, http.StatusConflict)
	wantBody(t, "same status", resp.Body, `id="status-error"`)
	wantStatus(t, "unknown status", status("forgotten", ""), http.StatusBadRequest)
	resp = status("resolved", "")
	wantStatus(t, "resolved without a reason", resp, http.StatusBadRequest)
	wantBody(t, "refused status", resp.Body, "Dites pourquoi.", `id="status-error"`)
	wantStatus(t, "stakeholder", st.postForm(t, path+"/status", url.Values{"status": {"in_progress"}}), http.StatusForbidden)
	wantStatus(t, "invalid UTF-8", status("in_progress", "\xff"), http.StatusBadRequest)
	wantStatus(t, "unknown issue", member.postForm(t, "/issues/999999/status", url.Values{"status": {"in_progress"}}), http.StatusNotFound)
	wantRedirect(t, "in progress", status("in_progress", ""), path+"?done=issue_status_changed")
	wantRedirect(t, "resolved", status("resolved", "Le service a répondu."), path+"?done=issue_status_changed")
	wantStatus(t, "ended, then in progress", status("in_progress", "Non"), http.StatusConflict)
	page = member.get(t, path)
	wantBody(t, "timeline", page.Body, "En cours", "Résolu", "Le service a répondu.")
	// An ended issue is only reopened.
	wantNoBody(t, "status form", page.Body, `<option value="in_progress"`)
	wantBody(t, "status form", page.Body, `<option value="open"`)

	org := ts.organisationNamed(t, ts.orgNameOf(t, demo.SecretariatEmail))
	assign := func(v string) *response {
		return member.postForm(t, path+"/assign", url.Values{"owner_organisation_id": {v}})
	}
	wantStatus(t, "assign nobody to nobody", assign(""), http.StatusBadRequest)
	wantStatus(t, "assign an unknown organisation", assign("999999"), http.StatusBadRequest)
	wantStatus(t, "assign a word", assign("abc"), http.StatusBadRequest)
	wantStatus(t, "stakeholder assigns", st.postForm(t, path+"/assign", url.Values{"owner_organisation_id": {strconv.FormatInt(org.ID, 10)}}), http.StatusForbidden)
	wantRedirect(t, "assign", assign(strconv.FormatInt(org.ID, 10)), path+"?done=issue_assigned")
	wantStatus(t, "assign again", assign(strconv.FormatInt(org.ID, 10)), http.StatusBadRequest)
	// A form without the field says nothing: it does not take the owner away.
	wantStatus(t, "assign without the field", member.postForm(t, path+"/assign", url.Values{}), http.StatusBadRequest)
	if got, err := ts.db.FindIssueByID(context.Background(), issue.ID); err != nil || got.OwnerOrganisationID == nil || *got.OwnerOrganisationID != org.ID {
		t.Errorf("after a form without the field, the owner is %v (%v), want %d", got.OwnerOrganisationID, err, org.ID)
	}
	page = member.get(t, path)
	wantBody(t, "timeline", page.Body, "a changé l&#39;organisme responsable", org.NameFR)
}

// TestIssueAssignFormKeepsDeactivatedOwner: the assign form lists active
// organisations only, but an issue whose owner was deactivated since
// shows that owner, selected and marked as deactivated, never "nobody";
// sending the form as it is does not take the owner away.
func TestIssueAssignFormKeepsDeactivatedOwner(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	system := workspace.SystemActor("test")
	owner := &workspace.Organisation{NameFR: "Cellule d'accueil ancienne", NameAR: "خلية الاستقبال القديمة", College: workspace.CollegePartner}
	if err := ts.db.CreateOrganisation(ctx, system, owner); err != nil {
		t.Fatal(err)
	}
	issue := reportIssue(t, ts, demo.MemberEmail, "Dossier de retraite", "", nil)
	if _, err := ts.db.AssignIssue(ctx, system, issue.ID, &owner.ID); err != nil {
		t.Fatal(err)
	}
	path := issuePath(issue.ID)
	member := ts.sessionClient(t, demo.MemberEmail)
	value := `<option value="` + strconv.FormatInt(owner.ID, 10) + `"`
	wantBody(t, "active owner", member.get(t, path+"?lang=fr").Body, value+` selected>Cellule d&#39;accueil ancienne</option>`)

	owner.Active = false
	if err := ts.db.UpdateOrganisation(ctx, system, owner); err != nil {
		t.Fatal(err)
	}
	page := member.get(t, path+"?lang=fr")
	wantBody(t, "deactivated owner", page.Body, value+` selected>Cellule d&#39;accueil ancienne (désactivé)</option>`, `<option value="">Personne</option>`)
	if strings.Count(page.Body, value) != 1 {
		t.Errorf("the owner is offered %d times", strings.Count(page.Body, value))
	}
	wantBody(t, "deactivated owner in Arabic", member.get(t, path+"?lang=ar").Body, value+` selected>خلية الاستقبال القديمة (معطّل)</option>`)

	// Sending the form as shown keeps the owner.
	wantStatus(t, "assign the deactivated owner", member.postForm(t, path+"/assign", url.Values{"owner_organisation_id": {strconv.FormatInt(owner.ID, 10)}}), http.StatusBadRequest)
	if got, err := ts.db.FindIssueByID(ctx, issue.ID); err != nil || got.OwnerOrganisationID == nil || *got.OwnerOrganisationID != owner.ID {
		t.Errorf("after sending the form, the owner is %v (%v), want %d", got.OwnerOrganisationID, err, owner.ID)
	}
}

// TestIssueHintsWarnAgainstPersonalDetails: every account reads an
// issue's description and status reason, stakeholders included; their
// hints say, in every language, not to write the person's name or
// contact there but in the private section.
func TestIssueHintsWarnAgainstPersonalDetails(t *testing.T) {
	ts := newTestServer(t)
	issue := reportIssue(t, ts, demo.MemberEmail, "Pension de retraite", "", nil)
	member := ts.sessionClient(t, demo.MemberEmail)
	for lang, want := range map[string][]string{
		"fr": {"parties prenantes comprises", "ni le nom ni le contact de la personne concernée", "partie privée"},
		"en": {"stakeholders included", "do not write the person&#39;s name or contact here", "private section"},
		"ar": {"بمن فيهم الأطراف المعنية", "لا تكتب هنا اسم الشخص المعني", "القسم الخاص"},
	} {
		form := member.get(t, "/issues/new?lang="+lang).Body
		page := member.get(t, issuePath(issue.ID)+"?lang="+lang).Body
		for _, hint := range []struct{ what, body, id string }{
			{"description hint", form, `id="description-hint"`},
			{"edit form's description hint", member.get(t, issuePath(issue.ID)+"/edit?lang="+lang).Body, `id="description-hint"`},
			{"status reason hint", page, `id="reason-hint"`},
		} {
			at := strings.Index(hint.body, hint.id)
			if at < 0 {
				t.Errorf("%s: no %s in %s", lang, hint.id, hint.what)
				continue
			}
			text := hint.body[at:]
			text = text[:strings.Index(text, "</p>")]
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("%s: the %s lacks %q: %s", lang, hint.what, w, text)
				}
			}
		}
	}
}

// orgNameOf returns the French name of the organisation of the account
// with email.
func (ts *testServer) orgNameOf(t *testing.T, email string) string {
	t.Helper()
	acc := ts.account(t, email)
	o, err := ts.db.FindOrganisationByID(context.Background(), acc.OrganisationID)
	if err != nil {
		t.Fatal(err)
	}
	return o.NameFR
}

func TestIssueCommentAndFollow(t *testing.T) {
	ts := newTestServer(t)
	issue := reportIssue(t, ts, demo.MemberEmail, "Logement d'urgence", "", nil)
	path := issuePath(issue.ID)
	st := ts.sessionClient(t, demo.StakeholderEmail)

	comment := func(c *client, body string) *response {
		return c.postForm(t, path+"/comments", url.Values{"body": {body}})
	}
	wantStatus(t, "empty comment", comment(st, "   "), http.StatusBadRequest)
	wantStatus(t, "invalid UTF-8", comment(st, "\xff"), http.StatusBadRequest)
	wantStatus(t, "too long", comment(st, strings.Repeat("a", 10001)), http.StatusBadRequest)
	wantStatus(t, "unknown issue", st.postForm(t, "/issues/999999/comments", url.Values{"body": {"x"}}), http.StatusNotFound)
	wantRedirect(t, "comment", comment(st, "Le centre de **Chebba** a une place. <script>alert(1)</script>"), path+"?done=issue_commented")
	page := st.get(t, path)
	wantBody(t, "comment", page.Body, "<strong>Chebba</strong>")
	wantNoBody(t, "comment", page.Body, "<script>alert(1)</script>")
	// Commenting makes one follow the issue.
	wantBody(t, "follow button", page.Body, "Ne plus suivre")

	acc := ts.account(t, demo.StakeholderEmail)
	following := func() bool {
		ok, err := ts.db.IsFollowingIssue(context.Background(), acc.ID, issue.ID)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	wantStatus(t, "follow=maybe", st.postForm(t, path+"/follow", url.Values{"follow": {"maybe"}}), http.StatusBadRequest)
	wantRedirect(t, "unfollow", st.postForm(t, path+"/follow", url.Values{"follow": {"off"}}), path+"?done=issue_unfollowed")
	if following() {
		t.Error("still following after follow=off")
	}
	wantRedirect(t, "follow", st.postForm(t, path+"/follow", url.Values{"follow": {"on"}}), path+"?done=issue_followed")
	if !following() {
		t.Error("not following after follow=on")
	}
	wantStatus(t, "follow unknown", st.postForm(t, "/issues/999999/follow", url.Values{"follow": {"on"}}), http.StatusNotFound)

	// The reporter, who follows the issue, was told of the comment; opening
	// the issue marks it read.
	member := ts.account(t, demo.MemberEmail)
	unread := func() int {
		n, err := ts.db.CountUnreadNotifications(context.Background(), member.ID)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if unread() == 0 {
		t.Fatal("the reporter has no unread notification after a comment")
	}
	ts.sessionClient(t, demo.MemberEmail).get(t, path)
	if n := unread(); n != 0 {
		t.Errorf("%d unread notifications after opening the issue", n)
	}
}

func TestIssueLinks(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	issue := reportIssue(t, ts, demo.MemberEmail, "Dossier de microcrédit", "", nil)
	other := reportIssue(t, ts, demo.MemberEmail, "Autre problème", "", nil)
	path := issuePath(issue.ID)
	room := newRoomMeeting(t, ts, nil, false)
	proc := &workspace.Procedure{Title: "Parcours emploi", Language: "fr", Category: workspace.CategoryOther}
	if err := ts.db.CreateProcedure(ctx, workspace.SystemActor("test"), proc, "# Parcours emploi\n"); err != nil {
		t.Fatal(err)
	}
	member := ts.sessionClient(t, demo.MemberEmail)
	link := func(form url.Values) *response { return member.postForm(t, path+"/links", form) }
	id := func(n int64) string { return strconv.FormatInt(n, 10) }

	wantStatus(t, "no kind", link(url.Values{"target_id": {"1"}}), http.StatusBadRequest)
	wantStatus(t, "passage kind", link(url.Values{"target_kind": {"passage"}, "target_id": {id(proc.ID)}}), http.StatusBadRequest)
	wantStatus(t, "no target", link(url.Values{"target_kind": {"decision"}}), http.StatusBadRequest)
	wantStatus(t, "unknown meeting", link(url.Values{"target_kind": {"meeting"}, "target_id": {"999999"}}), http.StatusBadRequest)
	wantStatus(t, "invalid UTF-8", link(url.Values{"target_kind": {"\xff"}}), http.StatusBadRequest)
	wantStatus(t, "stakeholder", ts.sessionClient(t, demo.StakeholderEmail).postForm(t, path+"/links", url.Values{"target_kind": {"meeting"}, "meeting_id": {id(room.meeting.ID)}}), http.StatusForbidden)
	wantStatus(t, "unknown issue", member.postForm(t, "/issues/999999/links", url.Values{"target_kind": {"meeting"}, "meeting_id": {id(room.meeting.ID)}}), http.StatusNotFound)

	wantRedirect(t, "meeting", link(url.Values{"target_kind": {"meeting"}, "meeting_id": {id(room.meeting.ID)}}), path+"?done=issue_linked")
	wantStatus(t, "meeting twice", link(url.Values{"target_kind": {"meeting"}, "meeting_id": {id(room.meeting.ID)}}), http.StatusConflict)
	wantRedirect(t, "procedure", link(url.Values{"target_kind": {"procedure"}, "procedure_id": {id(proc.ID)}}), path+"?done=issue_linked")
	item := room.items[1]
	wantRedirect(t, "agenda item", link(url.Values{"target_kind": {"agenda_item"}, "target_id": {id(item.ID)}}), path+"?done=issue_linked")

	page := member.get(t, path)
	wantBody(t, "links", page.Body,
		`href="/meetings/`+id(room.meeting.ID)+`"`,
		`href="/procedures/`+id(proc.ID)+`"`,
		`href="/meetings/`+id(room.meeting.ID)+`#item-`+id(item.ID)+`"`,
		"Parcours emploi", "a lié le problème à")

	links, err := ts.db.FindIssueLinks(ctx, issue.ID)
	if err != nil || len(links) != 3 {
		t.Fatalf("links %v, %v", links, err)
	}
	st := ts.sessionClient(t, demo.StakeholderEmail)
	del := path + "/links/" + id(links[0].ID) + "/delete"
	wantStatus(t, "stakeholder removes", st.postForm(t, del, nil), http.StatusForbidden)
	wantStatus(t, "through another issue", member.postForm(t, issuePath(other.ID)+"/links/"+id(links[0].ID)+"/delete", nil), http.StatusNotFound)
	wantStatus(t, "unknown link", member.postForm(t, path+"/links/999999/delete", nil), http.StatusNotFound)
	wantRedirect(t, "remove", member.postForm(t, del, nil), path+"?done=issue_unlinked")
	wantStatus(t, "remove twice", member.postForm(t, del, nil), http.StatusNotFound)
	wantBody(t, "timeline", member.get(t, path).Body, "a retiré le lien vers")
}

func TestIssueListAndExport(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	member := ts.account(t, demo.MemberEmail)
	late := &workspace.Issue{Title: "=HYPERLINK(\"http://example.com\")", CategoryID: firstCategory(t, ts).ID, Priority: workspace.PriorityHigh,
		DueDate: "2000-01-01", Delegations: []string{"hebira"}, OwnerOrganisationID: &member.OrganisationID}
	if _, err := ts.db.CreateIssue(ctx, workspace.ActorFor(member), late, &workspace.IssuePrivate{PersonName: "Nour Secrète", PersonContact: "nour@example.tn", Details: "Détail confidentiel"}); err != nil {
		t.Fatal(err)
	}
	onTime := reportIssue(t, ts, demo.MemberEmail, "Inscription scolaire", "", &workspace.IssuePrivate{PersonName: "Youssef Caché"})

	c := ts.sessionClient(t, demo.StakeholderEmail)
	resp := c.get(t, "/issues")
	wantStatus(t, "GET /issues", resp, http.StatusOK)
	wantBody(t, "list", resp.Body, "#"+strconv.FormatInt(onTime.ID, 10), "Inscription scolaire", "En retard", "Hebira", `href="/issues/dashboard"`)
	wantNoBody(t, "stakeholder's list", resp.Body, `href="/issues/new"`, "/issues.csv", "Nour Secrète", "Youssef Caché")

	resp = c.get(t, "/issues?overdue=yes&delegation=hebira")
	wantBody(t, "overdue list", resp.Body, `id="issue-`+strconv.FormatInt(late.ID, 10)+`" class="overdue"`)
	wantNoBody(t, "overdue list", resp.Body, "Inscription scolaire")
	resp = c.get(t, "/issues?status=resolved&category=abc&owner=-1&delegation=paris&overdue=maybe&page=x")
	wantStatus(t, "GET /issues with bad filters", resp, http.StatusOK)

	m := ts.sessionClient(t, demo.MemberEmail)
	page := m.get(t, "/issues")
	wantBody(t, "member's list", page.Body, `href="/issues/new"`, `href="/issues.csv"`)
	wantStatus(t, "stakeholder's export", c.get(t, "/issues.csv"), http.StatusForbidden)

	resp = m.get(t, "/issues.csv?delegation=hebira")
	wantStatus(t, "GET /issues.csv", resp, http.StatusOK)
	if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	body, ok := strings.CutPrefix(resp.Body, "\uFEFF")
	if !ok {
		t.Fatal("no byte-order mark")
	}
	cr := csv.NewReader(strings.NewReader(body))
	cr.Comma = ';' // a French spreadsheet's separator
	records, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 2 {
		t.Fatalf("%d records, want a heading and one issue:\n%s", len(records), body)
	}
	row := records[1]
	if row[0] != strconv.FormatInt(late.ID, 10) || row[1] != "'"+late.Title || row[3] != "Ouvert" || row[6] != "2000-01-01" || row[7] != "En retard" || row[8] != "Hebira" {
		t.Errorf("row %q", row)
	}
	all := m.get(t, "/issues.csv?lang=ar")
	wantBody(t, "Arabic export", all.Body, "مفتوح", "Inscription scolaire")
	wantNoBody(t, "export", all.Body+resp.Body, "Nour Secrète", "nour@example.tn", "Détail confidentiel", "Youssef Caché")
}
