package server

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestSpreadsheet: a CSV for spreadsheet software starts with a byte-order
// mark, ends its lines with CRLF, separates fields with the separator the
// reader's spreadsheets expect (a semicolon in French and Arabic, whose
// decimals take the comma; a comma in English), and quotes a cell holding
// it.
func TestSpreadsheet(t *testing.T) {
	ts := newTestServer(t)
	for lang, want := range map[string]string{
		"fr": "\uFEFFNom;Montant\r\nTitre;\"1,5; 2\"\r\n",
		"ar": "\uFEFFNom;Montant\r\nTitre;\"1,5; 2\"\r\n",
		"en": "\uFEFFNom,Montant\r\nTitre,\"1,5; 2\"\r\n",
	} {
		sheet := newSpreadsheet(lang)
		sheet.Write("Nom", "Montant")
		sheet.Write("Titre", "1,5; 2")
		w := httptest.NewRecorder()
		ts.srv.sendSpreadsheet(w, httptest.NewRequest("GET", "/x.csv", nil), sheet, "x.csv")
		if got := w.Body.String(); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
		if h := w.Header(); h.Get("Content-Language") != lang || h.Get("Cache-Control") != "no-store" ||
			!strings.Contains(h.Get("Content-Disposition"), `filename="x.csv"`) || !bytes.HasPrefix(w.Body.Bytes(), []byte("\xef\xbb\xbf")) {
			t.Errorf("%s: headers %v", lang, h)
		}
	}
}
