package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// arrivals records what a counter reports.
type arrivals struct{ ids []EditID }

func (a *arrivals) handlers() Handlers {
	return Handlers{Arrived: func(id EditID, _ time.Time) { a.ids = append(a.ids, id) }}
}

func TestTawlaCounter(t *testing.T) {
	doc := &tawlaDoc{authorOf: []int32{7, 9, -1}}
	var got arrivals
	rc := &tawlaCounter{doc: doc, h: got.handlers()}
	msgs := []string{
		// As collab/room.go writes them; a change inserting text that
		// looks like a clientID key, escaped as JSON escapes it.
		`{"type":"doc.updates","doc":5,"version":3,"updates":[{"clientID":"a1","changes":[3,[0,"x\"clientID\":\"a0"]]},{"clientID":"r2","changes":[1]},{"clientID":"a0","changes":[[0,"y"]]}]}`,
		`{"type":"doc.updates","doc":5,"version":6,"updates":[{"clientID":"a1","changes":[[0,"z"],4]},{"clientID":"a2","changes":[5]}]}`,
		`{"canEdit":false,"doc":5,"peers":[],"text":"\"type\":\"doc.updates\"","type":"doc.state","version":1}`,
		`{"type":"doc.peers","doc":5,"messages":[{"type":"doc.peer","peer":"p1","event":"join"}]}`,
	}
	for _, m := range msgs {
		if err := rc.handle(wsText, []byte(m), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	// a2 has not edited yet (its author is unknown): counted, not reported.
	want := []EditID{{9, 1}, {7, 1}, {9, 2}}
	if !slices.Equal(got.ids, want) {
		t.Fatalf("arrivals %v, want %v", got.ids, want)
	}
	if err := rc.handle(wsText, []byte(`{"type":"error","code":"forbidden","message":"no"}`), time.Now()); err == nil {
		t.Fatal("an error message was not reported")
	}
}

func TestSharedbCounter(t *testing.T) {
	d := &sharedbDriver{bySrc: map[string]*sharedbEditor{}}
	author := &sharedbEditor{sent: [][]EditID{{{3, 1}}, {{3, 2}, {3, 3}}}}
	d.bySrc["s1"] = author
	var got arrivals
	rc := &sharedbCounter{d: d, doc: []byte("bench-1"), h: got.handlers(), version: 5}
	for _, m := range []string{
		`{"src":"s1","seq":2,"v":5,"a":"op","c":"docs","d":"bench-1","op":[3,{"d":2},"has \"v\":4, and ] and }"]}`,
		`{"a":"op","c":"docs","d":"bench-2","v":6,"src":"s1","seq":1,"op":[1]}`, // another document
		`{"a":"op","c":"docs","d":"bench-1","v":5,"src":"s1","seq":1,"op":[1]}`, // a duplicate
		`{"a":"op","c":"docs","d":"bench-1","v":6,"src":"s1","seq":1,"op":["x"]}`,
		`{"a":"p","ch":"x"}`,
	} {
		if err := rc.handle(wsText, []byte(m), time.Now()); err != nil {
			t.Fatalf("%s: %v", m, err)
		}
	}
	want := []EditID{{3, 2}, {3, 3}, {3, 1}}
	if !slices.Equal(got.ids, want) || rc.version != 7 {
		t.Fatalf("arrivals %v at version %d, want %v at 7", got.ids, rc.version, want)
	}
	if err := rc.handle(wsText, []byte(`{"a":"op","d":"bench-1","v":9,"src":"s1","seq":1,"op":[]}`), time.Now()); err == nil {
		t.Fatal("a gap in versions was not reported")
	}
	if err := rc.handle(wsText, []byte(`{"a":"op","d":"bench-1","error":{"code":"ERR","message":"no"}}`), time.Now()); err == nil {
		t.Fatal("an error was not reported")
	}
}

func TestJSONTopFields(t *testing.T) {
	var keys []string
	err := jsonTopFields([]byte(` { "a" : "op" , "op":[1,{"d":[2,"]"]}],"n":-1.5e3,"t":true,"s":"\\\""} `), func(k, v []byte) error {
		keys = append(keys, string(k)+"="+string(v))
		return nil
	})
	want := []string{`a="op"`, `op=[1,{"d":[2,"]"]}]`, `n=-1.5e3`, `t=true`, `s="\\\""`}
	if err != nil || !slices.Equal(keys, want) {
		t.Fatalf("got %q, %v; want %q", keys, err, want)
	}
	for _, bad := range []string{`[1]`, `{"a"}`, `{"a":"x`, `{"a":[1}`, `{"a":1,}`} {
		if jsonTopFields([]byte(bad), func(_, _ []byte) error { return nil }) == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// TestScanUpdate checks that the parse-only path finds in updates what
// applyUpdate finds, on the updates of random concurrent editing.
func TestScanUpdate(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 2))
	docs := []*yDoc{newYDoc(11), newYDoc(12), newYDoc(13)}
	var info yUpdateInfo
	for i := range 300 {
		from := docs[r.IntN(len(docs))]
		n := from.length
		pos := r.IntN(n + 1)
		del := 0
		if n > pos && r.IntN(3) == 0 {
			del = 1 + r.IntN(min(5, n-pos))
		}
		ins := ""
		if del == 0 || r.IntN(2) == 0 {
			ins = fmt.Sprint("w", i, "é😀")
		}
		update, _, _, err := from.localEdit(pos, del, ins)
		if err != nil {
			t.Fatal(err)
		}
		if update == nil {
			continue
		}
		if err := scanUpdate(update, &info); err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			if d == from {
				continue
			}
			applied, err := d.applyUpdate(update)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(applied.structs, info.structs) || !slices.Equal(applied.deletes, info.deletes) {
				t.Fatalf("update %d: scanned %+v, applied %+v", i, info, applied)
			}
		}
	}
	if err := scanUpdate([]byte{1, 1}, &info); err == nil {
		t.Fatal("a truncated update gave no error")
	}
}

func TestYjsCounter(t *testing.T) {
	d := &yjsDriver{}
	author := &yjsEditor{}
	src := newYDoc(77)
	ins, item, _, err := src.localEdit(0, 0, "hello")
	if err != nil {
		t.Fatal(err)
	}
	d.inserts.Store(item.id, yjsEdit{by: author, id: EditID{4, 1}})
	del, _, ds, err := src.localEdit(1, 2, "")
	if err != nil {
		t.Fatal(err)
	}
	d.deletes.Store(yID{ds[0].client, ds[0].clock}, yjsEdit{by: author, id: EditID{4, 2}})
	var got arrivals
	rc := &yjsCounter{d: d, h: got.handlers()}
	for _, u := range [][]byte{ins, del} {
		var msg yEncoder
		msg.uint(yMsgSync)
		msg.uint(ySyncUpdate)
		msg.bytes(u)
		if err := rc.handle(wsBinary, msg.b, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if err := rc.handle(wsBinary, []byte{yMsgAwareness, 1, 0}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if want := []EditID{{4, 1}, {4, 2}}; !slices.Equal(got.ids, want) {
		t.Fatalf("arrivals %v, want %v", got.ids, want)
	}
}
