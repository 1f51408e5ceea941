package server

import (
	"context"
	"html/template"
	"net/http"
	"strconv"

	"tawla/collab"
	"tawla/workspace"
	"tawla/workspace/change"
	"tawla/workspace/diff"
	"tawla/workspace/sqlite"
)

// versionListView is a procedure's version history, with the form that
// freezes the draft.
type versionListView struct {
	Procedure *workspace.Procedure
	Versions  []*workspace.Version
	CanFreeze bool
	// Published maps the number of each version entered in the register
	// to its publication.
	Published map[int]*workspace.Publication
	Message   string
	Error     string
	Field     string
}

// versionView is one frozen version, rendered.
type versionView struct {
	Procedure  *workspace.Procedure
	Version    *workspace.Version
	CanRestore bool
	HTML       template.HTML
	// Polls are the polls on the version's adoption (members and staff
	// only); CanPoll: the viewer may put it to a vote (the secretariat),
	// which nobody may once it is adopted or published (VoteClosed).
	Polls      []*pollView
	CanPoll    bool
	VoteClosed bool
	// Publication is what the version is published as in the register,
	// nil while it is not; CanPublish: the viewer (the secretariat) may
	// publish it, adopted and not yet published, newer than the versions
	// published, into an entry still open. PublishRefusal says to the
	// secretariat why an adopted version cannot be, with what to do
	// (PublishHint, a catalogue key, may be empty).
	Publication    *workspace.Publication
	CanPublish     bool
	PublishRefusal string
	PublishHint    string
}

// handleVersionList shows a procedure's versions, newest first, and to
// those who may, the form that freezes the draft.
func (s *Server) handleVersionList(w http.ResponseWriter, r *http.Request) {
	proc, ok := s.procedureFromPath(w, r)
	if !ok {
		return
	}
	s.renderVersionList(w, r, http.StatusOK, proc, "", nil)
}

func (s *Server) renderVersionList(w http.ResponseWriter, r *http.Request, status int, proc *workspace.Procedure, message string, formErr error) {
	versions, err := s.db.FindVersions(r.Context(), proc.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	published, err := s.db.FindProcedurePublications(r.Context(), proc.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "versions.title").withNotice(r)
	p.Section = "procedures"
	p.Data = versionListView{
		Procedure: proc,
		Versions:  versions,
		Published: published,
		CanFreeze: workspace.CanFreezeVersion(workspace.ActorFor(p.Account)) == nil,
		Message:   message,
		Error:     p.formErrorText(formErr),
		Field:     fieldError(formErr),
	}
	s.render(w, r, status, "versions", p)
}

// handleVersionFreeze freezes the draft as the procedure's next version.
// The text and the document version come together from the room (or the
// store when nobody edits), so the version is exactly the text at that
// version, whatever is typed meanwhile.
func (s *Server) handleVersionFreeze(w http.ResponseWriter, r *http.Request) {
	proc, ok := s.procedureFromPath(w, r)
	if !ok {
		return
	}
	formErr := parseForm(w, r)
	if formErr != nil && !formKept(formErr) {
		s.renderVersionList(w, r, statusOf(formErr), proc, "", formErr)
		return
	}
	message := formValue(r, "message")
	if formErr != nil {
		s.renderVersionList(w, r, statusOf(formErr), proc, message, formErr)
		return
	}
	text, docVersion, err := s.collab.Text(r.Context(), proc.DocumentID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v := &workspace.Version{Message: message}
	if err := s.db.CreateVersion(r.Context(), workspace.ActorFor(currentAccount(r)), proc.ID, docVersion, text, v); err != nil {
		if code := workspace.ErrorCode(err); code == workspace.EINVALID || code == workspace.ECONFLICT {
			s.renderVersionList(w, r, statusOf(err), proc, message, err)
		} else {
			s.renderError(w, r, err)
		}
		return
	}
	s.publishChange("version.frozen", "procedure", proc.ID)
	redirectDone(w, r, versionPath(proc.ID, v.Number), "version_frozen")
}

// handleVersionView shows a frozen version rendered as the public would
// read it.
func (s *Server) handleVersionView(w http.ResponseWriter, r *http.Request) {
	proc, v, ok := s.versionFromPath(w, r)
	if !ok {
		return
	}
	html, err := renderMarkdown(v.Content)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "version.title").withNotice(r)
	p.Title = proc.Title + " — " + v.Label()
	p.Section = "procedures"
	polls, err := s.pollsFor(r.Context(), p, sqlite.PollFilter{ProcedureID: proc.ID, VersionNumber: v.Number})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	standing, err := s.publishStandingOf(r.Context(), proc, v)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	pub := standing.Published[v.Number]
	staff := workspace.CanPublish(workspace.ActorFor(p.Account)) == nil
	canPublish := staff && standing.Refusal == nil
	var refusal, hint string
	if staff && pub == nil && v.AdoptedAt != nil && standing.Refusal != nil {
		refusal, hint = p.ErrorText(standing.Refusal), publishRefusalHint(standing.Refusal)
	}
	voteClosed := workspace.CheckVersionVotable(v, pub != nil) != nil
	p.Data = versionView{
		Procedure:      proc,
		Version:        v,
		CanRestore:     workspace.AccessMember.Allows(p.Account),
		HTML:           html,
		Polls:          polls,
		CanPoll:        workspace.CanManagePolls(workspace.ActorFor(p.Account)) == nil && !voteClosed,
		VoteClosed:     voteClosed,
		Publication:    pub,
		CanPublish:     canPublish,
		PublishRefusal: refusal,
		PublishHint:    hint,
	}
	s.render(w, r, http.StatusOK, "version", p)
}

// handleVersionRestore puts a version's text back into the draft, as an
// ordinary update made by the person who asked: connected editors receive
// it like anyone's typing, and can undo it. The update changes only the
// ranges where the draft differs from the version, so the cursors of
// people at work elsewhere in the text stay put. Whether the account may
// edit the draft is decided in the transaction that stores the update,
// which also writes the audit entry.
func (s *Server) handleVersionRestore(w http.ResponseWriter, r *http.Request) {
	proc, v, ok := s.versionFromPath(w, r)
	if !ok {
		return
	}
	acc := currentAccount(r)
	text, base, err := s.collab.Text(r.Context(), proc.DocumentID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	changes, err := diff.Changes(text, v.Content)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// A draft that already holds the version's text gets an empty update
	// all the same: the restore was asked for, and the history and the
	// audit log say so.
	made, err := s.collab.Apply(r.Context(), proc.DocumentID, collab.Edit{
		Account: acc,
		Base:    base,
		Changes: changes,
		Within: func(ctx context.Context, tx *sqlite.Tx, version int) error {
			return tx.RecordVersionRestore(ctx, acc.ID, v, version)
		},
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.publishChange("version.restored", "procedure", proc.ID)
	// The page offers to undo the restore, naming the update it made.
	redirectDone(w, r, "/procedures/"+strconv.FormatInt(proc.ID, 10)+"?undo="+strconv.Itoa(made), "version_restored")
}

// handleRestoreUndo undoes a restore: the draft gets back, as an ordinary
// update, the text it had just before the restore, rebased over what was
// typed since (Base is the version the restore made), so that later edits
// stay. Only an update that a restore made can be undone this way.
func (s *Server) handleRestoreUndo(w http.ResponseWriter, r *http.Request) {
	proc, ok := s.procedureFromPath(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	made, err := strconv.Atoi(formValue(r, "version"))
	if err != nil || made <= 0 {
		s.renderError(w, r, workspace.Invalid("version", "error.restore.undo", "This change is not a restore that can be undone."))
		return
	}
	v, err := s.db.FindRestore(r.Context(), proc.ID, made)
	if workspace.ErrorCode(err) == workspace.ENOTFOUND {
		err = workspace.Invalid("version", "error.restore.undo", "This change is not a restore that can be undone.")
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	before, after, err := s.draftAround(r.Context(), proc.DocumentID, made)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	changes, err := diff.Changes(after, before)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	acc := currentAccount(r)
	if _, err := s.collab.Apply(r.Context(), proc.DocumentID, collab.Edit{
		Account: acc,
		Base:    made,
		Changes: changes,
		Within: func(ctx context.Context, tx *sqlite.Tx, version int) error {
			return tx.RecordRestoreUndone(ctx, acc.ID, v, version)
		},
	}); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.publishChange("version.restored", "procedure", proc.ID)
	redirectDone(w, r, "/procedures/"+strconv.FormatInt(proc.ID, 10), "restore_undone")
}

// draftAround returns the draft's text just before and just after the
// update that made version made, replayed from the latest snapshot before
// it: at most about a snapshot's spacing of updates (collab
// Limits.SnapshotEvery), however long the draft's history.
func (s *Server) draftAround(ctx context.Context, docID int64, made int) (before, after string, err error) {
	first, updates, err := s.db.FindDocumentHistoryAt(ctx, docID, made-1, made)
	if err != nil {
		return "", "", err
	}
	if made <= first.Version || made > first.Version+len(updates) {
		return "", "", workspace.Invalid("version", "error.restore.undo", "This change is not a restore that can be undone.")
	}
	text := change.NewText(first.Content)
	for _, u := range updates[:made-first.Version] {
		set, err := change.ParseJSON([]byte(u.Changes))
		if err != nil {
			return "", "", err
		}
		if u.Version == made {
			before = text.String()
		}
		if err := set.Apply(&text); err != nil {
			return "", "", err
		}
	}
	return before, text.String(), nil
}

// versionFromPath returns the procedure named by {id} and its version
// named by {number}, or answers with an error page and false.
func (s *Server) versionFromPath(w http.ResponseWriter, r *http.Request) (*workspace.Procedure, *workspace.Version, bool) {
	proc, ok := s.procedureFromPath(w, r)
	if !ok {
		return nil, nil, false
	}
	n, err := pathID(r, "number")
	if err != nil {
		s.renderError(w, r, err)
		return nil, nil, false
	}
	v, err := s.db.FindVersion(r.Context(), proc.ID, int(n))
	if err != nil {
		s.renderError(w, r, err)
		return nil, nil, false
	}
	return proc, v, true
}

// versionPath is the address of a procedure's version.
func versionPath(procID int64, number int) string {
	return "/procedures/" + strconv.FormatInt(procID, 10) + "/versions/" + strconv.Itoa(number)
}
