package e2e

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
)

// TestBrowserPollSlot follows a secret poll on the projector: the slot
// shows how many have voted and no counts while it is open, the turnout
// moves when a member votes from the poll's page, and the outcome appears
// when the secretariat closes the poll, with the reason in words — for a
// rejection too.
func TestBrowserPollSlot(t *testing.T) {
	site, b := start(t)
	m, items := roomMeeting(t, site)
	staff := workspace.ActorFor(site.account(t, demo.SecretariatEmail))
	p := &workspace.Poll{Question: "Adopter l'ordre du jour ?", Kind: workspace.PollYesNo, Mode: workspace.BallotSecret,
		Unit: workspace.VotePerPerson, Majority: workspace.MajoritySimple, CollegeRule: workspace.CollegeRuleNone,
		MeetingID: &m.ID, AgendaItemID: &items[0].ID}
	yes := testsupport.OpenYesNoPoll(t, site.DB, staff, p)

	projector := b.signedIn(t, demo.AdminEmail)
	projector.open(fmt.Sprintf("/meetings/%d/projector", m.ID))
	projector.waitRoom()
	projector.waitText("#poll-slot .poll-slot-question", p.Question)
	projector.waitText("#poll-slot .poll-slot-turnout", "Votants\u00a0: 0")
	if n := projector.count("#poll-slot .poll-slot-counts"); n != 0 {
		t.Errorf("the projector shows the counts of a secret poll while it is open")
	}

	voter := b.signedIn(t, demo.MemberEmail)
	voter.open(fmt.Sprintf("/polls/%d", p.ID))
	voteOnPage(voter, p.ID, yes)
	projector.waitText("#poll-slot .poll-slot-turnout", "Votants\u00a0: 1")

	secretariat := b.signedIn(t, demo.SecretariatEmail)
	secretariat.open(fmt.Sprintf("/polls/%d?confirm=close", p.ID))
	if status := secretariat.submit("form.confirm-close button[type=submit]"); status != http.StatusOK {
		t.Fatalf("close: status %d", status)
	}
	projector.waitText("#poll-slot .poll-slot-outcome", "Adopté")
	projector.waitText("#poll-slot .poll-slot-reason", "Majorité simple atteinte\u00a0: 1 oui, 1 requis")
	projector.screenshot("projector-result")
	projector.waitText("#poll-slot .poll-slot-cast", fmt.Sprintf("Bulletins\u00a0: 1 sur %d", evaluate[int](projector, `Number(document.querySelector("#room-quorum-electorate")?.textContent) || 0`)))

	// A rejection says why, as the poll's page does: one yes is not the
	// majority of the whole electorate.
	p2 := &workspace.Poll{Question: "Retenir la date du forum ?", Kind: workspace.PollYesNo, Mode: workspace.BallotNamed,
		Unit: workspace.VotePerPerson, Majority: workspace.MajorityElectorate, CollegeRule: workspace.CollegeRuleNone,
		MeetingID: &m.ID, AgendaItemID: &items[0].ID}
	yes2 := testsupport.OpenYesNoPoll(t, site.DB, staff, p2)
	voter.open(fmt.Sprintf("/polls/%d", p2.ID))
	voteOnPage(voter, p2.ID, yes2)
	projector.waitText("#poll-slot .poll-slot-question", p2.Question)
	secretariat.open(fmt.Sprintf("/polls/%d?confirm=close", p2.ID))
	if status := secretariat.submit("form.confirm-close button[type=submit]"); status != http.StatusOK {
		t.Fatalf("close: status %d", status)
	}
	projector.waitText("#poll-slot .poll-slot-outcome", "Rejeté")
	closed, err := site.DB.FindPollByID(context.Background(), p2.ID)
	if err != nil || closed.Result == nil {
		t.Fatalf("the closed poll: %v", err)
	}
	projector.waitText("#poll-slot .poll-slot-reason",
		fmt.Sprintf("Majorité des votants possibles non atteinte\u00a0: 1 oui sur %d requis", closed.Result.MajorityRequired))
}
