package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tawla/demo"
	"tawla/workspace"
)

// TestBrowserCancelMeeting: the secretariat cancels a planned meeting
// from its page — opens the confirm step, gives a reason, confirms — and
// lands on the meeting's page, now read-only, which says it was cancelled
// and why; a member who has the page open is told at once, without
// loading it again; the Arabic page says it too, right to left.
func TestBrowserCancelMeeting(t *testing.T) {
	site, b := start(t)
	begins := time.Now().UTC().Add(72 * time.Hour).Truncate(time.Minute)
	m := &workspace.Meeting{Title: "Plénière à annuler", Kind: workspace.MeetingPlenary, Language: "fr",
		StartsAt: begins, EndsAt: begins.Add(2 * time.Hour), Place: "Gouvernorat de Mahdia", QuorumRule: workspace.QuorumHalfPlusOne}
	if err := site.DB.CreateMeeting(t.Context(), workspace.SystemActor("e2e"), m, nil); err != nil {
		t.Fatalf("create the meeting: %v", err)
	}
	page := fmt.Sprintf("/meetings/%d", m.ID)
	reason := "Alerte météo : la salle du gouvernorat est fermée."

	member := b.signedIn(t, demo.MemberEmail)
	member.open(page)
	member.poll("the member's page follows the meeting", `document.querySelector("#meeting-cancelled-live") !== null`)
	evaluate[bool](member, `window.notReloaded = true`)

	secretariat := b.signedIn(t, demo.SecretariatEmail)
	secretariat.open(page)
	if evaluate[bool](secretariat, `document.querySelector("#meeting-cancel").open`) {
		t.Fatalf("the confirm step is open before it is asked for")
	}
	secretariat.do("open the confirm step", chromedp.Click(chromedp.CSS("#meeting-cancel summary")))
	secretariat.poll("the confirm step opens", `document.querySelector("#meeting-cancel").open === true`)
	// Give the member's channel time to subscribe before the cancellation.
	time.Sleep(500 * time.Millisecond)
	secretariat.typeInto("#cancel-reason", reason)
	if status := secretariat.submit("#meeting-cancel button[type=submit]"); status != http.StatusOK {
		t.Fatalf("cancel: status %d", status)
	}
	if got := secretariat.location(); got.Path != page || got.Query().Get("done") != "meeting_cancelled" {
		t.Errorf("the cancellation led to %s", got)
	}
	banner := secretariat.text("#meeting-cancelled")
	for _, want := range []string{"Réunion annulée", reason, site.account(t, demo.SecretariatEmail).Name} {
		if !strings.Contains(banner, want) {
			t.Errorf("the cancelled page's banner %q lacks %q", banner, want)
		}
	}
	for _, gone := range []string{"#meeting-cancel", `form[action$="/start"]`, `a[href$="/edit"]`} {
		if n := secretariat.count(gone); n != 0 {
			t.Errorf("the cancelled page still offers %s", gone)
		}
	}
	secretariat.screenshot("meeting-cancelled")

	member.poll("the member is told at once", `!document.querySelector("#meeting-cancelled-live").hidden`)
	if got := member.text("#meeting-cancelled-live"); !strings.Contains(got, reason) {
		t.Errorf("the member's live notice %q lacks the reason", got)
	}
	if !evaluate[bool](member, `window.notReloaded === true`) {
		t.Errorf("the member's page was loaded again")
	}

	member.open(page + "?lang=ar")
	if lang, dir := member.htmlLangDir(); lang != "ar" || dir != "rtl" {
		t.Errorf("the Arabic page is lang=%q dir=%q", lang, dir)
	}
	if got := member.text("#meeting-cancelled"); !strings.Contains(got, "اجتماع ملغى") || !strings.Contains(got, reason) {
		t.Errorf("the Arabic page's banner %q", got)
	}
	member.screenshot("meeting-cancelled-ar")
}
