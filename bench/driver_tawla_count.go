package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tawla/demo"
)

// Tawla's counting readers. They log in as the stakeholder readers do (a
// login of their own, since client.Session keeps its cookie to itself),
// open GET /ws with the session cookie and the site as Origin, and send the
// same doc.join a client.Editor sends; once doc.state has come, the
// connection goes to the event loop. There, a doc.updates message is
// recognised by its opening bytes, and each update's clientID is picked
// out by the key "clientID": with its quotes, which cannot occur inside a
// JSON string value (quotes are escaped there): the k-th update from
// client ID "a<n>" is author editor n's k-th edit, as for full editors.

// tawlaLoginHeader logs in as email and returns the headers a browser
// sends on GET /ws: the session cookie and the site as Origin.
func tawlaLoginHeader(ctx context.Context, base, email string) (http.Header, error) {
	form := url.Values{"email": {email}, "password": {demo.Password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("tawla: login as %s: %w", email, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "tawla_session" && c.Value != "" && resp.StatusCode == http.StatusSeeOther {
			return http.Header{"Cookie": {c.Name + "=" + c.Value}, "Origin": {base}}, nil
		}
	}
	return nil, fmt.Errorf("tawla: login as %s: status %d, no session cookie", email, resp.StatusCode)
}

// openCounter connects a counting reader to doc.
func (d *tawlaDriver) openCounter(ctx context.Context, doc *tawlaDoc, h Handlers) (SimEditor, error) {
	doc.mu.Lock()
	header := d.counterHeaders[doc.readers%len(d.counterHeaders)]
	doc.readers++
	doc.mu.Unlock()
	tcp, rest, err := wsDial(ctx, d.proc.Addr, "/ws", header)
	if err != nil {
		return nil, fmt.Errorf("tawla: %w", err)
	}
	j := newJoinConn(tcp, rest)
	join := append([]byte(`{"type":"doc.join","doc":`), strconv.FormatInt(doc.id, 10)...)
	join = append(join, '}')
	if err := j.send(wsText, join); err != nil {
		tcp.Close()
		return nil, fmt.Errorf("tawla: join: %w", err)
	}
	err = j.until(ctx, func(_ byte, m []byte) (bool, error) {
		if bytes.Contains(m, []byte(`"type":"doc.state"`)) {
			return true, nil
		}
		if tawlaIsError(m) {
			return false, fmt.Errorf("tawla: join: %.300s", m)
		}
		return false, nil
	})
	if err != nil {
		tcp.Close()
		return nil, err
	}
	if h.Synced != nil {
		h.Synced(time.Now())
	}
	rc := &tawlaCounter{doc: doc, h: h}
	return j.handOff("tawla", rc.handle, h.Failed, nil)
}

// tawlaIsError reports whether a message is an error reply. The key with
// its quotes cannot occur inside a string value, and the messages nested
// in doc.peers are never errors.
func tawlaIsError(m []byte) bool { return bytes.Contains(m, []byte(`"type":"error"`)) }

// tawlaCounter recognises the edits of one counting reader's messages; it
// runs on the event loop.
type tawlaCounter struct {
	doc      *tawlaDoc
	h        Handlers
	received []int32 // updates received so far from each author editor, by editor number
}

var (
	tawlaUpdatesPrefix = []byte(`{"type":"doc.updates"`)
	tawlaClientIDKey   = []byte(`"clientID":"`)
)

// handle reports the arrival of every author edit a doc.updates message
// carries, in order.
func (rc *tawlaCounter) handle(_ byte, m []byte, at time.Time) error {
	if !bytes.HasPrefix(m, tawlaUpdatesPrefix) {
		if tawlaIsError(m) {
			return fmt.Errorf("tawla: %.300s", m)
		}
		return nil
	}
	for {
		i := bytes.Index(m, tawlaClientIDKey)
		if i < 0 {
			return nil
		}
		m = m[i+len(tawlaClientIDKey):]
		end := bytes.IndexByte(m, '"')
		if end < 0 {
			return errors.New("tawla: doc.updates: unterminated clientID")
		}
		id := m[:end]
		m = m[end+1:]
		if len(id) < 2 || id[0] != 'a' {
			continue
		}
		n := 0
		for _, c := range id[1:] {
			if c < '0' || c > '9' {
				n = -1
				break
			}
			n = n*10 + int(c-'0')
		}
		if n < 0 {
			continue
		}
		rc.arrived(n, at)
	}
}

// arrived counts one update of author editor n and reports it.
func (rc *tawlaCounter) arrived(n int, at time.Time) {
	for len(rc.received) <= n {
		rc.received = append(rc.received, 0)
	}
	rc.received[n]++
	rc.doc.mu.RLock()
	author := int32(-1)
	if n < len(rc.doc.authorOf) {
		author = rc.doc.authorOf[n]
	}
	rc.doc.mu.RUnlock()
	if author >= 0 && rc.h.Arrived != nil {
		rc.h.Arrived(EditID{Author: int(author), N: int(rc.received[n])}, at)
	}
}
