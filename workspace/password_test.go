package workspace_test

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"tawla/workspace"
)

func mustHashPassword(t *testing.T, pw string) string {
	t.Helper()
	hash, err := workspace.HashPassword(pw)
	if err != nil {
		t.Fatalf("HashPassword: %v", err)
	}
	return hash
}

func TestHashPassword(t *testing.T) {
	const pw = "correct horse battery staple"
	hash := mustHashPassword(t, pw)

	t.Run("Format", func(t *testing.T) {
		if prefix := "$argon2id$v=19$m=19456,t=2,p=1$"; !strings.HasPrefix(hash, prefix) {
			t.Errorf("hash = %q, want the prefix %q", hash, prefix)
		}
		if strings.Contains(hash, pw) {
			t.Error("the hash holds the password")
		}
	})
	t.Run("Right", func(t *testing.T) {
		if !workspace.CheckPassword(hash, pw) {
			t.Error("CheckPassword(right password) = false, want true")
		}
	})
	t.Run("Wrong", func(t *testing.T) {
		for _, wrong := range []string{"", "correct horse battery stapl", "correct horse battery staple ", "Correct horse battery staple"} {
			if workspace.CheckPassword(hash, wrong) {
				t.Errorf("CheckPassword(%q) = true, want false", wrong)
			}
		}
	})
	t.Run("FreshSalt", func(t *testing.T) {
		other := mustHashPassword(t, pw)
		if other == hash {
			t.Fatal("two hashes of the same password are equal: the salt is not random")
		}
		if !workspace.CheckPassword(other, pw) {
			t.Error("CheckPassword(second hash) = false, want true")
		}
	})
}

// A long multibyte password must be hashed whole: with bcrypt's 72-byte limit
// a change past byte 72 would go unnoticed.
func TestHashPassword_LongArabic(t *testing.T) {
	pw := strings.Repeat("كلمة سر طويلة جدا ", 8) + "ب"
	if n := utf8.RuneCountInString(pw); n < 100 {
		t.Fatalf("password has %d characters, want 100 or more", n)
	}
	if len(pw) <= 72 {
		t.Fatalf("password has %d bytes, want more than 72", len(pw))
	}
	if err := workspace.ValidatePassword(pw); err != nil {
		t.Fatalf("ValidatePassword = %v", err)
	}
	hash := mustHashPassword(t, pw)
	if !workspace.CheckPassword(hash, pw) {
		t.Fatal("CheckPassword(right password) = false, want true")
	}
	lastChanged := strings.TrimSuffix(pw, "ب") + "ت"
	if lastChanged == pw || len(lastChanged) != len(pw) {
		t.Fatal("test setup: the changed password must differ only in its last character")
	}
	if workspace.CheckPassword(hash, lastChanged) {
		t.Error("CheckPassword(password with its last character changed) = true, want false")
	}
	if workspace.CheckPassword(hash, pw[:72]) {
		t.Error("CheckPassword(first 72 bytes) = true, want false")
	}
}

func TestCheckPassword_MalformedHash(t *testing.T) {
	valid := mustHashPassword(t, "correct horse battery staple")
	parts := strings.Split(valid, "$")
	join := func(p ...string) string { return strings.Join(p, "$") }
	for _, tt := range []struct {
		name string
		hash string
	}{
		{"Empty", ""},
		{"Plain", "correct horse battery staple"},
		{"Bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"Argon2i", join("", "argon2i", parts[2], parts[3], parts[4], parts[5])},
		{"WrongVersion", join("", "argon2id", "v=16", parts[3], parts[4], parts[5])},
		{"NoParams", join("", "argon2id", parts[2], "", parts[4], parts[5])},
		{"ZeroMemory", join("", "argon2id", parts[2], "m=0,t=2,p=1", parts[4], parts[5])},
		{"HugeMemory", join("", "argon2id", parts[2], "m=4194304,t=2,p=1", parts[4], parts[5])},
		{"ZeroTime", join("", "argon2id", parts[2], "m=19456,t=0,p=1", parts[4], parts[5])},
		{"TooManyPasses", join("", "argon2id", parts[2], "m=19456,t=11,p=1", parts[4], parts[5])},
		{"ZeroThreads", join("", "argon2id", parts[2], "m=19456,t=2,p=0", parts[4], parts[5])},
		{"BadSalt", join("", "argon2id", parts[2], parts[3], "!!!", parts[5])},
		{"BadKey", join("", "argon2id", parts[2], parts[3], parts[4], "not base64!")},
		{"EmptyKey", join("", "argon2id", parts[2], parts[3], parts[4], "")},
		{"ExtraPart", valid + "$x"},
		{"MissingPart", join("", "argon2id", parts[2], parts[3], parts[4])},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if workspace.CheckPassword(tt.hash, "correct horse battery staple") {
				t.Errorf("CheckPassword(%q) = true, want false", tt.hash)
			}
		})
	}
}

// Every byte of the stored key counts: a hash whose key was altered, even in
// its last byte, matches nothing.
func TestCheckPassword_TamperedKey(t *testing.T) {
	const pw = "correct horse battery staple"
	hash := mustHashPassword(t, pw)
	i := strings.LastIndex(hash, "$")
	key, err := base64.RawStdEncoding.DecodeString(hash[i+1:])
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []int{0, len(key) / 2, len(key) - 1} {
		tampered := slices.Clone(key)
		tampered[at] ^= 1
		if workspace.CheckPassword(hash[:i+1]+base64.RawStdEncoding.EncodeToString(tampered), pw) {
			t.Errorf("CheckPassword with key byte %d altered = true, want false", at)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	for _, tt := range []struct {
		name string
		pw   string
		key  string // "" when valid
	}{
		{"TenCharacters", "0123456789", ""},
		{"TenArabicCharacters", strings.Repeat("س", 10), ""},
		{"Passphrase", "la table de Mahdia se réunit", ""},
		{"MaxLength", strings.Repeat("a", workspace.PasswordMaxLength), ""},
		{"MaxLengthArabic", strings.Repeat("ك", workspace.PasswordMaxLength), ""},
		{"Empty", "", "error.password.too_short"},
		{"NineCharacters", "012345678", "error.password.too_short"},
		// Nine Arabic letters are 18 bytes: the rule counts characters.
		{"NineArabicCharacters", strings.Repeat("س", 9), "error.password.too_short"},
		{"TooLong", strings.Repeat("a", workspace.PasswordMaxLength+1), "error.password.too_long"},
		{"TooLongArabic", strings.Repeat("ك", workspace.PasswordMaxLength+1), "error.password.too_long"},
		{"InvalidUTF8", strings.Repeat("\xff", 12), "error.text.utf8"},
		{"InvalidUTF8Tail", "good password\xc3", "error.text.utf8"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := workspace.ValidatePassword(tt.pw)
			if tt.key == "" {
				if err != nil {
					t.Fatalf("ValidatePassword = %v, want nil", err)
				}
				return
			}
			wantInvalid(t, err, "password", tt.key)
		})
	}
}

// The same password typed on two keyboards must check (issue 8: NFC and
// NFD of the same password failed): passwords are compared in NFKC.
func TestPasswordNormalised(t *testing.T) {
	tests := []struct {
		name         string
		set, entered string
	}{
		{"ComposedThenDecomposed", "mot de passe du café", "mot de passe du cafe\u0301"},
		{"DecomposedThenComposed", "mot de passe du cafe\u0301", "mot de passe du café"},
		{"Ligature", "\ufb01chier secret 2026", "fichier secret 2026"},
		{"FullWidthDigits", "كلمة السر ٢٠٢٦ \uff12\uff10\uff12\uff16", "كلمة السر ٢٠٢٦ 2026"},
		{"ArabicPresentationForm", "\ufefbمدينة المهدية", "\u0644\u0627مدينة المهدية"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hash := mustHashPassword(t, tt.set)
			if !workspace.CheckPassword(hash, tt.entered) {
				t.Errorf("CheckPassword(hash of %+q, %+q) = false, want true", tt.set, tt.entered)
			}
			if !workspace.CheckPassword(hash, tt.set) {
				t.Errorf("CheckPassword(hash of %+q, itself) = false, want true", tt.set)
			}
			if workspace.CheckPassword(hash, tt.entered+"x") {
				t.Errorf("CheckPassword(hash of %+q, %+q) = true, want false", tt.set, tt.entered+"x")
			}
		})
	}
}

// The length rule counts the password as it is compared: a decomposed
// accent is one character, not two.
func TestValidatePasswordNormalised(t *testing.T) {
	nine := "cafe\u0301cafe\u0301" // 10 code points, 8 characters once composed
	if err := workspace.ValidatePassword(nine); err == nil {
		t.Errorf("ValidatePassword(%+q) = nil, want too short: it is 8 characters", nine)
	}
}
