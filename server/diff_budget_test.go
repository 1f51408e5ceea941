package server

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"unicode/utf16"

	"tawla/demo"
	"tawla/workspace"
)

// unrelatedLines writes about size bytes of lines of random words made of
// letters: two such texts from different letters share no line and no
// word.
func unrelatedLines(seed uint64, letters string, size int) string {
	rng := rand.New(rand.NewPCG(seed, 3))
	var b strings.Builder
	for b.Len() < size {
		for w := range 6 + rng.IntN(12) {
			if w > 0 {
				b.WriteByte(' ')
			}
			for range 2 + rng.IntN(7) {
				b.WriteByte(letters[rng.IntN(len(letters))])
			}
		}
		b.WriteString(".\n")
	}
	return b.String()
}

// replaceDraftAfter stores an update that replaces the draft's text after
// its first keep units with rest.
func (ts *testServer) replaceDraftAfter(t *testing.T, proc *workspace.Procedure, keep int, rest string) {
	t.Helper()
	ctx := context.Background()
	current, version, err := ts.srv.collab.Text(ctx, proc.DocumentID)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := json.Marshal(strings.Split(rest, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	units := len(utf16.Encode([]rune(current)))
	changes := fmt.Sprintf(`[%d,[%d,%s]`, keep, units-keep, strings.TrimPrefix(string(lines), "["))
	update := &workspace.DocumentUpdate{ClientID: "test", ClientSeq: int64(version + 1), Changes: changes}
	if err := ts.db.AppendDocumentUpdates(ctx, proc.DocumentID, version, []*workspace.DocumentUpdate{update}); err != nil {
		t.Fatal(err)
	}
}

// TestVersionDiffCoarseView compares a version with a draft rewritten from
// end to end (100 KB with no line in common): the page answers, within
// the diff's step budget, says that it shows changed passages whole, and
// shows both texts' words; a small change is compared word by word with
// no such notice. Restoring the version, whose change set is bounded the
// same way, gives the draft the version's text exactly.
func TestVersionDiffCoarseView(t *testing.T) {
	ts := newTestServer(t)
	member := ts.loginAs(t, demo.MemberEmail)
	head := "# Titre\n\n"
	a := head + unrelatedLines(1, "abcdefghijklm", 100_000)
	b := unrelatedLines(2, "nopqrstuvwxyz", 100_000)
	proc := ts.createTestProcedure(t, "fr", a)
	member.freeze(t, proc, "Premier texte")
	ts.replaceDraftAfter(t, proc, len(head), b)

	for _, view := range []string{"", "&view=side"} {
		resp := member.get(t, procedurePath(proc.ID)+"/diff?from=1&to=draft"+view)
		wantStatus(t, "diff", resp, http.StatusOK)
		if !strings.Contains(resp.Body, `<p class="diff-coarse">`) || !strings.Contains(resp.Body, "montrés en entier") {
			t.Errorf("view %q: the page does not say it shows the coarse view", view)
		}
		firstA, firstB := strings.Fields(a)[3], strings.Fields(b)[0]
		if !strings.Contains(resp.Body, firstA) || !strings.Contains(resp.Body, firstB) {
			t.Errorf("view %q: the page lacks the texts' words %q, %q", view, firstA, firstB)
		}
	}

	small := ts.createTestProcedure(t, "fr", "# Titre\n\nLe délai est de dix jours.\n")
	member.freeze(t, small, "Premier texte")
	ts.replaceDraftAfter(t, small, len("# Titre\n\nLe délai est de "), "quinze jours.\n")
	resp := member.get(t, procedurePath(small.ID)+"/diff?from=1&to=draft")
	if strings.Contains(resp.Body, "diff-coarse") || !strings.Contains(resp.Body, "<del>dix</del>") {
		t.Errorf("a one-word change is not compared word by word without notice")
	}

	resp = member.postForm(t, procedurePath(proc.ID)+"/versions/1/restore", nil)
	wantStatus(t, "restore", resp, http.StatusSeeOther)
	text, _, err := ts.srv.collab.Text(context.Background(), proc.DocumentID)
	if err != nil {
		t.Fatal(err)
	}
	if text != a {
		t.Errorf("after the restore the draft is not the version's text (%d bytes, want %d)", len(text), len(a))
	}
}

// TestPublicChangesCoarseView is the same on the public register: the
// changes between two editions with nothing in common after their title
// are shown within the budget, with the notice, and a reader sees both
// editions' words.
func TestPublicChangesCoarseView(t *testing.T) {
	ts := newTestServer(t)
	head := "# Titre\n\n"
	a := head + unrelatedLines(1, "abcdefghijklm", 100_000)
	b := head + unrelatedLines(2, "nopqrstuvwxyz", 100_000)
	proc := publishedProcedure(t, ts, "Procédure réécrite", "fr", a, b)
	first := publishVersion(t, ts, proc, 1, 0)
	publishVersion(t, ts, proc, 2, 0)
	c := ts.newClient(t)
	changes := mustGet(t, c, "/public/procedures/"+first.Identifier+"/fr/editions/2/changes", http.StatusOK).Body
	if !strings.Contains(changes, `<p class="diff-coarse">`) {
		t.Error("the public changes do not say they show the coarse view")
	}
	if w := strings.Fields(b)[3]; !strings.Contains(changes, w) {
		t.Errorf("the public changes lack the new edition's word %q", w)
	}
}
