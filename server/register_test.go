package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
)

// publishForTest publishes version 1 of a new adopted procedure through
// the store, as the secretariat, and returns its entry.
func publishForTest(t *testing.T, ts *testServer, title string) *workspace.RegisterEntry {
	t.Helper()
	ctx := context.Background()
	proc := newPublishableVersion(t, ts, title, "fr", "# "+title+"\n\nTexte publié.\n", true)
	year, err := strconv.Atoi(ts.srv.today()[:4])
	if err != nil {
		t.Fatal(err)
	}
	staff := workspace.ActorFor(ts.account(t, demo.SecretariatEmail))
	if _, err := ts.db.Publish(ctx, staff, &workspace.PublishRequest{ProcedureID: proc.ID, VersionNumber: 1, EffectiveOn: "2027-01-01", Year: year}); err != nil {
		t.Fatalf("publish %s: %v", title, err)
	}
	entry, err := ts.db.FindProcedureEntry(ctx, ts.srv.today(), proc.ID)
	if err != nil {
		t.Fatal(err)
	}
	return entry
}

// withdrawPath is the address of the form that withdraws an entry.
func withdrawPath(id int64) string {
	return "/register/" + strconv.FormatInt(id, 10) + "/withdraw"
}

// TestRegisterWithdraw withdraws an entry through the form: the
// secretariat alone is offered the link and the form; a missing reason, a
// replacement not offered (the entry itself, an unknown one), a member and
// a stakeholder are refused and change nothing; the withdrawal is stored
// with its reason and replacement, the register shows it, and the entry
// cannot be withdrawn twice.
func TestRegisterWithdraw(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	old := publishForTest(t, ts, "Ancienne procédure d'accueil")
	repl := publishForTest(t, ts, "Nouvelle procédure d'accueil")
	staff := ts.sessionClient(t, demo.SecretariatEmail)
	member := ts.sessionClient(t, demo.MemberEmail)

	register := staff.get(t, "/register")
	wantStatus(t, "the register", register, http.StatusOK)
	if !strings.Contains(registerItem(t, register.Body, old.Identifier()), `href="`+withdrawPath(old.ID)+`"`) {
		t.Fatalf("the register does not offer the secretariat to withdraw %s", old.Identifier())
	}
	if page := member.get(t, "/register"); page.StatusCode != http.StatusOK || strings.Contains(page.Body, "/withdraw") {
		t.Errorf("the register: status %d, or it offers a member to withdraw", page.StatusCode)
	}

	form := staff.get(t, withdrawPath(old.ID))
	wantStatus(t, "the withdraw form", form, http.StatusOK)
	replacements := selectField(form.Body, "replaced_by")
	if !strings.Contains(replacements, `value="`+strconv.FormatInt(repl.ID, 10)+`"`) || strings.Contains(replacements, `value="`+strconv.FormatInt(old.ID, 10)+`"`) {
		t.Errorf("the replacements offered are wrong: %s", replacements)
	}

	good := url.Values{"reason": {"Remplacée par la nouvelle procédure d'accueil adoptée en plénière."}, "replaced_by": {strconv.FormatInt(repl.ID, 10)}}
	for _, tt := range []struct {
		name   string
		c      *client
		path   string
		form   url.Values // nil: a GET
		status int
		field  string
	}{
		{"NoReason", staff, withdrawPath(old.ID), url.Values{"reason": {"   "}}, http.StatusBadRequest, "reason"},
		{"ReplacedByItself", staff, withdrawPath(old.ID), url.Values{"reason": {"Motif"}, "replaced_by": {strconv.FormatInt(old.ID, 10)}}, http.StatusBadRequest, "replaced_by"},
		{"ReplacedByUnknown", staff, withdrawPath(old.ID), url.Values{"reason": {"Motif"}, "replaced_by": {"999999"}}, http.StatusBadRequest, "replaced_by"},
		{"ReplacedByNotANumber", staff, withdrawPath(old.ID), url.Values{"reason": {"Motif"}, "replaced_by": {"PROC"}}, http.StatusBadRequest, "replaced_by"},
		{"ReasonTooLong", staff, withdrawPath(old.ID), url.Values{"reason": {strings.Repeat("x", workspace.MaxWithdrawalReason+1)}}, http.StatusBadRequest, "reason"},
		{"UnknownEntryForm", staff, withdrawPath(999999), nil, http.StatusNotFound, ""},
		{"UnknownEntry", staff, withdrawPath(999999), good, http.StatusNotFound, ""},
		{"BadID", staff, "/register/abc/withdraw", good, http.StatusNotFound, ""},
		{"MemberForm", member, withdrawPath(old.ID), nil, http.StatusForbidden, ""},
		{"Member", member, withdrawPath(old.ID), good, http.StatusForbidden, ""},
		{"Stakeholder", ts.sessionClient(t, demo.StakeholderEmail), withdrawPath(old.ID), good, http.StatusForbidden, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := ts.snapshot(t)
			var resp *response
			if tt.form == nil {
				resp = tt.c.get(t, tt.path)
			} else {
				resp = tt.c.postForm(t, tt.path, tt.form)
			}
			wantStatus(t, tt.name, resp, tt.status)
			if tt.field != "" && (!strings.Contains(resp.Body, `id="form-error"`) || !fieldMarkedInvalid(resp.Body, tt.field)) {
				t.Errorf("the refused form does not come back with its error on %s", tt.field)
			}
			if ts.snapshot(t) != before {
				t.Errorf("a refused withdrawal changed the data")
			}
		})
	}

	resp := staff.postForm(t, withdrawPath(old.ID), good)
	wantRedirect(t, "withdraw", resp, "/register?done=entry_withdrawn#"+old.Identifier())
	stored, err := ts.db.FindRegisterEntryByID(ctx, ts.srv.today(), old.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Status() != workspace.RegisterWithdrawn || stored.WithdrawalReason != good.Get("reason") || stored.ReplacedBy == nil || *stored.ReplacedBy != repl.ID {
		t.Errorf("stored: status %s, reason %q, replaced by %v; want withdrawn, the reason, %d", stored.Status(), stored.WithdrawalReason, stored.ReplacedBy, repl.ID)
	}
	register = staff.get(t, "/register?done=entry_withdrawn")
	if !strings.Contains(register.Body, "L'entrée est retirée du registre.") && !strings.Contains(register.Body, "L&#39;entrée est retirée du registre.") {
		t.Errorf("the register does not confirm the withdrawal")
	}
	item := registerItem(t, register.Body, old.Identifier())
	for _, want := range []string{"Retirée", "Remplacée par la nouvelle procédure", `href="#` + repl.Identifier() + `"`} {
		if !strings.Contains(strings.ReplaceAll(item, "&#39;", "'"), want) {
			t.Errorf("the withdrawn entry's item lacks %q", want)
		}
	}
	if strings.Contains(item, withdrawPath(old.ID)) {
		t.Errorf("the register still offers to withdraw a withdrawn entry")
	}

	// Twice is a conflict.
	before := ts.snapshot(t)
	wantStatus(t, "the form of a withdrawn entry", staff.get(t, withdrawPath(old.ID)), http.StatusConflict)
	wantStatus(t, "withdraw again", staff.postForm(t, withdrawPath(old.ID), url.Values{"reason": {"Encore"}}), http.StatusConflict)
	if ts.snapshot(t) != before {
		t.Errorf("withdrawing twice changed the data")
	}

	// A withdrawn entry takes no new edition: the next adopted version of
	// its procedure is offered the form, as a new entry
	// (TestRepublishAfterWithdrawal).
	procID := old.Procedures["fr"]
	if err := ts.db.CreateVersion(ctx, workspace.SystemActor("test"), procID, 0, "# Ancienne procédure d'accueil\n\nTexte révisé.\n", &workspace.Version{Message: "Révision"}); err != nil {
		t.Fatal(err)
	}
	testsupport.AdoptVersion(t, ts.db, workspace.ActorFor(ts.account(t, demo.SecretariatEmail)), workspace.ActorFor(ts.account(t, demo.MemberEmail)), procID, 2)
	next := staff.get(t, publishPath(procID, 2))
	wantStatus(t, "the publish form of a withdrawn entry's procedure", next, http.StatusOK)
	if !strings.Contains(next.Body, `id="publish-after-withdrawal"`) {
		t.Errorf("the publish form of a withdrawn entry's procedure does not offer a new entry")
	}
}

// TestRegisterEmpty checks that an empty register says how a procedure
// gets there: adopted by a vote, then published by the secretariat.
func TestRegisterEmpty(t *testing.T) {
	db, clock := testsupport.OpenEmptyStore(t)
	ts := startTestServer(t, db, clock, nil)
	ctx := context.Background()
	system := workspace.SystemActor("test")
	org := &workspace.Organisation{NameFR: "Organisme du registre vide", College: workspace.CollegePartner}
	if err := db.CreateOrganisation(ctx, system, org); err != nil {
		t.Fatal(err)
	}
	acc := &workspace.Account{Name: "Lectrice du registre", Email: "reader@register.test", OrganisationID: org.ID, Role: workspace.RoleMember}
	if err := db.CreateAccount(ctx, system, acc); err != nil {
		t.Fatal(err)
	}
	page := ts.sessionClient(t, acc.Email).get(t, "/register")
	wantStatus(t, "the empty register", page, http.StatusOK)
	if !strings.Contains(page.Body, `class="empty"`) || !strings.Contains(page.Body, "adopte") || !strings.Contains(page.Body, "secrétariat la publie") {
		t.Errorf("the empty register does not say how a procedure gets there")
	}
	if strings.Contains(page.Body, "entry") {
		t.Errorf("the empty register lists entries")
	}
}
