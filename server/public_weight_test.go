package server

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// publicPageBudget is the most the public procedure page may weigh,
// gzip-compressed: its HTML and every stylesheet it links.
const publicPageBudget = 50 * 1024

// gzipSize returns the size of body compressed with gzip at the default
// level, as a server or proxy would send it.
func gzipSize(t *testing.T, body string) int {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte(body)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Len()
}

// TestPublicPageWeight checks that the public page of a procedure, with
// the stylesheets it links, weighs under 50 KB compressed, and that it
// needs no script: it has none.
func TestPublicPageWeight(t *testing.T) {
	ts := newTestServer(t)
	f := newPublicFixture(t, ts)
	c := ts.newClient(t)
	stylesheet := regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)"`)
	for _, lang := range []string{"fr", "ar"} {
		path := "/public/procedures/" + f.fr2.Identifier + "/" + lang
		page := mustGet(t, c, path, http.StatusOK).Body
		if strings.Contains(strings.ToLower(page), "<script") {
			t.Errorf("%s has a script", path)
		}
		total := gzipSize(t, page)
		sheets := stylesheet.FindAllStringSubmatch(page, -1)
		if len(sheets) == 0 {
			t.Errorf("%s links no stylesheet: is the pattern still right?", path)
		}
		for _, m := range sheets {
			css := mustGet(t, c, m[1], http.StatusOK).Body
			total += gzipSize(t, css)
		}
		t.Logf("%s: %d bytes compressed with its stylesheets", path, total)
		if total >= publicPageBudget {
			t.Errorf("%s weighs %d bytes compressed with its stylesheets, over %d", path, total, publicPageBudget)
		}
	}
}
