package workspace_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"tawla/workspace"
)

// TestIdentifierRoundTrip formats identifiers and reads them back, in any
// case.
func TestIdentifierRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		year, seq int
		want      string
	}{
		{2026, 1, "PROC-2026-001"},
		{2026, 3, "PROC-2026-003"},
		{2026, 42, "PROC-2026-042"},
		{2027, 999, "PROC-2027-999"},
		{2027, 1000, "PROC-2027-1000"},
		{1000, 123456, "PROC-1000-123456"},
		{9999, 7, "PROC-9999-007"},
	} {
		got := workspace.FormatIdentifier(tt.year, tt.seq)
		if got != tt.want {
			t.Errorf("FormatIdentifier(%d, %d) = %q, want %q", tt.year, tt.seq, got, tt.want)
		}
		for _, s := range []string{got, strings.ToLower(got), "Proc-" + got[5:]} {
			year, seq, ok := workspace.ParseIdentifier(s)
			if !ok || year != tt.year || seq != tt.seq {
				t.Errorf("ParseIdentifier(%q) = %d, %d, %v; want %d, %d, true", s, year, seq, ok, tt.year, tt.seq)
			}
		}
	}
	e := &workspace.RegisterEntry{Year: 2026, Seq: 3}
	p := &workspace.Publication{Identifier: e.Identifier(), Edition: 2}
	if e.Identifier() != "PROC-2026-003" || p.Label() != "PROC-2026-003 v2" {
		t.Errorf("Identifier %q, Label %q", e.Identifier(), p.Label())
	}
}

// TestParseIdentifierRejects refuses whatever FormatIdentifier does not
// write.
func TestParseIdentifierRejects(t *testing.T) {
	for _, s := range []string{
		"",
		"PROC",
		"PROC-",
		"PROC-2026",
		"PROC-2026-",
		"PROC-2026-01",      // too few digits
		"PROC-2026-0001",    // a zero too many
		"PROC-2026-000",     // rank zero
		"PROC-2026-1234567", // too long
		"PROC-26-001",
		"PROC-02026-001",
		"PROC-0999-001", // year before 1000
		"PROC-+026-001",
		"PROC--999-001",
		"PROC-2026-+01",
		"PROC-2026--01",
		"PROC-2026-00a",
		"PROC-2026-001 ",
		" PROC-2026-001",
		"PROC-2026-001-1",
		"PROC_2026_001",
		"XPROC-2026-001",
		"DOC-2026-001",
		"PROC-٢٠٢٦-001",       // Arabic-Indic digits
		"PROC-2026-٠٠١",       // Arabic-Indic digits
		"PROC-２０２６-001",       // full-width digits
		"PROC-2026-001\u200e", // an invisible mark
		"PROC-2026-001/../x",
	} {
		if year, seq, ok := workspace.ParseIdentifier(s); ok {
			t.Errorf("ParseIdentifier(%q) = %d, %d, true; want false", s, year, seq)
		}
	}
}

// TestPublishRequestValidate trims the request and refuses a missing
// version, a day that is not one, a year that makes no identifier, an
// entry replacing the one it is published into, and a note too long or
// with control characters.
func TestPublishRequestValidate(t *testing.T) {
	valid := func() *workspace.PublishRequest {
		return &workspace.PublishRequest{ProcedureID: 1, VersionNumber: 2, EffectiveOn: " 2026-12-07 ", Note: "  Mise à jour des contacts.\n", Year: 2026}
	}
	r := valid()
	if err := r.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if r.EffectiveOn != "2026-12-07" || r.Note != "Mise à jour des contacts." {
		t.Errorf("trimmed to %q, %q", r.EffectiveOn, r.Note)
	}
	r = valid()
	r.TranslationOf, r.Supersedes = 4, 5
	if err := r.Validate(); err != nil {
		t.Errorf("translation and supersedes: %v", err)
	}

	for _, tt := range []struct {
		name   string
		change func(*workspace.PublishRequest)
		field  string
		key    string
	}{
		{"NoVersion", func(r *workspace.PublishRequest) { r.VersionNumber = 0 }, "version", "error.publication.version_invalid"},
		{"NegativeVersion", func(r *workspace.PublishRequest) { r.VersionNumber = -1 }, "version", "error.publication.version_invalid"},
		{"NoDay", func(r *workspace.PublishRequest) { r.EffectiveOn = "" }, "effective_on", "error.publication.effective_on_invalid"},
		{"FrenchDay", func(r *workspace.PublishRequest) { r.EffectiveOn = "07/12/2026" }, "effective_on", "error.publication.effective_on_invalid"},
		{"NoSuchDay", func(r *workspace.PublishRequest) { r.EffectiveOn = "2026-02-30" }, "effective_on", "error.publication.effective_on_invalid"},
		{"DayAndTime", func(r *workspace.PublishRequest) { r.EffectiveOn = "2026-12-07T10:00:00Z" }, "effective_on", "error.publication.effective_on_invalid"},
		{"NoYear", func(r *workspace.PublishRequest) { r.Year = 0 }, "", ""},
		{"YearTooLarge", func(r *workspace.PublishRequest) { r.Year = 10000 }, "", ""},
		{"SupersedesItsEntry", func(r *workspace.PublishRequest) { r.TranslationOf, r.Supersedes = 3, 3 }, "supersedes", "error.publication.supersedes_itself"},
		{"LongNote", func(r *workspace.PublishRequest) { r.Note = strings.Repeat("é", workspace.MaxPublicationNote+1) }, "note", ""},
		{"ControlInNote", func(r *workspace.PublishRequest) { r.Note = "avant\x00après" }, "note", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := valid()
			tt.change(r)
			err := r.Validate()
			var e *workspace.Error
			if !errors.As(err, &e) || e.Code != workspace.EINVALID {
				t.Fatalf("Validate: %v, want EINVALID", err)
			}
			if e.Field != tt.field || (tt.key != "" && e.Key != tt.key) {
				t.Errorf("Validate: field %q key %q, want field %q key %q", e.Field, e.Key, tt.field, tt.key)
			}
		})
	}
	r = valid()
	r.Note = strings.Repeat("é", workspace.MaxPublicationNote)
	if err := r.Validate(); err != nil {
		t.Errorf("a note of the longest length: %v", err)
	}
}

// TestCheckPublishable lets an adopted version not yet published, newer
// than the versions published, into the register, and nothing else.
func TestCheckPublishable(t *testing.T) {
	adopted := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name      string
		adoptedAt *time.Time
		published bool
		latest    int
		key       string
	}{
		{"Adopted", &adopted, false, 0, ""},
		{"AfterAnOlderOne", &adopted, false, 1, ""},
		{"NotAdopted", nil, false, 0, "error.publication.not_adopted"},
		{"NotAdoptedButPublished", nil, true, 0, "error.publication.not_adopted"},
		{"AlreadyPublished", &adopted, true, 2, "error.publication.already_published"},
		{"OlderThanPublished", &adopted, false, 3, "error.publication.older_version"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := workspace.CheckPublishable(&workspace.Version{Number: 2, AdoptedAt: tt.adoptedAt}, tt.published, tt.latest)
			wantRule(t, err, workspace.ECONFLICT, tt.key)
		})
	}
}

// TestCanPublish lets the secretariat and the administrators publish and
// withdraw, and nobody else.
func TestCanPublish(t *testing.T) {
	for _, tt := range []struct {
		name  string
		actor workspace.Actor
		ok    bool
	}{
		{"Admin", ruleAdmin, true},
		{"Secretariat", ruleSecretariat, true},
		{"System", ruleSystem, true},
		{"Member", ruleMember, false},
		{"Stakeholder", ruleStakeholder, false},
		{"InactiveAdmin", ruleInactiveAdmin, false},
		{"Nobody", ruleNobody, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := workspace.CanPublish(tt.actor)
			if tt.ok != (err == nil) || (err != nil && workspace.ErrorCode(err) != workspace.EFORBIDDEN) {
				t.Errorf("CanPublish: %v, want allowed %v", err, tt.ok)
			}
		})
	}
}

// TestValidateWithdrawalReason requires a reason, trimmed, not too long.
func TestValidateWithdrawalReason(t *testing.T) {
	got, err := workspace.ValidateWithdrawalReason("  Remplacée par PROC-2026-004.\n")
	if err != nil || got != "Remplacée par PROC-2026-004." {
		t.Errorf("ValidateWithdrawalReason = %q, %v", got, err)
	}
	for _, reason := range []string{"", " \n\t ", strings.Repeat("x", workspace.MaxWithdrawalReason+1)} {
		_, err := workspace.ValidateWithdrawalReason(reason)
		var e *workspace.Error
		if !errors.As(err, &e) || e.Code != workspace.EINVALID || e.Field != "reason" {
			t.Errorf("ValidateWithdrawalReason(%.10q): %v, want EINVALID on reason", reason, err)
		}
	}
}

// TestRegisterEntryStatus reads an entry's status and its current editions.
func TestRegisterEntryStatus(t *testing.T) {
	now := time.Now()
	other := int64(9)
	fr := &workspace.Publication{Language: "fr", Edition: 2}
	ar := &workspace.Publication{Language: "ar", Edition: 1}
	e := &workspace.RegisterEntry{Current: []*workspace.Publication{fr, ar}}
	if e.Status() != workspace.RegisterInForce || e.CurrentIn("fr") != fr || e.CurrentIn("ar") != ar || e.CurrentIn("en") != nil {
		t.Errorf("in force: %s, %v", e.Status(), e.Current)
	}
	e.ReplacedBy = &other
	if e.Status() != workspace.RegisterSuperseded {
		t.Errorf("replaced: %s", e.Status())
	}
	e.WithdrawnAt = &now
	if e.Status() != workspace.RegisterWithdrawn {
		t.Errorf("withdrawn and replaced: %s", e.Status())
	}
}

// TestContentHash is the SHA-256 of the text's UTF-8 bytes, in lowercase
// hexadecimal.
func TestContentHash(t *testing.T) {
	for text, want := range map[string]string{
		"":    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"abc": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	} {
		if got := workspace.ContentHash(text); got != want {
			t.Errorf("ContentHash(%q) = %s, want %s", text, got, want)
		}
	}
	if workspace.ContentHash("é") == workspace.ContentHash("e\u0301") {
		t.Error("two byte sequences hash alike: the hash must be of the bytes as they are")
	}
}

// TestCheckEntryOpen refuses an edition into a withdrawn entry and into
// one that another replaces, even from a later day.
func TestCheckEntryOpen(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	other := int64(9)
	for _, tt := range []struct {
		name  string
		entry workspace.RegisterEntry
		key   string
	}{
		{"InForce", workspace.RegisterEntry{}, ""},
		{"Withdrawn", workspace.RegisterEntry{WithdrawnAt: &at}, "error.publication.entry_withdrawn"},
		{"Superseded", workspace.RegisterEntry{ReplacedBy: &other}, "error.publication.entry_superseded"},
		{"SupersededLater", workspace.RegisterEntry{ReplacedBy: &other, ReplacedFrom: "2099-01-01", AsOf: "2026-12-07"}, "error.publication.entry_superseded"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantRule(t, workspace.CheckEntryOpen(&tt.entry), workspace.ECONFLICT, tt.key)
		})
	}
}
