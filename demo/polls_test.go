package demo_test

import (
	"context"
	"testing"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// TestLoadPolls checks the demo's votes: a secret yes/no poll, closed,
// that adopted a version of a procedure (which shows it), a named
// single-choice poll closed during the closed plenary, and a draft on the
// next plenary's agenda.
func TestLoadPolls(t *testing.T) {
	ctx := context.Background()
	db, _ := testsupport.OpenStore(t)
	polls, err := db.FindPolls(ctx, sqlite.PollFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var adoption, held, draft *workspace.Poll
	for _, p := range polls {
		switch {
		case p.AboutVersion() && p.Status == workspace.PollClosed:
			// The register's procedures have adoption votes of their own.
			proc, err := db.FindProcedureByID(ctx, *p.ProcedureID)
			if err != nil {
				t.Fatal(err)
			}
			if !demo.IsRegisterProcedure(proc.Title) {
				adoption = p
			}
		case p.MeetingID != nil && p.Status == workspace.PollClosed:
			held = p
		case p.MeetingID != nil && p.Status == workspace.PollDraft:
			draft = p
		}
	}
	if adoption == nil || held == nil || draft == nil {
		t.Fatalf("want a closed adoption poll, a closed meeting poll and a draft; found %d polls", len(polls))
	}

	t.Run("Adoption", func(t *testing.T) {
		if adoption.Mode != workspace.BallotSecret || adoption.Kind != workspace.PollYesNo {
			t.Errorf("adoption poll: %s %s, want a secret yes/no poll", adoption.Mode, adoption.Kind)
		}
		r := adoption.Result
		if r == nil || r.Outcome != workspace.OutcomePollAdopted || r.Yes != 8 || r.No != 1 || r.Abstain != 1 {
			t.Fatalf("adoption result = %+v, want adopted by 8 yes, 1 no, 1 abstention", r)
		}
		v, err := db.FindVersion(ctx, *adoption.ProcedureID, adoption.VersionNumber)
		if err != nil {
			t.Fatal(err)
		}
		if v.AdoptedAt == nil || v.AdoptedByPoll == nil || *v.AdoptedByPoll != adoption.ID {
			t.Errorf("version %d: adopted at %v by poll %v, want adopted by poll %d", v.Number, v.AdoptedAt, v.AdoptedByPoll, adoption.ID)
		}
		if !hasArabic(adoption.Question) {
			t.Errorf("adoption question %q is not in Arabic", adoption.Question)
		}
	})

	t.Run("MeetingPoll", func(t *testing.T) {
		rec, err := db.FindMeetingRecord(ctx, *held.MeetingID)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Meeting.Status != workspace.MeetingClosed || rec.Item(*held.AgendaItemID) == nil {
			t.Errorf("meeting poll: on meeting %q (%s), want an item of the closed plenary", rec.Meeting.Title, rec.Meeting.Status)
		}
		if held.Mode != workspace.BallotNamed || held.Kind != workspace.PollSingle {
			t.Errorf("meeting poll: %s %s, want a named single-choice poll", held.Mode, held.Kind)
		}
		r := held.Result
		if r == nil || r.Outcome != workspace.OutcomeChosen || r.Cast == 0 {
			t.Fatalf("meeting poll result = %+v, want an option chosen", r)
		}
		present := 0
		for _, inv := range rec.Invitees {
			if inv.Attendance == workspace.AttendancePresent && inv.Account != nil && inv.Account.CanVote {
				present++
			}
		}
		if r.Cast != present || r.Electorate != present {
			t.Errorf("meeting poll: %d ballots of %d, want every one of the %d present members with a vote", r.Cast, r.Electorate, present)
		}
		system := workspace.SystemActor("test")
		ballots, err := db.FindNamedBallots(ctx, system, held.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ballots) != r.Cast {
			t.Errorf("meeting poll: %d named ballots, want %d", len(ballots), r.Cast)
		}
	})

	t.Run("Draft", func(t *testing.T) {
		rec, err := db.FindMeetingRecord(ctx, *draft.MeetingID)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Meeting.Status != workspace.MeetingPlanned || rec.Meeting.Kind != workspace.MeetingPlenary {
			t.Errorf("draft poll on %q (%s %s), want the next plenary", rec.Meeting.Title, rec.Meeting.Kind, rec.Meeting.Status)
		}
	})
}
