package collab_test

import (
	"context"
	"testing"
	"time"

	"tawla/collab"
	"tawla/demo"
	"tawla/workspace"
	"tawla/workspace/change"
)

// TestPassageEditChecksThePassageInTheRoom checks that a PassageEdit is
// made against the passage as it stands in the room when its turn comes:
// refused (ECONFLICT, nothing stored) once the passage's text differs
// from the one expected, made on the passage's current range otherwise,
// wherever it has moved to.
func TestPassageEditChecksThePassageInTheRoom(t *testing.T) {
	ts := newTestServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const initial = "Le dossier est traité sous trois jours.\n"
	docID := collabDoc(t, ts, initial)
	member := ts.account(t, demo.MemberEmail)
	from := unitIndex(t, initial, "trois jours")
	sugg := placeComment(t, ts, docID, member, 0, from, from+len("trois jours"), "", "deux jours")
	edit := func(base int, specs ...change.Spec) int {
		t.Helper()
		text, _, err := ts.collab.Text(ctx, docID)
		if err != nil {
			t.Fatal(err)
		}
		set, err := change.Of(len([]rune(text)), specs...)
		if err != nil {
			t.Fatal(err)
		}
		v, err := ts.collab.Apply(ctx, docID, collab.Edit{Account: member, Base: base, Changes: set})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// Text before the passage moves it; a word inside changes it.
	v := edit(0, change.Spec{From: 0, To: 0, Insert: "Règle : "})
	at := from + len([]rune("Règle : "))
	v = edit(v, change.Spec{From: at, To: at + len("trois"), Insert: "quatre"})
	passage := func(expect string) (int, error) {
		return ts.collab.Apply(ctx, docID, collab.Edit{Account: member, Passage: &collab.PassageEdit{AnchorID: sugg.Anchor.ID, Expect: expect, Insert: "deux jours"}})
	}
	if _, err := passage("trois jours"); workspace.ErrorCode(err) != workspace.ECONFLICT {
		t.Fatalf("a passage edited since: %v, want a conflict", err)
	}
	if _, version, _ := ts.collab.Text(ctx, docID); version != v {
		t.Errorf("a refused passage edit made version %d (was %d)", version, v)
	}
	if _, err := passage("quatre jours"); err != nil {
		t.Fatalf("the passage as it is: %v", err)
	}
	if text, _, _ := ts.collab.Text(ctx, docID); text != "Règle : Le dossier est traité sous deux jours.\n" {
		t.Errorf("the draft after the passage edit: %q", text)
	}
}
