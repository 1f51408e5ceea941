package server

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// TestCompressionOnTheFly checks withCompression on the cases that matter:
// a page above compressMinBytes is compressed and loses the handler's
// Content-Length; a small one keeps its own; a streamed answer is
// compressed from its first flush; an answer the handler encoded itself,
// a type that does not compress, a HEAD request and a client without gzip
// pass as they are; the websocket gets the connection's own writer.
func TestCompressionOnTheFly(t *testing.T) {
	s := &Server{}
	page := "<!doctype html><p>" + strings.Repeat("Référencement des migrants de retour. ", 100) + "</p>"
	serve := func(method, path, accept string, h http.HandlerFunc) *httptest.ResponseRecorder {
		t.Helper()
		req := httptest.NewRequest(method, path, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		rec := httptest.NewRecorder()
		s.withCompression(h).ServeHTTP(rec, req)
		return rec
	}
	htmlWith := func(body string, length bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			if length {
				w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			}
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(body))
		}
	}

	rec := serve("GET", "/procedures", "gzip", htmlWith(page, true))
	if rec.Code != http.StatusCreated || rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("a large page: status %d, Content-Encoding %q, want 201 gzip", rec.Code, rec.Header().Get("Content-Encoding"))
	}
	if cl := rec.Header().Get("Content-Length"); cl != "" {
		t.Errorf("a compressed page keeps the handler's Content-Length %s", cl)
	}
	if got := string(gunzip(t, "page", rec.Body.Bytes())); got != page {
		t.Errorf("the compressed page decompresses to other bytes")
	}
	if !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
		t.Errorf("a compressed page says Vary %q", rec.Header().Get("Vary"))
	}

	rec = serve("GET", "/x", "gzip", htmlWith("<p>court</p>", true))
	if rec.Header().Get("Content-Encoding") != "" || rec.Header().Get("Content-Length") != "12" || rec.Body.String() != "<p>court</p>" {
		t.Errorf("a small page: Content-Encoding %q, Content-Length %q, body %q; want it as it is", rec.Header().Get("Content-Encoding"), rec.Header().Get("Content-Length"), rec.Body.String())
	}

	rec = serve("GET", "/x", "", htmlWith(page, false))
	if rec.Header().Get("Content-Encoding") != "" || rec.Body.String() != page || !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
		t.Errorf("a client without gzip: Content-Encoding %q, Vary %q; want the page as it is, with Vary", rec.Header().Get("Content-Encoding"), rec.Header().Get("Vary"))
	}

	rec = serve("HEAD", "/x", "gzip", htmlWith(page, true))
	if rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("a HEAD request is answered with Content-Encoding %q", rec.Header().Get("Content-Encoding"))
	}

	rec = serve("GET", "/x", "gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = w.Write([]byte("data: 1\n\n"))
		w.(http.Flusher).Flush()
		_, _ = w.Write([]byte("data: 2\n\n"))
	})
	if !rec.Flushed || rec.Header().Get("Content-Encoding") != "gzip" || string(gunzip(t, "stream", rec.Body.Bytes())) != "data: 1\n\ndata: 2\n\n" {
		t.Errorf("a streamed answer: flushed %v, Content-Encoding %q; want it flushed and compressed", rec.Flushed, rec.Header().Get("Content-Encoding"))
	}

	for _, h := range []http.HandlerFunc{
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Encoding", "br")
			_, _ = w.Write([]byte(page))
		},
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "image/png")
			_, _ = w.Write([]byte(page))
		},
	} {
		rec = serve("GET", "/x", "gzip", h)
		if rec.Header().Get("Content-Encoding") == "gzip" || rec.Body.String() != page {
			t.Errorf("an answer of type %s encoded %q passes compressed", rec.Header().Get("Content-Type"), rec.Header().Get("Content-Encoding"))
		}
	}

	for _, path := range []string{"/ws", "/static/css/tawla.css"} {
		serve("GET", path, "gzip", func(w http.ResponseWriter, r *http.Request) {
			if _, wrapped := w.(*compressWriter); wrapped {
				t.Errorf("%s gets the compressing writer", path)
			}
		})
	}
}
