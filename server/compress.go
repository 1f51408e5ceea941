package server

import (
	"bufio"
	"compress/gzip"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"

	"tawla/web/assets"
)

// Responses made by handlers (pages, feeds, exports) are compressed with
// gzip on the fly when the client accepts it and the body is worth it: of
// a compressible type and at least compressMinBytes long. Static files are
// compressed once, ahead of time (static.go), and pass through untouched,
// as does anything a handler encoded itself, the websocket, and a response
// without a body.

// compressMinBytes is the smallest body compressed on the fly: below it,
// gzip's header and the work cost more than they save.
const compressMinBytes = 1024

// gzipWriters are reused: a gzip.Writer holds about 800 KB of state. Pages
// are compressed at gzip's fastest level: on HTML it saves nearly as much
// as the default level for a third of the work, which every page view pays.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return zw
}}

// addVary adds token to the response's Vary header, in its one line.
func addVary(h http.Header, token string) {
	values := h.Values("Vary")
	for _, v := range values {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return
			}
		}
	}
	if len(values) == 0 {
		h.Set("Vary", token)
		return
	}
	h.Set("Vary", strings.Join(values, ", ")+", "+token)
}

// withCompression compresses the responses of next for clients that
// accept gzip (see above). Every response that could have been compressed
// says Vary: Accept-Encoding.
func (s *Server) withCompression(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The websocket is hijacked: nothing of it may be buffered.
		if r.Header.Get("Upgrade") != "" || r.URL.Path == "/ws" || strings.HasPrefix(r.URL.Path, "/static/") {
			next.ServeHTTP(w, r)
			return
		}
		cw := &compressWriter{ResponseWriter: w, gzipOK: acceptsEncoding(r.Header.Values("Accept-Encoding"), "gzip"), head: r.Method == http.MethodHead}
		next.ServeHTTP(cw, r)
		cw.finish()
	})
}

// compressWriter holds back the start of a response until it knows
// whether to compress it: when compressMinBytes have been written, when
// the handler flushes, or when it returns.
type compressWriter struct {
	http.ResponseWriter
	gzipOK bool // the client accepts gzip
	head   bool // a HEAD request: no body goes out anyway

	status      int    // the status the handler wrote, 0 before
	buf         []byte // the body held back before the decision
	decided     bool   // the headers went out
	zw          *gzip.Writer
	hijacked    bool
	writeFailed error
}

// WriteHeader holds the status back until the decision.
func (c *compressWriter) WriteHeader(status int) {
	if c.decided || c.status != 0 {
		return // a second status: net/http would ignore it too
	}
	if status >= 100 && status < 200 && status != http.StatusSwitchingProtocols {
		// Informational answers (103 Early Hints) go out as they are.
		c.ResponseWriter.WriteHeader(status)
		return
	}
	c.status = status
}

// Write holds the body back until compressMinBytes, then decides.
func (c *compressWriter) Write(p []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	if c.decided {
		return c.writeDecided(p)
	}
	c.buf = append(c.buf, p...)
	if len(c.buf) >= compressMinBytes {
		c.decide(true)
		if c.writeFailed != nil {
			return 0, c.writeFailed
		}
	}
	return len(p), nil
}

func (c *compressWriter) writeDecided(p []byte) (int, error) {
	if c.zw != nil {
		return c.zw.Write(p)
	}
	return c.ResponseWriter.Write(p)
}

// decide sends the headers, compressing when big says the body is large
// enough and everything else allows it, then what was held back.
func (c *compressWriter) decide(big bool) {
	if c.decided {
		return
	}
	c.decided = true
	if c.status == 0 {
		c.status = http.StatusOK
	}
	h := c.Header()
	candidate := c.status != http.StatusNoContent && c.status != http.StatusNotModified &&
		c.status >= 200 && h.Get("Content-Encoding") == "" && h.Get("Content-Range") == "" &&
		assets.CompressibleType(h.Get("Content-Type"))
	if candidate {
		addVary(h, "Accept-Encoding")
	}
	if candidate && big && c.gzipOK && !c.head {
		h.Del("Content-Length") // the handler's length is the uncompressed one
		h.Set("Content-Encoding", "gzip")
		if etag := h.Get("ETag"); etag != "" && !strings.HasPrefix(etag, "W/") {
			h.Set("ETag", "W/"+etag) // not the same bytes any more
		}
		c.ResponseWriter.WriteHeader(c.status)
		zw := gzipWriters.Get().(*gzip.Writer)
		zw.Reset(c.ResponseWriter)
		c.zw = zw
	} else {
		c.ResponseWriter.WriteHeader(c.status)
	}
	if len(c.buf) > 0 {
		if _, err := c.writeDecided(c.buf); err != nil {
			c.writeFailed = err
		}
		c.buf = nil
	}
}

// finish ends the response once the handler returned.
func (c *compressWriter) finish() {
	if c.hijacked {
		return
	}
	if !c.decided {
		if c.status == 0 && len(c.buf) == 0 {
			return // the handler wrote nothing: net/http answers 200, empty
		}
		c.decide(false)
	}
	if c.zw != nil {
		_ = c.zw.Close()
		c.zw.Reset(nil)
		gzipWriters.Put(c.zw)
		c.zw = nil
	}
}

// Flush sends what the handler wrote so far: a streamed response is
// compressed from its first flush on, whatever its length.
func (c *compressWriter) Flush() {
	c.decide(true)
	if c.zw != nil {
		_ = c.zw.Flush()
	}
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack hands the connection over, for a handler that takes it (the
// websocket does not come through here, but a handler may).
func (c *compressWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if c.decided {
		return nil, nil, errors.New("server: hijack after the response started")
	}
	hj, ok := c.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, http.ErrNotSupported
	}
	conn, rw, err := hj.Hijack()
	if err == nil {
		c.hijacked = true
	}
	return conn, rw, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (c *compressWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }
