package sqlite_test

import (
	"context"
	"testing"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// TestFindElectorateByCollege counts, college by college, the accounts
// that may vote and their organisations: not a stakeholder, nor a member
// without a voting right, nor a deactivated one; every college is listed,
// in order, those with nobody at zero.
func TestFindElectorateByCollege(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	org := func(name string, c workspace.College) *workspace.Organisation {
		o := &workspace.Organisation{NameFR: name, College: c}
		if err := db.CreateOrganisation(ctx, systemActor, o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	emploi, sante := org("Direction de l'emploi", workspace.CollegeState), org("Direction de la santé", workspace.CollegeState)
	tre := org("Association des Tunisiens de retour", workspace.CollegeReturnees)
	MustCreateAccount(t, db, emploi, "Amel", "amel@example.tn", workspace.RoleMember)
	MustCreateAccount(t, db, emploi, "Karim", "karim@example.tn", workspace.RoleMember)
	MustCreateAccount(t, db, sante, "Sana", "sana@example.tn", workspace.RoleSecretariat) // no voting right
	MustCreateAccount(t, db, sante, "Nabil", "nabil@example.tn", workspace.RoleMember)
	MustCreateAccount(t, db, tre, "Fethi", "fethi@example.tn", workspace.RoleMember)
	MustCreateAccount(t, db, tre, "Meriem", "meriem@example.tn", workspace.RoleStakeholder)
	gone := MustCreateAccount(t, db, tre, "Adel", "adel@example.tn", workspace.RoleMember)
	gone.Active = false
	if err := db.UpdateAccount(ctx, systemActor, gone); err != nil {
		t.Fatal(err)
	}

	got, err := db.FindElectorateByCollege(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[workspace.College]sqlite.CollegeElectorate{
		workspace.CollegeState:     {College: workspace.CollegeState, People: 3, Organisations: 2},
		workspace.CollegeReturnees: {College: workspace.CollegeReturnees, People: 1, Organisations: 1},
	}
	if len(got) != len(workspace.Colleges) {
		t.Fatalf("%d colleges, want all %d", len(got), len(workspace.Colleges))
	}
	for i, c := range workspace.Colleges {
		w, ok := want[c]
		if !ok {
			w = sqlite.CollegeElectorate{College: c}
		}
		if got[i] != w {
			t.Errorf("college %d: %+v, want %+v", i, got[i], w)
		}
	}
}
