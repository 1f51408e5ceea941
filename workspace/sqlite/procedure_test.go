package sqlite_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// TestFindProcedures_DraftUpdatedAt checks that the procedures are read
// with the time of their draft's last change, from the same query: the
// list of procedures must not need a query per draft.
func TestFindProcedures_DraftUpdatedAt(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clock := MustSetClock(db)
	org := MustCreateOrganisation(t, db, "Direction régionale de la santé")
	author := MustCreateAccount(t, db, org, "Amira Ben Salah", "amira@example.tn", workspace.RoleMember)
	created := clock.Now()

	typed := &workspace.Procedure{Title: "Accès aux soins", Language: "fr", Category: workspace.CategoryServiceStandard}
	untouched := &workspace.Procedure{Title: "إحالة إلى التشغيل", Language: "ar", Category: workspace.CategoryReferralPathway}
	for _, p := range []*workspace.Procedure{typed, untouched} {
		if err := db.CreateProcedure(ctx, workspace.ActorFor(author), p, "# "+p.Title+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	clock.Add(time.Hour)
	typedAt := clock.Now()
	if err := db.AppendDocumentUpdates(ctx, typed.DocumentID, 0, typedUpdates("client-a", 1, 3, author.ID)); err != nil {
		t.Fatal(err)
	}

	procs, err := db.FindProcedures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]*workspace.Procedure{}
	for _, p := range procs {
		got[p.ID] = p
	}
	if len(got) != 2 {
		t.Fatalf("FindProcedures returned %d procedures, want 2", len(procs))
	}
	for _, tt := range []struct {
		name      string
		id        int64
		wantDraft time.Time
	}{
		{"Typed", typed.ID, typedAt},
		{"Untouched", untouched.ID, created},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := got[tt.id]
			if !p.DraftUpdatedAt.Equal(tt.wantDraft) {
				t.Errorf("DraftUpdatedAt = %v, want %v", p.DraftUpdatedAt, tt.wantDraft)
			}
			if !p.UpdatedAt.Equal(created) {
				t.Errorf("UpdatedAt = %v, want %v", p.UpdatedAt, created)
			}
			if !p.LastChangedAt().Equal(tt.wantDraft) {
				t.Errorf("LastChangedAt = %v, want %v", p.LastChangedAt(), tt.wantDraft)
			}
		})
	}

	t.Run("ByID", func(t *testing.T) {
		p, err := db.FindProcedureByID(ctx, typed.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Title != typed.Title || p.DocumentID != typed.DocumentID || p.CreatedBy == nil || *p.CreatedBy != author.ID {
			t.Errorf("FindProcedureByID = %+v, want %+v", p, typed)
		}
		if !p.DraftUpdatedAt.Equal(typedAt) {
			t.Errorf("DraftUpdatedAt = %v, want %v", p.DraftUpdatedAt, typedAt)
		}
	})
	t.Run("ByDocumentID", func(t *testing.T) {
		p, err := db.FindProcedureByDocumentID(ctx, untouched.DocumentID)
		if err != nil {
			t.Fatal(err)
		}
		if p.ID != untouched.ID || p.Language != "ar" || !p.DraftUpdatedAt.Equal(created) {
			t.Errorf("FindProcedureByDocumentID = %+v, want procedure %d with its draft's time", p, untouched.ID)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		_, err := db.FindProcedureByID(ctx, 404)
		wantCode(t, err, workspace.ENOTFOUND)
	})
}

// TestFindProcedures_Order checks that the procedures come by the time the
// list shows, most recent first: the later of their details' last change
// and their draft's.
func TestFindProcedures_Order(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clock := MustSetClock(db)
	org := MustCreateOrganisation(t, db, "Direction régionale de la santé")
	author := MustCreateAccount(t, db, org, "Amira Ben Salah", "amira@example.tn", workspace.RoleMember)
	var created []*workspace.Procedure
	for i := range 3 {
		p := &workspace.Procedure{Title: fmt.Sprintf("Procédure %d", i), Language: "fr", Category: workspace.CategoryOther}
		if err := db.CreateProcedure(ctx, workspace.ActorFor(author), p, ""); err != nil {
			t.Fatal(err)
		}
		created = append(created, p)
		clock.Add(time.Minute)
	}
	// The oldest procedure's draft is typed in, then the middle one's
	// details change; the newest is left as created.
	if err := db.AppendDocumentUpdates(ctx, created[0].DocumentID, 0, typedUpdates("client-a", 1, 1, author.ID)); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Minute)
	created[1].Summary = "Résumé revu"
	if err := db.UpdateProcedure(ctx, workspace.ActorFor(author), created[1]); err != nil {
		t.Fatal(err)
	}
	ids := []int64{created[0].ID, created[1].ID, created[2].ID}
	procs, err := db.FindProcedures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, p := range procs {
		got = append(got, p.ID)
	}
	if want := []int64{ids[1], ids[0], ids[2]}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("order = %v, want %v", got, want)
	}
}

// mustCreateTypedProcedures stores n procedures, each with a draft that has
// been typed in, for the benchmarks.
func mustCreateTypedProcedures(b *testing.B, db *sqlite.DB, n int) {
	ctx := context.Background()
	org := MustCreateOrganisation(b, db, "Gouvernorat de Mahdia")
	author := MustCreateAccount(b, db, org, "Amira Ben Salah", "amira@example.tn", workspace.RoleMember)
	for i := range n {
		p := &workspace.Procedure{Title: fmt.Sprintf("Procédure %d", i), Language: "fr", Category: workspace.CategoryReferralPathway}
		if err := db.CreateProcedure(ctx, workspace.ActorFor(author), p, "# Procédure\n"); err != nil {
			b.Fatal(err)
		}
		if err := db.AppendDocumentUpdates(ctx, p.DocumentID, 0, typedUpdates(fmt.Sprint("client-", i), 1, 1, author.ID)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFindProcedures reads the list of 200 procedures with the time of
// each draft's last change: one query.
func BenchmarkFindProcedures(b *testing.B) {
	ctx := context.Background()
	db := MustOpenDB(b)
	const n = 200
	mustCreateTypedProcedures(b, db, n)
	for b.Loop() {
		procs, err := db.FindProcedures(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if len(procs) != n {
			b.Fatalf("%d procedures, want %d", len(procs), n)
		}
	}
}

// BenchmarkFindProcedures_QueryPerDraft reads the same list as the list
// page once did, with a query per draft, for comparison.
func BenchmarkFindProcedures_QueryPerDraft(b *testing.B) {
	ctx := context.Background()
	db := MustOpenDB(b)
	const n = 200
	mustCreateTypedProcedures(b, db, n)
	for b.Loop() {
		procs, err := db.FindProcedures(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range procs {
			if _, err := db.FindDocumentByID(ctx, p.DocumentID); err != nil {
				b.Fatal(err)
			}
		}
	}
}
