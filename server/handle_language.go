package server

import (
	"net/http"

	"tawla/workspace"
)

// handleLanguageChoice saves the interface language a logged-in person
// chose with the language switcher: a form posted from one of Tawla's own
// pages (the cross-origin protection refuses it from elsewhere, as every
// POST), so that a link carrying ?lang= never changes the profile. The
// visitor cookie follows, so that the login page after a logout speaks it
// too. It sends the person back to the page they were on (next), in that
// language. A language that is not one of Tawla's is refused, 400, and
// changes nothing. The choice is a preference of one's own, like the
// language adopted at login, and is not audited.
func (s *Server) handleLanguageChoice(w http.ResponseWriter, r *http.Request) {
	acc := currentAccount(r)
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	lang := r.PostFormValue("lang")
	if !workspace.ValidLanguage(lang) {
		s.renderError(w, r, workspace.Invalid("lang", "error.account.language_invalid", "Choose French, Arabic or English."))
		return
	}
	if err := s.db.SetAccountLanguage(r.Context(), acc.ID, lang); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.setLanguageCookie(w, r, lang)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}
