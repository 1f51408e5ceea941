package change

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Spec is one change for Of: replace the UTF-16 range From..To of the
// original document with Insert. From == To inserts; an empty Insert
// deletes. Unlike CodeMirror's spec, To has no default: write To: From for
// an insertion.
type Spec struct {
	From, To int
	Insert   string
}

// Of builds the change set of the given specs on a document of length units,
// as ChangeSet.of(specs, length). Every spec's positions refer to the
// original document; specs may come in any order and overlap (each run
// that goes back is mapped over the changes before it, as CodeMirror does).
// As in CodeMirror with its default line separator, "\r\n" and "\r" in
// Insert become "\n". Errors wrap ErrMalformed (invalid UTF-8, from > to)
// or ErrLength (a range outside the document).
func Of(length int, specs ...Spec) (Set, error) {
	if length < 0 || length > MaxLength {
		return Set{}, fmt.Errorf("%w: document length %d out of range", ErrLength, length)
	}
	var (
		sections []int
		inserted [][]uint16
		pos      int
		total    Set
		started  bool
	)
	flush := func(force bool) error {
		if !force && len(sections) == 0 {
			return nil
		}
		if pos < length {
			sections = addSection(sections, length-pos, -1, false)
		}
		set := Set{sections: sections, inserted: inserted}
		if started {
			mapped, err := set.Map(total.Desc(), false)
			if err != nil {
				return err
			}
			if total, err = total.Compose(mapped); err != nil {
				return err
			}
		} else {
			total, started = set, true
		}
		sections, inserted, pos = nil, nil, 0
		return nil
	}
	for i, spec := range specs {
		if spec.From > spec.To {
			return Set{}, fmt.Errorf("%w: change %d goes from %d back to %d", ErrMalformed, i, spec.From, spec.To)
		}
		if spec.From < 0 || spec.To > length {
			return Set{}, fmt.Errorf("%w: change %d (%d..%d) is outside a %d-unit document", ErrLength, i, spec.From, spec.To, length)
		}
		if !utf8.ValidString(spec.Insert) {
			return Set{}, fmt.Errorf("%w: change %d inserts invalid UTF-8", ErrMalformed, i)
		}
		text := appendUTF16(nil, normalizeLineBreaks(spec.Insert))
		if len(text) > MaxLength {
			return Set{}, fmt.Errorf("%w: change %d inserts more than %d units", ErrLength, i, MaxLength)
		}
		if spec.From == spec.To && len(text) == 0 {
			continue
		}
		if spec.From < pos {
			if err := flush(false); err != nil {
				return Set{}, err
			}
		}
		if spec.From > pos {
			sections = addSection(sections, spec.From-pos, -1, false)
		}
		sections = addSection(sections, spec.To-spec.From, len(text), false)
		inserted = addInsert(inserted, sections, text)
		pos = spec.To
	}
	if err := flush(!started); err != nil {
		return Set{}, err
	}
	if total.NewLen() > MaxLength {
		return Set{}, fmt.Errorf("%w: the document would exceed %d units", ErrLength, MaxLength)
	}
	return total, nil
}

// normalizeLineBreaks turns "\r\n" and "\r" into "\n", as splitting on
// CodeMirror's default separator /\r\n?|\n/ does.
func normalizeLineBreaks(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}
