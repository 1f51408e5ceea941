package server

import "tawla/workspace"

// editionStanding is where an edition stands on the day it is read (its
// entry's AsOf, the table's today), which its public page and its
// downloaded HTML file tell the reader above the text: a reader must never
// take for the text in force one that is not.
type editionStanding struct {
	// Older: a later edition of the same language is in force, InForce.
	Older bool
	// Future: the edition applies from a later day (its EffectiveOn);
	// until then InForce applies, or nothing when InForce is nil.
	Future bool
	// InForce is the edition in force in the same language, when it is
	// not the one shown.
	InForce *workspace.Publication
	// Next is, for the edition in force, the one published to follow it
	// from a later day.
	Next *workspace.Publication
	// Behind is, for the current edition of a translation, the original's
	// edition in force when it is newer than the one translated; BehindKey
	// the catalogue key that says so, by the original's language.
	Behind    *workspace.Publication
	BehindKey string
}

// standingOf returns where pub, an edition of entry, stands on entry.AsOf.
func standingOf(entry *workspace.RegisterEntry, pub *workspace.Publication) editionStanding {
	var st editionStanding
	st.Future = pub.EffectiveOn > entry.AsOf
	cur := entry.CurrentIn(pub.Language)
	switch {
	case cur == nil:
	case cur.ID != pub.ID && pub.Edition < cur.Edition:
		st.Older, st.InForce = true, cur
	case cur.ID != pub.ID:
		if cur.EffectiveOn <= entry.AsOf {
			st.InForce = cur
		}
	default:
		if next := entry.NextIn(pub.Language); next != nil && next.EffectiveOn > entry.AsOf {
			st.Next = next
		}
		if st.Behind = entry.TranslationBehind(pub); st.Behind != nil {
			st.BehindKey = "public.translation.behind_" + st.Behind.Language
		}
	}
	return st
}
