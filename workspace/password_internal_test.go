package workspace

import "testing"

// The dummy hash must parse, or CheckPassword on an unknown account would
// skip the key derivation and answer faster than for a real one.
func TestDummyPasswordHash(t *testing.T) {
	p, salt, key, ok := parsePasswordHash(dummyPasswordHash)
	if !ok {
		t.Fatal("parsePasswordHash(dummyPasswordHash) ok = false, want true")
	}
	if got, want := len(key), argonKeyLen; got != want {
		t.Errorf("len(key) = %d, want %d", got, want)
	}
	if got, want := len(salt), argonSaltLen; got != want {
		t.Errorf("len(salt) = %d, want %d", got, want)
	}
	want := argonParams{time: argonTime, memory: argonMemory, threads: argonThreads}
	if p != want {
		t.Errorf("params = %+v, want %+v (the dummy must cost what a real hash costs)", p, want)
	}
}

func TestParsePasswordHash_RoundTrip(t *testing.T) {
	hash, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	p, salt, key, ok := parsePasswordHash(hash)
	if !ok {
		t.Fatalf("parsePasswordHash(%q) ok = false", hash)
	}
	if want := (argonParams{time: argonTime, memory: argonMemory, threads: argonThreads}); p != want {
		t.Errorf("params = %+v, want %+v", p, want)
	}
	if len(salt) != argonSaltLen || len(key) != argonKeyLen {
		t.Errorf("len(salt), len(key) = %d, %d, want %d, %d", len(salt), len(key), argonSaltLen, argonKeyLen)
	}
}

func TestCheckPassword_DummyHashMatchesNothing(t *testing.T) {
	for _, pw := range []string{"", "password", "tawla-dummy-salt"} {
		if CheckPassword(dummyPasswordHash, pw) {
			t.Errorf("CheckPassword(dummy, %q) = true, want false", pw)
		}
	}
}

// A hash read from the database sets the cost of checking it: absurd costs
// are refused before any work is done.
func TestParsePasswordHash_Bounds(t *testing.T) {
	const salt, key = "dGF3bGEtZHVtbXktc2FsdA", "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE"
	for _, tt := range []struct {
		params string
		ok     bool
	}{
		{"m=19456,t=2,p=1", true},
		{"m=1048576,t=10,p=4", true},
		{"m=1048577,t=2,p=1", false},
		{"m=19456,t=11,p=1", false},
		{"m=0,t=2,p=1", false},
		{"m=19456,t=0,p=1", false},
		{"m=19456,t=2,p=0", false},
		{"m=19456,t=2,p=256", false},
		{"m=-1,t=2,p=1", false},
	} {
		t.Run(tt.params, func(t *testing.T) {
			_, _, _, ok := parsePasswordHash("$argon2id$v=19$" + tt.params + "$" + salt + "$" + key)
			if ok != tt.ok {
				t.Errorf("ok = %v, want %v", ok, tt.ok)
			}
		})
	}
}

// A hash made before passwords were normalised holds the password as it
// was typed. When that was already NFKC (every ASCII password, the demo's
// among them) nothing changes; when it was not, the password still checks
// typed the same way, and typed another way it does not, as before.
func TestCheckPasswordBeforeNormalisation(t *testing.T) {
	for _, tt := range []struct {
		name    string
		typed   string
		entered string
		want    bool
	}{
		{"ASCII", "demo-tawla-2026", "demo-tawla-2026", true},
		{"ComposedAsTyped", "mot de passe du café", "mot de passe du café", true},
		{"DecomposedAsTyped", "mot de passe du cafe\u0301", "mot de passe du cafe\u0301", true},
		{"DecomposedTypedComposed", "mot de passe du cafe\u0301", "mot de passe du café", false},
		{"LigatureAsTyped", "\ufb01chier secret 2026", "\ufb01chier secret 2026", true},
		{"Wrong", "mot de passe du cafe\u0301", "mot de passe du cafe\u0300", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			legacy, err := hashPasswordBytes([]byte(tt.typed))
			if err != nil {
				t.Fatal(err)
			}
			if got := CheckPassword(legacy, tt.entered); got != tt.want {
				t.Errorf("CheckPassword(unnormalised hash of %+q, %+q) = %v, want %v", tt.typed, tt.entered, got, tt.want)
			}
		})
	}
}
