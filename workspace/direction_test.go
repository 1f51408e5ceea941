package workspace_test

import (
	"testing"

	"tawla/workspace"
)

func TestDirection(t *testing.T) {
	tests := []struct {
		lang string
		want string
	}{
		{"ar", "rtl"},
		{"ar-TN", "rtl"},
		{"AR", "rtl"},
		{"fr", "ltr"},
		{"en", "ltr"},
		{"fr-TN", "ltr"},
		{"", "ltr"},
		{"arabic", "ltr"}, // not a tag whose base is ar
	}
	for _, tt := range tests {
		if got := workspace.Direction(tt.lang); got != tt.want {
			t.Errorf("Direction(%q) = %q, want %q", tt.lang, got, tt.want)
		}
	}
}
