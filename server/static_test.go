package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/andybalholm/brotli"

	"tawla/web"
	"tawla/web/assets"
)

// rawGet fetches url with the headers given, without the transport's own
// gzip handling, and returns the response with its body as sent.
func rawGet(t *testing.T, url string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// gunzip decompresses b, failing the test when it is not gzip.
func gunzip(t *testing.T, what string, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: not gzip: %v", what, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: bad gzip: %v", what, err)
	}
	return out
}

// hashedAssetName is the form of a hashed name: the plain name with 12 hex
// digits before its extension.
var hashedAssetName = regexp.MustCompile(`^(.+)\.[0-9a-f]{12}(\.[a-z0-9]+)$`)

// TestAssetsCompressed checks how every embedded static file is served
// (issue 15): gzip to a client that accepts it (Brotli, when the build made
// it, to one that accepts that too), decompressing to the file's bytes,
// and the file as it is to a client that does not, with
// Vary: Accept-Encoding and the length of what is sent; under a hashed
// name, cached for a year as immutable, with an entity tag that answers
// 304; under its plain name, revalidated. A changed file gets a new name,
// and a script that imports it too. Pages link the hashed names, and are
// themselves compressed on the fly.
func TestAssetsCompressed(t *testing.T) {
	ts := newTestServer(t)
	sub, err := fs.Sub(web.FS, "static")
	if err != nil {
		t.Fatal(err)
	}
	set, err := staticAssets()
	if err != nil {
		t.Fatal(err)
	}
	count, brotliServed := 0, 0
	err = fs.WalkDir(sub, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name == assets.BrotliDir || name == assets.GzipDir {
				return fs.SkipDir // the build's compressed forms, not served themselves
			}
			return nil
		}
		count++
		original, err := fs.ReadFile(sub, name)
		if err != nil {
			return err
		}
		a := set.ByName[name]
		if a == nil {
			t.Errorf("%s: not prepared for serving", name)
			return nil
		}
		hashed := assetURL(name)
		m := hashedAssetName.FindStringSubmatch(strings.TrimPrefix(hashed, "/static/"))
		if m == nil || m[1]+m[2] != name {
			t.Errorf("%s: hashed address %s, want %s with 12 hex digits before the extension", name, hashed, name)
		}
		// The hashed name serves the file, except that a script's imports
		// of other static scripts name their hashed names.
		want := a.Body.Raw
		if !assets.ImportSpecifier.Match(original) && !bytes.Equal(want, original) {
			t.Errorf("%s: the hashed name serves other bytes than the file's, with no import to rewrite", name)
		}
		for _, spec := range assets.ImportSpecifier.FindAllSubmatch(want, -1) {
			if !hashedAssetName.Match(spec[3]) {
				t.Errorf("%s: the hashed script imports %s, a plain name", name, spec[3])
			}
		}
		for _, tt := range []struct {
			url   string
			want  []byte
			cache string
		}{
			{ts.URL + hashed, want, immutableCache},
			{ts.URL + "/static/" + name, original, revalidateCache},
		} {
			// A client that accepts Brotli gets it when the build made it
			// (make web), and gzip otherwise.
			resp, body := rawGet(t, tt.url, map[string]string{"Accept-Encoding": "gzip, deflate, br"})
			switch enc := resp.Header.Get("Content-Encoding"); enc {
			case "br":
				got, err := io.ReadAll(brotli.NewReader(bytes.NewReader(body)))
				if err != nil || !bytes.Equal(got, tt.want) {
					t.Errorf("GET %s: the Brotli body decompresses to %d bytes (%v) that differ from the file's %d", tt.url, len(got), err, len(tt.want))
				}
				brotliServed++
			case "gzip":
				if got := gunzip(t, tt.url, body); !bytes.Equal(got, tt.want) {
					t.Errorf("GET %s: the gzip body decompresses to bytes that differ from the file's", tt.url)
				}
			default:
				t.Errorf("GET %s accepting Brotli and gzip: Content-Encoding %q", tt.url, enc)
			}
			checkStaticHeaders(t, tt.url, resp, body, tt.cache)

			// A client that accepts gzip.
			resp, body = rawGet(t, tt.url, map[string]string{"Accept-Encoding": "gzip, deflate"})
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s: status %d", tt.url, resp.StatusCode)
				continue
			}
			if got := resp.Header.Get("Content-Encoding"); got != "gzip" {
				t.Errorf("GET %s accepting gzip: Content-Encoding %q, want gzip", tt.url, got)
			} else if got := gunzip(t, tt.url, body); !bytes.Equal(got, tt.want) {
				t.Errorf("GET %s: the gzip body decompresses to %d bytes that differ from the file's %d", tt.url, len(got), len(tt.want))
			}
			checkStaticHeaders(t, tt.url, resp, body, tt.cache)
			etag := resp.Header.Get("ETag")

			// A client that does not.
			for _, accept := range []string{"", "identity", "gzip;q=0", "br;q=0, gzip;q=0"} {
				resp, body := rawGet(t, tt.url, map[string]string{"Accept-Encoding": accept})
				if got := resp.Header.Get("Content-Encoding"); got != "" {
					t.Errorf("GET %s with Accept-Encoding %q: Content-Encoding %q, want none", tt.url, accept, got)
				}
				if !bytes.Equal(body, tt.want) {
					t.Errorf("GET %s with Accept-Encoding %q: %d bytes that differ from the file's %d", tt.url, accept, len(body), len(tt.want))
				}
				checkStaticHeaders(t, tt.url, resp, body, tt.cache)
			}

			// A client that has it already.
			if etag == "" {
				t.Errorf("GET %s: no ETag", tt.url)
				continue
			}
			resp, body = rawGet(t, tt.url, map[string]string{"Accept-Encoding": "gzip", "If-None-Match": etag})
			if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
				t.Errorf("GET %s with If-None-Match %s: status %d with %d bytes, want 304 and none", tt.url, etag, resp.StatusCode, len(body))
			}
			resp, _ = rawGet(t, tt.url, map[string]string{"If-None-Match": `"0123456789ab"`})
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s with another ETag: status %d, want 200", tt.url, resp.StatusCode)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if count < 5 {
		t.Fatalf("only %d static files embedded: web/static should hold the stylesheet, the scripts and the icon", count)
	}
	// The Brotli forms are the build's (make web); a plain go test
	// without them serves gzip, as checked above.
	if _, err := fs.Stat(sub, assets.BrotliDir); err == nil && brotliServed == 0 {
		t.Errorf("%s exists but no file was served with Brotli: are its names the SHA-256 of the files?", assets.BrotliDir)
	}
	t.Logf("%d static files; %d answers in Brotli", count, brotliServed)

	// The name follows the content.
	a, b := []byte("body { color: black; }\n"), []byte("body { color: navy; }\n")
	if assets.HashedName("css/tawla.css", a) == assets.HashedName("css/tawla.css", b) {
		t.Errorf("two different contents get the same hashed name %s", assets.HashedName("css/tawla.css", a))
	}
	if assets.HashedName("css/tawla.css", a) != assets.HashedName("css/tawla.css", append([]byte(nil), a...)) {
		t.Errorf("the same content gets two names")
	}
	// A script importing a changed script changes name too.
	build := func(channel string) *assets.Set {
		t.Helper()
		s, err := assets.Prepare(fstest.MapFS{
			"js/channel.js": {Data: []byte(channel)},
			"js/meeting.js": {Data: []byte("import { Channel } from \"./channel.js\";\nnew Channel({});\n")},
		})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	one, two := build("export class Channel {}\n"), build("export class Channel { start() {} }\n")
	if one.ByName["js/channel.js"].Hashed == two.ByName["js/channel.js"].Hashed {
		t.Errorf("a changed channel.js keeps its name %s", one.ByName["js/channel.js"].Hashed)
	}
	if one.ByName["js/meeting.js"].Hashed == two.ByName["js/meeting.js"].Hashed {
		t.Errorf("meeting.js keeps its name %s although the script it imports changed", one.ByName["js/meeting.js"].Hashed)
	}
	if got, want := string(two.ByName["js/meeting.js"].Body.Raw), `from "./`+strings.TrimPrefix(two.ByName["js/channel.js"].Hashed, "js/")+`"`; !strings.Contains(got, want) {
		t.Errorf("the hashed meeting.js imports %q, want %s", got, want)
	}
	if got := string(two.ByName["js/meeting.js"].Plain.Raw); !strings.Contains(got, `from "./channel.js"`) {
		t.Errorf("the plain meeting.js should import the plain channel.js: %q", got)
	}

	// Every file a template names through asset is embedded (the editor's
	// bundle is, once make web has built it).
	templates, err := fs.Glob(web.FS, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	assetCall := regexp.MustCompile(`\{\{asset "([^"]+)"\}\}`)
	for _, file := range templates {
		text, err := fs.ReadFile(web.FS, file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range assetCall.FindAllStringSubmatch(string(text), -1) {
			name := strings.TrimPrefix(m[1], "/static/")
			if _, ok := set.ByName[name]; !ok && !strings.HasPrefix(name, "dist/") {
				t.Errorf("%s links %s, which is not in web/static", file, m[1])
			}
		}
		if strings.Contains(string(text), `="/static/`) {
			t.Errorf("%s links a static file by its plain address: use {{asset \"/static/…\"}}", file)
		}
	}

	// A Brotli form is used only for the content it is named after.
	css := []byte(strings.Repeat("body { color: navy; }\n", 20))
	var br bytes.Buffer
	bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
	_, _ = bw.Write(css)
	_ = bw.Close()
	sum := sha256.Sum256(css)
	withBrotli, err := assets.Prepare(fstest.MapFS{
		"css/tawla.css": {Data: css},
		assets.BrotliPath(hex.EncodeToString(sum[:])): {Data: br.Bytes()},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := withBrotli.ByName["css/tawla.css"].Plain.Brotli; !bytes.Equal(got, br.Bytes()) {
		t.Errorf("the Brotli form named after the stylesheet's SHA-256 is not used")
	}
	if len(withBrotli.ByName) != 1 {
		t.Errorf("the Brotli forms are served as files of their own: %d assets", len(withBrotli.ByName))
	}
	stale, err := assets.Prepare(fstest.MapFS{
		"css/tawla.css": {Data: append(css, '\n')},
		assets.BrotliPath(hex.EncodeToString(sum[:])): {Data: br.Bytes()},
	})
	if err != nil {
		t.Fatal(err)
	}
	if stale.ByName["css/tawla.css"].Plain.Brotli != nil {
		t.Errorf("a Brotli form of other content is served for the stylesheet")
	}

	// The build's gzip form is used likewise (a marker shows which form
	// was taken: the build's, not one made at start), and one of other
	// content is not.
	builtGzip, err := assets.Gzip(css)
	if err != nil {
		t.Fatal(err)
	}
	builtGzip[9] = 0x7f // the header's OS byte: harmless, and not what Go writes
	withGzip, err := assets.Prepare(fstest.MapFS{
		"css/tawla.css": {Data: css},
		assets.GzipPath(hex.EncodeToString(sum[:])): {Data: builtGzip},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := withGzip.ByName["css/tawla.css"].Plain.Gzip; !bytes.Equal(got, builtGzip) {
		t.Errorf("the gzip form named after the stylesheet's SHA-256 is not used")
	}
	if len(withGzip.ByName) != 1 {
		t.Errorf("the gzip forms are served as files of their own: %d assets", len(withGzip.ByName))
	}
	staleGzip, err := assets.Prepare(fstest.MapFS{
		"css/tawla.css": {Data: append(css, '\n')},
		assets.GzipPath(hex.EncodeToString(sum[:])): {Data: builtGzip},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := staleGzip.ByName["css/tawla.css"].Plain.Gzip; bytes.Equal(got, builtGzip) {
		t.Errorf("a gzip form of other content is served for the stylesheet")
	}

	// Unknown files and folders are not found.
	for _, path := range []string{"/static/", "/static/css/", "/static/css/tawla.000000000000.css", "/static/no-such-file.css"} {
		if resp, _ := rawGet(t, ts.URL+path, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, resp.StatusCode)
		}
	}

	// Pages link the hashed names, and are compressed on the fly.
	resp, body := rawGet(t, ts.URL+"/login", map[string]string{"Accept-Encoding": "gzip"})
	if got := resp.Header.Get("Content-Encoding"); got != "gzip" {
		t.Fatalf("GET /login accepting gzip: Content-Encoding %q, want gzip", got)
	}
	if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("GET /login: Vary %q lacks Accept-Encoding", resp.Header.Get("Vary"))
	}
	if cl := resp.Header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(body)) {
		t.Errorf("GET /login: Content-Length %s for %d bytes sent", cl, len(body))
	}
	page := string(gunzip(t, "/login", body))
	for _, name := range []string{"css/tawla.css", "js/tawla.js", "favicon.svg"} {
		if url := assetURL(name); !strings.Contains(page, `"`+url+`"`) || url == "/static/"+name {
			t.Errorf("the login page does not link %s by its hashed name %s", name, url)
		}
	}
	if strings.Contains(page, `"/static/css/tawla.css"`) {
		t.Errorf("the login page still links the plain stylesheet")
	}
	resp, body = rawGet(t, ts.URL+"/login", nil)
	if got := resp.Header.Get("Content-Encoding"); got != "" || !strings.Contains(string(body), "</html>") {
		t.Errorf("GET /login without gzip: Content-Encoding %q, want a plain page", got)
	}
	// A small answer is not worth compressing.
	resp, body = rawGet(t, ts.URL+"/healthz", map[string]string{"Accept-Encoding": "gzip"})
	if got := resp.Header.Get("Content-Encoding"); got != "" || string(body) != "ok\n" {
		t.Errorf("GET /healthz accepting gzip: Content-Encoding %q, body %q, want plain ok", got, body)
	}
}

// checkStaticHeaders checks what every answer of a static file says: its
// type, Vary, the length of what was sent, and its caching.
func checkStaticHeaders(t *testing.T, url string, resp *http.Response, body []byte, cache string) {
	t.Helper()
	if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("GET %s: Vary %q lacks Accept-Encoding", url, resp.Header.Get("Vary"))
	}
	if got, want := resp.Header.Get("Content-Length"), strconv.Itoa(len(body)); got != want {
		t.Errorf("GET %s: Content-Length %q, want %s", url, got, want)
	}
	if got := resp.Header.Get("Cache-Control"); got != cache {
		t.Errorf("GET %s: Cache-Control %q, want %q", url, got, cache)
	}
	if resp.Header.Get("Content-Type") == "" {
		t.Errorf("GET %s: no Content-Type", url)
	}
}
