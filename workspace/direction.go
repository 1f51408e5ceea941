package workspace

import "strings"

// rtlLanguages are the base languages written right to left. Tawla speaks
// only Arabic among them today; the others are here so that a procedure or
// an interface language added later does not silently come out mirrored
// the wrong way.
var rtlLanguages = map[string]bool{"ar": true, "fa": true, "he": true, "ur": true}

// Direction returns the writing direction of a language, "rtl" or "ltr",
// as the HTML dir attribute spells it. lang is a BCP 47 tag such as "ar" or
// "ar-TN"; only its base language counts, case-insensitively. It is the one
// place that decides a direction: pages, procedures and the editor all ask
// it.
func Direction(lang string) string {
	base, _, _ := strings.Cut(lang, "-")
	if rtlLanguages[strings.ToLower(base)] {
		return "rtl"
	}
	return "ltr"
}
