package sqlite_test

import (
	"context"
	"testing"
	"time"

	"tawla/workspace"
)

func TestInvitation(t *testing.T) {
	ctx := context.Background()
	const stubHash = "$argon2id$stub"

	t.Run("UsableOnce", func(t *testing.T) {
		db := MustOpenDB(t)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		staff := MustCreateAccount(t, db, org, "Sonia", "sonia@example.tn", workspace.RoleSecretariat)
		a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
		tok, err := db.CreateInvitation(ctx, workspace.ActorFor(staff), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		found, err := db.FindInvitation(ctx, tok)
		if err != nil {
			t.Fatalf("FindInvitation: %v", err)
		}
		if found.ID != a.ID {
			t.Errorf("FindInvitation account = %d, want %d", found.ID, a.ID)
		}
		// Finding does not spend the invitation.
		if _, err := db.FindInvitation(ctx, tok); err != nil {
			t.Fatalf("second FindInvitation: %v", err)
		}

		hash, err := workspace.HashPassword("ma nouvelle phrase de passe")
		if err != nil {
			t.Fatal(err)
		}
		used, err := db.UseInvitation(ctx, tok, hash)
		if err != nil {
			t.Fatalf("UseInvitation: %v", err)
		}
		if used.ID != a.ID {
			t.Errorf("UseInvitation account = %d, want %d", used.ID, a.ID)
		}
		got, err := db.FindAccountByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !workspace.CheckPassword(got.PasswordHash, "ma nouvelle phrase de passe") {
			t.Error("the password set through the invitation does not check")
		}

		_, err = db.UseInvitation(ctx, tok, stubHash)
		wantCode(t, err, workspace.ENOTFOUND)
		_, err = db.FindInvitation(ctx, tok)
		wantCode(t, err, workspace.ENOTFOUND)
		if got, err := db.FindAccountByID(ctx, a.ID); err != nil {
			t.Fatal(err)
		} else if got.PasswordHash != hash {
			t.Error("a second use of the invitation changed the password")
		}
	})

	t.Run("Unknown", func(t *testing.T) {
		db := MustOpenDB(t)
		_, err := db.FindInvitation(ctx, "nope")
		wantCode(t, err, workspace.ENOTFOUND)
		_, err = db.UseInvitation(ctx, workspace.NewToken(), stubHash)
		wantCode(t, err, workspace.ENOTFOUND)
	})

	t.Run("DigestIsNotAToken", func(t *testing.T) {
		db := MustOpenDB(t)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
		tok, err := db.CreateInvitation(ctx, systemActor, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.UseInvitation(ctx, workspace.TokenDigest(tok), stubHash)
		wantCode(t, err, workspace.ENOTFOUND)
	})

	t.Run("Expired", func(t *testing.T) {
		db := MustOpenDB(t)
		clock := MustSetClock(db)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
		tok, err := db.CreateInvitation(ctx, systemActor, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		clock.Add(workspace.InvitationLifetime - time.Second)
		if _, err := db.FindInvitation(ctx, tok); err != nil {
			t.Fatalf("FindInvitation a second before expiry: %v", err)
		}
		clock.Add(time.Second)
		_, err = db.FindInvitation(ctx, tok)
		wantCode(t, err, workspace.ENOTFOUND)
		_, err = db.UseInvitation(ctx, tok, stubHash)
		wantCode(t, err, workspace.ENOTFOUND)
		clock.Add(time.Hour)
		_, err = db.UseInvitation(ctx, tok, stubHash)
		wantCode(t, err, workspace.ENOTFOUND)
		if got, err := db.FindAccountByID(ctx, a.ID); err != nil {
			t.Fatal(err)
		} else if got.PasswordHash != "" {
			t.Errorf("PasswordHash = %q after an expired invitation, want empty", got.PasswordHash)
		}
	})

	t.Run("UsableJustBeforeExpiry", func(t *testing.T) {
		db := MustOpenDB(t)
		clock := MustSetClock(db)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
		tok, err := db.CreateInvitation(ctx, systemActor, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		clock.Add(workspace.InvitationLifetime - time.Millisecond)
		if _, err := db.UseInvitation(ctx, tok, stubHash); err != nil {
			t.Fatalf("UseInvitation a millisecond before expiry: %v", err)
		}
	})

	t.Run("NewInvitationRetiresOlder", func(t *testing.T) {
		db := MustOpenDB(t)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
		b := MustCreateAccount(t, db, org, "Bilel", "bilel@example.tn", workspace.RoleMember)
		old, err := db.CreateInvitation(ctx, systemActor, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		otherAccount, err := db.CreateInvitation(ctx, systemActor, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := db.CreateInvitation(ctx, systemActor, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if tok == old {
			t.Fatal("the new invitation has the old token")
		}
		_, err = db.FindInvitation(ctx, old)
		wantCode(t, err, workspace.ENOTFOUND)
		_, err = db.UseInvitation(ctx, old, stubHash)
		wantCode(t, err, workspace.ENOTFOUND)
		if _, err := db.UseInvitation(ctx, tok, stubHash); err != nil {
			t.Errorf("UseInvitation(new): %v", err)
		}
		if _, err := db.FindInvitation(ctx, otherAccount); err != nil {
			t.Errorf("another account's invitation: %v, want it usable", err)
		}
	})

	t.Run("UseRevokesSessions", func(t *testing.T) {
		db := MustOpenDB(t)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
		sess, err := db.CreateSession(ctx, a.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		tok, err := db.CreateInvitation(ctx, systemActor, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.FindSession(ctx, sess); err != nil {
			t.Fatalf("FindSession before the invitation is used: %v", err)
		}
		if _, err := db.UseInvitation(ctx, tok, stubHash); err != nil {
			t.Fatal(err)
		}
		_, _, err = db.FindSession(ctx, sess)
		wantCode(t, err, workspace.EUNAUTHORIZED)
	})

	t.Run("FailedUseSpendsNothing", func(t *testing.T) {
		db := MustOpenDB(t)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
		tok, err := db.CreateInvitation(ctx, systemActor, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.UseInvitation(ctx, tok, ""); err == nil {
			t.Fatal("UseInvitation with an empty hash = nil error, want an error")
		}
		if _, err := db.UseInvitation(ctx, tok, stubHash); err != nil {
			t.Errorf("UseInvitation after a failed use: %v, want the invitation still usable", err)
		}
	})

	t.Run("InactiveAccount", func(t *testing.T) {
		db := MustOpenDB(t)
		org := MustCreateOrganisation(t, db, "Croissant-Rouge")
		a := MustCreateAccount(t, db, org, "Amel", "amel@example.tn", workspace.RoleMember)
		tok, err := db.CreateInvitation(ctx, systemActor, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		a.Active = false
		if err := db.UpdateAccount(ctx, systemActor, a); err != nil {
			t.Fatal(err)
		}
		_, err = db.FindInvitation(ctx, tok)
		wantCode(t, err, workspace.ENOTFOUND)
		_, err = db.UseInvitation(ctx, tok, stubHash)
		wantCode(t, err, workspace.ENOTFOUND)
		_, err = db.CreateInvitation(ctx, systemActor, a.ID)
		wantInvalidField(t, err, "account")
	})

	t.Run("UnknownAccount", func(t *testing.T) {
		db := MustOpenDB(t)
		_, err := db.CreateInvitation(ctx, systemActor, 404)
		wantCode(t, err, workspace.ENOTFOUND)
	})
}
