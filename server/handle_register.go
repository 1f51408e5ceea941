package server

import (
	"context"
	"net/http"
	"strconv"

	"tawla/workspace"
)

// The secretariat's side of the register (issue 13): the register as the
// table's accounts read it, with links to the public pages and to the
// procedures, and the withdrawal of an entry (handle_register_withdraw.go).
// Publishing a version is handle_publish.go.

// registerPageView is the register page: its entries grouped by category,
// in the order the interface shows categories.
type registerPageView struct {
	Categories []registerCategory
	// CanWithdraw: the viewer is the secretariat, which withdraws entries.
	CanWithdraw bool
}

// ShortHash is the beginning of a SHA-256 in hexadecimal, enough to tell
// editions apart by eye; the page gives the whole hash beside it.
func (registerPageView) ShortHash(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// registerCategory is one category of the register and its entries.
type registerCategory struct {
	Category workspace.ProcedureCategory
	Entries  []*registerEntryRow
}

// registerEntryRow is one entry of the register as its page shows it.
type registerEntryRow struct {
	Entry *workspace.RegisterEntry
	// Languages are the entry's languages, French first: each with its
	// current edition, its earlier ones and the procedure that drafts it.
	Languages []registerLanguage
}

// registerLanguage is what an entry holds in one language.
type registerLanguage struct {
	Language string
	Current  *workspace.Publication
	// Editions are every edition in the language, the first first.
	Editions []*workspace.Publication
	// ProcedureID is the procedure whose versions the language publishes;
	// zero when the store does not name one.
	ProcedureID int64
}

// handleRegister shows the register to every account: each entry with its
// status, its current edition in each language and the earlier ones, and
// links to the public pages and to the procedures; the secretariat sees
// the link that withdraws an entry.
func (s *Server) handleRegister(w http.ResponseWriter, r *http.Request) {
	view, err := s.registerPage(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "register.title").withNotice(r)
	p.Section = "register"
	view.CanWithdraw = workspace.CanPublish(workspace.ActorFor(p.Account)) == nil
	p.Data = view
	s.render(w, r, http.StatusOK, "register", p)
}

// registerPage reads the register: every entry, and the index of every
// edition, grouped for the page.
func (s *Server) registerPage(ctx context.Context) (registerPageView, error) {
	entries, err := s.db.FindRegisterEntries(ctx, s.today())
	if err != nil {
		return registerPageView{}, err
	}
	index, err := s.db.FindPublicationIndex(ctx)
	if err != nil {
		return registerPageView{}, err
	}
	type key struct {
		entry int64
		lang  string
	}
	editions := map[key][]*workspace.Publication{}
	for _, p := range index {
		k := key{p.EntryID, p.Language}
		editions[k] = append(editions[k], p)
	}
	byCategory := map[workspace.ProcedureCategory][]*registerEntryRow{}
	for _, e := range entries {
		row := &registerEntryRow{Entry: e}
		for _, lang := range registerLanguages(e) {
			l := registerLanguage{Language: lang, Current: e.CurrentIn(lang), ProcedureID: e.Procedures[lang]}
			l.Editions = editions[key{e.ID, lang}]
			row.Languages = append(row.Languages, l)
		}
		byCategory[e.Category] = append(byCategory[e.Category], row)
	}
	var view registerPageView
	for _, c := range workspace.ProcedureCategories {
		if rows := byCategory[c]; len(rows) > 0 {
			view.Categories = append(view.Categories, registerCategory{Category: c, Entries: rows})
			delete(byCategory, c)
		}
	}
	// A category the interface no longer lists still shows its entries.
	for _, e := range entries {
		if rows, ok := byCategory[e.Category]; ok {
			view.Categories = append(view.Categories, registerCategory{Category: e.Category, Entries: rows})
			delete(byCategory, e.Category)
		}
	}
	return view, nil
}

// registerLanguages returns the languages an entry holds editions or a
// procedure in, French first.
func registerLanguages(e *workspace.RegisterEntry) []string {
	var langs []string
	for _, lang := range workspace.ProcedureLanguages {
		if e.CurrentIn(lang) != nil || e.Procedures[lang] != 0 {
			langs = append(langs, lang)
		}
	}
	return langs
}

// registerEntryFromPath returns the entry named by the {id} path value, or
// answers with an error page and false.
func (s *Server) registerEntryFromPath(w http.ResponseWriter, r *http.Request) (*workspace.RegisterEntry, bool) {
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, err)
		return nil, false
	}
	e, err := s.db.FindRegisterEntryByID(r.Context(), s.today(), id)
	if err != nil {
		s.renderError(w, r, err)
		return nil, false
	}
	return e, true
}

// registerEntriesInForce returns the entries in force and not to be
// replaced from a later day, but the one whose id is except: what a
// publication may supersede or translate, and what may replace a
// withdrawn entry.
func registerEntriesInForce(entries []*workspace.RegisterEntry, except int64) []*workspace.RegisterEntry {
	var out []*workspace.RegisterEntry
	for _, e := range entries {
		if e.ID != except && e.Status() == workspace.RegisterInForce && e.ReplacedBy == nil {
			out = append(out, e)
		}
	}
	return out
}

// registerEntryChoice reads the entry id a form's select field sent: zero
// when none was chosen, and an EINVALID error on the field when the value
// is not one of choices.
func registerEntryChoice(r *http.Request, field string, choices []*workspace.RegisterEntry, key, message string) (int64, error) {
	raw := formValue(r, field)
	if raw == "" || raw == "0" {
		return 0, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err == nil {
		for _, e := range choices {
			if e.ID == id {
				return id, nil
			}
		}
	}
	return 0, workspace.Invalid(field, key, message)
}

// registerChoice is an entry offered in a form's select field.
type registerChoice struct {
	ID         int64
	Identifier string
	Title      string
}

// registerChoices returns entries as a select field offers them, each named
// by its identifier and its title in lang (or its first language's).
func registerChoices(entries []*workspace.RegisterEntry, lang string) []registerChoice {
	out := make([]registerChoice, 0, len(entries))
	for _, e := range entries {
		c := registerChoice{ID: e.ID, Identifier: e.Identifier()}
		if p := e.CurrentIn(lang); p != nil {
			c.Title = p.Title
		} else if len(e.Current) > 0 {
			c.Title = e.Current[0].Title
		}
		out = append(out, c)
	}
	return out
}
