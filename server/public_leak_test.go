package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"tawla/collab"
	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// TestNoUnpublishedLeak reads every public route, the feed, the sitemap,
// the search for each marker word and both downloads, and checks that
// nothing unpublished appears: not a draft, not a version that no vote
// adopted, not an adopted version the secretariat did not publish, not a
// procedure's details changed after publication, not a comment, not an
// issue or its private fields. Each of those carries a marker word found
// nowhere else.
func TestNoUnpublishedLeak(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	staff := workspace.ActorFor(ts.account(t, demo.SecretariatEmail))
	member := ts.account(t, demo.MemberEmail)
	voter := workspace.ActorFor(member)

	markers := map[string]string{
		"draft":      "Xylofrandraft",
		"unadopted":  "Quorvexunadopted",
		"adopted":    "Plimsadoptedonly",
		"details":    "Trastelrenamed",
		"comment":    "Vantrecomment",
		"issue":      "Jontalissuetitle",
		"private":    "Brixelprivatename",
		"contact":    "Mordecontact",
		"confidence": "Sylquidetails",
	}
	const publishedWord = "Ambrelucidpublished"
	published := "# Orientation vers la formation\n\n## Accueil\n\nLe centre reçoit la personne " + publishedWord + ".\n"

	// P: version 1 adopted and published; version 2 frozen but never
	// adopted; the draft changed afterwards; its title and summary
	// changed after publication.
	p := &workspace.Procedure{Title: "Orientation vers la formation", Language: "fr", Category: workspace.CategoryServiceStandard, Summary: "Résumé publié"}
	if err := ts.db.CreateProcedure(ctx, voter, p, published); err != nil {
		t.Fatal(err)
	}
	if err := ts.db.CreateVersion(ctx, voter, p.ID, 0, published, &workspace.Version{Message: "Version publiée"}); err != nil {
		t.Fatal(err)
	}
	testsupport.AdoptVersion(t, ts.db, staff, voter, p.ID, 1)
	pubP := publishVersion(t, ts, p, 1, 0)
	if err := ts.db.CreateVersion(ctx, voter, p.ID, 0, published+"\nTexte "+markers["unadopted"]+".\n", &workspace.Version{Message: "Version non adoptée"}); err != nil {
		t.Fatal(err)
	}
	ts.appendToDraft(t, p, "\nBrouillon "+markers["draft"]+".\n")
	p.Title = "Orientation " + markers["details"]
	p.Summary = "Résumé " + markers["details"]
	if err := ts.db.UpdateProcedure(ctx, voter, p); err != nil {
		t.Fatal(err)
	}

	// Q: version 1 adopted and published, version 2 adopted but not
	// published.
	q := publishedProcedure(t, ts, "Accompagnement administratif", "ar", "# مرافقة إدارية\n\nنص منشور.\n")
	pubQ := publishVersion(t, ts, q, 1, 0)
	adoptedOnly := "# مرافقة إدارية\n\nنص " + markers["adopted"] + ".\n"
	if err := ts.db.CreateVersion(ctx, voter, q.ID, 0, adoptedOnly, &workspace.Version{Message: "Adoptée, non publiée"}); err != nil {
		t.Fatal(err)
	}
	testsupport.AdoptVersion(t, ts.db, staff, voter, q.ID, 2)

	// A comment on P's draft, and an issue with private fields linked to
	// P.
	c := &workspace.Comment{Kind: workspace.KindComment, Body: "Remarque " + markers["comment"]}
	if _, err := ts.srv.collab.AddAnchor(ctx, p.DocumentID, collab.AnchorRequest{Base: 0, From: 2, To: 13,
		Within: func(ctx context.Context, tx *sqlite.Tx, a *workspace.Anchor) error {
			return tx.CreateComment(ctx, voter, a, c)
		}}); err != nil {
		t.Fatal(err)
	}
	cats, err := ts.db.FindIssueCategories(ctx, false)
	if err != nil || len(cats) == 0 {
		t.Fatalf("categories: %v", err)
	}
	issue := &workspace.Issue{Title: "Problème " + markers["issue"], CategoryID: cats[0].ID, Priority: workspace.PriorityHigh,
		Description: "Le centre de formation " + markers["issue"] + "."}
	if _, err := ts.db.CreateIssue(ctx, voter, issue, &workspace.IssuePrivate{PersonName: markers["private"],
		PersonContact: markers["contact"], Details: markers["confidence"]}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.db.LinkIssue(ctx, voter, &workspace.IssueLink{IssueID: issue.ID, TargetKind: workspace.LinkProcedure, TargetID: p.ID}); err != nil {
		t.Fatal(err)
	}

	// Every public GET route, its {name} segments filled with real values.
	values := map[string][]string{
		"ident":   {pubP.Identifier, strings.ToLower(pubQ.Identifier)},
		"lang":    {"fr", "ar"},
		"edition": {"1", "2"},
		"token":   {"no-such-token"},
	}
	examples := map[string]string{"/static/": "/static/css/tawla.css"}
	placeholder := regexp.MustCompile(`\{([a-z$]+)\}`)
	var requests []string
	for _, r := range ts.srv.Routes() {
		method, path, _ := strings.Cut(r.Pattern, " ")
		if method != http.MethodGet || r.Access != workspace.AccessPublic {
			continue
		}
		if ex, ok := examples[path]; ok {
			requests = append(requests, ex)
			continue
		}
		paths := []string{path}
		for _, m := range placeholder.FindAllStringSubmatch(path, -1) {
			vals := values[m[1]]
			if len(vals) == 0 {
				t.Errorf("GET %s: no example value for {%s}: add one to TestNoUnpublishedLeak", path, m[1])
				paths = nil
				break
			}
			var filled []string
			for _, p := range paths {
				for _, v := range vals {
					filled = append(filled, strings.Replace(p, m[0], v, 1))
				}
			}
			paths = filled
		}
		requests = append(requests, paths...)
	}
	if t.Failed() {
		t.FailNow()
	}
	requests = append(requests, "/public/procedures?category=service_standard", "/public/search?q="+publishedWord,
		"/public/check?sha256="+workspace.ContentHash(adoptedOnly), "/public/check?sha256="+pubP.ContentSHA256)
	var searches []string
	for _, m := range markers {
		searches = append(searches, "/public/search?q="+url.QueryEscape(m))
	}

	for _, viewer := range []struct{ name, email string }{{"anonymous", ""}, {"member", demo.MemberEmail}, {"secretariat", demo.SecretariatEmail}} {
		t.Run(viewer.name, func(t *testing.T) {
			cl := ts.newClient(t)
			if viewer.email != "" {
				cl = ts.sessionClient(t, viewer.email)
			}
			read := map[string]string{}
			check := func(path, body string) {
				t.Helper()
				for what, m := range markers {
					if strings.Contains(body, m) {
						t.Errorf("GET %s as %s shows the %s (%q)", path, viewer.name, what, m)
					}
				}
			}
			for _, path := range requests {
				resp := cl.get(t, path)
				check(path, resp.Body)
				if resp.StatusCode == http.StatusOK {
					read[path] = resp.Body
				}
			}
			// The search page repeats the query in its field and in the
			// links to itself in other languages; only the rest of the
			// page must not hold it.
			for i, path := range searches {
				resp := mustGet(t, cl, path, http.StatusOK)
				body := resp.Body
				for _, m := range markers {
					body = strings.ReplaceAll(body, `value="`+m+`"`, "")
					body = strings.ReplaceAll(body, "q="+m+`"`, "")
				}
				check(path, body)
				if strings.Contains(body, "/public/procedures/"+pubP.Identifier) || strings.Contains(body, "/public/procedures/"+pubQ.Identifier) {
					t.Errorf("search %d as %s finds a published entry by an unpublished word", i, viewer.name)
				}
			}
			// The test read the published texts: it can fail.
			for _, path := range []string{
				"/public/procedures/" + pubP.Identifier + "/fr",
				"/public/procedures/" + pubP.Identifier + "/fr/editions/1/markdown",
				"/public/procedures/" + pubP.Identifier + "/fr/editions/1/html",
				"/public/search?q=" + publishedWord,
			} {
				if !strings.Contains(read[path], publishedWord) {
					t.Errorf("GET %s as %s did not show the published text: the test read nothing there", path, viewer.name)
				}
			}
			for _, path := range []string{"/public/feed.atom", "/sitemap.xml", "/public"} {
				if !strings.Contains(read[path], pubQ.Identifier) {
					t.Errorf("GET %s as %s does not list %s: the test read nothing there", path, viewer.name, pubQ.Identifier)
				}
			}
			// The adopted version Q 2 is no edition of the register.
			if resp := cl.get(t, "/public/procedures/"+pubQ.Identifier+"/ar/editions/2"); resp.StatusCode != http.StatusNotFound {
				t.Errorf("an adopted but unpublished version reads as edition 2: status %d", resp.StatusCode)
			}
		})
	}
	// The markers are where they were put: the members' pages show them.
	memberPage := ts.sessionClient(t, demo.MemberEmail).get(t, "/procedures/"+strconv.FormatInt(p.ID, 10)+"/versions/2")
	if !strings.Contains(memberPage.Body, markers["unadopted"]) {
		t.Fatal("the unadopted version's page does not show its marker: the test checks nothing")
	}
}
