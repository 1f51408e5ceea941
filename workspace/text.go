package workspace

import (
	"unicode"
	"unicode/utf8"
)

// checkText refuses text that is not valid UTF-8, that holds control
// characters other than line breaks and tabs, or that is longer than max
// characters.
func checkText(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return Invalid(field, "error.text.utf8", "The text is not valid UTF-8.")
	}
	if utf8.RuneCountInString(s) > max {
		return TooLong(field, max)
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return Invalid(field, "error.text.control", "The text holds a control character.")
		}
	}
	return nil
}

// checkLine is checkText for a one-line field (a title, a name, an
// address, an option's label): it also refuses line breaks and tabs,
// which would break the line where it is shown (a procedure's title heads
// its draft), and the direction controls that could turn around the text
// shown after the value (checkDirection).
func checkLine(field, s string, max int) error {
	if err := checkText(field, s, max); err != nil {
		return err
	}
	for _, r := range s {
		if r == '\n' || r == '\r' || r == '\t' {
			return Invalid(field, "error.text.line", "Write this on one line, without line breaks.")
		}
	}
	return checkDirection(field, s)
}
