package workspace_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf16"

	"tawla/internal/tracetest"
	"tawla/workspace"
)

// unitAuthorship is the plain model Authorship must agree with: every
// UTF-16 unit of the text carries its author, each update is applied to
// the whole text, and runs of one author are joined at the end.
func unitAuthorship(first string, updates []*workspace.DocumentUpdate) ([]workspace.AuthoredSpan, error) {
	text := utf16.Encode([]rune(first))
	authors := make([]*int64, len(text))
	for _, u := range updates {
		var items []json.RawMessage
		if err := json.Unmarshal([]byte(u.Changes), &items); err != nil {
			return nil, err
		}
		var nt []uint16
		var na []*int64
		pos := 0
		for _, item := range items {
			var n int
			if json.Unmarshal(item, &n) == nil {
				if pos+n > len(text) {
					return nil, fmt.Errorf("too long")
				}
				nt, na = append(nt, text[pos:pos+n]...), append(na, authors[pos:pos+n]...)
				pos += n
				continue
			}
			var parts []json.RawMessage
			if err := json.Unmarshal(item, &parts); err != nil {
				return nil, err
			}
			if err := json.Unmarshal(parts[0], &n); err != nil || pos+n > len(text) {
				return nil, fmt.Errorf("bad deletion")
			}
			pos += n
			var lines []string
			for _, p := range parts[1:] {
				var line string
				if err := json.Unmarshal(p, &line); err != nil {
					return nil, err
				}
				lines = append(lines, line)
			}
			for _, c := range utf16.Encode([]rune(strings.Join(lines, "\n"))) {
				nt, na = append(nt, c), append(na, u.AccountID)
			}
		}
		if pos != len(text) {
			return nil, fmt.Errorf("too short")
		}
		text, authors = nt, na
	}
	var spans []workspace.AuthoredSpan
	for i := 0; i < len(text); {
		j := i
		for j < len(text) && same(authors[j], authors[i]) {
			j++
		}
		spans = append(spans, workspace.AuthoredSpan{Text: string(utf16.Decode(text[i:j])), AccountID: authors[i]})
		i = j
	}
	return spans, nil
}

func same(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// checkSameSpans fails t unless got and want are the same passages.
func checkSameSpans(t *testing.T, got, want []workspace.AuthoredSpan) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d passages, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Text != want[i].Text || !same(got[i].AccountID, want[i].AccountID) {
			t.Fatalf("passage %d = %q by %v, want %q by %v", i, got[i].Text, got[i].AccountID, want[i].Text, want[i].AccountID)
		}
	}
}

// randomUpdates writes n random updates over first by three accounts and
// the system: insertions, deletions and replacements anywhere, long
// pastes (longer than the replay's runs), several edits in one update,
// and emoji, so that runs split and join in every way.
func randomUpdates(rng *rand.Rand, first string, n int) []*workspace.DocumentUpdate {
	length := len(utf16.Encode([]rune(first)))
	authors := []*int64{nil, ptr(1), ptr(2), ptr(3)}
	pieces := []string{"a", "bc", "👋", "\n", "مرحبا", "def ghi "}
	var updates []*workspace.DocumentUpdate
	for v := 1; v <= n; v++ {
		var items []string
		pos, grown := 0, 0 // in the text before the update
		for e := range 1 + rng.IntN(3) {
			// Edits are parted by kept text and change something: the
			// form CodeMirror writes, which the engine's parser insists
			// on.
			lo := pos
			if e > 0 {
				lo++
			}
			if lo > length {
				break
			}
			at := lo + rng.IntN(length-lo+1)
			del := 0
			if rng.IntN(2) == 0 {
				del = rng.IntN(min(length-at, 40) + 1)
			}
			count := rng.IntN(5)
			if rng.IntN(30) == 0 {
				count = 600
			}
			var ins strings.Builder
			for range count {
				ins.WriteString(pieces[rng.IntN(len(pieces))])
			}
			if at > pos {
				items = append(items, fmt.Sprint(at-pos))
			}
			if del == 0 && ins.Len() == 0 {
				ins.WriteString("a")
			}
			if ins.Len() == 0 {
				items = append(items, fmt.Sprintf("[%d]", del))
			} else {
				lines, _ := json.Marshal(strings.Split(ins.String(), "\n"))
				items = append(items, fmt.Sprintf("[%d,%s", del, strings.TrimPrefix(string(lines), "[")))
			}
			pos = at + del
			grown += len(utf16.Encode([]rune(ins.String()))) - del
		}
		if rest := length - pos; rest > 0 {
			items = append(items, fmt.Sprint(rest))
		}
		length += grown
		updates = append(updates, &workspace.DocumentUpdate{Version: v, Changes: "[" + strings.Join(items, ",") + "]", AccountID: authors[rng.IntN(len(authors))]})
	}
	return updates
}

// TestAuthorshipAsUnitModel replays random histories, and the
// automerge-paper trace's first 10,000 edits by three accounts taking
// turns, with Authorship and with the plain model that keeps an author
// per unit: the passages must be the same.
func TestAuthorshipAsUnitModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range 200 {
		first := strings.Repeat("Texte 👋 initial.\n", rng.IntN(100))
		updates := randomUpdates(rng, first, 1+rng.IntN(60))
		want, err := unitAuthorship(first, updates)
		if err != nil {
			t.Fatalf("history %d: the model: %v", i, err)
		}
		got, err := workspace.Authorship(first, updates)
		if err != nil {
			t.Fatalf("history %d: %v", i, err)
		}
		checkSameSpans(t, got, want)
	}
	tr := tracetest.Load(t, "automerge-paper")
	updates := traceUpdates(tr, 10_000, 100)
	want, err := unitAuthorship("", updates)
	if err != nil {
		t.Fatal(err)
	}
	got, err := workspace.Authorship("", updates)
	if err != nil {
		t.Fatal(err)
	}
	checkSameSpans(t, got, want)
	var text strings.Builder
	for _, s := range got {
		text.WriteString(s.Text)
	}
	if text.String() != tr.TextAt(10_000) {
		t.Error("the replayed text is not the trace's")
	}
}

// TestAuthorshipLooseChangeSets replays updates in forms CodeMirror never
// writes, which the engine's parser refuses ([n,""] for a deletion, an
// empty insertion): the history still reads, as it did before the replay
// used that parser.
func TestAuthorshipLooseChangeSets(t *testing.T) {
	updates := []*workspace.DocumentUpdate{
		{Version: 1, AccountID: ptr(1), Changes: `[3,[0,""],[0," et plus"]]`},
		{Version: 2, AccountID: ptr(2), Changes: `[[3,""],8]`},
	}
	spans, err := workspace.Authorship("abc", updates)
	if err != nil {
		t.Fatal(err)
	}
	if len(spans) != 1 || spans[0].Text != " et plus" || *spans[0].AccountID != 1 {
		t.Errorf("passages %+v", spans)
	}
	ins, del, err := workspace.ChangeCounts(`[[3,""],8]`)
	if err != nil || ins != 0 || del != 3 {
		t.Errorf("ChangeCounts = %d, %d, %v; want 0, 3", ins, del, err)
	}
}
