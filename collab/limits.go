package collab

// Limits bounds what one client may ask of the co-editing authority.
type Limits struct {
	// MaxDocumentUnits is the largest document, in UTF-16 code units.
	MaxDocumentUnits int
	// MaxUpdatesPerPush bounds the updates of one push.
	MaxUpdatesPerPush int
	// HistoryKeep is how many accepted updates a room keeps for rebasing;
	// a push based on an older version is refused with ECONFLICT.
	HistoryKeep int
	// SnapshotEvery is how many updates may pile up after the latest
	// snapshot before the room writes a new one.
	SnapshotEvery int
}

// DefaultLimits are the limits docs/protocol.md states.
var DefaultLimits = Limits{
	MaxDocumentUnits:  1 << 20,
	MaxUpdatesPerPush: 1000,
	HistoryKeep:       10_000,
	SnapshotEvery:     1000,
}

// withDefaults returns l with its zero fields taken from
// DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxDocumentUnits > 0 {
		d.MaxDocumentUnits = l.MaxDocumentUnits
	}
	if l.MaxUpdatesPerPush > 0 {
		d.MaxUpdatesPerPush = l.MaxUpdatesPerPush
	}
	if l.HistoryKeep > 0 {
		d.HistoryKeep = l.HistoryKeep
	}
	if l.SnapshotEvery > 0 {
		d.SnapshotEvery = l.SnapshotEvery
	}
	return d
}
