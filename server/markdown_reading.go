package server

import (
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// readingText returns a procedure's Markdown as its reader reads it, one
// line per block, each ending with a line break, and a blank line between
// blocks but not between the items of a list or the rows of a table, without the marks that only shape the page: a heading
// without its '#', bold and italics without their asterisks, a link as its
// words, an image as its alternative text, a list item after "•" or its
// number, a task after ☐ or ☑, a table row as its cells between " | ".
// Quotes and code keep their words; raw HTML, which pages never show, is
// left out. The public register's "what changed" page compares the
// reading text of two editions, so that a returning migrant sees words
// changed, not the asterisks and hashes of the source.
func readingText(src string) string {
	source := []byte(strings.ToValidUTF8(src, "\uFFFD"))
	doc := markdown.Parser().Parse(text.NewReader(source))
	r := &reader{source: source}
	r.blocks(doc, "")
	var b strings.Builder
	for _, line := range r.lines {
		b.WriteString(line)
		b.WriteByte('\n') // every line ends, so that one added at the end is a line of its own
	}
	return b.String()
}

// reader gathers the lines of readingText.
type reader struct {
	source []byte
	lines  []string
	inList int // how many lists the block being read is in
}

// gap puts a blank line before a block, as between paragraphs, unless it
// is the first or it is within a list.
func (r *reader) gap() {
	if r.inList == 0 && len(r.lines) > 0 && r.lines[len(r.lines)-1] != "" {
		r.lines = append(r.lines, "")
	}
}

// blocks adds the lines of the blocks under n, the first of them after
// prefix (a list item's bullet or number).
func (r *reader) blocks(n ast.Node, prefix string) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch b := c.(type) {
		case *ast.List:
			r.gap()
			r.inList++
			number := b.Start
			for item := b.FirstChild(); item != nil; item = item.NextSibling() {
				bullet := "• "
				if b.IsOrdered() {
					bullet = strconv.Itoa(number) + ". "
					number++
				}
				r.blocks(item, bullet)
			}
			r.inList--
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			r.gap()
			lines := c.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				r.add(prefix, strings.TrimRight(string(seg.Value(r.source)), "\n"))
				prefix = ""
			}
		case *ast.HTMLBlock, *ast.ThematicBreak:
			// Neither reaches the page as words.
		case *east.Table:
			r.gap()
			for row := c.FirstChild(); row != nil; row = row.NextSibling() {
				var cells []string
				for cell := row.FirstChild(); cell != nil; cell = cell.NextSibling() {
					cells = append(cells, r.inline(cell))
				}
				r.add(prefix, strings.Join(cells, " | "))
				prefix = ""
			}
		case *ast.Heading, *ast.Paragraph, *ast.TextBlock:
			if prefix == "" {
				r.gap()
			}
			r.add(prefix, r.inline(c))
		default: // a blockquote, a list item: their blocks
			r.blocks(c, prefix)
		}
		prefix = ""
	}
}

// add appends a line, unless it has no words and no prefix.
func (r *reader) add(prefix, line string) {
	line = strings.TrimSpace(line)
	if line == "" && prefix == "" {
		return
	}
	r.lines = append(r.lines, prefix+line)
}

// inline returns the words of the inline nodes under n on one line.
func (r *reader) inline(n ast.Node) string {
	var b strings.Builder
	var walk func(ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch t := c.(type) {
			case *ast.Text:
				v := t.Value(r.source)
				if !t.IsRaw() { // as the page shows it: "\*" is "*", "&amp;" is "&"
					v = util.UnescapePunctuations(util.ResolveEntityNames(util.ResolveNumericReferences(v)))
				}
				b.Write(v)
				if t.SoftLineBreak() || t.HardLineBreak() {
					b.WriteByte(' ')
				}
			case *ast.String:
				b.Write(t.Value)
			case *ast.AutoLink:
				b.Write(t.URL(r.source))
			case *ast.RawHTML:
				// Left out, as on the page.
			case *east.TaskCheckBox:
				if t.IsChecked {
					b.WriteString("☑ ")
				} else {
					b.WriteString("☐ ")
				}
			default: // emphasis, links, images, code, strikethrough: their words
				walk(c)
			}
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}
