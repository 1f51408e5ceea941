package workspace_test

import (
	"encoding/base64"
	"encoding/hex"
	"testing"

	"tawla/workspace"
)

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok := workspace.NewToken()
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil {
			t.Fatalf("token %q is not unpadded base64url: %v", tok, err)
		}
		if got, want := len(b), 32; got != want {
			t.Fatalf("token holds %d bytes, want %d", got, want)
		}
		if seen[tok] {
			t.Fatalf("token %q returned twice", tok)
		}
		seen[tok] = true
	}
}

func TestTokenDigest(t *testing.T) {
	// SHA-256 of "abc", from FIPS 180-2.
	if got, want := workspace.TokenDigest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; got != want {
		t.Errorf("TokenDigest(abc) = %q, want %q", got, want)
	}
	tok := workspace.NewToken()
	d := workspace.TokenDigest(tok)
	if _, err := hex.DecodeString(d); err != nil || len(d) != 64 {
		t.Errorf("TokenDigest = %q, want 64 hex digits", d)
	}
	if d == tok {
		t.Error("TokenDigest returned the token itself")
	}
	if d != workspace.TokenDigest(tok) {
		t.Error("TokenDigest is not deterministic")
	}
	if d == workspace.TokenDigest(workspace.NewToken()) {
		t.Error("two tokens have the same digest")
	}
}
