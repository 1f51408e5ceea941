package workspace

import (
	"strings"
	"time"
)

// ProcedureCategory says what kind of common procedure a procedure is.
type ProcedureCategory string

// The categories of procedures.
const (
	// CategoryReferralPathway is a referral pathway: who sends a returning
	// migrant where, for what, with which papers.
	CategoryReferralPathway ProcedureCategory = "referral_pathway"
	// CategoryServiceStandard is a standard a service commits to.
	CategoryServiceStandard ProcedureCategory = "service_standard"
	// CategoryOther is any other common procedure.
	CategoryOther ProcedureCategory = "other"
)

// ProcedureCategories lists the categories in the order the interface shows.
var ProcedureCategories = []ProcedureCategory{CategoryReferralPathway, CategoryServiceStandard, CategoryOther}

// Valid reports whether c is a known category.
func (c ProcedureCategory) Valid() bool {
	for _, k := range ProcedureCategories {
		if c == k {
			return true
		}
	}
	return false
}

// ProcedureLanguages are the languages a procedure is written in.
var ProcedureLanguages = []string{"fr", "ar"}

// Procedure is a common procedure of the table: a referral pathway or a
// service standard, drafted together in its Document.
type Procedure struct {
	ID         int64
	Title      string
	Language   string
	Category   ProcedureCategory
	Summary    string
	DocumentID int64
	CreatedBy  *int64
	CreatedAt  time.Time
	UpdatedAt  time.Time

	// DraftUpdatedAt is when the draft last changed; the store fills it
	// when reading procedures.
	DraftUpdatedAt time.Time
}

// LastChangedAt returns when the procedure last changed: its details or its
// draft, whichever changed later.
func (p *Procedure) LastChangedAt() time.Time {
	if p.DraftUpdatedAt.After(p.UpdatedAt) {
		return p.DraftUpdatedAt
	}
	return p.UpdatedAt
}

// Validate reports the first problem with p as an EINVALID *Error, or nil.
func (p *Procedure) Validate() error {
	p.Title = strings.TrimSpace(p.Title)
	p.Summary = strings.TrimSpace(p.Summary)
	if p.Title == "" {
		return Invalid("title", "error.procedure.title_required", "A procedure needs a title.")
	}
	if err := checkLine("title", p.Title, 200); err != nil {
		return err
	}
	if err := checkText("summary", p.Summary, 2000); err != nil {
		return err
	}
	if p.Language != "fr" && p.Language != "ar" {
		return Invalid("language", "error.procedure.language_invalid", "Choose French or Arabic.")
	}
	if !p.Category.Valid() {
		return Invalid("category", "error.procedure.category_invalid", "Choose a category.")
	}
	return nil
}
