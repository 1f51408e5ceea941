package server

import "tawla/workspace"

// fieldLabels names, by the form field a workspace error is about, the
// catalogue key of that field's label, for the messages that say which
// field they are about: the direction controls of a one-line value
// (error.text.direction) can be invisible, so the message must point to
// the field that holds them. Every one-line field the workspace checks is
// here (TestDirectionErrorNamesField).
var fieldLabels = map[string]string{
	"title":       "field.title",
	"name":        "field.name",
	"email":       "field.email",
	"name_fr":     "field.name_fr",
	"name_ar":     "field.name_ar",
	"name_en":     "categories.name_en",
	"delegation":  "field.delegation",
	"person_name": "issue.private.person_name",
	"place":       "meeting.place",
	"online_link": "meeting.online_link",
	"options":     "poll.options",
	"message":     "versions.message",
}

// fieldErrorText returns the message of an error that names its field,
// with that field's label, and false for any other error or a field
// without a label.
func (l *localizer) fieldErrorText(err error) (string, bool) {
	if workspace.ErrorKey(err) != "error.text.direction" {
		return "", false
	}
	label, ok := fieldLabels[fieldError(err)]
	if !ok {
		return "", false
	}
	return l.T("error.text.direction_field", "Field", l.T(label)), true
}
