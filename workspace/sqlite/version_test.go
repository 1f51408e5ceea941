package sqlite_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"tawla/workspace"
)

// TestCreateVersion freezes versions of two procedures: numbers count per
// procedure, each freeze is audited, a stakeholder is refused in the
// transaction and a version past the draft's is invalid.
func TestCreateVersion(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	docA, author := mustCreateDraft(t, db, "# A\n")
	stakeholder := MustCreateAccount(t, db, MustCreateOrganisation(t, db, "Association Horizons"), "Sami Trabelsi", "sami@example.tn", workspace.RoleStakeholder)
	procA, err := db.FindProcedureByDocumentID(ctx, docA)
	if err != nil {
		t.Fatal(err)
	}
	procB := &workspace.Procedure{Title: "Deuxième procédure", Language: "ar", Category: workspace.CategoryOther}
	if err := db.CreateProcedure(ctx, workspace.ActorFor(author), procB, "# ب\n"); err != nil {
		t.Fatal(err)
	}
	freeze := func(procID int64, message string) *workspace.Version {
		t.Helper()
		v := &workspace.Version{Message: message}
		if err := db.CreateVersion(ctx, workspace.ActorFor(author), procID, 0, "texte "+message, v); err != nil {
			t.Fatalf("CreateVersion: %v", err)
		}
		return v
	}
	for i, tt := range []struct {
		proc int64
		want int
	}{{procA.ID, 1}, {procA.ID, 2}, {procB.ID, 1}, {procA.ID, 3}, {procB.ID, 2}} {
		if got := freeze(tt.proc, fmt.Sprintf("Version %d", i)).Number; got != tt.want {
			t.Errorf("freeze %d: number %d, want %d", i, got, tt.want)
		}
	}
	// The same text again: nothing new to freeze, and nothing stored.
	again := &workspace.Version{Message: "Encore"}
	if err := db.CreateVersion(ctx, workspace.ActorFor(author), procA.ID, 0, "texte Version 3", again); workspace.ErrorCode(err) != workspace.ECONFLICT {
		t.Fatalf("freezing the latest version's text again: %v, want a conflict", err)
	}
	versions, err := db.FindVersions(ctx, procA.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != 3 || versions[0].Number != 3 || versions[0].CreatedByName != author.Name {
		t.Errorf("FindVersions: %d versions, first %+v", len(versions), versions[0])
	}
	entries, _, err := db.FindAuditEntries(ctx, workspace.AuditFilter{Action: workspace.AuditVersionFreeze})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 5 {
		t.Errorf("%d freeze entries, want 5", len(entries))
	}

	t.Run("EFORBIDDEN", func(t *testing.T) {
		err := db.CreateVersion(ctx, workspace.ActorFor(stakeholder), procA.ID, 0, "texte", &workspace.Version{Message: "Non"})
		if workspace.ErrorCode(err) != workspace.EFORBIDDEN {
			t.Errorf("stakeholder: %v, want EFORBIDDEN", err)
		}
	})
	t.Run("EINVALID", func(t *testing.T) {
		for _, tt := range []struct {
			version int
			message string
		}{{0, ""}, {0, strings.Repeat("x", workspace.MaxVersionMessage+1)}, {5, "Trop loin"}, {-1, "Avant"}} {
			err := db.CreateVersion(ctx, workspace.ActorFor(author), procA.ID, tt.version, "texte", &workspace.Version{Message: tt.message})
			if workspace.ErrorCode(err) != workspace.EINVALID {
				t.Errorf("version %d message %.10q: %v, want EINVALID", tt.version, tt.message, err)
			}
		}
	})
	t.Run("ENOTFOUND", func(t *testing.T) {
		if _, err := db.FindVersion(ctx, procA.ID, 9); workspace.ErrorCode(err) != workspace.ENOTFOUND {
			t.Errorf("FindVersion(9): %v, want ENOTFOUND", err)
		}
	})
	if after, _, _ := db.FindAuditEntries(ctx, workspace.AuditFilter{Action: workspace.AuditVersionFreeze}); len(after) != 5 {
		t.Errorf("refused freezes wrote audit entries: %d, want 5", len(after))
	}
}

// TestRecordEditingSessions writes one audit entry per ended session, with
// its counts, never twice, and waits for a session still open.
func TestRecordEditingSessions(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clock := MustSetClock(db)
	docID, amira := mustCreateDraft(t, db, "")
	org := MustCreateOrganisation(t, db, "Commune de Mahdia")
	karim := MustCreateAccount(t, db, org, "Karim Jaziri", "karim@example.tn", workspace.RoleMember)

	version := 0
	typeAs := func(acc *workspace.Account, client string, changes string) {
		t.Helper()
		id := acc.ID
		u := &workspace.DocumentUpdate{ClientID: client, ClientSeq: int64(version + 1), Changes: changes, AccountID: &id}
		if err := db.AppendDocumentUpdates(ctx, docID, version, []*workspace.DocumentUpdate{u}); err != nil {
			t.Fatal(err)
		}
		version++
	}
	// Amira types "abc", Karim joins in between, Amira deletes one
	// character a minute later: one session each, interleaved.
	typeAs(amira, "a", `[[0,"ab"]]`)
	clock.Add(time.Minute)
	typeAs(karim, "k", `[2,[0,"K"]]`)
	clock.Add(time.Minute)
	typeAs(amira, "a", `[3,[0,"c"]]`)
	clock.Add(time.Minute)
	typeAs(amira, "a", `[1,[1],2]`)

	record := func(want int) {
		t.Helper()
		n, err := db.RecordEditingSessions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("RecordEditingSessions wrote %d entries, want %d", n, want)
		}
	}
	record(0) // both sessions are still open
	clock.Add(workspace.SessionGap - 90*time.Second)
	record(1) // Karim's has ended, Amira's has not
	clock.Add(time.Minute)
	// Amira comes back within the gap: her session goes on.
	typeAs(amira, "a", `[3,[0,"d"]]`)
	clock.Add(workspace.SessionGap)
	record(1)
	record(0)
	// A later session is a new one.
	typeAs(amira, "a", `[4,[0,"e"]]`)
	clock.Add(workspace.SessionGap)
	record(1)

	entries, _, err := db.FindAuditEntries(ctx, workspace.AuditFilter{Action: workspace.AuditDocumentSession})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.ActorName+" "+e.After)
	}
	want := []string{
		`Amira Ben Salah {"first_version":6,"last_version":6,"updates":1,"inserted":1,"deleted":0,"start":"2026-03-02T08:52:30Z","end":"2026-03-02T08:52:30Z"}`,
		`Amira Ben Salah {"first_version":1,"last_version":5,"updates":4,"inserted":4,"deleted":1,"start":"2026-03-02T08:30:00Z","end":"2026-03-02T08:42:30Z"}`,
		`Karim Jaziri {"first_version":2,"last_version":2,"updates":1,"inserted":1,"deleted":0,"start":"2026-03-02T08:31:00Z","end":"2026-03-02T08:31:00Z"}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("session entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestFindDocumentHistory replays the whole history into authorship.
func TestFindDocumentHistory(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	docID, amira := mustCreateDraft(t, db, "Début.")
	id := amira.ID
	u := &workspace.DocumentUpdate{ClientID: "a", ClientSeq: 1, Changes: `[6,[0," Suite."]]`, AccountID: &id}
	if err := db.AppendDocumentUpdates(ctx, docID, 0, []*workspace.DocumentUpdate{u}); err != nil {
		t.Fatal(err)
	}
	// A later snapshot must not hide the first text.
	if err := db.SaveDocumentSnapshot(ctx, docID, 1, "Début. Suite."); err != nil {
		t.Fatal(err)
	}
	first, updates, err := db.FindDocumentHistory(ctx, docID, 0)
	if err != nil {
		t.Fatal(err)
	}
	spans, err := workspace.Authorship(first.Content, updates)
	if err != nil {
		t.Fatal(err)
	}
	if len(spans) != 2 || spans[0].Text != "Début." || spans[0].AccountID != nil || spans[1].Text != " Suite." || *spans[1].AccountID != id {
		t.Errorf("authorship %+v", spans)
	}
}

// TestFindDocumentHistoryBounded reads a bounded history: from the latest
// snapshot at or before a version (FindDocumentHistoryAt), and from the
// first snapshot after which at most maxUpdates updates were made, the
// latest one when there is none, the first when maxUpdates is 0; the text
// replayed is the same each time.
func TestFindDocumentHistoryBounded(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	docID, amira := mustCreateDraft(t, db, "")
	id := amira.ID
	text := ""
	for v := 1; v <= 10; v++ {
		u := &workspace.DocumentUpdate{ClientID: "a", ClientSeq: int64(v), Changes: fmt.Sprintf(`[%d,[0,"%d"]]`, len(text), v%10), AccountID: &id}
		if v == 1 {
			u.Changes = `[[0,"1"]]`
		}
		if err := db.AppendDocumentUpdates(ctx, docID, v-1, []*workspace.DocumentUpdate{u}); err != nil {
			t.Fatal(err)
		}
		text += fmt.Sprint(v % 10)
		if v == 4 || v == 8 {
			if err := db.SaveDocumentSnapshot(ctx, docID, v, text); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tt := range []struct{ at, upTo, snapshot, updates int }{
		{0, 100, 0, 10}, {3, 4, 0, 4}, {4, 5, 4, 1}, {7, 8, 4, 4}, {8, 9, 8, 1}, {100, 100, 8, 2},
	} {
		first, updates, err := db.FindDocumentHistoryAt(ctx, docID, tt.at, tt.upTo)
		if err != nil {
			t.Fatal(err)
		}
		if first.Version != tt.snapshot || len(updates) != tt.updates {
			t.Errorf("at %d up to %d: snapshot %d and %d updates, want %d and %d", tt.at, tt.upTo, first.Version, len(updates), tt.snapshot, tt.updates)
		}
	}
	for _, tt := range []struct{ max, snapshot, updates int }{
		{0, 0, 10}, {10, 0, 10}, {7, 4, 6}, {6, 4, 6}, {5, 8, 2}, {2, 8, 2}, {1, 8, 2},
	} {
		first, updates, err := db.FindDocumentHistory(ctx, docID, tt.max)
		if err != nil {
			t.Fatal(err)
		}
		if first.Version != tt.snapshot || len(updates) != tt.updates || updates[0].Version != tt.snapshot+1 {
			t.Errorf("max %d: snapshot %d and %d updates, want %d and %d", tt.max, first.Version, len(updates), tt.snapshot, tt.updates)
		}
		spans, err := workspace.Authorship(first.Content, updates)
		if err != nil {
			t.Fatal(err)
		}
		var got strings.Builder
		for _, s := range spans {
			got.WriteString(s.Text)
		}
		if got.String() != text {
			t.Errorf("max %d: replayed %q, want %q", tt.max, got.String(), text)
		}
	}
}
