// Package workspace holds Tawla's domain: the types of a coordination table,
// their validation and the rules that govern them. It imports no database,
// HTTP or websocket code; adapters live in sub-packages and in server.
package workspace

import (
	"errors"
	"fmt"
)

// Error codes. They name the kind of failure, not its cause; server maps each
// one to an HTTP status in a single table.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EFORBIDDEN    = "forbidden"
	EUNAUTHORIZED = "unauthorized"
	ECONFLICT     = "conflict"
	ETHROTTLED    = "throttled"
	EINTERNAL     = "internal"
)

// Error is the one error type of the domain. Code is one of the E* constants;
// Message is safe to show to a user (it never holds SQL or a stack trace);
// Key, when set, names the translated message the interface shows instead.
type Error struct {
	Code    string
	Message string
	Key     string
	// Field names the form field the error is about, if any.
	Field string
	// Limit is the most a text may hold, for an error about a text too
	// long, so that a form can state it (server's formErrorText); 0
	// otherwise.
	Limit int
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("tawla error: code=%s field=%s message=%s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("tawla error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// KeyErrorf is Errorf with the catalogue key of the message shown to
// people, in their language; the formatted message, with its figures,
// stays for the logs and for clients that read it.
func KeyErrorf(code, key, format string, args ...any) *Error {
	return &Error{Code: code, Key: key, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error about one field, with the catalogue key
// of the message shown to the user.
func Invalid(field, key, message string) *Error {
	return &Error{Code: EINVALID, Field: field, Key: key, Message: message}
}

// TooLong returns the EINVALID error about a text of field longer than
// limit characters.
func TooLong(field string, limit int) *Error {
	return &Error{Code: EINVALID, Field: field, Key: "error.text.too_long", Message: fmt.Sprintf("The text is longer than %d characters.", limit), Limit: limit}
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, and
// EINTERNAL for any other non-nil error. It returns "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err if it is an *Error, and a
// generic message otherwise, so internal details never reach a user.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorKey returns the catalogue key of err's user message, or "" when err
// carries none.
func ErrorKey(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Key
	}
	return ""
}
