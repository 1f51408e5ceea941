package workspace

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// Password rules. Length counts characters, not bytes, so a passphrase in
// Arabic is held to the same rule as one in French. Argon2id has no input
// limit (unlike bcrypt's 72 bytes), so a long multibyte password is hashed
// whole.
//
// Passwords are compared in Unicode normalisation form NFKC, as NIST SP
// 800-63B asks: "é" typed as one code point on one keyboard and as "e"
// and a combining accent on another is the same password, and so are a
// ligature and its letters (Arabic presentation forms, "ﬁ") or full-width
// digits and ASCII ones. The length rule counts the normalised form.
const (
	PasswordMinLength = 10
	PasswordMaxLength = 512
)

// Argon2id parameters, after the OWASP password storage recommendation
// (19 MiB of memory, two passes, one lane).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// ValidatePassword reports whether pw is acceptable as a new password.
func ValidatePassword(pw string) error {
	if !utf8.ValidString(pw) {
		return Invalid("password", "error.text.utf8", "The password is not valid UTF-8.")
	}
	n := utf8.RuneCountInString(norm.NFKC.String(pw))
	if n < PasswordMinLength {
		return Invalid("password", "error.password.too_short", "The password must be at least 10 characters long.")
	}
	if n > PasswordMaxLength {
		return Invalid("password", "error.password.too_long", "The password is too long.")
	}
	return nil
}

// HashPassword returns the argon2id hash of pw, normalised to NFKC, in
// the PHC string format ($argon2id$v=…$m=…,t=…,p=…$salt$hash), with a
// fresh random salt.
func HashPassword(pw string) (string, error) {
	return hashPasswordBytes([]byte(norm.NFKC.String(pw)))
}

// hashPasswordBytes hashes pw as it is; HashPassword normalises it first.
func hashPasswordBytes(pw []byte) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey(pw, salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches hash, in time that does not depend
// on where they differ. An empty or malformed hash matches nothing, but is
// checked against a dummy hash so that the answer takes about as long as for
// a real account.
//
// pw is compared in its NFKC form. Hashes made before passwords were
// normalised hold the password as it was typed: for a password that was
// already in NFKC (every ASCII one, the demo's among them, and most typed
// French and Arabic) the two are the same and nothing changes. For one
// that was not, pw is also compared as typed, so its owner still gets in
// by typing it the same way; that second check runs only when pw is not
// already NFKC, which the sender knows anyway, and it cannot match a hash
// made since, which always holds an NFKC password. The password is
// normalised from its next change.
func CheckPassword(hash, pw string) bool {
	params, salt, key, ok := parsePasswordHash(hash)
	if !ok {
		params, salt, key, _ = parsePasswordHash(dummyPasswordHash)
	}
	derive := func(pw string) []byte {
		return argon2.IDKey([]byte(pw), salt, params.time, params.memory, params.threads, uint32(len(key)))
	}
	normal := norm.NFKC.String(pw)
	match := subtle.ConstantTimeCompare(derive(normal), key)
	if normal != pw {
		match |= subtle.ConstantTimeCompare(derive(pw), key)
	}
	return ok && match == 1
}

// dummyPasswordHash is checked when there is no real hash to check (unknown
// email, account without a password), so that failing takes the same time.
const dummyPasswordHash = "$argon2id$v=19$m=19456,t=2,p=1$dGF3bGEtZHVtbXktc2FsdA$QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE"

type argonParams struct {
	time, memory uint32
	threads      uint8
}

func parsePasswordHash(hash string) (p argonParams, salt, key []byte, ok bool) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, false
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return p, nil, nil, false
	}
	if p.memory == 0 || p.memory > 1<<20 || p.time == 0 || p.time > 10 || p.threads == 0 {
		return p, nil, nil, false
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, false
	}
	key, err = enc.DecodeString(parts[5])
	if err != nil || len(key) == 0 {
		return p, nil, nil, false
	}
	return p, salt, key, true
}
