package collab

import (
	"context"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"tawla/workspace"
	"tawla/workspace/change"
	"tawla/workspace/sqlite"
)

// AnchorRequest asks for a new anchor: the passage From..To of the
// document as it was at version Base (UTF-16 code units), which the room
// maps to the current version before storing it.
type AnchorRequest struct {
	Base     int
	From, To int
	// Within, when not nil, runs in the transaction that stores the
	// anchor, with the stored anchor: the request's other writes (the
	// comment placed on the passage, say). Its error rolls everything back
	// and is returned by AddAnchor.
	Within func(ctx context.Context, tx *sqlite.Tx, a *workspace.Anchor) error
}

// AddAnchor places a new anchor on a document and returns it with its
// positions at the version it was stored at. From then on the document's
// room maps it through every accepted update and stores its new positions
// with the update. A passage that no longer exists at the current version
// is refused with ECONFLICT; positions out of range, or between the two
// halves of a character written with a surrogate pair, with EINVALID. When
// ctx ends first, the anchor may still be stored.
func (a *Authority) AddAnchor(ctx context.Context, docID int64, req AnchorRequest) (*workspace.Anchor, error) {
	if req.From < 0 || req.To < req.From || req.Base < 0 {
		return nil, &workspace.Error{Code: workspace.EINVALID, Key: "error.anchor.range", Message: "A passage runs from a position to one at or after it."}
	}
	res, err := a.await(ctx, docID, roomMsg{kind: msgAnchor, newAnchor: &req})
	if err != nil {
		return nil, err
	}
	return res.anchor, res.err
}

// await hands a request of the server to the document's room and waits
// for its outcome.
func (a *Authority) await(ctx context.Context, docID int64, msg roomMsg) (editResult, error) {
	if _, err := a.db.FindDocumentByID(ctx, docID); err != nil {
		return editResult{}, err
	}
	msg.done = make(chan editResult, 1)
	if err := a.deliver(ctx, docID, msg); err != nil {
		return editResult{}, err
	}
	select {
	case res := <-msg.done:
		return res, nil
	case <-ctx.Done():
		return editResult{}, ctx.Err()
	}
}

// addAnchor maps a requested passage to the current version, stores it as
// a new anchor, and keeps it among those the room maps.
func (r *docRoom) addAnchor(req *AnchorRequest) editResult {
	if r.loadErr != nil {
		return editResult{err: r.loadErr}
	}
	if req.Base > r.version {
		return editResult{err: workspace.KeyErrorf(workspace.EINVALID, "error.document.future_version", "Version %d is from the future: the document is at version %d.", req.Base, r.version)}
	}
	if req.Base < r.histBase {
		return editResult{err: workspace.KeyErrorf(workspace.ECONFLICT, "error.document.history_gone", "Version %d is older than the history kept (from %d): reload the document.", req.Base, r.histBase)}
	}
	anchor := &workspace.Anchor{From: req.From, To: req.To}
	noText := func(int, int) string { return "" }
	for i, u := range r.history[req.Base-r.histBase:] {
		if _, err := anchor.Map(u.Changes, req.Base+i+1, noText); err != nil {
			return editResult{err: &workspace.Error{Code: workspace.EINVALID, Key: "error.anchor.out_of_range", Message: "The passage is outside the document."}}
		}
		if anchor.Removed {
			return editResult{err: &workspace.Error{Code: workspace.ECONFLICT, Key: "error.anchor.removed", Message: "The passage has been deleted since: select it again."}}
		}
	}
	if anchor.To > r.text.Len() {
		return editResult{err: &workspace.Error{Code: workspace.EINVALID, Key: "error.anchor.out_of_range", Message: "The passage is outside the document."}}
	}
	if r.text.SplitsPair(anchor.From) || r.text.SplitsPair(anchor.To) {
		return editResult{err: &workspace.Error{Code: workspace.EINVALID, Key: "error.anchor.splits_character", Field: "from", Message: "The passage starts or ends in the middle of a character: select it again."}}
	}
	anchor.Quote = r.text.Slice(anchor.From, anchor.To)
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	if err := r.a.db.CreateDocumentAnchor(ctx, r.docID, r.version, anchor, req.Within); err != nil {
		return editResult{err: err}
	}
	r.anchors = append(r.anchors, anchor)
	return editResult{version: r.version, anchor: anchor}
}

// mapAnchors maps the live anchors through updates, which follow one
// another from the room's current text, and returns their new state,
// without changing the room: the text must still be the one before the
// updates. A passage removed by the j-th update keeps its text before that
// update, built (from a copy of the text) only when it happens.
func (r *docRoom) mapAnchors(updates []change.Update) ([]workspace.Anchor, error) {
	if len(r.anchors) == 0 {
		return nil, nil
	}
	next := make([]workspace.Anchor, len(r.anchors))
	for i, a := range r.anchors {
		next[i] = *a
	}
	var text change.Text // the text before update `applied`, once needed
	applied := -1
	for j, u := range updates {
		before := func(from, to int) string {
			if applied < 0 {
				text, applied = r.text.Clone(), 0
			}
			for ; applied < j; applied++ {
				if err := updates[applied].Changes.Apply(&text); err != nil {
					return ""
				}
			}
			return text.Slice(from, to)
		}
		for i := range next {
			if _, err := next[i].Map(u.Changes, r.version+j+1, before); err != nil {
				return nil, err
			}
		}
	}
	return next, nil
}

// keepAnchors takes the anchors' new state from mapAnchors once the
// updates are applied: those that moved wait for the next commit, and the
// removed ones are no longer mapped but wait, detached, for their quote to
// come back.
func (r *docRoom) keepAnchors(mapped []workspace.Anchor) {
	if mapped == nil {
		return
	}
	live := r.anchors[:0]
	for i, a := range r.anchors {
		if mapped[i] != *a {
			*a = mapped[i]
			r.moved[a] = struct{}{}
		}
		switch {
		case !a.Removed:
			live = append(live, a)
		case a.Quote != "":
			if _, settled := r.settled[a.ID]; !settled {
				r.detached = append(r.detached, a)
			}
		}
	}
	clear(r.anchors[len(live):])
	r.anchors = live
}

// reattach puts back, at the current version, every detached anchor whose
// quote — the text it was placed on — an update brought back and which
// occurs exactly once in the text: a paragraph cut and pasted elsewhere,
// a restore undone, a deletion undone brings its comments back with it. A quote found several times or not
// at all leaves its anchor detached. The anchors it re-attaches are live
// again and among the moved ones, so the commit that follows stores them
// with the updates (and audits their threads); it returns their IDs, for
// the notice that follows the commit.
//
// Only the anchors noteReturning marked since the last commit are looked
// for in the whole text: the others' quote was not inserted again.
func (r *docRoom) reattach() []int64 {
	if len(r.returning) == 0 {
		return nil
	}
	defer clear(r.returning)
	text := r.text.String()
	var ids []int64
	keep := r.detached[:0]
	for _, a := range r.detached {
		if _, maybe := r.returning[a]; !maybe {
			keep = append(keep, a)
			continue
		}
		if from, ok := onlyOccurrence(text, a.Quote); ok && a.Reattach(from, from+utf16Len(a.Quote), r.version) {
			r.anchors = append(r.anchors, a)
			r.moved[a] = struct{}{}
			ids = append(ids, a.ID)
			continue
		}
		keep = append(keep, a)
	}
	clear(r.detached[len(keep):])
	r.detached = keep
	return ids
}

// noteReturning marks the detached anchors whose quote the change all,
// just applied to the text, may have brought back, for the next commit's
// reattach. An occurrence the change made overlaps text it inserted, so
// only the text around each insertion (the quote's length on either side)
// is searched: typing costs what it types, not the length of the draft.
func (r *docRoom) noteReturning(all change.Set) {
	if len(r.detached) == 0 {
		return
	}
	type span struct{ from, to int }
	var inserted []span
	pos := 0
	all.Sections(func(length int, kept bool, insert []uint16) {
		if kept {
			pos += length
			return
		}
		if len(insert) > 0 {
			inserted = append(inserted, span{pos, pos + len(insert)})
		}
		pos += len(insert)
	})
	if len(inserted) == 0 {
		return
	}
	n := r.text.Len()
	for _, a := range r.detached {
		if _, marked := r.returning[a]; marked {
			continue
		}
		q := utf16Len(a.Quote)
		for _, in := range inserted {
			if strings.Contains(r.text.Slice(max(0, in.from-q+1), min(n, in.to+q-1)), a.Quote) {
				r.returning[a] = struct{}{}
				break
			}
		}
	}
}

// settle marks anchor id as never to be re-attached: the passage of an
// accepted suggestion, whose words its update replaced on purpose. The
// store leaves such anchors out of those a room loads as detached
// (sqlite.DB.FindDetachedDocumentAnchors); this covers the room's life.
func (r *docRoom) settle(id int64) {
	r.settled[id] = struct{}{}
	r.detached = slices.DeleteFunc(r.detached, func(a *workspace.Anchor) bool {
		if a.ID == id {
			delete(r.returning, a)
			return true
		}
		return false
	})
}

// onlyOccurrence returns where quote is in text, in UTF-16 code units,
// when it occurs there exactly once (overlapping occurrences count).
func onlyOccurrence(text, quote string) (int, bool) {
	if quote == "" {
		return 0, false
	}
	i := strings.Index(text, quote)
	if i < 0 {
		return 0, false
	}
	_, first := utf8.DecodeRuneInString(text[i:])
	if strings.Contains(text[i+first:], quote) {
		return 0, false
	}
	return utf16Len(text[:i]), true
}

// utf16Len returns the length of s in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, c := range s {
		n += utf16.RuneLen(c)
	}
	return n
}
