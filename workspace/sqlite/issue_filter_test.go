package sqlite_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// TestIssueFilters lists issues by each filter — status, category, owner,
// delegation, overdue, open — and by every combination of them, against the
// issues the filter's own definition selects, in the list's order (the
// most recently changed first), with the total and the pages.
func TestIssueFilters(t *testing.T) {
	ctx := context.Background()
	w := newIssueWorld(t)
	db := w.db
	cats, err := db.FindIssueCategories(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	health := cats[2].ID
	const today = "2026-03-02"

	// Twenty issues whose fields vary independently of each other.
	owners := []*int64{nil, &w.org.ID, &w.other.ID}
	delegations := [][]string{nil, {"chebba"}, {"mahdia", "chebba"}, {"el_jem"}}
	dues := []string{"", "2026-02-01", "2026-03-01", today, "2026-04-01"}
	categories := []int64{w.housing, health}
	for n := range 20 {
		w.clock.Add(time.Minute)
		i := w.mustIssue(t, w.asMember, &workspace.Issue{
			Title:               fmt.Sprintf("Problème %d", n),
			CategoryID:          categories[n%2],
			OwnerOrganisationID: owners[n%3],
			Delegations:         slices.Clone(delegations[n%4]),
			DueDate:             dues[n%5],
		}, nil)
		// Statuses cycle with a period prime to the others; changing one
		// changes the order of the list.
		status := workspace.IssueStatuses[(n*3)%5]
		if status != workspace.IssueOpen {
			w.clock.Add(time.Minute)
			if _, err := db.ChangeIssueStatus(ctx, w.asMember, i.ID, status, "Motif"); err != nil {
				t.Fatal(err)
			}
		}
	}
	all, total, err := db.FindIssues(ctx, sqlite.IssueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if total != 20 || len(all) != 20 {
		t.Fatalf("%d issues of %d listed, want 20", len(all), total)
	}
	// The list's order, from the issues themselves.
	sorted := slices.Clone(all)
	sort.SliceStable(sorted, func(a, b int) bool {
		ia, ib := sorted[a].Issue, sorted[b].Issue
		if !ia.UpdatedAt.Equal(ib.UpdatedAt) {
			return ia.UpdatedAt.After(ib.UpdatedAt)
		}
		return ia.ID > ib.ID
	})
	if got, want := hitIDs(all), hitIDs(sorted); !slices.Equal(got, want) {
		t.Errorf("list order %v, want the most recently changed first %v", got, want)
	}

	// selects is the definition of each filter, on an issue as read.
	selects := func(f sqlite.IssueFilter, i *workspace.Issue) bool {
		switch {
		case f.Status != "" && i.Status != f.Status,
			f.CategoryID != 0 && i.CategoryID != f.CategoryID,
			f.OwnerOrganisationID != 0 && (i.OwnerOrganisationID == nil || *i.OwnerOrganisationID != f.OwnerOrganisationID),
			f.Delegation != "" && !slices.Contains(i.Delegations, f.Delegation),
			f.OverdueOn != "" && !i.Overdue(f.OverdueOn),
			f.Open && i.Status.Ended():
			return false
		}
		return true
	}
	check := func(t *testing.T, f sqlite.IssueFilter) int {
		t.Helper()
		hits, total, err := db.FindIssues(ctx, f)
		if err != nil {
			t.Fatalf("FindIssues(%+v): %v", f, err)
		}
		want := []int64{}
		for _, h := range all {
			if selects(f, h.Issue) {
				want = append(want, h.Issue.ID)
			}
		}
		if got := hitIDs(hits); !slices.Equal(got, want) {
			t.Errorf("FindIssues(%+v) = %v, want %v", f, got, want)
		}
		if total != len(want) {
			t.Errorf("FindIssues(%+v): total %d, want %d", f, total, len(want))
		}
		return len(want)
	}

	t.Run("Each", func(t *testing.T) {
		for _, s := range workspace.IssueStatuses {
			if check(t, sqlite.IssueFilter{Status: s}) == 0 {
				t.Errorf("no issue %s: the test proves nothing", s)
			}
		}
		for _, c := range categories {
			check(t, sqlite.IssueFilter{CategoryID: c})
		}
		for _, o := range []int64{w.org.ID, w.other.ID} {
			check(t, sqlite.IssueFilter{OwnerOrganisationID: o})
		}
		for _, d := range []string{"chebba", "mahdia", "el_jem", "ksour_essef"} {
			check(t, sqlite.IssueFilter{Delegation: d})
		}
		if n := check(t, sqlite.IssueFilter{OverdueOn: today}); n == 0 {
			t.Error("no overdue issue: the test proves nothing")
		}
		// Nothing is overdue on a day before every due date; an unknown
		// value selects nothing.
		if n := check(t, sqlite.IssueFilter{OverdueOn: "2026-01-01"}); n != 0 {
			t.Errorf("%d issues overdue before every due date", n)
		}
		if n := check(t, sqlite.IssueFilter{Open: true}); n == 0 || n == len(all) {
			t.Errorf("%d open issues of %d: the test proves nothing", n, len(all))
		}
		check(t, sqlite.IssueFilter{Status: "done"})
		check(t, sqlite.IssueFilter{CategoryID: 999})
	})

	t.Run("Combinations", func(t *testing.T) {
		filters := []func(*sqlite.IssueFilter){
			func(f *sqlite.IssueFilter) { f.Status = workspace.IssueInProgress },
			func(f *sqlite.IssueFilter) { f.CategoryID = health },
			func(f *sqlite.IssueFilter) { f.OwnerOrganisationID = w.org.ID },
			func(f *sqlite.IssueFilter) { f.Delegation = "chebba" },
			func(f *sqlite.IssueFilter) { f.OverdueOn = today },
			func(f *sqlite.IssueFilter) { f.Open = true },
		}
		nonEmpty := 0
		for mask := 1; mask < 1<<len(filters); mask++ {
			var f sqlite.IssueFilter
			for n, set := range filters {
				if mask&(1<<n) != 0 {
					set(&f)
				}
			}
			if check(t, f) > 0 && mask&(mask-1) != 0 {
				nonEmpty++
			}
		}
		if nonEmpty < 5 {
			t.Errorf("only %d combinations of several filters select an issue: the test proves little", nonEmpty)
		}
		// Filters and a search that every issue matches: the same issues,
		// in the order of the search.
		for mask := 1; mask < 1<<len(filters); mask++ {
			f := sqlite.IssueFilter{Query: "probleme"}
			for n, set := range filters {
				if mask&(1<<n) != 0 {
					set(&f)
				}
			}
			hits, total, err := db.FindIssues(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			f.Query = ""
			list, _, _ := db.FindIssues(ctx, f)
			got, want := hitIDs(hits), hitIDs(list)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) || total != len(want) {
				t.Errorf("FindIssues(%+v) with a search = %v (%d), want %v", f, got, total, want)
			}
		}
	})

	t.Run("Pages", func(t *testing.T) {
		f := sqlite.IssueFilter{CategoryID: w.housing}
		var pages []int64
		for offset := 0; offset < 12; offset += 3 {
			f.Limit, f.Offset = 3, offset
			hits, total, err := db.FindIssues(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if total != 10 {
				t.Errorf("total %d on the page from %d, want 10", total, offset)
			}
			pages = append(pages, hitIDs(hits)...)
		}
		f.Limit, f.Offset = 0, 0
		whole, _, _ := db.FindIssues(ctx, f)
		if !slices.Equal(pages, hitIDs(whole)) {
			t.Errorf("pages %v, want the list %v", pages, hitIDs(whole))
		}
		hits, _, err := db.FindIssues(ctx, sqlite.IssueFilter{Limit: -5, Offset: -3})
		if err != nil || len(hits) != 20 {
			t.Errorf("negative limit and offset: %d hits, %v", len(hits), err)
		}
	})

	t.Run("DefaultLimit", func(t *testing.T) {
		for n := range 35 {
			w.mustIssue(t, w.asMember, &workspace.Issue{Title: fmt.Sprintf("Autre %d", n)}, nil)
		}
		hits, total, err := db.FindIssues(ctx, sqlite.IssueFilter{})
		if err != nil || total != 55 || len(hits) != 50 {
			t.Errorf("%d hits of %d, want a page of 50 of 55: %v", len(hits), total, err)
		}
		hits, _, _ = db.FindIssues(ctx, sqlite.IssueFilter{Limit: 1000})
		if len(hits) != 55 {
			t.Errorf("%d hits with a large limit, want the 55", len(hits))
		}
	})
}

func hitIDs(hits []*sqlite.IssueHit) []int64 {
	ids := []int64{}
	for _, h := range hits {
		ids = append(ids, h.Issue.ID)
	}
	return ids
}
