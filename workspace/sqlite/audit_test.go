package sqlite_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"tawla/workspace"
)

// decodeAudit decodes one side of an audit entry, failing on invalid JSON.
func decodeAudit(t *testing.T, s string) map[string]any {
	t.Helper()
	if s == "" {
		return nil
	}
	m := map[string]any{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("audit JSON %q: %v", s, err)
	}
	return m
}

func TestAudit_EveryChange(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clock := MustSetClock(db)

	// The first admin comes from the command line.
	cli := workspace.SystemActor("cli")
	org := &workspace.Organisation{NameFR: "Secrétariat de la table", College: workspace.CollegePartner}
	if err := db.CreateOrganisation(ctx, cli, org); err != nil {
		t.Fatal(err)
	}
	admin := &workspace.Account{Name: "Sonia", Email: "sonia@example.tn", OrganisationID: org.ID, Role: workspace.RoleAdmin}
	if err := db.CreateAccount(ctx, cli, admin); err != nil {
		t.Fatal(err)
	}
	by := workspace.ActorFor(admin)

	clock.Add(time.Minute)
	org.NameAR = "كتابة الطاولة"
	if err := db.UpdateOrganisation(ctx, by, org); err != nil {
		t.Fatal(err)
	}
	member := &workspace.Account{Name: "Amel", Email: "amel@example.tn", OrganisationID: org.ID, Role: workspace.RoleStakeholder}
	if err := db.CreateAccount(ctx, by, member); err != nil {
		t.Fatal(err)
	}
	member.Role, member.CanVote = workspace.RoleMember, true
	if err := db.UpdateAccount(ctx, by, member); err != nil {
		t.Fatal(err)
	}
	inv, err := db.CreateInvitation(ctx, by, member.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UseInvitation(ctx, inv, "$argon2id$by-invitation"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetPassword(ctx, by, member.ID, "$argon2id$by-admin"); err != nil {
		t.Fatal(err)
	}
	sess, err := db.CreateSession(ctx, member.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.RevokeSession(ctx, workspace.TokenDigest(sess)); err != nil {
		t.Fatal(err)
	}

	entries, total, err := db.FindAuditEntries(ctx, workspace.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		action, entity string
		entityID       int64
		actorID        *int64 // nil for a system actor
		actorName      string
		before, after  bool
	}
	wants := []want{ // oldest first
		{workspace.AuditOrganisationCreate, "organisation", org.ID, nil, "cli", false, true},
		{workspace.AuditAccountCreate, "account", admin.ID, nil, "cli", false, true},
		{workspace.AuditOrganisationUpdate, "organisation", org.ID, &admin.ID, "Sonia", true, true},
		{workspace.AuditAccountCreate, "account", member.ID, &admin.ID, "Sonia", false, true},
		{workspace.AuditAccountUpdate, "account", member.ID, &admin.ID, "Sonia", true, true},
		{workspace.AuditAccountInvite, "account", member.ID, &admin.ID, "Sonia", false, false},
		// Through Sonia's invitation: the entry names her.
		{workspace.AuditAccountPassword, "account", member.ID, &member.ID, "Amel", false, true},
		{workspace.AuditAccountPassword, "account", member.ID, &admin.ID, "Sonia", false, false},
		{workspace.AuditAccountLogin, "account", member.ID, &member.ID, "Amel", false, false},
		{workspace.AuditAccountLogout, "account", member.ID, &member.ID, "Amel", false, false},
	}
	if total != len(wants) || len(entries) != len(wants) {
		t.Fatalf("%d entries (total %d), want %d", len(entries), total, len(wants))
	}
	for i, w := range wants {
		e := entries[len(entries)-1-i] // entries are newest first
		if e.Action != w.action || e.EntityType != w.entity || e.EntityID != w.entityID || e.ActorName != w.actorName {
			t.Errorf("entry %d = %s %s/%d by %q, want %s %s/%d by %q", i, e.Action, e.EntityType, e.EntityID, e.ActorName, w.action, w.entity, w.entityID, w.actorName)
		}
		switch {
		case w.actorID == nil && e.ActorID != nil:
			t.Errorf("entry %d (%s): ActorID = %d, want nil", i, e.Action, *e.ActorID)
		case w.actorID != nil && (e.ActorID == nil || *e.ActorID != *w.actorID):
			t.Errorf("entry %d (%s): ActorID = %v, want %d", i, e.Action, e.ActorID, *w.actorID)
		}
		if (e.Before != "") != w.before || (e.After != "") != w.after {
			t.Errorf("entry %d (%s): before %q, after %q; want before %v, after %v", i, e.Action, e.Before, e.After, w.before, w.after)
		}
		decodeAudit(t, e.Before)
		decodeAudit(t, e.After)
		if e.At.IsZero() {
			t.Errorf("entry %d (%s): At is zero", i, e.Action)
		}
	}

	t.Run("BeforeAndAfter", func(t *testing.T) {
		orgUpdate := entries[len(entries)-1-2]
		before, after := decodeAudit(t, orgUpdate.Before), decodeAudit(t, orgUpdate.After)
		if before["name_ar"] != "" || after["name_ar"] != "كتابة الطاولة" {
			t.Errorf("organisation name_ar before %q after %q, want \"\" then the Arabic name", before["name_ar"], after["name_ar"])
		}
		if after["name_fr"] != "Secrétariat de la table" || after["college"] != "partner" || after["active"] != true {
			t.Errorf("organisation after = %v", after)
		}
		accUpdate := entries[len(entries)-1-4]
		before, after = decodeAudit(t, accUpdate.Before), decodeAudit(t, accUpdate.After)
		if before["role"] != "stakeholder" || after["role"] != "member" {
			t.Errorf("role before %v after %v, want stakeholder then member", before["role"], after["role"])
		}
		if before["can_vote"] != false || after["can_vote"] != true {
			t.Errorf("can_vote before %v after %v, want false then true", before["can_vote"], after["can_vote"])
		}
		if after["email"] != "amel@example.tn" || after["organisation_id"] != float64(org.ID) {
			t.Errorf("account after = %v", after)
		}
		if !orgUpdate.At.Equal(clock.Now()) {
			t.Errorf("At = %v, want the clock's %v", orgUpdate.At, clock.Now())
		}
	})

	t.Run("NoPasswordHash", func(t *testing.T) {
		// Change the account after it has a password, so that a leak
		// through the "before" state would show.
		member.Name = "Amel Ben Salah"
		if err := db.UpdateAccount(ctx, by, member); err != nil {
			t.Fatal(err)
		}
		all := mustAuditEntries(t, db, workspace.AuditFilter{})
		for _, e := range all {
			for _, s := range []string{e.Before, e.After} {
				if strings.Contains(s, "argon2id") || strings.Contains(strings.ToLower(s), "password") {
					t.Errorf("%s entry holds password data: %s", e.Action, s)
				}
			}
		}
	})
}

func TestAudit_ScriptNameVerbatim(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	const name = `<script>alert('x')</script>`
	o := MustCreateOrganisation(t, db, name)
	entries := mustAuditEntries(t, db, workspace.AuditFilter{EntityType: "organisation", EntityID: &o.ID})
	if len(entries) != 1 {
		t.Fatalf("%d entries, want 1", len(entries))
	}
	if got := decodeAudit(t, entries[0].After)["name_fr"]; got != name {
		t.Errorf("audit name_fr = %q, want %q", got, name)
	}
	a := &workspace.Account{Name: name, Email: "x@example.tn", OrganisationID: o.ID, Role: workspace.RoleStakeholder}
	if err := db.CreateAccount(ctx, systemActor, a); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindAccountByID(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != name || got.Organisation.NameFR != name {
		t.Errorf("stored names %q, %q, want %q verbatim", got.Name, got.Organisation.NameFR, name)
	}
}

func TestFindAuditEntries(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clock := MustSetClock(db)
	start := clock.Now()

	org := MustCreateOrganisation(t, db, "Croissant-Rouge") // by systemActor
	sonia := MustCreateAccount(t, db, org, "Sonia", "sonia@example.tn", workspace.RoleSecretariat)
	karim := MustCreateAccount(t, db, org, "Karim", "karim@example.tn", workspace.RoleAdmin)
	clock.Add(time.Hour)
	afterHour := clock.Now()
	var created []*workspace.Organisation
	for i, by := range []*workspace.Account{sonia, sonia, sonia, karim, karim} {
		o := &workspace.Organisation{NameFR: "Organisation " + string(rune('A'+i)), College: workspace.CollegeCivil}
		if err := db.CreateOrganisation(ctx, workspace.ActorFor(by), o); err != nil {
			t.Fatal(err)
		}
		created = append(created, o)
		clock.Add(time.Minute)
	}
	created[0].Contact = "changed"
	if err := db.UpdateOrganisation(ctx, workspace.ActorFor(karim), created[0]); err != nil {
		t.Fatal(err)
	}
	// 1 + 2 account creates + 5 + 1 update
	const all = 9

	count := func(filter workspace.AuditFilter) ([]*workspace.AuditEntry, int) {
		t.Helper()
		entries, total, err := db.FindAuditEntries(ctx, filter)
		if err != nil {
			t.Fatal(err)
		}
		return entries, total
	}
	for _, tt := range []struct {
		name   string
		filter workspace.AuditFilter
		want   int
	}{
		{"All", workspace.AuditFilter{}, all},
		{"Action", workspace.AuditFilter{Action: workspace.AuditOrganisationCreate}, 6},
		{"ActionUpdate", workspace.AuditFilter{Action: workspace.AuditOrganisationUpdate}, 1},
		{"UnknownAction", workspace.AuditFilter{Action: "organisation.delete"}, 0},
		{"EntityType", workspace.AuditFilter{EntityType: "account"}, 2},
		{"Entity", workspace.AuditFilter{EntityType: "organisation", EntityID: &created[0].ID}, 2},
		{"ActorSonia", workspace.AuditFilter{ActorID: &sonia.ID}, 3},
		{"ActorKarim", workspace.AuditFilter{ActorID: &karim.ID}, 3},
		{"ActorAndAction", workspace.AuditFilter{ActorID: &karim.ID, Action: workspace.AuditOrganisationUpdate}, 1},
		{"Since", workspace.AuditFilter{Since: &afterHour}, 6},
		{"Until", workspace.AuditFilter{Until: &afterHour}, 3},
		{"SinceStartUntilHour", workspace.AuditFilter{Since: &start, Until: &afterHour}, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			entries, total := count(tt.filter)
			if total != tt.want || len(entries) != tt.want {
				t.Fatalf("%d entries (total %d), want %d", len(entries), total, tt.want)
			}
			for _, e := range entries {
				if tt.filter.Action != "" && e.Action != tt.filter.Action {
					t.Errorf("entry action %q, want %q", e.Action, tt.filter.Action)
				}
				if tt.filter.EntityType != "" && e.EntityType != tt.filter.EntityType {
					t.Errorf("entry entity %q, want %q", e.EntityType, tt.filter.EntityType)
				}
				if tt.filter.ActorID != nil && (e.ActorID == nil || *e.ActorID != *tt.filter.ActorID) {
					t.Errorf("entry actor %v, want %d", e.ActorID, *tt.filter.ActorID)
				}
			}
		})
	}

	t.Run("NewestFirst", func(t *testing.T) {
		entries, _ := count(workspace.AuditFilter{})
		for i := 1; i < len(entries); i++ {
			if entries[i-1].ID <= entries[i].ID || entries[i-1].At.Before(entries[i].At) {
				t.Fatalf("entry %d (id %d, %v) comes before entry %d (id %d, %v)", i-1, entries[i-1].ID, entries[i-1].At, i, entries[i].ID, entries[i].At)
			}
		}
		if entries[0].Action != workspace.AuditOrganisationUpdate {
			t.Errorf("newest entry = %s, want the update", entries[0].Action)
		}
	})

	t.Run("Paging", func(t *testing.T) {
		full, _ := count(workspace.AuditFilter{})
		var paged []*workspace.AuditEntry
		for offset := 0; offset < all+2; offset += 4 {
			page, total := count(workspace.AuditFilter{Limit: 4, Offset: offset})
			if total != all {
				t.Errorf("offset %d: total = %d, want %d", offset, total, all)
			}
			if wantLen := min(4, max(all-offset, 0)); len(page) != wantLen {
				t.Errorf("offset %d: %d entries, want %d", offset, len(page), wantLen)
			}
			paged = append(paged, page...)
		}
		if len(paged) != len(full) {
			t.Fatalf("pages hold %d entries, want %d", len(paged), len(full))
		}
		for i := range full {
			if paged[i].ID != full[i].ID {
				t.Errorf("paged entry %d = id %d, want %d", i, paged[i].ID, full[i].ID)
			}
		}
		page, total := count(workspace.AuditFilter{Action: workspace.AuditOrganisationCreate, Limit: 2, Offset: 2})
		if total != 6 || len(page) != 2 {
			t.Errorf("filtered page: %d entries (total %d), want 2 (total 6)", len(page), total)
		}
		if page, _ := count(workspace.AuditFilter{Offset: -5}); len(page) != all {
			t.Errorf("negative offset: %d entries, want %d", len(page), all)
		}
		if page, total := count(workspace.AuditFilter{Offset: 100}); len(page) != 0 || total != all {
			t.Errorf("offset past the end: %d entries (total %d), want 0 (total %d)", len(page), total, all)
		}
		if page, _ := count(workspace.AuditFilter{Offset: 100}); page == nil {
			t.Error("an empty page is nil, want an empty slice")
		}
	})
}

func TestFindAuditEntries_LimitCapped(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	org := MustCreateOrganisation(t, db, "Croissant-Rouge")
	for range 205 {
		if err := db.UpdateOrganisation(ctx, systemActor, org); err != nil {
			t.Fatal(err)
		}
	}
	for _, limit := range []int{0, -1, 201, 10000} {
		entries, total, err := db.FindAuditEntries(ctx, workspace.AuditFilter{Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		if total != 206 {
			t.Errorf("Limit %d: total = %d, want 206", limit, total)
		}
		if len(entries) != 200 {
			t.Errorf("Limit %d: %d entries, want at most 200", limit, len(entries))
		}
	}
}
