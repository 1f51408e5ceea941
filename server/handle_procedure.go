package server

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// procedureRow is a procedure in the list, with the time of its last
// change: of its details or of its draft, whichever came later.
type procedureRow struct {
	*workspace.Procedure
	ChangedAt time.Time
}

type procedureListView struct {
	Procedures []procedureRow
	CanCreate  bool
}

type procedureFormView struct {
	Procedure *workspace.Procedure
	New       bool
	Error     string
	Field     string
}

// procedureView is the procedure page: its details, the draft as it is now
// (shown as is until the editor has loaded, and rendered in the preview),
// and what the editor needs to know.
type procedureView struct {
	Procedure *workspace.Procedure
	ChangedAt time.Time
	CanEdit   bool
	Text      string
	Version   int
	Preview   template.HTML
	// StyleNonce lets the editor add its own stylesheet (see
	// setEditorStylePolicy).
	StyleNonce string
	// Comments is the comments panel (handle_comment.go).
	Comments *commentsView
	// UndoRestore is the document version a restore just made, which the
	// page offers to undo; zero offers nothing.
	UndoRestore int
	// Issues are the issues linked to the procedure or to passages of it
	// (handle_issue_passage.go), and CanLinkIssues whether the viewer may
	// link a passage to an issue.
	Issues        []linkIssueRow
	CanLinkIssues bool
	// OpenPolls are the polls open on the adoption of one of its
	// versions, for members to vote from the procedure's page.
	OpenPolls []*pollView
	// RegisterEntry is the register entry that publishes the procedure,
	// nil while it is not published.
	RegisterEntry *workspace.RegisterEntry
}

// handleProcedureList lists every procedure, most recently changed first.
func (s *Server) handleProcedureList(w http.ResponseWriter, r *http.Request) {
	procs, err := s.db.FindProcedures(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	rows := make([]procedureRow, 0, len(procs))
	for _, proc := range procs {
		rows = append(rows, procedureRow{Procedure: proc, ChangedAt: proc.LastChangedAt()})
	}
	p := s.newPage(r, "procedures.title")
	p.Section = "procedures"
	p.Data = procedureListView{Procedures: rows, CanCreate: workspace.AccessMember.Allows(p.Account)}
	s.render(w, r, http.StatusOK, "procedures", p)
}

func (s *Server) handleProcedureNew(w http.ResponseWriter, r *http.Request) {
	proc := &workspace.Procedure{Language: "fr", Category: workspace.CategoryReferralPathway}
	if languageOf(r.Context()) == "ar" {
		proc.Language = "ar"
	}
	s.renderProcedureForm(w, r, http.StatusOK, proc, true, nil)
}

// handleProcedureCreate stores a new procedure whose draft starts with its
// title as a heading, and opens it.
func (s *Server) handleProcedureCreate(w http.ResponseWriter, r *http.Request) {
	proc := &workspace.Procedure{}
	formErr := parseForm(w, r)
	if formErr == nil || formKept(formErr) {
		readProcedureForm(r, proc)
	}
	if formErr != nil {
		s.renderProcedureForm(w, r, statusOf(formErr), proc, true, formErr)
		return
	}
	draft := "# " + strings.TrimSpace(proc.Title) + "\n\n"
	if err := s.db.CreateProcedure(r.Context(), workspace.ActorFor(currentAccount(r)), proc, draft); err != nil {
		s.renderProcedureForm(w, r, statusOf(err), proc, true, err)
		return
	}
	s.publishChange("procedure.created", "procedure", proc.ID)
	redirectDone(w, r, "/procedures/"+strconv.FormatInt(proc.ID, 10), "procedure_created")
}

// handleProcedureView shows a procedure with its draft in the editor and
// the preview beside it. Everyone with an account reads it; the editor lets
// members, the secretariat and admins type, but the server decides again
// on every message it receives.
func (s *Server) handleProcedureView(w http.ResponseWriter, r *http.Request) {
	proc, ok := s.procedureFromPath(w, r)
	if !ok {
		return
	}
	if !s.readCommentNotifications(w, r, proc) {
		return
	}
	s.renderProcedurePage(w, r, http.StatusOK, proc, panelRefusal{})
}

// readCommentNotifications marks read the viewer's notifications about
// comments on proc — the page shows those comments, and a notification
// links to one of them (#comment-N) — and sends the viewer's other pages
// the new unread count, as opening an issue does. Most views find nothing
// unread: a read decides, so that they write nothing and send no count.
// On an error it answers with the error page and false.
func (s *Server) readCommentNotifications(w http.ResponseWriter, r *http.Request, proc *workspace.Procedure) bool {
	acc := currentAccount(r)
	unread, err := s.db.HasUnreadCommentNotifications(r.Context(), acc.ID, proc.ID)
	if err != nil {
		s.serverError(w, r, err)
		return false
	}
	if !unread {
		return true
	}
	if err := s.db.MarkCommentNotificationsRead(r.Context(), workspace.ActorFor(acc), proc.ID); err != nil {
		s.serverError(w, r, err)
		return false
	}
	s.publishUnread(r.Context(), acc.ID)
	return true
}

// renderProcedurePage writes the procedure's page with status; refused,
// when it holds a form, is a refused form of the comments panel to show
// again there, with why.
func (s *Server) renderProcedurePage(w http.ResponseWriter, r *http.Request, status int, proc *workspace.Procedure, refused panelRefusal) {
	text, version, err := s.collab.Text(r.Context(), proc.DocumentID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	preview, err := renderMarkdown(text)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	nonce, err := setEditorStylePolicy(w)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "procedure.title").withNotice(r)
	p.Title = proc.Title
	p.Section = "procedures"
	view := procedureView{
		Procedure:  proc,
		ChangedAt:  proc.LastChangedAt(),
		CanEdit:    workspace.AccessMember.Allows(p.Account),
		Text:       text,
		Version:    version,
		Preview:    preview,
		StyleNonce: nonce,
	}
	if view.Comments, err = s.commentsFor(r.Context(), proc, p.Account); err != nil {
		s.serverError(w, r, err)
		return
	}
	if refused.Comment != nil && !view.Comments.CanComment || refused.Thread != nil && !view.Comments.shows(refused.Thread) {
		// A comment or a reply refused because the consultation closed
		// comes back as text to copy; any other refusal of a form the
		// page does not show gets the error page.
		view.Comments.Unsent = refused.unsent()
		if view.Comments.Unsent == nil {
			s.renderError(w, r, refused.Err)
			return
		}
		refused = panelRefusal{}
	}
	refused.explain(p)
	view.Comments.Form, view.Comments.Thread = refused.Comment, refused.Thread
	if view.Issues, err = s.issuesAnswered(r.Context(), proc.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	view.CanLinkIssues = workspace.CanChangeIssue(workspace.ActorFor(p.Account)) == nil
	if view.OpenPolls, err = s.pollsFor(r.Context(), p, sqlite.PollFilter{ProcedureID: proc.ID, Status: workspace.PollOpen}); err != nil {
		s.serverError(w, r, err)
		return
	}
	switch entry, err := s.db.FindProcedureEntry(r.Context(), s.today(), proc.ID); {
	case err == nil:
		view.RegisterEntry = entry
	case workspace.ErrorCode(err) != workspace.ENOTFOUND:
		s.serverError(w, r, err)
		return
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("undo")); err == nil && n > 0 && n <= version && view.CanEdit {
		view.UndoRestore = n
	}
	p.Data = view
	s.render(w, r, status, "procedure", p)
}

func (s *Server) handleProcedureEdit(w http.ResponseWriter, r *http.Request) {
	proc, ok := s.procedureFromPath(w, r)
	if !ok {
		return
	}
	s.renderProcedureForm(w, r, http.StatusOK, proc, false, nil)
}

// handleProcedureUpdate saves a procedure's details: title, language,
// category and summary. The draft changes only through the editor.
func (s *Server) handleProcedureUpdate(w http.ResponseWriter, r *http.Request) {
	proc, ok := s.procedureFromPath(w, r)
	if !ok {
		return
	}
	formErr := parseForm(w, r)
	if formErr == nil || formKept(formErr) {
		readProcedureForm(r, proc)
	}
	if formErr != nil {
		s.renderProcedureForm(w, r, statusOf(formErr), proc, false, formErr)
		return
	}
	if err := s.db.UpdateProcedure(r.Context(), workspace.ActorFor(currentAccount(r)), proc); err != nil {
		s.renderProcedureForm(w, r, statusOf(err), proc, false, err)
		return
	}
	s.publishChange("procedure.updated", "procedure", proc.ID)
	redirectDone(w, r, "/procedures/"+strconv.FormatInt(proc.ID, 10), "procedure_saved")
}

// handleProcedurePreview answers the current draft rendered as an HTML
// fragment, for the preview beside the editor. The X-Document-Version
// header says which version of the draft it shows.
func (s *Server) handleProcedurePreview(w http.ResponseWriter, r *http.Request) {
	proc, ok := s.procedureFromPath(w, r)
	if !ok {
		return
	}
	text, version, err := s.collab.Text(r.Context(), proc.DocumentID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	html, err := renderMarkdown(text)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Document-Version", strconv.Itoa(version))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(html))
}

// procedureFromPath returns the procedure named by the {id} path value, or
// answers with an error page and false.
func (s *Server) procedureFromPath(w http.ResponseWriter, r *http.Request) (*workspace.Procedure, bool) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return nil, false
	}
	proc, err := s.db.FindProcedureByID(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return nil, false
	}
	return proc, true
}

func readProcedureForm(r *http.Request, proc *workspace.Procedure) {
	proc.Title = formValue(r, "title")
	proc.Language = formValue(r, "language")
	proc.Category = workspace.ProcedureCategory(formValue(r, "category"))
	proc.Summary = formValue(r, "summary")
}

func (s *Server) renderProcedureForm(w http.ResponseWriter, r *http.Request, status int, proc *workspace.Procedure, isNew bool, err error) {
	title := "procedure.edit_title"
	if isNew {
		title = "procedure.new_title"
	}
	p := s.newPage(r, title)
	p.Section = "procedures"
	p.Data = procedureFormView{Procedure: proc, New: isNew, Error: p.formErrorText(err), Field: fieldError(err)}
	s.render(w, r, status, "procedure_form", p)
}
