package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// mustCreateDraft stores a procedure whose draft starts as text and
// returns the draft's document ID and the procedure's author.
func mustCreateDraft(tb testing.TB, db *sqlite.DB, text string) (int64, *workspace.Account) {
	tb.Helper()
	org := MustCreateOrganisation(tb, db, "Direction régionale de l'emploi")
	acc := MustCreateAccount(tb, db, org, "Amira Ben Salah", "amira@example.tn", workspace.RoleMember)
	p := &workspace.Procedure{Title: "Accueil des migrants de retour", Language: "fr", Category: workspace.CategoryReferralPathway}
	if err := db.CreateProcedure(context.Background(), workspace.ActorFor(acc), p, text); err != nil {
		tb.Fatalf("CreateProcedure: %v", err)
	}
	return p.DocumentID, acc
}

// typedUpdates returns n updates of client, with sequence numbers from
// firstSeq, each inserting one character (the store does not read them).
func typedUpdates(client string, firstSeq int64, n int, accountID int64) []*workspace.DocumentUpdate {
	updates := make([]*workspace.DocumentUpdate, n)
	for i := range updates {
		id := accountID
		updates[i] = &workspace.DocumentUpdate{
			ClientID: client, ClientSeq: firstSeq + int64(i),
			Changes: fmt.Sprintf(`[%d,[0,"%c"]]`, i, 'a'+rune(i%26)), AccountID: &id,
		}
	}
	return updates
}

func TestAppendDocumentUpdates(t *testing.T) {
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		clock := MustSetClock(db)
		docID, acc := mustCreateDraft(t, db, "")
		// Batches on either side of the rows one INSERT statement takes.
		var want []*workspace.DocumentUpdate
		version := 0
		for _, n := range []int{1, 63, 64, 65, 200, 3} {
			clock.Add(1e9)
			batch := typedUpdates("c1", int64(version+1), n, acc.ID)
			if err := db.AppendDocumentUpdates(ctx, docID, version, batch); err != nil {
				t.Fatalf("AppendDocumentUpdates(from %d, %d updates): %v", version, n, err)
			}
			for i, u := range batch {
				if u.Version != version+i+1 || u.DocumentID != docID || !u.CreatedAt.Equal(clock.Now()) {
					t.Fatalf("update %d of the batch from %d: version %d, document %d, created %v", i, version, u.Version, u.DocumentID, u.CreatedAt)
				}
			}
			want = append(want, batch...)
			version += n
		}
		doc, snap, got, err := db.LoadDocument(ctx, docID)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Version != version || snap.Version != 0 || len(got) != len(want) {
			t.Fatalf("version %d, snapshot %d, %d updates; want %d, 0, %d", doc.Version, snap.Version, len(got), version, len(want))
		}
		for i, u := range got {
			w := want[i]
			if u.DocumentID != docID || u.Version != i+1 || u.ClientID != w.ClientID || u.ClientSeq != w.ClientSeq ||
				u.Changes != w.Changes || u.AccountID == nil || *u.AccountID != acc.ID || !u.CreatedAt.Equal(w.CreatedAt) {
				t.Fatalf("update %d: got %+v, want %+v", i+1, u, w)
			}
		}
		part, err := db.FindDocumentUpdates(ctx, docID, 60, 130)
		if err != nil {
			t.Fatal(err)
		}
		if len(part) != 70 || part[0].Version != 61 || part[69].Version != 130 {
			t.Fatalf("FindDocumentUpdates(60, 130): %d updates", len(part))
		}
		seqs, err := db.LastClientSeqs(ctx, docID)
		if err != nil {
			t.Fatal(err)
		}
		if seqs["c1"] != int64(version) {
			t.Errorf("LastClientSeqs: got %v, want c1: %d", seqs, version)
		}
	})

	t.Run("ErrVersion", func(t *testing.T) {
		db := MustOpenDB(t)
		docID, acc := mustCreateDraft(t, db, "")
		err := db.AppendDocumentUpdates(ctx, docID, 3, typedUpdates("c1", 1, 2, acc.ID))
		wantCode(t, err, workspace.ECONFLICT)
		mustVersion(t, db, docID, 0, 0)
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		db := MustOpenDB(t)
		_, acc := mustCreateDraft(t, db, "")
		err := db.AppendDocumentUpdates(ctx, 999, 0, typedUpdates("c1", 1, 2, acc.ID))
		wantCode(t, err, workspace.ENOTFOUND)
	})

	// A batch holding an update stored already, wherever it falls, stores
	// nothing and names that update.
	for _, at := range []int{0, 63, 64, 99} {
		t.Run(fmt.Sprintf("ErrStoredAlready/%d", at), func(t *testing.T) {
			db := MustOpenDB(t)
			docID, acc := mustCreateDraft(t, db, "")
			if err := db.AppendDocumentUpdates(ctx, docID, 0, typedUpdates("old", 1, 5, acc.ID)); err != nil {
				t.Fatal(err)
			}
			batch := typedUpdates("new", 1, 100, acc.ID)
			batch[at].ClientID, batch[at].ClientSeq = "old", 4
			err := db.AppendDocumentUpdates(ctx, docID, 5, batch)
			wantCode(t, err, workspace.ECONFLICT)
			if !strings.Contains(err.Error(), "old/4") {
				t.Errorf("err = %v, want it to name old/4", err)
			}
			mustVersion(t, db, docID, 5, 5)
		})
	}

	t.Run("ErrTwiceInOneBatch", func(t *testing.T) {
		db := MustOpenDB(t)
		docID, acc := mustCreateDraft(t, db, "")
		batch := typedUpdates("c1", 1, 10, acc.ID)
		batch[7].ClientSeq = 3
		err := db.AppendDocumentUpdates(ctx, docID, 0, batch)
		wantCode(t, err, workspace.ECONFLICT)
		if !strings.Contains(err.Error(), "c1/3") {
			t.Errorf("err = %v, want it to name c1/3", err)
		}
		mustVersion(t, db, docID, 0, 0)
	})
}

// mustVersion checks the document's version and how many updates it has.
func mustVersion(tb testing.TB, db *sqlite.DB, docID int64, version, updates int) {
	tb.Helper()
	doc, _, got, err := db.LoadDocument(context.Background(), docID)
	if err != nil {
		tb.Fatal(err)
	}
	if doc.Version != version || len(got) != updates {
		tb.Fatalf("document at version %d with %d updates, want %d with %d", doc.Version, len(got), version, updates)
	}
}

func TestAppendDocumentUpdatesAndSnapshot(t *testing.T) {
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		docID, acc := mustCreateDraft(t, db, "")
		if err := db.AppendDocumentUpdates(ctx, docID, 0, typedUpdates("c1", 1, 3, acc.ID)); err != nil {
			t.Fatal(err)
		}
		if err := db.AppendDocumentUpdatesAndSnapshot(ctx, docID, 3, typedUpdates("c1", 4, 70, acc.ID), "the text at 73"); err != nil {
			t.Fatal(err)
		}
		doc, snap, updates, err := db.LoadDocument(ctx, docID)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Version != 73 || snap.Version != 73 || snap.Content != "the text at 73" || len(updates) != 0 {
			t.Fatalf("version %d, snapshot %d %q, %d updates after it", doc.Version, snap.Version, snap.Content, len(updates))
		}
		all, err := db.FindDocumentUpdates(ctx, docID, 0, 73)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 73 {
			t.Fatalf("%d updates stored, want 73", len(all))
		}
	})

	t.Run("ErrStoredAlready", func(t *testing.T) {
		db := MustOpenDB(t)
		docID, acc := mustCreateDraft(t, db, "first text")
		if err := db.AppendDocumentUpdates(ctx, docID, 0, typedUpdates("c1", 1, 3, acc.ID)); err != nil {
			t.Fatal(err)
		}
		err := db.AppendDocumentUpdatesAndSnapshot(ctx, docID, 3, typedUpdates("c1", 3, 2, acc.ID), "never stored")
		wantCode(t, err, workspace.ECONFLICT)
		_, snap, _, err := db.LoadDocument(ctx, docID)
		if err != nil {
			t.Fatal(err)
		}
		if snap.Version != 0 || snap.Content != "first text" {
			t.Fatalf("snapshot %d %q, want the first one", snap.Version, snap.Content)
		}
		mustVersion(t, db, docID, 3, 3)
	})
}

// BenchmarkAppendDocument stores one typed update per commit, as a room
// of moderate load does for each of its turns, under each durability.
func BenchmarkAppendDocument(b *testing.B) {
	for _, sync := range []sqlite.Synchronous{sqlite.SynchronousNormal, sqlite.SynchronousFull} {
		b.Run(string(sync), func(b *testing.B) {
			db, err := sqlite.OpenWith(context.Background(), filepath.Join(b.TempDir(), "tawla.db"), sqlite.Options{Synchronous: sync})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			docID, acc := mustCreateDraft(b, db, "")
			version := 0
			for b.Loop() {
				batch := typedUpdates("c1", int64(version+1), 1, acc.ID)
				if err := db.AppendDocumentUpdates(context.Background(), docID, version, batch); err != nil {
					b.Fatal(err)
				}
				version++
			}
		})
	}
}
