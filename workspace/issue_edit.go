package workspace

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
)

// IssueEditBase names the state of what an issue's form edits — its
// details and its private fields — as the form was filled from. The form
// sends it back, and the store refuses the save when the issue no longer
// has that state: someone else saved it meanwhile, and saving over it
// would silently undo their change. Comments and status changes, which the
// form does not edit, do not change it. It is a digest, so that the page
// carries no private field in another form.
//
// p is nil for an editor who may not see the private fields
// (CanSeeIssuePrivate): their form neither shows nor sends them, and their
// save keeps the stored ones, so the state is that of the details alone —
// a digest over personal details they may not read would let them test
// guesses against it, and a change to those details, which their save
// keeps, is no conflict with it.
func IssueEditBase(i *Issue, p *IssuePrivate) string {
	h := sha256.New()
	field := func(s string) {
		// Each field with its length, so that no two states write the
		// same bytes.
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	field(i.Title)
	field(i.Description)
	field(strconv.FormatInt(i.CategoryID, 10))
	field(string(i.Priority))
	field(i.DueDate)
	delegations := slices.Clone(i.Delegations)
	slices.Sort(delegations)
	field(strings.Join(delegations, ","))
	if p != nil {
		field(p.PersonName)
		field(p.PersonContact)
		field(p.Details)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
