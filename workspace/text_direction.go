package workspace

// The explicit direction controls of Unicode's bidirectional algorithm
// (UAX #9). An isolate (LRI, RLI, FSI … PDI) sets the direction of the
// text it encloses without touching what is around it, which mixed
// Arabic and French text may need; an embedding or an override (LRE, RLE,
// LRO, RLO … PDF) reaches past its own text when left open, and an
// override shows letters in another order than they are written.
const (
	bidiLRE = '\u202A'
	bidiRLE = '\u202B'
	bidiPDF = '\u202C'
	bidiLRO = '\u202D'
	bidiRLO = '\u202E'
	bidiLRI = '\u2066'
	bidiRLI = '\u2067'
	bidiFSI = '\u2068'
	bidiPDI = '\u2069'
)

// checkDirection refuses, in a one-line value, the direction controls
// that could turn around the text shown after it on a page or in an
// export, where the value sits among other words: any embedding, override
// or PDF, an isolate (LRI, RLI, FSI) that is not closed by its PDI, and a
// PDI that closes nothing. Isolates closed in order, and the marks LRM,
// RLM and ALM, which reach nothing past themselves, stay. The error
// (error.text.direction) names the field.
func checkDirection(field, s string) error {
	open := 0
	for _, r := range s {
		switch r {
		case bidiLRE, bidiRLE, bidiPDF, bidiLRO, bidiRLO:
			return directionError(field)
		case bidiLRI, bidiRLI, bidiFSI:
			open++
		case bidiPDI:
			if open == 0 {
				return directionError(field)
			}
			open--
		}
	}
	if open != 0 {
		return directionError(field)
	}
	return nil
}

func directionError(field string) *Error {
	return Invalid(field, "error.text.direction", "The text holds invisible direction controls that are opened and not closed, or that close nothing: they would turn around the text shown after it. Remove them, or close each isolate with its PDI.")
}
