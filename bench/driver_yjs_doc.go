package main

import (
	"errors"
	"fmt"
	"sort"
	"unicode/utf16"
)

// This file is a focused Go port of the parts of Yjs (the npm package
// yjs 13, as pinned in bench/peers) that a client of one shared Y.Text
// needs: the struct store, YATA integration (Item.integrate, conflict
// resolution included), splitting, local insert and delete as Y.Text does
// them, and the v1 update and state-vector encodings (lib0 varints). No Go
// port of Yjs is served by the module proxy, and a Node process per editor
// would put JavaScript on the load core; this keeps the load generator in
// Go for every server. TestYDocMatchesYjs checks it against the npm
// package in both directions.
//
// Left out, because one Y.Text of plain text never needs them: other
// shared types, formatting attributes and embeds (content refs other than
// ContentString and ContentDeleted), sub-documents, undo, the V2 encoding,
// search markers (a speed-up only) and the merging of adjacent items (a
// memory saving only: items split more here than in Yjs, which changes no
// result and no update). Updates whose dependencies are missing are
// refused instead of held back: through one y-websocket server they always
// arrive in causal order.

// yID identifies a struct: the client that made it and its clock.
type yID struct {
	client uint64
	clock  int
}

// yItem is a struct of the store: an Item of the text, or a GC struct.
type yItem struct {
	id          yID
	length      int
	origin      yID
	rightOrigin yID
	hasOrigin   bool
	hasRight    bool
	left, right *yItem
	deleted     bool
	gc          bool     // a GC struct: holds clocks, not in the text
	text        []uint16 // ContentString; nil for ContentDeleted
}

func (it *yItem) lastID() yID { return yID{it.id.client, it.id.clock + it.length - 1} }

// countable is true for ContentString, whose length counts in the text.
func (it *yItem) countable() bool { return it.text != nil }

// yDoc is a Y.Doc holding one Y.Text. It is not safe for concurrent use.
type yDoc struct {
	clientID uint64
	clients  map[uint64][]*yItem // each client's structs, by clock
	start    *yItem              // the text's first item
	length   int                 // of the text, in UTF-16 units
}

func newYDoc(clientID uint64) *yDoc {
	return &yDoc{clientID: clientID, clients: map[uint64][]*yItem{}}
}

// state is the next clock expected from client.
func (d *yDoc) state(client uint64) int {
	s := d.clients[client]
	if len(s) == 0 {
		return 0
	}
	last := s[len(s)-1]
	return last.id.clock + last.length
}

// findIndex is findIndexSS: the index of the struct holding clock.
func findIndex(structs []*yItem, clock int) (int, error) {
	i := sort.Search(len(structs), func(i int) bool { return structs[i].id.clock+structs[i].length > clock })
	if i == len(structs) || structs[i].id.clock > clock {
		return 0, fmt.Errorf("yjs: no struct holds clock %d", clock)
	}
	return i, nil
}

func (d *yDoc) getItem(id yID) (*yItem, error) {
	s := d.clients[id.client]
	i, err := findIndex(s, id.clock)
	if err != nil {
		return nil, fmt.Errorf("%w of client %d", err, id.client)
	}
	return s[i], nil
}

// cleanStart is getItemCleanStart: the struct starting at id, split off
// when id falls inside one.
func (d *yDoc) cleanStart(id yID) (*yItem, error) {
	s := d.clients[id.client]
	i, err := findIndex(s, id.clock)
	if err != nil {
		return nil, fmt.Errorf("%w of client %d", err, id.client)
	}
	it := s[i]
	if it.id.clock < id.clock && !it.gc {
		right := d.split(it, id.clock-it.id.clock)
		d.insertStruct(id.client, i+1, right)
		return right, nil
	}
	return it, nil
}

// cleanEnd is getItemCleanEnd: the struct ending at id, split when id
// falls inside one.
func (d *yDoc) cleanEnd(id yID) (*yItem, error) {
	s := d.clients[id.client]
	i, err := findIndex(s, id.clock)
	if err != nil {
		return nil, fmt.Errorf("%w of client %d", err, id.client)
	}
	it := s[i]
	if id.clock != it.id.clock+it.length-1 && !it.gc {
		d.insertStruct(id.client, i+1, d.split(it, id.clock-it.id.clock+1))
	}
	return it, nil
}

func (d *yDoc) insertStruct(client uint64, i int, it *yItem) {
	s := append(d.clients[client], nil)
	copy(s[i+1:], s[i:])
	s[i] = it
	d.clients[client] = s
}

// split is splitItem: left keeps its first diff units, the returned item
// the rest.
func (d *yDoc) split(left *yItem, diff int) *yItem {
	right := &yItem{
		id:          yID{left.id.client, left.id.clock + diff},
		length:      left.length - diff,
		origin:      yID{left.id.client, left.id.clock + diff - 1},
		hasOrigin:   true,
		rightOrigin: left.rightOrigin,
		hasRight:    left.hasRight,
		left:        left,
		right:       left.right,
		deleted:     left.deleted,
	}
	if left.text != nil {
		left.text, right.text = spliceUTF16(left.text, diff)
	}
	left.right = right
	if right.right != nil {
		right.right.left = right
	}
	left.length = diff
	return right
}

// spliceUTF16 is ContentString.splice: a surrogate pair cut in two becomes
// two U+FFFD, as in Yjs.
func spliceUTF16(s []uint16, at int) (left, right []uint16) {
	left = append([]uint16(nil), s[:at]...)
	right = append([]uint16(nil), s[at:]...)
	if at > 0 && s[at-1] >= 0xD800 && s[at-1] <= 0xDBFF {
		left[at-1] = 0xFFFD
		right[0] = 0xFFFD
	}
	return left, right
}

func sameID(a yID, hasA bool, b yID, hasB bool) bool {
	return hasA == hasB && (!hasA || a == b)
}

// integrate is Item.integrate for the root text: it places it in the text
// (YATA, with Yjs's conflict resolution) and adds it to the store. offset
// skips the first units of an item the doc already partly holds.
func (d *yDoc) integrate(it *yItem, offset int) error {
	if offset > 0 {
		it.id.clock += offset
		left, err := d.cleanEnd(yID{it.id.client, it.id.clock - 1})
		if err != nil {
			return err
		}
		it.left = left
		it.origin, it.hasOrigin = left.lastID(), true
		if it.text != nil {
			_, it.text = spliceUTF16(it.text, offset)
		}
		it.length -= offset
	}
	if (it.left != nil && it.left.gc) || (it.right != nil && it.right.gc) {
		// Its neighbours are garbage collected: so is it (getMissing).
		return d.addStruct(&yItem{id: it.id, length: it.length, gc: true, deleted: true})
	}
	if (it.left == nil && (it.right == nil || it.right.left != nil)) || (it.left != nil && it.left.right != it.right) {
		left := it.left
		var o *yItem
		if left != nil {
			o = left.right
		} else {
			o = d.start
		}
		// Let c in conflicting, b in before:
		// ***{origin}bbbb{this}{c,b}{c,b}{o}***
		var conflicting, before map[*yItem]bool
		if o != nil && o != it.right {
			conflicting, before = map[*yItem]bool{}, map[*yItem]bool{}
		}
		for o != nil && o != it.right {
			before[o] = true
			conflicting[o] = true
			if sameID(it.origin, it.hasOrigin, o.origin, o.hasOrigin) {
				if o.id.client < it.id.client {
					left = o
					clear(conflicting)
				} else if sameID(it.rightOrigin, it.hasRight, o.rightOrigin, o.hasRight) {
					// Same integration points: the client id decides, and
					// it is on the left of o.
					break
				}
			} else if o.hasOrigin {
				oo, err := d.getItem(o.origin)
				if err != nil {
					return err
				}
				if !before[oo] {
					break
				}
				if !conflicting[oo] {
					left = o
					clear(conflicting)
				}
			} else {
				break
			}
			o = o.right
		}
		it.left = left
	}
	if it.left != nil {
		it.right = it.left.right
		it.left.right = it
	} else {
		it.right = d.start
		d.start = it
	}
	if it.right != nil {
		it.right.left = it
	}
	if it.countable() && !it.deleted {
		d.length += it.length
	}
	if err := d.addStruct(it); err != nil {
		return err
	}
	if it.text == nil {
		it.deleted = true // ContentDeleted.integrate
	}
	return nil
}

func (d *yDoc) addStruct(it *yItem) error {
	if st := d.state(it.id.client); st != it.id.clock {
		return fmt.Errorf("yjs: struct %d:%d added at state %d", it.id.client, it.id.clock, st)
	}
	d.clients[it.id.client] = append(d.clients[it.id.client], it)
	return nil
}

// yRange is a range of clocks of one client, as in a delete set.
type yRange struct {
	client uint64
	clock  int
	length int
}

// deleteItem is Item.delete: it marks it deleted and records the range.
func (d *yDoc) deleteItem(it *yItem, ds *[]yRange) {
	if it.deleted {
		return
	}
	if it.countable() {
		d.length -= it.length
	}
	it.deleted = true
	*ds = append(*ds, yRange{it.id.client, it.id.clock, it.length})
}

// findPosition is Y.Text's findPosition without search markers: the items
// around the UTF-16 index, the item at the index split off.
func (d *yDoc) findPosition(index int) (left, right *yItem, err error) {
	right = d.start
	count := index
	for right != nil && count > 0 {
		if !right.deleted {
			if count < right.length {
				if _, err := d.cleanStart(yID{right.id.client, right.id.clock + count}); err != nil {
					return nil, nil, err
				}
			}
			count -= right.length
		}
		left, right = right, right.right
	}
	if count > 0 {
		return nil, nil, fmt.Errorf("yjs: position %d is past the end of the text (%d)", index, d.length)
	}
	return left, right, nil
}

// splitsPair reports whether the UTF-16 position falls inside a surrogate
// pair of the text.
func (d *yDoc) splitsPair(pos int) bool {
	if pos <= 0 || pos >= d.length {
		return false
	}
	at := pos - 1 // the unit before pos
	for it := d.start; it != nil; it = it.right {
		if it.deleted || it.text == nil {
			continue
		}
		if at < it.length {
			return utf16.IsSurrogate(rune(it.text[at])) && it.text[at] < 0xDC00
		}
		at -= it.length
	}
	return false
}

// localEdit is what Y.Text's delete(pos, del) then insert(pos, ins) do in
// one transaction; it returns the transaction's update (v1), or nil when
// nothing changed. The inserted item's ID is returned when there is one.
func (d *yDoc) localEdit(pos, del int, ins string) (update []byte, item *yItem, ds []yRange, err error) {
	if pos < 0 || del < 0 || pos+del > d.length {
		return nil, nil, nil, fmt.Errorf("yjs: edit [%d, %d) outside the text (%d)", pos, pos+del, d.length)
	}
	before := d.state(d.clientID)
	if del > 0 {
		// deleteText
		_, right, err := d.findPosition(pos)
		if err != nil {
			return nil, nil, nil, err
		}
		n := del
		for n > 0 && right != nil {
			if !right.deleted {
				if n < right.length {
					if _, err := d.cleanStart(yID{right.id.client, right.id.clock + n}); err != nil {
						return nil, nil, nil, err
					}
				}
				n -= right.length
				d.deleteItem(right, &ds)
			}
			right = right.right
		}
	}
	if ins != "" {
		left, right, err := d.findPosition(pos)
		if err != nil {
			return nil, nil, nil, err
		}
		// minimizeAttributeChanges: the insert goes after deleted items.
		for right != nil && right.deleted {
			left, right = right, right.right
		}
		text := utf16.Encode([]rune(ins))
		item = &yItem{id: yID{d.clientID, before}, length: len(text), left: left, right: right, text: text}
		if left != nil {
			item.origin, item.hasOrigin = left.lastID(), true
		}
		if right != nil {
			item.rightOrigin, item.hasRight = right.id, true
		}
		if err := d.integrate(item, 0); err != nil {
			return nil, nil, nil, err
		}
	}
	if item == nil && len(ds) == 0 {
		return nil, nil, nil, nil
	}
	var enc yEncoder
	if item != nil {
		enc.uint(1) // one client
		enc.uint(1) // one struct
		enc.uint(d.clientID)
		enc.uint(uint64(item.id.clock))
		enc.item(item, 0)
	} else {
		enc.uint(0)
	}
	ds = mergeRanges(ds)
	enc.deleteSet(ds)
	return enc.b, item, ds, nil
}

// mergeRanges is sortAndMergeDeleteSet.
func mergeRanges(ds []yRange) []yRange {
	sort.Slice(ds, func(i, j int) bool {
		if ds[i].client != ds[j].client {
			return ds[i].client > ds[j].client
		}
		return ds[i].clock < ds[j].clock
	})
	var out []yRange
	for _, r := range ds {
		if n := len(out); n > 0 && out[n-1].client == r.client && out[n-1].clock+out[n-1].length >= r.clock {
			if end := r.clock + r.length; end > out[n-1].clock+out[n-1].length {
				out[n-1].length = end - out[n-1].clock
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

// String returns the text.
func (d *yDoc) String() string {
	var units []uint16
	for it := d.start; it != nil; it = it.right {
		if !it.deleted && it.text != nil {
			units = append(units, it.text...)
		}
	}
	return string(utf16.Decode(units))
}

// yUpdateInfo is what an applied update held: the first clock of each
// client's structs, and its delete set. The driver recognises edits by
// them.
type yUpdateInfo struct {
	structs []yID
	deletes []yRange
}

// yStructRef is a struct read from an update, not yet integrated.
type yStructRef struct {
	item *yItem
	skip bool
}

// applyUpdate is Y.applyUpdate (v1) for updates that arrive in causal
// order: the structs the doc lacks are integrated, then the delete set
// applied.
func (d *yDoc) applyUpdate(update []byte) (yUpdateInfo, error) {
	var info yUpdateInfo
	dec := yDecoder{b: update}
	groups := make([][]yStructRef, dec.uint())
	for g := range groups {
		n := dec.uint()
		client := dec.uint()
		clock := int(dec.uint())
		if dec.err != nil {
			break
		}
		info.structs = append(info.structs, yID{client, clock})
		refs := make([]yStructRef, 0, min(n, uint64(len(update))))
		for range n {
			ref := dec.structRef(client, clock)
			if dec.err != nil {
				break
			}
			refs = append(refs, ref)
			clock += ref.item.length
		}
		groups[g] = refs
	}
	info.deletes = dec.deleteSet()
	if dec.err != nil {
		return info, fmt.Errorf("yjs: reading update: %w", dec.err)
	}
	// Integrate struct by struct; a struct whose origins belong to a group
	// not yet done waits for the next round.
	for {
		progress, left := false, 0
		for g, refs := range groups {
			for len(refs) > 0 {
				ok, err := d.tryIntegrate(refs[0])
				if err != nil {
					return info, err
				}
				if !ok {
					break
				}
				refs = refs[1:]
				progress = true
			}
			groups[g] = refs
			left += len(refs)
		}
		if left == 0 {
			break
		}
		if !progress {
			return info, errors.New("yjs: update depends on structs this doc lacks (out of causal order)")
		}
	}
	var ds []yRange
	for _, r := range info.deletes {
		if err := d.deleteRange(r, &ds); err != nil {
			return info, err
		}
	}
	return info, nil
}

// tryIntegrate integrates one struct read from an update if the doc has
// what it depends on, skipping what the doc already holds.
func (d *yDoc) tryIntegrate(ref yStructRef) (bool, error) {
	it := ref.item
	if ref.skip {
		return true, nil
	}
	offset := d.state(it.id.client) - it.id.clock
	if offset < 0 {
		return false, nil
	}
	if it.gc {
		if offset >= it.length {
			return true, nil
		}
		it.id.clock += offset
		it.length -= offset
		return true, d.addStruct(it)
	}
	// getMissing
	if it.hasOrigin && it.origin.client != it.id.client && it.origin.clock >= d.state(it.origin.client) {
		return false, nil
	}
	if it.hasRight && it.rightOrigin.client != it.id.client && it.rightOrigin.clock >= d.state(it.rightOrigin.client) {
		return false, nil
	}
	if offset >= it.length {
		return true, nil
	}
	if it.hasOrigin {
		left, err := d.cleanEnd(it.origin)
		if err != nil {
			return false, err
		}
		it.left = left
		it.origin = left.lastID()
	}
	if it.hasRight {
		right, err := d.cleanStart(it.rightOrigin)
		if err != nil {
			return false, err
		}
		it.right = right
		it.rightOrigin = right.id
	}
	return true, d.integrate(it, offset)
}

// deleteRange deletes the items of a delete-set range the doc holds.
func (d *yDoc) deleteRange(r yRange, ds *[]yRange) error {
	structs := d.clients[r.client]
	end := min(r.clock+r.length, d.state(r.client))
	if r.clock >= end {
		return nil
	}
	i, err := findIndex(structs, r.clock)
	if err != nil {
		return err
	}
	if it := structs[i]; !it.deleted && it.id.clock < r.clock {
		if _, err := d.cleanStart(yID{r.client, r.clock}); err != nil {
			return err
		}
		i++
	}
	for ; i < len(d.clients[r.client]); i++ {
		it := d.clients[r.client][i]
		if it.id.clock >= end {
			break
		}
		if !it.deleted {
			if end < it.id.clock+it.length {
				if _, err := d.cleanStart(yID{r.client, end}); err != nil {
					return err
				}
			}
			d.deleteItem(it, ds)
		}
	}
	return nil
}

// stateVector is encodeStateVector.
func (d *yDoc) stateVector() []byte {
	clients := d.sortedClients()
	var enc yEncoder
	enc.uint(uint64(len(clients)))
	for _, c := range clients {
		enc.uint(c)
		enc.uint(uint64(d.state(c)))
	}
	return enc.b
}

func (d *yDoc) sortedClients() []uint64 {
	clients := make([]uint64, 0, len(d.clients))
	for c := range d.clients {
		clients = append(clients, c)
	}
	sort.Slice(clients, func(i, j int) bool { return clients[i] > clients[j] })
	return clients
}

// diffUpdate is encodeStateAsUpdate(doc, sv): the structs sv lacks and the
// doc's whole delete set.
func (d *yDoc) diffUpdate(sv []byte) ([]byte, error) {
	dec := yDecoder{b: sv}
	have := map[uint64]int{}
	for range dec.uint() {
		c := dec.uint()
		have[c] = int(dec.uint())
	}
	if dec.err != nil {
		return nil, fmt.Errorf("yjs: reading state vector: %w", dec.err)
	}
	var enc yEncoder
	var clients []uint64
	for _, c := range d.sortedClients() {
		if d.state(c) > have[c] {
			clients = append(clients, c)
		}
	}
	enc.uint(uint64(len(clients)))
	for _, c := range clients {
		structs := d.clients[c]
		clock := max(have[c], structs[0].id.clock)
		i, err := findIndex(structs, clock)
		if err != nil {
			return nil, err
		}
		enc.uint(uint64(len(structs) - i))
		enc.uint(c)
		enc.uint(uint64(clock))
		enc.item(structs[i], clock-structs[i].id.clock)
		for _, it := range structs[i+1:] {
			enc.item(it, 0)
		}
	}
	var ds []yRange
	for _, c := range d.sortedClients() {
		for _, it := range d.clients[c] {
			if it.deleted {
				ds = append(ds, yRange{c, it.id.clock, it.length})
			}
		}
	}
	enc.deleteSet(mergeRanges(ds))
	return enc.b, nil
}

// Yjs v1 encoding, on lib0's varints.

const (
	yInfoOrigin    = 0x80
	yInfoRight     = 0x40
	yInfoParentSub = 0x20
	yRefGC         = 0
	yRefDeleted    = 1
	yRefString     = 4
	yRefSkip       = 10
	yTextName      = "text" // the Y.Text every editor shares: doc.getText("text")
)

type yEncoder struct{ b []byte }

// uint is lib0's writeVarUint.
func (e *yEncoder) uint(v uint64) {
	for v > 0x7f {
		e.b = append(e.b, byte(v)|0x80)
		v >>= 7
	}
	e.b = append(e.b, byte(v))
}

// bytes is writeVarUint8Array.
func (e *yEncoder) bytes(b []byte) {
	e.uint(uint64(len(b)))
	e.b = append(e.b, b...)
}

// string is writeVarString: UTF-8 with its byte length.
func (e *yEncoder) string(s string) { e.bytes([]byte(s)) }

// item is Item.write (or GC.write) from offset.
func (e *yEncoder) item(it *yItem, offset int) {
	if it.gc {
		e.b = append(e.b, yRefGC)
		e.uint(uint64(it.length - offset))
		return
	}
	origin, hasOrigin := it.origin, it.hasOrigin
	if offset > 0 {
		origin, hasOrigin = yID{it.id.client, it.id.clock + offset - 1}, true
	}
	info := byte(yRefString)
	if it.text == nil {
		info = yRefDeleted
	}
	if hasOrigin {
		info |= yInfoOrigin
	}
	if it.hasRight {
		info |= yInfoRight
	}
	e.b = append(e.b, info)
	if hasOrigin {
		e.uint(origin.client)
		e.uint(uint64(origin.clock))
	}
	if it.hasRight {
		e.uint(it.rightOrigin.client)
		e.uint(uint64(it.rightOrigin.clock))
	}
	if !hasOrigin && !it.hasRight {
		e.uint(1) // parent named by its key in doc.share
		e.string(yTextName)
	}
	if it.text == nil {
		e.uint(uint64(it.length - offset))
	} else {
		e.string(string(utf16.Decode(it.text[offset:])))
	}
}

// deleteSet is writeDeleteSet for ranges sorted by mergeRanges.
func (e *yEncoder) deleteSet(ds []yRange) {
	var clients []uint64
	for i, r := range ds {
		if i == 0 || ds[i-1].client != r.client {
			clients = append(clients, r.client)
		}
	}
	e.uint(uint64(len(clients)))
	for i := 0; i < len(ds); {
		j := i
		for j < len(ds) && ds[j].client == ds[i].client {
			j++
		}
		e.uint(ds[i].client)
		e.uint(uint64(j - i))
		for _, r := range ds[i:j] {
			e.uint(uint64(r.clock))
			e.uint(uint64(r.length))
		}
		i = j
	}
}

// yDecoder reads lib0 encodings; the first error sticks.
type yDecoder struct {
	b   []byte
	err error
}

var errYShort = errors.New("unexpected end of data")

// uint is readVarUint (up to 53 bits, like JavaScript numbers).
func (d *yDecoder) uint() uint64 {
	var v uint64
	for shift := 0; ; shift += 7 {
		if d.err != nil {
			return 0
		}
		if len(d.b) == 0 {
			d.err = errYShort
			return 0
		}
		c := d.b[0]
		d.b = d.b[1:]
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
		if shift > 53 {
			d.err = errors.New("varint too long")
			return 0
		}
	}
}

func (d *yDecoder) byte() byte {
	if d.err == nil && len(d.b) == 0 {
		d.err = errYShort
	}
	if d.err != nil {
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

// bytes is readVarUint8Array.
func (d *yDecoder) bytes() []byte {
	n := d.uint()
	if d.err == nil && uint64(len(d.b)) < n {
		d.err = errYShort
	}
	if d.err != nil {
		return nil
	}
	b := d.b[:n]
	d.b = d.b[n:]
	return b
}

func (d *yDecoder) id() yID {
	c := d.uint()
	return yID{c, int(d.uint())}
}

// structRef reads one struct of client at clock (readClientsStructRefs).
func (d *yDecoder) structRef(client uint64, clock int) yStructRef {
	info := d.byte()
	it := &yItem{id: yID{client, clock}}
	switch info & 0x1f {
	case yRefGC:
		it.gc, it.deleted = true, true
		it.length = int(d.uint())
		return yStructRef{item: it}
	case yRefSkip:
		it.length = int(d.uint())
		return yStructRef{item: it, skip: true}
	}
	if info&yInfoOrigin != 0 {
		it.origin, it.hasOrigin = d.id(), true
	}
	if info&yInfoRight != 0 {
		it.rightOrigin, it.hasRight = d.id(), true
	}
	if !it.hasOrigin && !it.hasRight {
		// The parent: by key for a root type, else by the parent item's ID.
		if d.uint() == 1 {
			d.bytes()
		} else {
			d.id()
		}
		if info&yInfoParentSub != 0 {
			d.bytes()
		}
	}
	switch info & 0x1f {
	case yRefDeleted:
		it.length = int(d.uint())
	case yRefString:
		it.text = utf16.Encode([]rune(string(d.bytes())))
		it.length = len(it.text)
	default:
		if d.err == nil {
			d.err = fmt.Errorf("content ref %d is not plain text", info&0x1f)
		}
	}
	if d.err == nil && it.length <= 0 {
		d.err = errors.New("empty struct")
	}
	return yStructRef{item: it}
}

// deleteSet is readDeleteSet.
func (d *yDecoder) deleteSet() []yRange {
	var ds []yRange
	for range d.uint() {
		client := d.uint()
		for range d.uint() {
			clock := d.uint()
			length := d.uint()
			if d.err != nil {
				return nil
			}
			ds = append(ds, yRange{client, int(clock), int(length)})
		}
	}
	return ds
}

// scanUpdate reads what applyUpdate reports of an update (the first ID of
// each client's structs, and the delete set) without integrating anything
// nor building the structs: the parse-only path of the counting readers.
// info's slices are reused.
func scanUpdate(update []byte, info *yUpdateInfo) error {
	info.structs, info.deletes = info.structs[:0], info.deletes[:0]
	dec := yDecoder{b: update}
	for range dec.uint() {
		n := dec.uint()
		client := dec.uint()
		clock := int(dec.uint())
		if dec.err != nil {
			break
		}
		info.structs = append(info.structs, yID{client, clock})
		for range n {
			dec.skipStruct()
			if dec.err != nil {
				break
			}
		}
	}
	for range dec.uint() {
		client := dec.uint()
		for range dec.uint() {
			clock := dec.uint()
			length := dec.uint()
			if dec.err != nil {
				break
			}
			info.deletes = append(info.deletes, yRange{client, int(clock), int(length)})
		}
	}
	if dec.err != nil {
		return fmt.Errorf("yjs: reading update: %w", dec.err)
	}
	return nil
}

// skipStruct reads past one struct, as structRef reads it.
func (d *yDecoder) skipStruct() {
	info := d.byte()
	switch info & 0x1f {
	case yRefGC, yRefSkip:
		d.uint()
		return
	}
	if info&yInfoOrigin != 0 {
		d.id()
	}
	if info&yInfoRight != 0 {
		d.id()
	}
	if info&(yInfoOrigin|yInfoRight) == 0 {
		if d.uint() == 1 {
			d.bytes()
		} else {
			d.id()
		}
		if info&yInfoParentSub != 0 {
			d.bytes()
		}
	}
	switch info & 0x1f {
	case yRefDeleted:
		d.uint()
	case yRefString:
		d.bytes()
	default:
		if d.err == nil {
			d.err = fmt.Errorf("content ref %d is not plain text", info&0x1f)
		}
	}
}
