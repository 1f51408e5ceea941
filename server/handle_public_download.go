package server

import (
	"bytes"
	"errors"
	"mime"
	"net/http"
	"strconv"

	"tawla/workspace"
)

// standalonePolicy is the Content-Security-Policy of a downloaded HTML
// file: its own inline styles and data: images, nothing else, no script.
const standalonePolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// errNoStandaloneTemplate means the standalone file's template is missing.
var errNoStandaloneTemplate = errors.New("server: no public_standalone template")

// handlePublicMarkdown downloads an edition's text as Markdown: exactly
// the bytes stored, whose SHA-256 is the one the register shows.
func (s *Server) handlePublicMarkdown(w http.ResponseWriter, r *http.Request) {
	_, pub, err := s.publicEdition(r)
	if err != nil {
		s.renderPublicError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/markdown; charset=utf-8")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": publicDownloadName(pub, "md")}))
	h.Set("Content-Length", strconv.Itoa(len(pub.Content)))
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(pub.Content))
}

// publicStandaloneView is the downloaded HTML file of an edition.
type publicStandaloneView struct {
	Entry       *workspace.RegisterEntry
	Publication *workspace.Publication
	Text        publicText
	// URL is the edition's public address, printed in the file so that a
	// reader can find it again.
	URL string
	// Standing says where the edition stands on the day it is downloaded:
	// a printed or shared copy says that another is in force, that it
	// applies only from a later day, or that the original of a translation
	// has changed since.
	Standing editionStanding
}

// handlePublicStandalone downloads an edition as one HTML file that needs
// nothing else: its styles inline, no script, no image or font from
// elsewhere, the register header at its top.
func (s *Server) handlePublicStandalone(w http.ResponseWriter, r *http.Request) {
	entry, pub, err := s.publicEdition(r)
	if err != nil {
		s.renderPublicError(w, r, err)
		return
	}
	body, err := renderPublicText(pub.Content, true)
	if err != nil {
		s.renderPublicError(w, r, &internalError{err})
		return
	}
	p := s.newPublicPage(r, pub.Language, "public.procedure.title")
	p.Title = pub.Label() + " · " + pub.Title
	view := publicStandaloneView{Entry: entry, Publication: pub, Text: body, URL: s.absoluteURL(publicEditionPath(pub)),
		Standing: standingOf(entry, pub)}
	p.Data = view
	t, ok := s.pages.pages["public_standalone"]
	if !ok {
		s.renderPublicError(w, r, &internalError{errNoStandaloneTemplate})
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "public_standalone", p); err != nil {
		s.renderPublicError(w, r, &internalError{err})
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": publicDownloadName(pub, "html")}))
	h.Set("Content-Security-Policy", standalonePolicy)
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	_, _ = buf.WriteTo(w)
}
