package sqlite_test

import (
	"context"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

func TestClosePoll(t *testing.T) {
	ctx := context.Background()
	tb := newPollTable(t)
	db := tb.db
	member, member2, civil := tb.memberActor, workspace.ActorFor(tb.member2), workspace.ActorFor(tb.civilMember)

	t.Run("YesNo", func(t *testing.T) {
		p := tb.yesNo(workspace.BallotNamed)
		p.CollegeRule, p.QuorumPercent = workspace.CollegeRuleEvery, 50
		tb.mustOpenPoll(t, p)
		mustVote(t, db, member, p, option(t, p, workspace.OptionYes))
		mustVote(t, db, member2, p, option(t, p, workspace.OptionYes))
		mustVote(t, db, civil, p, option(t, p, workspace.OptionNo))

		for _, tt := range []struct {
			name  string
			actor workspace.Actor
			id    int64
			code  string
		}{
			{"Member", member, p.ID, workspace.EFORBIDDEN},
			{"Stakeholder", tb.stakeholderActor, p.ID, workspace.EFORBIDDEN},
			{"Unknown", tb.staff, 9999, workspace.ENOTFOUND},
		} {
			t.Run(tt.name, func(t *testing.T) {
				dump := mustDumpTables(t, db)
				_, err := db.ClosePoll(ctx, tt.actor, tt.id)
				refusedUnchanged(t, db, dump, err, tt.code, "")
			})
		}

		tb.clock.Add(time.Minute)
		closed, err := db.ClosePoll(ctx, tb.staff, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		r := closed.Result
		// The electorate: member, member2 and civilMember; not the
		// admin, the secretariat, the stakeholder, the inactive member or
		// the member without a voting right.
		if closed.Status != workspace.PollClosed || closed.ClosedAt == nil || !closed.ClosedAt.Equal(tb.clock.Now()) ||
			r.Electorate != 3 || r.Cast != 3 || r.Yes != 2 || r.No != 1 || !r.QuorumReached || !r.MajorityReached ||
			r.CollegesReached || r.Outcome != workspace.OutcomePollRejected || len(r.Colleges) != 2 {
			t.Errorf("closed %+v, result %+v", closed, r)
		}
		if got := mustFindPoll(t, db, p.ID); !reflect.DeepEqual(got, closed) {
			t.Errorf("stored %+v, returned %+v", got, closed)
		}
		e := wantAudit(t, db, workspace.AuditPollClose, "poll", p.ID)
		if a := decodeAudit(t, e.After); a["status"] != "closed" || a["outcome"] != "rejected" || a["cast"] != 3.0 {
			t.Errorf("audit after = %s", e.After)
		}

		dump := mustDumpTables(t, db)
		again, err := db.ClosePoll(ctx, tb.staff, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(again, closed) {
			t.Errorf("closed again %+v, want %+v", again, closed)
		}
		if mustDumpTables(t, db) != dump {
			t.Errorf("closing a closed poll wrote to the database")
		}
		_, err = db.CastVote(ctx, tb.memberActor, p.ID, []int64{option(t, p, workspace.OptionNo)})
		refusedUnchanged(t, db, dump, err, workspace.ECONFLICT, "error.poll.not_open")
		wantRefused(t, db.UpdatePoll(ctx, tb.staff, closed), workspace.ECONFLICT, "error.poll.not_draft")
		polls, err := db.FindPolls(ctx, sqlite.PollFilter{Status: workspace.PollClosed})
		if err != nil || len(polls) != 1 || !reflect.DeepEqual(polls[0].Result, r) {
			t.Errorf("FindPolls(closed) = %+v, %v", polls, err)
		}
	})

	t.Run("Draft", func(t *testing.T) {
		p := tb.mustCreatePoll(t, tb.yesNo(workspace.BallotNamed))
		dump := mustDumpTables(t, db)
		_, err := db.ClosePoll(ctx, tb.staff, p.ID)
		refusedUnchanged(t, db, dump, err, workspace.ECONFLICT, "error.poll.not_open")
	})

	t.Run("PresentOnly", func(t *testing.T) {
		p := tb.yesNo(workspace.BallotSecret)
		p.PresentOnly, p.QuorumPercent = true, 100
		tb.mustOpenPoll(t, p)
		for _, acc := range []*workspace.Account{tb.member, tb.civilMember, tb.secretariat} {
			if err := db.SetAttendance(ctx, tb.staff, tb.meeting.ID, acc.ID, workspace.AttendancePresent); err != nil {
				t.Fatal(err)
			}
		}
		mustVote(t, db, member, p, option(t, p, workspace.OptionYes))
		mustVote(t, db, civil, p, option(t, p, workspace.OptionAbstain))
		closed, err := db.ClosePoll(ctx, tb.staff, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Those present with a vote: member and civilMember.
		if r := closed.Result; r.Electorate != 2 || r.Cast != 2 || !r.QuorumReached || r.Yes != 1 || r.Abstain != 1 ||
			r.Outcome != workspace.OutcomePollAdopted {
			t.Errorf("result %+v", r)
		}
	})

	t.Run("PerOrganisation", func(t *testing.T) {
		MustCreateAccount(t, db, tb.org, "Walid Collègue", "walid@example.tn", workspace.RoleMember)
		p := tb.yesNo(workspace.BallotNamed)
		p.Unit, p.Majority = workspace.VotePerOrganisation, workspace.MajorityElectorate
		tb.mustOpenPoll(t, p)
		mustVote(t, db, member2, p, option(t, p, workspace.OptionYes))
		mustVote(t, db, civil, p, option(t, p, workspace.OptionYes))
		closed, err := db.ClosePoll(ctx, tb.staff, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Three organisations hold a vote (Amal, Mahdia with two members,
		// Nour); two voted yes.
		if r := closed.Result; r.Electorate != 3 || r.Cast != 2 || r.MajorityRequired != 2 || r.Outcome != workspace.OutcomePollAdopted {
			t.Errorf("result %+v", r)
		}
	})

	t.Run("Adoption", func(t *testing.T) {
		version := func(p *workspace.Poll) *workspace.Poll {
			p.MeetingID, p.AgendaItemID, p.ProcedureID, p.VersionNumber = nil, nil, &tb.proc.ID, tb.version.Number
			return p
		}
		rejected := tb.mustOpenPoll(t, version(tb.yesNo(workspace.BallotSecret)))
		mustVote(t, db, member, rejected, option(t, rejected, workspace.OptionNo))
		if _, err := db.ClosePoll(ctx, tb.staff, rejected.ID); err != nil {
			t.Fatal(err)
		}
		if v, err := db.FindVersion(ctx, tb.proc.ID, tb.version.Number); err != nil || v.AdoptedAt != nil || v.AdoptedByPoll != nil {
			t.Errorf("a rejected version: %+v, %v", v, err)
		}

		adopted := tb.mustOpenPoll(t, version(tb.yesNo(workspace.BallotSecret)))
		mustVote(t, db, member, adopted, option(t, adopted, workspace.OptionYes))
		tb.clock.Add(time.Hour)
		if _, err := db.ClosePoll(ctx, tb.staff, adopted.ID); err != nil {
			t.Fatal(err)
		}
		v, err := db.FindVersion(ctx, tb.proc.ID, tb.version.Number)
		if err != nil || v.AdoptedAt == nil || !v.AdoptedAt.Equal(tb.clock.Now()) || v.AdoptedByPoll == nil || *v.AdoptedByPoll != adopted.ID {
			t.Errorf("adopted version: %+v, %v", v, err)
		}
		e := wantAudit(t, db, workspace.AuditVersionAdopt, "procedure", tb.proc.ID)
		if a := decodeAudit(t, e.After); a["poll_id"] != float64(adopted.ID) || a["number"] != float64(tb.version.Number) {
			t.Errorf("audit after = %s", e.After)
		}

		// Adopted, it takes no later poll, which could only show another
		// outcome beside the adoption that stands
		// (TestPollOnAdoptedVersionRefused).
		if err := db.CreatePoll(ctx, tb.staff, version(tb.yesNo(workspace.BallotNamed))); workspace.ErrorKey(err) != "error.poll.version_adopted" {
			t.Errorf("a poll on the adopted version: %v, want error.poll.version_adopted", err)
		}
		if v2, _ := db.FindVersion(ctx, tb.proc.ID, tb.version.Number); !v2.AdoptedAt.Equal(*v.AdoptedAt) || *v2.AdoptedByPoll != adopted.ID {
			t.Errorf("adopted again: %+v", v2)
		}
		if n := len(mustAuditEntries(t, db, workspace.AuditFilter{Action: workspace.AuditVersionAdopt})); n != 1 {
			t.Errorf("%d adoption entries", n)
		}
	})
}

func TestClosePollsDue(t *testing.T) {
	ctx := context.Background()
	tb := newPollTable(t)
	db := tb.db
	if at, err := db.NextPollDeadline(ctx); err != nil || at != nil {
		t.Errorf("NextPollDeadline with no poll = %v, %v", at, err)
	}
	start := tb.clock.Now()
	withDeadline := func(d time.Duration) *workspace.Poll {
		at := start.Add(d)
		p := tb.yesNo(workspace.BallotSecret)
		p.ClosesAt = &at
		return p
	}
	soon := tb.mustOpenPoll(t, withDeadline(time.Hour))
	later := tb.mustOpenPoll(t, withDeadline(2*time.Hour))
	tb.mustCreatePoll(t, withDeadline(30*time.Minute))  // a draft: never closed by its deadline
	tb.mustOpenPoll(t, tb.yesNo(workspace.BallotNamed)) // no deadline
	mustVote(t, db, tb.memberActor, soon, option(t, soon, workspace.OptionYes))

	if at, err := db.NextPollDeadline(ctx); err != nil || at == nil || !at.Equal(start.Add(time.Hour)) {
		t.Errorf("NextPollDeadline = %v, %v", at, err)
	}
	if closed, err := db.ClosePollsDue(ctx, tb.clock.Now()); err != nil || len(closed) != 0 {
		t.Errorf("ClosePollsDue before any deadline = %v, %v", closed, err)
	}

	tb.clock.Add(time.Hour)
	closed, err := db.ClosePollsDue(ctx, tb.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(closed) != 1 || closed[0].ID != soon.ID || closed[0].Status != workspace.PollClosed || closed[0].Result.Cast != 1 {
		t.Fatalf("ClosePollsDue = %+v", closed)
	}
	e := wantAudit(t, db, workspace.AuditPollClose, "poll", soon.ID)
	if e.ActorID != nil || e.ActorName != "scheduler" {
		t.Errorf("closed by %v %q, want the scheduler", e.ActorID, e.ActorName)
	}
	if at, err := db.NextPollDeadline(ctx); err != nil || at == nil || !at.Equal(*later.ClosesAt) {
		t.Errorf("NextPollDeadline = %v, %v", at, err)
	}
	if again, err := db.ClosePollsDue(ctx, tb.clock.Now()); err != nil || len(again) != 0 {
		t.Errorf("ClosePollsDue again = %v, %v", again, err)
	}

	// A deadline that passed while nobody looked (the server down).
	tb.clock.Add(24 * time.Hour)
	closed, err = db.ClosePollsDue(ctx, tb.clock.Now())
	if err != nil || len(closed) != 1 || closed[0].ID != later.ID {
		t.Errorf("ClosePollsDue after a long stop = %v, %v", closed, err)
	}
	if at, err := db.NextPollDeadline(ctx); err != nil || at != nil {
		t.Errorf("NextPollDeadline with no open deadline = %v, %v", at, err)
	}
}

// TestVoteConcurrent casts ballots from many goroutines at once: a
// hundred voters make a hundred ballots; one voter sending fifty makes
// one, the others refused; and the database's keys refuse a second ballot
// even past the store's checks.
func TestVoteConcurrent(t *testing.T) {
	ctx := context.Background()
	tb := newPollTable(t)
	db := tb.db
	voters := mustVoters(t, db, 100)
	for _, mode := range []workspace.BallotMode{workspace.BallotNamed, workspace.BallotSecret} {
		ballots := "named_ballots"
		if mode == workspace.BallotSecret {
			ballots = "secret_ballots"
		}
		t.Run(string(mode), func(t *testing.T) {
			t.Run("HundredVoters", func(t *testing.T) {
				p := tb.mustOpenPoll(t, tb.yesNo(mode))
				errs := make([]error, len(voters))
				var wg sync.WaitGroup
				for i, v := range voters {
					wg.Add(1)
					go func() {
						defer wg.Done()
						_, errs[i] = db.CastVote(ctx, v, p.ID, []int64{p.Options[i%3].ID})
					}()
				}
				wg.Wait()
				for i, err := range errs {
					if err != nil {
						t.Errorf("voter %d: %v", i, err)
					}
				}
				if n := len(queryInts(t, db, `SELECT poll_id FROM `+ballots+` WHERE poll_id = ?`, p.ID)); n != 100 {
					t.Errorf("%d ballots, want 100", n)
				}
				if n, _ := db.PollTurnout(ctx, p.ID); n != 100 {
					t.Errorf("turnout %d, want 100", n)
				}
			})

			t.Run("OneVoterFiftyTimes", func(t *testing.T) {
				p := tb.mustOpenPoll(t, tb.yesNo(mode))
				errs := make([]error, 50)
				votes := make([]*sqlite.Vote, 50)
				var wg sync.WaitGroup
				for i := range errs {
					wg.Add(1)
					go func() {
						defer wg.Done()
						votes[i], errs[i] = db.CastVote(ctx, voters[0], p.ID, []int64{p.Options[i%3].ID})
					}()
				}
				wg.Wait()
				// One ballot is stored; in a named poll, the same choices
				// sent again are answered as repeated, changing nothing.
				ok := 0
				for i, err := range errs {
					if err == nil && votes[i].Repeated {
						if mode != workspace.BallotNamed {
							t.Errorf("a secret ballot sent without a submission was taken as repeated")
						}
					} else if err == nil {
						ok++
					} else if workspace.ErrorCode(err) != workspace.ECONFLICT || workspace.ErrorKey(err) != "error.poll.already_voted" {
						t.Errorf("a repeated ballot: %v", err)
					}
				}
				if ok != 1 {
					t.Errorf("%d ballots acknowledged, want 1", ok)
				}
				if n := len(queryInts(t, db, `SELECT poll_id FROM `+ballots+` WHERE poll_id = ?`, p.ID)); n != 1 {
					t.Errorf("%d ballots, want 1", n)
				}
				if n := len(mustAuditEntries(t, db, workspace.AuditFilter{Action: workspace.AuditVoteCast, EntityType: "poll", EntityID: &p.ID})); n != 1 {
					t.Errorf("%d vote entries, want 1", n)
				}
			})

			t.Run("KeysPastTheStore", func(t *testing.T) {
				p := tb.mustOpenPoll(t, tb.yesNo(mode))
				key := "a:" + itoa(*voters[1].AccountID)
				if err := execDirect(t, db, `INSERT INTO poll_participants (poll_id, voter_key) VALUES (?, ?)`, p.ID, key); err != nil {
					t.Fatal(err)
				}
				if err := execDirect(t, db, `INSERT INTO poll_participants (poll_id, voter_key) VALUES (?, ?)`, p.ID, key); err == nil {
					t.Errorf("a second participant row for %s was stored", key)
				}
				if mode == workspace.BallotNamed {
					insert := `INSERT INTO named_ballots (poll_id, voter_key, account_id, organisation_id, college, choices, cast_at, updated_at)
						VALUES (?, ?, ?, ?, 'civil_society', '[]', ?, ?)`
					now := tb.clock.Now()
					if err := execDirect(t, db, insert, p.ID, key, *voters[1].AccountID, voters[1].OrganisationID, now, now); err != nil {
						t.Fatal(err)
					}
					if err := execDirect(t, db, insert, p.ID, key, *voters[1].AccountID, voters[1].OrganisationID, now, now); err == nil {
						t.Errorf("a second named ballot for %s was stored", key)
					}
				}
				// The store, finding the row, refuses as it would have.
				dump := mustDumpTables(t, db)
				_, err := db.CastVote(ctx, voters[1], p.ID, []int64{p.Options[0].ID})
				refusedUnchanged(t, db, dump, err, workspace.ECONFLICT, "error.poll.already_voted")
			})
		})
	}
}

// TestVoteCloseRace closes polls while fifty ballots are in flight: every
// ballot acknowledged is in the result, every other one is refused
// because the poll is no longer open, and closing again returns the same
// result without writing anything.
func TestVoteCloseRace(t *testing.T) {
	ctx := context.Background()
	tb := newPollTable(t)
	db := tb.db
	voters := mustVoters(t, db, 50)
	for _, mode := range []workspace.BallotMode{workspace.BallotNamed, workspace.BallotSecret} {
		t.Run(string(mode), func(t *testing.T) {
			p := tb.mustOpenPoll(t, tb.choice(mode, "Mahdia", "Chebba"))
			errs := make([]error, len(voters))
			var wg sync.WaitGroup
			acked := make(chan struct{}, len(voters))
			var closed *workspace.Poll
			var closeErr error
			closeDone := make(chan struct{})
			// The poll closes once a few ballots are in; the rest are in
			// flight around it.
			go func() {
				defer close(closeDone)
				for range 10 {
					<-acked
				}
				closed, closeErr = db.ClosePoll(ctx, tb.staff, p.ID)
			}()
			for i, v := range voters {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = db.CastVote(ctx, v, p.ID, []int64{p.Options[i%2].ID})
					acked <- struct{}{}
				}()
			}
			wg.Wait()
			<-closeDone
			if closeErr != nil {
				t.Fatal(closeErr)
			}
			var ackedVoters []int64
			counts := map[int64]int{}
			for i, err := range errs {
				switch {
				case err == nil:
					ackedVoters = append(ackedVoters, *voters[i].AccountID)
					counts[p.Options[i%2].ID]++
				case workspace.ErrorCode(err) != workspace.ECONFLICT || workspace.ErrorKey(err) != "error.poll.not_open":
					t.Errorf("voter %d: %v", i, err)
				}
			}
			t.Logf("%d ballots acknowledged before the close, %d refused", len(ackedVoters), len(voters)-len(ackedVoters))
			r := closed.Result
			if r.Cast != len(ackedVoters) || r.Counts[0].Count != counts[p.Options[0].ID] || r.Counts[1].Count != counts[p.Options[1].ID] {
				t.Errorf("result cast %d (%+v), %d acknowledged (%v)", r.Cast, r.Counts, len(ackedVoters), counts)
			}
			if n, _ := db.PollTurnout(ctx, p.ID); n != len(ackedVoters) {
				t.Errorf("turnout %d, %d acknowledged", n, len(ackedVoters))
			}
			if mode == workspace.BallotNamed {
				ballots, err := db.FindNamedBallots(ctx, tb.staff, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, b := range ballots {
					got = append(got, b.Account.ID)
				}
				slices.Sort(got)
				slices.Sort(ackedVoters)
				if !slices.Equal(got, ackedVoters) {
					t.Errorf("ballots of %v, acknowledged %v", got, ackedVoters)
				}
			}

			audits := mustAuditCount(t, db)
			dump := mustDumpTables(t, db)
			again, err := db.ClosePoll(ctx, tb.staff, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(again.Result, closed.Result) || !reflect.DeepEqual(again, closed) {
				t.Errorf("closed again %+v, first %+v", again.Result, closed.Result)
			}
			if mustAuditCount(t, db) != audits || mustDumpTables(t, db) != dump {
				t.Errorf("closing again wrote to the database")
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestClosePollsDueCarriesOnPastAFailure checks that a poll due that fails
// to close (here a ballot the store cannot read) neither stops the polls
// due after it nor hides them: they are closed and returned beside the
// error, which names the failed poll, and that poll stays open.
func TestClosePollsDueCarriesOnPastAFailure(t *testing.T) {
	ctx := context.Background()
	tb := newPollTable(t)
	db := tb.db
	start := tb.clock.Now()
	due := func(d time.Duration) *workspace.Poll {
		at := start.Add(d)
		p := tb.yesNo(workspace.BallotNamed)
		p.ClosesAt = &at
		return tb.mustOpenPoll(t, p)
	}
	broken, second, third := due(time.Minute), due(2*time.Minute), due(3*time.Minute)
	now := tb.clock.Now()
	if err := execDirect(t, db, `INSERT INTO named_ballots (poll_id, voter_key, account_id, organisation_id, college, choices, cast_at, updated_at)
		VALUES (?, ?, ?, ?, 'state', 'not json', ?, ?)`, broken.ID, "a:"+itoa(tb.member.ID), tb.member.ID, tb.member.OrganisationID, now, now); err != nil {
		t.Fatal(err)
	}
	tb.clock.Add(time.Hour)
	closed, err := db.ClosePollsDue(ctx, tb.clock.Now())
	if err == nil || !strings.Contains(err.Error(), "poll "+itoa(broken.ID)) {
		t.Errorf("ClosePollsDue error = %v, want one naming poll %d", err, broken.ID)
	}
	var ids []int64
	for _, p := range closed {
		ids = append(ids, p.ID)
	}
	if !slices.Equal(ids, []int64{second.ID, third.ID}) {
		t.Errorf("closed %v, want polls %d and %d", ids, second.ID, third.ID)
	}
	for _, p := range []*workspace.Poll{second, third} {
		if got := mustFindPoll(t, db, p.ID); got.Status != workspace.PollClosed {
			t.Errorf("poll %d: %s, want closed", p.ID, got.Status)
		}
	}
	if got := mustFindPoll(t, db, broken.ID); got.Status != workspace.PollOpen {
		t.Errorf("the poll that failed: %s, want still open", got.Status)
	}
}
