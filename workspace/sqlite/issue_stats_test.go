package sqlite_test

import (
	"context"
	"testing"
	"time"

	"tawla/workspace"
)

func TestIssueStatistics(t *testing.T) {
	ctx := context.Background()
	w := newIssueWorld(t)
	db := w.db
	const today = "2026-03-02"

	// Nothing yet: every status and every active category, at zero.
	stats, err := db.IssueStatistics(ctx, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(stats.ByStatus) != 5 || len(stats.ByCategory) != 9 || len(stats.OverdueByOrganisation) != 0 || len(stats.OpenSince) != 0 {
		t.Fatalf("empty tracker: %+v", stats)
	}
	for s, n := range stats.ByStatus {
		if n != 0 {
			t.Errorf("%d issues %s in an empty tracker", n, s)
		}
	}

	cats, _ := db.FindIssueCategories(ctx, false)
	health, children := cats[2].ID, cats[7].ID
	type spec struct {
		category int64
		owner    *int64
		due      string
		status   workspace.IssueStatus
	}
	var created []time.Time
	for _, s := range []spec{
		{w.housing, &w.org.ID, "2026-02-01", workspace.IssueOpen},           // overdue, org
		{w.housing, &w.org.ID, "2026-03-01", workspace.IssueInProgress},     // overdue, org
		{health, &w.other.ID, "2026-01-15", workspace.IssueUnderDiscussion}, // overdue, other
		{health, nil, "2026-01-15", workspace.IssueOpen},                    // overdue, no owner: not counted
		{health, &w.other.ID, today, workspace.IssueOpen},                   // due today: not overdue
		{w.housing, &w.other.ID, "2026-02-01", workspace.IssueResolved},     // ended: not overdue
		{children, &w.org.ID, "", workspace.IssueClosed},                    // ended
		{children, &w.org.ID, "2026-05-01", workspace.IssueInProgress},      // not due yet
	} {
		w.clock.Add(24 * time.Hour)
		i := w.mustIssue(t, w.asMember, &workspace.Issue{Title: "Problème", CategoryID: s.category, OwnerOrganisationID: s.owner, DueDate: s.due}, nil)
		if !s.status.Ended() {
			created = append(created, i.CreatedAt)
		}
		if s.status != workspace.IssueOpen {
			if _, err := db.ChangeIssueStatus(ctx, w.asMember, i.ID, s.status, "Motif"); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A deactivated category without an issue in progress is not on the
	// dashboard.
	dropped := cats[8]
	dropped.Active = false
	if err := db.UpdateIssueCategory(ctx, w.asSecretariat, dropped); err != nil {
		t.Fatal(err)
	}

	stats, err = db.IssueStatistics(ctx, today)
	if err != nil {
		t.Fatal(err)
	}
	for s, want := range map[workspace.IssueStatus]int{
		workspace.IssueOpen: 3, workspace.IssueUnderDiscussion: 1, workspace.IssueInProgress: 2,
		workspace.IssueResolved: 1, workspace.IssueClosed: 1,
	} {
		if got := stats.ByStatus[s]; got != want {
			t.Errorf("%d issues %s, want %d", got, s, want)
		}
	}
	if len(stats.ByCategory) != 8 {
		t.Fatalf("%d categories, want the 8 active ones", len(stats.ByCategory))
	}
	for n, c := range stats.ByCategory {
		if n > 0 && c.Category.Position < stats.ByCategory[n-1].Category.Position {
			t.Errorf("categories out of order at %d", n)
		}
		want := map[int64]int{w.housing: 2, health: 3, children: 1}[c.Category.ID]
		if c.Count != want {
			t.Errorf("%d issues not ended in %s, want %d", c.Count, c.Category.NameEN, want)
		}
		if c.Category.ID == dropped.ID {
			t.Error("a deactivated category is counted")
		}
	}
	// One that still has issues in progress stays, marked inactive: the
	// chart by category adds up to the open issues.
	retired := cats[7]
	retired.Active = false
	if err := db.UpdateIssueCategory(ctx, w.asSecretariat, retired); err != nil {
		t.Fatal(err)
	}
	if stats, err = db.IssueStatistics(ctx, today); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range stats.ByCategory {
		if c.Category.ID == children {
			found = true
			if c.Count != 1 || c.Category.Active {
				t.Errorf("the retired category with an issue in progress: %d issues, active %v; want 1, inactive", c.Count, c.Category.Active)
			}
		}
	}
	if !found || len(stats.ByCategory) != 8 {
		t.Errorf("%d categories, the retired one with an issue in progress listed: %v; want 8, listed", len(stats.ByCategory), found)
	}
	o := stats.OverdueByOrganisation
	if len(o) != 2 || o[0].Organisation.ID != w.org.ID || o[0].Count != 2 || o[1].Organisation.ID != w.other.ID || o[1].Count != 1 {
		t.Errorf("overdue by organisation: %+v", o)
	} else if o[0].Organisation.NameFR != w.org.NameFR {
		t.Errorf("organisation read as %+v", o[0].Organisation)
	}
	if len(stats.OpenSince) != len(created) {
		t.Fatalf("%d issues not ended, want %d", len(stats.OpenSince), len(created))
	}
	for n, at := range stats.OpenSince {
		if !at.Equal(created[n]) {
			t.Errorf("open since %v, want %v", at, created[n])
		}
	}
}
