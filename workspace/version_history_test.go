package workspace_test

import (
	"testing"
	"time"

	"tawla/workspace"
)

func ptr(n int64) *int64 { return &n }

// TestAuthorship replays updates and checks who wrote each passage:
// insertions belong to their update's account, kept text keeps its author,
// deleted text disappears, and UTF-16 positions hold across emoji.
func TestAuthorship(t *testing.T) {
	updates := []*workspace.DocumentUpdate{
		{Version: 1, AccountID: ptr(1), Changes: `[5,[0," 👋 ami"]]`},    // "Salut 👋 ami"
		{Version: 2, AccountID: ptr(2), Changes: `[9,[3,"toi","",""]]`}, // "Salut 👋 toi\n\n"
		{Version: 3, AccountID: ptr(2), Changes: `[[5,"Bonjour"],9]`},   // "Bonjour 👋 toi\n\n"
		{Version: 4, AccountID: ptr(1), Changes: `[16,[0,"Fin."]]`},     // "Bonjour 👋 toi\n\nFin."
	}
	spans, err := workspace.Authorship("Salut", updates)
	if err != nil {
		t.Fatal(err)
	}
	type span struct {
		text   string
		author int64
	}
	var got []span
	for _, s := range spans {
		var a int64
		if s.AccountID != nil {
			a = *s.AccountID
		}
		got = append(got, span{s.Text, a})
	}
	want := []span{{"Bonjour", 2}, {" 👋 ", 1}, {"toi\n\n", 2}, {"Fin.", 1}}
	if len(got) != len(want) {
		t.Fatalf("spans %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("span %d = %+v, want %+v", i, got[i], want[i])
		}
	}

	t.Run("LengthMismatch", func(t *testing.T) {
		if _, err := workspace.Authorship("abc", []*workspace.DocumentUpdate{{Version: 1, Changes: `[5]`}}); err == nil {
			t.Error("an update longer than the text was accepted")
		}
		if _, err := workspace.Authorship("abc", []*workspace.DocumentUpdate{{Version: 1, Changes: `[2]`}}); err == nil {
			t.Error("an update shorter than the text was accepted")
		}
	})
}

// TestGroupSessions groups each account's updates by pauses under
// SessionGap, across interleaved updates of others.
func TestGroupSessions(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := func(m float64) time.Time { return t0.Add(time.Duration(m * float64(time.Minute))) }
	updates := []*workspace.DocumentUpdate{
		{Version: 1, AccountID: ptr(1), CreatedAt: at(0), Changes: `[[0,"abc"]]`},
		{Version: 2, AccountID: ptr(2), CreatedAt: at(1), Changes: `[3,[0,"d"]]`},
		{Version: 3, AccountID: ptr(1), CreatedAt: at(9.9), Changes: `[[2],2]`},
		{Version: 4, AccountID: ptr(1), CreatedAt: at(19.9), Changes: `[2,[0,"xy"]]`},
		{Version: 5, AccountID: nil, CreatedAt: at(20), Changes: `[4]`},
	}
	sessions, err := workspace.GroupSessions(updates)
	if err != nil {
		t.Fatal(err)
	}
	type s struct{ first, last, n, ins, del int }
	want := []s{{1, 3, 2, 3, 2}, {2, 2, 1, 1, 0}, {4, 4, 1, 2, 0}, {5, 5, 1, 0, 0}}
	if len(sessions) != len(want) {
		t.Fatalf("%d sessions, want %d", len(sessions), len(want))
	}
	for i, w := range want {
		g := sessions[i]
		if got := (s{g.FirstVersion, g.LastVersion, g.Updates, g.Inserted, g.Deleted}); got != w {
			t.Errorf("session %d = %+v, want %+v", i, got, w)
		}
	}
	if sessions[2].Closed(at(29.8)) || !sessions[2].Closed(at(29.9)) {
		t.Error("Closed does not turn at SessionGap after the last update")
	}
}
