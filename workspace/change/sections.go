package change

// Sections calls f for each section of s in order: length units of the old
// document, kept when kept is true, else replaced by insert (empty for a
// deletion; length 0 for an insertion). insert belongs to s, which is
// immutable: f must not modify it.
func (s Set) Sections(f func(length int, kept bool, insert []uint16)) {
	for i := 0; i+1 < len(s.sections); i += 2 {
		length, ins := s.sections[i], s.sections[i+1]
		if ins < 0 {
			f(length, true, nil)
			continue
		}
		var text []uint16
		if i/2 < len(s.inserted) {
			text = s.inserted[i/2]
		}
		f(length, false, text)
	}
}
