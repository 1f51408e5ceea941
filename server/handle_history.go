package server

import (
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"tawla/collab"
	"tawla/workspace"
)

// historySession is an editing session as the history page shows it.
type historySession struct {
	*workspace.EditingSession
	Name  string
	Class string
}

// authorPassage is a passage of the draft with its author; Class names
// the author's colour in the page's style element.
type authorPassage struct {
	Text  string
	Class string
	Name  string
}

// authorLegend is one author of the draft, with their colour.
type authorLegend struct {
	Class string
	Name  string
}

// historyView is the draft's history: its editing sessions, newest first,
// and its current text coloured by author.
type historyView struct {
	Procedure *workspace.Procedure
	Sessions  []historySession
	Passages  []authorPassage
	Authors   []authorLegend
	// Capped is true when only the latest workspace.AuthorshipMaxUpdates
	// updates (or so) were replayed, from the snapshot taken at Since.
	Capped     bool
	Since      time.Time
	StyleNonce string
	// AuthorStyle gives each author's class its colour. It is built from
	// account IDs and the editor's colour table, never from user input.
	AuthorStyle template.CSS
}

// handleDraftHistory shows who wrote what in a procedure's draft: the
// editing sessions (workspace.GroupSessions) and the current text with
// each passage in its author's colour, the colour the editor gives that
// person's cursor (collab.PeerColour). The text is replayed from the first
// snapshot (workspace.Authorship), so it is the stored draft: what a room
// holds in memory has been committed before anyone was told of it.
func (s *Server) handleDraftHistory(w http.ResponseWriter, r *http.Request) {
	proc, ok := s.procedureFromPath(w, r)
	if !ok {
		return
	}
	first, updates, err := s.db.FindDocumentHistory(r.Context(), proc.DocumentID, workspace.AuthorshipMaxUpdates)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	sessions, err := workspace.GroupSessions(updates)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// An accepted suggestion's text is its author's; the session that
	// applied it stays the accepting member's.
	credits, err := s.db.FindSuggestionCredits(r.Context(), proc.DocumentID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	spans, err := workspace.AuthorshipCredited(first.Content, updates, credits)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	accounts, err := s.db.FindAccounts(r.Context(), workspace.AccountFilter{})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	names := make(map[int64]string, len(accounts))
	for _, a := range accounts {
		names[a.ID] = a.Name
	}
	nonce, err := setEditorStylePolicy(w)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "history.title")
	p.Section = "procedures"
	// A long history is replayed from a later snapshot: the text it
	// holds was written before the history shown, by whoever it was.
	capped := first.Version > 0
	name := func(id *int64) string {
		switch {
		case id == nil && capped:
			return p.T("history.earlier_text")
		case id == nil:
			return p.T("history.first_text")
		}
		return names[*id]
	}
	view := historyView{Procedure: proc, StyleNonce: nonce, Capped: capped, Since: first.CreatedAt}
	var style string
	styled := map[string]bool{}
	classOf := func(id *int64) string {
		class := authorClass(id)
		if !styled[class] {
			styled[class] = true
			if id != nil {
				style += fmt.Sprintf(".%s{--author:%s}", class, collab.PeerColour(*id))
			}
		}
		return class
	}
	for i := len(sessions) - 1; i >= 0; i-- {
		sess := sessions[i]
		view.Sessions = append(view.Sessions, historySession{EditingSession: sess, Name: name(sess.AccountID), Class: classOf(sess.AccountID)})
	}
	inLegend := map[string]bool{}
	for _, sp := range spans {
		class := classOf(sp.AccountID)
		view.Passages = append(view.Passages, authorPassage{Text: sp.Text, Class: class, Name: name(sp.AccountID)})
		if !inLegend[class] {
			inLegend[class] = true
			view.Authors = append(view.Authors, authorLegend{Class: class, Name: name(sp.AccountID)})
		}
	}
	view.AuthorStyle = template.CSS(style)
	p.Data = view
	s.render(w, r, http.StatusOK, "history", p)
}

// authorClass names the CSS class of an author's passages.
func authorClass(id *int64) string {
	if id == nil {
		return "author-none"
	}
	return fmt.Sprintf("author-%d", *id)
}

// DefaultSessionRecordInterval is how often Tawla looks for editing
// sessions that have ended: a session then reaches the audit log between
// workspace.SessionGap and SessionGap plus a minute after its last update.
const DefaultSessionRecordInterval = time.Minute

// StartSessionRecorder records the editing sessions of documents in the
// audit log every interval (sqlite.DB.RecordEditingSessions) until ctx
// ends. A session is recorded once it has been idle for
// workspace.SessionGap, so an entry comes at most one interval after that.
// A failed run is logged and tried again at the next.
func (s *Server) StartSessionRecorder(ctx context.Context, interval time.Duration) {
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if n, err := s.db.RecordEditingSessions(ctx); err != nil && ctx.Err() == nil {
					s.logger.Error("record editing sessions", "err", err)
				} else if n > 0 {
					s.logger.Info("recorded editing sessions", slog.Int("count", n))
				}
			}
		}
	}()
}
