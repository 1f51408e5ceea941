package main

import (
	"strings"
	"testing"
	"unicode/utf16"
)

// emojiTrace edits a text with characters of one, two and four UTF-8
// bytes and two UTF-16 units, with positions in code points as the traces
// count them; one transaction has several patches in descending order.
func emojiTrace() *Trace {
	return &Trace{
		StartContent: "a👋b",
		EndContent:   "🤝Xé👋ب🌍c",
		Txns: []TxnIn{
			{Patches: []Patch{{Pos: 3, Delete: 0, Insert: "c"}}},                                   // a👋bc
			{Patches: []Patch{{Pos: 2, Delete: 1, Insert: "é🌍"}}},                                  // a👋é🌍c
			{Patches: []Patch{{Pos: 3, Delete: 0, Insert: "👋ب"}}},                                  // a👋é👋ب🌍c
			{Patches: []Patch{{Pos: 1, Delete: 1, Insert: "X"}, {Pos: 0, Delete: 1, Insert: "🤝"}}}, // 🤝Xé👋ب🌍c
		},
	}
}

func TestBuildWireConvertsCodePointsToUTF16(t *testing.T) {
	tr := emojiTrace()
	w, err := buildWire(tr, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`[4,[0,"c"]]`,
		`[3,[1,"é🌍"],1]`,
		`[4,[0,"👋ب"],3]`,
		`[[1,"🤝"],[2,"X"],7]`,
	}
	if len(w.messages) != len(want) {
		t.Fatalf("got %d messages, want %d", len(w.messages), len(want))
	}
	for i, m := range w.messages {
		if string(m) != want[i] {
			t.Errorf("message %d: got %s, want %s", i, m, want[i])
		}
	}
	text, err := engineReplay(w, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := text.String(); got != tr.EndContent {
		t.Errorf("got %q, want %q", got, tr.EndContent)
	}
}

func TestBuildWirePrefixUsesSpliceReplay(t *testing.T) {
	tr := emojiTrace()
	w, err := buildWire(tr, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := w.want, "a👋é🌍c"; got != want {
		t.Errorf("want: got %q, want %q", got, want)
	}
	text, err := engineReplay(w, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := text.String(); got != w.want {
		t.Errorf("got %q, want %q", got, w.want)
	}
}

func TestBuildWireRefusesPatchOutsideText(t *testing.T) {
	tr := &Trace{Txns: []TxnIn{{Patches: []Patch{{Pos: 1, Delete: 0, Insert: "x"}}}}}
	if _, err := buildWire(tr, 0); err == nil {
		t.Fatal("got no error for a patch past the end")
	}
}

func TestReplayFailsOnWrongEndContent(t *testing.T) {
	tr := emojiTrace()
	tr.EndContent = "something else"
	w, err := buildWire(tr, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := measureReplay(w, 1); err == nil || !strings.Contains(err.Error(), "differs") {
		t.Fatalf("got %v, want an error saying the text differs", err)
	}
}

func TestUnitMap(t *testing.T) {
	m := newUnitMap("")
	ops := []struct {
		pos, del int
		ins      string
	}{
		{0, 0, "ab👋cd🌍"}, {2, 1, ""}, {0, 0, "🤝"}, {3, 2, "xy"}, {1, 0, "é"}, {0, 6, "z"},
	}
	var runes []rune
	for _, op := range ops {
		m.splice(op.pos, op.del, op.ins)
		runes = append(runes[:op.pos:op.pos], append([]rune(op.ins), runes[op.pos+op.del:]...)...)
		for p := 0; p <= len(runes); p++ {
			if got, want := m.units(p), len(utf16.Encode(runes[:p])); got != want {
				t.Fatalf("after %+v, in %q: units(%d) = %d, want %d", op, string(runes), p, got, want)
			}
		}
		if got, want := m.length(), len(utf16.Encode(runes)); got != want {
			t.Fatalf("after %+v: length %d, want %d", op, got, want)
		}
	}
}

func TestByteSplice(t *testing.T) {
	buf := make([]byte, 0, 64)
	buf = byteSplice(buf, 0, 0, "hello world")
	buf = byteSplice(buf, 5, 6, ", there")
	buf = byteSplice(buf, 0, 1, "J")
	buf = byteSplice(buf, 7, 0, "out ")
	if got, want := string(buf), "Jello, out there"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
