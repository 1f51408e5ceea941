package change_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"tawla/workspace/change"
)

// The cases are built from these pieces so that positions land on every
// kind of character: ASCII, accented French, Arabic, emoji made of two
// surrogate pairs (a hand and its skin tone) and line breaks.
var pieces = []string{
	"a", "b", "z", " ", "Ça", "é", "à", "ç", "où", "مرحبا", " بالعائدين", "👋🏽", "😀", "€", "\n", "\n", "\t\"\\<&>",
}

func randString(r *rand.Rand, maxPieces int) string {
	var b strings.Builder
	for n := r.IntN(maxPieces + 1); n > 0; n-- {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// cuts returns the positions of s, in UTF-16 units, that do not fall
// inside a surrogate pair.
func cuts(s string) []int {
	units := utf16.Encode([]rune(s))
	out := []int{0}
	for p := 1; p <= len(units); p++ {
		if p < len(units) && utf16.IsSurrogate(rune(units[p])) && units[p] >= 0xDC00 {
			continue
		}
		out = append(out, p)
	}
	return out
}

// randSpecs returns sorted, non-overlapping changes of doc, drawn from a
// few candidate positions so that independent calls often touch the same
// places (concurrent insertions at one position, overlapping deletions).
func randSpecs(r *rand.Rand, candidates []int) []change.Spec {
	n := r.IntN(4)
	if r.IntN(8) == 0 {
		n = 0 // an empty change set now and then
	}
	var points []int
	for range 2 * n {
		points = append(points, candidates[r.IntN(len(candidates))])
	}
	slices.Sort(points)
	var specs []change.Spec
	for i := 0; i+1 < len(points); i += 2 {
		insert := ""
		if r.IntN(3) > 0 || points[i] == points[i+1] {
			insert = randString(r, 3)
		}
		specs = append(specs, change.Spec{From: points[i], To: points[i+1], Insert: insert})
	}
	return specs
}

func candidatesOf(r *rand.Rand, doc string) []int {
	all := cuts(doc)
	k := 1 + r.IntN(5)
	out := make([]int, k)
	for i := range out {
		out[i] = all[r.IntN(len(all))]
	}
	if r.IntN(2) == 0 {
		return all
	}
	return out
}

func mustOf(t testing.TB, length int, specs []change.Spec) change.Set {
	t.Helper()
	s, err := change.Of(length, specs...)
	if err != nil {
		t.Fatalf("Of(%d, %+v): %v", length, specs, err)
	}
	return s
}

func mustJSON(t testing.TB, s change.Set) string {
	t.Helper()
	b, err := s.MarshalJSON()
	if err != nil {
		t.Fatalf("MarshalJSON(%v): %v", s, err)
	}
	return string(b)
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// rawSet writes a change set of doc as JSON by hand, in forms CodeMirror
// itself never produces (zero-length parts, [n,""], adjacent insertions),
// to check that every algorithm treats such input as CodeMirror does.
func rawSet(r *rand.Rand, doc string) string {
	all := cuts(doc)
	var points []int
	for range r.IntN(6) {
		points = append(points, all[r.IntN(len(all))])
	}
	points = append(points, 0, utf16Len(doc))
	slices.Sort(points)
	var parts []string
	for i := 0; i+1 < len(points); i++ {
		n := points[i+1] - points[i]
		switch r.IntN(4) {
		case 0:
			parts = append(parts, strconv.Itoa(n))
		case 1:
			parts = append(parts, fmt.Sprintf("[%d]", n))
		case 2:
			parts = append(parts, fmt.Sprintf("[%d,\"\"]", n))
		default:
			lines := strings.Split(randString(r, 3), "\n")
			quoted := make([]string, len(lines))
			for j, l := range lines {
				quoted[j] = jsString(l)
			}
			parts = append(parts, fmt.Sprintf("[%d,%s]", n, strings.Join(quoted, ",")))
		}
		if r.IntN(5) == 0 {
			parts = append(parts, []string{"0", "[0]", `[0,"x"]`, `[0,"😀"]`}[r.IntN(4)])
		}
	}
	return "[" + strings.Join(parts, ",") + "]"
}

type pairCase struct {
	Doc       string          `json:"doc"`
	A         json.RawMessage `json:"a"`
	B         json.RawMessage `json:"b"`
	C         json.RawMessage `json:"c,omitempty"`
	Positions []int           `json:"positions"`
}

type ofCase struct {
	Length int        `json:"length"`
	Specs  []specJSON `json:"specs"`
}

type specJSON struct {
	From   int    `json:"from"`
	To     int    `json:"to"`
	Insert string `json:"insert"`
}

type updateJSON struct {
	Changes  json.RawMessage `json:"changes"`
	ClientID string          `json:"clientID"`
}

type rebaseCase struct {
	Doc     string       `json:"doc"`
	Over    []updateJSON `json:"over"`
	Updates []updateJSON `json:"updates"`
}

type cases struct {
	Pairs  []pairCase   `json:"pairs"`
	Of     []ofCase     `json:"of"`
	Rebase []rebaseCase `json:"rebase"`
	Parse  []string     `json:"parse"`
}

// outcome is a reference answer: the value, or the message CodeMirror threw.
type outcome[T any] struct {
	OK  T       `json:"ok"`
	Err *string `json:"err"`
}

type pairResult struct {
	AJSON   string          `json:"aJSON"`
	BJSON   string          `json:"bJSON"`
	ApplyA  outcome[string] `json:"applyA"`
	Compose *outcome[struct {
		Set  string `json:"set"`
		Text string `json:"text"`
	}] `json:"compose"`
	ComposeDesc     *outcome[string]   `json:"composeDesc"`
	MapAB           outcome[string]    `json:"mapAB"`
	MapABBefore     outcome[string]    `json:"mapABBefore"`
	MapDescAB       outcome[string]    `json:"mapDescAB"`
	MapDescABBefore outcome[string]    `json:"mapDescABBefore"`
	Converge        outcome[[2]string] `json:"converge"`
	Positions       [][]string         `json:"positions"`
}

type rebaseResult = outcome[struct {
	Updates []struct {
		Changes  string `json:"changes"`
		ClientID string `json:"clientID"`
	} `json:"updates"`
	Text string `json:"text"`
}]

type results struct {
	Pairs  []pairResult      `json:"pairs"`
	Of     []outcome[string] `json:"of"`
	Rebase []rebaseResult    `json:"rebase"`
	Parse  []outcome[string] `json:"parse"`
}

// codeMirror runs testdata/codemirror.cjs once over all the cases. Without
// Node or the web packages the test is skipped, or fails when TAWLA_E2E=1
// says the full suite must run.
func codeMirror(t *testing.T, c cases) results {
	t.Helper()
	webDir, err := filepath.Abs(filepath.Join("..", "..", "web"))
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	node, err := exec.LookPath("node")
	if err != nil {
		missing = append(missing, "node")
	}
	for _, pkg := range []string{"@codemirror/state", "@codemirror/collab"} {
		if _, err := os.Stat(filepath.Join(webDir, "node_modules", pkg, "package.json")); err != nil {
			missing = append(missing, filepath.Join("web/node_modules", pkg))
		}
	}
	if len(missing) > 0 {
		msg := fmt.Sprintf("comparison with CodeMirror needs %s: install Node and run make web (npm ci in web/)", strings.Join(missing, ", "))
		if os.Getenv("TAWLA_E2E") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	input, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join("testdata", "codemirror.cjs"), webDir)
	cmd.Stdin = bytes.NewReader(input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node testdata/codemirror.cjs: %v\n%s", err, stderr.String())
	}
	var res results
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("reading the reference answers: %v", err)
	}
	if len(res.Pairs) != len(c.Pairs) || len(res.Of) != len(c.Of) || len(res.Rebase) != len(c.Rebase) || len(res.Parse) != len(c.Parse) {
		t.Fatalf("reference answered %d/%d/%d/%d cases, want %d/%d/%d/%d", len(res.Pairs), len(res.Of), len(res.Rebase), len(res.Parse), len(c.Pairs), len(c.Of), len(c.Rebase), len(c.Parse))
	}
	return res
}

// rebaseScenario plays a server and three clients that type, push with
// stale versions, and sometimes lose the acknowledgement and resend. Each
// push is a Rebase case; the server's history advances with Go's answer.
func rebaseScenario(t *testing.T, r *rand.Rand, record func(rebaseCase, []change.Update, []change.Update)) {
	type client struct {
		id      string
		base    int
		pending []change.Set
	}
	texts := []string{randString(r, 12)}
	var history []change.Update
	clients := []*client{{id: "ana"}, {id: "bilel"}, {id: "chadia"}}
	apply := func(doc string, sets ...change.Set) string {
		t.Helper()
		text := change.NewText(doc)
		for _, s := range sets {
			if err := s.Apply(&text); err != nil {
				t.Fatalf("Apply(%v) to %q: %v", s, text.String(), err)
			}
		}
		return text.String()
	}
	for range 4 + r.IntN(12) {
		c := clients[r.IntN(len(clients))]
		switch n := r.IntN(20); {
		case n < 10: // type
			local := apply(texts[c.base], c.pending...)
			if r.IntN(6) == 0 {
				// Now and then a form only ParseJSONLenient takes.
				s, err := change.ParseJSONLenient([]byte(rawSet(r, local)))
				if err != nil {
					t.Fatal(err)
				}
				c.pending = append(c.pending, s)
				break
			}
			c.pending = append(c.pending, mustOf(t, utf16Len(local), randSpecs(r, candidatesOf(r, local))))
		case n < 17 && len(c.pending) > 0: // push
			updates := make([]change.Update, len(c.pending))
			for i, s := range c.pending {
				updates[i] = change.Update{Changes: s, ClientID: c.id}
			}
			over := slices.Clone(history[c.base:])
			record(rebaseCase{Doc: texts[c.base]}, updates, over)
			rebased, err := change.Rebase(updates, over)
			if err != nil {
				// Only forms ParseJSON refuses get here; the comparison
				// checks that CodeMirror throws too.
				if allNormal(updates) && allNormal(over) {
					t.Fatalf("Rebase: %v", err)
				}
				return
			}
			for _, u := range rebased {
				history = append(history, u)
				texts = append(texts, apply(texts[len(texts)-1], u.Changes))
			}
			if r.IntN(3) > 0 { // acknowledged; otherwise the client will resend
				c.pending, c.base = nil, len(history)
			}
		default: // catch up, when nothing is pending
			if len(c.pending) == 0 {
				c.base = len(history)
			}
		}
	}
}

func TestCollabMatchesCodeMirror(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 6))
	var c cases
	var goPairs []struct{ a, b, c change.Set }

	for i := range 3000 {
		doc := randString(r, 14)
		n := utf16Len(doc)
		cand := candidatesOf(r, doc)
		var a, b change.Set
		var err error
		if i%5 == 4 {
			// Hand-written sets that are not in CodeMirror's normal form.
			if a, err = change.ParseJSONLenient([]byte(rawSet(r, doc))); err != nil {
				t.Fatal(err)
			}
			if b, err = change.ParseJSONLenient([]byte(rawSet(r, doc))); err != nil {
				t.Fatal(err)
			}
		} else {
			a = mustOf(t, n, randSpecs(r, cand))
			b = mustOf(t, n, randSpecs(r, cand))
		}
		after := change.NewText(doc)
		if err := a.Apply(&after); err != nil {
			t.Fatalf("Apply(%v) to %q: %v", a, doc, err)
		}
		mid := after.String()
		cs := mustOf(t, utf16Len(mid), randSpecs(r, candidatesOf(r, mid)))
		var positions []int
		for p := 0; p <= n+1; p++ {
			positions = append(positions, p)
		}
		c.Pairs = append(c.Pairs, pairCase{
			Doc: doc, A: json.RawMessage(mustJSON(t, a)), B: json.RawMessage(mustJSON(t, b)),
			C: json.RawMessage(mustJSON(t, cs)), Positions: positions,
		})
		goPairs = append(goPairs, struct{ a, b, c change.Set }{a, b, cs})
	}

	for range 1500 {
		doc := randString(r, 10)
		n := utf16Len(doc)
		all := cuts(doc)
		specs := []specJSON{}
		for range r.IntN(5) {
			from, to := all[r.IntN(len(all))], all[r.IntN(len(all))]
			if from > to {
				from, to = to, from
			}
			insert := randString(r, 2)
			if r.IntN(6) == 0 {
				insert += "\r\n" + randString(r, 1) + "\r"
			}
			specs = append(specs, specJSON{From: from, To: to, Insert: insert})
		}
		c.Of = append(c.Of, ofCase{Length: n, Specs: specs})
	}

	for range 1000 {
		c.Parse = append(c.Parse, rawSet(r, randString(r, 10)))
	}

	type rebaseCall struct{ updates, over []change.Update }
	var goRebase []rebaseCall
	toJSON := func(us []change.Update) []updateJSON {
		out := make([]updateJSON, len(us))
		for i, u := range us {
			out[i] = updateJSON{Changes: json.RawMessage(mustJSON(t, u.Changes)), ClientID: u.ClientID}
		}
		return out
	}
	for range 400 {
		rebaseScenario(t, r, func(rc rebaseCase, updates, over []change.Update) {
			rc.Updates, rc.Over = toJSON(updates), toJSON(over)
			c.Rebase = append(c.Rebase, rc)
			goRebase = append(goRebase, rebaseCall{updates, over})
		})
	}

	// Fixed cases where collab's mapDesc differs between a ChangeSet (which
	// always maps) and a ChangeDesc (which returns itself over an empty
	// change); only forms ParseJSON refuses tell them apart.
	lenient := func(owner string, raw ...string) []change.Update {
		var out []change.Update
		for _, js := range raw {
			set, err := change.ParseJSONLenient([]byte(js))
			if err != nil {
				t.Fatalf("ParseJSONLenient(%s): %v", js, err)
			}
			out = append(out, change.Update{Changes: set, ClientID: owner})
		}
		return out
	}
	for _, fixed := range []struct {
		doc           string
		updates, over []change.Update
	}{
		{"a", lenient("me", "[1]", `[[0],[1,"x"]]`), append(lenient("x", "[0,0,1]"), lenient("me", "[1]")...)},
		{"a", lenient("me", `[[0],[1,"x"]]`), lenient("x", "[0,0,1]")},
		{"a", lenient("me", "[1]", `[[0],[1,"x"]]`), append(lenient("x", "[0,0,1]", `[0,[0,"é"],1]`), lenient("me", "[2]")...)},
		{"ab", lenient("me", "[2]", `[1,[1,"👋🏽"]]`), append(lenient("x", "[0,[0],2]"), lenient("me", "[2]")...)},
	} {
		c.Rebase = append(c.Rebase, rebaseCase{Doc: fixed.doc, Updates: toJSON(fixed.updates), Over: toJSON(fixed.over)})
		goRebase = append(goRebase, rebaseCall{fixed.updates, fixed.over})
	}

	res := codeMirror(t, c)

	failures := 0
	fail := func(format string, args ...any) {
		t.Helper()
		failures++
		if failures <= 20 {
			t.Errorf(format, args...)
		}
	}

	normalPairs, deduplicated, ofChecked := 0, 0, 0
	for i, pc := range c.Pairs {
		want := res.Pairs[i]
		s := goPairs[i]
		where := fmt.Sprintf("pair %d (doc %q, a %s, b %s, c %s)", i, pc.Doc, pc.A, pc.B, pc.C)
		if got := mustJSON(t, s.a); got != want.AJSON {
			fail("%s: JSON of a: got %s, want %s", where, got, want.AJSON)
		}
		if got := mustJSON(t, s.b); got != want.BJSON {
			fail("%s: JSON of b: got %s, want %s", where, got, want.BJSON)
		}
		text := change.NewText(pc.Doc)
		err := s.a.Apply(&text)
		checkOutcome(fail, where+": apply", text.String(), err, want.ApplyA)

		composed, err := s.a.Compose(s.c)
		var composedText, composedJSON string
		if err == nil {
			composedJSON = mustJSON(t, composed)
			text := change.NewText(pc.Doc)
			if err = composed.Apply(&text); err == nil {
				composedText = text.String()
			}
		}
		if want.Compose == nil {
			fail("%s: no reference for compose", where)
		} else {
			var wantSet, wantText string
			if want.Compose.Err == nil {
				wantSet, wantText = want.Compose.OK.Set, want.Compose.OK.Text
			}
			checkOutcome(fail, where+": compose", composedJSON, err, outcome[string]{OK: wantSet, Err: want.Compose.Err})
			if err == nil && composedText != wantText {
				fail("%s: compose applied: got %q, want %q", where, composedText, wantText)
			}
		}
		cd, err := s.a.Desc().ComposeDesc(s.c.Desc())
		checkOutcome(fail, where+": composeDesc", descJSON(t, cd), err, *want.ComposeDesc)

		if normal(pc.A) && normal(pc.B) && normal(pc.C) {
			// What the server sends must be what it would accept.
			if composedJSON != "" && !normal([]byte(composedJSON)) {
				fail("%s: compose gives %s, which ParseJSON refuses", where, composedJSON)
			}
			for _, before := range []bool{false, true} {
				if mapped, err := s.a.Map(s.b.Desc(), before); err == nil && !normal([]byte(mustJSON(t, mapped))) {
					fail("%s: map gives %s, which ParseJSON refuses", where, mustJSON(t, mapped))
				}
			}
			normalPairs++
		}
		for _, m := range []struct {
			name   string
			before bool
			want   outcome[string]
			wantD  outcome[string]
		}{{"map", false, want.MapAB, want.MapDescAB}, {"map before", true, want.MapABBefore, want.MapDescABBefore}} {
			mapped, err := s.a.Map(s.b.Desc(), m.before)
			got := ""
			if err == nil {
				got = mustJSON(t, mapped)
			}
			checkOutcome(fail, where+": "+m.name, got, err, m.want)
			md, err := s.a.Desc().MapDesc(s.b.Desc(), m.before)
			checkOutcome(fail, where+": "+m.name+" desc", descJSON(t, md), err, m.wantD)
		}

		left, right, err := converge(pc.Doc, s.a, s.b)
		checkOutcome(fail, where+": converge", left+"\x00"+right, err, outcome[string]{OK: want.Converge.OK[0] + "\x00" + want.Converge.OK[1], Err: want.Converge.Err})
		// CodeMirror itself does not converge on some forms it never
		// writes, which is why ParseJSON refuses them.
		if err == nil && left != right && normal(pc.A) && normal(pc.B) {
			fail("%s: a∘map(b,a) gives %q but b∘map(a,b,before) gives %q", where, left, right)
		}

		for j, pos := range pc.Positions {
			var got []string
			for _, assoc := range []int{-1, 1} {
				for mode := change.Simple; mode <= change.TrackAfter; mode++ {
					p, ok, err := s.a.MapPos(pos, assoc, mode)
					switch {
					case err != nil:
						got = append(got, "error")
					case !ok:
						got = append(got, "deleted")
					default:
						got = append(got, strconv.Itoa(p))
					}
				}
			}
			if !slices.Equal(got, want.Positions[j]) {
				fail("%s: mapPos(%d) for assoc -1,1 × Simple,TrackDel,TrackBefore,TrackAfter: got %v, want %v", where, pos, got, want.Positions[j])
			}
		}
	}

	for i, oc := range c.Of {
		specs := make([]change.Spec, len(oc.Specs))
		for j, s := range oc.Specs {
			specs[j] = change.Spec{From: s.From, To: s.To, Insert: s.Insert}
		}
		set, err := change.Of(oc.Length, specs...)
		got := ""
		if err == nil {
			got = mustJSON(t, set)
		}
		checkOutcome(fail, fmt.Sprintf("Of(%d, %+v)", oc.Length, oc.Specs), got, err, res.Of[i])
		if err == nil && !normal([]byte(got)) {
			fail("Of(%d, %+v) gives %s, which ParseJSON refuses", oc.Length, oc.Specs, got)
		}
		ofChecked++
	}

	for i, raw := range c.Parse {
		set, err := change.ParseJSONLenient([]byte(raw))
		got := ""
		if err == nil {
			got = mustJSON(t, set)
		}
		checkOutcome(fail, fmt.Sprintf("ParseJSON(%s)", raw), got, err, res.Parse[i])
		if normal([]byte(raw)) && got != raw {
			fail("ParseJSON(%s) accepted, but it does not round-trip: %s", raw, got)
		}
	}

	for i, call := range goRebase {
		want := res.Rebase[i]
		where := fmt.Sprintf("rebase %d (doc %q, over %s, updates %s)", i, c.Rebase[i].Doc, mustMarshal(t, c.Rebase[i].Over), mustMarshal(t, c.Rebase[i].Updates))
		rebased, err := change.Rebase(call.updates, call.over)
		if (err != nil) != (want.Err != nil) {
			fail("%s: got error %v, CodeMirror %v", where, err, deref(want.Err))
			continue
		}
		if err != nil {
			continue
		}
		if len(rebased) < len(call.updates) {
			deduplicated++
		}
		for _, u := range rebased {
			if allNormal(call.updates) && allNormal(call.over) && !normal([]byte(mustJSON(t, u.Changes))) {
				fail("%s: rebased update %s is refused by ParseJSON", where, mustJSON(t, u.Changes))
			}
		}
		if len(rebased) != len(want.OK.Updates) {
			fail("%s: got %d updates, want %d", where, len(rebased), len(want.OK.Updates))
			continue
		}
		text := change.NewText(c.Rebase[i].Doc)
		for _, u := range call.over {
			if err := u.Changes.Apply(&text); err != nil {
				t.Fatalf("%s: applying over: %v", where, err)
			}
		}
		for j, u := range rebased {
			if got := mustJSON(t, u.Changes); got != want.OK.Updates[j].Changes || u.ClientID != want.OK.Updates[j].ClientID {
				fail("%s: update %d: got %s from %s, want %s from %s", where, j, got, u.ClientID, want.OK.Updates[j].Changes, want.OK.Updates[j].ClientID)
			}
			if err := u.Changes.Apply(&text); err != nil {
				fail("%s: applying rebased update %d: %v", where, j, err)
			}
		}
		if got := text.String(); got != want.OK.Text {
			fail("%s: final text %q, want %q", where, got, want.OK.Text)
		}
	}

	if failures > 20 {
		t.Errorf("... and %d more differences", failures-20)
	}
	t.Logf("compared with CodeMirror: %d pairs (%d in normal form) × apply, compose, composeDesc, map, mapDesc, convergence; %d mapPos; %d Of; %d parses; %d rebases (%d dropping a resent update)",
		len(c.Pairs), normalPairs, countPositions(c.Pairs)*8, ofChecked, len(c.Parse), len(c.Rebase), deduplicated)
}

// converge applies a then b mapped over a, and b then a mapped over b with
// before set: collaborative editing relies on both giving the same text.
func converge(doc string, a, b change.Set) (string, string, error) {
	run := func(first, second change.Set, before bool) (string, error) {
		mapped, err := second.Map(first.Desc(), before)
		if err != nil {
			return "", err
		}
		composed, err := first.Compose(mapped)
		if err != nil {
			return "", err
		}
		text := change.NewText(doc)
		if err := composed.Apply(&text); err != nil {
			return "", err
		}
		return text.String(), nil
	}
	left, err := run(a, b, false)
	if err != nil {
		return "", "", err
	}
	right, err := run(b, a, true)
	return left, right, err
}

func checkOutcome(fail func(string, ...any), where, got string, err error, want outcome[string]) {
	switch {
	case err != nil && want.Err == nil:
		fail("%s: got error %v, CodeMirror gives %s", where, err, want.OK)
	case err == nil && want.Err != nil:
		fail("%s: got %s, CodeMirror throws %s", where, got, *want.Err)
	case err == nil && got != want.OK:
		fail("%s: got %s, want %s", where, got, want.OK)
	}
}

func descJSON(t testing.TB, d change.Desc) string {
	t.Helper()
	b, err := d.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustMarshal(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func countPositions(ps []pairCase) int {
	n := 0
	for _, p := range ps {
		n += len(p.Positions)
	}
	return n
}

// normal reports whether ParseJSON accepts the change set.
func normal(raw []byte) bool {
	_, err := change.ParseJSON(raw)
	return err == nil
}

// jsString quotes s as JSON.stringify does for the strings used here.
func jsString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func allNormal(us []change.Update) bool {
	for _, u := range us {
		b, err := u.Changes.MarshalJSON()
		if err != nil || !normal(b) {
			return false
		}
	}
	return true
}
