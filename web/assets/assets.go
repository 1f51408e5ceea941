// Package assets prepares the static files of web/static for serving:
// each file under its own name and under a name that carries a hash of its
// content (css/tawla.3f9a1c2b7d04.css), with its compressed forms. The
// server (server/static.go) serves what Prepare returns.
//
// The build (web/precompress, run by make web, so by make run and make
// test) writes the compressed forms ahead of time, and the binary embeds
// them: gzip and Brotli at their best ratios, each a file named by the
// SHA-256 of the content it compresses (under GzipDir and BrotliDir), so
// that a form can never be served for other bytes than its own, whatever
// an earlier build left behind. A binary built without that step (a plain
// `go build`) has no Brotli, and Prepare makes the gzip forms it lacks
// once, when the server starts: a few tens of milliseconds.
package assets

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"regexp"
	"sort"
	"strings"
)

// BrotliDir and GzipDir are the folders of web/static where the build
// writes the Brotli and gzip forms (web/static/dist, like the editor's
// bundle, is not committed). Their files are not served themselves.
const (
	BrotliDir = "dist/br"
	GzipDir   = "dist/gz"
)

// HashLength is how many hex digits of the SHA-256 of its content an
// asset's hashed name carries (48 bits).
const HashLength = 12

// Asset is one file of web/static in each of the forms it is served in.
type Asset struct {
	// Name is the file's path under web/static, such as "css/tawla.css",
	// and Hashed its name with the hash of Body,
	// "css/tawla.3f9a1c2b7d04.css".
	Name, Hashed string
	// ContentType is the Content-Type of both names.
	ContentType string
	// Plain is the file as embedded, served under Name; Body is what is
	// served under Hashed: the same bytes, except in a script whose
	// imports of other static scripts were rewritten to their hashed names
	// (see RewriteImports), so that a hashed script only ever loads hashed
	// ones, and a changed script changes the names of those that import it.
	Plain, Body *Body
}

// Body is one content with its compressed forms and its entity tag.
type Body struct {
	Raw []byte
	// Gzip and Brotli are Raw compressed, or nil when the type is not worth
	// compressing (or, for Brotli, when the build did not make it).
	Gzip, Brotli []byte
	// Sum is the hex SHA-256 of Raw, and ETag the entity tag of Raw,
	// quoted; a compressed form's tag adds "-gz" or "-br" before the
	// closing quote.
	Sum, ETag string
}

// Set is every asset by both its names.
type Set struct {
	ByName   map[string]*Asset
	ByHashed map[string]*Asset
}

// Prepare reads every file of fsys (web/static) and prepares it for
// serving.
func Prepare(fsys fs.FS) (*Set, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name == BrotliDir || name == GzipDir {
				return fs.SkipDir
			}
			return nil
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		files[name] = b
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("assets: read the static files: %w", err)
	}
	set := &Set{ByName: map[string]*Asset{}, ByHashed: map[string]*Asset{}}
	// Scripts are prepared after the scripts they import (prepare
	// recurses), since their hashed content names those scripts' hashed
	// names.
	var prepare func(name string, seen map[string]bool) (*Asset, error)
	prepare = func(name string, seen map[string]bool) (*Asset, error) {
		if a, ok := set.ByName[name]; ok {
			return a, nil
		}
		if seen[name] {
			return nil, fmt.Errorf("assets: the script %s imports itself, through others", name)
		}
		seen[name] = true
		raw := files[name]
		body := raw
		if strings.HasSuffix(name, ".js") {
			var rerr error
			body = RewriteImports(raw, func(spec string) string {
				target := path.Join(path.Dir(name), spec)
				if _, ok := files[target]; !ok || path.Dir(target) != path.Dir(name) {
					return spec // not one of ours, or in another folder: as written
				}
				dep, err := prepare(target, seen)
				if err != nil {
					rerr = err
					return spec
				}
				return "./" + path.Base(dep.Hashed)
			})
			if rerr != nil {
				return nil, rerr
			}
		}
		a := &Asset{Name: name, Hashed: HashedName(name, body), ContentType: ContentType(name)}
		var err error
		if a.Plain, err = newBody(fsys, raw, a.ContentType); err != nil {
			return nil, err
		}
		a.Body = a.Plain
		if !bytes.Equal(body, raw) {
			if a.Body, err = newBody(fsys, body, a.ContentType); err != nil {
				return nil, err
			}
		}
		set.ByName[name] = a
		set.ByHashed[a.Hashed] = a
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

// Bodies returns every body of the set once, the plain and the hashed
// forms, in the order of the names.
func (s *Set) Bodies() []*Body {
	names := make([]string, 0, len(s.ByName))
	for name := range s.ByName {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []*Body
	for _, name := range names {
		a := s.ByName[name]
		out = append(out, a.Plain)
		if a.Body != a.Plain {
			out = append(out, a.Body)
		}
	}
	return out
}

// BrotliPath returns where the build puts the Brotli form of the content
// whose SHA-256 is sum, under web/static.
func BrotliPath(sum string) string {
	return BrotliDir + "/" + sum + ".br"
}

// GzipPath returns where the build puts the gzip form of the content whose
// hex SHA-256 is sum.
func GzipPath(sum string) string {
	return GzipDir + "/" + sum + ".gz"
}

// Gzip returns raw compressed with gzip at its best ratio.
func Gzip(raw []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// newBody finds the gzip and Brotli forms of raw in fsys, when its type is
// worth compressing, making the gzip form when the build did not, and names
// it with an entity tag.
func newBody(fsys fs.FS, raw []byte, contentType string) (*Body, error) {
	sum := sha256.Sum256(raw)
	b := &Body{Raw: raw, Sum: hex.EncodeToString(sum[:])}
	b.ETag = `"` + b.Sum[:2*HashLength] + `"`
	if !CompressibleType(contentType) {
		return b, nil
	}
	gz, err := fs.ReadFile(fsys, GzipPath(b.Sum))
	if err != nil || len(gz) == 0 {
		if gz, err = Gzip(raw); err != nil {
			return nil, err
		}
	}
	if len(gz) < len(raw) {
		b.Gzip = gz
	}
	if br, err := fs.ReadFile(fsys, BrotliPath(b.Sum)); err == nil && len(br) > 0 && len(br) < len(raw) {
		b.Brotli = br
	}
	return b, nil
}

// HashedName returns name with the first hex digits of the SHA-256 of
// content before its extension: "css/tawla.css" becomes
// "css/tawla.3f9a1c2b7d04.css". Two different contents get two different
// names.
func HashedName(name string, content []byte) string {
	sum := sha256.Sum256(content)
	hash := hex.EncodeToString(sum[:])[:HashLength]
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hash + ext
}

// ImportSpecifier finds the relative specifiers of a script's static
// imports and re-exports: `from "./channel.js"` and `import "./x.js"`;
// the specifier is its third group.
var ImportSpecifier = regexp.MustCompile(`(\bfrom\s*|\bimport\s*)(["'])(\.\.?/[^"'\s]+\.js)(["'])`)

// RewriteImports returns script with each relative import specifier
// replaced by rename's answer.
func RewriteImports(script []byte, rename func(spec string) string) []byte {
	return ImportSpecifier.ReplaceAllFunc(script, func(m []byte) []byte {
		parts := ImportSpecifier.FindSubmatch(m)
		return []byte(string(parts[1]) + string(parts[2]) + rename(string(parts[3])) + string(parts[4]))
	})
}

// ContentType returns the Content-Type of a static file from its
// extension, with the charset of text.
func ContentType(name string) string {
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

// CompressibleType reports whether content of this Content-Type gets
// smaller when compressed: text, and the structured formats written as
// text.
func CompressibleType(contentType string) bool {
	t, _, _ := strings.Cut(contentType, ";")
	t = strings.ToLower(strings.TrimSpace(t))
	if strings.HasPrefix(t, "text/") {
		return true
	}
	switch t {
	case "application/json", "application/javascript", "application/xml", "application/atom+xml",
		"application/rss+xml", "application/xhtml+xml", "application/manifest+json", "image/svg+xml":
		return true
	}
	return strings.HasSuffix(t, "+xml") || strings.HasSuffix(t, "+json")
}
