package sqlite_test

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	"tawla/workspace"
)

func TestCreateAccount(t *testing.T) {
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		clock := MustSetClock(db)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		a := &workspace.Account{Name: " Amel Ben Salah ", Email: " Amel@Example.TN ", OrganisationID: org.ID, Role: workspace.RoleMember, CanVote: true}
		if err := db.CreateAccount(ctx, systemActor, a); err != nil {
			t.Fatal(err)
		}
		if a.ID <= 0 {
			t.Fatalf("ID = %d, want > 0", a.ID)
		}
		got, err := db.FindAccountByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Amel Ben Salah" || got.Email != "amel@example.tn" || got.OrganisationID != org.ID ||
			got.Language != "fr" || got.Role != workspace.RoleMember || !got.CanVote || !got.Active || got.PasswordHash != "" {
			t.Errorf("stored %+v", got)
		}
		if !got.CreatedAt.Equal(clock.Now()) || !got.UpdatedAt.Equal(clock.Now()) {
			t.Errorf("CreatedAt, UpdatedAt = %v, %v, want %v", got.CreatedAt, got.UpdatedAt, clock.Now())
		}
		if got.Organisation == nil || got.Organisation.ID != org.ID || got.Organisation.NameFR != "Croissant-Rouge" {
			t.Errorf("Organisation = %+v, want the account's organisation", got.Organisation)
		}
	})

	t.Run("StakeholderCannotVote", func(t *testing.T) {
		db := MustOpenDB(t)
		org := MustCreateOrganisation(t, db, "Expert")
		a := &workspace.Account{Name: "Expert", Email: "expert@example.tn", OrganisationID: org.ID, Role: workspace.RoleStakeholder, CanVote: true}
		if err := db.CreateAccount(ctx, systemActor, a); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindAccountByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.CanVote {
			t.Error("a stakeholder is stored with a voting right")
		}
	})

	t.Run("DuplicateEmail", func(t *testing.T) {
		db := MustOpenDB(t)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
		auditBefore := mustAuditCount(t, db)
		dup := &workspace.Account{Name: "Another Amel", Email: "  AMEL@example.TN", OrganisationID: org.ID, Role: workspace.RoleStakeholder}
		wantInvalidField(t, db.CreateAccount(ctx, systemActor, dup), "email")
		if key := workspace.ErrorKey(db.CreateAccount(ctx, systemActor, dup)); key != "error.account.email_taken" {
			t.Errorf("key = %q, want error.account.email_taken", key)
		}
		accs, err := db.FindAccounts(ctx, workspace.AccountFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(accs) != 1 {
			t.Errorf("%d accounts stored, want 1", len(accs))
		}
		if n := mustAuditCount(t, db); n != auditBefore {
			t.Errorf("%d audit entries after a refused create, want %d", n, auditBefore)
		}
	})

	t.Run("InactiveOrganisation", func(t *testing.T) {
		db := MustOpenDB(t)
		org := MustCreateOrganisation(t, db, "Ancienne association")
		org.Active = false
		if err := db.UpdateOrganisation(ctx, systemActor, org); err != nil {
			t.Fatal(err)
		}
		a := &workspace.Account{Name: "Karim", Email: "karim@example.tn", OrganisationID: org.ID, Role: workspace.RoleMember}
		err := db.CreateAccount(ctx, systemActor, a)
		wantInvalidField(t, err, "organisation_id")
		if key := workspace.ErrorKey(err); key != "error.account.organisation_inactive" {
			t.Errorf("key = %q, want error.account.organisation_inactive", key)
		}
		if _, err := db.FindAccountByEmail(ctx, "karim@example.tn"); workspace.ErrorCode(err) != workspace.ENOTFOUND {
			t.Errorf("FindAccountByEmail after a refused create: err = %v, want ENOTFOUND", err)
		}
	})

	t.Run("UnknownOrganisation", func(t *testing.T) {
		db := MustOpenDB(t)
		a := &workspace.Account{Name: "Karim", Email: "karim@example.tn", OrganisationID: 42, Role: workspace.RoleMember}
		wantInvalidField(t, db.CreateAccount(ctx, systemActor, a), "organisation_id")
		if _, err := db.FindAccountByEmail(ctx, "karim@example.tn"); workspace.ErrorCode(err) != workspace.ENOTFOUND {
			t.Errorf("FindAccountByEmail after a refused create: err = %v, want ENOTFOUND", err)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		db := MustOpenDB(t)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		for _, a := range []*workspace.Account{
			{Name: "", Email: "a@example.tn", OrganisationID: org.ID, Role: workspace.RoleMember},
			{Name: "A", Email: "not an email", OrganisationID: org.ID, Role: workspace.RoleMember},
			{Name: "A", Email: "\xff@example.tn", OrganisationID: org.ID, Role: workspace.RoleMember},
			{Name: "A", Email: "a@example.tn", OrganisationID: org.ID, Role: "chief"},
			{Name: "A", Email: "a@example.tn", OrganisationID: org.ID, Role: workspace.RoleMember, Language: "it"},
		} {
			wantCode(t, db.CreateAccount(ctx, systemActor, a), workspace.EINVALID)
		}
		accs, err := db.FindAccounts(ctx, workspace.AccountFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(accs) != 0 {
			t.Errorf("%d accounts stored after refused creates, want 0", len(accs))
		}
	})

	t.Run("WithPasswordHash", func(t *testing.T) {
		db := MustOpenDB(t)
		org := MustCreateOrganisation(t, db, "Secrétariat")
		a := &workspace.Account{Name: "Admin", Email: "admin@example.tn", OrganisationID: org.ID, Role: workspace.RoleAdmin, PasswordHash: "$argon2id$stub"}
		if err := db.CreateAccount(ctx, systemActor, a); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindAccountByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.PasswordHash != "$argon2id$stub" {
			t.Errorf("PasswordHash = %q, want the one given", got.PasswordHash)
		}
	})
}

func TestUpdateAccount(t *testing.T) {
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		clock := MustSetClock(db)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		other := MustCreateOrganisation(t, db, "OIM")
		a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleStakeholder)
		created := clock.Now()
		if err := db.SetPassword(ctx, systemActor, a.ID, "$argon2id$kept"); err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Hour)

		upd := &workspace.Account{ID: a.ID, Name: "Amel Ben Salah", Email: "Amel.BS@example.tn", OrganisationID: other.ID,
			Language: "ar", Role: workspace.RoleMember, CanVote: true, Active: true}
		if err := db.UpdateAccount(ctx, systemActor, upd); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindAccountByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Amel Ben Salah" || got.Email != "amel.bs@example.tn" || got.OrganisationID != other.ID ||
			got.Language != "ar" || got.Role != workspace.RoleMember || !got.CanVote || !got.Active {
			t.Errorf("stored %+v", got)
		}
		if got.PasswordHash != "$argon2id$kept" {
			t.Errorf("PasswordHash = %q, want it untouched by UpdateAccount", got.PasswordHash)
		}
		if upd.PasswordHash != "$argon2id$kept" {
			t.Errorf("the argument's PasswordHash = %q, want the stored one", upd.PasswordHash)
		}
		if !got.CreatedAt.Equal(created) || !got.UpdatedAt.Equal(clock.Now()) {
			t.Errorf("CreatedAt, UpdatedAt = %v, %v, want %v, %v", got.CreatedAt, got.UpdatedAt, created, clock.Now())
		}
		if got.Organisation.NameFR != "OIM" {
			t.Errorf("Organisation = %q, want OIM", got.Organisation.NameFR)
		}
	})

	t.Run("DuplicateEmail", func(t *testing.T) {
		db := MustOpenDB(t)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
		b := MustCreateAccount(t, db, org, "Bilel", "bilel@example.tn", workspace.RoleMember)
		b.Email = "AMEL@example.tn"
		wantInvalidField(t, db.UpdateAccount(ctx, systemActor, b), "email")
		got, err := db.FindAccountByID(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Email != "bilel@example.tn" {
			t.Errorf("Email = %q after a refused update, want it unchanged", got.Email)
		}
	})

	t.Run("MoveToInactiveOrganisation", func(t *testing.T) {
		db := MustOpenDB(t)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		closed := MustCreateOrganisation(t, db, "Fermée")
		closed.Active = false
		if err := db.UpdateOrganisation(ctx, systemActor, closed); err != nil {
			t.Fatal(err)
		}
		a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
		a.OrganisationID = closed.ID
		wantInvalidField(t, db.UpdateAccount(ctx, systemActor, a), "organisation_id")
		a.OrganisationID = 999
		wantInvalidField(t, db.UpdateAccount(ctx, systemActor, a), "organisation_id")
	})

	t.Run("StayInDeactivatedOrganisation", func(t *testing.T) {
		// Only a move is checked: the people of a deactivated organisation
		// can still be edited (for instance, to deactivate them).
		db := MustOpenDB(t)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
		org.Active = false
		if err := db.UpdateOrganisation(ctx, systemActor, org); err != nil {
			t.Fatal(err)
		}
		a.Name, a.Active = "Amel B.", false
		if err := db.UpdateAccount(ctx, systemActor, a); err != nil {
			t.Fatalf("UpdateAccount in a deactivated organisation: %v", err)
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		db := MustOpenDB(t)
		a := &workspace.Account{ID: 404, Name: "X", Email: "x@example.tn", OrganisationID: 1, Role: workspace.RoleMember}
		wantCode(t, db.UpdateAccount(ctx, systemActor, a), workspace.ENOTFOUND)
	})

	t.Run("Invalid", func(t *testing.T) {
		db := MustOpenDB(t)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
		a.Name = "Amel\x1b"
		wantCode(t, db.UpdateAccount(ctx, systemActor, a), workspace.EINVALID)
		got, err := db.FindAccountByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Amel" {
			t.Errorf("Name = %q after a refused update, want it unchanged", got.Name)
		}
	})
}

func TestUpdateAccount_DeactivationRevokesSessions(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	org := MustCreateOrganisation(t, db, "Croissant-Rouge")
	a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
	other := MustCreateAccount(t, db, org, "Bilel", "bilel@example.tn", workspace.RoleMember)
	tok1, err := db.CreateSession(ctx, a.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	tok2, err := db.CreateSession(ctx, a.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	otherTok, err := db.CreateSession(ctx, other.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.FindSession(ctx, tok1); err != nil {
		t.Fatalf("FindSession before deactivation: %v", err)
	}

	a.Active = false
	if err := db.UpdateAccount(ctx, systemActor, a); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{tok1, tok2} {
		_, _, err := db.FindSession(ctx, tok)
		wantCode(t, err, workspace.EUNAUTHORIZED)
	}

	// Reactivating the account does not bring its sessions back: they were
	// revoked, not merely hidden while the account was inactive.
	a.Active = true
	if err := db.UpdateAccount(ctx, systemActor, a); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{tok1, tok2} {
		_, _, err := db.FindSession(ctx, tok)
		wantCode(t, err, workspace.EUNAUTHORIZED)
	}
	if _, _, err := db.FindSession(ctx, otherTok); err != nil {
		t.Errorf("another account's session: %v, want it alive", err)
	}
	// A new login works again.
	tok3, err := db.CreateSession(ctx, a.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.FindSession(ctx, tok3); err != nil {
		t.Errorf("FindSession after reactivation and login: %v", err)
	}
}

func TestFindAccounts(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	crf := MustCreateOrganisation(t, db, "Croissant-Rouge")
	oim := MustCreateOrganisation(t, db, "OIM")
	zied := MustCreateAccount(t, db, crf, "Zied", "zied@example.tn", workspace.RoleMember)
	amel := MustCreateAccount(t, db, crf, "Amel", "amel@example.tn", workspace.RoleSecretariat)
	karim := MustCreateAccount(t, db, oim, "Karim", "karim@example.tn", workspace.RoleMember)
	hela := MustCreateAccount(t, db, oim, "Hela", "hela@example.tn", workspace.RoleStakeholder)
	hela.Active = false
	if err := db.UpdateAccount(ctx, systemActor, hela); err != nil {
		t.Fatal(err)
	}

	ids := func(accs []*workspace.Account) []int64 {
		var out []int64
		for _, a := range accs {
			out = append(out, a.ID)
		}
		return out
	}
	for _, tt := range []struct {
		name   string
		filter workspace.AccountFilter
		want   []*workspace.Account
	}{
		{"AllByName", workspace.AccountFilter{}, []*workspace.Account{amel, hela, karim, zied}},
		{"ActiveOnly", workspace.AccountFilter{ActiveOnly: true}, []*workspace.Account{amel, karim, zied}},
		{"Organisation", workspace.AccountFilter{OrganisationID: &oim.ID}, []*workspace.Account{hela, karim}},
		{"Role", workspace.AccountFilter{Role: workspace.RoleMember}, []*workspace.Account{karim, zied}},
		{"Email", workspace.AccountFilter{Email: "zied@example.tn"}, []*workspace.Account{zied}},
		{"ID", workspace.AccountFilter{ID: &amel.ID}, []*workspace.Account{amel}},
		{"Combined", workspace.AccountFilter{OrganisationID: &oim.ID, Role: workspace.RoleMember, ActiveOnly: true}, []*workspace.Account{karim}},
		{"NoMatch", workspace.AccountFilter{Role: workspace.RoleAdmin}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.FindAccounts(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil {
				t.Error("FindAccounts returned a nil slice, want an empty one")
			}
			if g, w := ids(got), ids(tt.want); !slices.Equal(g, w) {
				t.Errorf("IDs = %v, want %v", g, w)
			}
			for _, a := range got {
				if a.Organisation == nil || a.Organisation.ID != a.OrganisationID {
					t.Errorf("account %d: Organisation = %+v, want organisation %d", a.ID, a.Organisation, a.OrganisationID)
				}
			}
		})
	}

	t.Run("ByEmailNormalised", func(t *testing.T) {
		got, err := db.FindAccountByEmail(ctx, "  KARIM@Example.tn ")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != karim.ID {
			t.Errorf("ID = %d, want %d", got.ID, karim.ID)
		}
	})
	t.Run("ByEmailNotFound", func(t *testing.T) {
		_, err := db.FindAccountByEmail(ctx, "nobody@example.tn")
		wantCode(t, err, workspace.ENOTFOUND)
	})
	t.Run("ByIDNotFound", func(t *testing.T) {
		_, err := db.FindAccountByID(ctx, 9999)
		wantCode(t, err, workspace.ENOTFOUND)
	})
}

func TestSetAccountLanguage(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	org := MustCreateOrganisation(t, db, "Croissant-Rouge")
	a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
	auditBefore := mustAuditCount(t, db)

	if err := db.SetAccountLanguage(ctx, a.ID, "ar"); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindAccountByID(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Language != "ar" {
		t.Errorf("Language = %q, want ar", got.Language)
	}
	wantInvalidField(t, db.SetAccountLanguage(ctx, a.ID, "de"), "language")
	wantCode(t, db.SetAccountLanguage(ctx, 404, "en"), workspace.ENOTFOUND)
	if got, err = db.FindAccountByID(ctx, a.ID); err != nil {
		t.Fatal(err)
	} else if got.Language != "ar" {
		t.Errorf("Language = %q after a refused change, want ar", got.Language)
	}
	if n := mustAuditCount(t, db); n != auditBefore {
		t.Errorf("%d audit entries, want %d: a language preference is not audited", n, auditBefore)
	}
}

func TestSetPassword(t *testing.T) {
	ctx := context.Background()

	t.Run("StoresHashAndRevokesSessions", func(t *testing.T) {
		db := MustOpenDB(t)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
		other := MustCreateAccount(t, db, org, "Bilel", "bilel@example.tn", workspace.RoleMember)
		tok, err := db.CreateSession(ctx, a.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		otherTok, err := db.CreateSession(ctx, other.ID, "")
		if err != nil {
			t.Fatal(err)
		}

		hash, err := workspace.HashPassword("une phrase de passe solide")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SetPassword(ctx, systemActor, a.ID, hash); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindAccountByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !workspace.CheckPassword(got.PasswordHash, "une phrase de passe solide") {
			t.Error("the stored hash does not check against the password")
		}
		_, _, err = db.FindSession(ctx, tok)
		wantCode(t, err, workspace.EUNAUTHORIZED)
		if _, _, err := db.FindSession(ctx, otherTok); err != nil {
			t.Errorf("another account's session: %v, want it alive", err)
		}
	})

	t.Run("EmptyHash", func(t *testing.T) {
		db := MustOpenDB(t)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
		tok, err := db.CreateSession(ctx, a.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SetPassword(ctx, systemActor, a.ID, ""); err == nil {
			t.Fatal("SetPassword(\"\") = nil, want an error")
		}
		if _, _, err := db.FindSession(ctx, tok); err != nil {
			t.Errorf("FindSession after a refused SetPassword: %v, want the session alive", err)
		}
	})

	t.Run("UnknownAccount", func(t *testing.T) {
		db := MustOpenDB(t)
		wantCode(t, db.SetPassword(ctx, systemActor, 404, "$argon2id$x"), workspace.ENOTFOUND)
		if n := mustAuditCount(t, db); n != 0 {
			t.Errorf("%d audit entries after a refused SetPassword, want 0", n)
		}
	})
}

// Choosing the language an account already has writes nothing: a page
// link that carries ?lang= is followed often (issue 8).
func TestSetAccountLanguageUnchanged(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	org := MustCreateOrganisation(t, db, "Croissant-Rouge")
	a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
	reader, err := sql.Open("sqlite3", "file:"+db.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	conn, err := reader.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// data_version changes when another connection commits a change.
	version := func() int64 {
		var v int64
		if err := conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}

	before := version()
	if err := db.SetAccountLanguage(ctx, a.ID, a.Language); err != nil {
		t.Fatalf("SetAccountLanguage(the same language): %v", err)
	}
	if after := version(); after != before {
		t.Errorf("setting the same language wrote to the database (data_version %d → %d)", before, after)
	}
	if err := db.SetAccountLanguage(ctx, a.ID, "en"); err != nil {
		t.Fatal(err)
	}
	if after := version(); after == before {
		t.Error("setting another language did not write to the database")
	}
}
