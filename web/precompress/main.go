// Command precompress writes the Brotli forms of the static files, at
// Brotli's best ratio, for the server to embed and serve (package
// web/assets): `go run ./web/precompress web/static`, which make web runs
// after bundling the editor. Each form is named by the SHA-256 of the
// content it compresses, under web/static/dist/br, so a form left over
// from another build is never served for other bytes; those no build
// needs any more are removed. A form already written is not made again.
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

// run writes the missing Brotli forms of the files under dir and removes
// those that no file needs.
func run(dir string) error {
	set, err := assets.Prepare(os.DirFS(dir))
	if err != nil {
		return err
	}
	out := filepath.Join(dir, filepath.FromSlash(assets.BrotliDir))
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	wanted := map[string]bool{}
	written := 0
	for _, body := range set.Bodies() {
		if body.Gzip == nil {
			continue // not worth compressing
		}
		file := filepath.Join(dir, filepath.FromSlash(assets.BrotliPath(body.Sum)))
		wanted[filepath.Base(file)] = true
		if _, err := os.Stat(file); err == nil {
			continue
		}
		var buf bytes.Buffer
		w := brotli.NewWriterLevel(&buf, brotli.BestCompression)
		if _, err := w.Write(body.Raw); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		if err := os.WriteFile(file+".tmp", buf.Bytes(), 0o644); err != nil {
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
		if !wanted[e.Name()] && strings.HasSuffix(e.Name(), ".br") {
			if err := os.Remove(filepath.Join(out, e.Name())); err != nil {
				return err
			}
		}
	}
	if written > 0 {
		fmt.Printf("precompress: %d Brotli files written to %s\n", written, out)
	}
	return nil
}
