package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
)

// submissionInput finds the vote form's sending on a poll's page.
var submissionInput = regexp.MustCompile(`name="submission" value="([A-Za-z0-9_-]+)"`)

// TestPollVotePostedAfterLiveAnswerLost checks the page's fallback when
// its live channel drops after the ballot was committed but before
// poll.voted arrived: the form it then posts, carrying the same
// submission, is answered "your vote is recorded" (303 with the notice),
// not a refusal, and counts nothing twice; the same voter posting another
// sending is told they have already voted.
func TestPollVotePostedAfterLiveAnswerLost(t *testing.T) {
	ts := newTestServer(t)
	f := newRoomMeeting(t, ts, nil, true)
	p := newLivePoll(t, ts, f, workspace.BallotSecret, true)
	path := "/polls/" + strconv.FormatInt(p.ID, 10)
	yesID := pollOption(t, p, workspace.OptionYes)
	yes := strconv.FormatInt(yesID, 10)

	member := ts.loginAs(t, demo.MemberEmail)
	page := member.get(t, path)
	m := submissionInput.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("the poll's page has no submission in its vote form")
	}
	submission := m[1]

	ws := mustDialWS(t, member)
	msg, _ := json.Marshal(map[string]any{"type": "poll.vote", "poll": p.ID, "choices": []int64{yesID}, "submission": submission})
	testsupport.SendText(t, ws, string(msg))
	if got := pollAnswer(t, ws); got != msgPollVoted {
		t.Fatalf("vote over the channel: %s", got)
	}
	ws.Close() // the answer is lost; the page posts its form

	resp := member.postForm(t, path+"/vote", url.Values{"choice": {yes}, "submission": {submission}})
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "done=vote_cast") {
		t.Errorf("the same sending posted: %d %s, want 303 to the poll with the notice vote_cast", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The channel was opened in English (dialWS), which the profile does
	// not keep: the form asks for English itself.
	resp = member.postForm(t, path+"/vote?lang=en", url.Values{"choice": {yes}, "submission": {"another-sending"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(resp.Body, "You have already voted") {
		t.Errorf("another sending: %d, want 409 saying that you have already voted", resp.StatusCode)
	}
	if n, err := ts.db.PollTurnout(t.Context(), p.ID); err != nil || n != 1 {
		t.Errorf("turnout %d, %v; want 1", n, err)
	}
}

// TestPollVoteRepeatedOverChannel checks that the same sending over the
// live channel twice is answered poll.voted with repeated true the second
// time, and a malformed submission is invalid.
func TestPollVoteRepeatedOverChannel(t *testing.T) {
	ts := newTestServer(t)
	f := newRoomMeeting(t, ts, nil, true)
	p := newLivePoll(t, ts, f, workspace.BallotSecret, true)
	yes := pollOption(t, p, workspace.OptionYes)
	ws := mustDialWS(t, ts.loginAs(t, demo.MemberEmail))
	// answer is what the server answers a poll.vote, events skipped.
	type answer struct {
		Type     string `json:"type"`
		Code     string `json:"code"`
		Repeated bool   `json:"repeated"`
	}
	send := func(submission string) answer {
		t.Helper()
		msg, _ := json.Marshal(map[string]any{"type": "poll.vote", "poll": p.ID, "choices": []int64{yes}, "submission": submission})
		testsupport.SendText(t, ws, string(msg))
		for {
			_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, data, err := ws.ReadMessage()
			if err != nil {
				t.Fatal(err)
			}
			var a answer
			if err := json.Unmarshal(data, &a); err != nil {
				t.Fatal(err)
			}
			if a.Type != "event" {
				return a
			}
		}
	}
	if a := send("bad submission"); a.Type != "error" || a.Code != workspace.EINVALID {
		t.Errorf("malformed submission: %+v, want invalid", a)
	}
	for i, want := range []bool{false, true} {
		if a := send("sending-1"); a.Type != msgPollVoted || a.Repeated != want {
			t.Errorf("sending %d: %+v, want poll.voted with repeated %v", i, a, want)
		}
	}
}
