// Command precompress writes the compressed forms of the static files —
// gzip and Brotli, each at its best ratio — for the server to embed and
// serve (package web/assets): `go run ./web/precompress web/static`, which
// make web runs after bundling the editor. Each form is named by the
// SHA-256 of the content it compresses, under web/static/dist/gz and
// web/static/dist/br, so a form left over from another build is never
// served for other bytes; those no build needs any more are removed. A
// form already written is not made again.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/andybalholm/brotli"

	"tawla/web/assets"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: precompress web/static")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "precompress:", err)
		os.Exit(1)
	}
}

// form is one compressed form the build writes: its folder, the suffix of
// its files, where a content's form goes, and how it is made.
type form struct {
	name     string
	dir      string
	suffix   string
	path     func(sum string) string
	compress func(raw []byte) ([]byte, error)
}

// forms are the compressed forms of the static files.
var forms = []form{
	{name: "gzip", dir: assets.GzipDir, suffix: ".gz", path: assets.GzipPath, compress: assets.Gzip},
	{name: "Brotli", dir: assets.BrotliDir, suffix: ".br", path: assets.BrotliPath, compress: compressBrotli},
}

// compressBrotli returns raw compressed with Brotli at its best ratio.
func compressBrotli(raw []byte) ([]byte, error) {
	var buf bytes.Buffer
	w := brotli.NewWriterLevel(&buf, brotli.BestCompression)
	if _, err := w.Write(raw); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// run writes the missing compressed forms of the files under dir and
// removes those that no file needs.
func run(dir string) error {
	set, err := assets.Prepare(os.DirFS(dir))
	if err != nil {
		return err
	}
	for _, f := range forms {
		if err := f.write(dir, set); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return nil
}

// write writes f's missing files for the bodies of set worth compressing,
// and removes the files of f that none of them needs.
func (f form) write(dir string, set *assets.Set) error {
	out := filepath.Join(dir, filepath.FromSlash(f.dir))
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	wanted := map[string]bool{}
	written := 0
	for _, body := range set.Bodies() {
		if body.Gzip == nil {
			continue // not worth compressing
		}
		file := filepath.Join(dir, filepath.FromSlash(f.path(body.Sum)))
		wanted[filepath.Base(file)] = true
		if _, err := os.Stat(file); err == nil {
			continue
		}
		compressed, err := f.compress(body.Raw)
		if err != nil {
			return err
		}
		if err := os.WriteFile(file+".tmp", compressed, 0o644); err != nil {
			return err
		}
		if err := os.Rename(file+".tmp", file); err != nil {
			return err
		}
		written++
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !wanted[e.Name()] && strings.HasSuffix(e.Name(), f.suffix) {
			if err := os.Remove(filepath.Join(out, e.Name())); err != nil {
				return err
			}
		}
	}
	if written > 0 {
		fmt.Printf("precompress: %d %s files written to %s\n", written, f.name, out)
	}
	return nil
}
