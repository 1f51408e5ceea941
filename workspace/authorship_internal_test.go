package workspace

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"
)

// TestAuthorshipWorkPerUpdate bounds what an update costs the replay: in
// a text of a million units, typing a sentence in the middle, then
// deleting it, costs each keystroke a few runs of at most maxRunUnits,
// not the length of the text (as the replay that rebuilt the text at
// every update did), and a jump to another place costs the runs crossed.
func TestAuthorshipWorkPerUpdate(t *testing.T) {
	const length = 1 << 20
	units := utf16.Encode([]rune(strings.Repeat("a", length)))
	text := &authorText{runs: runsOf(units, nil), len: length}
	author := int64(1)
	var updates []*DocumentUpdate
	at := length / 2
	for i := range 200 {
		updates = append(updates, &DocumentUpdate{Version: i + 1, AccountID: &author,
			Changes: fmt.Sprintf(`[%d,[0,"b"],%d]`, at+i, length-at)})
	}
	for i := range 200 {
		updates = append(updates, &DocumentUpdate{Version: 201 + i, AccountID: &author,
			Changes: fmt.Sprintf(`[%d,[1],%d]`, at+199-i, length-at)})
	}
	// Reach the place first: that costs the runs crossed, once.
	if err := text.replay(updates[:1]); err != nil {
		t.Fatal(err)
	}
	text.work = 0
	if err := text.replay(updates[1:]); err != nil {
		t.Fatal(err)
	}
	if per := text.work / (len(updates) - 1); per > 3*maxRunUnits {
		t.Errorf("%d units of work per keystroke, want at most %d (the text is %d)", per, 3*maxRunUnits, length)
	}
	if spans := text.spans(); len(spans) != 1 || len(spans[0].Text) != length {
		t.Errorf("after typing and deleting, %d passages", len(spans))
	}
}
