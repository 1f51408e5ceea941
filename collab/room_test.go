package collab

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"tawla/internal/testsupport"
	"tawla/workspace"
	"testing"
	"time"
	"unicode/utf16"

	"tawla/workspace/change"
)

// randomPush returns n updates typed one after another into a document of
// length units: insertions of text with and without surrogate pairs,
// deletions, replacements, here and there (and now and then in the middle
// of a pair, which Apply refuses).
func randomPush(t *testing.T, r *rand.Rand, length, n int) []change.Update {
	t.Helper()
	pieces := []string{"a", "é", "ب", "👋", "xy", "🤝🏽", ""}
	updates := make([]change.Update, n)
	cursor := r.IntN(length + 1)
	for i := range updates {
		if r.IntN(8) == 0 {
			cursor = r.IntN(length + 1)
		}
		from := min(cursor, length)
		to := min(length, from+r.IntN(3))
		if r.IntN(2) == 0 {
			to = from
		}
		spec := change.Spec{From: from, To: to, Insert: pieces[r.IntN(len(pieces))]}
		if spec.From == spec.To && spec.Insert == "" {
			spec.Insert = "z"
		}
		set, err := change.Of(length, spec)
		if err != nil {
			t.Fatal(err)
		}
		updates[i] = change.Update{Changes: set, ClientID: "c"}
		length = set.NewLen()
		cursor = from + len(utf16.Encode([]rune(spec.Insert)))
	}
	return updates
}

// applyEach applies the updates to a copy of text one after another.
func applyEach(text change.Text, updates []change.Update) (string, error) {
	t := text.Clone()
	for _, u := range updates {
		if err := u.Changes.Apply(&t); err != nil {
			return "", err
		}
	}
	return t.String(), nil
}

// TestComposeUpdates checks that composing a push pairwise gives what
// composing it one update after the other gives: the same text when it
// applies, a refusal when that one refuses (a push whose steps split a
// surrogate pair, on text full of them), and the same error when the
// updates do not follow one another.
func TestComposeUpdates(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	start := "Procédure 👋 d'accueil — مرحبا 🤝🏽\n"
	refused := 0
	for round := 0; round < 300; round++ {
		text := change.NewText(start)
		updates := randomPush(t, r, text.Len(), 1+r.IntN(40))
		want := updates[0].Changes
		for _, u := range updates[1:] {
			var err error
			if want, err = want.Compose(u.Changes); err != nil {
				t.Fatal(err)
			}
		}
		got, err := composeUpdates(updates)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if got.Len() != want.Len() || got.NewLen() != want.NewLen() {
			t.Fatalf("round %d: lengths %d→%d, want %d→%d", round, got.Len(), got.NewLen(), want.Len(), want.NewLen())
		}
		gotText, wantText := text.Clone(), text.Clone()
		gotErr, wantErr := got.Apply(&gotText), want.Apply(&wantText)
		if (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("round %d: pairwise %v, one after the other %v", round, gotErr, wantErr)
		}
		if gotErr != nil {
			refused++
		}
		if gotErr == nil && gotText.String() != wantText.String() {
			t.Fatalf("round %d: got %q, want %q", round, gotText.String(), wantText.String())
		}
		if each, err := applyEach(text, updates); err == nil && gotErr == nil && each != gotText.String() {
			t.Fatalf("round %d: composed %q, applied in turn %q", round, gotText.String(), each)
		}
	}

	// Both cases must have been seen for the comparison to mean much.
	if refused == 0 || refused == 300 {
		t.Fatalf("%d pushes of 300 refused", refused)
	}
	t.Logf("%d pushes of 300 refused", refused)

	t.Run("ErrNotFollowing", func(t *testing.T) {
		updates := randomPush(t, r, 10, 5)
		updates = append(updates[:3], randomPush(t, r, 40, 2)...)
		want := updates[0].Changes
		var wantErr error
		for _, u := range updates[1:] {
			if want, wantErr = want.Compose(u.Changes); wantErr != nil {
				break
			}
		}
		_, err := composeUpdates(updates)
		if err == nil || !errors.Is(err, change.ErrLength) || err.Error() != wantErr.Error() {
			t.Fatalf("got %v, want %v", err, wantErr)
		}
	})

	t.Run("One", func(t *testing.T) {
		updates := randomPush(t, r, 10, 1)
		got, err := composeUpdates(updates)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(updates[0].Changes) {
			t.Fatalf("got %v, %v; want %v", got, err, updates[0].Changes)
		}
	})
}

// TestRoomClosesAfterAbandonedSend checks that a room with nobody in it
// closes even when a message that was on its way when it last tried to
// close never comes, because its sender gave up (its connection ended
// while sending): the room tries again, rather than waiting for ever.
func TestRoomClosesAfterAbandonedSend(t *testing.T) {
	db, _ := testsupport.OpenEmptyStore(t)
	docID, err := db.CreateDocument(context.Background(), workspace.DocumentProcedureDraft, "Texte")
	if err != nil {
		t.Fatal(err)
	}
	a := New(db, nil, Limits{})
	r := newDocRoom(a, docID)
	a.mu.Lock()
	a.rooms[docID] = r
	a.mu.Unlock()
	// A sender is between its check and its send, as enqueue counts it.
	r.mu.Lock()
	r.senders++
	r.mu.Unlock()
	go r.run()
	if text, _, ok := r.current(); !ok || text != "Texte" {
		t.Fatalf("current: %q, %v", text, ok)
	}
	// The room tried to close after that request, and could not: the
	// sender is still counted. Now it gives up without sending.
	r.mu.Lock()
	r.senders--
	r.mu.Unlock()
	deadline := time.Now().Add(5 * time.Second)
	for a.RoomOpen(docID) {
		if time.Now().After(deadline) {
			t.Fatal("the room is still open with nobody in it and nothing on its way")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
