package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

// Tests of the Go ports behind the peer drivers: ot-text-unicode
// (driver_sharedb_ot.go) and Yjs (driver_yjs_doc.go). The *MatchesXxx
// tests compare them with the npm packages through bench/peers/reference.js.

func mustOp(t *testing.T, s string) textOp {
	t.Helper()
	var op textOp
	if err := json.Unmarshal([]byte(s), &op); err != nil {
		t.Fatalf("op %s: %v", s, err)
	}
	return op
}

func opJSON(t *testing.T, op textOp) string {
	t.Helper()
	b, err := json.Marshal(op)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestTextOp checks hand-worked cases; the answers are ot-text-unicode's.
func TestTextOp(t *testing.T) {
	a := mustOp(t, `[1,"x",{"d":2}]`)
	b := mustOp(t, `[1,"y"]`)
	left, err := transformText(a, b, true)
	if err != nil {
		t.Fatal(err)
	}
	right, err := transformText(a, b, false)
	if err != nil {
		t.Fatal(err)
	}
	composed, err := composeText(a, mustOp(t, `["z"]`))
	if err != nil {
		t.Fatal(err)
	}
	applied, delta, err := applyText([]rune("hello"), a)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, got, want string }{
		{"left", opJSON(t, left), `[1,"x",1,{"d":2}]`},
		{"right", opJSON(t, right), `[2,"x",{"d":2}]`},
		{"composed", opJSON(t, composed), `["z",1,"x",{"d":2}]`},
		{"applied", string(applied), "hxlo"},
		{"delta", fmt.Sprint(delta), "-1"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %s, want %s", c.name, c.got, c.want)
		}
	}
	// Code points, not UTF-16 units: the emoji is one.
	applied, delta, err = applyText([]rune("a😀b"), mustOp(t, `[2,"c",{"d":1}]`))
	if err != nil || string(applied) != "a😀c" || delta != 0 {
		t.Errorf("apply over an emoji = %q, %d, %v; want \"a😀c\", 0, nil", string(applied), delta, err)
	}
	if _, _, err := applyText([]rune("ab"), mustOp(t, `[1,{"d":5}]`)); err == nil {
		t.Error("a delete past the end applied")
	}
	if i, err := runeIndex([]rune("a😀b"), 3); err != nil || i != 2 {
		t.Errorf("runeIndex(a😀b, 3) = %d, %v; want 2", i, err)
	}
}

// randText returns n random characters, some outside the BMP.
func randText(r *rand.Rand, n int) string {
	alphabet := []string{"a", "b", "c", " ", "é", "😀", "ß", "\n", "ض"}
	var b strings.Builder
	for range n {
		b.WriteString(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

// randOp returns a random op on a text of n code points.
func randOp(r *rand.Rand, n int) textOp {
	var op textOp
	for at := 0; at < n || r.IntN(3) == 0; {
		switch k := r.IntN(4); {
		case k == 0 && at < n:
			skip := 1 + r.IntN(n-at)
			op = append(op, textComp{Skip: skip})
			at += skip
		case k == 1 && at < n:
			del := 1 + r.IntN(min(4, n-at))
			op = append(op, textComp{Del: del})
			at += del
		case k == 2:
			op = append(op, textComp{Ins: []rune(randText(r, 1+r.IntN(3)))})
		default:
			if at >= n {
				return op.normalize()
			}
		}
		if r.IntN(5) == 0 {
			break
		}
	}
	return op.normalize()
}

// TestTextOpMatchesOTTextUnicode compares apply, transform (both sides)
// and compose with the npm package on random ops.
func TestTextOpMatchesOTTextUnicode(t *testing.T) {
	type tuCase struct {
		Doc     string `json:"doc"`
		A, B, C textOp
	}
	r := rand.New(rand.NewPCG(4, 2))
	var cases []map[string]any
	var mine []tuCase
	for range 400 {
		doc := randText(r, r.IntN(12))
		n := len([]rune(doc))
		a, b := randOp(r, n), randOp(r, n)
		after, _, err := applyText([]rune(doc), a)
		if err != nil {
			t.Fatalf("applying a random op %s to %q: %v", opJSON(t, a), doc, err)
		}
		c := randOp(r, len(after))
		mine = append(mine, tuCase{doc, a, b, c})
		cases = append(cases, map[string]any{"doc": doc, "a": a, "b": b, "c": c})
	}
	var ref struct {
		TextUnicode []struct {
			Applied               string
			Left, Right, Composed textOp
		} `json:"textUnicode"`
	}
	reference(t, map[string]any{"textUnicode": cases}, &ref)
	if len(ref.TextUnicode) != len(mine) {
		t.Fatalf("reference answered %d cases, want %d", len(ref.TextUnicode), len(mine))
	}
	for i, c := range mine {
		want := ref.TextUnicode[i]
		applied, _, err := applyText([]rune(c.Doc), c.A)
		if err != nil || string(applied) != want.Applied {
			t.Errorf("apply(%q, %s) = %q, %v; want %q", c.Doc, opJSON(t, c.A), string(applied), err, want.Applied)
		}
		for _, side := range []struct {
			left bool
			want textOp
		}{{true, want.Left}, {false, want.Right}} {
			got, err := transformText(c.A, c.B, side.left)
			if err != nil || opJSON(t, got) != opJSON(t, side.want) {
				t.Errorf("transform(%s, %s, left=%v) = %s, %v; want %s", opJSON(t, c.A), opJSON(t, c.B), side.left, opJSON(t, got), err, opJSON(t, side.want))
			}
		}
		got, err := composeText(c.A, c.C)
		if err != nil || opJSON(t, got) != opJSON(t, want.Composed) {
			t.Errorf("compose(%s, %s) = %s, %v; want %s", opJSON(t, c.A), opJSON(t, c.C), opJSON(t, got), err, opJSON(t, want.Composed))
		}
	}
}

// yScenario plays Go Yjs clients editing one text concurrently: each step
// one client edits or takes the next update another client sent it. It
// returns the clients and the updates in the order they were made.
func yScenario(t *testing.T, seed uint64, clients, steps int) ([]*yDoc, [][]byte) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	docs := make([]*yDoc, clients)
	queues := make([][][]byte, clients)
	for i := range docs {
		docs[i] = newYDoc(uint64(500 + 31*i))
	}
	var updates [][]byte
	boundary := func(d *yDoc, pos int) int {
		u := utf16.Encode([]rune(d.String()))
		if pos > 0 && pos < len(u) && utf16.IsSurrogate(rune(u[pos-1])) && u[pos-1] < 0xDC00 {
			return pos + 1
		}
		return pos
	}
	deliver := func(i int) {
		u := queues[i][0]
		queues[i] = queues[i][1:]
		if _, err := docs[i].applyUpdate(u); err != nil {
			t.Fatalf("client %d applying update: %v", i, err)
		}
	}
	for range steps {
		i := r.IntN(clients)
		d := docs[i]
		if r.IntN(100) < 55 {
			pos := boundary(d, r.IntN(d.length+1))
			end := pos
			if r.IntN(10) < 4 {
				end = boundary(d, min(d.length, pos+r.IntN(6)))
			}
			ins := ""
			if end == pos || r.IntN(2) == 0 {
				ins = randText(r, 1+r.IntN(4))
			}
			update, _, _, err := d.localEdit(pos, end-pos, ins)
			if err != nil {
				t.Fatalf("client %d edit(%d, %d, %q): %v", i, pos, end-pos, ins, err)
			}
			updates = append(updates, update)
			for j := range queues {
				if j != i {
					queues[j] = append(queues[j], update)
				}
			}
		} else if len(queues[i]) > 0 {
			deliver(i)
		}
	}
	for i := range docs {
		for len(queues[i]) > 0 {
			deliver(i)
		}
	}
	return docs, updates
}

// TestYDocConverges checks that Go clients editing concurrently end with
// one text, each length counted right.
func TestYDocConverges(t *testing.T) {
	for seed := range uint64(20) {
		docs, _ := yScenario(t, seed, 4, 300)
		want := docs[0].String()
		for i, d := range docs {
			if got := d.String(); got != want {
				t.Fatalf("seed %d: client %d has %q, client 0 %q", seed, i, got, want)
			}
			if n := len(utf16.Encode([]rune(want))); d.length != n {
				t.Fatalf("seed %d: client %d counts %d UTF-16 units, the text has %d", seed, i, d.length, n)
			}
		}
	}
}

// TestYDocConcurrentInserts checks YATA's order for inserts at one place:
// the lower client id goes first, whatever the order they arrive in.
func TestYDocConcurrentInserts(t *testing.T) {
	a, b := newYDoc(1), newYDoc(2)
	ua, _, _, err := a.localEdit(0, 0, "aa")
	if err != nil {
		t.Fatal(err)
	}
	ub, _, _, err := b.localEdit(0, 0, "bb")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.applyUpdate(ub); err != nil {
		t.Fatal(err)
	}
	if _, err := b.applyUpdate(ua); err != nil {
		t.Fatal(err)
	}
	if a.String() != "aabb" || b.String() != "aabb" {
		t.Errorf("texts = %q, %q; want \"aabb\" for both", a.String(), b.String())
	}
}

// TestYDocReadsYjsUpdates applies updates made by yjs 13.6 (recorded from
// reference.js): three clients typing and deleting concurrently.
func TestYDocReadsYjsUpdates(t *testing.T) {
	updates := []string{
		"AQH5BwAEAQR0ZXh0CGPDqfCfmIAgAA==", "AQGKCAAEAQR0ZXh0AWIA", "AQH5BwXE+QcB+QcCAmJhAA==",
		"AQGKCAFEiggAB8OfYvCfmIAA", "AQGKCAWEiggAAWIBiggBAAE=", "AQHoBwAEAQR0ZXh0B2IK8J+YgCAA",
		"AAH5BwEEAQ==",
	}
	d := newYDoc(99)
	for i, u := range updates {
		b, err := base64.StdEncoding.DecodeString(u)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.applyUpdate(b); err != nil {
			t.Fatalf("update %d: %v", i, err)
		}
	}
	// The updates come from one run of reference.js's scenario (seed 1);
	// the text is the one a Y.Doc shows after applying them in order.
	const want = "b\n😀 céba😀ßb😀b"
	if got := d.String(); got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
}

// TestYDocMatchesYjs checks the port against yjs both ways: updates made
// in Go, applied by a Y.Doc, give the Go text; updates made by Y.Docs,
// applied in Go, give theirs; and each side reads the other's full state.
func TestYDocMatchesYjs(t *testing.T) {
	for seed := range uint64(8) {
		docs, updates := yScenario(t, seed, 3, 250)
		state, err := docs[1].diffUpdate([]byte{0})
		if err != nil {
			t.Fatal(err)
		}
		var b64 []string
		for _, u := range updates {
			b64 = append(b64, base64.StdEncoding.EncodeToString(u))
		}
		var ref struct {
			GoText      string `json:"goText"`
			GoStateText string `json:"goStateText"`
			Yjs         struct {
				Updates []string `json:"updates"`
				Text    string   `json:"text"`
				State   string   `json:"state"`
			} `json:"yjs"`
		}
		reference(t, map[string]any{
			"goUpdates":   b64,
			"goState":     base64.StdEncoding.EncodeToString(state),
			"yjsScenario": map[string]any{"seed": seed + 1, "clients": 3, "steps": 250},
		}, &ref)
		want := docs[0].String()
		if ref.GoText != want {
			t.Errorf("seed %d: yjs made %q of Go's updates, Go %q", seed, ref.GoText, want)
		}
		if ref.GoStateText != want {
			t.Errorf("seed %d: yjs made %q of Go's state, Go %q", seed, ref.GoStateText, want)
		}
		d := newYDoc(1)
		for i, u := range ref.Yjs.Updates {
			b, err := base64.StdEncoding.DecodeString(u)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := d.applyUpdate(b); err != nil {
				t.Fatalf("seed %d: yjs update %d: %v", seed, i, err)
			}
		}
		if got := d.String(); got != ref.Yjs.Text {
			t.Errorf("seed %d: Go made %q of yjs's updates, yjs %q", seed, got, ref.Yjs.Text)
		}
		full := newYDoc(2)
		b, err := base64.StdEncoding.DecodeString(ref.Yjs.State)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := full.applyUpdate(b); err != nil {
			t.Fatalf("seed %d: yjs state: %v", seed, err)
		}
		if got := full.String(); got != ref.Yjs.Text {
			t.Errorf("seed %d: Go made %q of yjs's state, yjs %q", seed, got, ref.Yjs.Text)
		}
	}
}

// peersInstalled returns bench/peers when node and its packages are there.
// Otherwise the test is skipped, or fails when TAWLA_BENCH=1 says the
// benchmark's tests must run.
func peersInstalled(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := peersDir(root)
	if err == nil {
		_, err = exec.LookPath("node")
	}
	if err != nil {
		msg := fmt.Sprintf("needs Node and bench/peers installed (make bench-peers): %v", err)
		if os.Getenv("TAWLA_BENCH") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dir
}

// reference runs bench/peers/reference.js on input and decodes its answer
// into out.
func reference(t *testing.T, input any, out any) {
	t.Helper()
	dir := peersInstalled(t)
	in, err := json.Marshal(input)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", "reference.js")
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	answer, err := cmd.Output()
	if err != nil {
		t.Fatalf("node reference.js: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(answer, out); err != nil {
		t.Fatalf("reading reference.js's answer: %v", err)
	}
}
