package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
)

// TestBrowserSecretPollCollegesWithheld closes a secret poll held under
// the rule of every college, in which the returnees' college has a single
// voter: the result that reaches the voter's open page says that the rule
// was missed and why no figures by college are shown, and neither a
// college line nor the name of the college that failed tells how that one
// person voted.
func TestBrowserSecretPollCollegesWithheld(t *testing.T) {
	site, b := start(t)
	m, items := roomMeeting(t, site)
	staff := workspace.ActorFor(site.account(t, demo.SecretariatEmail))
	p := &workspace.Poll{Question: "Adopter le circuit d'orientation ?", Kind: workspace.PollYesNo, Mode: workspace.BallotSecret,
		Unit: workspace.VotePerPerson, Majority: workspace.MajoritySimple, CollegeRule: workspace.CollegeRuleEvery,
		MeetingID: &m.ID, AgendaItemID: &items[0].ID}
	yes := testsupport.OpenYesNoPoll(t, site.DB, staff, p)
	var no int64
	for _, o := range p.Options {
		if o.Key == workspace.OptionNo {
			no = o.ID
		}
	}
	page := fmt.Sprintf("/polls/%d", p.ID)
	section := fmt.Sprintf(`section[data-poll="%d"]`, p.ID)

	voter := b.signedIn(t, demo.MemberEmail)
	voter.open(page)
	voter.poll("the page follows the poll", fmt.Sprintf(`document.querySelector(%q)?.dataset.live === "on"`, section))
	voteOnPage(voter, p.ID, yes)
	returnee := b.signedIn(t, "fethi.hamdi@demo.tn") // the returnees' only voter
	returnee.open(page)
	voteOnPage(returnee, p.ID, no)

	secretariat := b.signedIn(t, demo.SecretariatEmail)
	secretariat.open(page + "?confirm=close")
	if status := secretariat.submit("form.confirm-close button[type=submit]"); status != http.StatusOK {
		t.Fatalf("close: status %d", status)
	}
	voter.poll("the result appears", fmt.Sprintf(`!!document.querySelector(%q + " .poll-explanation")`, section))
	explanation := voter.text(section + " .poll-explanation")
	if !strings.Contains(explanation, "Rejetée") || !strings.Contains(explanation, "pas de majorité favorable dans au moins un collège") ||
		strings.Contains(explanation, "migrants de retour") {
		t.Errorf("the result %q: want the rule missed, without naming the college whose one voter it would expose", explanation)
	}
	if got := voter.count(section + " .poll-colleges li"); got != 0 {
		t.Errorf("%d college lines shown; a one-voter college's figures would be that voter's choice", got)
	}
	if withheld := voter.text(section + " .poll-colleges-withheld"); !strings.Contains(withheld, "moins de 3 votants") {
		t.Errorf("the page says %q about the colleges, want why their figures are not shown", withheld)
	}
	voter.screenshot("poll-secret-colleges-withheld")
}
