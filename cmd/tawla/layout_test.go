package main

import (
	"go/build"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// importRules says, for each package of the module, which of the module's
// packages it may import; docs/architecture.md draws the same rules. Test
// files are not held to them (a package's external tests may start a
// whole server). A package missing here fails the test, so that a new one
// comes with its rule.
var importRules = map[string][]string{
	"workspace":            {"workspace/change"},
	"workspace/change":     {},
	"workspace/diff":       {"workspace/change"},
	"workspace/search":     {},
	"workspace/sqlite":     {"workspace", "workspace/change", "workspace/search", "schema"},
	"schema":               {},
	"live":                 {"workspace"},
	"collab":               {"live", "workspace", "workspace/change", "workspace/sqlite"},
	"meeting":              {"live", "workspace", "workspace/sqlite"},
	"server":               {"live", "collab", "meeting", "workspace", "workspace/change", "workspace/diff", "workspace/sqlite", "workspace/search", "web", "web/assets", "chart"},
	"web":                  {},
	"web/assets":           {},
	"web/precompress":      {"web/assets"},
	"chart":                {},
	"demo":                 {"workspace", "workspace/diff", "workspace/sqlite"},
	"client":               {"workspace/change"},
	"cmd/tawla":            {"server", "collab", "live", "workspace", "workspace/sqlite", "demo"},
	"bench":                {"client", "collab", "demo", "server", "workspace", "workspace/change", "workspace/sqlite"},
	"e2e":                  {},
	"internal/testsupport": {"demo", "workspace", "workspace/sqlite"},
	"internal/tracetest":   {},
}

// TestImportRules checks that every package imports only what its rule
// allows: the domain nothing of ours but its pure algorithms, the live
// channel no store, the co-editing authority no HTTP, and so on.
func TestImportRules(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	const module = "tawla/"
	seen := map[string]bool{}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata") {
			return filepath.SkipDir
		}
		pkg, err := build.ImportDir(path, 0)
		if err != nil {
			return nil // no Go files here
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		seen[rel] = true
		allowed, ok := importRules[rel]
		if !ok {
			t.Errorf("package %s has no import rule: add it to importRules and to docs/architecture.md", rel)
			return nil
		}
		for _, imp := range pkg.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			if dep := strings.TrimPrefix(imp, module); !slices.Contains(allowed, dep) {
				t.Errorf("package %s imports %s, which its rule does not allow", rel, dep)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for pkg := range importRules {
		if !seen[pkg] {
			t.Errorf("importRules names %s, which is not a package any more", pkg)
		}
	}
}
