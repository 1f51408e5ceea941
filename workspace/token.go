package workspace

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// NewToken returns a random secret of 256 bits, encoded for URLs and cookies.
// Only its digest (TokenDigest) is ever stored.
func NewToken() string {
	b := make([]byte, 32)
	// crypto/rand.Read never returns an error on supported platforms.
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// TokenDigest returns the SHA-256 digest of token in hex, the form in which
// session and invitation secrets are stored, so that a copy of the database
// does not hand out live sessions.
func TokenDigest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
