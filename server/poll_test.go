package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tawla/demo"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// newPollMeeting creates a live meeting with one item, for polls.
func newPollMeeting(t *testing.T, ts *testServer) (*workspace.Meeting, *workspace.AgendaItem) {
	t.Helper()
	ctx := context.Background()
	system := workspace.SystemActor("test")
	at := ts.clock.Now().Truncate(time.Minute)
	m := &workspace.Meeting{Title: "Réunion des votes", Kind: workspace.MeetingPlenary, Language: "fr",
		StartsAt: at, EndsAt: at.Add(2 * time.Hour), QuorumRule: workspace.QuorumNone}
	if err := ts.db.CreateMeeting(ctx, system, m, nil); err != nil {
		t.Fatal(err)
	}
	it := &workspace.AgendaItem{MeetingID: m.ID, Title: "Point mis aux voix", DurationMinutes: 15}
	if err := ts.db.AddAgendaItem(ctx, system, it, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.db.StartMeeting(ctx, system, m.ID, nil); err != nil {
		t.Fatal(err)
	}
	return m, it
}

// demoSecretAdoption returns, among polls, the demo's secret vote that
// adopted a version of a draft procedure (the register's procedures have
// named adoption votes of their own).
func demoSecretAdoption(t *testing.T, polls []*workspace.Poll) *workspace.Poll {
	t.Helper()
	for _, p := range polls {
		if p.AboutVersion() && p.Status == workspace.PollClosed && p.Mode == workspace.BallotSecret {
			return p
		}
	}
	t.Fatal("the demo has no secret adoption poll")
	return nil
}

// TestPollPages follows a poll through the pages: the form refused and
// shown again filled, a multiple-choice poll prepared, changed, opened,
// voted in by members, closed, its result in words and its ballots as CSV
// (with the BOM and the formula guard); and the meeting page lists it under
// its item, with the link that puts an item to a vote for the secretariat
// only.
func TestPollPages(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	m, it := newPollMeeting(t, ts)
	staff := ts.sessionClient(t, demo.SecretariatEmail)
	item := strconv.FormatInt(it.ID, 10)

	// The form, from the item's link.
	meetingPage := staff.get(t, fmt.Sprintf("/meetings/%d", m.ID))
	link := fmt.Sprintf(`href="/polls/new?meeting=%d&amp;item=%d"`, m.ID, it.ID)
	if !strings.Contains(meetingPage.Body, link) {
		t.Fatalf("the meeting page does not offer the secretariat %s", link)
	}
	if page := ts.sessionClient(t, demo.MemberEmail).get(t, fmt.Sprintf("/meetings/%d", m.ID)); strings.Contains(page.Body, "/polls/new") {
		t.Errorf("the meeting page offers a member to put an item to a vote")
	}
	if page := staff.get(t, "/polls/new?item="+item); page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `name="item" value="`+item+`"`) {
		t.Fatalf("GET /polls/new?item=%s: status %d, or the form does not carry the item", item, page.StatusCode)
	}
	// The form shows who can vote by college: the demo's returnees'
	// college has two members with a vote, too few for a secret poll to
	// show its figures.
	if form := staff.get(t, "/polls/new?item="+item).Body; !strings.Contains(form, `class="poll-electorate"`) ||
		!regexp.MustCompile(`data-college="returnees">\s*<th[^>]*>[^<]*</th>\s*<td class="number">2<span class="few">\*</span>`).MatchString(form) {
		t.Errorf("the poll form does not show the returnees' two voters as too few for a secret poll's figures")
	}

	// Refused: no question; the form comes back filled.
	form := url.Values{"item": {item}, "kind": {"multiple"}, "mode": {"named"}, "unit": {"person"},
		"options": {"Mahdia\r\n=SOMME(A1)\r\nEl Jem"}, "min_choices": {"1"}, "max_choices": {"2"}, "quorum_percent": {"20"}}
	before := ts.snapshot(t)
	resp := staff.postForm(t, "/polls", form)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(resp.Body, "El Jem") || !strings.Contains(resp.Body, `id="form-error"`) {
		t.Fatalf("a poll without a question: status %d; want 400 with the form filled and its error", resp.StatusCode)
	}
	// A deadline already past is refused too.
	form.Set("question", "Où tenir les prochaines séances ?")
	form.Set("closes_date", "2000-01-01")
	form.Set("closes_time", "10:00")
	if resp := staff.postForm(t, "/polls", form); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a deadline in the past: status %d, want 400", resp.StatusCode)
	}
	if ts.snapshot(t) != before {
		t.Fatal("a refused poll changed the data")
	}

	form.Del("closes_date")
	form.Del("closes_time")
	resp = staff.postForm(t, "/polls", form)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.location(), "/polls/") {
		t.Fatalf("create: status %d to %q", resp.StatusCode, resp.location())
	}
	u, _ := url.Parse(resp.location())
	id, err := strconv.ParseInt(strings.TrimPrefix(u.Path, "/polls/"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	path := "/polls/" + strconv.FormatInt(id, 10)

	// Changed while a draft: the edit form shows its options, one a line.
	edit := staff.get(t, path+"/edit")
	if edit.StatusCode != http.StatusOK || !strings.Contains(edit.Body, "Mahdia\n=SOMME(A1)\nEl Jem") {
		t.Fatalf("edit: status %d, or the options are not one per line", edit.StatusCode)
	}
	form.Set("question", "Où tenir les deux prochaines séances ?")
	if resp := staff.postForm(t, path, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: status %d", resp.StatusCode)
	}
	if resp := staff.postForm(t, path+"/open", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("open: status %d", resp.StatusCode)
	}
	poll, err := ts.db.FindPollByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if poll.Question != "Où tenir les deux prochaines séances ?" || poll.Status != workspace.PollOpen || len(poll.Options) != 3 {
		t.Fatalf("poll: %q, %s, %d options", poll.Question, poll.Status, len(poll.Options))
	}
	choice := func(i int) string { return strconv.FormatInt(poll.Options[i].ID, 10) }

	// Members vote: checkboxes for a multiple-choice poll; too many
	// choices are refused.
	member := ts.sessionClient(t, demo.MemberEmail)
	page := member.get(t, path)
	if !strings.Contains(page.Body, `type="checkbox" value="`+choice(0)+`"`) {
		t.Fatalf("the member is not offered checkboxes")
	}
	if resp := member.postForm(t, path+"/vote", url.Values{"choice": {choice(0), choice(1), choice(2)}}); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("three choices of at most two: status %d, want 400", resp.StatusCode)
	}
	for email, choices := range map[string][]string{
		demo.MemberEmail:         {choice(0), choice(1)},
		"hela.jaziri@demo.tn":    {choice(1)},
		"mounir.benamor@demo.tn": {choice(1), choice(2)},
	} {
		if resp := ts.sessionClient(t, email).postForm(t, path+"/vote", url.Values{"choice": choices}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s votes: status %d", email, resp.StatusCode)
		}
	}
	// While open, a named poll shows its counts and the turnout.
	page = member.get(t, path)
	if !strings.Contains(page.Body, "poll-counts") || !strings.Contains(page.Body, "poll-voted") {
		t.Errorf("the open named poll shows no counts, or not that the member voted")
	}

	// Closed through the confirmation.
	if confirm := staff.get(t, path+"?confirm=close"); !strings.Contains(confirm.Body, `class="confirm-close"`) {
		t.Fatalf("no close confirmation")
	}
	if resp := staff.postForm(t, path+"/close", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("close: status %d", resp.StatusCode)
	}
	if resp := staff.postForm(t, path+"/close", nil); resp.StatusCode != http.StatusConflict {
		t.Errorf("close again: status %d, want 409", resp.StatusCode)
	}
	page = member.get(t, path)
	if !strings.Contains(page.Body, "Choisi") || !strings.Contains(page.Body, "=SOMME(A1)") || !strings.Contains(page.Body, "3 sur ") {
		t.Errorf("the closed poll's page lacks its result in words")
	}

	// The ballots as CSV.
	csv := member.get(t, path+"/ballots.csv")
	if csv.StatusCode != http.StatusOK || !strings.HasPrefix(csv.Body, "\uFEFF") || !strings.Contains(csv.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: status %d, type %q", csv.StatusCode, csv.Header.Get("Content-Type"))
	}
	if lines := strings.Split(strings.TrimSpace(csv.Body), "\r\n"); len(lines) != 4 {
		t.Errorf("CSV: %d lines, want a heading and 3 ballots:\n%s", len(lines), csv.Body)
	}
	if !strings.Contains(csv.Body, "'=SOMME(A1)") || strings.Contains(csv.Body, ",=SOMME") {
		t.Errorf("CSV: a choice that starts like a formula is not guarded:\n%s", csv.Body)
	}

	// The meeting page lists the poll under its item with its result.
	meetingPage = member.get(t, fmt.Sprintf("/meetings/%d", m.ID))
	if !strings.Contains(meetingPage.Body, `href="`+path+`"`) || !strings.Contains(meetingPage.Body, "Choisi") {
		t.Errorf("the meeting page does not list the closed poll with its result")
	}
}

// TestSecretPollPages checks that a secret poll's pages name nobody: no
// counts while it is open, no list of ballots, no CSV; and that the
// version page shows the demo's adopted version with its badge, and
// says that it is put to no new vote, offering the secretariat none.
func TestSecretPollPages(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	polls, err := ts.db.FindPolls(ctx, sqlite.PollFilter{})
	if err != nil {
		t.Fatal(err)
	}
	adoption := demoSecretAdoption(t, polls)
	system := workspace.SystemActor("test")
	secret := &workspace.Poll{Question: "Adopter la version 2 ?", Kind: workspace.PollYesNo, Mode: workspace.BallotSecret, Unit: workspace.VotePerPerson,
		Majority: workspace.MajoritySimple, CollegeRule: workspace.CollegeRuleNone, ProcedureID: adoption.ProcedureID, VersionNumber: 2}
	if err := ts.db.CreatePoll(ctx, system, secret); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.db.OpenPoll(ctx, system, secret.ID); err != nil {
		t.Fatal(err)
	}
	path := "/polls/" + strconv.FormatInt(secret.ID, 10)
	member := ts.sessionClient(t, demo.MemberEmail)
	if resp := member.postForm(t, path+"/vote", url.Values{"choice": {strconv.FormatInt(secret.Options[1].ID, 10)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("vote: status %d", resp.StatusCode)
	}
	memberName := ts.account(t, demo.MemberEmail).Name
	for _, c := range []*client{member, ts.sessionClient(t, demo.AdminEmail)} {
		page := c.get(t, path)
		if strings.Contains(page.Body, "poll-counts") || strings.Contains(page.Body, "poll-ballots") || strings.Contains(page.Body, "ballots.csv") {
			t.Errorf("an open secret poll shows counts or ballots")
		}
	}
	// Another reader does not find the voter's name on the page.
	if page := ts.sessionClient(t, demo.AdminEmail).get(t, path); strings.Contains(page.Body, memberName) {
		t.Errorf("the secret poll's page names the voter")
	}
	if _, err := ts.db.ClosePoll(ctx, system, secret.ID); err != nil {
		t.Fatal(err)
	}
	page := member.get(t, path)
	if !strings.Contains(page.Body, "poll-counts") || strings.Contains(page.Body, "poll-ballots") || strings.Contains(page.Body, memberName+"</td>") {
		t.Errorf("a closed secret poll: want its counts and no ballots")
	}
	// The demo's adoption, secret under the rule of every college, had
	// one ballot from the local authorities and two from the returnees:
	// no figures by college, and a line that says why.
	adoptionPage := member.get(t, "/polls/"+strconv.FormatInt(adoption.ID, 10))
	if !strings.Contains(adoptionPage.Body, `class="poll-colleges-withheld`) || strings.Contains(adoptionPage.Body, `class="poll-colleges"`) {
		t.Errorf("the demo's secret adoption, with colleges of one and two voters, shows figures by college")
	}
	if resp := member.get(t, path+"/ballots.csv"); resp.StatusCode != http.StatusForbidden || strings.Contains(resp.Header.Get("Content-Type"), "csv") || strings.HasPrefix(resp.Body, "\uFEFF") {
		t.Errorf("a secret poll's CSV: status %d, type %q; want a 403 page and no file", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	// The adopted version.
	versionPage := fmt.Sprintf("/procedures/%d/versions/%d", *adoption.ProcedureID, adoption.VersionNumber)
	page = member.get(t, versionPage)
	if !strings.Contains(page.Body, "adopted-badge") || !strings.Contains(page.Body, fmt.Sprintf("nº\u00a0%d", adoption.ID)) && !strings.Contains(page.Body, fmt.Sprintf("nº %d", adoption.ID)) {
		t.Errorf("the adopted version's page shows no badge naming poll %d", adoption.ID)
	}
	if !strings.Contains(page.Body, fmt.Sprintf(`href="/polls/%d"`, adoption.ID)) || strings.Contains(page.Body, "/polls/new") {
		t.Errorf("the version page does not list its poll to a member, or offers them to put it to a vote")
	}
	// Adopted, the version is put to no new vote, and its page says so.
	if page := ts.sessionClient(t, demo.SecretariatEmail).get(t, versionPage); strings.Contains(page.Body, "/polls/new?") ||
		!strings.Contains(page.Body, "version-vote-closed") {
		t.Errorf("the adopted version's page offers the secretariat a new poll, or does not say that it takes none")
	}
	if page := ts.sessionClient(t, demo.StakeholderEmail).get(t, versionPage); strings.Contains(page.Body, "/polls/") || !strings.Contains(page.Body, "adopted-badge") {
		t.Errorf("a stakeholder: want the adopted badge and no link to polls")
	}
}

// TestProcedurePagePolls: a poll open on a version's adoption appears on
// its procedure's page for members, who vote from there; a closed one
// and a stakeholder's page show none.
func TestProcedurePagePolls(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	system := workspace.SystemActor("test")
	polls, err := ts.db.FindPolls(ctx, sqlite.PollFilter{})
	if err != nil {
		t.Fatal(err)
	}
	adoption := demoSecretAdoption(t, polls)
	open := &workspace.Poll{Question: "Adopter la version 2 <bis> ?", Kind: workspace.PollYesNo, Mode: workspace.BallotNamed, Unit: workspace.VotePerPerson,
		Majority: workspace.MajoritySimple, CollegeRule: workspace.CollegeRuleNone, ProcedureID: adoption.ProcedureID, VersionNumber: 2}
	if err := ts.db.CreatePoll(ctx, system, open); err != nil {
		t.Fatal(err)
	}
	procPath := "/procedures/" + strconv.FormatInt(*adoption.ProcedureID, 10)
	link := `href="/polls/` + strconv.FormatInt(open.ID, 10) + `"`
	member := ts.sessionClient(t, demo.MemberEmail)
	if page := member.get(t, procPath); strings.Contains(page.Body, link) {
		t.Error("a draft poll shows on the procedure page")
	}
	if _, err := ts.db.OpenPoll(ctx, system, open.ID); err != nil {
		t.Fatal(err)
	}
	page := member.get(t, procPath)
	wantStatus(t, "procedure page", page, http.StatusOK)
	if !strings.Contains(page.Body, link) || !strings.Contains(page.Body, "Adopter la version 2 &lt;bis&gt; ?") {
		t.Errorf("the open poll is not on the procedure page:\n%s", excerpt(page.Body))
	}
	if page := ts.sessionClient(t, demo.StakeholderEmail).get(t, procPath); strings.Contains(page.Body, link) {
		t.Error("a stakeholder's procedure page shows the poll")
	}
	if _, err := ts.db.ClosePoll(ctx, system, open.ID); err != nil {
		t.Fatal(err)
	}
	if page := member.get(t, procPath); strings.Contains(page.Body, link) {
		t.Error("a closed poll still shows as open on the procedure page")
	}
}
