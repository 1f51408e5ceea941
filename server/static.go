package server

import (
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"tawla/web"
	"tawla/web/assets"
)

// Static assets: every file of web/static is served under two names, its
// own (/static/css/tawla.css) and a name that carries a hash of its
// content (/static/css/tawla.3f9a1c2b7d04.css), as package web/assets
// prepares them. Pages link the hashed names (the template function
// asset), which never change meaning: they are cached for a year, as
// immutable. A new build whose file differs has a new name, so a browser
// never runs an old editor against a new server. The plain names keep
// working for anything that does not go through a template (a bookmark,
// the favicon's redirect), and are revalidated on every use.
//
// Each request only picks the form the client accepts — Brotli, made by
// the build (make web), then gzip, made once when the process first needs
// the assets, then the file as it is: nothing is compressed per request.

const (
	// immutableCache is the caching of a hashed name.
	immutableCache = "public, max-age=31536000, immutable"
	// revalidateCache is the caching of a plain name: the browser may keep
	// it, and asks whether it changed (ETag) before each use.
	revalidateCache = "public, no-cache"
)

// staticAssets prepares web/static once per process; every server shares
// it, since the embedded files cannot change while the process runs.
var staticAssets = sync.OnceValues(func() (*assets.Set, error) {
	sub, err := fs.Sub(web.FS, "static")
	if err != nil {
		return nil, err
	}
	return assets.Prepare(sub)
})

// assetURL returns the address of a static file by its hashed name, for
// the templates: {{asset "/static/css/tawla.css"}} gives
// "/static/css/tawla.3f9a1c2b7d04.css". The file may also be named by its
// path under web/static ("css/tawla.css"). A file that is not embedded
// keeps its plain address (which answers 404): the editor's bundle, when
// the binary was built without it.
func assetURL(name string) string {
	name = strings.TrimPrefix(strings.TrimPrefix(name, "/static/"), "/")
	set, err := staticAssets()
	if err == nil {
		if a, ok := set.ByName[name]; ok {
			return "/static/" + a.Hashed
		}
	}
	return "/static/" + name
}

// handleStatic serves web/static by content negotiation: Brotli or gzip to
// a client that accepts it, the file as it is to others, always with Vary:
// Accept-Encoding, the length of what is sent and an entity tag; a hashed
// name is immutable, a plain name is revalidated. Directory listings are
// refused.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	set, err := staticAssets()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	cache := immutableCache
	var body *assets.Body
	if a, ok := set.ByHashed[name]; ok {
		body = a.Body
		w.Header().Set("Content-Type", a.ContentType)
	} else if a, ok := set.ByName[name]; ok {
		body = a.Plain
		cache = revalidateCache
		w.Header().Set("Content-Type", a.ContentType)
	} else {
		s.handleNotFound(w, r)
		return
	}
	serveStaticBody(w, r, body, cache)
}

// serveStaticBody writes body in the best encoding r accepts (Brotli,
// gzip, or none), or 304 when the client's copy (If-None-Match) is
// current.
func serveStaticBody(w http.ResponseWriter, r *http.Request, body *assets.Body, cache string) {
	h := w.Header()
	addVary(h, "Accept-Encoding")
	h.Set("Cache-Control", cache)
	accept := r.Header.Values("Accept-Encoding")
	content, etag := body.Raw, body.ETag
	switch {
	case body.Brotli != nil && acceptsEncoding(accept, "br"):
		content, etag = body.Brotli, encodedETag(body.ETag, "br")
		h.Set("Content-Encoding", "br")
	case body.Gzip != nil && acceptsEncoding(accept, "gzip"):
		content, etag = body.Gzip, encodedETag(body.ETag, "gz")
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	if etagMatches(r.Header.Get("If-None-Match"), body.ETag, encodedETag(body.ETag, "gz"), encodedETag(body.ETag, "br")) {
		h.Del("Content-Type")
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(content)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(content)
	}
}

// encodedETag is the entity tag of a compressed form (suffix "gz" or
// "br") of the content tagged etag.
func encodedETag(etag, suffix string) string {
	return strings.TrimSuffix(etag, `"`) + "-" + suffix + `"`
}

// etagMatches reports whether an If-None-Match header names one of tags
// (or is "*"). Weak tags match their strong form, as RFC 9110 says for
// If-None-Match.
func etagMatches(header string, tags ...string) bool {
	if header == "" {
		return false
	}
	for _, candidate := range strings.Split(header, ",") {
		candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if candidate == "*" {
			return true
		}
		for _, t := range tags {
			if candidate == t {
				return true
			}
		}
	}
	return false
}

// acceptsEncoding reports whether the Accept-Encoding header values accept
// coding with a non-zero quality, by name or through "*".
func acceptsEncoding(values []string, coding string) bool {
	star, named := false, false
	starSet, namedSet := false, false
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			fields := strings.Split(part, ";")
			name := strings.ToLower(strings.TrimSpace(fields[0]))
			q := 1.0
			for _, param := range fields[1:] {
				k, val, ok := strings.Cut(strings.TrimSpace(param), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					if f, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
						q = f
					}
				}
			}
			switch name {
			case coding:
				named, namedSet = q > 0, true
			case "*":
				star, starSet = q > 0, true
			}
		}
	}
	if namedSet {
		return named
	}
	return starSet && star
}

// handleFavicon answers the browsers that ask for /favicon.ico without
// reading the page's icon link.
func (s *Server) handleFavicon(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/static/favicon.svg", http.StatusMovedPermanently)
}
