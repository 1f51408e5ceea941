package server

import (
	"bytes"
	"context"
	"net/http"
	"strconv"

	"tawla/collab"
	"tawla/live"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// commentsView is the comments panel of a procedure page, which is also
// the fragment GET /procedures/{id}/comments answers when a live event
// says the comments changed.
type commentsView struct {
	Procedure *workspace.Procedure
	Threads   []*workspace.Comment
	// Version is the draft's version at which the passages' positions
	// hold, from which the editor maps them to highlight them.
	Version int
	// Now holds, for each open thread whose passage was edited since it
	// was quoted, the passage as it reads at Version: shown beside the
	// quote, so that whoever accepts a suggestion sees what changed.
	Now map[int64]string
	// Consultation is the procedure's latest consultation, if any,
	// ConsultationOpen whether it is open now, and ConsultationAnnounced
	// whether it opens later.
	Consultation          *workspace.Consultation
	ConsultationOpen      bool
	ConsultationAnnounced bool
	// DraftChanged is true when the consultation, open or announced, is on
	// a frozen version whose text the draft no longer reads: comments go on
	// the draft as it is now, so the panel says so and links to the
	// changes since that version.
	DraftChanged bool
	// Versions are the procedure's frozen versions, newest first, to
	// choose the one a new consultation is on.
	Versions []*workspace.Version
	// What the viewer may do, as the store's rules will decide it.
	CanComment             bool
	CanDecide              bool
	CanAnswer              bool
	CanManageConsultations bool
	AccountID              int64
	// Form is the comment form as the viewer sent it, when it was
	// refused: shown again with its reason, so that nothing typed is lost.
	Form *commentForm
	// Thread is, in the same way, a refused form of one thread (a reply,
	// an answer, a rejection) or of the consultation.
	Thread *threadForm
	// Unsent is the text of a comment or a reply refused because the
	// consultation closed while it was typed, when the viewer may no
	// longer comment: shown read-only, to copy, since no form takes it.
	Unsent *unsentText
}

// unsentText is what a person typed in a comment or a reply that was
// refused because no consultation is open any more.
type unsentText struct {
	// Body is the comment's or the reply's text, Proposed a suggestion's
	// replacement text.
	Body, Proposed string
}

// commentForm is a refused comment form, to show again.
type commentForm struct {
	Kind, Body, Proposed string
	Error, Field         string
}

// threadForm is a refused form of the comments panel other than a new
// comment, to show again where it was with why it was refused.
type threadForm struct {
	// Action names the form: "reply", "answer", "accept" or "reject" on the thread
	// CommentID, or "consultation" (CommentID zero).
	Action    string
	CommentID int64
	// Text is what was typed: a reply's body, a reason, or the
	// consultation's closing date; Opens the consultation's opening
	// date; Answer the answer chosen.
	Text, Opens, Answer string
	Error               string
}

// Refused returns the refused form action of the thread id, or nil when
// that form was not the one refused: the template asks it of each form.
func (v *commentsView) Refused(action string, id int64) *threadForm {
	if t := v.Thread; t != nil && t.Action == action && t.CommentID == id {
		return t
	}
	return nil
}

// shows reports whether the panel shows the refused form f, where its
// reason can be read: a reply form to whoever may comment, an answer form
// to the secretariat, an acceptance or a rejection form on a suggestion
// still open, the
// consultation form to the secretariat, each on a thread the panel lists.
// A form the page does not show (a suggestion decided meanwhile) gets the
// error page instead, which at least says why.
func (v *commentsView) shows(f *threadForm) bool {
	if f.Action == "consultation" {
		return v.CanManageConsultations
	}
	for _, c := range v.Threads {
		if c.ID != f.CommentID {
			continue
		}
		switch f.Action {
		case "reply":
			return v.CanComment
		case "answer":
			return v.CanAnswer
		case "accept", "reject":
			return v.CanDecide && c.Kind == workspace.KindSuggestion && c.Status == workspace.StatusOpen
		}
	}
	return false
}

// panelRefusal is a refused form of a procedure's comments panel and why:
// Comment for a new comment, Thread for any other.
type panelRefusal struct {
	Err     error
	Comment *commentForm
	Thread  *threadForm
}

// closedConsultation reports whether err refuses a comment or a reply
// because no consultation of the procedure is open: it closed, or it is
// not open yet.
func closedConsultation(err error) bool {
	key := workspace.ErrorKey(err)
	return key == "error.comment.consultation_closed" || key == "error.comment.consultation_not_open"
}

// unsent returns the text of a comment or a reply refused because the
// consultation closed, and nil for any other refusal.
func (f panelRefusal) unsent() *unsentText {
	if !closedConsultation(f.Err) {
		return nil
	}
	switch {
	case f.Comment != nil:
		return &unsentText{Body: f.Comment.Body, Proposed: f.Comment.Proposed}
	case f.Thread != nil && f.Thread.Action == "reply":
		return &unsentText{Body: f.Thread.Text}
	}
	return nil
}

// explain writes why the form was refused into it, in the page's language.
func (f panelRefusal) explain(p *page) {
	if f.Err == nil {
		return
	}
	why := p.formErrorText(f.Err)
	if f.Comment != nil {
		f.Comment.Error = why
	}
	if f.Thread != nil {
		f.Thread.Error = why
	}
}

// refusePanelForm answers a refused form of the comments panel: an invalid
// input or a conflict shows the page the form was on again (the procedure,
// or the table of observations when back says so) with the form as it was
// sent and why, so that nothing typed is lost; so does a comment or a
// reply refused because the consultation closed while it was typed (with
// the text to copy when the form is no longer offered); any other error
// (not allowed, not found) gets the error page.
func (s *Server) refusePanelForm(w http.ResponseWriter, r *http.Request, proc *workspace.Procedure, back string, refusal panelRefusal) {
	if refusal.unsent() != nil {
		s.renderProcedurePage(w, r, statusOf(refusal.Err), proc, refusal)
		return
	}
	if code := workspace.ErrorCode(refusal.Err); code != workspace.EINVALID && code != workspace.ECONFLICT {
		s.renderError(w, r, refusal.Err)
		return
	}
	if back == "observations" && refusal.Thread != nil {
		s.renderObservations(w, r, statusOf(refusal.Err), proc, refusal)
		return
	}
	s.renderProcedurePage(w, r, statusOf(refusal.Err), proc, refusal)
}

// commentEvent is the data of the events of the topic document:N about
// comments: kind is comment.created, comment.updated or
// suggestion.accepted, and comment the thread's ID.
type commentEvent struct {
	Kind    string `json:"kind"`
	Comment int64  `json:"comment"`
}

// publishComment tells everyone who has the document open that a thread
// changed; called only after the change has been committed.
func (s *Server) publishComment(docID int64, kind string, commentID int64) {
	s.hub.Publish(live.Topic{Kind: collab.TopicKind, ID: docID}, commentEvent{Kind: kind, Comment: commentID})
}

// publishAuthorInbox sends the author of thread c, when it is not the
// viewer, their unread count: a reply or an answer to their comment
// notified them (sqlite's notifyCommentAuthor). Called after the commit.
func (s *Server) publishAuthorInbox(r *http.Request, c *workspace.Comment) {
	if acc := currentAccount(r); acc != nil && acc.ID == c.AuthorID {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), publishTimeout)
	defer cancel()
	s.publishUnread(ctx, c.AuthorID)
}

// PassageNow returns the passage of thread id as it reads now when it was
// edited since it was quoted, else "".
func (v *commentsView) PassageNow(id int64) string {
	return v.Now[id]
}

// commentsFor returns the comments panel of a procedure for the viewer.
func (s *Server) commentsFor(ctx context.Context, proc *workspace.Procedure, acc *workspace.Account) (*commentsView, error) {
	v := &commentsView{Procedure: proc}
	// The passages' positions hold at the version read with them; the
	// draft's text is read apart, so read both again when an update came
	// in between (rare), and leave the passages as quoted if it keeps
	// coming.
	var draft string
	for attempt := 0; ; attempt++ {
		threads, version, err := s.db.FindCommentThreadsAt(ctx, sqlite.CommentFilter{ProcedureID: proc.ID})
		if err != nil {
			return nil, err
		}
		v.Threads, v.Version = threads, version
		text, textVersion, err := s.collab.Text(ctx, proc.DocumentID)
		if err != nil {
			return nil, err
		}
		draft = text
		if textVersion == version {
			v.Now = passagesNow(text, threads)
			break
		}
		if attempt == 3 {
			break
		}
	}
	var err error
	v.Consultation, err = s.db.FindConsultation(ctx, proc.ID)
	if workspace.ErrorCode(err) == workspace.ENOTFOUND {
		v.Consultation, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	actor := workspace.ActorFor(acc)
	now := s.db.Now()
	v.ConsultationOpen = v.Consultation.OpenAt(now)
	v.ConsultationAnnounced = v.Consultation.NotOpenYetAt(now)
	if (v.ConsultationOpen || v.ConsultationAnnounced) && v.Consultation.Version > 0 {
		frozen, err := s.db.FindVersion(ctx, proc.ID, v.Consultation.Version)
		if err != nil {
			return nil, err
		}
		v.DraftChanged = frozen.Content != draft
	}
	v.CanComment = workspace.CanComment(actor, proc, v.Consultation, now) == nil
	v.CanDecide = workspace.CanDecideSuggestion(actor) == nil
	v.CanAnswer = workspace.CanAnswerComments(actor) == nil
	v.CanManageConsultations = workspace.CanManageConsultations(actor) == nil
	if v.CanManageConsultations {
		if v.Versions, err = s.db.FindVersions(ctx, proc.ID); err != nil {
			return nil, err
		}
	}
	if acc != nil {
		v.AccountID = acc.ID
	}
	return v, nil
}

// passagesNow returns the passages of the open threads whose text in the
// draft, text, is no longer the one they quoted, by thread.
func passagesNow(text string, threads []*workspace.Comment) map[int64]string {
	var now map[int64]string
	for _, c := range threads {
		if c.Status != workspace.StatusOpen || c.Anchor == nil || c.Anchor.Removed {
			continue
		}
		if passage, ok := sliceUTF16(text, c.Anchor.From, c.Anchor.To); ok && passage != c.Anchor.Quote {
			if now == nil {
				now = map[int64]string{}
			}
			now[c.ID] = passage
		}
	}
	return now
}

// handleCommentList answers the comments panel of a procedure as an HTML
// fragment, which the procedure page fetches when a live event says that
// its comments changed: the server escapes everything, as on the page.
func (s *Server) handleCommentList(w http.ResponseWriter, r *http.Request) {
	proc, ok := s.procedureFromPath(w, r)
	if !ok {
		return
	}
	view, err := s.commentsFor(r.Context(), proc, currentAccount(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "procedure.title")
	var buf bytes.Buffer
	if err := s.pages.pages["procedure"].ExecuteTemplate(&buf, "comment_list", map[string]any{"Page": p, "View": view}); err != nil {
		s.serverError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", p.Lang)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = buf.WriteTo(w)
}

// procedureCommentsPath is where a comment form leads back to: the
// procedure page, at its comments.
func procedureCommentsPath(proc *workspace.Procedure) string {
	return "/procedures/" + strconv.FormatInt(proc.ID, 10) + "#comments"
}

// handleCommentCreate places a comment or a suggested change on the
// passage from..to of the draft at version (UTF-16 code units, as the
// editor counts): the co-editing authority maps the passage to the
// current version and stores its anchor and the comment in one
// transaction, in which CanComment decides.
func (s *Server) handleCommentCreate(w http.ResponseWriter, r *http.Request) {
	proc, ok := s.procedureFromPath(w, r)
	if !ok {
		return
	}
	formErr := parseForm(w, r)
	if formErr != nil && !formKept(formErr) {
		s.renderError(w, r, formErr)
		return
	}
	c := &workspace.Comment{Kind: workspace.CommentKind(formValue(r, "kind")), Body: formValue(r, "body"), Proposed: r.PostFormValue("proposed")}
	refuse := func(err error) {
		s.refusePanelForm(w, r, proc, "", panelRefusal{Err: err, Comment: &commentForm{
			Kind: string(c.Kind), Body: c.Body, Proposed: c.Proposed, Field: fieldError(err),
		}})
	}
	if formErr != nil {
		refuse(formErr)
		return
	}
	var req collab.AnchorRequest
	var err error
	for name, dst := range map[string]*int{"version": &req.Base, "from": &req.From, "to": &req.To} {
		if *dst, err = strconv.Atoi(formValue(r, name)); err != nil {
			refuse(workspace.Invalid(name, "error.comment.passage_required", "Select a passage of the draft first."))
			return
		}
	}
	if req.From == req.To {
		refuse(workspace.Invalid("from", "error.comment.passage_required", "Select a passage of the draft first."))
		return
	}
	actor := workspace.ActorFor(currentAccount(r))
	req.Within = func(ctx context.Context, tx *sqlite.Tx, a *workspace.Anchor) error {
		return tx.CreateComment(ctx, actor, a, c)
	}
	if _, err := s.collab.AddAnchor(r.Context(), proc.DocumentID, req); err != nil {
		refuse(err)
		return
	}
	s.publishComment(proc.DocumentID, "comment.created", c.ID)
	redirectDone(w, r, procedureCommentsPath(proc), "comment_added")
}

// commentFromPath returns the procedure and the thread named by the path,
// or answers with an error page and false. A thread of another procedure
// is not found.
func (s *Server) commentFromPath(w http.ResponseWriter, r *http.Request) (*workspace.Procedure, *workspace.Comment, bool) {
	proc, c, formErr, ok := s.commentFormFromPath(w, r)
	if ok && formErr != nil {
		s.renderError(w, r, formErr)
		return nil, nil, false
	}
	return proc, c, ok
}

// commentFormFromPath is commentFromPath for a thread's form that comes
// back filled when refused: a value that could not be read is not
// answered here but returned, as formErr, with the posted values
// repaired (formKept), for the form to come back with it.
func (s *Server) commentFormFromPath(w http.ResponseWriter, r *http.Request) (proc *workspace.Procedure, c *workspace.Comment, formErr error, ok bool) {
	proc, ok = s.procedureFromPath(w, r)
	if !ok {
		return nil, nil, nil, false
	}
	id, err := pathID(r, "cid")
	if err != nil {
		s.renderError(w, r, err)
		return nil, nil, nil, false
	}
	c, err = s.db.FindCommentByID(r.Context(), id)
	if err == nil && c.ProcedureID != proc.ID {
		err = &workspace.Error{Code: workspace.ENOTFOUND, Key: "error.not_found", Message: "Comment not found."}
	}
	if err != nil {
		s.renderError(w, r, err)
		return nil, nil, nil, false
	}
	formErr = parseForm(w, r)
	if formErr != nil && !formKept(formErr) {
		s.renderError(w, r, formErr)
		return nil, nil, nil, false
	}
	return proc, c, formErr, true
}

// handleCommentReply adds a reply to a thread.
func (s *Server) handleCommentReply(w http.ResponseWriter, r *http.Request) {
	proc, c, formErr, ok := s.commentFormFromPath(w, r)
	if !ok {
		return
	}
	reply := &workspace.Comment{Body: formValue(r, "body")}
	err := formErr
	if err == nil {
		err = s.db.CreateReply(r.Context(), workspace.ActorFor(currentAccount(r)), c.ID, reply)
	}
	if err != nil {
		s.refusePanelForm(w, r, proc, "", panelRefusal{Err: err, Thread: &threadForm{Action: "reply", CommentID: c.ID, Text: reply.Body}})
		return
	}
	s.publishComment(proc.DocumentID, "comment.updated", c.ID)
	s.publishAuthorInbox(r, c)
	redirectDone(w, r, procedureCommentsPath(proc), "reply_added")
}

// handleCommentResolve resolves a comment's thread, or marks handled a
// suggestion answered partly accepted.
func (s *Server) handleCommentResolve(w http.ResponseWriter, r *http.Request) {
	proc, c, ok := s.setResolved(w, r, true)
	switch {
	case !ok:
	case c.Kind == workspace.KindSuggestion:
		redirectDone(w, r, procedureCommentsPath(proc), "suggestion_handled")
	default:
		redirectDone(w, r, procedureCommentsPath(proc), "comment_resolved")
	}
}

// handleCommentReopen reopens a resolved comment's thread, or a
// suggestion marked handled.
func (s *Server) handleCommentReopen(w http.ResponseWriter, r *http.Request) {
	if proc, _, ok := s.setResolved(w, r, false); ok {
		redirectDone(w, r, procedureCommentsPath(proc), "comment_reopened")
	}
}

// setResolved resolves or reopens the thread of the path and tells the
// document's followers; on an error it answers with the error page and
// false.
func (s *Server) setResolved(w http.ResponseWriter, r *http.Request, resolved bool) (*workspace.Procedure, *workspace.Comment, bool) {
	proc, c, ok := s.commentFromPath(w, r)
	if !ok {
		return nil, nil, false
	}
	if _, err := s.db.SetCommentResolved(r.Context(), workspace.ActorFor(currentAccount(r)), c.ID, resolved); err != nil {
		s.renderError(w, r, err)
		return nil, nil, false
	}
	s.publishComment(proc.DocumentID, "comment.updated", c.ID)
	return proc, c, true
}

// handleCommentAnswer records the secretariat's answer to a thread, for
// the table of observations, and goes back to where the form was.
func (s *Server) handleCommentAnswer(w http.ResponseWriter, r *http.Request) {
	proc, c, formErr, ok := s.commentFormFromPath(w, r)
	if !ok {
		return
	}
	answer, reason := workspace.Answer(formValue(r, "answer")), formValue(r, "reason")
	back := formValue(r, "back")
	err := formErr
	if err == nil {
		_, err = s.db.AnswerComment(r.Context(), workspace.ActorFor(currentAccount(r)), c.ID, answer, reason)
	}
	if err != nil {
		s.refusePanelForm(w, r, proc, back, panelRefusal{Err: err, Thread: &threadForm{Action: "answer", CommentID: c.ID, Text: reason, Answer: string(answer)}})
		return
	}
	s.publishComment(proc.DocumentID, "comment.updated", c.ID)
	s.publishAuthorInbox(r, c)
	to := procedureCommentsPath(proc)
	if back == "observations" {
		to = "/procedures/" + strconv.FormatInt(proc.ID, 10) + "/observations"
	}
	redirectDone(w, r, to, "comment_answered")
}

// handleSuggestionAccept applies a suggested change to the draft as an
// ordinary update made by the server, replacing the passage as it stands
// with the proposed text, and marks the suggestion accepted in the same
// transaction: the update and the answer are stored together or not at
// all, and everyone who has the draft open receives the update. The room
// makes the update only if the passage still reads as the suggestion
// quoted it (collab.PassageEdit): edits made to it since are never
// overwritten, and the refusal shows the passage as it is now.
func (s *Server) handleSuggestionAccept(w http.ResponseWriter, r *http.Request) {
	proc, c, ok := s.commentFromPath(w, r)
	if !ok {
		return
	}
	acc := currentAccount(r)
	actor := workspace.ActorFor(acc)
	reason := formValue(r, "reason")
	refuse := func(err error) {
		s.refusePanelForm(w, r, proc, "", panelRefusal{Err: err, Thread: &threadForm{Action: "accept", CommentID: c.ID}})
	}
	if c.Kind != workspace.KindSuggestion || c.Anchor == nil {
		s.renderError(w, r, workspace.KeyErrorf(workspace.EINVALID, "error.comment.not_suggestion", "This is not a suggested change."))
		return
	}
	edit := collab.Edit{Account: acc, Passage: &collab.PassageEdit{AnchorID: c.Anchor.ID, Expect: c.Anchor.Quote, Insert: c.Proposed}}
	edit.Within = func(ctx context.Context, tx *sqlite.Tx, version int) error {
		_, err := tx.AcceptSuggestion(ctx, actor, c.ID, reason, version)
		return err
	}
	if _, err := s.collab.Apply(r.Context(), proc.DocumentID, edit); err != nil {
		refuse(err)
		return
	}
	s.publishComment(proc.DocumentID, "suggestion.accepted", c.ID)
	s.publishAuthorInbox(r, c)
	redirectDone(w, r, procedureCommentsPath(proc), "suggestion_accepted")
}

// handleSuggestionReject rejects a suggested change with a reason.
func (s *Server) handleSuggestionReject(w http.ResponseWriter, r *http.Request) {
	proc, c, formErr, ok := s.commentFormFromPath(w, r)
	if !ok {
		return
	}
	reason := formValue(r, "reason")
	err := formErr
	if err == nil {
		_, err = s.db.RejectSuggestion(r.Context(), workspace.ActorFor(currentAccount(r)), c.ID, reason)
	}
	if err != nil {
		s.refusePanelForm(w, r, proc, "", panelRefusal{Err: err, Thread: &threadForm{Action: "reject", CommentID: c.ID, Text: reason}})
		return
	}
	s.publishComment(proc.DocumentID, "comment.updated", c.ID)
	s.publishAuthorInbox(r, c)
	redirectDone(w, r, procedureCommentsPath(proc), "suggestion_rejected")
}

// utf16Units returns the length of s in UTF-16 code units, as positions in
// a document count.
func utf16Units(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
