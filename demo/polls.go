package demo

import (
	"context"
	"fmt"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// The demo's votes: a named single-choice poll held during the closed
// plenary, on its information campaign (voteDuringMeeting, called by
// meetingLoader.hold before the meeting closes, since a closed meeting
// takes no poll); a secret yes/no poll, closed, that adopted the first
// version of the Arabic procedure, so that a version shows "adopted"; and
// a poll in preparation on the next plenary's agenda (loadPolls, at the
// end of Load).

// meetingPoll is the poll held on one item of a demo meeting.
type meetingPoll struct {
	// meeting is the title of the meeting and item the index of the
	// ordinary item the poll is on.
	meeting string
	item    int
	poll    workspace.Poll
	// options are the labels; choices the option (index) each present
	// voting member picks, in the order of the invitees, round the list.
	options []string
	choices []int
}

// plenaryPoll is the poll of the closed plenary: where the information
// campaign starts.
var plenaryPoll = meetingPoll{
	meeting: pastPlenary.title,
	item:    2,
	poll: workspace.Poll{
		Question:      "Dans quelle délégation la campagne d'information commence-t-elle ?",
		Description:   "La première séance d'information réunira les services de l'emploi, de la formation et du financement. Les deux autres délégations suivront dans le mois.",
		Kind:          workspace.PollSingle,
		Mode:          workspace.BallotNamed,
		Unit:          workspace.VotePerPerson,
		PresentOnly:   true,
		QuorumPercent: 50,
	},
	options: []string{"El Jem", "Chebba", "Bou Merdes"},
	choices: []int{1, 0, 1, 1, 2, 1, 0, 1},
}

// voteDuringMeeting holds the poll of meeting m, if the demo has one, while
// the meeting is live: the secretariat prepares and opens it, each present
// member with a vote votes, and the secretariat closes it.
func (l *meetingLoader) voteDuringMeeting(ctx context.Context, m *workspace.Meeting, items []*workspace.AgendaItem) error {
	if m.Title != plenaryPoll.meeting {
		return nil
	}
	if plenaryPoll.item >= len(items) {
		return fmt.Errorf("demo: poll: %q has no item %d", m.Title, plenaryPoll.item)
	}
	p := plenaryPoll.poll
	p.MeetingID, p.AgendaItemID = &m.ID, &items[plenaryPoll.item].ID
	for _, label := range plenaryPoll.options {
		p.Options = append(p.Options, &workspace.PollOption{Label: label})
	}
	rec, err := l.db.FindMeetingRecord(ctx, m.ID)
	if err != nil {
		return err
	}
	var voters []workspace.Actor
	for _, inv := range rec.Invitees {
		if inv.Attendance == workspace.AttendancePresent && inv.Account != nil {
			if acc := l.accounts[inv.Account.Email]; acc != nil && acc.CanVote {
				voters = append(voters, workspace.ActorFor(acc))
			}
		}
	}
	return holdDemoPoll(ctx, l.db, l.actor, &p, voters, func(i int) int {
		return plenaryPoll.choices[i%len(plenaryPoll.choices)]
	})
}

// holdDemoPoll creates p, opens it, casts a ballot for each voter (the
// option choose(i) for the i-th) and closes it.
func holdDemoPoll(ctx context.Context, db *sqlite.DB, actor workspace.Actor, p *workspace.Poll, voters []workspace.Actor, choose func(i int) int) error {
	if err := db.CreatePoll(ctx, actor, p); err != nil {
		return fmt.Errorf("demo: poll %q: %w", p.Question, err)
	}
	if _, err := db.OpenPoll(ctx, actor, p.ID); err != nil {
		return fmt.Errorf("demo: open poll %q: %w", p.Question, err)
	}
	for i, voter := range voters {
		option := p.Options[choose(i)]
		if _, err := db.CastVote(ctx, voter, p.ID, []int64{option.ID}); err != nil {
			return fmt.Errorf("demo: vote in %q: %w", p.Question, err)
		}
	}
	if _, err := db.ClosePoll(ctx, actor, p.ID); err != nil {
		return fmt.Errorf("demo: close poll %q: %w", p.Question, err)
	}
	return nil
}

// versionVotes are the ballots of the adoption of the Arabic procedure's
// first version, by voting member: yes but for one no and one
// abstention; the members not named did not vote.
var versionVotes = map[string]string{
	MemberEmail:              "yes",
	"hela.jaziri@demo.tn":    "yes",
	"mounir.benamor@demo.tn": "yes",
	"rim.sassi@demo.tn":      "no",
	"wafa.mabrouk@demo.tn":   "yes",
	"salwa.chebbi@demo.tn":   "yes",
	"yassine.kefi@demo.tn":   "abstain",
	"kamel.ayari@demo.tn":    "yes",
	"fethi.hamdi@demo.tn":    "yes",
	"adel.messaoudi@demo.tn": "yes",
}

// loadPolls adds the votes held outside meetings and the poll being
// prepared for the next plenary.
func loadPolls(ctx context.Context, db *sqlite.DB, actor workspace.Actor) error {
	accounts, err := db.FindAccounts(ctx, workspace.AccountFilter{})
	if err != nil {
		return err
	}
	procs, err := db.FindProcedures(ctx)
	if err != nil {
		return err
	}
	var arabic *workspace.Procedure
	for _, p := range procs {
		if p.Title == procedures[1].title {
			arabic = p
		}
	}
	if arabic == nil {
		return fmt.Errorf("demo: polls: no procedure %q", procedures[1].title)
	}

	// The adoption of v1 of the Arabic procedure, voted in secret by the
	// members with a vote wherever they were.
	adoption := &workspace.Poll{
		Question:      "هل تصادق الطاولة على النسخة الأولى من مسار مرافقة المهاجر العائد في بعث مشروع فلاحي صغير؟",
		Description:   "تصويت سري. تُعتمد النسخة بالأغلبية المطلقة للأصوات المعبَّر عنها، بشرط أغلبية مؤيدة في كل فئة صوّتت.",
		Kind:          workspace.PollYesNo,
		Mode:          workspace.BallotSecret,
		Unit:          workspace.VotePerPerson,
		QuorumPercent: 50,
		Majority:      workspace.MajorityAbsolute,
		CollegeRule:   workspace.CollegeRuleEvery,
		ProcedureID:   &arabic.ID,
		VersionNumber: 1,
	}
	var voters []workspace.Actor
	var keys []string
	for _, acc := range accounts {
		if key, ok := versionVotes[acc.Email]; ok {
			voters = append(voters, workspace.ActorFor(acc))
			keys = append(keys, key)
		}
	}
	if len(voters) != len(versionVotes) {
		return fmt.Errorf("demo: polls: %d of %d voters found", len(voters), len(versionVotes))
	}
	err = holdDemoPoll(ctx, db, actor, adoption, voters, func(i int) int {
		for j, o := range adoption.Options {
			if o.Key == keys[i] {
				return j
			}
		}
		return 0
	})
	if err != nil {
		return err
	}

	// The next plenary's poll, in preparation, on the adoption of the
	// agricultural path.
	meetings, _, err := db.FindMeetings(ctx, sqlite.MeetingFilter{When: "upcoming", SkipCancelled: true})
	if err != nil {
		return err
	}
	for _, m := range meetings {
		if m.Title != nextPlenary.title {
			continue
		}
		rec, err := db.FindMeetingRecord(ctx, m.ID)
		if err != nil {
			return err
		}
		var item *workspace.AgendaItem
		for _, it := range rec.Items {
			if it.Kind == workspace.ItemOrdinary && it.Title == nextPlenary.items[0].title {
				item = it
			}
		}
		if item == nil {
			return fmt.Errorf("demo: polls: %q has no item %q", m.Title, nextPlenary.items[0].title)
		}
		draft := &workspace.Poll{
			Question:      "La table adopte-t-elle le parcours vers un projet agricole tel que le groupe de travail le propose ?",
			Description:   "Vote nominatif des membres présents ; majorité des deux tiers et majorité favorable dans chaque collège. — تصويت علني للأعضاء الحاضرين بأغلبية الثلثين وأغلبية مؤيدة في كل فئة.",
			Kind:          workspace.PollYesNo,
			Mode:          workspace.BallotNamed,
			Unit:          workspace.VotePerPerson,
			PresentOnly:   true,
			QuorumPercent: 50,
			Majority:      workspace.MajorityTwoThirds,
			CollegeRule:   workspace.CollegeRuleEvery,
			MeetingID:     &m.ID,
			AgendaItemID:  &item.ID,
		}
		if err := db.CreatePoll(ctx, actor, draft); err != nil {
			return fmt.Errorf("demo: poll %q: %w", draft.Question, err)
		}
		return nil
	}
	return fmt.Errorf("demo: polls: no meeting %q", nextPlenary.title)
}
