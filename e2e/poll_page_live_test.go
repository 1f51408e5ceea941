package e2e

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
)

// TestBrowserPollPageLive follows a named poll from its page with
// web/static/js/poll.js: a ballot goes over the live channel and the page
// says it was stored without loading another page, another member's ballot
// moves the turnout, and the result appears when the secretariat closes the
// poll.
func TestBrowserPollPageLive(t *testing.T) {
	site, b := start(t)
	m, items := roomMeeting(t, site)
	staff := workspace.ActorFor(site.account(t, demo.SecretariatEmail))
	p := &workspace.Poll{Question: "Adopter le compte rendu ?", Kind: workspace.PollYesNo, Mode: workspace.BallotNamed,
		Unit: workspace.VotePerPerson, Majority: workspace.MajoritySimple, CollegeRule: workspace.CollegeRuleNone,
		MeetingID: &m.ID, AgendaItemID: &items[0].ID}
	yes := testsupport.OpenYesNoPoll(t, site.DB, staff, p)
	page := fmt.Sprintf("/polls/%d", p.ID)
	section := fmt.Sprintf(`section[data-poll="%d"]`, p.ID)

	voter := b.signedIn(t, demo.MemberEmail)
	voter.open(page)
	voter.poll("the page follows the poll", fmt.Sprintf(`document.querySelector(%q)?.dataset.live === "on"`, section))
	evaluate[bool](voter, `window.notReloaded = true`)
	voteOnPage(voter, p.ID, yes)
	if !evaluate[bool](voter, `window.notReloaded === true`) || voter.location().Path != page || voter.location().RawQuery != "" {
		t.Errorf("the ballot went by a page load (%s), not over the live channel", voter.location())
	}

	other := b.signedIn(t, "hela.jaziri@demo.tn")
	other.open(page)
	voteOnPage(other, p.ID, yes)
	voter.poll("the turnout moves", fmt.Sprintf(`(document.querySelector(%q + " .poll-turnout")?.textContent || "").includes("2")`, section))

	secretariat := b.signedIn(t, demo.SecretariatEmail)
	secretariat.open(page + "?confirm=close")
	if status := secretariat.submit("form.confirm-close button[type=submit]"); status != http.StatusOK {
		t.Fatalf("close: status %d", status)
	}
	voter.poll("the result appears", fmt.Sprintf(`!!document.querySelector(%q + " .poll-explanation")`, section))
	if !evaluate[bool](voter, `window.notReloaded === true`) {
		t.Errorf("the page was loaded again")
	}
	voter.screenshot("poll-page-result")
}

// voteOnPage chooses option on poll's page and votes, then waits until
// the page says the ballot is stored: over the live channel (poll.js), or
// by posting the form.
func voteOnPage(s *session, poll, option int64) {
	s.t.Helper()
	section := fmt.Sprintf(`section[data-poll="%d"]`, poll)
	s.do("choose", chromedp.Click(chromedp.CSS(fmt.Sprintf("#choice-%d-%d", poll, option))))
	s.do("vote", chromedp.Click(chromedp.CSS(section+" form.poll-vote-form button[type=submit]")))
	s.poll("the page says the ballot is stored", fmt.Sprintf(`!!document.querySelector(%q + " .poll-voted")`, section))
}
