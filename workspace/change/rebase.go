package change

// Update is one accepted or submitted change of a co-edited document: the
// changes and the client that made them, as the updates of @codemirror/collab
// (without effects, which Tawla does not share).
type Update struct {
	Changes  Set    `json:"changes"`
	ClientID string `json:"clientID"`
}

// Rebase prepares updates that a client submitted against an old version
// for the current one, exactly as rebaseUpdates(updates, over) from
// @codemirror/collab: over holds the updates accepted since that version, in
// order. Updates at the head of the submission that are already in over
// (same client, in order — a resend after a lost acknowledgement) are
// dropped; the others are mapped over the rest of over, so that the result
// applies to the current document, one after the other.
//
// When over or updates is empty, updates is returned as it is. Otherwise
// lengths are checked, where collab would silently produce garbage: over
// must be a chain (each update applies to the previous one's result) and
// the submission must start from the document over starts from; a mismatch
// is an error wrapping ErrLength.
func Rebase(updates, over []Update) ([]Update, error) {
	if len(over) == 0 || len(updates) == 0 {
		return updates, nil
	}
	// changes is the composition of the foreign updates in over, kept as
	// collab keeps it: whether it is still one of over's ChangeSets or a
	// ChangeDesc decides which shortcut mapDesc takes, and the shortcut
	// decides the exact sections.
	var changes Desc
	haveChanges, isSet := false, false
	skip := 0
	for _, update := range over {
		if skip < len(updates) && updates[skip].ClientID == update.ClientID {
			if haveChanges {
				var err error
				if changes, isSet, err = rebaseMapDesc(changes, isSet, updates[skip].Changes); err != nil {
					return nil, err
				}
			}
			skip++
			continue
		}
		if !haveChanges {
			changes, isSet, haveChanges = update.Changes.Desc(), true, true
			continue
		}
		// ChangeDesc.composeDesc, which ChangeSet inherits.
		if changes.NewLen() != update.Changes.Len() {
			return nil, errMismatch
		}
		switch {
		case changes.Empty():
			changes, isSet = update.Changes.Desc(), true
		case update.Changes.Empty():
		default:
			sections, _, err := composeSections(changes.sections, nil, update.Changes.sections, nil, false)
			if err != nil {
				return nil, err
			}
			changes, isSet = Desc{sections: sections}, false
		}
	}
	updates = updates[skip:]
	if !haveChanges {
		return updates, nil
	}
	out := make([]Update, 0, len(updates))
	for _, update := range updates {
		mapped, err := update.Changes.Map(changes, false)
		if err != nil {
			return nil, err
		}
		if changes, isSet, err = rebaseMapDesc(changes, isSet, update.Changes); err != nil {
			return nil, err
		}
		out = append(out, Update{Changes: mapped, ClientID: update.ClientID})
	}
	return out, nil
}

// rebaseMapDesc is changes.mapDesc(other, true) in collab: a ChangeSet maps
// even over an empty change (ChangeSet.mapDesc has no shortcut), a
// ChangeDesc returns itself.
func rebaseMapDesc(changes Desc, isSet bool, other Set) (Desc, bool, error) {
	if changes.Len() != other.Len() {
		return Desc{}, false, errMismatch
	}
	if !isSet && other.Empty() {
		return changes, false, nil
	}
	sections, _, err := mapSections(changes.sections, nil, other.sections, true, false)
	return Desc{sections: sections}, isSet, err
}

// RebaseEach rebases updates over the updates of over one at a time: its
// result, and its error, are those of Rebase(updates, over[i:i+1]) called
// for each i in turn, which is what a client computes when it receives
// over's updates one by one. It does less work than those calls: the
// mapped updates are kept in one slice rather than a new one per step, and
// the last submitted update is not mapped into the description the next
// submitted update would be mapped over, since there is none (only the
// length check that mapping makes is kept). A push of one update, the
// usual one when people type at once, is mapped over each update of over
// and nothing more.
func RebaseEach(updates, over []Update) ([]Update, error) {
	var owned bool // whether updates is our own copy, which we may rewrite
	for _, o := range over {
		if len(updates) == 0 {
			break
		}
		if updates[0].ClientID == o.ClientID {
			// Already accepted: a resend (Rebase's skip).
			updates = updates[1:]
			continue
		}
		if !owned {
			updates = append([]Update(nil), updates...)
			owned = true
		}
		changes, isSet := o.Changes.Desc(), true
		last := len(updates) - 1
		for j, u := range updates {
			mapped, err := u.Changes.Map(changes, false)
			if err != nil {
				return nil, err
			}
			if j < last {
				if changes, isSet, err = rebaseMapDesc(changes, isSet, u.Changes); err != nil {
					return nil, err
				}
			} else if changes.Len() != u.Changes.Len() {
				return nil, errMismatch
			}
			updates[j] = Update{Changes: mapped, ClientID: u.ClientID}
		}
	}
	return updates, nil
}
