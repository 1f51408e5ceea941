package change_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"tawla/workspace/change"
)

func mustParse(t testing.TB, js string) change.Set {
	t.Helper()
	s, err := change.ParseJSON([]byte(js))
	if err != nil {
		t.Fatalf("ParseJSON(%s): %v", js, err)
	}
	return s
}

func TestParseJSONRoundTrip(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"Empty", `[]`, `[]`},
		{"Kept", `[12]`, `[12]`},
		{"Insertion", `[3,[0,"x"],4]`, `[3,[0,"x"],4]`},
		{"Deletion", `[[5],2]`, `[[5],2]`},
		{"Replacement", `[[2,"é à ç"]]`, `[[2,"é à ç"]]`},
		{"Lines", `[1,[0,"","مرحبا بالعائدين",""],1]`, `[1,[0,"","مرحبا بالعائدين",""],1]`},
		{"Emoji", `[[0,"👋🏽😀"]]`, `[[0,"👋🏽😀"]]`},
		{"InsertionThenDeletion", `[[0,"a"],[3]]`, `[[0,"a"],[3]]`},
		{"ReplacementThenInsertion", `[[2,"a"],[0,"b"]]`, `[[2,"a"],[0,"b"]]`},
		{"JavaScriptEscapes", `[[0,"\"\\\t\r\b\f\u0001\u001f<&>\u2028"]]`, "[[0,\"\\\"\\\\\\t\\r\\b\\f\\u0001\\u001f<&>\u2028\"]]"},
		{"EscapedLetters", `[[0,"\u00e9\ud83d\udc4b\/"]]`, `[[0,"é👋/"]]`},
		{"Spaces", " [ 1 , [ 0 , \"x\" ] ]\n", `[1,[0,"x"]]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustParse(t, tc.in)
			got := mustJSON(t, s)
			if got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
			again := mustJSON(t, mustParse(t, got))
			if again != got {
				t.Errorf("second round trip: got %s, want %s", again, got)
			}
		})
	}
}

func TestParseJSONRefuses(t *testing.T) {
	long := `[1073741824,[1073741824]]`
	for _, tc := range []struct{ name, in, want string }{
		{"NotJSON", `[1,`, "expected"},
		{"Nothing", ``, "expected '['"},
		{"Object", `{"a":1}`, "expected '['"},
		{"Null", `null`, "expected '['"},
		{"TopNumber", `5`, "expected '['"},
		{"TrailingData", `[1] [2]`, "unexpected data"},
		{"TrailingComma", `[1,]`, "expected a number"},
		{"LeadingComma", `[,1]`, "expected a number"},
		{"Negative", `[-1]`, "negative length"},
		{"NegativeDeletion", `[[-3]]`, "negative length"},
		{"Fraction", `[1.5]`, "not a plain integer"},
		{"IntegerFraction", `[1.0]`, "not a plain integer"},
		{"Exponent", `[1e2]`, "not a plain integer"},
		{"LeadingZero", `[01]`, "leading zero"},
		{"TooLong", `[99999999999]`, "length above"},
		{"DocumentTooLong", long, "exceed"},
		{"Boolean", `[true]`, "expected a number"},
		{"StringPart", `["a"]`, "expected a number"},
		{"ObjectPart", `[{}]`, "expected a number"},
		{"EmptyArray", `[[]]`, "expected a number"},
		{"StringLength", `[["a"]]`, "expected a number"},
		{"NumberLine", `[[1,2]]`, "not a string"},
		{"NestedArrayLine", `[[1,["a"]]]`, "not a string"},
		{"NullLine", `[[1,null]]`, "not a string"},
		{"InvalidUTF8", "[[0,\"\xff\"]]", "invalid UTF-8"},
		{"EncodedSurrogate", "[[0,\"\xed\xa0\x80\"]]", "invalid UTF-8"},
		{"LoneHighSurrogate", `[[0,"\ud83d"]]`, "lone surrogate"},
		{"LoneLowSurrogate", `[[0,"\udc4b"]]`, "lone surrogate"},
		{"HighThenLetter", `[[0,"\ud83d\u0041"]]`, "lone surrogate"},
		{"SwappedPair", `[[0,"\udc4b\ud83d"]]`, "lone surrogate"},
		{"LineBreakInLine", `[[0,"a\nb"]]`, "line break"},
		{"RawControl", "[[0,\"a\tb\"]]", "raw control"},
		{"BadEscape", `[[0,"\x41"]]`, "unknown escape"},
		{"ShortUnicodeEscape", `[[0,"\u12"]]`, "escape"},
		{"Unterminated", `[[0,"abc`, "unterminated"},
		{"EmptyKept", `[0]`, "empty"},
		{"EmptyDeletion", `[[0]]`, "empty"},
		{"EmptyLineInsertion", `[[0,""]]`, "empty"},
		{"DeletionAsEmptyLine", `[[3,""]]`, "write a deletion as [3]"},
		{"TwoKept", `[1,2]`, "both keep"},
		{"TwoDeletions", `[[1],[2]]`, "both delete"},
		{"TwoInsertions", `[[0,"a"],[0,"b"]]`, "both insert"},
		{"ZeroKeptBetweenChanges", `[[1,"a"],0,[1]]`, "empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := change.ParseJSON([]byte(tc.in))
			if err == nil {
				t.Fatalf("ParseJSON(%q) = %v, want an error", tc.in, s)
			}
			if !errors.Is(err, change.ErrMalformed) {
				t.Errorf("error %v does not wrap ErrMalformed", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			var into change.Set
			if err := into.UnmarshalJSON([]byte(tc.in)); err == nil {
				t.Errorf("UnmarshalJSON(%q) succeeded", tc.in)
			}
		})
	}
}

func TestApply(t *testing.T) {
	for _, tc := range []struct{ name, doc, set, want string }{
		{"Empty", "", `[]`, ""},
		{"Keep", "abc", `[3]`, "abc"},
		{"InsertArabic", "ab", `[1,[0,"مرحبا"],1]`, "aمرحباb"},
		{"ReplaceEmoji", "a👋🏽b", `[1,[4,"é"],1]`, "aéb"},
		{"BetweenHandAndSkinTone", "👋🏽", `[2,[0,"x"],2]`, "👋x🏽"},
		{"DeleteAcrossLines", "un\ndeux\ntrois", `[1,[7],5]`, "utrois"},
		{"InsertLines", "ça", `[1,[0,"","à",""],1]`, "ç\nà\na"},
		{"SeveralChanges", "abcdef", `[[1,"x"],1,[0,"y"],1,[2],1]`, "xbycf"},
		{"AdjacentReplacements", "abcd", `[[0,"x"],[2],[0,"y"],2]`, "xycd"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustParse(t, tc.set)
			text := change.NewText(tc.doc)
			if err := s.Apply(&text); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if got := text.String(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if text.Len() != s.NewLen() {
				t.Errorf("Len() = %d, NewLen() = %d", text.Len(), s.NewLen())
			}
		})
	}
}

func TestApplyRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, doc, set string
		want           error
	}{
		{"TooShort", "abc", `[2]`, change.ErrLength},
		{"TooLong", "abc", `[[4]]`, change.ErrLength},
		{"EmptyOnText", "abc", `[]`, change.ErrLength},
		{"InsertInsidePair", "😀", `[1,[0,"x"],1]`, change.ErrSplitSurrogate},
		{"DeleteHalfPair", "a😀", `[2,[1]]`, change.ErrSplitSurrogate},
		{"ReplaceFromInsidePair", "😀b", `[1,[2,"x"]]`, change.ErrSplitSurrogate},
		{"DeleteUpToInsidePair", "😀", `[[1],1]`, change.ErrSplitSurrogate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustParse(t, tc.set)
			text := change.NewText(tc.doc)
			err := s.Apply(&text)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Apply = %v, want %v", err, tc.want)
			}
			if got := text.String(); got != tc.doc {
				t.Errorf("text changed to %q on error", got)
			}
		})
	}
	t.Run("NilText", func(t *testing.T) {
		if err := change.Empty(0).Apply(nil); !errors.Is(err, change.ErrMalformed) {
			t.Errorf("Apply(nil) = %v, want ErrMalformed", err)
		}
	})
	t.Run("ZeroText", func(t *testing.T) {
		var text change.Text
		if err := mustParse(t, `[[0,"é"]]`).Apply(&text); err != nil {
			t.Fatal(err)
		}
		if text.String() != "é" {
			t.Errorf("got %q", text.String())
		}
	})
}

// TestComposedLoneSurrogate builds, by composition, a set whose inserted
// text is half an emoji: it must serialise as JSON.stringify would, and
// neither parse back nor apply.
func TestComposedLoneSurrogate(t *testing.T) {
	insert := mustParse(t, `[[0,"😀"]]`)
	cut := mustParse(t, `[1,[1]]`)
	composed, err := insert.Compose(cut)
	if err != nil {
		t.Fatal(err)
	}
	got := mustJSON(t, composed)
	if want := `[[0,"\ud83d"]]`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if _, err := change.ParseJSON([]byte(got)); !errors.Is(err, change.ErrMalformed) {
		t.Errorf("ParseJSON(%s) = %v, want ErrMalformed", got, err)
	}
	var text change.Text
	if err := composed.Apply(&text); !errors.Is(err, change.ErrSplitSurrogate) {
		t.Errorf("Apply = %v, want ErrSplitSurrogate", err)
	}
	if text.Len() != 0 {
		t.Errorf("text changed on error")
	}
}

func TestLengthErrors(t *testing.T) {
	three, four := mustParse(t, `[1,[0,"x"],2]`), mustParse(t, `[[4,"é"]]`)
	if _, err := three.Compose(three); !errors.Is(err, change.ErrLength) {
		t.Errorf("Compose with wrong length = %v, want ErrLength", err)
	}
	if _, err := change.Empty(2).Compose(three); !errors.Is(err, change.ErrLength) {
		t.Errorf("Compose of an empty set with wrong length = %v, want ErrLength (CodeMirror lets it through)", err)
	}
	if _, err := three.Map(four.Desc(), false); !errors.Is(err, change.ErrLength) {
		t.Errorf("Map with wrong length = %v, want ErrLength", err)
	}
	if _, err := three.Map(change.Empty(5).Desc(), true); !errors.Is(err, change.ErrLength) {
		t.Errorf("Map over an empty set of wrong length = %v, want ErrLength", err)
	}
	if _, err := three.Desc().MapDesc(four.Desc(), false); !errors.Is(err, change.ErrLength) {
		t.Errorf("MapDesc with wrong length = %v, want ErrLength", err)
	}
	if _, err := four.Desc().ComposeDesc(four.Desc()); !errors.Is(err, change.ErrLength) {
		t.Errorf("ComposeDesc with wrong length = %v, want ErrLength", err)
	}
	for _, pos := range []int{-1, 4} {
		if _, _, err := three.MapPos(pos, 1, change.Simple); !errors.Is(err, change.ErrLength) {
			t.Errorf("MapPos(%d) = %v, want ErrLength", pos, err)
		}
	}
	if _, _, err := three.MapPos(0, 1, change.MapMode(7)); !errors.Is(err, change.ErrMalformed) {
		t.Errorf("MapPos with mode 7 = %v, want ErrMalformed", err)
	}
	if _, err := change.Rebase([]change.Update{{Changes: three}}, []change.Update{{Changes: four, ClientID: "b"}}); !errors.Is(err, change.ErrLength) {
		t.Errorf("Rebase of an update for another document = %v, want ErrLength", err)
	}
	if _, err := change.Rebase([]change.Update{{Changes: three}}, []change.Update{{Changes: three, ClientID: "b"}, {Changes: three, ClientID: "c"}}); !errors.Is(err, change.ErrLength) {
		t.Errorf("Rebase over a broken chain = %v, want ErrLength", err)
	}
}

func TestMapPos(t *testing.T) {
	// "ab" → insert "XY" at 1, delete "b".
	s := mustParse(t, `[1,[0,"XY"],[1]]`)
	for _, tc := range []struct {
		pos, assoc int
		mode       change.MapMode
		want       int
		ok         bool
	}{
		{0, -1, change.Simple, 0, true},
		{1, -1, change.Simple, 1, true},
		{1, 1, change.Simple, 3, true},
		{2, 1, change.Simple, 3, true},
		{2, 1, change.TrackBefore, 0, false},
		{1, 1, change.TrackAfter, 0, false},
		{1, 1, change.TrackDel, 3, true},
	} {
		got, ok, err := s.MapPos(tc.pos, tc.assoc, tc.mode)
		if err != nil || got != tc.want || ok != tc.ok {
			t.Errorf("MapPos(%d, %d, %d) = %d, %v, %v; want %d, %v", tc.pos, tc.assoc, tc.mode, got, ok, err, tc.want, tc.ok)
		}
	}
}

func TestOf(t *testing.T) {
	for _, tc := range []struct {
		name   string
		length int
		specs  []change.Spec
		want   string
	}{
		{"None", 3, nil, `[3]`},
		{"NoneEmpty", 0, nil, `[]`},
		{"Insert", 3, []change.Spec{{From: 1, To: 1, Insert: "é"}}, `[1,[0,"é"],2]`},
		{"CRLF", 0, []change.Spec{{Insert: "a\r\nb\rc\n"}}, `[[0,"a","b","c",""]]`},
		{"Unsorted", 4, []change.Spec{{From: 3, To: 4}, {From: 0, To: 1, Insert: "x"}}, `[[1,"x"],2,[1]]`},
		{"SamePosition", 2, []change.Spec{{From: 1, To: 1, Insert: "a"}, {From: 1, To: 1, Insert: "b"}}, `[1,[0,"ab"],1]`},
		{"NoOp", 2, []change.Spec{{From: 1, To: 1}}, `[2]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := change.Of(tc.length, tc.specs...)
			if err != nil {
				t.Fatal(err)
			}
			if got := mustJSON(t, s); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name   string
		length int
		spec   change.Spec
		want   error
	}{
		{"Backwards", 3, change.Spec{From: 2, To: 1}, change.ErrMalformed},
		{"NoToForInsertion", 3, change.Spec{From: 2, Insert: "x"}, change.ErrMalformed},
		{"Negative", 3, change.Spec{From: -1, To: 1}, change.ErrLength},
		{"PastEnd", 3, change.Spec{From: 1, To: 4}, change.ErrLength},
		{"NegativeLength", -1, change.Spec{}, change.ErrLength},
		{"InvalidUTF8", 3, change.Spec{From: 1, To: 1, Insert: "\xc3"}, change.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if s, err := change.Of(tc.length, tc.spec); !errors.Is(err, tc.want) {
				t.Errorf("Of = %v, %v; want %v", s, err, tc.want)
			}
		})
	}
}

func TestRebase(t *testing.T) {
	// Two clients type at the same place of "ab" from version 0; the
	// server accepted ana's first.
	ana := change.Update{Changes: mustParse(t, `[1,[0,"مرحبا"],1]`), ClientID: "ana"}
	bilel := change.Update{Changes: mustParse(t, `[1,[0,"👋🏽"],[1]]`), ClientID: "bilel"}
	t.Run("Concurrent", func(t *testing.T) {
		got, err := change.Rebase([]change.Update{bilel}, []change.Update{ana})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ClientID != "bilel" || mustJSON(t, got[0].Changes) != `[6,[0,"👋🏽"],[1]]` {
			t.Fatalf("got %+v", got)
		}
		text := change.NewText("ab")
		for _, s := range []change.Set{ana.Changes, got[0].Changes} {
			if err := s.Apply(&text); err != nil {
				t.Fatal(err)
			}
		}
		if text.String() != "aمرحبا👋🏽" {
			t.Errorf("got %q", text.String())
		}
	})
	t.Run("Resent", func(t *testing.T) {
		// ana's acknowledgement was lost: she sends her update again
		// with one more; only the new one is kept, mapped over bilel's.
		bilelAfter, err := bilel.Changes.Map(ana.Changes.Desc(), false)
		if err != nil {
			t.Fatal(err)
		}
		more := change.Update{Changes: mustParse(t, `[7,[0,"!"]]`), ClientID: "ana"}
		got, err := change.Rebase([]change.Update{ana, more}, []change.Update{ana, {Changes: bilelAfter, ClientID: "bilel"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || mustJSON(t, got[0].Changes) != `[10,[0,"!"]]` {
			t.Fatalf("got %s", mustMarshal(t, got))
		}
	})
	t.Run("NothingToDo", func(t *testing.T) {
		for _, tc := range [][2][]change.Update{{nil, {ana}}, {{ana}, nil}} {
			got, err := change.Rebase(tc[0], tc[1])
			if err != nil || len(got) != len(tc[0]) {
				t.Errorf("Rebase(%d updates, %d over) = %d updates, %v", len(tc[0]), len(tc[1]), len(got), err)
			}
		}
	})
}

func TestUpdateJSON(t *testing.T) {
	in := `{"changes":[1,[0,"<é>"],1],"clientID":"ana"}`
	var u change.Update
	if err := json.Unmarshal([]byte(in), &u); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(u); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(b.String()); got != in {
		t.Errorf("got %s, want %s", got, in)
	}
	if err := json.Unmarshal([]byte(`{"changes":[-1],"clientID":"x"}`), &u); !errors.Is(err, change.ErrMalformed) {
		t.Errorf("Unmarshal of a negative length = %v, want ErrMalformed", err)
	}
}

// TestTextEdits checks the gap buffer against plain slices over random
// edits, far apart and close together, small and large.
func TestTextEdits(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	want := utf16.Encode([]rune("Procédure d'accueil — مرحبا بالعائدين 👋🏽\n"))
	text := change.NewText(string(utf16.Decode(want)))
	clone := text.Clone()
	cursor, large := 0, 0
	for i := range 5000 {
		var from, to int
		if r.IntN(10) == 0 {
			cursor = r.IntN(len(want) + 1)
		}
		from = min(cursor, len(want))
		to = min(from+r.IntN(3)*r.IntN(2), len(want))
		if r.IntN(5) == 0 { // a large deletion keeps the text from growing without bound
			to = min(from+r.IntN(2000), len(want))
		}
		ins := []rune("é")
		switch r.IntN(4) {
		case 0:
			ins = nil
		case 1:
			ins = []rune(strings.Repeat("ab", r.IntN(800)))
			if len(ins) > 1024 {
				large++ // more than the spare room NewText leaves: the buffer must grow
			}
		case 2:
			ins = []rune("😀")
		}
		insUnits := utf16.Encode(ins)
		set, err := change.Of(len(want), change.Spec{From: from, To: to, Insert: string(ins)})
		if err != nil {
			t.Fatal(err)
		}
		err = set.Apply(&text)
		splits := func(p int) bool {
			return p > 0 && p < len(want) && utf16.IsSurrogate(rune(want[p])) && want[p] >= 0xDC00
		}
		if splits(from) || splits(to) {
			if !errors.Is(err, change.ErrSplitSurrogate) {
				t.Fatalf("edit %d: Apply = %v, want ErrSplitSurrogate", i, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("edit %d: %v", i, err)
		}
		want = slices.Concat(want[:from], insUnits, want[to:])
		cursor = from + len(insUnits)
		if text.Len() != len(want) {
			t.Fatalf("edit %d: Len() = %d, want %d", i, text.Len(), len(want))
		}
		if i%97 == 0 {
			if got := text.String(); got != string(utf16.Decode(want)) {
				t.Fatalf("edit %d: text differs", i)
			}
		}
	}
	if got := text.String(); got != string(utf16.Decode(want)) {
		t.Fatalf("final text differs")
	}
	if large < 10 {
		t.Errorf("only %d large insertions: the test does not cover growth", large)
	}
	if got := clone.String(); got != "Procédure d'accueil — مرحبا بالعائدين 👋🏽\n" {
		t.Errorf("clone changed: %q", got)
	}
}

func TestTextSlice(t *testing.T) {
	text := change.NewText("Mahdia — المهدية 🌊!")
	// Move the gap into the middle, so that slices cross it.
	set, err := change.ParseJSON([]byte(`[9,[0,"x"],11]`))
	if err != nil {
		t.Fatal(err)
	}
	if err := set.Apply(&text); err != nil {
		t.Fatal(err)
	}
	units := utf16.Encode([]rune(text.String()))
	for from := -1; from <= len(units)+1; from++ {
		for to := from; to <= len(units)+1; to++ {
			lo, hi := max(0, min(from, len(units))), max(0, min(to, len(units)))
			want := ""
			if lo < hi {
				want = string(utf16.Decode(units[lo:hi]))
			}
			if got := text.Slice(from, to); got != want {
				t.Fatalf("Slice(%d, %d) = %q, want %q", from, to, got, want)
			}
		}
	}
}
