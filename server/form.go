package server

import (
	"errors"
	"net/http"
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

// parseForm reads a posted form, refusing bodies over maxFormBytes and
// values that are not valid UTF-8, so that handlers only see clean text.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return workspace.Invalid("", "error.form.too_large", "The form is larger than 1 MiB.")
		}
		return workspace.Invalid("", "error.form.malformed", "The form could not be read.")
	}
	for _, values := range r.PostForm {
		for _, v := range values {
			if !utf8.ValidString(v) {
				return workspace.Invalid("", "error.text.utf8", "The text is not valid UTF-8.")
			}
		}
	}
	return nil
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
