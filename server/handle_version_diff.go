package server

import (
	"net/http"
	"strconv"

	"tawla/workspace"
	"tawla/workspace/diff"
)

// diffSide is one of the two texts a diff compares: a version, or the
// draft as it is now.
type diffSide struct {
	// Value is what the form sends for it: a version number, or "draft".
	Value string
	// Version is nil for the draft.
	Version *workspace.Version
	Text    string
}

// diffView is the comparison of two texts of a procedure.
type diffView struct {
	Procedure *workspace.Procedure
	Versions  []*workspace.Version
	From, To  diffSide
	// Side is true for the side-by-side view, false for the inline one.
	Side    bool
	Rows    []diff.Row
	Summary diff.Summary
	// Coarse is true when the texts differ too much to be compared word
	// by word within diff.Budget: some changed passages are shown whole.
	Coarse bool
}

// handleVersionDiff compares two texts of a procedure: ?from= and ?to= are
// version numbers or "draft" (by default, the latest version and the
// draft), ?view=side shows them side by side. Every piece of text reaches
// the page through html/template, which escapes it. The comparison spends
// at most diff.Budget steps, so that no request can occupy a core for
// long; past it the page says that it shows changed passages whole.
func (s *Server) handleVersionDiff(w http.ResponseWriter, r *http.Request) {
	proc, ok := s.procedureFromPath(w, r)
	if !ok {
		return
	}
	versions, err := s.db.FindVersions(r.Context(), proc.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	q := r.URL.Query()
	from, to := q.Get("from"), q.Get("to")
	if from == "" {
		from = "draft"
		if len(versions) > 0 {
			from = strconv.Itoa(versions[0].Number)
		}
	}
	if to == "" {
		to = "draft"
	}
	fromSide, err := s.diffSide(r, proc, versions, from)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	toSide, err := s.diffSide(r, proc, versions, to)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	pieces, coarse := diff.WordsWithin(fromSide.Text, toSide.Text, diff.Budget)
	p := s.newPage(r, "diff.title")
	p.Section = "procedures"
	p.Data = diffView{
		Procedure: proc,
		Versions:  versions,
		From:      fromSide,
		To:        toSide,
		Side:      q.Get("view") == "side",
		Rows:      diff.Rows(pieces),
		Summary:   diff.Summarize(pieces),
		Coarse:    coarse,
	}
	s.render(w, r, http.StatusOK, "diff", p)
}

// diffSide finds the text named by value: "draft", or the number of one of
// versions. Anything else is ENOTFOUND.
func (s *Server) diffSide(r *http.Request, proc *workspace.Procedure, versions []*workspace.Version, value string) (diffSide, error) {
	if value == "draft" {
		text, _, err := s.collab.Text(r.Context(), proc.DocumentID)
		if err != nil {
			return diffSide{}, &internalError{err}
		}
		return diffSide{Value: value, Text: text}, nil
	}
	n, err := strconv.Atoi(value)
	if err == nil {
		for _, v := range versions {
			if v.Number == n {
				return diffSide{Value: value, Version: v, Text: v.Content}, nil
			}
		}
	}
	return diffSide{}, &workspace.Error{Code: workspace.ENOTFOUND, Key: "error.not_found", Message: "Version not found."}
}
