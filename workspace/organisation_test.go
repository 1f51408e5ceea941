package workspace_test

import (
	"errors"
	"strings"
	"testing"

	"tawla/workspace"
)

// validOrganisation returns an organisation that passes validation.
func validOrganisation() workspace.Organisation {
	return workspace.Organisation{
		NameFR:     "Direction régionale de l'emploi",
		NameAR:     "الإدارة الجهوية للتشغيل",
		College:    workspace.CollegeState,
		Delegation: "Mahdia",
		Contact:    "73 000 000",
	}
}

// wantInvalid fails the test unless err is an EINVALID *workspace.Error
// about field (and, when key is not empty, with that key).
func wantInvalid(t *testing.T, err error, field, key string) {
	t.Helper()
	var e *workspace.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want an EINVALID *workspace.Error on %q", err, field)
	}
	if e.Code != workspace.EINVALID {
		t.Errorf("code = %q, want %q", e.Code, workspace.EINVALID)
	}
	if e.Field != field {
		t.Errorf("field = %q, want %q", e.Field, field)
	}
	if key != "" && e.Key != key {
		t.Errorf("key = %q, want %q", e.Key, key)
	}
	if e.Message == "" {
		t.Error("message is empty")
	}
}

func TestOrganisation_Validate(t *testing.T) {
	for _, tt := range []struct {
		name   string
		modify func(o *workspace.Organisation)
		field  string // "" when valid
		key    string
	}{
		{"OK", func(o *workspace.Organisation) {}, "", ""},
		{"OnlyFrench", func(o *workspace.Organisation) { o.NameAR = "" }, "", ""},
		{"OnlyArabic", func(o *workspace.Organisation) { o.NameFR = "" }, "", ""},
		{"EveryCollege", func(o *workspace.Organisation) { o.College = workspace.CollegePartner }, "", ""},
		{"ArabicNameOf200Characters", func(o *workspace.Organisation) { o.NameAR = strings.Repeat("ه", 200) }, "", ""},
		{"MultilineContact", func(o *workspace.Organisation) { o.Contact = "Tél. 73 000 000\r\nFax 73 000 001\tBureau 2" }, "", ""},
		{"ScriptTagIsText", func(o *workspace.Organisation) { o.NameFR = "<script>alert(1)</script>" }, "", ""},
		{"EmptyName", func(o *workspace.Organisation) { o.NameFR, o.NameAR = "", "" }, "name_fr", "error.org.name_required"},
		{"BlankName", func(o *workspace.Organisation) { o.NameFR, o.NameAR = "  \t ", "\n" }, "name_fr", "error.org.name_required"},
		{"InvalidUTF8French", func(o *workspace.Organisation) { o.NameFR = "Mahdia \xff" }, "name_fr", "error.text.utf8"},
		{"InvalidUTF8Arabic", func(o *workspace.Organisation) { o.NameAR = "\xffالمهدية" }, "name_ar", "error.text.utf8"},
		{"ControlCharacterInName", func(o *workspace.Organisation) { o.NameFR = "Mah\x00dia" }, "name_fr", "error.text.control"},
		{"BellInArabicName", func(o *workspace.Organisation) { o.NameAR = "المهدية\x07الجهة" }, "name_ar", "error.text.control"},
		{"EscapeInDelegation", func(o *workspace.Organisation) { o.Delegation = "Mahdia\x1b[31m" }, "delegation", "error.text.control"},
		{"DeleteInContact", func(o *workspace.Organisation) { o.Contact = "a\x7fb" }, "contact", "error.text.control"},
		{"C1ControlInContact", func(o *workspace.Organisation) { o.Contact = "a\u0085b" }, "contact", "error.text.control"},
		{"NameTooLong", func(o *workspace.Organisation) { o.NameFR = strings.Repeat("a", 201) }, "name_fr", "error.text.too_long"},
		{"NamesOf10000Characters", func(o *workspace.Organisation) {
			o.NameFR, o.NameAR = strings.Repeat("a", 10000), strings.Repeat("ه", 10000)
		}, "name_fr", "error.text.too_long"},
		{"ArabicNameTooLong", func(o *workspace.Organisation) { o.NameAR = strings.Repeat("ه", 201) }, "name_ar", "error.text.too_long"},
		{"DelegationTooLong", func(o *workspace.Organisation) { o.Delegation = strings.Repeat("d", 101) }, "delegation", "error.text.too_long"},
		{"ContactTooLong", func(o *workspace.Organisation) { o.Contact = strings.Repeat("c", 301) }, "contact", "error.text.too_long"},
		{"NoCollege", func(o *workspace.Organisation) { o.College = "" }, "college", "error.org.college_required"},
		{"UnknownCollege", func(o *workspace.Organisation) { o.College = "ministry" }, "college", "error.org.college_invalid"},
		{"CollegeWrongCase", func(o *workspace.Organisation) { o.College = "State" }, "college", "error.org.college_invalid"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := validOrganisation()
			tt.modify(&o)
			err := o.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			wantInvalid(t, err, tt.field, tt.key)
		})
	}
}

func TestOrganisation_Validate_Trims(t *testing.T) {
	o := workspace.Organisation{NameFR: "  Croissant-Rouge \n", NameAR: "\t الهلال الأحمر ", College: workspace.CollegeCivil, Delegation: " Ksour Essef ", Contact: " x "}
	if err := o.Validate(); err != nil {
		t.Fatalf("Validate = %v", err)
	}
	if got, want := o.NameFR, "Croissant-Rouge"; got != want {
		t.Errorf("NameFR = %q, want %q", got, want)
	}
	if got, want := o.NameAR, "الهلال الأحمر"; got != want {
		t.Errorf("NameAR = %q, want %q", got, want)
	}
	if got, want := o.Delegation, "Ksour Essef"; got != want {
		t.Errorf("Delegation = %q, want %q", got, want)
	}
	if got, want := o.Contact, "x"; got != want {
		t.Errorf("Contact = %q, want %q", got, want)
	}
}

func TestOrganisation_Name(t *testing.T) {
	both := workspace.Organisation{NameFR: "Municipalité de Mahdia", NameAR: "بلدية المهدية"}
	onlyFR := workspace.Organisation{NameFR: "Municipalité de Mahdia"}
	onlyAR := workspace.Organisation{NameAR: "بلدية المهدية"}
	for _, tt := range []struct {
		name string
		org  workspace.Organisation
		lang string
		want string
	}{
		{"FrenchOfBoth", both, "fr", "Municipalité de Mahdia"},
		{"ArabicOfBoth", both, "ar", "بلدية المهدية"},
		{"EnglishFallsBackToFrench", both, "en", "Municipalité de Mahdia"},
		{"ArabicFallsBackToFrench", onlyFR, "ar", "Municipalité de Mahdia"},
		{"FrenchFallsBackToArabic", onlyAR, "fr", "بلدية المهدية"},
		{"EnglishFallsBackToArabic", onlyAR, "en", "بلدية المهدية"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.org.Name(tt.lang); got != tt.want {
				t.Errorf("Name(%q) = %q, want %q", tt.lang, got, tt.want)
			}
		})
	}
}

func TestCollege_Valid(t *testing.T) {
	if got, want := len(workspace.Colleges), 5; got != want {
		t.Fatalf("len(Colleges) = %d, want %d", got, want)
	}
	for _, c := range workspace.Colleges {
		if !c.Valid() {
			t.Errorf("%q.Valid() = false, want true", c)
		}
	}
	for _, c := range []workspace.College{"", "STATE", "civil society", "other"} {
		if c.Valid() {
			t.Errorf("%q.Valid() = true, want false", c)
		}
	}
}

// TestOrganisation_Validate_Limit checks that a text too long says how
// long it may be, for the form to state it.
func TestOrganisation_Validate_Limit(t *testing.T) {
	for _, tt := range []struct {
		name   string
		modify func(o *workspace.Organisation)
		limit  int
	}{
		{"ArabicName", func(o *workspace.Organisation) { o.NameAR = strings.Repeat("ه", 10000) }, workspace.MaxOrganisationName},
		{"Delegation", func(o *workspace.Organisation) { o.Delegation = strings.Repeat("d", 101) }, workspace.MaxOrganisationDelegation},
		{"Contact", func(o *workspace.Organisation) { o.Contact = strings.Repeat("c", 301) }, workspace.MaxOrganisationContact},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := validOrganisation()
			tt.modify(&o)
			var e *workspace.Error
			if err := o.Validate(); !errors.As(err, &e) {
				t.Fatalf("Validate = %v, want a *workspace.Error", err)
			}
			if e.Limit != tt.limit {
				t.Errorf("Limit = %d, want %d", e.Limit, tt.limit)
			}
		})
	}
}

func TestOrganisation_SimilarName(t *testing.T) {
	existing := &workspace.Organisation{NameFR: "Direction régionale de la santé", NameAR: "الإدارة الجهوية للصحة"}
	frenchOnly := &workspace.Organisation{NameFR: "Commune de Mahdia"}
	for _, tt := range []struct {
		name  string
		org   workspace.Organisation
		other *workspace.Organisation
		want  string
	}{
		{"SameFrench", workspace.Organisation{NameFR: "Direction régionale de la santé"}, existing, "name_fr"},
		{"FrenchCaseAccentsAndSpaces", workspace.Organisation{NameFR: "  DIRECTION  regionale de la\tSANTÉ "}, existing, "name_fr"},
		{"FrenchDecomposedAccents", workspace.Organisation{NameFR: "Direction re\u0301gionale de la sante\u0301"}, existing, "name_fr"},
		{"ArabicWithVowelMarks", workspace.Organisation{NameAR: "الإِدَارَةُ الجِهَوِيَّةُ لِلصِّحَّةِ"}, existing, "name_ar"},
		{"ArabicHamzaTatweelAndSpaces", workspace.Organisation{NameAR: "الادارة  الجهـــوية للصحة"}, existing, "name_ar"},
		{"ArabicWithBidiMark", workspace.Organisation{NameAR: "\u200fالإدارة الجهوية للصحة"}, existing, "name_ar"},
		{"FrenchNameInArabicField", workspace.Organisation{NameAR: "commune de mahdia"}, frenchOnly, "name_ar"},
		{"OtherNamesDiffer", workspace.Organisation{NameFR: "Direction régionale de la santé", NameAR: "اسم آخر"}, existing, "name_fr"},
		{"DifferentBody", workspace.Organisation{NameFR: "Direction régionale des affaires sociales", NameAR: "الإدارة الجهوية للشؤون الاجتماعية"}, existing, ""},
		{"OneWordMore", workspace.Organisation{NameFR: "Commune de Mahdia Sud"}, frenchOnly, ""},
		{"EmptyNamesNeverMatch", workspace.Organisation{NameFR: "Commune de Mahdia"}, &workspace.Organisation{NameAR: "بلدية المهدية"}, ""},
		{"BlankNameNeverMatches", workspace.Organisation{NameFR: " ", NameAR: "بلدية"}, frenchOnly, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.org.SimilarName(tt.other); got != tt.want {
				t.Errorf("SimilarName = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSimilarNameError checks that the refusal of a similar name reads as
// the EINVALID error on the name's field, as forms expect.
func TestSimilarNameError(t *testing.T) {
	existing := &workspace.Organisation{ID: 4, NameFR: "Commune de Mahdia"}
	var err error = workspace.NewSimilarNameError("name_ar", existing)
	wantInvalid(t, err, "name_ar", "error.org.similar")
	if got := workspace.ErrorCode(err); got != workspace.EINVALID {
		t.Errorf("ErrorCode = %q, want %q", got, workspace.EINVALID)
	}
	var similar *workspace.SimilarNameError
	if !errors.As(err, &similar) || similar.Existing != existing {
		t.Errorf("errors.As finds %+v, want the error naming organisation 4", similar)
	}
	if !strings.Contains(workspace.ErrorMessage(err), "Commune de Mahdia") {
		t.Errorf("message %q does not name the existing organisation", workspace.ErrorMessage(err))
	}
}
