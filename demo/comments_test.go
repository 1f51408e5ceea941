package demo_test

import (
	"context"
	"testing"
	"unicode/utf16"

	"tawla/demo"
	"tawla/workspace"
	"tawla/workspace/change"
	"tawla/workspace/sqlite"
)

// TestLoadComments checks that the demo shows off the table of
// observations: threads in French and Arabic on both drafts, each on its
// passage, with a reply, an open and a rejected suggestion, answers with
// reasons, a resolved comment, and a consultation open on the French
// draft; every change audited.
func TestLoadComments(t *testing.T) {
	ctx := context.Background()
	db := mustOpenDB(t)
	if err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	procs, err := db.FindProcedures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range procs {
		// The register's procedures are published, not discussed
		// (TestLoadPublications).
		if demo.IsRegisterProcedure(p.Title) {
			continue
		}
		threads, err := db.FindCommentThreads(ctx, sqlite.CommentFilter{ProcedureID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(threads) == 0 {
			t.Errorf("procedure %q has no comments", p.Title)
		}
		// The drafts' current text: their revisions came before the
		// comments.
		_, snap, updates, err := db.LoadDocument(ctx, p.DocumentID)
		if err != nil {
			t.Fatal(err)
		}
		draft := change.NewText(snap.Content)
		for _, u := range updates {
			set, err := change.ParseJSON([]byte(u.Changes))
			if err != nil {
				t.Fatal(err)
			}
			if err := set.Apply(&draft); err != nil {
				t.Fatal(err)
			}
		}
		text := draft.String()
		for _, c := range threads {
			if got := unitSlice(text, c.Anchor.From, c.Anchor.To); got != c.Anchor.Quote || got == "" {
				t.Errorf("comment %d sits on %q, want %q", c.ID, got, c.Anchor.Quote)
			}
			seen[p.Language+" "+string(c.Kind)+" "+string(c.Status)] = true
			if len(c.Replies) > 0 {
				seen["reply"] = true
			}
			if c.Answer != workspace.AnswerNone && c.Reason != "" {
				seen["answer "+string(c.Answer)] = true
			}
		}
		cons, err := db.FindConsultation(ctx, p.ID)
		if p.Language == "fr" && (err != nil || !cons.OpenAt(db.Now())) {
			t.Errorf("the French draft has no open consultation: %v, %v", cons, err)
		}
		if p.Language == "ar" && (err != nil || !cons.NotOpenYetAt(db.Now())) {
			t.Errorf("the Arabic draft has no consultation announced: %v, %v", cons, err)
		}
	}
	for _, want := range []string{"fr comment open", "ar comment open", "fr suggestion open", "ar suggestion open", "fr suggestion rejected",
		"fr comment resolved", "reply", "answer partly_accepted", "answer accepted", "answer rejected"} {
		if !seen[want] {
			t.Errorf("the demo has no %s", want)
		}
	}
	entries, _, err := db.FindAuditEntries(ctx, workspace.AuditFilter{EntityType: "comment", Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 10 {
		t.Errorf("%d audit entries about comments, want one per change", len(entries))
	}
}

// unitSlice returns the text between two UTF-16 offsets.
func unitSlice(text string, from, to int) string {
	u := utf16.Encode([]rune(text))
	if from < 0 || to > len(u) || from > to {
		return ""
	}
	return string(utf16.Decode(u[from:to]))
}
