package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"tawla/web"
)

// Static assets: every file of web/static is served under two names, its
// own (/static/css/tawla.css) and a name that carries a hash of its
// content (/static/css/tawla.3f9a1c2b7d04.css). Pages link the hashed
// names (the template function asset), which never change meaning: they
// are cached for a year, as immutable. A new build whose file differs has
// a new name, so a browser never runs an old editor against a new server.
// The plain names keep working for anything that does not go through a
// template (a bookmark, the favicon's redirect), and are revalidated on
// every use.
//
// The assets are prepared once per process, when the first server is made
// (staticAssets): hashed, and compressed with gzip at the best ratio, from
// the files embedded in the binary. Each request then only picks the
// encoding the client accepts: nothing is compressed per request.

const (
	// immutableCache is the caching of a hashed name.
	immutableCache = "public, max-age=31536000, immutable"
	// revalidateCache is the caching of a plain name: the browser may keep
	// it, and asks whether it changed (ETag) before each use.
	revalidateCache = "public, no-cache"
	// assetHashLength is how many hex digits of the SHA-256 of its content
	// an asset's hashed name carries (48 bits).
	assetHashLength = 12
)

// staticAsset is one file of web/static in each of the forms it is served
// in.
type staticAsset struct {
	// name is the file's path under static/, such as "css/tawla.css", and
	// hashed its name with the hash of body, "css/tawla.3f9a1c2b7d04.css".
	name, hashed string
	// contentType is the Content-Type of both names.
	contentType string
	// plain is the file as embedded, served under name; body is what is
	// served under hashed: the same bytes, except in a script whose
	// imports of other static scripts were rewritten to their hashed names
	// (see rewriteImports), so that a hashed script only ever loads hashed
	// ones.
	plain, body staticBody
}

// staticBody is one content with its compressed form and its entity tag.
type staticBody struct {
	raw []byte
	// gzip is raw compressed with gzip, or nil when that would not make
	// it smaller.
	gzip []byte
	// etag is the entity tag of raw, quoted; the compressed form's is the
	// same with "-gz" before the closing quote.
	etag string
}

// staticSet is every asset by both its names.
type staticSet struct {
	byName   map[string]*staticAsset
	byHashed map[string]*staticAsset
}

// staticAssets prepares web/static once per process; every server shares
// it, since the embedded files cannot change while the process runs.
var staticAssets = sync.OnceValues(func() (*staticSet, error) {
	sub, err := fs.Sub(web.FS, "static")
	if err != nil {
		return nil, err
	}
	return prepareStatic(sub)
})

// prepareStatic reads every file of fsys and prepares it for serving.
func prepareStatic(fsys fs.FS) (*staticSet, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		files[name] = b
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("server: read the static files: %w", err)
	}
	set := &staticSet{byName: map[string]*staticAsset{}, byHashed: map[string]*staticAsset{}}
	// Scripts are prepared after the scripts they import (prepare
	// recurses), since their hashed content names those scripts' hashed
	// names.
	var prepare func(name string, seen map[string]bool) (*staticAsset, error)
	prepare = func(name string, seen map[string]bool) (*staticAsset, error) {
		if a, ok := set.byName[name]; ok {
			return a, nil
		}
		if seen[name] {
			return nil, fmt.Errorf("server: the static script %s imports itself, through others", name)
		}
		seen[name] = true
		raw := files[name]
		body := raw
		if strings.HasSuffix(name, ".js") {
			var rerr error
			body = rewriteImports(raw, func(spec string) string {
				target := path.Join(path.Dir(name), spec)
				if _, ok := files[target]; !ok {
					return spec // not one of ours: left as written
				}
				dep, err := prepare(target, seen)
				if err != nil {
					rerr = err
					return spec
				}
				rel := path.Base(dep.hashed)
				if path.Dir(dep.hashed) != path.Dir(name) {
					return spec // only imports within one folder are rewritten
				}
				return "./" + rel
			})
			if rerr != nil {
				return nil, rerr
			}
		}
		a := &staticAsset{
			name:        name,
			hashed:      hashedName(name, body),
			contentType: assetContentType(name),
		}
		var err error
		if a.plain, err = newStaticBody(raw, a.contentType); err != nil {
			return nil, err
		}
		if bytes.Equal(body, raw) {
			a.body = a.plain
		} else if a.body, err = newStaticBody(body, a.contentType); err != nil {
			return nil, err
		}
		set.byName[name] = a
		set.byHashed[a.hashed] = a
		return a, nil
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, err := prepare(name, map[string]bool{}); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// newStaticBody compresses raw, when its type is worth compressing, and
// names it with an entity tag.
func newStaticBody(raw []byte, contentType string) (staticBody, error) {
	sum := sha256.Sum256(raw)
	b := staticBody{raw: raw, etag: `"` + hex.EncodeToString(sum[:])[:2*assetHashLength] + `"`}
	if !compressibleType(contentType) {
		return b, nil
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return b, err
	}
	if _, err := zw.Write(raw); err != nil {
		return b, err
	}
	if err := zw.Close(); err != nil {
		return b, err
	}
	if buf.Len() < len(raw) {
		b.gzip = buf.Bytes()
	}
	return b, nil
}

// hashedName returns name with the first hex digits of the SHA-256 of
// content before its extension: "css/tawla.css" becomes
// "css/tawla.3f9a1c2b7d04.css". Two different contents get two different
// names.
func hashedName(name string, content []byte) string {
	sum := sha256.Sum256(content)
	hash := hex.EncodeToString(sum[:])[:assetHashLength]
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hash + ext
}

// importSpecifier finds the relative specifiers of a script's static
// imports and re-exports: `from "./channel.js"` and `import "./x.js"`.
var importSpecifier = regexp.MustCompile(`(\bfrom\s*|\bimport\s*)(["'])(\.\.?/[^"'\s]+\.js)(["'])`)

// rewriteImports returns script with each relative import specifier
// replaced by rename's answer.
func rewriteImports(script []byte, rename func(spec string) string) []byte {
	return importSpecifier.ReplaceAllFunc(script, func(m []byte) []byte {
		parts := importSpecifier.FindSubmatch(m)
		return []byte(string(parts[1]) + string(parts[2]) + rename(string(parts[3])) + string(parts[4]))
	})
}

// assetContentType returns the Content-Type of a static file from its
// extension, with the charset of text.
func assetContentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".json", ".map":
		return "application/json"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

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
		if a, ok := set.byName[name]; ok {
			return "/static/" + a.hashed
		}
	}
	return "/static/" + name
}

// handleStatic serves web/static by content negotiation: gzip to a client
// that accepts it, the file as it is to others, always with Vary:
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
	var body *staticBody
	if a, ok := set.byHashed[name]; ok {
		body = &a.body
		w.Header().Set("Content-Type", a.contentType)
	} else if a, ok := set.byName[name]; ok {
		body = &a.plain
		cache = revalidateCache
		w.Header().Set("Content-Type", a.contentType)
	} else {
		s.handleNotFound(w, r)
		return
	}
	serveStaticBody(w, r, body, cache)
}

// serveStaticBody writes body in the encoding r accepts, or 304 when the
// client's copy (If-None-Match) is current.
func serveStaticBody(w http.ResponseWriter, r *http.Request, body *staticBody, cache string) {
	h := w.Header()
	addVary(h, "Accept-Encoding")
	h.Set("Cache-Control", cache)
	content, etag := body.raw, body.etag
	gz := body.gzip != nil && acceptsEncoding(r.Header.Values("Accept-Encoding"), "gzip")
	if gz {
		content, etag = body.gzip, gzipETag(body.etag)
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	if etagMatches(r.Header.Get("If-None-Match"), body.etag, gzipETag(body.etag)) {
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

// gzipETag is the entity tag of the gzip form of the content tagged etag.
func gzipETag(etag string) string {
	return strings.TrimSuffix(etag, `"`) + `-gz"`
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
