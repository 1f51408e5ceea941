package demo_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"tawla/demo"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// hasArabic reports whether s holds an Arabic letter.
func hasArabic(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Arabic, r) {
			return true
		}
	}
	return false
}

// TestLoadIssues checks that the demo shows off the issue tracker: ten
// issues in French and Arabic, of several statuses (the ended ones with a
// reason), priorities and categories, some overdue, a few with private
// fields; comments in both languages; links to the demo's meetings,
// agenda items, decisions, actions and procedures, and passages of the
// drafts, each on its words; followers and notifications, some unread;
// and an Arabic issue found by search.
func TestLoadIssues(t *testing.T) {
	ctx := context.Background()
	db := mustOpenDB(t)
	if err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	hits, total, err := db.FindIssues(ctx, sqlite.IssueFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	if total != 10 || len(hits) != 10 {
		t.Fatalf("%d issues (%d found), want 10", total, len(hits))
	}
	member, err := db.FindAccountByEmail(ctx, demo.MemberEmail)
	if err != nil {
		t.Fatal(err)
	}
	// The demo's due dates are days in the table's time zone.
	zone, err := time.LoadLocation("Africa/Tunis")
	if err != nil {
		zone = time.FixedZone("CET", 60*60)
	}
	today := db.Now().In(zone).Format(workspace.DateLayout)

	statuses := map[workspace.IssueStatus]int{}
	priorities := map[workspace.IssuePriority]bool{}
	categories := map[int64]bool{}
	linkKinds := map[workspace.IssueLinkKind]int{}
	var arabic, french, overdue, private, arabicComments, frenchComments int
	for _, h := range hits {
		i := h.Issue
		statuses[i.Status]++
		priorities[i.Priority] = true
		categories[i.CategoryID] = true
		if hasArabic(i.Title) {
			arabic++
		} else {
			french++
		}
		if i.Overdue(today) {
			overdue++
			if i.OwnerOrganisationID == nil {
				t.Errorf("overdue issue %q has no owner", i.Title)
			}
		}
		if i.Status.Ended() && (i.StatusReason == "" || i.ClosedAt == nil) {
			t.Errorf("ended issue %q has no reason or end time", i.Title)
		}
		if i.CreatedAt.After(db.Now().Add(-24*time.Hour)) || len(i.Delegations) == 0 {
			t.Errorf("issue %q: reported %s with delegations %v, want days before the load and at least one", i.Title, i.CreatedAt, i.Delegations)
		}
		// The system sees every issue's personal details.
		p, err := db.FindIssuePrivate(ctx, workspace.SystemActor("test"), i.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Empty() {
			private++
			if !strings.Contains(p.PersonName+p.PersonContact, "fictif") && !strings.Contains(p.PersonName+p.PersonContact, "وهمي") {
				t.Errorf("issue %q: private fields %q do not say they are fictional", i.Title, p.PersonName)
			}
		}
		events, err := db.FindIssueTimeline(ctx, i.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			if e.Kind != workspace.EventComment {
				continue
			}
			if e.ActorID == nil {
				t.Errorf("a comment on %q has no author", i.Title)
			}
			if hasArabic(e.Body) {
				arabicComments++
			} else {
				frenchComments++
			}
		}
		links, err := db.FindIssueLinks(ctx, i.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range links {
			linkKinds[l.TargetKind]++
			if l.TargetTitle == "" {
				t.Errorf("issue %q: link to %s %d without a title", i.Title, l.TargetKind, l.TargetID)
			}
			if l.TargetKind == workspace.LinkPassage {
				proc, err := db.FindProcedureByID(ctx, l.TargetID)
				if err != nil {
					t.Fatal(err)
				}
				text, _, err := db.LoadDocumentText(ctx, proc.DocumentID)
				if err != nil {
					t.Fatal(err)
				}
				if l.Anchor == nil || l.Anchor.Quote == "" || unitSlice(text.String(), l.Anchor.From, l.Anchor.To) != l.Anchor.Quote {
					t.Errorf("issue %q: passage %+v is not on its words", i.Title, l.Anchor)
				}
			}
		}
	}
	if arabic < 4 || french < 4 {
		t.Errorf("%d Arabic and %d French issues, want both", arabic, french)
	}
	if overdue < 2 {
		t.Errorf("%d overdue issues, want some", overdue)
	}
	if private < 2 || private > 5 {
		t.Errorf("%d issues with private fields, want a few", private)
	}
	if arabicComments < 3 || frenchComments < 3 {
		t.Errorf("%d Arabic and %d other comments, want both", arabicComments, frenchComments)
	}
	for _, s := range workspace.IssueStatuses {
		if statuses[s] == 0 {
			t.Errorf("no issue is %s", s)
		}
	}
	if len(priorities) < 3 || len(categories) < 6 {
		t.Errorf("%d priorities, %d categories, want variety", len(priorities), len(categories))
	}
	for _, k := range workspace.IssueLinkKinds {
		if linkKinds[k] == 0 {
			t.Errorf("no issue is linked to a %s", k)
		}
	}

	t.Run("ArabicSearch", func(t *testing.T) {
		found, _, err := db.FindIssues(ctx, sqlite.IssueFilter{Query: "الحالة المدنية"})
		if err != nil {
			t.Fatal(err)
		}
		if len(found) == 0 || !hasArabic(found[0].Issue.Title) || !strings.Contains(found[0].Issue.Title, "الحالة المدنية") {
			t.Fatalf("searching for الحالة المدنية found %d issues, want the Arabic one first", len(found))
		}
	})

	t.Run("DashboardFigures", func(t *testing.T) {
		stats, err := db.IssueStatistics(ctx, today)
		if err != nil {
			t.Fatal(err)
		}
		owners := 0
		for _, o := range stats.OverdueByOrganisation {
			owners += o.Count
		}
		if owners != overdue || len(stats.OpenSince) != 10-statuses[workspace.IssueResolved]-statuses[workspace.IssueClosed] {
			t.Errorf("statistics %+v disagree with the issues", stats)
		}
	})

	t.Run("Notifications", func(t *testing.T) {
		// The demo logins start with their notifications read; the other
		// people of the table have unread ones.
		hela, err := db.FindAccountByEmail(ctx, "hela.jaziri@demo.tn")
		if err != nil {
			t.Fatal(err)
		}
		for _, acc := range []*workspace.Account{member, hela} {
			notes, err := db.FindNotifications(ctx, acc.ID, 100)
			if err != nil {
				t.Fatal(err)
			}
			unread, err := db.CountUnreadNotifications(ctx, acc.ID)
			if err != nil {
				t.Fatal(err)
			}
			if wantUnread := acc != member; len(notes) == 0 || (unread > 0) != wantUnread {
				t.Errorf("%s has %d notifications, %d unread", acc.Email, len(notes), unread)
			}
		}
		following := 0
		for _, email := range []string{"hela.jaziri@demo.tn", "rim.sassi@demo.tn", demo.StakeholderEmail} {
			acc, err := db.FindAccountByEmail(ctx, email)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range hits {
				if ok, err := db.IsFollowingIssue(ctx, acc.ID, h.Issue.ID); err != nil {
					t.Fatal(err)
				} else if ok {
					following++
				}
			}
		}
		if following < 3 {
			t.Errorf("%d follows, want some", following)
		}
	})
}

// TestLoadIssuePrivateNeedToKnow checks that the demo shows who sees an
// issue's personal details: the demo member is in charge of an issue with
// French details, which it may see, and not of one with Arabic details,
// which it may not; the secretariat sees both, the stakeholder neither;
// and looks at them were recorded, never with what they hold.
func TestLoadIssuePrivateNeedToKnow(t *testing.T) {
	ctx := context.Background()
	db := mustOpenDB(t)
	if err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	actor := func(email string) workspace.Actor {
		t.Helper()
		acc, err := db.FindAccountByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return workspace.ActorFor(acc)
	}
	member, secretariat, stakeholder := actor(demo.MemberEmail), actor(demo.SecretariatEmail), actor(demo.StakeholderEmail)
	hits, _, err := db.FindIssues(ctx, sqlite.IssueFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	var inCharge, notInCharge []string
	for _, h := range hits {
		p, err := db.FindIssuePrivate(ctx, secretariat, h.Issue.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Empty() {
			continue
		}
		if _, err := db.FindIssuePrivate(ctx, stakeholder, h.Issue.ID); workspace.ErrorCode(err) != workspace.EFORBIDDEN {
			t.Errorf("the stakeholder reads the details of %q: %v", h.Issue.Title, err)
		}
		language := "fr"
		if hasArabic(p.PersonName + p.Details) {
			language = "ar"
		}
		if workspace.CanSeeIssuePrivate(member, h.Issue) == nil {
			inCharge = append(inCharge, language)
		} else {
			notInCharge = append(notInCharge, language)
		}
	}
	if !slices.Contains(inCharge, "fr") || !slices.Contains(notInCharge, "ar") {
		t.Errorf("the demo member is in charge of issues with details in %v and not of %v; want French details it sees and Arabic ones it does not",
			inCharge, notInCharge)
	}
	views, total, err := db.FindAuditEntries(ctx, workspace.AuditFilter{Action: workspace.AuditIssuePrivateView, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if total < 2 {
		t.Errorf("%d looks at personal details recorded, want some for the secretariat to find", total)
	}
	for _, v := range views {
		if strings.Contains(v.After, "Exemple") || hasArabic(v.After) {
			t.Errorf("a recorded look holds personal details: %s", v.After)
		}
	}
}
