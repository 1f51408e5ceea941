package server

import (
	"io/fs"
	"testing"
	"text/template/parse"

	"tawla/web"
)

// templateFiles returns the parse trees of every template file under
// web/templates (the pages, the layout and the shared partials), by file.
// Functions are not checked: the scan only reads what the templates say.
func templateFiles(t *testing.T) map[string][]*parse.Tree {
	t.Helper()
	var names []string
	for _, pattern := range []string{pagesGlob, partialsGlob} {
		found, err := fs.Glob(web.FS, pattern)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, found...)
	}
	if len(names) == 0 {
		t.Fatal("no templates")
	}
	files := map[string][]*parse.Tree{}
	for _, name := range names {
		body, err := fs.ReadFile(web.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		tree := parse.New(name)
		tree.Mode = parse.SkipFuncCheck
		set := map[string]*parse.Tree{}
		if _, err := tree.Parse(string(body), "", "", set); err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		for _, tr := range set {
			files[name] = append(files[name], tr)
		}
	}
	return files
}

// walkTemplate calls visit for n and every node under it.
func walkTemplate(n parse.Node, visit func(parse.Node)) {
	if n == nil {
		return
	}
	visit(n)
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkTemplate(c, visit)
		}
	case *parse.ActionNode:
		walkTemplate(n.Pipe, visit)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walkTemplate(c, visit)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			walkTemplate(a, visit)
		}
	case *parse.ChainNode:
		walkTemplate(n.Node, visit)
	case *parse.IfNode:
		walkBranch(&n.BranchNode, visit)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, visit)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, visit)
	case *parse.TemplateNode:
		walkTemplate(n.Pipe, visit)
	}
}

func walkBranch(b *parse.BranchNode, visit func(parse.Node)) {
	walkTemplate(b.Pipe, visit)
	walkTemplate(b.List, visit)
	if b.ElseList != nil {
		walkTemplate(b.ElseList, visit)
	}
}

// templateCalls returns, for every call of the function fn in the
// templates, its arguments, with the file it is in.
func templateCalls(t *testing.T, fn string) (calls [][]parse.Node, files []string) {
	t.Helper()
	for file, trees := range templateFiles(t) {
		for _, tr := range trees {
			walkTemplate(tr.Root, func(n parse.Node) {
				cmd, ok := n.(*parse.CommandNode)
				if !ok || len(cmd.Args) == 0 {
					return
				}
				if id, ok := cmd.Args[0].(*parse.IdentifierNode); ok && id.Ident == fn {
					calls = append(calls, cmd.Args[1:])
					files = append(files, file)
				}
			})
		}
	}
	return calls, files
}

// templateStrings returns every string literal in the templates' actions,
// with the file it is in.
func templateStrings(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for file, trees := range templateFiles(t) {
		for _, tr := range trees {
			walkTemplate(tr.Root, func(n parse.Node) {
				if s, ok := n.(*parse.StringNode); ok {
					out[s.Text] = file
				}
			})
		}
	}
	return out
}
