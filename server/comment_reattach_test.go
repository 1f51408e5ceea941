package server

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"tawla/demo"
	"tawla/workspace"
)

// followDraft subscribes a stakeholder's connection to a draft's topic and
// returns a function that waits for its next event.
func followDraft(t *testing.T, ts *testServer, proc *workspace.Procedure) func() map[string]any {
	t.Helper()
	topic := "document:" + strconv.FormatInt(proc.DocumentID, 10)
	ws, _, err := dialWS(t, ts.sessionClient(t, demo.StakeholderEmail), ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	if err := ws.WriteJSON(map[string]string{"type": "subscribe", "topic": topic}); err != nil {
		t.Fatal(err)
	}
	next := func(want string) map[string]any {
		t.Helper()
		for {
			_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
			var m struct {
				Type  string         `json:"type"`
				Topic string         `json:"topic"`
				Data  map[string]any `json:"data"`
			}
			if err := ws.ReadJSON(&m); err != nil {
				t.Fatalf("waiting for %s: %v", want, err)
			}
			if m.Type == want && m.Topic == topic {
				return m.Data
			}
		}
	}
	next("subscribed")
	return func() map[string]any { return next("event") }
}

// reattachEntries counts the comment.reattach audit entries of thread id.
func reattachEntries(t *testing.T, ts *testServer, id int64) int {
	t.Helper()
	entries, _, err := ts.db.FindAuditEntries(context.Background(), workspace.AuditFilter{Action: workspace.AuditCommentReattach})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.EntityType == "comment" && e.EntityID == id {
			n++
		}
	}
	return n
}

// wantAttached checks that comment c's passage is live, re-attached, and
// reads its quote in the draft.
func wantAttached(t *testing.T, ts *testServer, proc *workspace.Procedure, id int64) {
	t.Helper()
	ctx := context.Background()
	c, err := ts.db.FindCommentByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Anchor.Removed || c.Anchor.ReattachedVersion == 0 {
		t.Fatalf("the comment's passage: removed %v, re-attached at %d; want it re-attached", c.Anchor.Removed, c.Anchor.ReattachedVersion)
	}
	text, version, err := ts.srv.collab.Text(ctx, proc.DocumentID)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := sliceUTF16(text, c.Anchor.From, c.Anchor.To); !ok || got != c.Anchor.Quote {
		t.Errorf("the re-attached passage reads %q, want %q", got, c.Anchor.Quote)
	}
	if c.Anchor.ReattachedVersion != version {
		t.Errorf("re-attached at version %d, want %d", c.Anchor.ReattachedVersion, version)
	}
}

// TestReattachMovedParagraph cuts the paragraph a comment is on and pastes
// it elsewhere: the comment first shows its passage removed, then, once
// the same text is back exactly once, it is on it again, says so on the
// panel, has an audit entry, and the pages following the draft hear
// comment.updated.
func TestReattachMovedParagraph(t *testing.T) {
	ts := newTestServer(t)
	proc := ts.createTestProcedure(t, "fr", "# Accueil\n\nPremier paragraphe.\n\nLe référent reçoit le migrant.\n\nDernier paragraphe.\n")
	c := commentOn(t, ts, proc, demo.MemberEmail, "Le référent reçoit le migrant.", "À préciser", "")
	next := followDraft(t, ts, proc)
	path := procedurePath(proc.ID)
	member := ts.sessionClient(t, demo.MemberEmail)
	l := ts.srv.localizer("fr")

	editDraft(t, ts, proc, demo.MemberEmail, "Le référent reçoit le migrant.\n\n", "")
	got, err := ts.db.FindCommentByID(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Anchor.Removed {
		t.Fatalf("the comment's passage is not removed once cut")
	}
	wantBody(t, "the panel once cut", member.get(t, path+"?lang=fr").Body, html.EscapeString(l.T("comments.passage_removed")))

	editDraft(t, ts, proc, demo.MemberEmail, "Dernier paragraphe.\n", "Dernier paragraphe.\n\nLe référent reçoit le migrant.\n")
	if ev := next(); ev["kind"] != "comment.updated" || ev["comment"] != float64(c.ID) {
		t.Errorf("event %v, want comment.updated of %d", ev, c.ID)
	}
	wantAttached(t, ts, proc, c.ID)
	page := member.get(t, path+"?lang=fr")
	wantStatus(t, "the procedure", page, http.StatusOK)
	wantBody(t, "the panel once pasted", page.Body, html.EscapeString(l.T("comments.passage_reattached")))
	if strings.Contains(page.Body, html.EscapeString(l.T("comments.passage_removed"))) {
		t.Errorf("the panel still shows the passage removed")
	}
	if n := reattachEntries(t, ts, c.ID); n != 1 {
		t.Errorf("%d comment.reattach entries, want 1", n)
	}
}

// TestReattachNotOnDuplicate cuts a commented sentence and pastes it twice:
// the text occurs twice, so the comment stays detached, with no audit
// entry; the same goes while it occurs nowhere.
func TestReattachNotOnDuplicate(t *testing.T) {
	ts := newTestServer(t)
	proc := ts.createTestProcedure(t, "fr", "# Accueil\n\nLa fiche est remplie au guichet.\n\nFin.\n")
	c := commentOn(t, ts, proc, demo.MemberEmail, "La fiche est remplie au guichet.", "Quelle fiche ?", "")
	editDraft(t, ts, proc, demo.MemberEmail, "La fiche est remplie au guichet.\n\n", "")
	editDraft(t, ts, proc, demo.MemberEmail, "Fin.\n", "La fiche est remplie au guichet.\n\nFin.\n\nLa fiche est remplie au guichet.\n")
	got, err := ts.db.FindCommentByID(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Anchor.Removed || got.Anchor.ReattachedVersion != 0 {
		t.Errorf("the comment's passage: removed %v, re-attached at %d; want it still removed", got.Anchor.Removed, got.Anchor.ReattachedVersion)
	}
	page := ts.sessionClient(t, demo.MemberEmail).get(t, procedurePath(proc.ID)+"?lang=fr")
	wantBody(t, "the panel", page.Body, html.EscapeString(ts.srv.localizer("fr").T("comments.passage_removed")))
	if n := reattachEntries(t, ts, c.ID); n != 0 {
		t.Errorf("%d comment.reattach entries, want none", n)
	}
}

// TestReattachAfterRestoreUndo restores a version that lacked a commented
// paragraph, which removes the comment's passage, then undoes the
// restore: the paragraph is back and so is the comment on it.
func TestReattachAfterRestoreUndo(t *testing.T) {
	ts := newTestServer(t)
	proc := ts.createTestProcedure(t, "fr", "# Orientation\n\nUn paragraphe ancien.\n")
	member := ts.loginAs(t, demo.MemberEmail)
	member.freeze(t, proc, "Première lecture")
	editDraft(t, ts, proc, demo.MemberEmail, "Un paragraphe ancien.\n", "Un paragraphe ancien.\n\nLe centre désigne un référent unique.\n")
	c := commentOn(t, ts, proc, demo.MemberEmail, "Le centre désigne un référent unique.", "Lequel ?", "")

	_, before, err := ts.srv.collab.Text(context.Background(), proc.DocumentID)
	if err != nil {
		t.Fatal(err)
	}
	path := procedurePath(proc.ID)
	wantRedirect(t, "restore", member.postForm(t, path+"/versions/1/restore", nil), path+"?done=version_restored&undo="+strconv.Itoa(before+1))
	got, err := ts.db.FindCommentByID(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Anchor.Removed {
		t.Fatalf("the comment's passage is not removed by the restore")
	}
	next := followDraft(t, ts, proc)
	wantRedirect(t, "undo the restore", member.postForm(t, path+"/restore/undo", url.Values{"version": {strconv.Itoa(before + 1)}}), path+"?done=restore_undone")
	if ev := next(); ev["kind"] != "comment.updated" || ev["comment"] != float64(c.ID) {
		t.Errorf("event %v, want comment.updated of %d", ev, c.ID)
	}
	wantAttached(t, ts, proc, c.ID)
}

// TestReattachNotAcceptedSuggestion accepts a suggestion whose quoted
// words occur once more elsewhere, then deletes the accepted text: the
// suggestion's passage, whose words it replaced on purpose, does not move
// to the old words, neither at that edit nor at a later one.
func TestReattachNotAcceptedSuggestion(t *testing.T) {
	ts := newTestServer(t)
	proc := ts.createTestProcedure(t, "fr", "# Délais\n\nLe dossier est traité en dix jours ouvrables.\n\nLe recours : dix jours calendaires.\n")
	sugg := commentOn(t, ts, proc, demo.MemberEmail, "en dix jours ouvrables", "", "en sept jours ouvrables")
	editDraft(t, ts, proc, demo.MemberEmail, "dix jours calendaires", "en dix jours ouvrables")
	// Now the quote occurs twice; accepting replaces the first.
	path := procedurePath(proc.ID)
	member := ts.sessionClient(t, demo.MemberEmail)
	wantRedirect(t, "accepting", member.postForm(t, path+"/comments/"+strconv.FormatInt(sugg.ID, 10)+"/accept", url.Values{}), path+"?done=suggestion_accepted#comments")
	// The accepted text is deleted later: the old words, still once in
	// the draft, are not where the suggestion was.
	editDraft(t, ts, proc, demo.MemberEmail, "Le dossier est traité en sept jours ouvrables.\n\n", "")
	editDraft(t, ts, proc, demo.MemberEmail, "# Délais", "# Délais de traitement")
	got, err := ts.db.FindCommentByID(context.Background(), sugg.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Anchor.Removed || got.Anchor.ReattachedVersion != 0 {
		t.Errorf("the accepted suggestion's passage: removed %v, re-attached at %d; want it left removed", got.Anchor.Removed, got.Anchor.ReattachedVersion)
	}
}
