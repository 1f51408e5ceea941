package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"tawla/demo"
	"tawla/workspace"
)

// TestRepublishAfterWithdrawal: the secretariat publishes the next
// version of a procedure whose entry was withdrawn through the publish
// form, which makes a new entry; the withdrawn entry stays withdrawn and
// readable on its public page, the new one is in force on its own, and
// the register, the public list and the procedure's page show both as
// they are.
func TestRepublishAfterWithdrawal(t *testing.T) {
	ctx := context.Background()
	ts := newTestServer(t)
	staff := ts.sessionClient(t, demo.SecretariatEmail)
	proc := publishedProcedure(t, ts, "Orientation republiée", "fr", publicFR1, publicFR2)
	old := publishOn(t, ts, proc, 1, "2020-01-01", 0, 0)
	if err := ts.db.WithdrawEntry(ctx, workspace.ActorFor(ts.account(t, demo.SecretariatEmail)), old.EntryID, "Texte à revoir.", 0); err != nil {
		t.Fatal(err)
	}

	resp := staff.postForm(t, publishPath(proc.ID, 2), url.Values{"effective_on": {"2020-02-01"}})
	wantRedirect(t, "publish after the withdrawal", resp, versionPath(proc.ID, 2)+"?done=version_published")
	entry, err := ts.db.FindProcedureEntry(ctx, ts.srv.today(), proc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if entry.ID == old.EntryID || entry.Identifier() == old.Identifier || entry.Status() != workspace.RegisterInForce {
		t.Fatalf("the procedure's entry after the new publication = %s %s, want a new entry in force", entry.Identifier(), entry.Status())
	}
	ident := entry.Identifier()

	register := staff.get(t, "/register")
	wantStatus(t, "the register", register, http.StatusOK)
	wantIn(t, "the withdrawn entry", registerItem(t, register.Body, old.Identifier), "Retirée", "Texte à revoir.")
	wantIn(t, "the new entry", registerItem(t, register.Body, ident), "entry-status-in-force")

	public := ts.newClient(t)
	gone := public.get(t, "/public/procedures/"+old.Identifier+"/fr")
	wantStatus(t, "the withdrawn entry's public page", gone, http.StatusOK)
	wantIn(t, "the withdrawn entry's public page", gone.Body, `class="status-banner withdrawn"`, "Texte à revoir.")
	fresh := public.get(t, "/public/procedures/"+ident+"/fr")
	wantStatus(t, "the new entry's public page", fresh, http.StatusOK)
	wantNotIn(t, "the new entry's public page", fresh.Body, `class="status-banner withdrawn"`)
	wantIn(t, "the new entry's public page", fresh.Body, ident)
	list := public.get(t, "/public/procedures")
	wantStatus(t, "the public list", list, http.StatusOK)
	wantIn(t, "the public list", list.Body, old.Identifier, ident)

	page := staff.get(t, "/procedures/"+strconv.FormatInt(proc.ID, 10))
	wantIn(t, "the procedure's page", page.Body, `href="/register#`+ident+`"`)
}
