package sqlite

import "testing"

func TestCheckVersion(t *testing.T) {
	for _, tt := range []struct {
		version string
		ok      bool
	}{
		{"3.51.2", false},
		{"3.51.3", true},
		{"3.51.4", true},
		{"3.52.0", true},
		{"3.54.0", true},
		{"3.100.0", true},
		{"4.0.0", true},
		{"3.50.9", false},
		{"3.9.99", false},
		{"2.99.99", false},
		{"3.51", false},
	} {
		t.Run(tt.version, func(t *testing.T) {
			err := checkVersion(tt.version)
			if tt.ok && err != nil {
				t.Errorf("checkVersion(%q) = %v, want nil", tt.version, err)
			} else if !tt.ok && err == nil {
				t.Errorf("checkVersion(%q) = nil, want an error", tt.version)
			}
		})
	}
}

func TestCompareVersions(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"3.51.2", "3.51.3", -1},
		{"3.51.3", "3.51.3", 0},
		{"3.51.4", "3.51.3", 1},
		{"3.100.0", "3.51.3", 1},  // numbers, not strings: 100 > 51
		{"3.9.0", "3.51.3", -1},   // and 9 < 51
		{"3.51", "3.51.0", 0},     // a missing part counts as zero
		{"3.51.0.1", "3.51.0", 1}, // an extra part counts
		{"4", "3.99.99", 1},
	} {
		if got := compareVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("compareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := compareVersions(tt.b, tt.a); got != -tt.want {
			t.Errorf("compareVersions(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestLinkedSQLiteIsRecentEnough(t *testing.T) {
	if err := checkVersion(sqlite3Version()); err != nil {
		t.Fatalf("the linked SQLite is refused: %v", err)
	}
}
