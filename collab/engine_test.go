package collab_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	wsclient "tawla/client"
	"tawla/collab"
	"tawla/demo"
	"tawla/workspace"
	"tawla/workspace/change"
	"tawla/workspace/sqlite"
)

// typingTable opens the document in n editors of the demo members and
// starts them typing at random until stop is closed; wait returns once
// each has stopped and confirmed its last update. Errors go to errs.
func typingTable(t *testing.T, ctx context.Context, ts *testServer, docID int64, n int, seed uint64, errs *errorRecorder) (editors []*wsclient.Editor, stop chan struct{}, wait func()) {
	t.Helper()
	emails := []string{demo.MemberEmail, demo.SecretariatEmail, demo.AdminEmail, "hela.jaziri@demo.tn", "leila.hammami@demo.tn"}
	sessions := make([]*wsclient.Session, len(emails))
	for i, email := range emails {
		sessions[i] = collabLogin(t, ts, email)
	}
	editors = make([]*wsclient.Editor, n)
	for i := range editors {
		editors[i] = collabOpen(t, ctx, sessions[i%len(sessions)], docID, wsclient.Options{
			ClientID: fmt.Sprintf("typist-%d", i),
			OnError:  errs.record(fmt.Sprintf("editor %d", i)),
		})
	}
	stop = make(chan struct{})
	var wg sync.WaitGroup
	for i, e := range editors {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(i)+1))
			ty := &typist{rng: rng, maxLen: 600}
			for {
				select {
				case <-stop:
					if err := e.Sync(ctx); err != nil {
						errs.record(fmt.Sprintf("editor %d", i))(fmt.Errorf("sync: %w", err))
					}
					return
				default:
				}
				if err := e.Edit(ty.edit); err != nil {
					errs.record(fmt.Sprintf("editor %d", i))(fmt.Errorf("local edit: %w", err))
					return
				}
				time.Sleep(time.Duration(rng.IntN(1500)) * time.Microsecond)
				for e.Unconfirmed() > 8 && ctx.Err() == nil && e.Connected() {
					time.Sleep(time.Millisecond)
				}
			}
		})
	}
	return editors, stop, wg.Wait
}

// randomPassage picks a passage of text (possibly empty) whose ends split
// no surrogate pair.
func randomPassage(rng *rand.Rand, text string) (from, to int) {
	b := unitBoundaries(text, nil)
	i := rng.IntN(len(b))
	j := min(len(b)-1, i+rng.IntN(15))
	return b[i], b[j]
}

// serverEditRecord is what the audit entry of a server-made update in
// TestServerMadeUpdate says: which edit, on what version.
type serverEditRecord struct {
	Edit int `json:"edit"`
	Base int `json:"base"`
}

// TestServerMadeUpdate makes updates from the server — as restoring a
// version or accepting a suggestion will — while five editors type in the
// same draft. Every update converges on every editor; each is stored once,
// attributed to the account that asked for it, and the audit entry written
// in its transaction is there, naming its version; an update whose other
// writes fail is neither stored nor sent, and an account that may not edit
// is refused.
func TestServerMadeUpdate(t *testing.T) {
	seed := collabSeed(t)
	rng := rand.New(rand.NewPCG(seed, 99))
	ts := newTestServer(t)
	const initial = "# Accueil des migrants de retour\n\nPremière étape : l'accueil. الاستقبال أولا.\n"
	docID := collabDoc(t, ts, initial)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var errs errorRecorder
	editors, stop, wait := typingTable(t, ctx, ts, docID, 5, seed, &errs)

	secretariat := ts.account(t, demo.SecretariatEmail)
	actor := workspace.Actor{AccountID: &secretariat.ID, Name: secretariat.Name}
	// versions maps the version each successful update made to its edit.
	versions := map[int]int{}
	failed := errors.New("the suggestion could not be marked accepted")
	for edit := 1; edit <= 40; edit++ {
		time.Sleep(time.Duration(rng.IntN(15)) * time.Millisecond)
		text, base, err := ts.collab.Text(ctx, docID)
		if err != nil {
			t.Fatal(err)
		}
		from, to := randomPassage(rng, text)
		// Built on a version that may be behind by the time the room
		// takes it: the room rebases it, as it does a push.
		set, err := change.Of(utf16Len(text), change.Spec{From: from, To: to, Insert: "⟦" + strconv.Itoa(edit) + " مقترح⟧"})
		if err != nil {
			t.Fatal(err)
		}
		fails := edit%10 == 0
		version, err := ts.collab.Apply(ctx, docID, collab.Edit{
			Account: secretariat,
			Base:    base,
			Changes: set,
			Within: func(ctx context.Context, tx *sqlite.Tx, version int) error {
				if err := tx.RecordAudit(ctx, actor, workspace.AuditProcedureUpdate, "document", docID, nil, serverEditRecord{Edit: edit, Base: base}); err != nil {
					return err
				}
				if fails {
					return failed
				}
				return nil
			},
		})
		if fails {
			if !errors.Is(err, failed) {
				t.Fatalf("edit %d: got %v, want the error of its other writes", edit, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("edit %d on version %d: %v", edit, base, err)
		}
		if _, taken := versions[version]; taken || version <= base {
			t.Fatalf("edit %d made version %d (based on %d), already made or not after its base", edit, version, base)
		}
		versions[version] = edit
	}

	stakeholder := ts.account(t, demo.StakeholderEmail)
	text, version, err := ts.collab.Text(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	refused, err := change.Of(utf16Len(text), change.Spec{From: 0, Insert: "⟦refusé⟧"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ts.collab.Apply(ctx, docID, collab.Edit{Account: stakeholder, Base: version, Changes: refused})
	if workspace.ErrorCode(err) != workspace.EFORBIDDEN {
		t.Errorf("an edit asked for by a stakeholder: %v, want forbidden", err)
	}

	close(stop)
	wait()
	errs.check(t)
	if t.Failed() {
		t.FailNow()
	}
	text, version, err = ts.collab.Text(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}

	// Stored once each, attributed, with the other writes of their
	// transaction; nothing of the failed ones.
	updates, err := ts.db.FindDocumentUpdates(ctx, docID, 0, version)
	if err != nil {
		t.Fatal(err)
	}
	stored := 0
	for _, u := range updates {
		if !strings.HasPrefix(u.ClientID, "server:") {
			continue
		}
		stored++
		edit, ok := versions[u.Version]
		if !ok {
			t.Errorf("server-made update stored as version %d, which no successful edit made", u.Version)
		}
		if u.ClientID != "server:"+strconv.Itoa(u.Version) || u.ClientSeq != 1 {
			t.Errorf("edit %d stored as %s/%d at version %d", edit, u.ClientID, u.ClientSeq, u.Version)
		}
		if u.AccountID == nil || *u.AccountID != secretariat.ID {
			t.Errorf("edit %d attributed to %v, want the secretariat (%d)", edit, u.AccountID, secretariat.ID)
		}
	}
	if stored != len(versions) {
		t.Errorf("%d server-made updates stored, want %d", stored, len(versions))
	}
	entries, _, err := ts.db.FindAuditEntries(ctx, workspace.AuditFilter{Action: workspace.AuditProcedureUpdate, EntityType: "document", Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	audited := map[int]bool{}
	for _, e := range entries {
		var rec serverEditRecord
		if err := json.Unmarshal([]byte(e.After), &rec); err != nil {
			t.Fatalf("audit entry %q: %v", e.After, err)
		}
		if rec.Edit%10 == 0 {
			t.Errorf("the audit entry of failed edit %d was kept", rec.Edit)
		}
		audited[rec.Edit] = true
	}
	for v, edit := range versions {
		if !audited[edit] {
			t.Errorf("edit %d (version %d) has no audit entry", edit, v)
		}
	}
	if strings.Contains(text, "⟦10 ") || strings.Contains(text, "⟦20 ") || strings.Contains(text, "⟦refusé⟧") {
		t.Errorf("a failed edit reached the text: %q", text)
	}
	t.Logf("%d server-made updates among %d, while %d editors typed", len(versions), version, len(editors))
	checkConverged(t, ts, docID, initial, editors)
}

// anchorAsk is an anchor a test asked for: the passage From..To at
// version Base, and what AddAnchor answered.
type anchorAsk struct {
	base, from, to int
	anchor         *workspace.Anchor
	err            error
}

// TestAnchorsMapped places anchors on passages of a draft while four
// editors type in it, on versions that may be behind by the time the room
// takes them. Once everyone has stopped, every stored anchor must equal a
// reference mapping of its passage through the stored updates, one after
// the other: where it is, whether it was removed, and for a removed one
// the version that removed it and its text just before. The positions are
// stored with the updates, so they hold while the room is still open. A
// passage deleted whole is reported removed with its last text.
func TestAnchorsMapped(t *testing.T) {
	seed := collabSeed(t)
	rng := rand.New(rand.NewPCG(seed, 77))
	ts := newTestServer(t)
	const initial = "## Orientation\n\nLe bureau de l'emploi reçoit la personne. مكتب التشغيل يستقبل الشخص 🤝🏽.\n"
	docID := collabDoc(t, ts, initial)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var errs errorRecorder
	editors, stop, wait := typingTable(t, ctx, ts, docID, 4, seed, &errs)

	var asks []anchorAsk
	for range 60 {
		time.Sleep(time.Duration(rng.IntN(10)) * time.Millisecond)
		text, base, err := ts.collab.Text(ctx, docID)
		if err != nil {
			t.Fatal(err)
		}
		from, to := randomPassage(rng, text)
		a, err := ts.collab.AddAnchor(ctx, docID, collab.AnchorRequest{Base: base, From: from, To: to})
		if err != nil && workspace.ErrorCode(err) != workspace.ECONFLICT {
			t.Fatalf("AddAnchor(%d..%d at %d): %v", from, to, base, err)
		}
		asks = append(asks, anchorAsk{base: base, from: from, to: to, anchor: a, err: err})
	}

	close(stop)
	wait()
	errs.check(t)
	if t.Failed() {
		t.FailNow()
	}

	// A passage deleted whole by an editor, and one inside a longer
	// deletion: both removed, with their text just before.
	e := editors[0]
	text, base, err := ts.collab.Text(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.WaitVersion(ctx, base); err != nil {
		t.Fatal(err)
	}
	units := utf16Len(text)
	if units < 20 {
		if err := e.Insert(0, "Un paragraphe de plus — فقرة إضافية.\n"); err != nil {
			t.Fatal(err)
		}
		if err := e.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		text, base = e.Text(), e.Version()
	}
	b := unitBoundaries(text, nil)
	whole := anchorAsk{base: base, from: b[1], to: b[4]}
	inner := anchorAsk{base: base, from: b[6], to: b[8]}
	for _, ask := range []*anchorAsk{&whole, &inner} {
		ask.anchor, ask.err = ts.collab.AddAnchor(ctx, docID, collab.AnchorRequest{Base: ask.base, From: ask.from, To: ask.to})
		if ask.err != nil {
			t.Fatalf("AddAnchor(%d..%d): %v", ask.from, ask.to, ask.err)
		}
	}
	if err := e.Delete(whole.from, whole.to); err != nil {
		t.Fatal(err)
	}
	shift := whole.to - whole.from
	if err := e.Delete(b[5]-shift, b[9]-shift); err != nil {
		t.Fatal(err)
	}
	if err := e.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	asks = append(asks, whole, inner)
	anchors, err := ts.db.FindDocumentAnchors(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	for _, ask := range []anchorAsk{whole, inner} {
		want := change.NewText(text).Slice(ask.from, ask.to)
		for _, a := range anchors {
			// One whose quote occurs once elsewhere came back there; the
			// reference check below covers it.
			if a.ID == ask.anchor.ID && a.ReattachedVersion == 0 && (!a.Removed || a.LastText != want || a.Quote != want) {
				t.Errorf("deleted passage %q: stored removed=%v, last text %q, quote %q", want, a.Removed, a.LastText, a.Quote)
			}
		}
	}

	check := func(when string) {
		t.Helper()
		doc, err := ts.db.FindDocumentByID(ctx, docID)
		if err != nil {
			t.Fatal(err)
		}
		updates, err := ts.db.FindDocumentUpdates(ctx, docID, 0, doc.Version)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := ts.db.FindDocumentAnchors(ctx, docID)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[int64]*workspace.Anchor{}
		for _, a := range stored {
			byID[a.ID] = a
		}
		placed, removed := 0, 0
		for i, ask := range asks {
			want, removedBefore := referenceAnchor(t, initial, updates, ask)
			if ask.err != nil {
				if !removedBefore {
					t.Errorf("%s: anchor %d (%d..%d at %d) refused with %v, but its passage was still there", when, i, ask.from, ask.to, ask.base, ask.err)
				}
				continue
			}
			if removedBefore {
				t.Errorf("%s: anchor %d (%d..%d at %d) was placed on a passage removed before", when, i, ask.from, ask.to, ask.base)
				continue
			}
			placed++
			got := byID[ask.anchor.ID]
			if got == nil {
				t.Errorf("%s: anchor %d (ID %d) not stored", when, i, ask.anchor.ID)
				continue
			}
			if v := got.ReattachedVersion; v > 0 {
				// Its quote came back once: it was removed by then,
				// and maps on from where the quote was at v.
				if !want.Removed || want.RemovedVersion > v {
					t.Errorf("%s: anchor %d (%d..%d at %d) re-attached at %d, but the reference has it removed=%v at %d", when, i, ask.from, ask.to, ask.base, v, want.Removed, want.RemovedVersion)
					continue
				}
				want = referenceReattached(t, initial, updates, got.Quote, v)
			}
			if got.From != want.From || got.To != want.To || got.Removed != want.Removed || got.RemovedVersion != want.RemovedVersion || got.LastText != want.LastText {
				t.Errorf("%s: anchor %d (%d..%d at %d) stored as %d..%d removed=%v at %d last %q; the reference gives %d..%d removed=%v at %d last %q",
					when, i, ask.from, ask.to, ask.base, got.From, got.To, got.Removed, got.RemovedVersion, got.LastText,
					want.From, want.To, want.Removed, want.RemovedVersion, want.LastText)
			}
			if got.Removed {
				removed++
			}
		}
		t.Logf("%s: %d anchors placed over %d updates, %d of them removed", when, placed, doc.Version, removed)
	}
	// The editors are still connected: the room is open, and what the
	// store holds is what it stored with the updates.
	check("room open")
	checkConverged(t, ts, docID, initial, editors)
	check("room closed")
}

// referenceAnchor maps a passage asked for at version ask.base through the
// stored updates one after the other, in the plainest way: the text is
// rebuilt update by update, and a passage whose text an update deletes
// whole is removed with its text just before. It reports whether the
// passage was removed before the anchor was placed.
func referenceAnchor(t *testing.T, initial string, updates []*workspace.DocumentUpdate, ask anchorAsk) (want workspace.Anchor, removedBeforePlaced bool) {
	t.Helper()
	text := change.NewText(initial)
	from, to := ask.from, ask.to
	placedAt := len(updates)
	if ask.anchor != nil {
		placedAt = ask.anchor.CreatedVersion
	}
	for _, u := range updates {
		set, err := change.ParseJSON([]byte(u.Changes))
		if err != nil {
			t.Fatal(err)
		}
		if u.Version > ask.base {
			fromAssoc := 1
			if from == to {
				fromAssoc = -1
			}
			newFrom, _, err := set.MapPos(from, fromAssoc, change.Simple)
			if err != nil {
				t.Fatalf("reference: %v", err)
			}
			newTo, _, err := set.MapPos(to, -1, change.Simple)
			if err != nil {
				t.Fatalf("reference: %v", err)
			}
			if from < to && newTo <= newFrom {
				want := workspace.Anchor{From: newTo, To: newTo, Removed: true, RemovedVersion: u.Version, LastText: text.Slice(from, to)}
				return want, u.Version <= placedAt
			}
			from, to = newFrom, newTo
		}
		if err := set.Apply(&text); err != nil {
			t.Fatal(err)
		}
	}
	return workspace.Anchor{From: from, To: to}, false
}

// referenceReattached is the state of an anchor whose quote the room
// found exactly once in the text at version v and re-attached there: from
// that place, mapped through the updates after v as referenceAnchor does.
func referenceReattached(t *testing.T, initial string, updates []*workspace.DocumentUpdate, quote string, v int) workspace.Anchor {
	t.Helper()
	text := change.NewText(initial)
	for _, u := range updates {
		if u.Version > v {
			break
		}
		set, err := change.ParseJSON([]byte(u.Changes))
		if err != nil {
			t.Fatal(err)
		}
		if err := set.Apply(&text); err != nil {
			t.Fatal(err)
		}
	}
	s := text.String()
	i := strings.Index(s, quote)
	if i < 0 || strings.Contains(s[i+1:], quote) {
		t.Errorf("reference: the quote %q is not once in the text at version %d", quote, v)
		return workspace.Anchor{}
	}
	from := utf16Len(s[:i])
	want, _ := referenceAnchor(t, initial, updates, anchorAsk{base: v, from: from, to: from + utf16Len(quote), anchor: &workspace.Anchor{CreatedVersion: v}})
	return want
}

// utf16Len returns the length of s in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}
