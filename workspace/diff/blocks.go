package diff

import (
	"cmp"
	"slices"
	"strings"
)

// block is a run of equal text followed by the text deleted and inserted
// after it, up to the next equal text; words is the finer diff of del
// into ins, when one was made.
type block struct {
	equal    string
	del, ins string
	words    []Piece
}

// changedBlocks cuts pieces into blocks; every Equal piece starts one.
func changedBlocks(pieces []Piece) []block {
	var blocks []block
	var cur block
	var del, ins strings.Builder
	for _, p := range pieces {
		switch p.Op {
		case Delete:
			del.WriteString(p.Text)
		case Insert:
			ins.WriteString(p.Text)
		default:
			if del.Len() > 0 || ins.Len() > 0 || cur.equal != "" {
				cur.del, cur.ins = del.String(), ins.String()
				blocks = append(blocks, cur)
				del.Reset()
				ins.Reset()
			}
			cur = block{equal: p.Text}
		}
	}
	cur.del, cur.ins = del.String(), ins.String()
	return append(blocks, cur)
}

// bySize returns the indexes of the blocks that both delete and insert
// something (the others need no finer diff), the smallest first: when the
// budget runs short, the many small changes of a text are still shown
// word by word and only the largest is shown whole.
func bySize(blocks []block) []int {
	var idx []int
	for i, bl := range blocks {
		if bl.del != "" && bl.ins != "" {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		return cmp.Compare(len(blocks[i].del)+len(blocks[i].ins), len(blocks[j].del)+len(blocks[j].ins))
	})
	return idx
}

// coarseLines is the line diff of a and b when there is no budget left to
// find it: the whole lines both texts begin with and end with are equal,
// and everything between them is deleted and inserted.
func coarseLines(a, b string) []Piece {
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	p = strings.LastIndexByte(a[:p], '\n') + 1
	a2, b2 := a[p:], b[p:]
	s := 0
	for s < len(a2) && s < len(b2) && a2[len(a2)-1-s] == b2[len(b2)-1-s] {
		s++
	}
	// The equal end starts after a line break: the rest of the line it
	// starts within belongs to the change.
	suffix := a2[len(a2)-s:]
	if i := strings.IndexByte(suffix, '\n'); i >= 0 {
		suffix = suffix[i+1:]
	} else {
		suffix = ""
	}
	var pieces []Piece
	pieces = appendPiece(pieces, Equal, a[:p])
	pieces = appendPiece(pieces, Delete, a2[:len(a2)-len(suffix)])
	pieces = appendPiece(pieces, Insert, b2[:len(b2)-len(suffix)])
	return appendPiece(pieces, Equal, suffix)
}

// lineDiff diffs a and b line by line, spending at most half of the
// budget; when that does not fit, it diffs them paragraph by paragraph
// (runs of lines up to a blank line: far fewer tokens), and when even
// that does not fit it falls back to coarseLines. coarse reports that
// the lines were not compared.
func lineDiff(a, b string, bud *budget) (pieces []Piece, coarse bool) {
	if bud.share(2, func(part *budget) (ok bool) {
		pieces, ok = tokenDiff(a, b, splitLines, false, part)
		return ok
	}) {
		return pieces, false
	}
	if pieces, ok := tokenDiff(a, b, splitParagraphs, false, bud); ok {
		return pieces, true
	}
	return coarseLines(a, b), true
}

// splitParagraphs cuts s after every blank line ("\n\n").
func splitParagraphs(s string) []string {
	return strings.SplitAfter(s, "\n\n")
}
