package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/workspace"
)

// TestDraftHistoryCapped opens "who wrote what" on a draft with more than
// workspace.AuthorshipMaxUpdates updates: the page replays only the
// latest ones, from a later snapshot, says since when, marks the text
// written before as written earlier (not as the first text), and still
// shows the whole current text.
func TestDraftHistoryCapped(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	proc := ts.createTestProcedure(t, "fr", "Début.")
	member := ts.account(t, demo.MemberEmail)
	n := workspace.AuthorshipMaxUpdates + 10
	updates := make([]*workspace.DocumentUpdate, n)
	for i := range updates {
		// "Début." is 6 UTF-16 units.
		updates[i] = &workspace.DocumentUpdate{ClientID: "test", ClientSeq: int64(i + 1),
			Changes: fmt.Sprintf(`[%d,[0,"x"]]`, 6+i), AccountID: &member.ID}
	}
	if err := ts.db.AppendDocumentUpdates(ctx, proc.DocumentID, 0, updates); err != nil {
		t.Fatal(err)
	}
	// The snapshot the page starts from: 20 updates in.
	if err := ts.db.SaveDocumentSnapshot(ctx, proc.DocumentID, 20, "Début."+strings.Repeat("x", 20)); err != nil {
		t.Fatal(err)
	}
	reader := ts.loginAs(t, demo.StakeholderEmail)
	resp := reader.get(t, procedurePath(proc.ID)+"/history")
	wantStatus(t, "history", resp, http.StatusOK)
	for _, want := range []string{"seules ses modifications depuis le", `title="Écrit plus tôt">Début.` + strings.Repeat("x", 20) + "</span>", strings.Repeat("x", n-20) + "</span>"} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("the history page lacks %.80q", want)
		}
	}
	if strings.Contains(resp.Body, "Texte de départ") {
		t.Error("the text before the replay is called the first text")
	}
}
