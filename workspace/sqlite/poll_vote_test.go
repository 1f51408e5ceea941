package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// queryInts returns the integers a query on db's file returns, read
// through a connection of its own, as an auditor of the file would.
func queryInts(tb testing.TB, db *sqlite.DB, query string, args ...any) []int64 {
	tb.Helper()
	conn, err := sql.Open("sqlite3", "file:"+db.Path()+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(query, args...)
	if err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			tb.Fatal(err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// execDirect runs a statement on db's file through a connection of its
// own, past every check of the store, and returns its error.
func execDirect(tb testing.TB, db *sqlite.DB, query string, args ...any) error {
	tb.Helper()
	conn, err := sql.Open("sqlite3", "file:"+db.Path()+"?_foreign_keys=on&_busy_timeout=5000")
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	_, err = conn.Exec(query, args...)
	return err
}

// mustVoters creates n active members with a voting right, each in an
// organisation of its own of the civil society college.
func mustVoters(t testing.TB, db *sqlite.DB, n int) []workspace.Actor {
	t.Helper()
	actors := make([]workspace.Actor, n)
	for i := range actors {
		org := &workspace.Organisation{NameFR: fmt.Sprintf("Association %03d", i), College: workspace.CollegeCivil}
		if err := db.CreateOrganisation(context.Background(), systemActor, org); err != nil {
			t.Fatal(err)
		}
		acc := MustCreateAccount(t, db, org, fmt.Sprintf("Votant %03d", i), fmt.Sprintf("votant%03d@example.tn", i), workspace.RoleMember)
		actors[i] = workspace.ActorFor(acc)
	}
	return actors
}

func mustVote(t testing.TB, db *sqlite.DB, actor workspace.Actor, p *workspace.Poll, choices ...int64) *sqlite.Vote {
	t.Helper()
	v, err := db.CastVote(context.Background(), actor, p.ID, choices)
	if err != nil {
		t.Fatalf("CastVote(%s, poll %d): %v", actor.Name, p.ID, err)
	}
	return v
}

func TestCastVote(t *testing.T) {
	ctx := context.Background()
	tb := newPollTable(t)
	db := tb.db
	member, member2, civil := tb.memberActor, workspace.ActorFor(tb.member2), workspace.ActorFor(tb.civilMember)

	t.Run("Named", func(t *testing.T) {
		p := tb.mustOpenPoll(t, tb.yesNo(workspace.BallotNamed))
		if v := mustVote(t, db, member, p, option(t, p, workspace.OptionYes)); v.Changed {
			t.Errorf("a first ballot changed: %+v", v)
		}
		mustVote(t, db, civil, p, option(t, p, workspace.OptionNo))
		e := wantAudit(t, db, workspace.AuditVoteCast, "poll", p.ID)
		if e.ActorID == nil || *e.ActorID != tb.civilMember.ID || !strings.Contains(e.After, fmt.Sprint(option(t, p, workspace.OptionNo))) {
			t.Errorf("audit %+v", e)
		}
		ballots, err := db.FindNamedBallots(ctx, member2, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ballots) != 2 {
			t.Fatalf("%d ballots", len(ballots))
		}
		// By organisation: Association Amal, then Association Nour.
		b := ballots[0]
		if b.Account.ID != tb.member.ID || b.Account.PasswordHash != "" || b.Organisation.ID != tb.other.ID ||
			b.College != workspace.CollegeState || !slices.Equal(b.Choices, []int64{option(t, p, workspace.OptionYes)}) ||
			!b.CastAt.Equal(tb.clock.Now()) {
			t.Errorf("ballot %+v", b)
		}
		if ballots[1].College != workspace.CollegeCivil || ballots[1].Account.ID != tb.civilMember.ID {
			t.Errorf("ballot %+v", ballots[1])
		}
		if n, err := db.PollTurnout(ctx, p.ID); err != nil || n != 2 {
			t.Errorf("PollTurnout = %d, %v", n, err)
		}
		for _, tt := range []struct {
			actor workspace.Actor
			want  bool
		}{{member, true}, {civil, true}, {member2, false}, {tb.staff, false}, {workspace.Actor{}, false}} {
			if got, err := db.HasVoted(ctx, tt.actor, p.ID); err != nil || got != tt.want {
				t.Errorf("HasVoted(%s) = %v, %v", tt.actor.Name, got, err)
			}
		}
		counts, err := db.PollCounts(ctx, p.ID)
		if err != nil || len(counts) != 3 || counts[0].Count != 1 || counts[1].Count != 1 || counts[2].Count != 0 || counts[0].Key != workspace.OptionYes {
			t.Errorf("PollCounts = %+v, %v", counts, err)
		}

		dump := mustDumpTables(t, db)
		_, err = db.CastVote(ctx, member, p.ID, []int64{option(t, p, workspace.OptionNo)})
		refusedUnchanged(t, db, dump, err, workspace.ECONFLICT, "error.poll.already_voted")

		for _, actor := range []workspace.Actor{tb.stakeholderActor, workspace.Actor{}} {
			_, err := db.FindNamedBallots(ctx, actor, p.ID)
			wantCode(t, err, workspace.EFORBIDDEN)
		}
		_, err = db.FindNamedBallots(ctx, member, 9999)
		wantCode(t, err, workspace.ENOTFOUND)
		_, err = db.PollTurnout(ctx, 9999)
		wantCode(t, err, workspace.ENOTFOUND)
	})

	t.Run("Change", func(t *testing.T) {
		p := tb.choice(workspace.BallotNamed, "Mahdia", "Chebba", "El Jem")
		p.AllowChange = true
		tb.mustOpenPoll(t, p)
		mustVote(t, db, member, p, option(t, p, "Mahdia"))
		if v := mustVote(t, db, member, p, option(t, p, "El Jem")); !v.Changed {
			t.Errorf("a second ballot did not change the first: %+v", v)
		}
		ballots, err := db.FindNamedBallots(ctx, member, p.ID)
		if err != nil || len(ballots) != 1 || !slices.Equal(ballots[0].Choices, []int64{option(t, p, "El Jem")}) {
			t.Errorf("ballots %+v, %v", ballots, err)
		}
		if n, _ := db.PollTurnout(ctx, p.ID); n != 1 {
			t.Errorf("turnout %d after a change", n)
		}
		e := wantAudit(t, db, workspace.AuditVoteCast, "poll", p.ID)
		if a := decodeAudit(t, e.After); a["changed"] != true {
			t.Errorf("audit after = %s", e.After)
		}
	})

	t.Run("Refused", func(t *testing.T) {
		p := tb.mustOpenPoll(t, tb.choice(workspace.BallotNamed, "Mahdia", "Chebba", "El Jem"))
		multi := tb.choice(workspace.BallotNamed, "Mahdia", "Chebba", "El Jem")
		multi.Kind, multi.MinChoices, multi.MaxChoices = workspace.PollMultiple, 1, 2
		tb.mustOpenPoll(t, multi)
		draft := tb.mustCreatePoll(t, tb.yesNo(workspace.BallotNamed))
		other := tb.mustOpenPoll(t, tb.yesNo(workspace.BallotNamed))
		inactive := workspace.ActorFor(tb.inactive)
		inactive.Active = true // as a session read before the deactivation
		mahdia := option(t, p, "Mahdia")
		for _, tt := range []struct {
			name    string
			actor   workspace.Actor
			poll    int64
			choices []int64
			code    string
			key     string
		}{
			{"Stakeholder", tb.stakeholderActor, p.ID, []int64{mahdia}, workspace.EFORBIDDEN, "error.poll.no_vote"},
			{"NoVotingRight", workspace.ActorFor(tb.nonVoter), p.ID, []int64{mahdia}, workspace.EFORBIDDEN, "error.poll.no_vote"},
			{"Secretariat", tb.staff, p.ID, []int64{mahdia}, workspace.EFORBIDDEN, "error.poll.no_vote"},
			{"Inactive", inactive, p.ID, []int64{mahdia}, workspace.EFORBIDDEN, "error.poll.no_vote"},
			{"Nobody", workspace.Actor{}, p.ID, []int64{mahdia}, workspace.EFORBIDDEN, "error.poll.no_vote"},
			{"System", systemActor, p.ID, []int64{mahdia}, workspace.EFORBIDDEN, "error.poll.no_vote"},
			{"Draft", member, draft.ID, []int64{option(t, draft, workspace.OptionYes)}, workspace.ECONFLICT, "error.poll.not_open"},
			{"Unknown", member, 9999, []int64{mahdia}, workspace.ENOTFOUND, ""},
			{"NoChoice", member, p.ID, nil, workspace.EINVALID, "error.poll.choices_count"},
			{"TwoChoices", member, p.ID, []int64{mahdia, option(t, p, "Chebba")}, workspace.EINVALID, "error.poll.choices_count"},
			{"UnknownOption", member, p.ID, []int64{424242}, workspace.EINVALID, "error.poll.choice_unknown"},
			{"OptionOfAnotherPoll", member, p.ID, []int64{option(t, other, workspace.OptionYes)}, workspace.EINVALID, "error.poll.choice_unknown"},
			{"SameOptionTwice", member, multi.ID, []int64{option(t, multi, "Chebba"), option(t, multi, "Chebba")}, workspace.EINVALID, "error.poll.choice_unknown"},
			{"TooMany", member, multi.ID, []int64{option(t, multi, "Mahdia"), option(t, multi, "Chebba"), option(t, multi, "El Jem")}, workspace.EINVALID, "error.poll.choices_count"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				dump := mustDumpTables(t, db)
				_, err := db.CastVote(ctx, tt.actor, tt.poll, tt.choices)
				refusedUnchanged(t, db, dump, err, tt.code, tt.key)
			})
		}
		mustVote(t, db, member, multi, option(t, multi, "Mahdia"), option(t, multi, "El Jem"))
	})

	t.Run("PresentOnly", func(t *testing.T) {
		p := tb.yesNo(workspace.BallotSecret)
		p.PresentOnly = true
		tb.mustOpenPoll(t, p)
		dump := mustDumpTables(t, db)
		_, err := db.CastVote(ctx, member, p.ID, []int64{option(t, p, workspace.OptionYes)})
		refusedUnchanged(t, db, dump, err, workspace.EFORBIDDEN, "error.poll.not_present")
		if err := db.SetAttendance(ctx, tb.staff, tb.meeting.ID, tb.member.ID, workspace.AttendancePresent); err != nil {
			t.Fatal(err)
		}
		mustVote(t, db, member, p, option(t, p, workspace.OptionYes))
		if err := db.SetAttendance(ctx, tb.staff, tb.meeting.ID, tb.member2.ID, workspace.AttendanceExcused); err != nil {
			t.Fatal(err)
		}
		dump = mustDumpTables(t, db)
		_, err = db.CastVote(ctx, member2, p.ID, []int64{option(t, p, workspace.OptionYes)})
		refusedUnchanged(t, db, dump, err, workspace.EFORBIDDEN, "error.poll.not_present")
	})

	t.Run("PerOrganisation", func(t *testing.T) {
		colleague := workspace.ActorFor(MustCreateAccount(t, db, tb.org, "Walid Collègue", "walid@example.tn", workspace.RoleMember))
		for _, mode := range []workspace.BallotMode{workspace.BallotNamed, workspace.BallotSecret} {
			t.Run(string(mode), func(t *testing.T) {
				p := tb.yesNo(mode)
				p.Unit = workspace.VotePerOrganisation
				p.AllowChange = mode == workspace.BallotNamed
				tb.mustOpenPoll(t, p)
				mustVote(t, db, member2, p, option(t, p, workspace.OptionNo))
				for _, actor := range []workspace.Actor{member2, colleague} {
					if voted, err := db.HasVoted(ctx, actor, p.ID); err != nil || !voted {
						t.Errorf("HasVoted(%s) = %v, %v: the organisation voted", actor.Name, voted, err)
					}
				}
				dump := mustDumpTables(t, db)
				_, err := db.CastVote(ctx, colleague, p.ID, []int64{option(t, p, workspace.OptionYes)})
				refusedUnchanged(t, db, dump, err, workspace.ECONFLICT, "error.poll.organisation_voted")
				mustVote(t, db, member, p, option(t, p, workspace.OptionYes))
				if n, _ := db.PollTurnout(ctx, p.ID); n != 2 {
					t.Errorf("turnout %d, want 2 organisations", n)
				}
				if mode == workspace.BallotNamed {
					// Its first voter may still change the organisation's ballot.
					if v := mustVote(t, db, member2, p, option(t, p, workspace.OptionAbstain)); !v.Changed {
						t.Errorf("not changed")
					}
				}
			})
		}
	})

	t.Run("Deadline", func(t *testing.T) {
		closes := tb.clock.Now().Add(10 * 60e9)
		p := tb.yesNo(workspace.BallotNamed)
		p.ClosesAt = &closes
		tb.mustOpenPoll(t, p)
		mustVote(t, db, member, p, option(t, p, workspace.OptionYes))
		tb.clock.Add(10 * 60e9)
		dump := mustDumpTables(t, db)
		_, err := db.CastVote(ctx, civil, p.ID, []int64{option(t, p, workspace.OptionYes)})
		refusedUnchanged(t, db, dump, err, workspace.ECONFLICT, "error.poll.not_open")
	})
}

// TestSecretBallots checks what a secret poll keeps: ballots with no
// account, organisation or time, under ids that do not follow the order
// of voting; participants with no link to a ballot; no choice in the
// audit log; and no ballot or count read while it is open.
func TestSecretBallots(t *testing.T) {
	ctx := context.Background()
	tb := newPollTable(t)
	db := tb.db
	voters := mustVoters(t, db, 50)
	p := tb.mustOpenPoll(t, tb.choice(workspace.BallotSecret, "Option Zitouna", "Option Kerkennah", "Option Borj"))
	var order []int64
	for i, v := range voters {
		mustVote(t, db, v, p, p.Options[i%3].ID)
		ids := queryInts(t, db, `SELECT id FROM secret_ballots WHERE poll_id = ?`, p.ID)
		for _, id := range ids {
			if !slices.Contains(order, id) {
				order = append(order, id)
			}
		}
		tb.clock.Add(61e9)
	}
	if len(order) != 50 {
		t.Fatalf("%d ballots, want 50", len(order))
	}
	if slices.IsSorted(order) {
		t.Errorf("secret ballot ids follow the order of voting: %v", order)
	}
	for _, id := range order {
		if id <= 0 {
			t.Errorf("ballot id %d", id)
		}
	}

	t.Run("Columns", func(t *testing.T) {
		for table, want := range map[string]string{
			"secret_ballots":    "id poll_id college choices",
			"poll_participants": "poll_id voter_key",
		} {
			conn, err := sql.Open("sqlite3", "file:"+db.Path()+"?mode=ro")
			if err != nil {
				t.Fatal(err)
			}
			rows, err := conn.Query(`SELECT * FROM ` + table + ` LIMIT 1`)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			rows.Close()
			conn.Close()
			if got := strings.Join(cols, " "); got != want {
				t.Errorf("%s has columns %q, want %q", table, got, want)
			}
		}
		// Every ballot holds its choices: the accounts' ids,
		// names and the voting times appear nowhere in it.
		dump := mustDumpTables(t, db)
		for _, line := range strings.Split(dump, "\n") {
			if !strings.HasPrefix(line, "secret_ballots ") {
				continue
			}
			// A choice poll has no college rule: its ballots keep no
			// college either (TestSecretBallotCollegeKeptOnlyForRules).
			fields := strings.Fields(strings.Trim(strings.TrimPrefix(line, "secret_ballots "), "[]"))
			if len(fields) != 3 || fields[1] != fmt.Sprint(p.ID) || !strings.HasPrefix(fields[2], "[") {
				t.Errorf("secret ballot row %q", line)
			}
		}
		if n := len(queryInts(t, db, `SELECT 1 FROM named_ballots WHERE poll_id = ?`, p.ID)); n != 0 {
			t.Errorf("%d named ballots in a secret poll", n)
		}
	})

	t.Run("NothingReadWhileOpen", func(t *testing.T) {
		_, err := db.FindNamedBallots(ctx, tb.staff, p.ID)
		wantRefused(t, err, workspace.EFORBIDDEN, "error.poll.ballots_secret")
		_, err = db.PollCounts(ctx, p.ID)
		wantRefused(t, err, workspace.EFORBIDDEN, "error.poll.counts_secret")
		if n, err := db.PollTurnout(ctx, p.ID); err != nil || n != 50 {
			t.Errorf("turnout %d, %v", n, err)
		}
		dump := mustDumpTables(t, db)
		_, err = db.CastVote(ctx, voters[0], p.ID, []int64{p.Options[1].ID})
		refusedUnchanged(t, db, dump, err, workspace.ECONFLICT, "error.poll.already_voted")
	})

	closed, err := db.ClosePoll(ctx, tb.staff, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r := closed.Result; r.Cast != 50 || r.Counts[0].Count != 17 || r.Counts[1].Count != 17 || r.Counts[2].Count != 16 ||
		r.Outcome != workspace.OutcomeTie {
		t.Errorf("result %+v", r)
	}
	counts, err := db.PollCounts(ctx, p.ID)
	if err != nil || !slices.Equal(counts, closed.Result.Counts) {
		t.Errorf("PollCounts once closed = %+v, %v", counts, err)
	}
	_, err = db.FindNamedBallots(ctx, tb.staff, p.ID)
	wantRefused(t, err, workspace.EFORBIDDEN, "error.poll.ballots_secret")

	t.Run("Audit", func(t *testing.T) {
		id := p.ID
		entries := mustAuditEntries(t, db, workspace.AuditFilter{EntityType: "poll", EntityID: &id, Limit: 200})
		if len(entries) != 53 { // create, open, 50 votes, close
			t.Errorf("%d audit entries", len(entries))
		}
		for _, e := range entries {
			text := e.Before + e.After
			for _, o := range p.Options {
				if strings.Contains(text, o.Label) {
					t.Errorf("%s entry names option %q: %s", e.Action, o.Label, text)
				}
			}
			if strings.Contains(text, `"choices"`) || strings.Contains(text, `"counts"`) || strings.Contains(text, `"winners"`) {
				t.Errorf("%s entry holds a choice: %s", e.Action, text)
			}
			if e.Action == workspace.AuditVoteCast && (e.Before != "" || e.After != "" || e.ActorID == nil) {
				t.Errorf("secret vote entry %+v", e)
			}
		}
	})
}

// TestSecretBallotCollegeKeptOnlyForRules: a secret ballot keeps its
// voter's college only when a college rule needs it, so that the result
// of a poll without one names no college (where a college with a single
// voter would tell that voter's choice).
func TestSecretBallotCollegeKeptOnlyForRules(t *testing.T) {
	ctx := context.Background()
	tb := newPollTable(t)
	db := tb.db
	voters := mustVoters(t, db, 3)
	p := tb.mustOpenPoll(t, tb.choice(workspace.BallotSecret, "Option Zitouna", "Option Kerkennah"))
	for _, v := range voters {
		mustVote(t, db, v, p, p.Options[0].ID)
	}
	var n int
	conn, err := sql.Open("sqlite3", "file:"+db.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.QueryRow(`SELECT COUNT(*) FROM secret_ballots WHERE poll_id = ? AND college <> ''`, p.ID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d secret ballots of a poll without a college rule keep a college", n)
	}
	closed, err := db.ClosePoll(ctx, tb.staff, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if closed.Result == nil || len(closed.Result.Colleges) != 0 || closed.Result.Cast != 3 {
		t.Errorf("result = %+v, want 3 ballots and no college", closed.Result)
	}
}
