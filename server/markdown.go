package server

import (
	"bytes"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown renders the Markdown of procedure drafts: CommonMark with GitHub's
// tables, task lists, strikethrough and bare links, and an id on every
// heading. It is safe for concurrent use.
//
// What it renders is inserted into Tawla's own pages, so it must never carry
// markup of the author's choosing:
//   - raw HTML is left out (goldmark's default without html.WithUnsafe);
//   - links and images keep their address only when it is relative or uses a
//     scheme of safeLinkSchemes (images may also be data: PNG, GIF, JPEG or
//     WebP); any other link becomes its plain text, any other image its
//     alternative text;
//   - no style attribute is ever written (the Content-Security-Policy would
//     refuse it anyway): table alignment becomes a class;
//   - goldmark's attribute syntax ({#id .class}) stays off.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithParserOptions(
		parser.WithAutoHeadingID(),
		parser.WithASTTransformers(util.Prioritized(markdownTransformer{}, -100)),
	),
	goldmark.WithRendererOptions(
		extension.WithTableCellAlignMethod(extension.TableCellAlignNone),
	),
)

// safeLinkSchemes are the URL schemes a link in a draft may use. A link
// without a scheme (relative, or a #fragment) is kept too.
var safeLinkSchemes = map[string]bool{"http": true, "https": true, "mailto": true, "tel": true}

// safeImageData are the data: prefixes an image may use: raster formats
// only, never SVG, which can carry script.
var safeImageData = []string{"data:image/png;", "data:image/gif;", "data:image/jpeg;", "data:image/webp;"}

// reservedIDs are the ids that Tawla's pages give their own elements. A
// heading never takes one of them, so that a draft cannot hijack the skip
// link or the editor.
var reservedIDs = []string{"main", "content", "editor", "preview", "procedure-editor", "procedure-preview", "form-error"}

// renderMarkdown returns src rendered as an HTML fragment. Text that is not
// valid UTF-8 is rendered with U+FFFD in place of the bad bytes.
func renderMarkdown(src string) (template.HTML, error) {
	src = strings.ToValidUTF8(src, "\uFFFD")
	ids := &headingIDs{used: map[string]bool{}}
	for _, id := range reservedIDs {
		ids.used[id] = true
	}
	ctx := parser.NewContext(parser.WithIDs(ids))
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf, parser.WithContext(ctx)); err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	// The renderer escapes all text and raw HTML is never written through,
	// so the fragment is safe to insert as is.
	return template.HTML(buf.String()), nil
}

// markdownTransformer makes a parsed draft safe and readable in both
// directions. It runs after every other transformer.
type markdownTransformer struct{}

// Transform gives text blocks dir="auto", turns unsafe links and images
// into text, and table alignments into classes.
//
// dir="auto" goes on the blocks that hold text: paragraphs, headings, list
// items and table cells. Containers (lists, block quotes, tables) keep the
// direction of the draft: with dir="auto" they would look only at text
// outside children that have a dir of their own, find none, and fall back
// to left-to-right even in an Arabic draft. A paragraph inside a list item
// follows its item, so that the item's marker sits on the side of its text.
func (markdownTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	var unwrap []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Paragraph:
			if _, inItem := n.Parent().(*ast.ListItem); !inItem {
				n.SetAttributeString("dir", []byte("auto"))
			}
		case *ast.Heading, *ast.ListItem:
			n.SetAttributeString("dir", []byte("auto"))
		case *east.TableCell:
			n.SetAttributeString("dir", []byte("auto"))
			switch n.Alignment {
			case east.AlignLeft:
				// Alignment follows the writing direction: ":---" in an
				// Arabic table means the start of the line, as the author
				// sees it in the editor.
				n.SetAttributeString("class", []byte("align-start"))
			case east.AlignCenter:
				n.SetAttributeString("class", []byte("align-center"))
			case east.AlignRight:
				n.SetAttributeString("class", []byte("align-end"))
			}
		case *ast.Link:
			// Judge the address the renderer will write: it resolves
			// entities, so "javascript&#58;…" is "javascript:…".
			if !safeURL(util.URLEscape(n.Destination, true), false) {
				unwrap = append(unwrap, n)
			}
		case *ast.Image:
			if !safeURL(util.URLEscape(n.Destination, true), true) {
				unwrap = append(unwrap, n)
			}
		case *ast.AutoLink:
			if !safeURL(util.URLEscape(n.URL(source), false), false) {
				unwrap = append(unwrap, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range unwrap {
		parent := n.Parent()
		if parent == nil {
			continue
		}
		switch n := n.(type) {
		case *ast.AutoLink:
			parent.ReplaceChild(parent, n, ast.NewString(n.Label(source)))
		default:
			// A link keeps its text, an image its alternative text.
			for c := n.FirstChild(); c != nil; {
				next := c.NextSibling()
				parent.InsertBefore(parent, n, c)
				c = next
			}
			parent.RemoveChild(parent, n)
		}
	}
}

// safeURL reports whether a link (or, with image, an image) may point at
// dest. It reads dest as a browser would: tabs and newlines removed, leading
// and trailing spaces and control characters trimmed. An address is safe
// when it has no scheme, or one of safeLinkSchemes; an image may also be a
// data: URL of a raster format.
func safeURL(dest []byte, image bool) bool {
	u := strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, string(dest))
	u = strings.TrimFunc(u, func(r rune) bool { return r <= ' ' })
	end := strings.IndexAny(u, ":/?#")
	if end < 0 || u[end] != ':' {
		return true // no scheme: a relative address
	}
	scheme := strings.ToLower(u[:end])
	if safeLinkSchemes[scheme] {
		return true
	}
	if image && scheme == "data" {
		lower := strings.ToLower(u)
		for _, prefix := range safeImageData {
			if strings.HasPrefix(lower, prefix) {
				return true
			}
		}
	}
	return false
}

// headingIDs gives headings ids made from their text, as goldmark's own
// generator does but keeping letters and digits of every script, so that
// Arabic headings get readable anchors rather than "heading-1", "heading-2".
type headingIDs struct {
	used map[string]bool
}

// Generate returns a new id for a heading whose text is value: its letters
// and digits in lower case, spaces and dashes as "-", then "-1", "-2"… when
// taken.
func (g *headingIDs) Generate(value []byte, kind ast.NodeKind) []byte {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToValidUTF8(string(value), "") {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsSpace(r) || r == '-' || r == '_':
			dash = true
		}
	}
	base := b.String()
	if base == "" {
		base = "section"
		if kind != ast.KindHeading {
			base = "id"
		}
	}
	id := base
	for i := 1; g.used[id]; i++ {
		id = base + "-" + strconv.Itoa(i)
	}
	g.used[id] = true
	return []byte(id)
}

// Put records an id that is already taken.
func (g *headingIDs) Put(value []byte) {
	g.used[string(value)] = true
}
