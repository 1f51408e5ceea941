package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"unicode/utf16"

	"tawla/collab"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// Passages of procedures linked to issues: POST /issues/{id}/passages
// links an issue to a passage of a procedure's draft, as a comment is
// placed on one (handle_comment.go): the positions hold at a version of
// the draft, in UTF-16 code units as the editor counts, and the draft's
// room maps them to the current version and stores the anchor and the
// link in one transaction. GET /procedures/{id}/link-issue is the way
// there from the procedure page: the passage selected in the editor, and
// the open issues to link it to.

// passageRequest is a passage of a procedure's draft as a form sends it.
type passageRequest struct {
	Version, From, To int
}

// readPassage reads the version, from and to of a form or a query, and
// refuses a missing, malformed or empty passage.
func readPassage(values url.Values) (passageRequest, error) {
	var p passageRequest
	for name, dst := range map[string]*int{"version": &p.Version, "from": &p.From, "to": &p.To} {
		n, err := strconv.Atoi(values.Get(name))
		if err != nil {
			return p, workspace.Invalid(name, "error.comment.passage_required", "Select a passage of the draft first.")
		}
		*dst = n
	}
	if p.From < 0 || p.To <= p.From || p.Version < 0 {
		return p, workspace.Invalid("from", "error.comment.passage_required", "Select a passage of the draft first.")
	}
	return p, nil
}

// sliceUTF16 returns the text between the UTF-16 positions from and to of
// text, and false when they are not inside it or cut a character in two.
func sliceUTF16(text string, from, to int) (string, bool) {
	units := utf16.Encode([]rune(text))
	if from < 0 || to > len(units) || from > to {
		return "", false
	}
	// A position before the second half of a surrogate pair cuts a
	// character (an emoji, say) in two.
	lowSurrogate := func(i int) bool { return i < len(units) && units[i] >= 0xdc00 && units[i] <= 0xdfff }
	if lowSurrogate(from) || lowSurrogate(to) {
		return "", false
	}
	return string(utf16.Decode(units[from:to])), true
}

// handleIssuePassageLink links issue {id} to the passage from..to of the
// draft of the procedure the form names, at the form's version.
func (s *Server) handleIssuePassageLink(w http.ResponseWriter, r *http.Request) {
	issueID, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if _, err := s.db.FindIssueByID(r.Context(), issueID); err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	procID, err := strconv.ParseInt(formValue(r, "procedure"), 10, 64)
	if err != nil || procID <= 0 {
		s.renderError(w, r, workspace.Invalid("procedure", "error.issue.procedure_required", "Choose the procedure the passage is in."))
		return
	}
	proc, err := s.db.FindProcedureByID(r.Context(), procID)
	if workspace.ErrorCode(err) == workspace.ENOTFOUND {
		err = workspace.Invalid("procedure", "error.issue.link_target_unknown", "What you link the issue to does not exist.")
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	passage, err := readPassage(r.PostForm)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	actor := workspace.ActorFor(currentAccount(r))
	var change *sqlite.IssueChange
	req := collab.AnchorRequest{Base: passage.Version, From: passage.From, To: passage.To,
		Within: func(ctx context.Context, tx *sqlite.Tx, a *workspace.Anchor) error {
			var err error
			change, err = tx.LinkIssuePassage(ctx, actor, issueID, proc.ID, a.ID)
			return err
		}}
	if _, err := s.collab.AddAnchor(r.Context(), proc.DocumentID, req); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.publishIssueChange(r.Context(), issueID, change)
	redirectDone(w, r, "/issues/"+strconv.FormatInt(issueID, 10), "issue_passage_linked")
}

// linkIssueView is the page that links a selected passage to an issue.
type linkIssueView struct {
	Procedure *workspace.Procedure
	Passage   passageRequest
	// Quote is the passage's text, when the draft is still at the
	// passage's version; otherwise the room maps the passage when it is
	// linked, and Moved says so.
	Quote string
	Moved bool
	// Issues are the issues not ended, the most recently changed first,
	// or those matching Query.
	Issues []linkIssueRow
	Query  string
}

// linkIssueRow is an issue the passage may be linked to.
type linkIssueRow struct {
	ID        int64
	Title     string
	StatusKey string
}

// handleLinkIssueForm shows the passage from..to of a procedure's draft
// at version, and the open issues it may be linked to, each with its own
// button: the form needs no script.
func (s *Server) handleLinkIssueForm(w http.ResponseWriter, r *http.Request) {
	proc, ok := s.procedureFromPath(w, r)
	if !ok {
		return
	}
	query := r.URL.Query()
	passage, err := readPassage(query)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	text, version, err := s.collab.Text(r.Context(), proc.DocumentID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	view := linkIssueView{Procedure: proc, Passage: passage, Query: query.Get("q")}
	switch {
	case passage.Version > version:
		s.renderError(w, r, workspace.KeyErrorf(workspace.EINVALID, "error.document.future_version", "Version %d is from the future: the document is at version %d.", passage.Version, version))
		return
	case passage.Version == version:
		quote, ok := sliceUTF16(text, passage.From, passage.To)
		if !ok {
			s.renderError(w, r, &workspace.Error{Code: workspace.EINVALID, Key: "error.anchor.out_of_range", Message: "The passage is outside the document."})
			return
		}
		view.Quote = quote
	default:
		view.Moved = true
	}
	// The open issues only, so that ended ones changed more recently never
	// push an open one out of the page's 200.
	hits, _, err := s.db.FindIssues(r.Context(), sqlite.IssueFilter{Query: view.Query, Open: true, Limit: 200})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for _, h := range hits {
		view.Issues = append(view.Issues, linkIssueRow{ID: h.Issue.ID, Title: h.Issue.Title, StatusKey: dashboardStatusKeys[h.Issue.Status]})
	}
	p := s.newPage(r, "link_issue.title")
	p.Section = "procedures"
	p.Data = view
	s.render(w, r, http.StatusOK, "issue_passage", p)
}

// issuesAnswered returns the issues linked to procedure procID or to a
// passage of it, for the procedure page: their numbers, titles and
// statuses, never a private field.
func (s *Server) issuesAnswered(ctx context.Context, procID int64) ([]linkIssueRow, error) {
	issues, err := s.db.FindIssuesLinkedTo(ctx, workspace.LinkProcedure, procID)
	if err != nil {
		return nil, err
	}
	rows := make([]linkIssueRow, 0, len(issues))
	for _, i := range issues {
		rows = append(rows, linkIssueRow{ID: i.ID, Title: i.Title, StatusKey: dashboardStatusKeys[i.Status]})
	}
	return rows, nil
}
