package sqlite_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// linkTargets are a meeting with an agenda item, its decision and an
// action, and a procedure, stored for the tests of links.
type linkTargets struct {
	meeting, item, decision, action int64
	proc                            *workspace.Procedure
}

func mustLinkTargets(t *testing.T, w *issueWorld) *linkTargets {
	t.Helper()
	db, now := w.db, w.clock.Now()
	lt := &linkTargets{}
	lt.meeting = mustExec(t, db, `INSERT INTO meetings (title, kind, language, starts_at, ends_at, status, quorum_rule, created_at, updated_at)
		VALUES ('Plénière de mars', 'plenary', 'fr', ?, ?, 'planned', 'none', ?, ?)`, now, now.Add(2*time.Hour), now, now)
	lt.item = mustExec(t, db, `INSERT INTO agenda_items (meeting_id, position, title, created_at, updated_at)
		VALUES (?, 3, 'Reconnaissance des diplômes', ?, ?)`, lt.meeting, now, now)
	lt.decision = mustExec(t, db, `INSERT INTO decisions (meeting_id, agenda_item_id, text, outcome, created_at, updated_at)
		VALUES (?, ?, ?, 'adopted', ?, ?)`, lt.meeting, lt.item, strings.Repeat("La table demande au ministère une procédure accélérée. ", 5), now, now)
	lt.action = mustExec(t, db, `INSERT INTO actions (decision_id, meeting_id, title, owner_organisation_id, due_date, status, created_at, updated_at)
		VALUES (?, ?, 'Écrire au ministère', ?, '2026-04-15', 'open', ?, ?)`, lt.decision, lt.meeting, w.other.ID, now, now)
	lt.proc = &workspace.Procedure{Title: "Équivalence des diplômes", Language: "fr", Category: workspace.CategoryOther}
	if err := db.CreateProcedure(context.Background(), w.asMember, lt.proc, "# Équivalence\n\nLe dossier est déposé au commissariat.\n"); err != nil {
		t.Fatal(err)
	}
	return lt
}

// mustLinkPassage anchors a passage of proc's draft and links issueID to
// it in the anchor's transaction, as collab's AddAnchor does.
func mustLinkPassage(t *testing.T, db *sqlite.DB, actor workspace.Actor, proc *workspace.Procedure, issueID int64) (*sqlite.IssueChange, *workspace.Anchor, error) {
	t.Helper()
	var change *sqlite.IssueChange
	a := &workspace.Anchor{From: 15, To: 25, Quote: "Le dossier"}
	err := db.CreateDocumentAnchor(context.Background(), proc.DocumentID, 0, a, func(ctx context.Context, tx *sqlite.Tx, a *workspace.Anchor) error {
		var err error
		change, err = tx.LinkIssuePassage(ctx, actor, issueID, proc.ID, a.ID)
		return err
	})
	return change, a, err
}

func TestIssueLinks(t *testing.T) {
	ctx := context.Background()
	w := newIssueWorld(t)
	db := w.db
	lt := mustLinkTargets(t, w)
	i := w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Diplôme non reconnu"}, nil)
	other := w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Autre diplôme"}, nil)
	w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Sans lien"}, nil)

	t.Run("Refused", func(t *testing.T) {
		before := mustDumpTables(t, db)
		for _, tt := range []struct {
			name  string
			actor workspace.Actor
			link  workspace.IssueLink
			code  string
		}{
			{"Stakeholder", w.asStake, workspace.IssueLink{IssueID: i.ID, TargetKind: workspace.LinkMeeting, TargetID: lt.meeting}, workspace.EFORBIDDEN},
			{"UnknownIssue", w.asMember, workspace.IssueLink{IssueID: 999, TargetKind: workspace.LinkMeeting, TargetID: lt.meeting}, workspace.ENOTFOUND},
			{"UnknownKind", w.asMember, workspace.IssueLink{IssueID: i.ID, TargetKind: "poll", TargetID: 1}, workspace.EINVALID},
			{"PassageWithoutAnchor", w.asMember, workspace.IssueLink{IssueID: i.ID, TargetKind: workspace.LinkPassage, TargetID: lt.proc.ID}, workspace.EINVALID},
			{"UnknownMeeting", w.asMember, workspace.IssueLink{IssueID: i.ID, TargetKind: workspace.LinkMeeting, TargetID: 999}, workspace.EINVALID},
			{"UnknownAction", w.asMember, workspace.IssueLink{IssueID: i.ID, TargetKind: workspace.LinkAction, TargetID: lt.decision + 100}, workspace.EINVALID},
			{"UnknownProcedure", w.asMember, workspace.IssueLink{IssueID: i.ID, TargetKind: workspace.LinkProcedure, TargetID: 999}, workspace.EINVALID},
		} {
			t.Run(tt.name, func(t *testing.T) {
				l := tt.link
				_, err := db.LinkIssue(ctx, tt.actor, &l)
				refusedUnchanged(t, db, before, err, tt.code, "")
			})
		}
		// A passage linked by a stakeholder: neither the link nor the anchor stays.
		_, _, err := mustLinkPassage(t, db, w.asStake, lt.proc, i.ID)
		refusedUnchanged(t, db, before, err, workspace.EFORBIDDEN, "")
	})

	for _, l := range []*workspace.IssueLink{
		{IssueID: i.ID, TargetKind: workspace.LinkMeeting, TargetID: lt.meeting},
		{IssueID: i.ID, TargetKind: workspace.LinkAgendaItem, TargetID: lt.item},
		{IssueID: i.ID, TargetKind: workspace.LinkDecision, TargetID: lt.decision},
		{IssueID: i.ID, TargetKind: workspace.LinkAction, TargetID: lt.action},
		{IssueID: other.ID, TargetKind: workspace.LinkProcedure, TargetID: lt.proc.ID},
	} {
		w.clock.Add(time.Minute)
		change, err := db.LinkIssue(ctx, w.asMember2, l)
		if err != nil {
			t.Fatalf("link to %s: %v", l.TargetKind, err)
		}
		if l.ID == 0 || change.Event == nil || change.Event.Kind != workspace.EventLink ||
			change.Event.ToValue != string(l.TargetKind)+":"+strconv.FormatInt(l.TargetID, 10) || change.Event.Body == "" {
			t.Errorf("link %+v, event %+v", l, change.Event)
		}
	}
	change, anchor, err := mustLinkPassage(t, db, w.asMember, lt.proc, i.ID)
	if err != nil {
		t.Fatal(err)
	}
	if change.Event.ToValue != "passage:"+strconv.FormatInt(lt.proc.ID, 10) {
		t.Errorf("passage event %+v", change.Event)
	}

	t.Run("Duplicate", func(t *testing.T) {
		before := mustDumpTables(t, db)
		_, err := db.LinkIssue(ctx, w.asMember, &workspace.IssueLink{IssueID: i.ID, TargetKind: workspace.LinkMeeting, TargetID: lt.meeting})
		refusedUnchanged(t, db, before, err, workspace.ECONFLICT, "")
		wantRefused(t, err, workspace.ECONFLICT, "error.issue.link_exists")
	})
	t.Run("PassageOfAnotherDraft", func(t *testing.T) {
		proc2 := &workspace.Procedure{Title: "Autre", Language: "fr", Category: workspace.CategoryOther}
		if err := db.CreateProcedure(ctx, w.asMember, proc2, "Texte"); err != nil {
			t.Fatal(err)
		}
		before := mustDumpTables(t, db)
		a := &workspace.Anchor{From: 0, To: 5, Quote: "Texte"}
		err := db.CreateDocumentAnchor(ctx, proc2.DocumentID, 0, a, func(ctx context.Context, tx *sqlite.Tx, a *workspace.Anchor) error {
			_, err := tx.LinkIssuePassage(ctx, w.asMember, i.ID, lt.proc.ID, a.ID)
			return err
		})
		refusedUnchanged(t, db, before, err, workspace.EINVALID, "")
	})

	links, err := db.FindIssueLinks(ctx, i.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 5 {
		t.Fatalf("%d links, want 5", len(links))
	}
	titles := map[workspace.IssueLinkKind]string{}
	for _, l := range links {
		titles[l.TargetKind] = l.TargetTitle
		if (l.TargetKind == workspace.LinkPassage) != (l.Anchor != nil) {
			t.Errorf("%s link with anchor %+v", l.TargetKind, l.Anchor)
		}
		if l.CreatedBy == nil {
			t.Errorf("%s link with no author", l.TargetKind)
		}
	}
	for kind, want := range map[workspace.IssueLinkKind]string{
		workspace.LinkMeeting:    "Plénière de mars",
		workspace.LinkAgendaItem: "Plénière de mars — 3. Reconnaissance des diplômes",
		workspace.LinkAction:     "Écrire au ministère",
		workspace.LinkPassage:    "Équivalence des diplômes",
	} {
		if titles[kind] != want {
			t.Errorf("%s titled %q, want %q", kind, titles[kind], want)
		}
	}
	if d := titles[workspace.LinkDecision]; !strings.HasPrefix(d, "La table demande au ministère") || !strings.HasSuffix(d, "…") || len([]rune(d)) > 120 {
		t.Errorf("decision titled %q, want its start cut with an ellipsis", d)
	}
	p := links[4]
	if p.AnchorID == nil || *p.AnchorID != anchor.ID || p.Anchor.ID != anchor.ID || p.Anchor.Quote != "Le dossier" ||
		p.Anchor.From != 15 || p.Anchor.To != 25 || p.Anchor.DocumentID != lt.proc.DocumentID || p.Anchor.CreatedAt.IsZero() {
		t.Errorf("passage link %+v with anchor %+v", p, p.Anchor)
	}
	if _, err := db.FindIssueLinks(ctx, 999); workspace.ErrorCode(err) != workspace.ENOTFOUND {
		t.Errorf("links of an unknown issue: %v", err)
	}

	// A procedure lists the issues linked to it or to its passages, once each.
	w.clock.Add(time.Minute)
	if _, _, err := mustLinkPassage(t, db, w.asMember, lt.proc, i.ID); err != nil {
		t.Fatal(err)
	}
	linked, err := db.FindIssuesLinkedTo(ctx, workspace.LinkProcedure, lt.proc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := issueIDs(linked); !slices.Equal(got, []int64{i.ID, other.ID}) {
		t.Errorf("issues linked to the procedure %v, want %v (the latest changed first)", got, []int64{i.ID, other.ID})
	}
	if linked[0].Category == nil || linked[0].Reporter == nil {
		t.Errorf("linked issue without its category or reporter: %+v", linked[0])
	}
	linked, _ = db.FindIssuesLinkedTo(ctx, workspace.LinkPassage, lt.proc.ID)
	if got := issueIDs(linked); !slices.Equal(got, []int64{i.ID}) {
		t.Errorf("issues linked to passages %v, want %v", got, []int64{i.ID})
	}
	linked, _ = db.FindIssuesLinkedTo(ctx, workspace.LinkMeeting, lt.meeting)
	if got := issueIDs(linked); !slices.Equal(got, []int64{i.ID}) {
		t.Errorf("issues linked to the meeting %v", got)
	}
	linked, _ = db.FindIssuesLinkedTo(ctx, workspace.LinkAction, lt.action+1)
	if len(linked) != 0 {
		t.Errorf("issues linked to nothing: %v", issueIDs(linked))
	}
	_, err = db.FindIssuesLinkedTo(ctx, "poll", 1)
	wantCode(t, err, workspace.EINVALID)

	// Unlinking.
	before := mustDumpTables(t, db)
	_, err = db.UnlinkIssue(ctx, w.asStake, links[0].ID)
	refusedUnchanged(t, db, before, err, workspace.EFORBIDDEN, "")
	_, err = db.UnlinkIssue(ctx, w.asMember, 999)
	refusedUnchanged(t, db, before, err, workspace.ENOTFOUND, "")
	change, err = db.UnlinkIssue(ctx, w.asMember, links[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if e := change.Event; e.Kind != workspace.EventUnlink || e.FromValue != "meeting:"+strconv.FormatInt(lt.meeting, 10) || e.Body != "Plénière de mars" {
		t.Errorf("unlink event %+v", e)
	}
	if links, _ := db.FindIssueLinks(ctx, i.ID); len(links) != 5 || links[0].TargetKind != workspace.LinkAgendaItem {
		t.Errorf("links after unlinking the meeting: %d", len(links))
	}
	// Linked again after it was removed.
	if _, err := db.LinkIssue(ctx, w.asMember, &workspace.IssueLink{IssueID: i.ID, TargetKind: workspace.LinkMeeting, TargetID: lt.meeting}); err != nil {
		t.Errorf("linking again after unlinking: %v", err)
	}
	for action, want := range map[string]int{workspace.AuditIssueLink: 8, workspace.AuditIssueUnlink: 1} {
		if got := len(mustAuditEntries(t, db, workspace.AuditFilter{Action: action})); got != want {
			t.Errorf("%d %s entries, want %d", got, action, want)
		}
	}
}

func issueIDs(issues []*workspace.Issue) []int64 {
	ids := []int64{}
	for _, i := range issues {
		ids = append(ids, i.ID)
	}
	return ids
}
