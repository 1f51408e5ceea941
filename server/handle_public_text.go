package server

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// publicReservedIDs are the ids of the public pages' own elements, which
// no heading of a published text may take.
var publicReservedIDs = []string{"register-header", "public-toc", "public-text", "status-banner", "public-search", "q", "sha256"}

// tocDepth is the deepest heading level the table of contents lists.
const tocDepth = 3

// tocEntry is one heading of a published text, for its table of contents.
type tocEntry struct {
	// Level is the heading's level, 2 to tocDepth.
	Level int
	// ID is the heading's anchor in the rendered text.
	ID   string
	Text string
}

// publicText is a published text rendered for reading, with the
// headings that make its table of contents.
type publicText struct {
	HTML template.HTML
	TOC  []tocEntry
}

// renderPublicText renders a published Markdown text as the procedure
// pages show it, with the same safety as renderMarkdown (markdown.go), and
// lists its headings. With standalone, images that are not data: URLs are
// replaced by their alternative text, so that a downloaded file loads
// nothing from elsewhere.
func renderPublicText(src string, standalone bool) (publicText, error) {
	src = strings.ToValidUTF8(src, "\uFFFD")
	ids := &headingIDs{used: map[string]bool{}}
	for _, id := range reservedIDs {
		ids.used[id] = true
	}
	for _, id := range publicReservedIDs {
		ids.used[id] = true
	}
	source := []byte(src)
	ctx := parser.NewContext(parser.WithIDs(ids))
	doc := markdown.Parser().Parse(text.NewReader(source), parser.WithContext(ctx))
	var out publicText
	var images []*ast.Image
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			// The title (level 1) is the page's own; the contents list
			// the sections and their subsections.
			if n.Level >= 2 && n.Level <= tocDepth {
				id, _ := n.AttributeString("id")
				idText, _ := id.([]byte)
				out.TOC = append(out.TOC, tocEntry{Level: n.Level, ID: string(idText), Text: strings.TrimSpace(nodeText(n, source))})
			}
		case *ast.Image:
			if standalone && !strings.HasPrefix(strings.ToLower(strings.TrimSpace(string(n.Destination))), "data:") {
				images = append(images, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, img := range images {
		parent := img.Parent()
		if parent == nil {
			continue
		}
		parent.ReplaceChild(parent, img, ast.NewString([]byte(nodeText(img, source))))
	}
	var buf bytes.Buffer
	if err := markdown.Renderer().Render(&buf, source, doc); err != nil {
		return publicText{}, fmt.Errorf("render published text: %w", err)
	}
	// The renderer escapes all text and never writes raw HTML through
	// (see markdown.go), so the fragment is safe to insert as is.
	out.HTML = template.HTML(buf.String())
	return out, nil
}

// nodeText returns the text of n's inline descendants, as a reader sees it.
func nodeText(n ast.Node, source []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(source))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.AutoLink:
			b.Write(c.Label(source))
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}
