package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// mustDumpTables returns every row of every table of db's file as text,
// read through a connection of its own, so that a test can check that a
// refused change wrote nothing: no row, no audit entry, no session revoked.
func mustDumpTables(tb testing.TB, db *sqlite.DB) string {
	tb.Helper()
	conn, err := sql.Open("sqlite3", "file:"+db.Path()+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	var tables []string
	rows, err := conn.Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		tb.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			tb.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Close(); err != nil {
		tb.Fatal(err)
	}
	var b strings.Builder
	for _, table := range tables {
		// Table names come from sqlite_master, not from input.
		rows, err := conn.Query(`SELECT * FROM "` + table + `" ORDER BY rowid`)
		if err != nil {
			// Tables without rowid are ordered by their key anyway.
			if rows, err = conn.Query(`SELECT * FROM "` + table + `"`); err != nil {
				tb.Fatalf("dump %s: %v", table, err)
			}
		}
		cols, err := rows.Columns()
		if err != nil {
			tb.Fatal(err)
		}
		for rows.Next() {
			values := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range values {
				ptrs[i] = &values[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %v\n", table, values)
		}
		if err := rows.Close(); err != nil {
			tb.Fatal(err)
		}
	}
	return b.String()
}

// wantRefused fails the test unless err is a *workspace.Error with code
// and key.
func wantRefused(tb testing.TB, err error, code, key string) {
	tb.Helper()
	var e *workspace.Error
	if !errors.As(err, &e) {
		tb.Fatalf("err = %v, want a %s *workspace.Error", err, code)
	}
	if e.Code != code || e.Key != key {
		tb.Fatalf("err = %v (key %q), want code %q with key %q", err, e.Key, code, key)
	}
}

// TestRules_RefusedChangesWriteNothing makes each change the store guards
// as an actor its rule refuses, and checks the refusal and that the
// database is exactly as before: the rule runs inside the transaction,
// before any write, the audit entry included.
func TestRules_RefusedChangesWriteNothing(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	org := MustCreateOrganisation(t, db, "Gouvernorat de Mahdia")
	admin := MustCreateAccount(t, db, org, "Nadia Admin", "nadia@example.tn", workspace.RoleAdmin)
	secretariat := MustCreateAccount(t, db, org, "Sonia Secrétariat", "sonia@example.tn", workspace.RoleSecretariat)
	member := MustCreateAccount(t, db, org, "Amel Membre", "amel@example.tn", workspace.RoleMember)
	stakeholder := MustCreateAccount(t, db, org, "Karim Expert", "karim@example.tn", workspace.RoleStakeholder)
	if _, err := db.CreateSession(ctx, member.ID, ""); err != nil {
		t.Fatal(err) // a session that a refused SetPassword must not revoke
	}
	proc := &workspace.Procedure{Title: "Orientation vers l'emploi", Language: "fr", Category: workspace.CategoryReferralPathway}
	if err := db.CreateProcedure(ctx, workspace.ActorFor(member), proc, "# Orientation\n"); err != nil {
		t.Fatal(err)
	}

	// Actors made from an account as a request read it, before the
	// account changed: the store must judge the account as it is now.
	formerAdmin := MustCreateAccount(t, db, org, "Ancienne Admin", "ancienne@example.tn", workspace.RoleAdmin)
	deactivatedAdmin := workspace.ActorFor(formerAdmin)
	formerAdmin.Active = false
	if err := db.UpdateAccount(ctx, systemActor, formerAdmin); err != nil {
		t.Fatal(err)
	}
	formerStaff := MustCreateAccount(t, db, org, "Ancien Secrétariat", "ancien@example.tn", workspace.RoleSecretariat)
	demotedStaff := workspace.ActorFor(formerStaff)
	formerStaff.Role = workspace.RoleMember
	if err := db.UpdateAccount(ctx, systemActor, formerStaff); err != nil {
		t.Fatal(err)
	}
	ghost := int64(404)
	unknownAdmin := workspace.Actor{AccountID: &ghost, Name: "Fantôme", Role: workspace.RoleAdmin, Active: true}

	copyOf := func(a *workspace.Account) *workspace.Account { c := *a; return &c }
	newAccount := func(role workspace.Role) *workspace.Account {
		return &workspace.Account{Name: "Nouvelle personne", Email: "nouvelle@example.tn", OrganisationID: org.ID, Role: role}
	}
	newOrganisation := func() *workspace.Organisation {
		return &workspace.Organisation{NameFR: "Nouvelle association", College: workspace.CollegeCivil}
	}
	newProcedure := func() *workspace.Procedure {
		return &workspace.Procedure{Title: "Nouvelle procédure", Language: "fr", Category: workspace.CategoryOther}
	}
	const hash = "$argon2id$stub"

	for _, tt := range []struct {
		name      string
		actor     workspace.Actor
		change    func(workspace.Actor) error
		code, key string
	}{
		{"CreateAccount/Member", workspace.ActorFor(member), func(a workspace.Actor) error {
			return db.CreateAccount(ctx, a, newAccount(workspace.RoleStakeholder))
		}, workspace.EFORBIDDEN, "error.forbidden"},
		{"CreateAccount/SecretariatMakesAdmin", workspace.ActorFor(secretariat), func(a workspace.Actor) error {
			return db.CreateAccount(ctx, a, newAccount(workspace.RoleAdmin))
		}, workspace.EFORBIDDEN, "error.account.admin_only"},
		{"UpdateAccount/Stakeholder", workspace.ActorFor(stakeholder), func(a workspace.Actor) error {
			m := copyOf(member)
			m.Name = "Renommée"
			return db.UpdateAccount(ctx, a, m)
		}, workspace.EFORBIDDEN, "error.forbidden"},
		{"UpdateAccount/SecretariatTouchesAdmin", workspace.ActorFor(secretariat), func(a workspace.Actor) error {
			adm := copyOf(admin)
			adm.Name = "Renommée"
			return db.UpdateAccount(ctx, a, adm)
		}, workspace.EFORBIDDEN, "error.account.admin_only"},
		{"UpdateAccount/SecretariatPromotes", workspace.ActorFor(secretariat), func(a workspace.Actor) error {
			m := copyOf(member)
			m.Role = workspace.RoleAdmin
			return db.UpdateAccount(ctx, a, m)
		}, workspace.EFORBIDDEN, "error.account.admin_only"},
		{"UpdateAccount/AdminDemotesSelf", workspace.ActorFor(admin), func(a workspace.Actor) error {
			self := copyOf(admin)
			self.Role = workspace.RoleMember
			return db.UpdateAccount(ctx, a, self)
		}, workspace.EINVALID, "error.account.self_change"},
		{"UpdateAccount/SecretariatDeactivatesSelf", workspace.ActorFor(secretariat), func(a workspace.Actor) error {
			self := copyOf(secretariat)
			self.Active = false
			return db.UpdateAccount(ctx, a, self)
		}, workspace.EINVALID, "error.account.self_change"},
		{"CreateInvitation/Member", workspace.ActorFor(member), func(a workspace.Actor) error {
			_, err := db.CreateInvitation(ctx, a, stakeholder.ID)
			return err
		}, workspace.EFORBIDDEN, "error.forbidden"},
		{"CreateInvitation/SecretariatInvitesAdmin", workspace.ActorFor(secretariat), func(a workspace.Actor) error {
			_, err := db.CreateInvitation(ctx, a, admin.ID)
			return err
		}, workspace.EFORBIDDEN, "error.account.admin_only"},
		{"SetPassword/StakeholderResetsMember", workspace.ActorFor(stakeholder), func(a workspace.Actor) error {
			return db.SetPassword(ctx, a, member.ID, hash)
		}, workspace.EFORBIDDEN, "error.forbidden"},
		{"SetPassword/SecretariatResetsAdmin", workspace.ActorFor(secretariat), func(a workspace.Actor) error {
			return db.SetPassword(ctx, a, admin.ID, hash)
		}, workspace.EFORBIDDEN, "error.account.admin_only"},
		{"CreateOrganisation/Member", workspace.ActorFor(member), func(a workspace.Actor) error {
			return db.CreateOrganisation(ctx, a, newOrganisation())
		}, workspace.EFORBIDDEN, "error.forbidden"},
		{"UpdateOrganisation/Member", workspace.ActorFor(member), func(a workspace.Actor) error {
			o := *org
			o.Active = false
			return db.UpdateOrganisation(ctx, a, &o)
		}, workspace.EFORBIDDEN, "error.forbidden"},
		{"CreateProcedure/Stakeholder", workspace.ActorFor(stakeholder), func(a workspace.Actor) error {
			return db.CreateProcedure(ctx, a, newProcedure(), "# Nouvelle\n")
		}, workspace.EFORBIDDEN, "error.forbidden"},
		{"UpdateProcedure/Stakeholder", workspace.ActorFor(stakeholder), func(a workspace.Actor) error {
			p := *proc
			p.Title = "Titre changé"
			return db.UpdateProcedure(ctx, a, &p)
		}, workspace.EFORBIDDEN, "error.forbidden"},
		{"CreateProcedure/Nobody", workspace.Actor{}, func(a workspace.Actor) error {
			return db.CreateProcedure(ctx, a, newProcedure(), "# Nouvelle\n")
		}, workspace.EFORBIDDEN, "error.forbidden"},
		{"CreateProcedure/UnknownAccount", unknownAdmin, func(a workspace.Actor) error {
			return db.CreateProcedure(ctx, a, newProcedure(), "# Nouvelle\n")
		}, workspace.EFORBIDDEN, "error.forbidden"},
		{"CreateOrganisation/DeactivatedSinceRequest", deactivatedAdmin, func(a workspace.Actor) error {
			return db.CreateOrganisation(ctx, a, newOrganisation())
		}, workspace.EFORBIDDEN, "error.forbidden"},
		{"CreateOrganisation/DemotedSinceRequest", demotedStaff, func(a workspace.Actor) error {
			return db.CreateOrganisation(ctx, a, newOrganisation())
		}, workspace.EFORBIDDEN, "error.forbidden"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := mustDumpTables(t, db)
			wantRefused(t, tt.change(tt.actor), tt.code, tt.key)
			if after := mustDumpTables(t, db); after != before {
				t.Errorf("a refused change wrote to the database:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}

// TestRules_AllowedChanges makes, as accounts, the changes their rules
// allow, and checks that each is stored and audited under its actor.
func TestRules_AllowedChanges(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	org := MustCreateOrganisation(t, db, "Gouvernorat de Mahdia")
	admin := MustCreateAccount(t, db, org, "Nadia Admin", "nadia@example.tn", workspace.RoleAdmin)
	secretariat := MustCreateAccount(t, db, org, "Sonia Secrétariat", "sonia@example.tn", workspace.RoleSecretariat)
	member := MustCreateAccount(t, db, org, "Amel Membre", "amel@example.tn", workspace.RoleMember)
	stakeholder := MustCreateAccount(t, db, org, "Karim Expert", "karim@example.tn", workspace.RoleStakeholder)

	// wantAuditedBy checks that the newest audit entry is action by acc.
	wantAuditedBy := func(t *testing.T, action string, acc *workspace.Account) {
		t.Helper()
		entries := mustAuditEntries(t, db, workspace.AuditFilter{Limit: 1})
		if len(entries) != 1 {
			t.Fatalf("%d audit entries, want 1", len(entries))
		}
		got := entries[0]
		if got.Action != action || got.ActorID == nil || *got.ActorID != acc.ID || got.ActorName != acc.Name {
			t.Errorf("newest audit entry = %s by %v (%q), want %s by %d (%q)", got.Action, got.ActorID, got.ActorName, action, acc.ID, acc.Name)
		}
	}

	t.Run("SecretariatCreatesMember", func(t *testing.T) {
		a := &workspace.Account{Name: "Bilel", Email: "bilel@example.tn", OrganisationID: org.ID, Role: workspace.RoleMember}
		if err := db.CreateAccount(ctx, workspace.ActorFor(secretariat), a); err != nil {
			t.Fatal(err)
		}
		wantAuditedBy(t, workspace.AuditAccountCreate, secretariat)
	})
	t.Run("AdminPromotesMember", func(t *testing.T) {
		m := *member
		m.Role = workspace.RoleSecretariat
		if err := db.UpdateAccount(ctx, workspace.ActorFor(admin), &m); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindAccountByID(ctx, member.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Role != workspace.RoleSecretariat {
			t.Errorf("role = %s, want %s", got.Role, workspace.RoleSecretariat)
		}
		wantAuditedBy(t, workspace.AuditAccountUpdate, admin)
	})
	t.Run("StakeholderSetsOwnPassword", func(t *testing.T) {
		if err := db.SetPassword(ctx, workspace.ActorFor(stakeholder), stakeholder.ID, "$argon2id$own"); err != nil {
			t.Fatal(err)
		}
		wantAuditedBy(t, workspace.AuditAccountPassword, stakeholder)
	})
	t.Run("AdminResetsPassword", func(t *testing.T) {
		if err := db.SetPassword(ctx, workspace.ActorFor(admin), secretariat.ID, "$argon2id$reset"); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindAccountByID(ctx, secretariat.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.PasswordHash != "$argon2id$reset" {
			t.Errorf("password hash = %q, want the reset one", got.PasswordHash)
		}
		wantAuditedBy(t, workspace.AuditAccountPassword, admin)
	})
	t.Run("SecretariatCreatesOrganisation", func(t *testing.T) {
		o := &workspace.Organisation{NameFR: "Association Retour", College: workspace.CollegeReturnees}
		if err := db.CreateOrganisation(ctx, workspace.ActorFor(secretariat), o); err != nil {
			t.Fatal(err)
		}
		wantAuditedBy(t, workspace.AuditOrganisationCreate, secretariat)
	})
	t.Run("SecretariatInvitesMember", func(t *testing.T) {
		other := MustCreateAccount(t, db, org, "Hela", "hela@example.tn", workspace.RoleMember)
		if _, err := db.CreateInvitation(ctx, workspace.ActorFor(secretariat), other.ID); err != nil {
			t.Fatal(err)
		}
		wantAuditedBy(t, workspace.AuditAccountInvite, secretariat)
	})
	t.Run("MemberDraftsProcedure", func(t *testing.T) {
		// member was promoted above; a fresh member drafts.
		drafter := MustCreateAccount(t, db, org, "Youssef", "youssef@example.tn", workspace.RoleMember)
		p := &workspace.Procedure{Title: "Accès aux soins", Language: "ar", Category: workspace.CategoryServiceStandard}
		if err := db.CreateProcedure(ctx, workspace.ActorFor(drafter), p, "# Accès\n"); err != nil {
			t.Fatal(err)
		}
		if p.CreatedBy == nil || *p.CreatedBy != drafter.ID {
			t.Errorf("CreatedBy = %v, want %d", p.CreatedBy, drafter.ID)
		}
		wantAuditedBy(t, workspace.AuditProcedureCreate, drafter)
		p.Summary = "Résumé"
		if err := db.UpdateProcedure(ctx, workspace.ActorFor(drafter), p); err != nil {
			t.Fatal(err)
		}
		wantAuditedBy(t, workspace.AuditProcedureUpdate, drafter)
	})
}
