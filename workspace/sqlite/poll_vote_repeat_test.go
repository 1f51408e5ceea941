package sqlite_test

import (
	"context"
	"testing"

	"tawla/workspace"
)

// TestMovedAccountCannotVoteAgain checks that, in a vote per
// organisation, a member who voted for their organisation and is then
// moved to another cannot cast a second ballot for the new one, named or
// secret, and that the page knows they have voted.
func TestMovedAccountCannotVoteAgain(t *testing.T) {
	ctx := context.Background()
	for _, mode := range []workspace.BallotMode{workspace.BallotNamed, workspace.BallotSecret} {
		t.Run(string(mode), func(t *testing.T) {
			tb := newPollTable(t)
			p := tb.yesNo(mode)
			p.Unit = workspace.VotePerOrganisation
			tb.mustOpenPoll(t, p)
			yes := option(t, p, workspace.OptionYes)
			mustVote(t, tb.db, tb.memberActor, p, yes) // for Amal
			tb.member.OrganisationID = tb.civil.ID
			if err := tb.db.UpdateAccount(ctx, systemActor, tb.member); err != nil {
				t.Fatal(err)
			}
			moved, err := tb.db.FindAccountByID(ctx, tb.member.ID)
			if err != nil {
				t.Fatal(err)
			}
			actor := workspace.ActorFor(moved)
			if voted, err := tb.db.HasVoted(ctx, actor, p.ID); err != nil || !voted {
				t.Errorf("HasVoted after the move = %v, %v; want true", voted, err)
			}
			dump := mustDumpTables(t, tb.db)
			_, err = tb.db.CastVote(ctx, actor, p.ID, []int64{option(t, p, workspace.OptionNo)})
			refusedUnchanged(t, tb.db, dump, err, workspace.ECONFLICT, "error.poll.already_voted")
			// Nour's own member still votes for Nour.
			mustVote(t, tb.db, workspace.ActorFor(tb.civilMember), p, yes)
			closed, err := tb.db.ClosePoll(ctx, tb.staff, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if r := closed.Result; r.Cast != 2 || r.Yes != 2 || r.Cast > r.Electorate {
				t.Errorf("result %+v, want 2 ballots, both yes", r)
			}
		})
	}
}

// TestRepeatedBallotAnswers checks what a ballot sent again is told: the
// voter's own ballot sent again — the same sending (its submission), or
// the same choices in a named poll — is recorded and changes nothing; the
// voter's own ballot with other choices is "you have already voted"; a
// member whose organisation's ballot another member cast is told so; and
// a malformed submission is refused.
func TestRepeatedBallotAnswers(t *testing.T) {
	ctx := context.Background()
	tb := newPollTable(t)
	db := tb.db
	member := tb.memberActor

	repeated := func(t *testing.T, p *workspace.Poll, choice int64, submission string) {
		t.Helper()
		dump := mustDumpTables(t, db)
		v, err := db.SubmitVote(ctx, member, p.ID, []int64{choice}, submission)
		if err != nil || !v.Repeated || v.Changed {
			t.Errorf("the same ballot again: %+v, %v; want it recorded as repeated", v, err)
		}
		if mustDumpTables(t, db) != dump {
			t.Errorf("a repeated ballot wrote to the database")
		}
	}
	refused := func(t *testing.T, p *workspace.Poll, actor workspace.Actor, choice int64, submission, code, key string) {
		t.Helper()
		dump := mustDumpTables(t, db)
		_, err := db.SubmitVote(ctx, actor, p.ID, []int64{choice}, submission)
		refusedUnchanged(t, db, dump, err, code, key)
	}

	t.Run("NamedSameChoices", func(t *testing.T) {
		p := tb.mustOpenPoll(t, tb.yesNo(workspace.BallotNamed))
		yes, no := option(t, p, workspace.OptionYes), option(t, p, workspace.OptionNo)
		if _, err := db.SubmitVote(ctx, member, p.ID, []int64{yes}, "page-1"); err != nil {
			t.Fatal(err)
		}
		repeated(t, p, yes, "page-1")
		repeated(t, p, yes, "")
		refused(t, p, member, no, "", workspace.ECONFLICT, "error.poll.already_voted")
		refused(t, p, member, no, "page-2", workspace.ECONFLICT, "error.poll.already_voted")
	})

	t.Run("SecretSameSending", func(t *testing.T) {
		p := tb.mustOpenPoll(t, tb.yesNo(workspace.BallotSecret))
		yes := option(t, p, workspace.OptionYes)
		if _, err := db.SubmitVote(ctx, member, p.ID, []int64{yes}, "page-1"); err != nil {
			t.Fatal(err)
		}
		repeated(t, p, yes, "page-1")
		// Without the sending's name, a secret ballot's choices are not
		// found again: whatever they are, it is "already voted".
		refused(t, p, member, yes, "", workspace.ECONFLICT, "error.poll.already_voted")
		refused(t, p, member, yes, "page-2", workspace.ECONFLICT, "error.poll.already_voted")
	})

	t.Run("PerOrganisation", func(t *testing.T) {
		for _, mode := range []workspace.BallotMode{workspace.BallotNamed, workspace.BallotSecret} {
			p := tb.yesNo(mode)
			p.Unit = workspace.VotePerOrganisation
			tb.mustOpenPoll(t, p)
			yes, no := option(t, p, workspace.OptionYes), option(t, p, workspace.OptionNo)
			if _, err := db.SubmitVote(ctx, member, p.ID, []int64{yes}, "page-1"); err != nil {
				t.Fatal(err)
			}
			repeated(t, p, yes, "page-1")
			// The actor's own ballot: "you", not "your organisation".
			refused(t, p, member, no, "page-2", workspace.ECONFLICT, "error.poll.already_voted")
			// Another member of Amal: their organisation voted.
			colleague := MustCreateAccount(t, db, tb.other, "Rim Collègue "+string(mode), "rim-"+string(mode)+"@example.tn", workspace.RoleMember)
			refused(t, p, workspace.ActorFor(colleague), yes, "page-1", workspace.ECONFLICT, "error.poll.organisation_voted")
		}
	})

	t.Run("SubmissionMalformed", func(t *testing.T) {
		p := tb.mustOpenPoll(t, tb.yesNo(workspace.BallotSecret))
		yes := option(t, p, workspace.OptionYes)
		for _, s := range []string{"a b", "<script>", "é", string(make([]byte, 65))} {
			refused(t, p, member, yes, s, workspace.EINVALID, "error.poll.submission_invalid")
		}
	})
}
