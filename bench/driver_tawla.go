package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"tawla/client"
	"tawla/demo"
	"tawla/workspace/change"
	"tawla/workspace/sqlite"
)

func init() { registerDriver(func() Driver { return &tawlaDriver{} }) }

// tawlaAuthors are demo accounts that may edit drafts (a member, the
// secretariat, the admin); authors are spread over them. tawlaReaders are
// stakeholders, who may read a draft but not edit it: readers use them.
// Many connections share an account, as one person's tabs do; each
// connection is its own peer in the document, and the server authorises
// each message of each connection on its own whatever the account. Few
// accounts, because each login costs a deliberately slow password hash
// (about 0.3 s here).
var (
	tawlaAuthors = []string{demo.MemberEmail, demo.SecretariatEmail, demo.AdminEmail}
	tawlaReaders = []string{demo.StakeholderEmail}
)

// errEmptyEdit is what SimEditor.Edit returns for an edit that would
// change nothing (once clamped to the current text): the edit is not made
// and its number is not used.
var errEmptyEdit = errors.New("bench: empty edit")

// tawlaDriver drives a `tawla serve` process through the Go client, the
// same code path as the browser's @codemirror/collab: one websocket and one
// client.Editor per simulated editor.
//
// Recognising edits: every author editor of a document gets the client ID
// "a<n>", n counting the document's author editors in the order they were
// opened. The server accepts one client's updates in order and the driver
// makes exactly one update per Edit call, so the k-th update from a client
// ID is its k-th edit, EditID{author, k}; the author index is recorded at
// the editor's first Edit (Open does not know it), before that edit is
// sent, so every receiver finds it. Acknowledgements name a push's sequence
// numbers, which are the same edit numbers.
type tawlaDriver struct {
	// synchronous is the server's durability (tawla serve -synchronous);
	// "" and "full" are the default.
	synchronous string

	proc    *Proc
	base    string
	authors []*client.Session // logged in once per server, shared by editors
	readers []*client.Session
	// counterHeaders are the GET /ws headers (cookie, Origin) of the
	// counting readers, one per reader account.
	counterHeaders []http.Header

	mu   sync.Mutex
	docs map[DocRef]*tawlaDoc
}

// tawlaDoc is the driver's bookkeeping for one document.
type tawlaDoc struct {
	id int64

	mu       sync.RWMutex
	opened   int     // author editors opened so far
	authorOf []int32 // by editor number n: the author index of its edits, -1 before the first
	readers  int     // reader editors opened so far
}

// Name is "tawla" under the default durability, and "tawla-normal" under
// -synchronous normal.
func (d *tawlaDriver) Name() string {
	if d.synchronous == "" || d.synchronous == string(sqlite.SynchronousFull) {
		return "tawla"
	}
	return "tawla-" + d.synchronous
}

func (d *tawlaDriver) Server() *Proc { return d.proc }

// Start fills a new database with the demo table, serves it, and logs in
// the accounts the editors use (once per server: logins are slow). It may
// be called again after Stop.
func (d *tawlaDriver) Start(ctx context.Context, env *Env) error {
	var extra []string
	if d.synchronous != "" {
		extra = []string{"-synchronous", d.synchronous}
	}
	p, err := StartTawla(ctx, env, "tawla-"+strconv.FormatInt(time.Now().UnixNano(), 36), extra...)
	if err != nil {
		return err
	}
	d.proc, d.base, d.docs = p, "http://"+p.Addr, map[DocRef]*tawlaDoc{}
	d.authors, d.readers, d.counterHeaders = nil, nil, nil
	for _, list := range []struct {
		emails []string
		into   *[]*client.Session
	}{{tawlaAuthors, &d.authors}, {tawlaReaders, &d.readers}} {
		for _, email := range list.emails {
			s, err := client.Login(ctx, d.base, email, demo.Password)
			if err != nil {
				d.Stop()
				return err
			}
			*list.into = append(*list.into, s)
		}
	}
	for _, email := range tawlaReaders {
		h, err := tawlaLoginHeader(ctx, d.base, email)
		if err != nil {
			d.Stop()
			return err
		}
		d.counterHeaders = append(d.counterHeaders, h)
	}
	// A login's password hash takes 64 MiB, which the Go runtime keeps
	// for minutes: start the server again (same database, so the sessions
	// hold) so that its memory figures are the co-editing's own.
	if err := d.proc.Restart(ctx, env); err != nil {
		d.Stop()
		return err
	}
	return nil
}

// Stop stops the server.
func (d *tawlaDriver) Stop() {
	if d.proc != nil {
		d.proc.Stop()
		d.proc = nil
	}
}

// CreateDoc creates a procedure whose draft holds text exactly, at version
// 0, in the server's database (CreateTawlaDocument).
func (d *tawlaDriver) CreateDoc(ctx context.Context, text string) (DocRef, error) {
	title := "Benchmark " + strconv.FormatInt(time.Now().UnixNano(), 36)
	id, err := CreateTawlaDocument(ctx, d.proc, title, text)
	if err != nil {
		return "", err
	}
	ref := DocRef(strconv.FormatInt(id, 10))
	d.mu.Lock()
	d.docs[ref] = &tawlaDoc{id: id}
	d.mu.Unlock()
	return ref, nil
}

// Open connects one editor. Authors are spread over the demo's editing
// accounts, readers over its stakeholders; a Counter is a counting reader
// (driver_tawla_count.go).
func (d *tawlaDriver) Open(ctx context.Context, ref DocRef, role Role, h Handlers) (SimEditor, error) {
	d.mu.Lock()
	doc := d.docs[ref]
	d.mu.Unlock()
	if doc == nil {
		return nil, fmt.Errorf("tawla: unknown document %q", ref)
	}
	if role == Counter {
		return d.openCounter(ctx, doc, h)
	}
	reader := role != Author
	e := &tawlaEditor{doc: doc, h: h, n: -1}
	e.author.Store(-1)
	var sess *client.Session
	var clientID string
	doc.mu.Lock()
	if reader {
		sess = d.readers[doc.readers%len(d.readers)]
		doc.readers++
		clientID = "r" + strconv.Itoa(doc.readers)
	} else {
		e.n = doc.opened
		doc.opened++
		doc.authorOf = append(doc.authorOf, -1)
		sess = d.authors[e.n%len(d.authors)]
		clientID = "a" + strconv.Itoa(e.n)
	}
	doc.mu.Unlock()
	conn, err := sess.DialWith(ctx, stampedDialer(func(c *stampedConn) { e.conn = c }))
	if err != nil {
		return nil, err
	}
	opts := client.Options{ClientID: clientID, OnUpdate: e.onUpdate, OnError: e.onError}
	if !reader {
		opts.OnPushed = e.onPushed
	}
	ed, err := client.Open(ctx, conn, doc.id, opts)
	if err != nil {
		return nil, err
	}
	e.ed = ed
	if !reader {
		e.conn.reportWrites(&e.author, h.Wrote)
	}
	if h.Synced != nil {
		h.Synced(time.Now())
	}
	return e, nil
}

// tawlaEditor is one client.Editor as a SimEditor.
type tawlaEditor struct {
	doc  *tawlaDoc
	ed   *client.Editor
	conn *stampedConn // its socket, timed by the kernel
	h    Handlers
	n    int // editor number among the document's authors; -1 for readers

	// author is the author index of its edits, -1 before the first; set
	// by Edit, read by the receiving goroutine for acknowledgements.
	author atomic.Int32
	edits  int // edits made so far, used by the goroutine that calls Edit

	// Used by the Editor's receiving goroutine: updates received so far
	// from each author editor, by editor number.
	received []int32
}

// Edit deletes del units at pos and inserts ins, as one update. The range
// is clamped to the text as it is when the edit applies: others' updates
// may have shortened it since the caller measured it. An edit that is
// empty once clamped is not made (errEmptyEdit).
func (e *tawlaEditor) Edit(id EditID, pos, del int, ins string) error {
	if e.n < 0 {
		return errors.New("tawla: a reader does not edit")
	}
	if id.N != e.edits+1 {
		return fmt.Errorf("tawla: edit %d of author %d comes after edit %d: edits are numbered 1, 2, 3…", id.N, id.Author, e.edits)
	}
	if author := e.author.Load(); author < 0 {
		e.doc.mu.Lock()
		e.doc.authorOf[e.n] = int32(id.Author)
		e.doc.mu.Unlock()
		e.author.Store(int32(id.Author))
	} else if id.Author != int(author) {
		return fmt.Errorf("tawla: editor of author %d given an edit of author %d", author, id.Author)
	}
	empty := false
	err := e.ed.Edit(func(t change.Text) []change.Spec {
		n := t.Len()
		pos = min(max(pos, 0), n)
		del = min(max(del, 0), n-pos)
		if del == 0 && ins == "" {
			empty = true
			return nil
		}
		return []change.Spec{{From: pos, To: pos + del, Insert: ins}}
	})
	if err != nil {
		return err
	}
	if empty {
		return errEmptyEdit
	}
	e.edits++
	return nil
}

func (e *tawlaEditor) Len() int     { return e.ed.Len() }
func (e *tawlaEditor) Text() string { return e.ed.Text() }
func (e *tawlaEditor) Close() error { return e.ed.Close() }

// onUpdate turns an accepted update of another author editor into an
// arrival: the k-th update from client ID "a<n>" is that editor's k-th edit.
// It runs on the Editor's reading goroutine, just after the read that
// completed the message: the arrival is timed by that read's kernel stamp.
func (e *tawlaEditor) onUpdate(u client.UpdateInfo) {
	if u.Own || e.h.Arrived == nil || len(u.ClientID) < 2 || u.ClientID[0] != 'a' {
		return
	}
	n, err := strconv.Atoi(u.ClientID[1:])
	if err != nil || n < 0 {
		return
	}
	for len(e.received) <= n {
		e.received = append(e.received, 0)
	}
	e.received[n]++
	e.doc.mu.RLock()
	author := int32(-1)
	if n < len(e.doc.authorOf) {
		author = e.doc.authorOf[n]
	}
	e.doc.mu.RUnlock()
	if author >= 0 {
		e.h.Arrived(EditID{Author: int(author), N: int(e.received[n])}, e.conn.Stamp())
	}
}

// onPushed acknowledges every edit of the push: its sequence numbers are
// the edits' numbers. Like onUpdate, it is timed by the kernel's stamp.
func (e *tawlaEditor) onPushed(p client.PushInfo) {
	author := int(e.author.Load())
	if e.h.Acked == nil || author < 0 {
		return
	}
	at := e.conn.Stamp()
	for seq := p.FirstSeq; seq <= p.LastSeq; seq++ {
		e.h.Acked(EditID{Author: author, N: int(seq)}, at)
	}
}

func (e *tawlaEditor) onError(err error) {
	if e.h.Failed != nil && !errors.Is(err, client.ErrClosed) {
		e.h.Failed(err)
	}
}
