package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"tawla/demo"
	"tawla/workspace"
)

// TestBrowserRoomWithoutScript has the secretariat run the live room from
// a browser with script disabled: its controls are forms, so moving to the
// next item and giving the floor each post, come back to the room showing
// the change, and reach a member's page that follows the room live.
func TestBrowserRoomWithoutScript(t *testing.T) {
	site, b := start(t)
	m, items := roomMeeting(t, site)
	member := site.account(t, demo.MemberEmail)
	roomPath := fmt.Sprintf("/meetings/%d/room", m.ID)
	asked, err := site.DB.AskFloor(t.Context(), workspace.ActorFor(member), m.ID)
	if err != nil {
		t.Fatalf("ask for the floor: %v", err)
	}

	watcher := b.signedIn(t, demo.MemberEmail)
	watcher.open(roomPath)
	watcher.waitRoom()
	watcher.waitText("#room-current-name", items[0].Title)

	secretariat := b.signedIn(t, demo.SecretariatEmail)
	ctx, cancel := secretariat.step()
	_, err = chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	cancel()
	if err != nil {
		t.Fatalf("disable script: %v", err)
	}
	secretariat.open(roomPath)

	if status := secretariat.submit("#room-item-next"); status != 200 {
		t.Fatalf("next item: status %d", status)
	}
	rec, err := site.DB.FindMeetingRecord(t.Context(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Meeting.CurrentItemID == nil || *rec.Meeting.CurrentItemID != items[1].ID {
		t.Fatalf("after the form, the current item is %v, want %d", rec.Meeting.CurrentItemID, items[1].ID)
	}
	watcher.waitText("#room-current-name", items[1].Title)

	if status := secretariat.submit(fmt.Sprintf(`#room-speakers > li[data-speaker="%d"] .speaker-give`, asked.ID)); status != 200 {
		t.Fatalf("give the floor: status %d", status)
	}
	rec, err = site.DB.FindMeetingRecord(t.Context(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Speakers) != 1 || rec.Speakers[0].Status != workspace.SpeakerSpeaking {
		t.Fatalf("after the form, the speakers are %+v, want the member speaking", rec.Speakers)
	}
	watcher.waitSpeaker(member.Name, "speaking")
	// The page the form came back to shows it, without script.
	if n := secretariat.count(fmt.Sprintf(`#room-speakers > li[data-speaker="%d"][data-status="speaking"]`, asked.ID)); n != 1 {
		t.Errorf("the room page after the form shows %d speaking rows for the member, want 1", n)
	}
	secretariat.screenshot("secretariat-noscript")
}
