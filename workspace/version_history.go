package workspace

import (
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf16"
)

// SessionGap is the longest pause within one editing session: an account's
// next update after a longer pause starts a new session.
const SessionGap = 10 * time.Minute

// EditingSession is a run of updates of one account to one document, each
// less than SessionGap after the one before. Other accounts' updates may
// fall between them: two people writing together each have their session.
// Inserted and Deleted count UTF-16 code units, as the editor does.
type EditingSession struct {
	DocumentID   int64
	AccountID    *int64
	FirstVersion int
	LastVersion  int
	Updates      int
	Inserted     int
	Deleted      int
	Start        time.Time
	End          time.Time
}

// GroupSessions groups updates, in version order, into editing sessions,
// ordered by their first version. An update with no account (made by the
// system) has sessions of its own kind, grouped the same way.
func GroupSessions(updates []*DocumentUpdate) ([]*EditingSession, error) {
	var sessions []*EditingSession
	open := map[int64]*EditingSession{} // by account; 0 for the system
	for _, u := range updates {
		ins, del, err := ChangeCounts(u.Changes)
		if err != nil {
			return nil, fmt.Errorf("workspace: update %d: %w", u.Version, err)
		}
		var key int64
		if u.AccountID != nil {
			key = *u.AccountID
		}
		s := open[key]
		if s == nil || u.CreatedAt.Sub(s.End) >= SessionGap {
			s = &EditingSession{DocumentID: u.DocumentID, AccountID: u.AccountID, FirstVersion: u.Version, Start: u.CreatedAt}
			open[key] = s
			sessions = append(sessions, s)
		}
		s.LastVersion, s.End = u.Version, u.CreatedAt
		s.Updates++
		s.Inserted += ins
		s.Deleted += del
	}
	return sessions, nil
}

// Closed reports whether the session can no longer grow at time now: its
// last update is at least SessionGap old.
func (s *EditingSession) Closed(now time.Time) bool {
	return now.Sub(s.End) >= SessionGap
}

// changeSection is one section of a change set in its JSON form: a run of
// Len units of the old text, kept when Kept, else replaced by Insert
// (possibly empty: a deletion).
type changeSection struct {
	Len    int
	Kept   bool
	Insert []uint16
}

// parseChangeSections reads a change set in CodeMirror's JSON form — an
// array whose items are a number (units kept) or an array [deleted,
// line, line…] (units replaced by the lines joined with "\n").
func parseChangeSections(data string) ([]changeSection, error) {
	var items []json.RawMessage
	if err := json.Unmarshal([]byte(data), &items); err != nil {
		return nil, err
	}
	sections := make([]changeSection, 0, len(items))
	for _, item := range items {
		var n int
		if err := json.Unmarshal(item, &n); err == nil {
			sections = append(sections, changeSection{Len: n, Kept: true})
			continue
		}
		var parts []json.RawMessage
		if err := json.Unmarshal(item, &parts); err != nil || len(parts) == 0 {
			return nil, fmt.Errorf("malformed change section %s", item)
		}
		if err := json.Unmarshal(parts[0], &n); err != nil {
			return nil, fmt.Errorf("malformed change section %s", item)
		}
		var ins []uint16
		for i, p := range parts[1:] {
			var line string
			if err := json.Unmarshal(p, &line); err != nil {
				return nil, fmt.Errorf("malformed change section %s", item)
			}
			if i > 0 {
				ins = append(ins, '\n')
			}
			ins = append(ins, utf16.Encode([]rune(line))...)
		}
		sections = append(sections, changeSection{Len: n, Insert: ins})
	}
	return sections, nil
}

// ChangeCounts returns how many UTF-16 units a change set, in its JSON
// form, inserts and deletes.
func ChangeCounts(changes string) (inserted, deleted int, err error) {
	sections, err := parseChangeSections(changes)
	if err != nil {
		return 0, 0, err
	}
	for _, s := range sections {
		if !s.Kept {
			deleted += s.Len
			inserted += len(s.Insert)
		}
	}
	return inserted, deleted, nil
}

// AuthoredSpan is a passage of a text with the account that wrote it; a
// nil AccountID is text from the document's first snapshot (or written by
// the system).
type AuthoredSpan struct {
	Text      string
	AccountID *int64
}

// Authorship replays updates over the document's first text and returns
// the resulting text cut into passages by author, as Etherpad colours its
// authors: text an update inserts belongs to the update's account, kept
// text keeps its author, and neighbouring passages of one author are
// joined. updates must start at version 1 and follow in order.
func Authorship(first string, updates []*DocumentUpdate) ([]AuthoredSpan, error) {
	type span struct {
		units  []uint16
		author *int64
	}
	spans := []span{{units: utf16.Encode([]rune(first))}}
	for _, u := range updates {
		sections, err := parseChangeSections(u.Changes)
		if err != nil {
			return nil, fmt.Errorf("workspace: update %d: %w", u.Version, err)
		}
		var out []span
		push := func(units []uint16, author *int64) {
			if len(units) == 0 {
				return
			}
			if n := len(out); n > 0 && sameAuthor(out[n-1].author, author) {
				out[n-1].units = append(out[n-1].units, units...)
				return
			}
			out = append(out, span{append([]uint16(nil), units...), author})
		}
		i, off := 0, 0 // the old span being read, and the offset in it
		take := func(n int, keep bool) error {
			for n > 0 {
				if i >= len(spans) {
					return fmt.Errorf("workspace: update %d is longer than the text", u.Version)
				}
				k := min(n, len(spans[i].units)-off)
				if keep {
					push(spans[i].units[off:off+k], spans[i].author)
				}
				n -= k
				off += k
				if off == len(spans[i].units) {
					i, off = i+1, 0
				}
			}
			return nil
		}
		for _, s := range sections {
			if err := take(s.Len, s.Kept); err != nil {
				return nil, err
			}
			if !s.Kept {
				push(s.Insert, u.AccountID)
			}
		}
		for ; i < len(spans); i, off = i+1, 0 {
			if len(spans[i].units[off:]) > 0 {
				return nil, fmt.Errorf("workspace: update %d is shorter than the text", u.Version)
			}
		}
		spans = out
	}
	result := make([]AuthoredSpan, 0, len(spans))
	for _, s := range spans {
		if len(s.units) > 0 {
			result = append(result, AuthoredSpan{Text: string(utf16.Decode(s.units)), AccountID: s.author})
		}
	}
	return result, nil
}

func sameAuthor(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
