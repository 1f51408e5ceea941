package server

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strings"
)

// spreadsheet is a CSV file made for the spreadsheet software the table
// uses, in the reader's language: a UTF-8 byte-order mark, without which
// that software reads Arabic as Latin-1; CRLF line ends, which it expects
// on Windows; and the separator its French and Arabic versions expect.
// Those write decimals with a comma and so separate fields with a
// semicolon: a comma-separated file opens there as one column. English
// keeps the comma.
type spreadsheet struct {
	buf  bytes.Buffer
	rows *csv.Writer
	lang string
}

// newSpreadsheet starts a spreadsheet in lang.
func newSpreadsheet(lang string) *spreadsheet {
	sh := &spreadsheet{lang: lang}
	sh.buf.WriteString("\uFEFF")
	sh.rows = csv.NewWriter(&sh.buf)
	sh.rows.UseCRLF = true
	if lang != "en" {
		sh.rows.Comma = ';'
	}
	return sh
}

// Write adds a row. Cells a person typed go through csvText first.
func (sh *spreadsheet) Write(cells ...string) {
	_ = sh.rows.Write(cells) // into a buffer: an error comes back at Flush
}

// sendSpreadsheet answers with the spreadsheet as the attachment filename, never
// cached: what it holds is for the person who asked.
func (s *Server) sendSpreadsheet(w http.ResponseWriter, r *http.Request, sh *spreadsheet, filename string) {
	sh.rows.Flush()
	if err := sh.rows.Error(); err != nil {
		s.serverError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	h.Set("Content-Language", sh.lang)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = sh.buf.WriteTo(w)
}

// csvText returns text people wrote as a CSV cell: one that starts like a
// formula (= + - @, or a tab or carriage return before one) gets a leading
// apostrophe, which spreadsheet software shows as text instead of running
// it — a comment could otherwise hold a formula that runs in the
// secretariat's spreadsheet.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
