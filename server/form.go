package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"tawla/workspace"
)

// maxFormBytes bounds the body of a form post.
const maxFormBytes = 64 << 10

// parseForm reads a posted form, refusing bodies over maxFormBytes and
// values that are not valid UTF-8, so that handlers only see clean text.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
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
