package workspace

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what an account may do on the table.
type Role string

// The four roles, from the widest to the narrowest.
const (
	RoleAdmin       Role = "admin"
	RoleSecretariat Role = "secretariat"
	RoleMember      Role = "member"
	RoleStakeholder Role = "stakeholder"
)

// Roles lists every role in the order the interface shows them.
var Roles = []Role{RoleAdmin, RoleSecretariat, RoleMember, RoleStakeholder}

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool {
	switch r {
	case RoleAdmin, RoleSecretariat, RoleMember, RoleStakeholder:
		return true
	}
	return false
}

// Languages lists the interface languages; the first is the default.
var Languages = []string{"fr", "ar", "en"}

// ValidLanguage reports whether lang is an interface language.
func ValidLanguage(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Account is a person who logs in. Every account belongs to one
// organisation. PasswordHash is empty until the person sets a password
// through an invitation.
type Account struct {
	ID             int64
	Name           string
	Email          string
	OrganisationID int64
	Language       string
	Role           Role
	CanVote        bool
	Active         bool
	PasswordHash   string
	CreatedAt      time.Time
	UpdatedAt      time.Time

	// Organisation is filled by the store when reading accounts.
	Organisation *Organisation
}

// NormalizeEmail returns email trimmed and lower-cased, the form in which
// accounts are stored and looked up.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// Validate reports the first problem with a as an EINVALID *Error, or nil.
// It normalises the email and clears the voting right of roles that have none.
func (a *Account) Validate() error {
	// Checked before normalising: strings.ToLower turns invalid bytes into
	// U+FFFD, which would then pass as a valid address.
	emailUTF8 := utf8.ValidString(a.Email)
	a.Name = strings.TrimSpace(a.Name)
	a.Email = NormalizeEmail(a.Email)
	if a.Name == "" {
		return Invalid("name", "error.account.name_required", "A person needs a name.")
	}
	if err := checkLine("name", a.Name, 120); err != nil {
		return err
	}
	if !emailUTF8 {
		return Invalid("email", "error.text.utf8", "The text is not valid UTF-8.")
	}
	if err := checkLine("email", a.Email, 254); err != nil {
		return err
	}
	if addr, err := mail.ParseAddress(a.Email); err != nil || addr.Address != a.Email {
		return Invalid("email", "error.account.email_invalid", "The email address is not valid.")
	}
	if a.OrganisationID <= 0 {
		return Invalid("organisation_id", "error.account.organisation_required", "Choose the person's organisation.")
	}
	if !a.Role.Valid() {
		return Invalid("role", "error.account.role_invalid", "Choose a role.")
	}
	if a.Language == "" {
		a.Language = Languages[0]
	}
	if !ValidLanguage(a.Language) {
		return Invalid("language", "error.account.language_invalid", "Choose French, Arabic or English.")
	}
	if a.Role != RoleMember {
		// Only members hold a voting right; the secretariat organises votes.
		a.CanVote = false
	}
	return nil
}

// IsStaff reports whether the account runs the table: admin or secretariat.
func (a *Account) IsStaff() bool {
	return a != nil && a.Active && (a.Role == RoleAdmin || a.Role == RoleSecretariat)
}

// AccountFilter selects accounts; zero fields select everything.
type AccountFilter struct {
	ID             *int64
	Email          string
	OrganisationID *int64
	Role           Role
	ActiveOnly     bool
}
