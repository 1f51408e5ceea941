package sqlite_test

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// issueWorld is a table with two organisations and an account of every
// role, for the tests of issues.
type issueWorld struct {
	db    *sqlite.DB
	clock *testClock
	// org has a member, a second member, the secretariat, a stakeholder
	// and a deactivated member; other has a member and an admin.
	org, other                                  *workspace.Organisation
	member, member2, secretariat, stakeholder   *workspace.Account
	inactive, otherMember, admin                *workspace.Account
	asMember, asMember2, asSecretariat, asStake workspace.Actor
	asOtherMember, asAdmin, asInactive          workspace.Actor
	// housing is a seeded category.
	housing int64
}

func newIssueWorld(t *testing.T) *issueWorld {
	t.Helper()
	ctx := context.Background()
	db := MustOpenDB(t)
	w := &issueWorld{db: db, clock: MustSetClock(db)}
	w.org = MustCreateOrganisation(t, db, "Association Retour et Dignité")
	w.other = MustCreateOrganisation(t, db, "Bureau régional de l'emploi")
	w.member = MustCreateAccount(t, db, w.org, "Fethi Hamdi", "fethi@example.tn", workspace.RoleMember)
	w.member2 = MustCreateAccount(t, db, w.org, "Nadia Ben Salah", "nadia@example.tn", workspace.RoleMember)
	w.secretariat = MustCreateAccount(t, db, w.org, "Amel Trabelsi", "amel@example.tn", workspace.RoleSecretariat)
	w.stakeholder = MustCreateAccount(t, db, w.org, "Imen Khelifi", "imen@example.tn", workspace.RoleStakeholder)
	w.inactive = MustCreateAccount(t, db, w.org, "Karim Jaziri", "karim@example.tn", workspace.RoleMember)
	w.otherMember = MustCreateAccount(t, db, w.other, "Sami Gharbi", "sami@example.tn", workspace.RoleMember)
	w.admin = MustCreateAccount(t, db, w.other, "Leila Mansour", "leila@example.tn", workspace.RoleAdmin)
	w.asInactive = workspace.ActorFor(w.inactive)
	w.inactive.Active = false
	if err := db.UpdateAccount(ctx, systemActor, w.inactive); err != nil {
		t.Fatal(err)
	}
	w.asMember, w.asMember2 = workspace.ActorFor(w.member), workspace.ActorFor(w.member2)
	w.asSecretariat, w.asStake = workspace.ActorFor(w.secretariat), workspace.ActorFor(w.stakeholder)
	w.asOtherMember, w.asAdmin = workspace.ActorFor(w.otherMember), workspace.ActorFor(w.admin)
	cats, err := db.FindIssueCategories(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cats {
		if c.NameEN == "Housing" {
			w.housing = c.ID
		}
	}
	if w.housing == 0 {
		t.Fatal("no seeded Housing category")
	}
	return w
}

// mustIssue reports an issue as actor, filed under housing unless
// i.CategoryID says otherwise.
func (w *issueWorld) mustIssue(t *testing.T, actor workspace.Actor, i *workspace.Issue, private *workspace.IssuePrivate) *workspace.Issue {
	t.Helper()
	if i.CategoryID == 0 {
		i.CategoryID = w.housing
	}
	if _, err := w.db.CreateIssue(context.Background(), actor, i, private); err != nil {
		t.Fatalf("CreateIssue(%q): %v", i.Title, err)
	}
	return i
}

func ptr[T any](v T) *T { return &v }

// mustExec runs a statement on db's file through a connection of its own,
// to set up rows the store has no method for yet (meetings…).
func mustExec(tb testing.TB, db *sqlite.DB, query string, args ...any) int64 {
	tb.Helper()
	conn, err := sql.Open("sqlite3", "file:"+db.Path()+"?_foreign_keys=on&_busy_timeout=5000")
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	res, err := conn.Exec(query, args...)
	if err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	id, _ := res.LastInsertId()
	return id
}

func TestIssueCategories(t *testing.T) {
	ctx := context.Background()
	w := newIssueWorld(t)
	db := w.db

	cats, err := db.FindIssueCategories(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(cats) != 9 {
		t.Fatalf("%d seeded categories, want 9", len(cats))
	}
	for n, c := range cats {
		if c.Position != n+1 || !c.Active || c.NameFR == "" || c.NameAR == "" || c.NameEN == "" {
			t.Errorf("category %d: %+v", n, c)
		}
	}

	t.Run("Refused", func(t *testing.T) {
		before := mustDumpTables(t, db)
		err := db.CreateIssueCategory(ctx, w.asMember, &workspace.IssueCategory{NameFR: "Transport", NameAR: "النقل"})
		refusedUnchanged(t, db, before, err, workspace.EFORBIDDEN, "")
		err = db.CreateIssueCategory(ctx, w.asSecretariat, &workspace.IssueCategory{NameFR: "Transport"})
		refusedUnchanged(t, db, before, err, workspace.EINVALID, "")
		err = db.CreateIssueCategory(ctx, w.asSecretariat, &workspace.IssueCategory{NameFR: "Trans\xffport", NameAR: "النقل"})
		refusedUnchanged(t, db, before, err, workspace.EINVALID, "")
		err = db.UpdateIssueCategory(ctx, w.asStake, &workspace.IssueCategory{ID: cats[0].ID, NameFR: "X", NameAR: "س"})
		refusedUnchanged(t, db, before, err, workspace.EFORBIDDEN, "")
		err = db.UpdateIssueCategory(ctx, w.asSecretariat, &workspace.IssueCategory{ID: 999, NameFR: "X", NameAR: "س"})
		refusedUnchanged(t, db, before, err, workspace.ENOTFOUND, "")
	})

	transport := &workspace.IssueCategory{NameFR: " Transport ", NameAR: "النقل", NameEN: "Transport"}
	if err := db.CreateIssueCategory(ctx, w.asSecretariat, transport); err != nil {
		t.Fatal(err)
	}
	if transport.ID == 0 || transport.Position != 10 || !transport.Active || transport.NameFR != "Transport" {
		t.Errorf("created %+v, want position 10, active, trimmed", transport)
	}
	entries := mustAuditEntries(t, db, workspace.AuditFilter{Action: workspace.AuditCategoryCreate})
	if len(entries) != 1 || entries[0].EntityType != "issue_category" || entries[0].EntityID != transport.ID {
		t.Errorf("audit entries %+v", entries)
	}

	// Deactivated, it leaves the list of active categories, and no issue is
	// filed under it any more.
	transport.Active = false
	transport.Position = 0
	if err := db.UpdateIssueCategory(ctx, w.asAdmin, transport); err != nil {
		t.Fatal(err)
	}
	if transport.Position != 10 {
		t.Errorf("position %d after an update without one, want 10 kept", transport.Position)
	}
	active, err := db.FindIssueCategories(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	all, err := db.FindIssueCategories(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(active) != 9 || len(all) != 10 || all[9].Active {
		t.Errorf("%d active, %d in all (last %+v)", len(active), len(all), all[9])
	}
	before := mustDumpTables(t, db)
	_, err = db.CreateIssue(ctx, w.asMember, &workspace.Issue{Title: "Bus", CategoryID: transport.ID}, nil)
	refusedUnchanged(t, db, before, err, workspace.EINVALID, "")
	wantRefused(t, err, workspace.EINVALID, "error.issue.category_inactive")

	// Reactivated where it was; Other moved after it.
	if err := db.UpdateIssueCategory(ctx, w.asSecretariat, &workspace.IssueCategory{ID: transport.ID, NameFR: "Transport", NameAR: "النقل", Position: 0, Active: true}); err != nil {
		t.Fatal(err)
	}
	c := &workspace.IssueCategory{ID: cats[8].ID, NameFR: cats[8].NameFR, NameAR: cats[8].NameAR, NameEN: cats[8].NameEN, Position: 11, Active: true}
	if err := db.UpdateIssueCategory(ctx, w.asSecretariat, c); err != nil {
		t.Fatal(err)
	}
	all, _ = db.FindIssueCategories(ctx, true)
	if all[len(all)-1].ID != cats[8].ID || all[len(all)-2].ID != transport.ID {
		t.Errorf("order after moving Other to 11: last two %q, %q", all[len(all)-2].NameFR, all[len(all)-1].NameFR)
	}
}

func TestCreateIssue(t *testing.T) {
	ctx := context.Background()
	w := newIssueWorld(t)
	db := w.db

	t.Run("Refused", func(t *testing.T) {
		before := mustDumpTables(t, db)
		for _, tt := range []struct {
			name    string
			actor   workspace.Actor
			issue   workspace.Issue
			private *workspace.IssuePrivate
			code    string
		}{
			{"Stakeholder", w.asStake, workspace.Issue{Title: "Diplôme", CategoryID: w.housing}, nil, workspace.EFORBIDDEN},
			{"Inactive", w.asInactive, workspace.Issue{Title: "Diplôme", CategoryID: w.housing}, nil, workspace.EFORBIDDEN},
			{"Nobody", workspace.Actor{}, workspace.Issue{Title: "Diplôme", CategoryID: w.housing}, nil, workspace.EFORBIDDEN},
			{"NoTitle", w.asMember, workspace.Issue{Title: "  ", CategoryID: w.housing}, nil, workspace.EINVALID},
			{"InvalidUTF8", w.asMember, workspace.Issue{Title: "Dipl\xc3", CategoryID: w.housing}, nil, workspace.EINVALID},
			{"InvalidUTF8Description", w.asMember, workspace.Issue{Title: "Diplôme", Description: "\xff", CategoryID: w.housing}, nil, workspace.EINVALID},
			{"InvalidUTF8Private", w.asMember, workspace.Issue{Title: "Diplôme", CategoryID: w.housing}, &workspace.IssuePrivate{PersonName: "\xfe"}, workspace.EINVALID},
			{"UnknownCategory", w.asMember, workspace.Issue{Title: "Diplôme", CategoryID: 999}, nil, workspace.EINVALID},
			{"UnknownOwner", w.asMember, workspace.Issue{Title: "Diplôme", CategoryID: w.housing, OwnerOrganisationID: ptr(int64(999))}, nil, workspace.EINVALID},
			{"Delegation", w.asMember, workspace.Issue{Title: "Diplôme", CategoryID: w.housing, Delegations: []string{"tunis"}}, nil, workspace.EINVALID},
			{"DueDate", w.asMember, workspace.Issue{Title: "Diplôme", CategoryID: w.housing, DueDate: "31/12/2026"}, nil, workspace.EINVALID},
			{"Priority", w.asMember, workspace.Issue{Title: "Diplôme", CategoryID: w.housing, Priority: "asap"}, nil, workspace.EINVALID},
		} {
			t.Run(tt.name, func(t *testing.T) {
				i := tt.issue
				_, err := db.CreateIssue(ctx, tt.actor, &i, tt.private)
				refusedUnchanged(t, db, before, err, tt.code, "")
			})
		}
	})

	i := &workspace.Issue{
		Title: " Diplôme non reconnu ", Description: "Un ingénieur rentré d'Italie attend l'équivalence.",
		CategoryID: w.housing, Priority: workspace.PriorityHigh, OwnerOrganisationID: &w.org.ID, DueDate: "2026-04-01",
		Delegations: []string{"mahdia", "chebba", "mahdia"},
		// The store sets these, whatever the form says.
		Status: workspace.IssueClosed, ReporterID: w.admin.ID,
	}
	private := &workspace.IssuePrivate{PersonName: "Mohamed Secret", PersonContact: "+216 98 000 111", Details: "Dossier confidentiel"}
	change, err := db.CreateIssue(ctx, w.asMember, i, private)
	if err != nil {
		t.Fatal(err)
	}
	if i.ID == 0 || i.Status != workspace.IssueOpen || i.ReporterID != w.member.ID || i.Title != "Diplôme non reconnu" || !i.CreatedAt.Equal(w.clock.Now()) {
		t.Errorf("created %+v", i)
	}
	if change.Event == nil || change.Event.Kind != workspace.EventCreated || change.Event.IssueID != i.ID {
		t.Errorf("event %+v", change.Event)
	}
	// The reporter is a member of the owner organisation: told of nothing.
	if want := []int64{w.member2.ID, w.secretariat.ID}; !slices.Equal(change.Notified, want) {
		t.Errorf("notified %v, want %v (active members and secretariat of the owner, but the reporter)", change.Notified, want)
	}

	got, err := db.FindIssueByID(ctx, i.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != i.Title || got.Description != i.Description || got.Priority != workspace.PriorityHigh || got.DueDate != "2026-04-01" ||
		got.Status != workspace.IssueOpen || got.ClosedAt != nil || got.StatusReason != "" {
		t.Errorf("found %+v", got)
	}
	if !slices.Equal(got.Delegations, []string{"chebba", "mahdia"}) {
		t.Errorf("delegations %v", got.Delegations)
	}
	if got.Category == nil || got.Category.ID != w.housing || got.Owner == nil || got.Owner.ID != w.org.ID ||
		got.Reporter == nil || got.Reporter.ID != w.member.ID || got.Reporter.Organisation == nil || got.Reporter.Organisation.ID != w.org.ID {
		t.Errorf("joined: category %+v, owner %+v, reporter %+v", got.Category, got.Owner, got.Reporter)
	}
	if got.Reporter.PasswordHash != "" {
		t.Error("the reporter's password hash was read")
	}
	if following, err := db.IsFollowingIssue(ctx, w.member.ID, i.ID); err != nil || !following {
		t.Errorf("the reporter follows: %v, %v", following, err)
	}

	// Without an owner, the secretariat is told, so that someone sorts it;
	// without private fields, none are stored.
	bare := &workspace.Issue{Title: "Acte de naissance", CategoryID: w.housing}
	change, err = db.CreateIssue(ctx, w.asOtherMember, bare, &workspace.IssuePrivate{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(change.Notified, []int64{w.secretariat.ID}) {
		t.Errorf("notified %v for an issue with no owner, want the secretariat", change.Notified)
	}
	got, err = db.FindIssueByID(ctx, bare.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Owner != nil || got.OwnerOrganisationID != nil || got.DueDate != "" || got.Priority != workspace.PriorityNormal || len(got.Delegations) != 0 {
		t.Errorf("found %+v", got)
	}
	p, err := db.FindIssuePrivate(ctx, w.asOtherMember, bare.ID)
	if err != nil || !p.Empty() || p.IssueID != bare.ID {
		t.Errorf("private fields of an issue without them: %+v, %v", p, err)
	}

	// The system reports in the name of an account.
	demo := &workspace.Issue{Title: "Logement", CategoryID: w.housing, ReporterID: w.member2.ID, OwnerOrganisationID: &w.org.ID}
	change, err = db.CreateIssue(ctx, systemActor, demo, nil)
	if err != nil {
		t.Fatal(err)
	}
	if demo.ReporterID != w.member2.ID || !slices.Equal(change.Notified, []int64{w.member.ID, w.secretariat.ID}) {
		t.Errorf("system's issue by %d, notified %v", demo.ReporterID, change.Notified)
	}
	before := mustDumpTables(t, db)
	_, err = db.CreateIssue(ctx, systemActor, &workspace.Issue{Title: "Sans auteur", CategoryID: w.housing}, nil)
	refusedUnchanged(t, db, before, err, workspace.EINVALID, "")
	_, err = db.CreateIssue(ctx, systemActor, &workspace.Issue{Title: "Auteur inconnu", CategoryID: w.housing, ReporterID: 999}, nil)
	refusedUnchanged(t, db, before, err, workspace.EINVALID, "")

	_, err = db.FindIssueByID(ctx, 999)
	wantCode(t, err, workspace.ENOTFOUND)

	entries := mustAuditEntries(t, db, workspace.AuditFilter{Action: workspace.AuditIssueCreate, EntityID: &i.ID})
	if len(entries) != 1 || entries[0].EntityType != "issue" {
		t.Fatalf("audit entries %+v", entries)
	}
	after := decodeAudit(t, entries[0].After)
	if after["title"] != "Diplôme non reconnu" || after["status"] != "open" {
		t.Errorf("audit after %v", after)
	}
	if fields, _ := after["private_fields"].([]any); len(fields) != 3 {
		t.Errorf("audit names private fields %v, want the three", after["private_fields"])
	}
	wantNoPrivateValues(t, db, private)
}

// wantNoPrivateValues fails the test if a value of p appears anywhere in
// the audit log, the timeline, the notifications or the search index.
func wantNoPrivateValues(t *testing.T, db *sqlite.DB, p *workspace.IssuePrivate) {
	t.Helper()
	dump := mustDumpTables(t, db)
	for _, line := range strings.Split(dump, "\n") {
		if strings.HasPrefix(line, "issue_private ") {
			continue
		}
		for _, v := range []string{p.PersonName, p.PersonContact, p.Details} {
			if v != "" && strings.Contains(line, v) {
				t.Errorf("private value %q outside issue_private: %s", v, line)
			}
		}
	}
}

func TestUpdateIssue(t *testing.T) {
	ctx := context.Background()
	w := newIssueWorld(t)
	db := w.db
	i := w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Diplôme", Description: "Équivalence", Delegations: []string{"mahdia"}}, nil)
	w.clock.Add(3600e9)

	t.Run("Refused", func(t *testing.T) {
		before := mustDumpTables(t, db)
		_, err := db.UpdateIssue(ctx, w.asStake, &workspace.Issue{ID: i.ID, Title: "X", CategoryID: w.housing})
		refusedUnchanged(t, db, before, err, workspace.EFORBIDDEN, "")
		_, err = db.UpdateIssue(ctx, w.asMember, &workspace.Issue{ID: 999, Title: "X", CategoryID: w.housing})
		refusedUnchanged(t, db, before, err, workspace.ENOTFOUND, "")
		_, err = db.UpdateIssue(ctx, w.asMember, &workspace.Issue{ID: i.ID, Title: "X\x00", CategoryID: w.housing})
		refusedUnchanged(t, db, before, err, workspace.EINVALID, "")
		_, err = db.UpdateIssue(ctx, w.asMember, &workspace.Issue{ID: i.ID, Title: "X", CategoryID: 999})
		refusedUnchanged(t, db, before, err, workspace.EINVALID, "")
	})

	// Nothing changed: nothing written.
	before := mustDumpTables(t, db)
	change, err := db.UpdateIssue(ctx, w.asMember2, &workspace.Issue{ID: i.ID, Title: "Diplôme", Description: "Équivalence", CategoryID: w.housing, Delegations: []string{"mahdia"}})
	if err != nil {
		t.Fatal(err)
	}
	if change.Event != nil || mustDumpTables(t, db) != before {
		t.Errorf("an update that changes nothing wrote %+v", change.Event)
	}

	cats, _ := db.FindIssueCategories(ctx, false)
	u := &workspace.Issue{ID: i.ID, Title: "Diplôme d'ingénieur", Description: "Équivalence", CategoryID: cats[3].ID,
		Priority: workspace.PriorityUrgent, DueDate: "2026-05-01", Delegations: []string{"el_jem", "mahdia"},
		Status: workspace.IssueClosed, OwnerOrganisationID: &w.other.ID}
	change, err = db.UpdateIssue(ctx, w.asMember2, u)
	if err != nil {
		t.Fatal(err)
	}
	if change.Event == nil || change.Event.Kind != workspace.EventEdit || change.Event.ToValue != "title,category_id,priority,due_date,delegations" {
		t.Errorf("event %+v", change.Event)
	}
	if len(change.Notified) != 0 {
		t.Errorf("an edit notified %v", change.Notified)
	}
	got, _ := db.FindIssueByID(ctx, i.ID)
	if got.Title != "Diplôme d'ingénieur" || got.CategoryID != cats[3].ID || got.Priority != workspace.PriorityUrgent ||
		got.DueDate != "2026-05-01" || !slices.Equal(got.Delegations, []string{"el_jem", "mahdia"}) {
		t.Errorf("updated %+v", got)
	}
	if got.Status != workspace.IssueOpen || got.OwnerOrganisationID != nil || got.ReporterID != w.member.ID {
		t.Errorf("an update changed status %s, owner %v or reporter %d", got.Status, got.OwnerOrganisationID, got.ReporterID)
	}
	if !got.UpdatedAt.Equal(w.clock.Now()) || got.CreatedAt.Equal(got.UpdatedAt) {
		t.Errorf("times %v, %v", got.CreatedAt, got.UpdatedAt)
	}
	// The due date can be taken away.
	u.DueDate = ""
	if _, err := db.UpdateIssue(ctx, w.asMember2, u); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FindIssueByID(ctx, i.ID); got.DueDate != "" {
		t.Errorf("due date %q, want none", got.DueDate)
	}
	entries := mustAuditEntries(t, db, workspace.AuditFilter{Action: workspace.AuditIssueUpdate})
	if len(entries) != 2 {
		t.Fatalf("%d update entries, want 2", len(entries))
	}
	if b, a := decodeAudit(t, entries[1].Before), decodeAudit(t, entries[1].After); b["title"] != "Diplôme" || a["title"] != "Diplôme d'ingénieur" {
		t.Errorf("audit %v → %v", b, a)
	}

	// A category deactivated after the issue was filed may be kept, not
	// chosen anew.
	cat := cats[3]
	cat.Active = false
	if err := db.UpdateIssueCategory(ctx, w.asSecretariat, cat); err != nil {
		t.Fatal(err)
	}
	u.Title = "Diplôme d'ingénieur en génie civil"
	if _, err := db.UpdateIssue(ctx, w.asMember, u); err != nil {
		t.Errorf("keeping a deactivated category: %v", err)
	}
	other := w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Autre"}, nil)
	_, err = db.UpdateIssue(ctx, w.asMember, &workspace.Issue{ID: other.ID, Title: "Autre", CategoryID: cat.ID})
	wantRefused(t, err, workspace.EINVALID, "error.issue.category_inactive")
}

func TestIssuePrivate(t *testing.T) {
	ctx := context.Background()
	w := newIssueWorld(t)
	db := w.db
	secret := &workspace.IssuePrivate{PersonName: "Zeineb Confidentielle", PersonContact: "zeineb.secret@example.tn", Details: "Situation familiale délicate"}
	i := w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Acte de mariage"}, secret)

	t.Run("StakeholderRefused", func(t *testing.T) {
		before := mustDumpTables(t, db)
		_, err := db.FindIssuePrivate(ctx, w.asStake, i.ID)
		wantCode(t, err, workspace.EFORBIDDEN)
		_, err = db.FindIssuePrivate(ctx, workspace.Actor{}, i.ID)
		wantCode(t, err, workspace.EFORBIDDEN)
		_, err = db.FindIssuePrivate(ctx, w.asInactive, i.ID)
		wantCode(t, err, workspace.EFORBIDDEN)
		err = db.SetIssuePrivate(ctx, w.asStake, &workspace.IssuePrivate{IssueID: i.ID, PersonName: "Autre"})
		refusedUnchanged(t, db, before, err, workspace.EFORBIDDEN, "")
		err = db.SetIssuePrivate(ctx, w.asMember, &workspace.IssuePrivate{IssueID: 999, PersonName: "Autre"})
		refusedUnchanged(t, db, before, err, workspace.ENOTFOUND, "")
		err = db.SetIssuePrivate(ctx, w.asMember, &workspace.IssuePrivate{IssueID: i.ID, PersonName: "Au\xc0tre"})
		refusedUnchanged(t, db, before, err, workspace.EINVALID, "")
		_, err = db.FindIssuePrivate(ctx, w.asMember, 999)
		wantCode(t, err, workspace.ENOTFOUND)
	})

	got, err := db.FindIssuePrivate(ctx, w.asSecretariat, i.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.PersonName != secret.PersonName || got.PersonContact != secret.PersonContact || got.Details != secret.Details || got.IssueID != i.ID {
		t.Errorf("private fields %+v", got)
	}

	// Storing the same values writes nothing.
	before := mustDumpTables(t, db)
	if err := db.SetIssuePrivate(ctx, w.asMember, &workspace.IssuePrivate{IssueID: i.ID, PersonName: secret.PersonName, PersonContact: secret.PersonContact, Details: secret.Details}); err != nil {
		t.Fatal(err)
	}
	if mustDumpTables(t, db) != before {
		t.Error("storing the same private fields wrote")
	}

	changed := &workspace.IssuePrivate{IssueID: i.ID, PersonName: "Zeineb Confidentielle", PersonContact: "+216 55 123 456", Details: ""}
	if err := db.SetIssuePrivate(ctx, w.asSecretariat, changed); err != nil {
		t.Fatal(err)
	}
	got, _ = db.FindIssuePrivate(ctx, w.asMember, i.ID)
	if got.PersonContact != "+216 55 123 456" || got.Details != "" {
		t.Errorf("private fields after the change %+v", got)
	}
	entries := mustAuditEntries(t, db, workspace.AuditFilter{Action: workspace.AuditIssuePrivate})
	if len(entries) != 1 || entries[0].Before != "" {
		t.Fatalf("audit entries %+v", entries)
	}
	after := decodeAudit(t, entries[0].After)
	if len(after) != 2 || after["person_contact"] != "changed" || after["details"] != "changed" {
		t.Errorf("audit after %v, want person_contact and details changed", after)
	}
	// Private fields on a new issue, then a private field set on one without.
	bare := w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Sans détails"}, nil)
	if err := db.SetIssuePrivate(ctx, w.asMember, &workspace.IssuePrivate{IssueID: bare.ID, Details: "Très secret 7731"}); err != nil {
		t.Fatal(err)
	}

	wantNoPrivateValues(t, db, secret)
	wantNoPrivateValues(t, db, changed)
	wantNoPrivateValues(t, db, &workspace.IssuePrivate{Details: "Très secret 7731"})
	// Nor does a search find an issue by a private word.
	for _, q := range []string{"Zeineb", "Confidentielle", "délicate", "7731"} {
		hits, total, err := db.FindIssues(ctx, sqlite.IssueFilter{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		if total != 0 || len(hits) != 0 {
			t.Errorf("searching for the private word %q found %d issues", q, total)
		}
	}
}
