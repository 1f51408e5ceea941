package workspace

import "time"

// FirstYear and LastYear bound the days the workspace takes: a meeting, a
// due date, the day a procedure applies from. A year outside them is a
// typing mistake (0001, 20260), not a plan, and once published in the
// register it could not be taken back.
const (
	FirstYear = 2000
	LastYear  = 2099
)

// inYears reports whether t falls within FirstYear and LastYear.
func inYears(t time.Time) bool { return t.Year() >= FirstYear && t.Year() <= LastYear }

// parseDay reads a day written as DateLayout within FirstYear and
// LastYear.
func parseDay(s string) (time.Time, bool) {
	t, err := time.Parse(DateLayout, s)
	if err != nil || !inYears(t) {
		return time.Time{}, false
	}
	return t, true
}
