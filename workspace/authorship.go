package workspace

import (
	"fmt"
	"slices"
	"unicode/utf16"
)

// AuthoredSpan is a passage of a text with the account that wrote it; a
// nil AccountID is text from the replay's first text (the document's
// first snapshot, or the snapshot the replay started from) or written by
// the system.
type AuthoredSpan struct {
	Text      string
	AccountID *int64
}

// AuthorshipMaxUpdates is how many updates, about, the draft's history
// page replays: a document typed in for months holds hundreds of
// thousands, and the page replays them from the snapshot after which at
// most that many were made (sqlite.DB.FindDocumentHistory), saying that
// the text before is not attributed. 50,000 updates replay in about
// 50 ms (BenchmarkAuthorship).
const AuthorshipMaxUpdates = 50_000

// maxRunUnits is the longest run of one author's text the replay keeps in
// one piece: an insertion copies at most that many units, however long
// the text.
const maxRunUnits = 1024

// authorRun is a run of text by one author, at most maxRunUnits long.
type authorRun struct {
	units  []uint16
	author *int64
}

// authorText is a text cut into runs by author, with a cursor that
// remembers where the last edit was: an update near the previous one (as
// typing is) finds its place without walking the text.
type authorText struct {
	runs []authorRun
	len  int
	// cur is the index of a run and start the position where it starts.
	cur, start int
	// work counts the runs the cursor crossed and the units copied, for
	// the test that bounds an update's cost.
	work int
	// credits maps an update's version to the account its text is
	// credited to, when not the update's own (AuthorshipCredited).
	credits map[int]int64
}

// seek moves the cursor to the run that holds pos (the last run for pos
// at the end of the text), walking run by run from where it was.
func (t *authorText) seek(pos int) {
	if len(t.runs) == 0 {
		t.cur, t.start = 0, 0
		return
	}
	if t.cur >= len(t.runs) {
		// The cursor's run was the last and was removed: it stands at
		// the end of the text.
		t.cur = len(t.runs) - 1
		t.start -= len(t.runs[t.cur].units)
	}
	for pos < t.start && t.cur > 0 {
		t.work++
		t.cur--
		t.start -= len(t.runs[t.cur].units)
	}
	for t.cur < len(t.runs)-1 && pos >= t.start+len(t.runs[t.cur].units) {
		t.work++
		t.start += len(t.runs[t.cur].units)
		t.cur++
	}
}

// runsOf cuts units into runs of author of at most maxRunUnits.
func runsOf(units []uint16, author *int64) []authorRun {
	var runs []authorRun
	for len(units) > 0 {
		n := min(len(units), maxRunUnits)
		runs = append(runs, authorRun{units: slices.Clip(units[:n:n]), author: author})
		units = units[n:]
	}
	return runs
}

// remove deletes n units at pos; the caller has checked the range.
func (t *authorText) remove(pos, n int) {
	t.len -= n
	for n > 0 {
		t.seek(pos)
		r := &t.runs[t.cur]
		off := pos - t.start
		k := min(n, len(r.units)-off)
		t.work += len(r.units)
		r.units = slices.Delete(r.units, off, off+k)
		n -= k
		if len(r.units) == 0 {
			t.runs = slices.Delete(t.runs, t.cur, t.cur+1)
		}
	}
}

// insert puts units written by author at pos.
func (t *authorText) insert(pos int, units []uint16, author *int64) {
	if len(units) == 0 {
		return
	}
	t.len += len(units)
	t.seek(pos)
	if len(t.runs) == 0 {
		t.runs = runsOf(units, author)
		return
	}
	off := pos - t.start
	// At the start of a run, the text joins the run before when that one
	// is the author's.
	if off == 0 && t.cur > 0 {
		t.cur--
		off = len(t.runs[t.cur].units)
		t.start -= off
	}
	r := &t.runs[t.cur]
	t.work += len(r.units) + len(units)
	if sameAuthor(r.author, author) && len(r.units)+len(units) <= maxRunUnits {
		r.units = slices.Insert(r.units, off, units...)
		return
	}
	// Cut the run at off and put the new runs between its two halves.
	head, tail := r.units[:off:off], slices.Clone(r.units[off:])
	middle := runsOf(slices.Clone(units), author)
	var repl []authorRun
	if len(head) > 0 {
		repl = append(repl, authorRun{units: head, author: r.author})
	}
	repl = append(repl, middle...)
	if len(tail) > 0 {
		repl = append(repl, authorRun{units: tail, author: r.author})
	}
	t.runs = slices.Replace(t.runs, t.cur, t.cur+1, repl...)
}

// Authorship replays updates over the text first and returns the
// resulting text cut into passages by author, as Etherpad colours its
// authors: text an update inserts belongs to the update's account, kept
// text keeps its author, and neighbouring passages of one author are
// joined. updates must follow first's version in order.
//
// Each update costs what it changes plus the runs its cursor crosses from
// the previous update's place, not the length of the text: the runs hold
// at most maxRunUnits units each, and an update's last kept section, the
// rest of the text, is checked by its length alone.
func Authorship(first string, updates []*DocumentUpdate) ([]AuthoredSpan, error) {
	return AuthorshipCredited(first, updates, nil)
}

// AuthorshipCredited is Authorship with the text of some updates credited
// to another account than the update's: credits maps an update's version
// to the account its inserted text belongs to. An accepted suggestion is
// applied by an update of the member who accepted it, and its text is the
// suggestion's author's (sqlite.DB.FindSuggestionCredits).
func AuthorshipCredited(first string, updates []*DocumentUpdate, credits map[int]int64) ([]AuthoredSpan, error) {
	units := utf16.Encode([]rune(first))
	t := &authorText{runs: runsOf(units, nil), len: len(units), credits: credits}
	if err := t.replay(updates); err != nil {
		return nil, err
	}
	return t.spans(), nil
}

// replay applies updates in order.
func (t *authorText) replay(updates []*DocumentUpdate) error {
	for _, u := range updates {
		sections, err := parseChangeSections(u.Changes)
		if err != nil {
			return fmt.Errorf("workspace: update %d: %w", u.Version, err)
		}
		total := 0
		for _, s := range sections {
			total += s.Len
		}
		switch {
		case total > t.len:
			return fmt.Errorf("workspace: update %d is longer than the text", u.Version)
		case total < t.len:
			return fmt.Errorf("workspace: update %d is shorter than the text", u.Version)
		}
		pos := 0
		for _, s := range sections {
			if s.Kept {
				pos += s.Len
				continue
			}
			t.remove(pos, s.Len)
			t.insert(pos, s.Insert, t.author(u))
			pos += len(s.Insert)
		}
	}
	return nil
}

// author returns the account an update's inserted text is credited to.
func (t *authorText) author(u *DocumentUpdate) *int64 {
	if id, ok := t.credits[u.Version]; ok {
		return &id
	}
	return u.AccountID
}

// spans returns the text as passages by author, joining neighbouring runs
// of one author.
func (t *authorText) spans() []AuthoredSpan {
	var result []AuthoredSpan
	var run []uint16
	for i, r := range t.runs {
		run = append(run, r.units...)
		if i+1 < len(t.runs) && sameAuthor(t.runs[i+1].author, r.author) {
			continue
		}
		if len(run) > 0 {
			result = append(result, AuthoredSpan{Text: string(utf16.Decode(run)), AccountID: r.author})
		}
		run = run[:0]
	}
	return result
}

// sameAuthor reports whether a and b are the same account, or both the
// system (nil).
func sameAuthor(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
