package workspace_test

import (
	"testing"
	"time"

	"tawla/workspace"
)

// choicePoll returns a single-choice poll on an agenda item offering
// labels.
func choicePoll(labels ...string) *workspace.Poll {
	meeting, item := int64(1), int64(2)
	p := &workspace.Poll{Question: "Quel lieu pour le forum ?", Kind: workspace.PollSingle, Mode: workspace.BallotSecret,
		Unit: workspace.VotePerPerson, MeetingID: &meeting, AgendaItemID: &item}
	for _, l := range labels {
		p.Options = append(p.Options, &workspace.PollOption{Label: l})
	}
	return p
}

// TestPollOptionLabelIsOneLine checks that an option's label is refused
// when it holds a line break or a direction override (U+202A to U+202E),
// which would show it in another order than it is written.
func TestPollOptionLabelIsOneLine(t *testing.T) {
	for label, key := range map[string]string{"Maison des jeunes\u202E": "error.text.direction", "\u202Bدار الشباب": "error.text.direction",
		"Maison\ndes jeunes": "error.text.line", "Maison\tdes jeunes": "error.text.line"} {
		err := choicePoll("Mairie", label).Validate()
		if workspace.ErrorCode(err) != workspace.EINVALID || workspace.ErrorKey(err) != key {
			t.Errorf("label %q: Validate = %v, want %s", label, err, key)
		}
	}
	// Marks and isolates, which mixed text may need, stay.
	if err := choicePoll("Mairie", "\u2068دار الشباب\u2069 de Mahdia\u200F").Validate(); err != nil {
		t.Errorf("label with an isolate and a mark: Validate = %v, want nil", err)
	}
}

// TestPollOptionsLookingAlikeAreRefused checks that two options that read
// the same — case, composed or decomposed accents, Arabic with or without
// its vowel marks or tatweel, extra spaces — are refused as one option
// offered twice, as Organisation.SimilarName compares names.
func TestPollOptionsLookingAlikeAreRefused(t *testing.T) {
	for _, tt := range []struct{ name, a, b string }{
		{"Case", "Maison des jeunes", "MAISON DES JEUNES"},
		{"DecomposedAccent", "Salle de réunion", "Salle de re\u0301union"},
		{"ArabicVowelMarks", "دار الشباب", "دَارُ الشَّبَابِ"},
		{"ArabicTatweel", "دار الشباب", "دار الشبـــاب"},
		{"Spaces", "Maison des jeunes", "Maison  des   jeunes"},
		{"BidiMark", "دار الشباب", "\u200Fدار الشباب"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := choicePoll(tt.a, tt.b).Validate()
			if workspace.ErrorCode(err) != workspace.EINVALID || workspace.ErrorKey(err) != "error.poll.option_twice" {
				t.Errorf("options %q and %q: Validate = %v, want error.poll.option_twice", tt.a, tt.b, err)
			}
		})
	}
	if err := choicePoll("Maison des jeunes", "Maison de la culture").Validate(); err != nil {
		t.Errorf("different options: Validate = %v, want nil", err)
	}
}

// TestCheckVersionVotable checks that a version adopted, or published,
// takes no new poll.
func TestCheckVersionVotable(t *testing.T) {
	adopted := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name      string
		v         *workspace.Version
		published bool
		refused   bool
	}{
		{"Frozen", &workspace.Version{Number: 1}, false, false},
		{"Adopted", &workspace.Version{Number: 1, AdoptedAt: &adopted}, false, true},
		{"Published", &workspace.Version{Number: 1, AdoptedAt: &adopted}, true, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := workspace.CheckVersionVotable(tt.v, tt.published)
			if tt.refused && (workspace.ErrorCode(err) != workspace.ECONFLICT || workspace.ErrorKey(err) != "error.poll.version_adopted") {
				t.Errorf("CheckVersionVotable = %v, want error.poll.version_adopted", err)
			} else if !tt.refused && err != nil {
				t.Errorf("CheckVersionVotable = %v, want nil", err)
			}
		})
	}
}
