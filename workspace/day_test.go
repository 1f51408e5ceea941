package workspace_test

import (
	"testing"
	"time"

	"tawla/workspace"
)

// TestDaysWithinYears: a due date, the day a procedure applies from and a
// meeting's start fall between workspace.FirstYear and LastYear; a year
// 0001 or 20260 is a typing mistake, refused.
func TestDaysWithinYears(t *testing.T) {
	for _, day := range []string{"0001-01-01", "1999-12-31", "2100-01-01"} {
		r := &workspace.PublishRequest{VersionNumber: 1, EffectiveOn: day, Year: 2026}
		if err := r.Validate(); workspace.ErrorKey(err) != "error.publication.effective_on_invalid" {
			t.Errorf("effective on %s: %v, want it refused", day, err)
		}
		i := &workspace.Issue{Title: "Diplôme non reconnu", CategoryID: 1, DueDate: day}
		if err := i.Validate(); workspace.ErrorKey(err) != "error.issue.due_date_invalid" {
			t.Errorf("issue due %s: %v, want it refused", day, err)
		}
	}
	for _, day := range []string{"2000-01-01", "2026-12-07", "2099-12-31"} {
		r := &workspace.PublishRequest{VersionNumber: 1, EffectiveOn: day, Year: 2026}
		if err := r.Validate(); err != nil {
			t.Errorf("effective on %s: %v, want it accepted", day, err)
		}
	}
	start := time.Date(1, 1, 1, 9, 0, 0, 0, time.UTC)
	m := &workspace.Meeting{Title: "Plénière", Kind: workspace.MeetingPlenary, Language: "fr", StartsAt: start, EndsAt: start.Add(time.Hour),
		QuorumRule: workspace.QuorumNone}
	if err := m.Validate(); workspace.ErrorKey(err) != "error.meeting.start_required" {
		t.Errorf("a meeting in year 1: %v, want it refused", err)
	}
}
