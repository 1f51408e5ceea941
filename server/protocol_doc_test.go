package server

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"tawla/workspace"
)

// liveErrorSources are the Go files whose errors reach clients of the live
// channel: the hub, the co-editing authority, the rules and store calls
// they make, and the wiring of topics.
var liveErrorSources = []string{
	"../live/*.go",
	"../collab/*.go",
	"handle_ws.go",
	"topics.go",
	"../workspace/document.go",
	"../workspace/error.go",
	"../workspace/sqlite/document.go",
	"../workspace/sqlite/anchor.go",
	"../meeting/*.go",
	"../workspace/meeting_rules.go",
	"../workspace/sqlite/meeting.go",
	"handle_issue_live.go",
	"../workspace/issue_rules.go",
	"handle_poll_live.go",
	"../workspace/poll_rules.go",
	"../workspace/poll.go",
	"../workspace/sqlite/poll.go",
}

// workspaceErrorCodes maps the names of the error-code constants of
// package workspace to their values, read from its source.
func workspaceErrorCodes(t *testing.T) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join("..", "workspace", "error.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, name := range spec.Names {
			if i < len(spec.Values) && strings.HasPrefix(name.Name, "E") {
				if lit, ok := spec.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					codes[name.Name], _ = strconv.Unquote(lit.Value)
				}
			}
		}
		return true
	})
	if len(codes) < 6 {
		t.Fatalf("found only %d error codes in workspace/error.go", len(codes))
	}
	return codes
}

// TestProtocolErrorsDocumented checks that every error code the code of
// the live channel can send is in a table of docs/protocol.md, and that
// the tables name no code that does not exist.
func TestProtocolErrorsDocumented(t *testing.T) {
	codes := workspaceErrorCodes(t)
	used := map[string]string{} // code → where it was seen
	for _, pattern := range liveErrorSources {
		files, err := filepath.Glob(pattern)
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no files (%v)", pattern, err)
		}
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				var name string
				switch n := n.(type) {
				case *ast.SelectorExpr:
					if x, ok := n.X.(*ast.Ident); ok && x.Name == "workspace" {
						name = n.Sel.Name
					}
				case *ast.Ident:
					if f.Name.Name == "workspace" {
						name = n.Name
					}
				}
				if code, ok := codes[name]; ok {
					used[code] = file
				}
				return true
			})
		}
	}
	// ErrorCode gives "internal" to any error that is not a
	// *workspace.Error, which every handler may meet.
	used[workspace.EINTERNAL] = "workspace.ErrorCode"

	doc, err := os.ReadFile(filepath.Join("..", "docs", "protocol.md"))
	if err != nil {
		t.Fatal(err)
	}
	// The error tables are those headed "| code | when |".
	documented := map[string]bool{}
	row := regexp.MustCompile("^\\| `([a-z_]+)` \\|")
	inTable := false
	for _, line := range strings.Split(string(doc), "\n") {
		switch {
		case strings.HasPrefix(line, "| code | when |"):
			inTable = true
		case !strings.HasPrefix(line, "|"):
			inTable = false
		case inTable:
			if m := row.FindStringSubmatch(line); m != nil {
				documented[m[1]] = true
			}
		}
	}
	if len(documented) == 0 {
		t.Fatal(`docs/protocol.md has no error table ("| code | when |")`)
	}
	known := map[string]bool{}
	for _, code := range codes {
		known[code] = true
	}
	for code, where := range used {
		if !documented[code] {
			t.Errorf("error code %q (used in %s) is in no error table of docs/protocol.md", code, where)
		}
	}
	for code := range documented {
		if !known[code] {
			t.Errorf("docs/protocol.md documents an error code %q that the server does not have", code)
		}
	}
	t.Logf("%d error codes used by the live channel, all documented", len(used))
}
