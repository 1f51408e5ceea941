package workspace

import (
	"strings"
	"time"
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

// Validate reports the first problem with o as an EINVALID *Error, or nil.
func (o *Organisation) Validate() error {
	o.Normalize()
	if o.NameFR == "" && o.NameAR == "" {
		return Invalid("name_fr", "error.org.name_required", "An organisation needs a name in French or Arabic.")
	}
	if err := checkText("name_fr", o.NameFR, 200); err != nil {
		return err
	}
	if err := checkText("name_ar", o.NameAR, 200); err != nil {
		return err
	}
	if !o.College.Valid() {
		return Invalid("college", "error.org.college_invalid", "Choose one of the five colleges.")
	}
	if err := checkText("delegation", o.Delegation, 100); err != nil {
		return err
	}
	return checkText("contact", o.Contact, 300)
}

// OrganisationFilter selects organisations; zero fields select everything.
type OrganisationFilter struct {
	ID         *int64
	College    College
	ActiveOnly bool
}
