package server

// isolate wraps a value that a translated sentence holds (a person's
// name, an organisation's delegation) between FIRST STRONG ISOLATE and
// POP DIRECTIONAL ISOLATE, so that the value takes its own direction
// without moving the words and punctuation around it: an Arabic name in
// a French sentence leaves the sentence's "!" where French puts it. An
// element can do this (<bdi>), but a catalogue message is text, and its
// placeholders are filled before the page escapes it. The workspace lets
// one-line values hold only isolates closed in order, so the value's own
// controls cannot reach past the PDI added here.
func isolate(s string) string {
	if s == "" {
		return ""
	}
	return "\u2068" + s + "\u2069"
}
