package server

import (
	"regexp"
	"strings"
	"testing"
)

func TestRenderMarkdown(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // substrings of the HTML
		not  []string // substrings that must not appear (case-insensitive)
	}{
		{
			name: "RawHTMLOmitted",
			src:  "<script>alert(1)</script>\n\nA <img src=x onerror=alert(1)> b <a href=\"javascript:alert(1)\">c</a>\n\n<style>p{}</style>",
			want: []string{"<!-- raw HTML omitted -->"},
			not:  []string{"<script", "<img", "onerror", "<a ", "<style"},
		},
		{
			name: "UnsafeLinksBecomeText",
			src:  "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](javascript&#58;alert(1)) [d](&#x6A;avascript:alert(1)) [e](vbscript:x) [f](data:text/html,x) [g](file:///etc/passwd) [h]( javascript:alert(1))",
			want: []string{`<p dir="auto">a b c d e f g h</p>`},
			not:  []string{"<a "},
		},
		{
			name: "UnsafeAutolinkBecomesText",
			src:  "<javascript:alert(1)> <vbscript:x>",
			want: []string{"javascript:alert(1) vbscript:x"},
			not:  []string{"<a "},
		},
		{
			name: "UnsafeImagesBecomeText",
			src:  "![alt one](javascript:alert(1)) ![alt two](data:image/svg+xml;base64,PHN2Zz4=)",
			want: []string{"alt one alt two"},
			not:  []string{"<img"},
		},
		{
			name: "SafeLinks",
			src:  "[a](https://ote.nat.tn/fr) [b](http://example.tn) [c](mailto:ote@demo.tn) [d](tel:+21673000000) [e](/procedures/2) [f](#etapes) [g](HTTPS://EXAMPLE.TN) www.demo.tn",
			want: []string{
				`<a href="https://ote.nat.tn/fr">a</a>`, `<a href="http://example.tn">b</a>`, `<a href="mailto:ote@demo.tn">c</a>`,
				`<a href="tel:+21673000000">d</a>`, `<a href="/procedures/2">e</a>`, `<a href="#etapes">f</a>`,
				`<a href="HTTPS://EXAMPLE.TN">g</a>`, `<a href="http://www.demo.tn">www.demo.tn</a>`,
			},
		},
		{
			name: "RasterDataImage",
			src:  "![logo](data:image/png;base64,iVBORw0KGgo=)",
			want: []string{`<img src="data:image/png;base64,iVBORw0KGgo=" alt="logo">`},
		},
		{
			name: "DirAutoOnTextBlocks",
			src:  "# Titre\n\nParagraphe.\n\n- un\n- deux\n\n> cité\n\n1. premier\n\n   suite\n",
			want: []string{
				`<h1 id="titre" dir="auto">Titre</h1>`, `<p dir="auto">Paragraphe.</p>`,
				"<ul>\n<li dir=\"auto\">un</li>", "<blockquote>\n<p dir=\"auto\">cité</p>",
				"<ol>\n<li dir=\"auto\">\n<p>premier</p>\n<p>suite</p>",
			},
			not: []string{`<ul dir`, `<ol dir`, `<blockquote dir`},
		},
		{
			name: "TableAlignmentAsClasses",
			src:  "| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |",
			want: []string{
				`<th dir="auto" class="align-start">a</th>`, `<th dir="auto" class="align-center">b</th>`,
				`<th dir="auto" class="align-end">c</th>`, `<th dir="auto">d</th>`, `<td dir="auto" class="align-end">3</td>`,
			},
			not: []string{"style=", "align="},
		},
		{
			name: "TaskList",
			src:  "- [x] fait\n- [ ] à faire",
			want: []string{`<input checked="" disabled="" type="checkbox"> fait`, `<input disabled="" type="checkbox"> à faire`},
		},
		{
			name: "HeadingIDs",
			src:  "# Étape 1 : l'accueil\n\n## التوجيه إلى المكتب\n\n## Étape 1 : l'accueil\n\n## Main\n\n## !!!",
			want: []string{
				`<h1 id="étape-1-laccueil" dir="auto">`, `<h2 id="التوجيه-إلى-المكتب" dir="auto">`,
				`<h2 id="étape-1-laccueil-1" dir="auto">`,
				// The page's own ids are never taken.
				`<h2 id="main-1" dir="auto">`,
				`<h2 id="section" dir="auto">`,
			},
		},
		{
			name: "NoAttributeSyntax",
			src:  "# Titre {#main onclick=alert(1)}",
			want: []string{`<h1 id="titre-main-onclickalert1" dir="auto">Titre {#main onclick=alert(1)}</h1>`},
			not:  []string{`id="main"`},
		},
		{
			name: "InvalidUTF8",
			src:  "Proc\xe9dure",
			want: []string{"Proc\uFFFDdure"},
		},
		{
			name: "Escaped",
			src:  "a < b & c > d \"e\"",
			want: []string{"a &lt; b &amp; c &gt; d &quot;e&quot;"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := renderMarkdown(tt.src)
			if err != nil {
				t.Fatalf("renderMarkdown: %v", err)
			}
			html := string(got)
			for _, want := range tt.want {
				if !strings.Contains(html, want) {
					t.Errorf("rendered HTML lacks %s:\n%s", want, html)
				}
			}
			lower := strings.ToLower(html)
			for _, unwanted := range tt.not {
				if strings.Contains(lower, strings.ToLower(unwanted)) {
					t.Errorf("rendered HTML holds %s:\n%s", unwanted, html)
				}
			}
		})
	}
}

// TestRenderMarkdownNeverLinksScript renders many spellings of a script
// address, in links, images, autolinks and reference definitions: none may
// become an href or a src.
func TestRenderMarkdownNeverLinksScript(t *testing.T) {
	schemes := []string{
		"javascript:", "JAVASCRIPT:", "java\tscript:", "java&#x09;script:", "&#106;avascript:", "javascript&colon;",
		"javascript&#58;", "  javascript:", "\x01javascript:", "vbscript:", "data:text/html,", "data:image/svg+xml,",
	}
	unsafe := regexp.MustCompile(`(?i)(href|src)="[^"]*(script|data:(text|image/svg))`)
	for _, scheme := range schemes {
		for _, form := range []string{"[x](%s)", "![x](%s)", "<%s>", "[x][r]\n\n[r]: %s", "[x](<%s>)"} {
			src := strings.ReplaceAll(form, "%s", scheme+"alert(1)")
			got, err := renderMarkdown(src)
			if err != nil {
				t.Fatalf("renderMarkdown(%q): %v", src, err)
			}
			if m := unsafe.FindString(string(got)); m != "" {
				t.Errorf("renderMarkdown(%q) links %s:\n%s", src, m, got)
			}
		}
	}
}

func TestSafeURL(t *testing.T) {
	for _, tt := range []struct {
		url   string
		image bool
		want  bool
	}{
		{"https://ote.nat.tn", false, true},
		{"mailto:a@b.tn", false, true},
		{"tel:+216", false, true},
		{"/relative/path", false, true},
		{"relative:colon/after-slash", false, false},
		{"docs/a:b", false, true},
		{"?q=javascript:x", false, true},
		{"#frag", false, true},
		{"", false, true},
		{"javascript:alert(1)", false, false},
		{" \tJavaScript:alert(1)", false, false},
		{"java\nscript:alert(1)", false, false},
		{"data:image/png;base64,xx", false, false},
		{"data:image/png;base64,xx", true, true},
		{"DATA:IMAGE/JPEG;base64,xx", true, true},
		{"data:image/svg+xml;base64,xx", true, false},
		{"ftp://example.tn", false, false},
	} {
		if got := safeURL([]byte(tt.url), tt.image); got != tt.want {
			t.Errorf("safeURL(%q, image %v) = %v, want %v", tt.url, tt.image, got, tt.want)
		}
	}
}
