package workspace

import (
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// College is the group of the table an organisation belongs to.
type College string

// The five colleges of a regional coordination table.
const (
	CollegeState     College = "state"
	CollegeCivil     College = "civil_society"
	CollegeLocal     College = "local_authority"
	CollegeReturnees College = "returnees"
	CollegePartner   College = "partner"
)

// Colleges lists every college in the order the interface shows them.
var Colleges = []College{CollegeState, CollegeCivil, CollegeLocal, CollegeReturnees, CollegePartner}

// Valid reports whether c is one of the five colleges.
func (c College) Valid() bool {
	for _, k := range Colleges {
		if c == k {
			return true
		}
	}
	return false
}

// Organisation is a member body of the table: a State service, an
// association, a municipality, a returnees' group or a partner.
type Organisation struct {
	ID         int64
	NameFR     string
	NameAR     string
	College    College
	Delegation string
	Contact    string
	Active     bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Name returns the organisation's name in lang, falling back to the other
// language when that one is empty.
func (o *Organisation) Name(lang string) string {
	if lang == "ar" && o.NameAR != "" {
		return o.NameAR
	}
	if o.NameFR == "" {
		return o.NameAR
	}
	return o.NameFR
}

// Normalize trims the organisation's free-text fields.
func (o *Organisation) Normalize() {
	o.NameFR = strings.TrimSpace(o.NameFR)
	o.NameAR = strings.TrimSpace(o.NameAR)
	o.Delegation = strings.TrimSpace(o.Delegation)
	o.Contact = strings.TrimSpace(o.Contact)
}

// The longest texts of an organisation, in characters.
const (
	MaxOrganisationName       = 200
	MaxOrganisationDelegation = 100
	MaxOrganisationContact    = 300
)

// Validate reports the first problem with o as an EINVALID *Error, or nil.
func (o *Organisation) Validate() error {
	o.Normalize()
	if o.NameFR == "" && o.NameAR == "" {
		return Invalid("name_fr", "error.org.name_required", "An organisation needs a name in French or Arabic.")
	}
	if err := checkLine("name_fr", o.NameFR, MaxOrganisationName); err != nil {
		return err
	}
	if err := checkLine("name_ar", o.NameAR, MaxOrganisationName); err != nil {
		return err
	}
	// No college is chosen for the person: a wrong one would count the
	// organisation's votes in another college's rules.
	if o.College == "" {
		return Invalid("college", "error.org.college_required", "Choose the organisation's college.")
	}
	if !o.College.Valid() {
		return Invalid("college", "error.org.college_invalid", "Choose one of the five colleges.")
	}
	if err := checkLine("delegation", o.Delegation, MaxOrganisationDelegation); err != nil {
		return err
	}
	return checkText("contact", o.Contact, MaxOrganisationContact)
}

// SimilarName returns the name field of o ("name_fr" or "name_ar") that
// reads as one of other's names, in either language, once case, accents,
// Arabic vowel marks and spacing are set aside ("Commune de  Mahdia" and
// "COMMUNE DE MAHDIA", "مُعْتَمَدِيَّة" and "معتمدية"), or "" when none
// does. Such a pair is most often one body entered twice.
func (o *Organisation) SimilarName(other *Organisation) string {
	theirs := []string{comparableName(other.NameFR), comparableName(other.NameAR)}
	for _, mine := range []struct{ field, name string }{{"name_fr", o.NameFR}, {"name_ar", o.NameAR}} {
		key := comparableName(mine.name)
		if key == "" {
			continue
		}
		for _, t := range theirs {
			if key == t {
				return mine.field
			}
		}
	}
	return ""
}

// comparableName returns name case-folded, without its combining marks
// (French accents, Arabic short vowels, shadda and the hamza written on an
// alef, all of which decompose into a mark under NFD), without tatweel and
// invisible formatting characters (bidi marks), and with its spaces
// collapsed.
func comparableName(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(name) {
		if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Cf, r) || r == '\u0640' {
			continue
		}
		b.WriteRune(r)
	}
	return strings.Join(strings.Fields(cases.Fold().String(b.String())), " ")
}

// SimilarNameError refuses a new organisation whose name reads as the name
// of one that exists (Organisation.SimilarName). Err is the EINVALID error
// on the name field, which ErrorCode, ErrorKey and the forms read through
// Unwrap; Existing is the organisation it resembles, for the message to
// name.
type SimilarNameError struct {
	Err      *Error
	Existing *Organisation
}

// Error implements the error interface.
func (e *SimilarNameError) Error() string { return e.Err.Error() }

// Unwrap returns the EINVALID *Error, so that errors.As finds it.
func (e *SimilarNameError) Unwrap() error { return e.Err }

// NewSimilarNameError returns the refusal of a name of field that reads as
// a name of existing.
func NewSimilarNameError(field string, existing *Organisation) *SimilarNameError {
	return &SimilarNameError{
		Err:      Invalid(field, "error.org.similar", "An organisation with a similar name exists: "+existing.Name("fr")+"."),
		Existing: existing,
	}
}

// OrganisationFilter selects organisations; zero fields select everything.
type OrganisationFilter struct {
	ID         *int64
	College    College
	ActiveOnly bool
}
