package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// observationsView is the table of observations of a procedure: every
// comment and suggestion with its passage, author and organisation, and
// the secretariat's answer, as the filters select them.
type observationsView struct {
	Procedure *workspace.Procedure
	Threads   []*workspace.Comment
	CanAnswer bool
	// Refused is the answer form the secretariat sent from this table,
	// when it was refused: shown again on its row with why.
	Refused *threadForm
	// The filters, as the query gave them.
	Kind, Status, Answered string
	ExportURL              string
}

// showsAnswer reports whether the table shows the answer form of the
// thread id: to the secretariat, on a row the filters keep.
func (v observationsView) showsAnswer(id int64) bool {
	return v.CanAnswer && slices.ContainsFunc(v.Threads, func(c *workspace.Comment) bool { return c.ID == id })
}

// RefusedAnswer returns the refused answer form of the thread id, or nil.
func (v observationsView) RefusedAnswer(id int64) *threadForm {
	if t := v.Refused; t != nil && t.CommentID == id {
		return t
	}
	return nil
}

// observationFilter reads the filters of the table of observations from
// a query, keeping only known values.
func observationFilter(procID int64, q url.Values) sqlite.CommentFilter {
	f := sqlite.CommentFilter{ProcedureID: procID}
	if k := workspace.CommentKind(q.Get("kind")); k == workspace.KindComment || k == workspace.KindSuggestion {
		f.Kind = k
	}
	if st := workspace.CommentStatus(q.Get("status")); slices.Contains(workspace.CommentStatuses, st) {
		f.Status = st
	}
	if a := q.Get("answered"); a == "yes" || a == "no" {
		f.Answered = a
	}
	return f
}

// handleObservations shows the table of observations, filterable and
// printable; the secretariat answers from it.
func (s *Server) handleObservations(w http.ResponseWriter, r *http.Request) {
	proc, ok := s.procedureFromPath(w, r)
	if !ok {
		return
	}
	s.renderObservations(w, r, http.StatusOK, proc, panelRefusal{})
}

// renderObservations writes the table of observations with status, with
// the filters of the request's query; refused, when it holds an answer
// form, is shown again on its row with why it was refused.
func (s *Server) renderObservations(w http.ResponseWriter, r *http.Request, status int, proc *workspace.Procedure, refused panelRefusal) {
	filter := observationFilter(proc.ID, r.URL.Query())
	threads, err := s.db.FindCommentThreads(r.Context(), filter)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, "observations.title").withNotice(r)
	p.Section = "procedures"
	export := "/procedures/" + strconv.FormatInt(proc.ID, 10) + "/observations.csv"
	if q := r.URL.Query(); len(q) > 0 {
		q.Del("done")
		if enc := q.Encode(); enc != "" {
			export += "?" + enc
		}
	}
	view := observationsView{
		Procedure: proc, Threads: threads,
		CanAnswer: workspace.CanAnswerComments(workspace.ActorFor(p.Account)) == nil,
		Kind:      string(filter.Kind), Status: string(filter.Status), Answered: filter.Answered,
		ExportURL: export,
		Refused:   refused.Thread,
	}
	if t := refused.Thread; t != nil && !view.showsAnswer(t.CommentID) {
		s.renderError(w, r, refused.Err) // the row and its form are not on the page
		return
	}
	refused.explain(p)
	p.Data = view
	s.render(w, r, status, "observations", p)
}

// handleObservationsExport answers the table of observations as CSV, with
// the page's filters: UTF-8 with a byte-order mark, without which
// spreadsheet software reads Arabic as Latin-1, and headings and values in
// the request's language. Each thread is one row, as in the table the
// secretariat sorts and filters: who answered and when have their
// columns, and the thread's replies share one cell (replyCell).
func (s *Server) handleObservationsExport(w http.ResponseWriter, r *http.Request) {
	proc, ok := s.procedureFromPath(w, r)
	if !ok {
		return
	}
	threads, err := s.db.FindCommentThreads(r.Context(), observationFilter(proc.ID, r.URL.Query()))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	ctx := r.Context()
	l := s.localizerOf(ctx)
	lang := languageOf(ctx)
	sheet := newSpreadsheet(lang)
	header := []string{"#", "observations.kind", "observations.passage", "observations.comment", "observations.proposed",
		"observations.author", "observations.organisation", "observations.date", "observations.status", "observations.answer", "observations.reason",
		"observations.answered_by", "observations.answered_at", "observations.replies"}
	for i, key := range header[1:] {
		header[i+1] = l.T(key)
	}
	sheet.Write(header...)
	for _, c := range threads {
		org := ""
		if c.Author != nil && c.Author.Organisation != nil {
			org = c.Author.Organisation.Name(lang)
		}
		passage := c.Passage()
		if c.Anchor != nil && c.Anchor.Removed {
			passage = l.T("comments.passage_removed") + " — " + passage
		}
		answer, answeredBy, answeredAt := "", "", ""
		if c.Answer != workspace.AnswerNone {
			answer, answeredBy = l.T("answer."+string(c.Answer)), c.AnswererName
			if c.AnsweredAt != nil {
				answeredAt = formatDate(*c.AnsweredAt, s.location)
			}
		}
		sheet.Write(
			strconv.FormatInt(c.ID, 10),
			l.T("comment.kind."+string(c.Kind)),
			csvText(passage), csvText(c.Body), csvText(c.Proposed),
			csvText(c.Author.Name), csvText(org),
			formatDate(c.CreatedAt, s.location),
			l.T("comment.status."+string(c.Status)),
			answer, csvText(c.Reason),
			csvText(answeredBy), answeredAt, s.replyCell(c.Replies, lang),
		)
	}
	s.sendSpreadsheet(w, r, sheet, fmt.Sprintf("observations-%d.csv", proc.ID))
}

// replyCell returns a thread's replies as one cell of the export, oldest
// first, each as its date, its author with their organisation, and its
// text on the next line, a blank line between two: the cell reads as the
// thread does on the page. It is guarded against formulas as a whole,
// since a cell is read as a formula only from its start.
func (s *Server) replyCell(replies []*workspace.Comment, lang string) string {
	var b strings.Builder
	for i, r := range replies {
		if i > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(formatDate(r.CreatedAt, s.location))
		if r.Author != nil {
			b.WriteString(" — " + r.Author.Name)
			if r.Author.Organisation != nil {
				b.WriteString(" (" + r.Author.Organisation.Name(lang) + ")")
			}
		}
		b.WriteString("\n" + r.Body)
	}
	return csvText(b.String())
}
