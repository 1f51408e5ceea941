package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tawla/demo"
	"tawla/workspace"
)

// roomMeeting creates, through the store, a live plenary with two agenda
// items to which every member, the secretariat and admins are invited,
// and returns it with its items.
func roomMeeting(t *testing.T, site *site) (*workspace.Meeting, []*workspace.AgendaItem) {
	t.Helper()
	ctx := t.Context()
	system := workspace.SystemActor("e2e")
	begins := time.Now().UTC().Truncate(time.Minute)
	m := &workspace.Meeting{Title: "Plénière de décembre", Kind: workspace.MeetingPlenary, Language: "fr",
		StartsAt: begins, EndsAt: begins.Add(2 * time.Hour), Place: "Gouvernorat de Mahdia", QuorumRule: workspace.QuorumHalfPlusOne}
	if err := site.DB.CreateMeeting(ctx, system, m, nil); err != nil {
		t.Fatalf("create the meeting: %v", err)
	}
	var items []*workspace.AgendaItem
	for i, title := range []string{"Ouverture et adoption de l'ordre du jour", "Parcours d'orientation des migrants de retour"} {
		it := &workspace.AgendaItem{MeetingID: m.ID, Title: title, DurationMinutes: 15 * (i + 1)}
		if err := site.DB.AddAgendaItem(ctx, system, it, nil); err != nil {
			t.Fatalf("add an agenda item: %v", err)
		}
		items = append(items, it)
	}
	started, err := site.DB.StartMeeting(ctx, system, m.ID, func(*workspace.MeetingRecord) string { return "# Procès-verbal\n" })
	if err != nil {
		t.Fatalf("start the meeting: %v", err)
	}
	return started, items
}

// waitRoom waits until the room page (or the projector) follows the
// meeting live and shows a snapshot.
func (s *session) waitRoom() {
	s.t.Helper()
	s.poll("wait for the room to connect", `(() => {
		const root = document.getElementById("meeting-room") || document.getElementById("meeting-projector");
		return !!root && root.dataset.connection === "connected";
	})()`)
}

// waitText waits until the element matched by sel holds exactly want.
func (s *session) waitText(sel, want string) {
	s.t.Helper()
	ctx, cancel := s.step()
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.PollFunction[chromedp.Void](`(sel, want) => {
		const el = document.querySelector(sel);
		return !!el && el.textContent.trim() === want;
	}`, chromedp.WithPollingArgs(sel, want), chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		s.t.Fatalf("%s never held %q (it holds %q): %v", sel, want, evaluate[string](s, fmt.Sprintf(`document.querySelector(%q)?.textContent.trim() ?? "(none)"`, sel)), s.explain(err))
	}
}

// waitSpeaker waits until the list of speakers has name with status.
func (s *session) waitSpeaker(name, status string) {
	s.t.Helper()
	ctx, cancel := s.step()
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.PollFunction[chromedp.Void](`(name, status) => {
		for (const row of document.querySelectorAll("#room-speakers > li")) {
			if (row.querySelector(".speaker-name").textContent === name && row.dataset.status === status) return true;
		}
		return false;
	}`, chromedp.WithPollingArgs(name, status), chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		s.t.Fatalf("%s is never %s in the list of speakers: %v", name, status, s.explain(err))
	}
}

// TestBrowserMeeting has the secretariat run a meeting through its two
// agenda items while a member follows from their own browser, on a
// phone: the member's page moves with each item; the member checks in
// (the secretariat's page counts them present) and asks for the floor;
// the secretariat gives it to them, and the member's page says they have
// the floor while the speaking timer runs. The projector shows the same
// room, with the slot reserved for votes.
func TestBrowserMeeting(t *testing.T) {
	site, b := start(t)
	m, items := roomMeeting(t, site)
	memberName := site.account(t, demo.MemberEmail).Name
	roomPath := fmt.Sprintf("/meetings/%d/room", m.ID)

	secretariat := b.signedIn(t, demo.SecretariatEmail)
	secretariat.open(roomPath)
	secretariat.waitRoom()
	// The secretariat's controls are forms, but with script the page sends
	// their messages instead: it is never reloaded (checked at the end).
	evaluate[bool](secretariat, `window.tawlaNotReloaded = true`)

	member := b.signedIn(t, demo.MemberEmail)
	// The member is on a small phone, 360 pixels wide.
	member.do("emulate a small phone", chromedp.EmulateViewport(360, 780, chromedp.EmulateMobile))
	member.open(roomPath)
	member.waitRoom()

	// The meeting starts on its first item; the secretariat has the
	// controls, the member has none.
	member.waitText("#room-current-name", items[0].Title)
	if !secretariat.shown("#room-item-controls") || !secretariat.shown("#room-floor-controls") {
		t.Fatalf("the secretariat's page does not show the controls of the room")
	}
	if member.shown("#room-item-controls") || member.shown("#room-floor-controls") {
		t.Fatalf("the member's page shows the controls of the secretariat")
	}

	// The member checks in: the secretariat's page counts them present.
	member.do("check in", chromedp.Click(chromedp.CSS("#room-checkin")))
	secretariat.waitText("#room-quorum-present", "1")
	member.poll("wait for the check-in to show", `!document.getElementById("room-checked-in").hidden`)

	// The secretariat moves to the second item; the member's page follows.
	secretariat.do("move to the next item", chromedp.Click(chromedp.CSS("#room-item-next")))
	member.waitText("#room-current-name", items[1].Title)
	member.waitText(`#room-agenda > li[aria-current="true"] .item-name`, items[1].Title)
	member.waitText("#room-current-planned", "30:00")

	// The member asks for the floor; the secretariat sees them waiting and
	// gives it to them.
	member.do("ask for the floor", chromedp.Click(chromedp.CSS("#room-ask")))
	secretariat.waitSpeaker(memberName, "waiting")
	member.poll("wait for the withdraw button", `!document.getElementById("room-withdraw-form").hidden && document.getElementById("room-ask-form").hidden`)
	secretariat.do("give the floor", chromedp.Click(chromedp.CSS(`#room-speakers > li[data-status="waiting"] .speaker-give`)))
	member.waitSpeaker(memberName, "speaking")
	member.poll("wait for the page to say the member has the floor", `!document.getElementById("room-you-speak").hidden`)
	// The speaking timer runs.
	member.poll("wait for the speaking timer", `/^0:0[1-9]$/.test(document.querySelector('#room-speakers > li[data-status="speaking"] .speaker-timer').textContent)`)
	if overflow := evaluate[bool](member, `document.documentElement.scrollWidth > window.innerWidth`); overflow {
		t.Errorf("the room is wider than the phone's screen")
	}
	member.screenshot("member-phone")
	secretariat.screenshot("secretariat")

	// The wall screen: the current item, the speaker, the quorum and the
	// empty slot of the votes; no controls.
	projector := b.signedIn(t, demo.SecretariatEmail)
	projector.open(fmt.Sprintf("/meetings/%d/projector", m.ID))
	projector.waitRoom()
	projector.waitText("#room-current-name", items[1].Title)
	projector.waitSpeaker(memberName, "speaking")
	projector.waitText("#room-quorum-present", "1")
	if projector.count("#poll-slot") != 1 || projector.count("#meeting-projector button") != 0 {
		t.Errorf("the projector has %d poll slots and %d buttons, want 1 and none", projector.count("#poll-slot"), projector.count("#meeting-projector button"))
	}
	projector.screenshot("projector")

	// In Arabic the room reads right to left, with the same state.
	arabic := b.signedIn(t, "mounir.benamor@demo.tn")
	arabic.open(roomPath + "?lang=ar")
	arabic.waitRoom()
	if lang, dir := arabic.htmlLangDir(); lang != "ar" || dir != "rtl" {
		t.Errorf(`the Arabic room: <html lang=%q dir=%q>`, lang, dir)
	}
	arabic.waitSpeaker(memberName, "speaking")
	arabic.waitText("#room-current-name", items[1].Title)
	arabic.screenshot("member-ar")

	// The secretariat ends the turn and goes back to the first item: the
	// projector follows.
	secretariat.do("end the turn", chromedp.Click(chromedp.CSS("#room-floor-end")))
	projector.poll("wait for the list of speakers to empty", `document.querySelectorAll("#room-speakers > li").length === 0`)
	secretariat.do("move back", chromedp.Click(chromedp.CSS("#room-item-previous")))
	projector.waitText("#room-current-name", items[0].Title)
	member.waitText("#room-current-name", items[0].Title)
	if !evaluate[bool](secretariat, `window.tawlaNotReloaded === true`) {
		t.Errorf("the secretariat's page was reloaded: its controls posted their forms instead of sending messages")
	}
}
