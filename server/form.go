package server

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"tawla/workspace"
)

// maxFormBytes bounds the body of a form post. It is far above what any
// form of Tawla holds when filled within its limits (a few kilobytes: every
// text field has a limit of at most a few thousand characters, and Arabic
// letters take six bytes once encoded), so that a text too long is read
// and refused with its field's limit, the form coming back filled, instead
// of the whole form being lost; and still small enough to read into memory.
// The catalogue's error.form.too_large states it.
const maxFormBytes = 1 << 20

// parseForm reads a posted form.
//
// A body that cannot be read at all — over maxFormBytes, or malformed —
// gives an error and no values: formKept reports false, and the handler
// has nothing to give back.
//
// Values that are not valid UTF-8 (a text pasted from an old PDF or a
// badly encoded e-mail) are repaired instead of lost: each byte that
// cannot be read becomes U+FFFD "�" in r.PostForm and r.Form, so that
// handlers and templates only ever see valid text, and the error
// error.text.utf8 names the first field of the body that held one. For
// that error formKept reports true: the handler reads the repaired values
// into its form, writes nothing, and shows the form again, filled, with
// that field marked, as for any refused value. Field names that are not
// valid UTF-8 are repaired the same way; no form has such a field, so
// they alone refuse nothing.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	limited := http.MaxBytesReader(w, r.Body, maxFormBytes)
	// The body as read, to find which field came first: r.PostForm is a
	// map and has lost the order.
	var raw bytes.Buffer
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.TeeReader(limited, &raw), limited}
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return workspace.Invalid("", "error.form.too_large", "The form is larger than 1 MiB.")
		}
		return workspace.Invalid("", "error.form.malformed", "The form could not be read.")
	}
	unreadable := repairValues(r.PostForm)
	repairValues(r.Form)
	if !unreadable {
		return nil
	}
	return workspace.Invalid(firstUnreadableField(raw.String()), "error.text.utf8",
		"A character could not be read and was replaced by \"\uFFFD\": check the text, then send it again.")
}

// formKept reports whether err, from parseForm, left the posted values in
// r.PostForm, repaired, to be given back in the form that comes back
// (error.text.utf8); false for a body that could not be read at all.
func formKept(err error) bool {
	var e *workspace.Error
	return errors.As(err, &e) && e.Key == "error.text.utf8"
}

// repairValues replaces, in place, each byte of values' names and values
// that is not part of valid UTF-8 with U+FFFD, and reports whether a value
// held one.
func repairValues(values url.Values) bool {
	unreadable := false
	for name, list := range values {
		for i, v := range list {
			if !utf8.ValidString(v) {
				list[i] = validUTF8(v)
				unreadable = true
			}
		}
		if !utf8.ValidString(name) {
			delete(values, name)
			repaired := validUTF8(name)
			values[repaired] = append(values[repaired], list...)
		}
	}
	return unreadable
}

// validUTF8 returns s with each byte that is not part of a valid UTF-8
// sequence replaced by U+FFFD, one replacement character per byte, so
// that the person sees how many characters were lost.
func validUTF8(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[:size])
		}
		s = s[size:]
	}
	return b.String()
}

// firstUnreadableField returns the name of the first field of the URL
// encoded body whose value is not valid UTF-8, or "" when none has a name
// that is itself valid (and so could be a form's field).
func firstUnreadableField(body string) string {
	for body != "" {
		var pair string
		pair, body, _ = strings.Cut(body, "&")
		name, value, _ := strings.Cut(pair, "=")
		name, err1 := url.QueryUnescape(name)
		value, err2 := url.QueryUnescape(value)
		if err1 == nil && err2 == nil && !utf8.ValidString(value) && utf8.ValidString(name) {
			return name
		}
	}
	return ""
}

// pathID returns the numeric {name} path value, or ENOTFOUND when it is not
// a positive integer.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, &workspace.Error{Code: workspace.ENOTFOUND, Key: "error.not_found", Message: "Not found."}
	}
	return id, nil
}

// formValue returns a trimmed form field.
func formValue(r *http.Request, name string) string {
	return strings.TrimSpace(r.PostFormValue(name))
}

// formChecked reports whether a checkbox was ticked.
func formChecked(r *http.Request, name string) bool {
	v := r.PostFormValue(name)
	return v == "on" || v == "1" || v == "true"
}

// fieldError returns the form field err is about, if any.
func fieldError(err error) string {
	var e *workspace.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// formErrorText returns the message of err for a form: the page's
// ErrorText, except for the errors whose message takes a parameter, which
// it fills: the limit of a text too long, and the organisation that a new
// one's name resembles, named in the page's language.
func (p *page) formErrorText(err error) string {
	var similar *workspace.SimilarNameError
	if errors.As(err, &similar) {
		return p.T("error.org.similar_named", "Name", similar.Existing.Name(p.Lang))
	}
	var e *workspace.Error
	if errors.As(err, &e) && e.Key == "error.text.too_long" && e.Limit > 0 {
		return p.T("error.text.too_long_limit", "Count", e.Limit)
	}
	return p.ErrorText(err)
}
