package workspace_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"tawla/workspace"
)

func TestErrorCode(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"Nil", nil, ""},
		{"Plain", errors.New("disk full"), workspace.EINTERNAL},
		{"Error", workspace.Errorf(workspace.ENOTFOUND, "Meeting not found."), workspace.ENOTFOUND},
		{"Wrapped", fmt.Errorf("find meeting: %w", workspace.Errorf(workspace.ECONFLICT, "Taken.")), workspace.ECONFLICT},
		{"WrappedTwice", fmt.Errorf("a: %w", fmt.Errorf("b: %w", workspace.Invalid("name", "k", "m"))), workspace.EINVALID},
		{"Joined", errors.Join(errors.New("other"), workspace.Errorf(workspace.EFORBIDDEN, "No.")), workspace.EFORBIDDEN},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := workspace.ErrorCode(tt.err); got != tt.want {
				t.Errorf("ErrorCode = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"Nil", nil, ""},
		{"Plain", errors.New(`sqlite: UNIQUE constraint failed: accounts.email`), "Internal error."},
		{"Error", workspace.Errorf(workspace.ENOTFOUND, "Meeting %d not found.", 7), "Meeting 7 not found."},
		{"Wrapped", fmt.Errorf("find: %w", workspace.Invalid("email", "error.x", "The email address is not valid.")), "The email address is not valid."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := workspace.ErrorMessage(tt.err); got != tt.want {
				t.Errorf("ErrorMessage = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorMessage_HidesInternalDetails(t *testing.T) {
	err := fmt.Errorf("sqlite: find accounts: %w", errors.New("no such column: a.secret"))
	if got := workspace.ErrorMessage(err); strings.Contains(got, "sqlite") || strings.Contains(got, "secret") {
		t.Errorf("ErrorMessage = %q, leaks the internal error", got)
	}
}

func TestErrorKey(t *testing.T) {
	if got := workspace.ErrorKey(nil); got != "" {
		t.Errorf("ErrorKey(nil) = %q, want empty", got)
	}
	if got := workspace.ErrorKey(errors.New("x")); got != "" {
		t.Errorf("ErrorKey(plain) = %q, want empty", got)
	}
	err := fmt.Errorf("wrap: %w", workspace.Invalid("name", "error.account.name_required", "A person needs a name."))
	if got, want := workspace.ErrorKey(err), "error.account.name_required"; got != want {
		t.Errorf("ErrorKey = %q, want %q", got, want)
	}
}

func TestError_Error(t *testing.T) {
	t.Run("WithField", func(t *testing.T) {
		got := workspace.Invalid("email", "k", "Bad email.").Error()
		want := "tawla error: code=invalid field=email message=Bad email."
		if got != want {
			t.Errorf("Error() = %q, want %q", got, want)
		}
	})
	t.Run("WithoutField", func(t *testing.T) {
		got := workspace.Errorf(workspace.ENOTFOUND, "Gone.").Error()
		want := "tawla error: code=not_found message=Gone."
		if got != want {
			t.Errorf("Error() = %q, want %q", got, want)
		}
	})
}

func TestInvalid(t *testing.T) {
	e := workspace.Invalid("college", "error.org.college_invalid", "Choose one of the five colleges.")
	if e.Code != workspace.EINVALID || e.Field != "college" || e.Key != "error.org.college_invalid" || e.Message != "Choose one of the five colleges." {
		t.Errorf("Invalid = %+v", e)
	}
}
