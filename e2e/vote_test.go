package e2e

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"tawla/demo"
	"tawla/workspace"
)

// TestBrowserVote has the secretariat put the current agenda item of a live
// meeting to a vote from the pages (the form, then "open"), three members
// with a vote vote from their own pages (two yes, one no; one of them
// reads Arabic), the ballots going over the live channel, the secretariat closes the poll through its confirmation
// step, and the result appears on the poll's page, explained in words,
// and live on the meeting's projector, which showed the turnout while the
// poll was open.
func TestBrowserVote(t *testing.T) {
	site, b := start(t)
	m, items := roomMeeting(t, site)

	// The secretariat prepares the poll on the item under discussion (the
	// projector shows an open poll, or the current item's last closed one)
	// and opens it.
	secretariat := b.signedIn(t, demo.SecretariatEmail)
	secretariat.open(fmt.Sprintf("/meetings/%d", m.ID))
	secretariat.do("follow the item's put-to-a-vote link",
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#item-%d a[href^="/polls/new"]`, items[0].ID))),
		chromedp.WaitVisible(chromedp.CSS("#question")))
	question := "La table adopte-t-elle l'ordre du jour ?"
	secretariat.fill("#question", question)
	if status := secretariat.submit(`form.poll-form button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("create the poll: status %d", status)
	}
	loc := secretariat.location()
	id, err := strconv.ParseInt(strings.TrimPrefix(loc.Path, "/polls/"), 10, 64)
	if err != nil || loc.Query().Get("done") != "poll_created" {
		t.Fatalf("after creating the poll the page is %s, want /polls/N?done=poll_created", loc)
	}
	pollPath := fmt.Sprintf("/polls/%d", id)
	if status := secretariat.submit(fmt.Sprintf(`form[action="%s/open"] button[type="submit"]`, pollPath)); status != http.StatusOK {
		t.Fatalf("open the poll: status %d", status)
	}
	poll, err := site.DB.FindPollByID(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if poll.Status != workspace.PollOpen || poll.Kind != workspace.PollYesNo || poll.AgendaItemID == nil || *poll.AgendaItemID != items[0].ID {
		t.Fatalf("poll %d: %s %s on item %v, want an open yes/no poll on item %d", id, poll.Status, poll.Kind, poll.AgendaItemID, items[0].ID)
	}

	// The projector shows the open poll.
	projector := b.signedIn(t, demo.SecretariatEmail)
	projector.open(fmt.Sprintf("/meetings/%d/projector", m.ID))
	projector.waitRoom()
	projector.poll("wait for the open poll on the projector", `document.getElementById("poll-slot").dataset.status === "open"`)
	projector.waitText("#poll-slot .poll-slot-question", question)

	// Three members with a vote vote from their own pages.
	votes := []struct {
		email  string
		option string
	}{
		{demo.MemberEmail, workspace.OptionYes},
		{"hela.jaziri@demo.tn", workspace.OptionYes},
		{"mounir.benamor@demo.tn", workspace.OptionNo},
	}
	optionID := map[string]int64{}
	for _, o := range poll.Options {
		optionID[o.Key] = o.ID
	}
	for i, v := range votes {
		member := b.signedIn(t, v.email)
		member.open(pollPath)
		member.do("choose "+v.option, chromedp.Click(chromedp.CSS(fmt.Sprintf(`.poll-vote-form input[name="choice"][value="%d"]`, optionID[v.option]))))
		// The page's script sends the ballot over the live channel and
		// reads the poll again once it is stored (without the script, the
		// form posts and the page comes back): either way it then says
		// the member has voted, and offers no form to vote again.
		member.do("vote", chromedp.Click(chromedp.CSS(`.poll-vote-form button[type="submit"]`)))
		member.poll("wait for the vote to be stored", `!!document.querySelector(".poll-voted") && !document.querySelector(".poll-vote-form")`)
		// The projector counts each ballot as it comes.
		projector.poll(fmt.Sprintf("wait for %d ballots on the projector", i+1),
			fmt.Sprintf(`(document.querySelector("#poll-slot .poll-slot-turnout")?.textContent ?? "").includes("%d")`, i+1))
	}

	// The secretariat closes the poll, confirming it.
	secretariat.open(pollPath)
	secretariat.do("ask to close the poll", chromedp.Click(chromedp.CSS(`.poll-controls a[href*="confirm=close"]`)),
		chromedp.WaitVisible(chromedp.CSS("form.confirm-close")))
	if status := secretariat.submit(`form.confirm-close button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("close the poll: status %d", status)
	}
	explanation := secretariat.text(".poll-explanation")
	for _, want := range []string{"Adoptée", "2 oui, 1 non, 0 abstention", "majorité simple atteinte"} {
		if !strings.Contains(explanation, want) {
			t.Errorf("the result reads %q, want it to hold %q", explanation, want)
		}
	}
	if got := secretariat.count(".poll-ballots tbody tr"); got != 3 {
		t.Errorf("the named poll lists %d ballots, want 3", got)
	}
	secretariat.screenshot("poll-closed")

	// The projector shows the result.
	projector.poll("wait for the result on the projector", `document.getElementById("poll-slot").dataset.status === "closed"`)
	projector.waitText("#poll-slot .poll-slot-outcome", "Adopté")
	if cast := projector.text("#poll-slot .poll-slot-cast"); !strings.Contains(cast, "3") {
		t.Errorf("the projector's ballots read %q, want 3 of them", cast)
	}
	projector.screenshot("projector-poll-result")
}
