package sqlite_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"tawla/workspace"
)

func TestCreateOrganisation(t *testing.T) {
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		clock := MustSetClock(db)
		o := &workspace.Organisation{
			NameFR: "  Direction régionale des affaires sociales ", NameAR: "الإدارة الجهوية للشؤون الاجتماعية",
			College: workspace.CollegeState, Delegation: "Mahdia", Contact: "73 000 000\nsocial@example.tn",
		}
		if err := db.CreateOrganisation(ctx, systemActor, o); err != nil {
			t.Fatal(err)
		}
		if o.ID <= 0 {
			t.Fatalf("ID = %d, want > 0", o.ID)
		}
		if !o.Active {
			t.Error("Active = false, want true")
		}
		if !o.CreatedAt.Equal(clock.Now()) || !o.UpdatedAt.Equal(clock.Now()) {
			t.Errorf("CreatedAt, UpdatedAt = %v, %v, want %v", o.CreatedAt, o.UpdatedAt, clock.Now())
		}
		got, err := db.FindOrganisationByID(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.NameFR != "Direction régionale des affaires sociales" {
			t.Errorf("NameFR = %q, want it trimmed", got.NameFR)
		}
		if got.NameAR != o.NameAR || got.College != o.College || got.Delegation != o.Delegation || got.Contact != o.Contact || !got.Active {
			t.Errorf("stored %+v, want %+v", got, o)
		}
		if !got.CreatedAt.Equal(clock.Now()) || !got.UpdatedAt.Equal(clock.Now()) {
			t.Errorf("stored CreatedAt, UpdatedAt = %v, %v, want %v", got.CreatedAt, got.UpdatedAt, clock.Now())
		}
	})

	t.Run("ActiveIsForced", func(t *testing.T) {
		db := MustOpenDB(t)
		o := &workspace.Organisation{NameFR: "Association Tunisienne", College: workspace.CollegeCivil, Active: false}
		if err := db.CreateOrganisation(ctx, systemActor, o); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindOrganisationByID(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Active {
			t.Error("a new organisation is stored inactive, want active")
		}
	})

	t.Run("ScriptStoredVerbatim", func(t *testing.T) {
		db := MustOpenDB(t)
		const name = `<script>alert("x")</script> & "Co"`
		o := MustCreateOrganisation(t, db, name)
		got, err := db.FindOrganisationByID(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.NameFR != name {
			t.Errorf("NameFR = %q, want %q verbatim", got.NameFR, name)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		db := MustOpenDB(t)
		for _, o := range []*workspace.Organisation{
			{College: workspace.CollegeState},
			{NameFR: "Mahdia \xff", College: workspace.CollegeState},
			{NameFR: "Mahdia", College: "ministry"},
			{NameFR: "Mah\x00dia", College: workspace.CollegeState},
		} {
			wantCode(t, db.CreateOrganisation(ctx, systemActor, o), workspace.EINVALID)
			if o.ID != 0 {
				t.Errorf("ID = %d after a refused create, want 0", o.ID)
			}
		}
		orgs, err := db.FindOrganisations(ctx, workspace.OrganisationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(orgs) != 0 {
			t.Errorf("%d organisations stored after refused creates, want 0", len(orgs))
		}
		if n := mustAuditCount(t, db); n != 0 {
			t.Errorf("%d audit entries after refused creates, want 0", n)
		}
	})
}

// TestCreateOrganisation_Similar checks that a name that reads as a stored
// organisation's, active or not, is refused with that organisation named
// and nothing written, and that CreateOrganisationAnyway stores it.
func TestCreateOrganisation_Similar(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	commune := MustCreateOrganisation(t, db, "Commune de Mahdia")
	closed := &workspace.Organisation{NameAR: "جمعية الأمل", College: workspace.CollegeCivil}
	if err := db.CreateOrganisation(ctx, systemActor, closed); err != nil {
		t.Fatal(err)
	}
	closed.Active = false
	if err := db.UpdateOrganisation(ctx, systemActor, closed); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		name     string
		org      workspace.Organisation
		field    string
		existing int64
	}{
		{"French", workspace.Organisation{NameFR: "COMMUNE  de mahdia", College: workspace.CollegeLocal}, "name_fr", commune.ID},
		{"ArabicOfInactive", workspace.Organisation{NameFR: "Association Al Amal", NameAR: "جَمْعِيَّة الأمل", College: workspace.CollegeCivil}, "name_ar", closed.ID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := mustAuditCount(t, db)
			o := tt.org
			err := db.CreateOrganisation(ctx, systemActor, &o)
			wantInvalidField(t, err, tt.field)
			var similar *workspace.SimilarNameError
			if !errors.As(err, &similar) {
				t.Fatalf("err = %v, want a *workspace.SimilarNameError", err)
			}
			if similar.Existing.ID != tt.existing {
				t.Errorf("the refusal names organisation %d, want %d", similar.Existing.ID, tt.existing)
			}
			if o.ID != 0 || mustAuditCount(t, db) != before {
				t.Errorf("a refused create wrote something: ID %d, audit entries %d → %d", o.ID, before, mustAuditCount(t, db))
			}

			o = tt.org
			if err := db.CreateOrganisationAnyway(ctx, systemActor, &o); err != nil {
				t.Fatalf("CreateOrganisationAnyway: %v", err)
			}
			if _, err := db.FindOrganisationByID(ctx, o.ID); err != nil {
				t.Errorf("the organisation created anyway is not stored: %v", err)
			}
		})
	}

	t.Run("AnywayStillValidates", func(t *testing.T) {
		wantInvalidField(t, db.CreateOrganisationAnyway(ctx, systemActor, &workspace.Organisation{NameFR: "Commune de Mahdia"}), "college")
	})
}

func TestUpdateOrganisation(t *testing.T) {
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		clock := MustSetClock(db)
		o := MustCreateOrganisation(t, db, "Municipalité")
		created := clock.Now()
		clock.Add(time.Hour)

		upd := &workspace.Organisation{ID: o.ID, NameFR: "Municipalité de Mahdia", NameAR: "بلدية المهدية", College: workspace.CollegeLocal, Delegation: "Mahdia", Contact: "x", Active: true}
		if err := db.UpdateOrganisation(ctx, systemActor, upd); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindOrganisationByID(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.NameFR != upd.NameFR || got.NameAR != upd.NameAR || got.College != workspace.CollegeLocal || got.Delegation != "Mahdia" || got.Contact != "x" || !got.Active {
			t.Errorf("stored %+v, want %+v", got, upd)
		}
		if !got.CreatedAt.Equal(created) {
			t.Errorf("CreatedAt = %v, want it unchanged at %v", got.CreatedAt, created)
		}
		if !got.UpdatedAt.Equal(clock.Now()) {
			t.Errorf("UpdatedAt = %v, want %v", got.UpdatedAt, clock.Now())
		}
		if !upd.CreatedAt.Equal(created) || !upd.UpdatedAt.Equal(clock.Now()) {
			t.Errorf("the argument's timestamps = %v, %v, want %v, %v", upd.CreatedAt, upd.UpdatedAt, created, clock.Now())
		}
	})

	t.Run("DeactivateAndReactivate", func(t *testing.T) {
		db := MustOpenDB(t)
		o := MustCreateOrganisation(t, db, "Office de l'emploi")
		o.Active = false
		if err := db.UpdateOrganisation(ctx, systemActor, o); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindOrganisationByID(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Active {
			t.Fatal("Active = true after deactivation")
		}
		o.Active = true
		if err := db.UpdateOrganisation(ctx, systemActor, o); err != nil {
			t.Fatal(err)
		}
		if got, err = db.FindOrganisationByID(ctx, o.ID); err != nil {
			t.Fatal(err)
		} else if !got.Active {
			t.Error("Active = false after reactivation")
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		db := MustOpenDB(t)
		err := db.UpdateOrganisation(ctx, systemActor, &workspace.Organisation{ID: 404, NameFR: "x", College: workspace.CollegeState})
		wantCode(t, err, workspace.ENOTFOUND)
		if n := mustAuditCount(t, db); n != 0 {
			t.Errorf("%d audit entries after a refused update, want 0", n)
		}
	})

	t.Run("InvalidChangesNothing", func(t *testing.T) {
		db := MustOpenDB(t)
		o := MustCreateOrganisation(t, db, "ONG partenaire")
		bad := *o
		bad.NameFR = "\xff"
		wantCode(t, db.UpdateOrganisation(ctx, systemActor, &bad), workspace.EINVALID)
		got, err := db.FindOrganisationByID(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.NameFR != "ONG partenaire" {
			t.Errorf("NameFR = %q after a refused update, want it unchanged", got.NameFR)
		}
	})
}

func TestFindOrganisations(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mk := func(name string, college workspace.College) *workspace.Organisation {
		o := &workspace.Organisation{NameFR: name, College: college}
		if err := db.CreateOrganisation(ctx, systemActor, o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	partner := mk("OIM", workspace.CollegePartner)
	civilB := mk("Bassma", workspace.CollegeCivil)
	stateB := mk("Santé", workspace.CollegeState)
	returnees := mk("Association des rapatriés", workspace.CollegeReturnees)
	civilA := mk("Amal", workspace.CollegeCivil)
	stateA := mk("Emploi", workspace.CollegeState)
	local := mk("Municipalité", workspace.CollegeLocal)
	stateB.Active = false
	if err := db.UpdateOrganisation(ctx, systemActor, stateB); err != nil {
		t.Fatal(err)
	}

	ids := func(orgs []*workspace.Organisation) []int64 {
		var out []int64
		for _, o := range orgs {
			out = append(out, o.ID)
		}
		return out
	}
	id := civilA.ID
	for _, tt := range []struct {
		name   string
		filter workspace.OrganisationFilter
		want   []*workspace.Organisation
	}{
		{"All", workspace.OrganisationFilter{}, []*workspace.Organisation{stateA, stateB, civilA, civilB, local, returnees, partner}},
		{"ActiveOnly", workspace.OrganisationFilter{ActiveOnly: true}, []*workspace.Organisation{stateA, civilA, civilB, local, returnees, partner}},
		{"College", workspace.OrganisationFilter{College: workspace.CollegeCivil}, []*workspace.Organisation{civilA, civilB}},
		{"CollegeActiveOnly", workspace.OrganisationFilter{College: workspace.CollegeState, ActiveOnly: true}, []*workspace.Organisation{stateA}},
		{"ID", workspace.OrganisationFilter{ID: &id}, []*workspace.Organisation{civilA}},
		{"NoMatch", workspace.OrganisationFilter{College: "nobody"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.FindOrganisations(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil {
				t.Error("FindOrganisations returned a nil slice, want an empty one")
			}
			if g, w := ids(got), ids(tt.want); !slices.Equal(g, w) {
				t.Errorf("IDs = %v, want %v", g, w)
			}
		})
	}

	t.Run("FindByIDNotFound", func(t *testing.T) {
		_, err := db.FindOrganisationByID(ctx, 9999)
		wantCode(t, err, workspace.ENOTFOUND)
	})
}
