package server

import (
	"net/http"
	"strconv"
	"strings"

	"tawla/workspace"
)

// publishFormView is the secretariat's form that enters an adopted version
// in the register: what is published (the version, its adoption, the
// SHA-256 of its text), into which entry, from when, replacing what.
type publishFormView struct {
	Procedure *workspace.Procedure
	Version   *workspace.Version
	// Hash is the SHA-256 of the version's text: the one the register
	// will show and the public can check.
	Hash string
	// Entry is the procedure's entry when it is already in the register,
	// and NextEdition the edition this publication will be in its
	// language; nil for a procedure published for the first time, which
	// makes a new entry unless it is the translation of one
	// (Translations, the entries in force lacking its language).
	Entry       *workspace.RegisterEntry
	NextEdition int
	// Withdrawn is the procedure's withdrawn entry, when the publication
	// starts a new entry after it; nil otherwise.
	Withdrawn *workspace.RegisterEntry
	// PreviousEffectiveOn is the day the procedure's latest edition applies
	// from, before which the new one cannot apply; "" for a first one.
	PreviousEffectiveOn string
	Translations        []registerChoice
	// Supersedable are the other entries in force, which the publication
	// may replace.
	Supersedable []registerChoice
	// Year is the year of a new entry's identifier.
	Year int
	// The fields as typed.
	EffectiveOn   string
	Note          string
	TranslationOf int64
	Supersedes    int64
	// AsksSourceEdition is true when the version may be published as a
	// translation (into its entry beside an original, or joining one), and
	// SourceEdition is the edition of the original it follows as typed: a
	// translation made from an edition since replaced says so.
	AsksSourceEdition bool
	SourceEdition     string
	Error             string
	Field             string
	// Refusal says why the version cannot be published at all (a newer
	// one is published, the entry is withdrawn or replaced): the page then
	// says so, with what to do (RefusalHint, a catalogue key, may be
	// empty), instead of offering the form.
	Refusal     string
	RefusalHint string
}

// publishForm is what the form offers for a version, read from the
// register.
type publishForm struct {
	view         publishFormView
	translations []*workspace.RegisterEntry
	supersedable []*workspace.RegisterEntry
	// refusal is why the version cannot be published, when it cannot: an
	// ECONFLICT error; the form then has no choices.
	refusal error
}

// handlePublishForm shows the form that publishes an adopted version, not
// yet published, with the effective date set to today.
func (s *Server) handlePublishForm(w http.ResponseWriter, r *http.Request) {
	proc, v, ok := s.versionFromPath(w, r)
	if !ok {
		return
	}
	form, err := s.newPublishForm(r, proc, v)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if form.refusal != nil {
		s.renderPublishRefusal(w, r, &form.view, form.refusal)
		return
	}
	form.view.EffectiveOn = s.today()
	s.renderPublishForm(w, r, http.StatusOK, &form.view, nil)
}

// handlePublish publishes an adopted version into the register, then goes
// to the version's page, which says what it is published as. A refused
// form comes back filled, with its first problem.
func (s *Server) handlePublish(w http.ResponseWriter, r *http.Request) {
	proc, v, ok := s.versionFromPath(w, r)
	if !ok {
		return
	}
	form, err := s.newPublishForm(r, proc, v)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if form.refusal != nil {
		s.renderPublishRefusal(w, r, &form.view, form.refusal)
		return
	}
	view := &form.view
	formErr := parseForm(w, r)
	if formErr != nil && !formKept(formErr) {
		s.renderPublishForm(w, r, statusOf(formErr), view, formErr)
		return
	}
	view.EffectiveOn = formValue(r, "effective_on")
	view.Note = formValue(r, "note")
	req := &workspace.PublishRequest{
		ProcedureID:   proc.ID,
		VersionNumber: v.Number,
		EffectiveOn:   view.EffectiveOn,
		Note:          view.Note,
		Year:          view.Year,
	}
	// The entries chosen must be among those offered: anything else is a
	// mistake of the form, told on its field.
	var choiceErr error
	if view.Entry == nil {
		req.TranslationOf, choiceErr = registerEntryChoice(r, "translation_of", form.translations,
			"error.publication.translation_invalid", "Choose an entry of the register, in force, that the procedure translates.")
		view.TranslationOf = req.TranslationOf
	}
	if choiceErr == nil && view.AsksSourceEdition {
		view.SourceEdition = strings.TrimSpace(formValue(r, "source_edition"))
		req.SourceEdition, choiceErr = sourceEditionChoice(view.SourceEdition)
	}
	if choiceErr == nil {
		req.Supersedes, choiceErr = registerEntryChoice(r, "supersedes", form.supersedable,
			"error.publication.supersedes_invalid", "Choose another entry of the register, in force, to replace.")
		view.Supersedes = req.Supersedes
	}
	if formErr != nil {
		// A value that could not be read, repaired: refused first.
		choiceErr = formErr
	}
	if choiceErr != nil {
		s.renderPublishForm(w, r, statusOf(choiceErr), view, choiceErr)
		return
	}
	if err := req.Validate(); err != nil {
		s.renderPublishForm(w, r, statusOf(err), view, err)
		return
	}
	if _, err := s.db.Publish(r.Context(), workspace.ActorFor(currentAccount(r)), req); err != nil {
		if statusOf(err) == http.StatusInternalServerError {
			s.serverError(w, r, err)
			return
		}
		s.renderPublishForm(w, r, statusOf(err), view, err)
		return
	}
	s.publishChange("version.published", "procedure", proc.ID)
	redirectDone(w, r, versionPath(proc.ID, v.Number), "version_published")
}

// newPublishForm reads where v stands (publishStandingOf) and returns the
// form's choices, read from the register, or, when v cannot be published
// (not adopted, already published, older than a version published, its
// entry withdrawn or replaced), the form's facts and that refusal.
func (s *Server) newPublishForm(r *http.Request, proc *workspace.Procedure, v *workspace.Version) (*publishForm, error) {
	ctx := r.Context()
	standing, err := s.publishStandingOf(ctx, proc, v)
	if err != nil {
		return nil, err
	}
	year, err := strconv.Atoi(s.today()[:4])
	if err != nil {
		return nil, err
	}
	form := &publishForm{view: publishFormView{
		Procedure: proc,
		Version:   v,
		Hash:      workspace.ContentHash(v.Content),
		Year:      year,
	}}
	if form.refusal = standing.Refusal; form.refusal != nil {
		return form, nil
	}
	form.view.Withdrawn = standing.Withdrawn
	if entry := standing.Entry; entry != nil {
		form.view.Entry = entry
		form.view.NextEdition = 1
		// The procedure's publications in its entry are that entry's
		// editions in its language; those of a withdrawn entry it was in
		// before count there.
		for _, pub := range standing.Published {
			if pub.EntryID == entry.ID && pub.Edition >= form.view.NextEdition {
				form.view.NextEdition = pub.Edition + 1
				form.view.PreviousEffectiveOn = pub.EffectiveOn
			}
		}
	}
	entries, err := s.db.FindRegisterEntries(ctx, s.today())
	if err != nil {
		return nil, err
	}
	var own int64
	if form.view.Entry != nil {
		own = form.view.Entry.ID
	} else {
		for _, e := range registerEntriesInForce(entries, 0) {
			if e.CurrentIn(proc.Language) == nil && e.Procedures[proc.Language] == 0 {
				form.translations = append(form.translations, e)
			}
		}
	}
	// A translation says which edition of the original it follows: one
	// joining an entry, or the next edition of one already there.
	form.view.AsksSourceEdition = len(form.translations) > 0
	if e := form.view.Entry; e != nil {
		if cur := e.CurrentIn(proc.Language); cur != nil && cur.SourceEdition > 0 {
			form.view.AsksSourceEdition = true
		}
	}
	form.supersedable = registerEntriesInForce(entries, own)
	lang := proc.Language
	form.view.Translations = registerChoices(form.translations, lang)
	form.view.Supersedable = registerChoices(form.supersedable, lang)
	return form, nil
}

// renderPublishRefusal shows the publish page of a version that cannot be
// published: its facts and why, with what to do, and no form.
func (s *Server) renderPublishRefusal(w http.ResponseWriter, r *http.Request, view *publishFormView, refusal error) {
	p := s.newPage(r, "publish.title")
	view.Refusal = p.ErrorText(refusal)
	view.RefusalHint = publishRefusalHint(refusal)
	s.renderPublishPage(w, r, statusOf(refusal), view, p)
}

// renderPublishForm shows the publish form with status and the problem of
// formErr, if any.
func (s *Server) renderPublishForm(w http.ResponseWriter, r *http.Request, status int, view *publishFormView, formErr error) {
	p := s.newPage(r, "publish.title")
	view.Error = p.formErrorText(formErr)
	view.Field = fieldError(formErr)
	s.renderPublishPage(w, r, status, view, p)
}

// renderPublishPage writes the publish page p with view and status.
func (s *Server) renderPublishPage(w http.ResponseWriter, r *http.Request, status int, view *publishFormView, p *page) {
	p.Title = p.T("publish.heading", "Name", view.Version.Label()) + " — " + view.Procedure.Title
	p.Section = "procedures"
	p.Data = view
	s.render(w, r, status, "publish", p)
}

// sourceEditionChoice reads the edition of the original a translation
// follows, as typed: empty for the original's latest (0), else a number
// from 1, which the store checks against the original's editions.
func sourceEditionChoice(typed string) (int, error) {
	if typed == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(typed)
	if err != nil || n < 1 {
		return 0, workspace.Invalid("source_edition", "error.publication.source_edition", "Choose an edition of the original text that this translation follows.")
	}
	return n, nil
}
