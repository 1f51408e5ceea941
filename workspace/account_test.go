package workspace_test

import (
	"strings"
	"testing"

	"tawla/workspace"
)

// validAccount returns an account that passes validation.
func validAccount() workspace.Account {
	return workspace.Account{
		Name:           "Amel Ben Salah",
		Email:          "amel@example.tn",
		OrganisationID: 1,
		Language:       "fr",
		Role:           workspace.RoleMember,
		CanVote:        true,
	}
}

func TestAccount_Validate(t *testing.T) {
	for _, tt := range []struct {
		name   string
		modify func(a *workspace.Account)
		field  string // "" when valid
		key    string
	}{
		{"OK", func(a *workspace.Account) {}, "", ""},
		{"ArabicName", func(a *workspace.Account) { a.Name = "أمل بن صالح" }, "", ""},
		{"NameOf120Characters", func(a *workspace.Account) { a.Name = strings.Repeat("م", 120) }, "", ""},
		{"EveryRole", func(a *workspace.Account) { a.Role = workspace.RoleSecretariat }, "", ""},
		{"Arabic", func(a *workspace.Account) { a.Language = "ar" }, "", ""},
		{"English", func(a *workspace.Account) { a.Language = "en" }, "", ""},
		{"EmptyName", func(a *workspace.Account) { a.Name = "" }, "name", "error.account.name_required"},
		{"BlankName", func(a *workspace.Account) { a.Name = " \t\n " }, "name", "error.account.name_required"},
		{"InvalidUTF8Name", func(a *workspace.Account) { a.Name = "Amel \xff" }, "name", "error.text.utf8"},
		{"ControlCharacterInName", func(a *workspace.Account) { a.Name = "Amel\x00Ben" }, "name", "error.text.control"},
		{"BidiIsolateIsNotControl", func(a *workspace.Account) { a.Name = "Amel \u2067أمل\u2069" }, "", ""},
		{"NameTooLong", func(a *workspace.Account) { a.Name = strings.Repeat("a", 121) }, "name", "error.text.too_long"},
		{"EmptyEmail", func(a *workspace.Account) { a.Email = "" }, "email", "error.account.email_invalid"},
		{"EmailWithoutAt", func(a *workspace.Account) { a.Email = "amel.example.tn" }, "email", "error.account.email_invalid"},
		{"EmailWithDisplayName", func(a *workspace.Account) { a.Email = "Amel <amel@example.tn>" }, "email", "error.account.email_invalid"},
		{"EmailWithSpace", func(a *workspace.Account) { a.Email = "amel ben@example.tn" }, "email", "error.account.email_invalid"},
		{"TwoEmails", func(a *workspace.Account) { a.Email = "a@example.tn, b@example.tn" }, "email", "error.account.email_invalid"},
		{"EmailInvalidUTF8", func(a *workspace.Account) { a.Email = "\xff@example.tn" }, "email", "error.text.utf8"},
		{"EmailControlCharacter", func(a *workspace.Account) { a.Email = "am\x07el@example.tn" }, "email", "error.text.control"},
		{"EmailTooLong", func(a *workspace.Account) { a.Email = strings.Repeat("a", 64) + "@" + strings.Repeat("b", 190) + ".tn" }, "email", "error.text.too_long"},
		{"NoOrganisation", func(a *workspace.Account) { a.OrganisationID = 0 }, "organisation_id", "error.account.organisation_required"},
		{"NegativeOrganisation", func(a *workspace.Account) { a.OrganisationID = -3 }, "organisation_id", "error.account.organisation_required"},
		{"NoRole", func(a *workspace.Account) { a.Role = "" }, "role", "error.account.role_invalid"},
		{"UnknownRole", func(a *workspace.Account) { a.Role = "president" }, "role", "error.account.role_invalid"},
		{"RoleWrongCase", func(a *workspace.Account) { a.Role = "Admin" }, "role", "error.account.role_invalid"},
		{"UnknownLanguage", func(a *workspace.Account) { a.Language = "de" }, "language", "error.account.language_invalid"},
		{"LanguageWrongCase", func(a *workspace.Account) { a.Language = "FR" }, "language", "error.account.language_invalid"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := validAccount()
			tt.modify(&a)
			err := a.Validate()
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

func TestAccount_Validate_Normalizes(t *testing.T) {
	a := validAccount()
	a.Name, a.Email, a.Language = "  Amel Ben Salah \n", "  Amel.BenSalah@Example.TN ", ""
	if err := a.Validate(); err != nil {
		t.Fatalf("Validate = %v", err)
	}
	if got, want := a.Name, "Amel Ben Salah"; got != want {
		t.Errorf("Name = %q, want %q", got, want)
	}
	if got, want := a.Email, "amel.bensalah@example.tn"; got != want {
		t.Errorf("Email = %q, want %q", got, want)
	}
	if got, want := a.Language, "fr"; got != want {
		t.Errorf("Language = %q, want the default %q", got, want)
	}
}

func TestAccount_Validate_CanVote(t *testing.T) {
	for _, tt := range []struct {
		role workspace.Role
		want bool
	}{
		{workspace.RoleAdmin, false},
		{workspace.RoleSecretariat, false},
		{workspace.RoleMember, true},
		{workspace.RoleStakeholder, false},
	} {
		t.Run(string(tt.role), func(t *testing.T) {
			a := validAccount()
			a.Role, a.CanVote = tt.role, true
			if err := a.Validate(); err != nil {
				t.Fatalf("Validate = %v", err)
			}
			if a.CanVote != tt.want {
				t.Errorf("CanVote = %v, want %v", a.CanVote, tt.want)
			}
		})
	}
	t.Run("MemberWithoutVote", func(t *testing.T) {
		a := validAccount()
		a.CanVote = false
		if err := a.Validate(); err != nil {
			t.Fatalf("Validate = %v", err)
		}
		if a.CanVote {
			t.Error("CanVote = true, want false: Validate must not grant a vote")
		}
	})
}

func TestNormalizeEmail(t *testing.T) {
	for in, want := range map[string]string{
		"amel@example.tn":        "amel@example.tn",
		" Amel@Example.TN\n":     "amel@example.tn",
		"\tSECRETARIAT@GOV.TN  ": "secretariat@gov.tn",
		"":                       "",
	} {
		if got := workspace.NormalizeEmail(in); got != want {
			t.Errorf("NormalizeEmail(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRole_Valid(t *testing.T) {
	if got, want := len(workspace.Roles), 4; got != want {
		t.Fatalf("len(Roles) = %d, want %d", got, want)
	}
	for _, r := range workspace.Roles {
		if !r.Valid() {
			t.Errorf("%q.Valid() = false, want true", r)
		}
	}
	for _, r := range []workspace.Role{"", "ADMIN", "voter", "member "} {
		if r.Valid() {
			t.Errorf("%q.Valid() = true, want false", r)
		}
	}
}

func TestValidLanguage(t *testing.T) {
	if got, want := workspace.Languages[0], "fr"; got != want {
		t.Errorf("default language = %q, want %q", got, want)
	}
	for _, l := range []string{"fr", "ar", "en"} {
		if !workspace.ValidLanguage(l) {
			t.Errorf("ValidLanguage(%q) = false, want true", l)
		}
	}
	for _, l := range []string{"", "de", "fr-FR", "AR", "tn"} {
		if workspace.ValidLanguage(l) {
			t.Errorf("ValidLanguage(%q) = true, want false", l)
		}
	}
}

func TestAccount_IsStaff(t *testing.T) {
	for _, tt := range []struct {
		name string
		acc  *workspace.Account
		want bool
	}{
		{"Nil", nil, false},
		{"Admin", &workspace.Account{Role: workspace.RoleAdmin, Active: true}, true},
		{"Secretariat", &workspace.Account{Role: workspace.RoleSecretariat, Active: true}, true},
		{"Member", &workspace.Account{Role: workspace.RoleMember, Active: true, CanVote: true}, false},
		{"Stakeholder", &workspace.Account{Role: workspace.RoleStakeholder, Active: true}, false},
		{"InactiveAdmin", &workspace.Account{Role: workspace.RoleAdmin, Active: false}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.acc.IsStaff(); got != tt.want {
				t.Errorf("IsStaff = %v, want %v", got, tt.want)
			}
		})
	}
}
