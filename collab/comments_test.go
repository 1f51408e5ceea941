package collab_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	wsclient "tawla/client"
	"tawla/collab"
	"tawla/demo"
	"tawla/workspace"
	"tawla/workspace/change"
	"tawla/workspace/sqlite"
)

// The tests of comments and suggested changes live here, beside the room
// that maps their passages: they drive it with Go editors as browsers do.

// placeComment places a comment (or, with proposed, a suggestion) by acc
// on the passage from..to of the document at version base, as the server's
// comment form does.
func placeComment(t *testing.T, ts *testServer, docID int64, acc *workspace.Account, base, from, to int, body, proposed string) *workspace.Comment {
	t.Helper()
	c := &workspace.Comment{Kind: workspace.KindComment, Body: body}
	if proposed != "" {
		c.Kind, c.Proposed = workspace.KindSuggestion, proposed
	}
	_, err := ts.collab.AddAnchor(context.Background(), docID, collab.AnchorRequest{Base: base, From: from, To: to,
		Within: func(ctx context.Context, tx *sqlite.Tx, a *workspace.Anchor) error {
			return tx.CreateComment(ctx, workspace.ActorFor(acc), a, c)
		}})
	if err != nil {
		t.Fatalf("comment on %d..%d at version %d: %v", from, to, base, err)
	}
	return c
}

// unitIndex returns the UTF-16 offset of the first occurrence of word in
// text, failing the test when it is not there.
func unitIndex(t *testing.T, text, word string) int {
	t.Helper()
	i := strings.Index(text, word)
	if i < 0 {
		t.Fatalf("%q is not in the text %q", word, text)
	}
	return utf16Len(text[:i])
}

// unitSlice returns the text between two UTF-16 offsets.
func unitSlice(text string, from, to int) string {
	u := utf16.Encode([]rune(text))
	if from < 0 || to > len(u) || from > to {
		return fmt.Sprintf("<out of range %d..%d of %d>", from, to, len(u))
	}
	return string(utf16.Decode(u[from:to]))
}

// TestAnchorsFollowEdits comments on words of a draft, then edits it
// before, after, inside and across the passages, first one edit at a time
// and then from several Go editors at once, inserting at the very ends of
// the passages and deleting words beside them. Every comment must stay on
// its words — the text at its anchor is compared with the words it is
// about — and a deleted passage marks its comment removed, with its quote.
func TestAnchorsFollowEdits(t *testing.T) {
	ts := newTestServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const initial = "# Accueil des migrants de retour\n\n" +
		"alpha bravo zz1 charlie delta echo zz2 foxtrot golf hotel india juliet kilo lima.\n" +
		"الاستقبال في مقر zz3 الولاية أولا 🙂 zz4 ثم التوجيه.\n"
	docID := collabDoc(t, ts, initial)
	member := ts.account(t, demo.MemberEmail)

	// want is, for each commented passage, the words it must keep.
	type commented struct {
		c    *workspace.Comment
		want string
	}
	var all []*commented
	comment := func(words string) *commented {
		text, version, err := ts.collab.Text(ctx, docID)
		if err != nil {
			t.Fatal(err)
		}
		from := unitIndex(t, text, words)
		cm := &commented{c: placeComment(t, ts, docID, member, version, from, from+utf16Len(words), "Sur « "+words+" »", ""), want: words}
		all = append(all, cm)
		return cm
	}
	bravo, delta, golf := comment("bravo"), comment("delta echo"), comment("golf")
	india, kilo := comment("india juliet"), comment("kilo")
	wilaya, emoji := comment("الولاية"), comment("أولا 🙂")

	sessions := []*wsclient.Session{collabLogin(t, ts, demo.MemberEmail), collabLogin(t, ts, demo.SecretariatEmail), collabLogin(t, ts, demo.AdminEmail)}
	var errs errorRecorder
	editors := make([]*wsclient.Editor, len(sessions))
	for i, s := range sessions {
		editors[i] = collabOpen(t, ctx, s, docID, wsclient.Options{ClientID: "anchors-" + strconv.Itoa(i), OnError: errs.record("editor " + strconv.Itoa(i))})
	}
	a := editors[0]
	edit := func(e *wsclient.Editor, fn func(text string) (from, to int, insert string)) {
		t.Helper()
		from, to, insert := fn(e.Text())
		if err := e.Replace(from, to, insert); err != nil {
			t.Fatal(err)
		}
	}
	// sync waits until every editor has confirmed its updates and has the
	// document's last version, which the store then holds too.
	syncAll := func() {
		t.Helper()
		for _, e := range editors {
			if err := e.Sync(ctx); err != nil {
				t.Fatal(err)
			}
		}
		_, version, err := ts.collab.Text(ctx, docID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range editors {
			if err := e.WaitVersion(ctx, version); err != nil {
				t.Fatal(err)
			}
		}
	}
	check := func(stage string) {
		t.Helper()
		syncAll()
		text, _, err := ts.collab.Text(ctx, docID)
		if err != nil {
			t.Fatal(err)
		}
		threads, err := ts.db.FindCommentThreads(ctx, sqlite.CommentFilter{ProcedureID: bravo.c.ProcedureID})
		if err != nil {
			t.Fatal(err)
		}
		byID := map[int64]*workspace.Comment{}
		for _, c := range threads {
			byID[c.ID] = c
		}
		for _, cm := range all {
			got := byID[cm.c.ID]
			if got == nil || got.Anchor == nil {
				t.Fatalf("%s: comment %d on %q lost its anchor", stage, cm.c.ID, cm.want)
			}
			if got.Anchor.Removed {
				if cm != kilo || stage != "removed" {
					t.Errorf("%s: comment on %q was marked removed (last text %q)", stage, cm.want, got.Anchor.LastText)
				}
				continue
			}
			if at := unitSlice(text, got.Anchor.From, got.Anchor.To); at != cm.want {
				t.Errorf("%s: the comment on %q sits on %q (%d..%d) in %q", stage, cm.want, at, got.Anchor.From, got.Anchor.To, text)
			}
		}
	}

	// One at a time: before, after, inside and across passages.
	edit(a, func(text string) (int, int, string) { i := unitIndex(t, text, "bravo"); return i, i, "avant " })
	edit(a, func(text string) (int, int, string) { i := unitIndex(t, text, "golf") + 4; return i, i, " après" })
	edit(a, func(text string) (int, int, string) { i := unitIndex(t, text, "delta") + 5; return i, i, " et" })
	delta.want = "delta et echo"
	// Across the start of "india juliet": "hotel ind" becomes "HÔTEL-",
	// so the passage keeps what is left of it.
	edit(a, func(text string) (int, int, string) { i := unitIndex(t, text, "hotel ind"); return i, i + 9, "HÔTEL-" })
	india.want = "ia juliet"
	// Across the end of "أولا 🙂": the emoji and what follows it up to zz4.
	edit(a, func(text string) (int, int, string) { i := unitIndex(t, text, "🙂"); return i, i + 3, "☺" })
	emoji.want = "أولا "
	check("one at a time")

	// At once: every editor inserts at the very start or end of passages
	// (text inserted there stays outside them) and deletes its filler word
	// beside them, while the others do the same.
	var wg sync.WaitGroup
	words := []string{bravo.want, delta.want, golf.want, india.want, kilo.want, wilaya.want, emoji.want}
	for i, e := range editors {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			for n := range 40 {
				if ctx.Err() != nil {
					return
				}
				err := e.Edit(func(text change.Text) []change.Spec {
					s := text.String()
					w := words[rng.IntN(len(words))]
					at := strings.Index(s, w)
					if at < 0 {
						return nil
					}
					pos := utf16Len(s[:at])
					if rng.IntN(2) == 0 {
						pos += utf16Len(w)
					}
					ins := fmt.Sprintf("[%d.%d]", i, n)
					if n == 20 {
						// Delete the filler word beside a passage.
						if f := strings.Index(s, "zz"+strconv.Itoa(i+1)+" "); f >= 0 {
							fp := utf16Len(s[:f])
							return []change.Spec{{From: fp, To: fp + 4}}
						}
					}
					return []change.Spec{{From: pos, To: pos, Insert: ins}}
				})
				if err != nil {
					errs.record("editor " + strconv.Itoa(i))(err)
					return
				}
				time.Sleep(time.Duration(rng.IntN(3)) * time.Millisecond)
			}
		})
	}
	wg.Wait()
	errs.check(t)
	check("at once")

	// Deleting a passage whole marks its comment removed, quote kept.
	edit(editors[1], func(text string) (int, int, string) {
		i := unitIndex(t, text, "kilo")
		return i - 1, i + 4, ""
	})
	check("removed")
	got, err := ts.db.FindCommentByID(ctx, kilo.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Anchor.Removed || got.Anchor.LastText != "kilo" || got.Anchor.Quote != "kilo" || got.Passage() != "kilo" {
		t.Errorf("the comment on the deleted passage: removed %v, last text %q, quote %q, passage %q; want removed with \"kilo\"",
			got.Anchor.Removed, got.Anchor.LastText, got.Anchor.Quote, got.Passage())
	}
	if got.Status != workspace.StatusOpen {
		t.Errorf("the comment on the deleted passage is %s, want it still open", got.Status)
	}
}

// TestSuggestionAccept suggests a change to a passage, moves the passage
// with edits from a connected editor, and accepts the suggestion through
// the HTTP route as the secretariat: the draft must hold exactly the
// proposed text in place of the passage, every connected editor must
// receive the update, and the suggestion must be accepted, with its audit
// entry. Accepting it again is a conflict and changes nothing.
func TestSuggestionAccept(t *testing.T) {
	ts := newTestServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const initial = "# Délais\n\nLa réponse est donnée sous deux jours ouvrables.\nالرد خلال يومين.\n"
	docID := collabDoc(t, ts, initial)
	stakeholder := ts.account(t, demo.StakeholderEmail)
	proc, err := ts.db.FindProcedureByDocumentID(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.db.OpenConsultation(ctx, workspace.SystemActor("test"), &workspace.Consultation{ProcedureID: proc.ID, ClosesAt: ts.clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	from := unitIndex(t, initial, "deux jours")
	const proposed = "48 heures (« délai » : ٤٨ ساعة)"
	sugg := placeComment(t, ts, docID, stakeholder, 0, from, from+len("deux jours"), "Plus précis.", proposed)

	var mu sync.Mutex
	received := map[int]bool{}
	member := collabOpen(t, ctx, collabLogin(t, ts, demo.MemberEmail), docID, wsclient.Options{ClientID: "member"})
	watcher := collabOpen(t, ctx, collabLogin(t, ts, demo.StakeholderEmail), docID, wsclient.Options{ClientID: "watcher",
		OnUpdate: func(u wsclient.UpdateInfo) {
			if strings.HasPrefix(u.ClientID, "server:") {
				mu.Lock()
				received[u.Version] = true
				mu.Unlock()
			}
		}})
	// Move the passage: text before it, and a word after it.
	if err := member.Insert(unitIndex(t, member.Text(), "La réponse"), "Règle : "); err != nil {
		t.Fatal(err)
	}
	if err := member.Insert(unitIndex(t, member.Text(), " ouvrables"), " pleins"); err != nil {
		t.Fatal(err)
	}
	if err := member.Sync(ctx); err != nil {
		t.Fatal(err)
	}

	sec := ts.loginAs(t, demo.SecretariatEmail)
	post := func() *http.Response {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/procedures/"+strconv.FormatInt(proc.ID, 10)+"/comments/"+strconv.FormatInt(sugg.ID, 10)+"/accept",
			strings.NewReader(url.Values{"reason": {"Plus clair."}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", ts.URL)
		resp, err := sec.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	if resp := post(); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: status %d, want 303", resp.StatusCode)
	}
	text, version, err := ts.collab.Text(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	want := "# Délais\n\nRègle : La réponse est donnée sous " + proposed + " pleins ouvrables.\nالرد خلال يومين.\n"
	if text != want {
		t.Errorf("the draft after accepting:\n got %q\nwant %q", text, want)
	}
	for name, e := range map[string]*wsclient.Editor{"member": member, "watcher": watcher} {
		if err := e.WaitVersion(ctx, version); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if e.Text() != want {
			t.Errorf("%s's text %q, want %q", name, e.Text(), want)
		}
	}
	mu.Lock()
	if !received[version] {
		t.Errorf("the watcher did not receive the server-made update (version %d): %v", version, received)
	}
	mu.Unlock()
	got, err := ts.db.FindCommentByID(ctx, sugg.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != workspace.StatusAccepted || got.Answer != workspace.AnswerAccepted || got.Reason != "Plus clair." {
		t.Errorf("the suggestion is %s, answered %q (%q); want accepted", got.Status, got.Answer, got.Reason)
	}
	entries, _, err := ts.db.FindAuditEntries(ctx, workspace.AuditFilter{Action: workspace.AuditSuggestionAccept, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].EntityID != sugg.ID {
		t.Errorf("audit entries of the acceptance: %+v, want one for suggestion %d", entries, sugg.ID)
	}

	if resp := post(); resp.StatusCode != http.StatusConflict {
		t.Errorf("accepting again: status %d, want 409", resp.StatusCode)
	}
	if again, v, _ := ts.collab.Text(ctx, docID); again != want || v != version {
		t.Errorf("accepting again changed the draft: %q at version %d", again, v)
	}
}
