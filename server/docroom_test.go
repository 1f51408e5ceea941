package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	wsclient "tawla/client"
	"tawla/demo"
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

// TestCollabMissedUpdatesAsBroadcast checks that a client that joins with
// an old version receives the updates it missed exactly as they were
// broadcast when they were accepted: from a room that has them in memory,
// and from one that loaded them from the store.
func TestCollabMissedUpdatesAsBroadcast(t *testing.T) {
	ts := newTestServer(t)
	docID := collabDoc(t, ts, "abc")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sess := collabLogin(t, ts, demo.MemberEmail)

	updatesOf := func(conn *wsclient.Conn) []string {
		t.Helper()
		for {
			data, err := conn.Receive(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var m struct {
				Type    string            `json:"type"`
				Updates []json.RawMessage `json:"updates"`
			}
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatal(err)
			}
			switch m.Type {
			case "doc.peer", "doc.pushed":
				continue
			case "doc.updates":
				var raw []string
				for _, u := range m.Updates {
					raw = append(raw, string(u))
				}
				return raw
			}
			t.Fatalf("got %s, want doc.updates", data)
		}
	}

	pusher := collabDial(t, ctx, sess)
	defer pusher.Drop()
	rawSend(t, pusher, fmt.Sprintf(`{"type":"doc.join","doc":%d}`, docID))
	rawNext(t, pusher, "doc.state")
	// A client ID that JSON escapes, and text of every width.
	const client = `a<b&"c`
	rawSend(t, pusher, fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":0,"updates":[`+
		`{"clientID":"a<b&\"c","seq":1,"changes":[3,[0,"é👋"]]},`+
		`{"clientID":"a<b&\"c","seq":2,"changes":[[1],5]}]}`, docID))
	broadcast := updatesOf(pusher)
	rawSend(t, pusher, fmt.Sprintf(`{"type":"doc.push","doc":%d,"version":2,"updates":[`+
		`{"clientID":"a<b&\"c","seq":3,"changes":[1,[2,"مرحبا","x"],2]}]}`, docID))
	broadcast = append(broadcast, updatesOf(pusher)...)
	if len(broadcast) != 3 || !strings.Contains(broadcast[0], `\u003cb\u0026\"c`) {
		t.Fatalf("broadcast %q, want 3 updates of client %q", broadcast, client)
	}

	late := collabDial(t, ctx, sess)
	rawSend(t, late, fmt.Sprintf(`{"type":"doc.join","doc":%d,"version":0}`, docID))
	if got := updatesOf(late); fmt.Sprint(got) != fmt.Sprint(broadcast) {
		t.Errorf("missed updates from the open room:\n got %q\nwant %q", got, broadcast)
	}
	late.Drop()
	pusher.Drop()
	waitRoomClosed(t, ts, docID)

	reloaded := collabDial(t, ctx, sess)
	defer reloaded.Drop()
	rawSend(t, reloaded, fmt.Sprintf(`{"type":"doc.join","doc":%d,"version":1}`, docID))
	if got := updatesOf(reloaded); fmt.Sprint(got) != fmt.Sprint(broadcast[1:]) {
		t.Errorf("missed updates from a reloaded room:\n got %q\nwant %q", got, broadcast[1:])
	}
}
