package sqlite

import (
	"strings"
	"testing"

	"tawla/workspace"
)

// TestMeetingColumnsMatchFields checks that each column list of the
// meetings store names as many columns as its fields function scans into,
// as TestColumnsMatchFields does for the older types.
func TestMeetingColumnsMatchFields(t *testing.T) {
	if strings.Contains(accountShownColumns, "password_hash") {
		t.Errorf("accountShownColumns reads the password hash: %s", accountShownColumns)
	}
	for _, tt := range []struct {
		name    string
		columns string
		fields  []any
	}{
		{"Meeting", meetingColumns, meetingFields(&workspace.Meeting{})},
		{"AgendaItem", agendaItemColumns, agendaItemFields(&workspace.AgendaItem{})},
		{"Invitee", inviteeColumns, inviteeFields(&workspace.MeetingInvitee{})},
		{"Speaker", speakerColumns, speakerFields(&workspace.Speaker{})},
		{"Decision", decisionColumns, decisionFields(&workspace.Decision{})},
		{"Action", actionColumns, actionFields(&workspace.Action{})},
		{"AccountShown", accountShownColumns, accountFields(&workspace.Account{})},
		{"ActionWithOwner", actionWithOwnerColumns, actionWithOwnerFields(&workspace.Action{})},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := countColumns(tt.columns), len(tt.fields); got != want {
				t.Errorf("%d columns, %d fields", got, want)
			}
		})
	}
}

// countColumns counts the columns of a select list: its commas outside
// parentheses (a COALESCE holds one), plus one.
func countColumns(columns string) int {
	n, depth := 1, 0
	for _, r := range columns {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				n++
			}
		}
	}
	return n
}

// TestPollColumnsMatchFields checks the column lists of the votes store
// and of versions, as TestMeetingColumnsMatchFields does for meetings.
func TestPollColumnsMatchFields(t *testing.T) {
	for _, tt := range []struct {
		name    string
		columns string
		fields  []any
	}{
		{"Poll", pollColumns, pollFields(&pollRow{})},
		{"PollOption", pollOptionColumns, pollOptionFields(&workspace.PollOption{})},
		{"NamedBallot", namedBallotColumns, namedBallotFields(&namedBallotRow{})},
		{"Version", versionColumns, versionFields(&workspace.Version{})},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := countColumns(tt.columns), len(tt.fields); got != want {
				t.Errorf("%d columns, %d fields", got, want)
			}
		})
	}
}
