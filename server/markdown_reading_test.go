package server

import (
	"strings"
	"testing"
)

// TestReadingText: a procedure's Markdown read as its reader sees it, one
// line per block, without the marks that only shape the page.
func TestReadingText(t *testing.T) {
	src := "# Accueil *au* guichet\n\n" +
		"> **Texte adopté.** Voir [le site](https://x.tn) ou <https://y.tn>.\n\n" +
		"## 1. Étapes\n\n" +
		"3. **Accueil** — bureau\n   de l'OTE.\n4. Orientation `CRDA`\n\n" +
		"- [ ] Carte d'identité\n- [x] Passeport\n\n" +
		"| Service | Rôle |\n|:--|:--|\n| OTE | accueil |\n\n" +
		"<div>caché</div>\n\n---\n\n" +
		"```\ncode ici\n```\n\n" +
		"مرحبا **بكم** في ~~الشباك~~ ![صورة](a.png) 3 \\* 4 &amp; 5\n"
	want := strings.Join([]string{
		"Accueil au guichet",
		"",
		"Texte adopté. Voir le site ou https://y.tn.",
		"",
		"1. Étapes",
		"",
		"3. Accueil — bureau de l'OTE.",
		"4. Orientation CRDA",
		"",
		"• ☐ Carte d'identité",
		"• ☑ Passeport",
		"",
		"Service | Rôle",
		"OTE | accueil",
		"",
		"code ici",
		"",
		"مرحبا بكم في الشباك صورة 3 * 4 & 5",
	}, "\n") + "\n"
	if got := readingText(src); got != want {
		t.Errorf("readingText:\n%s\nwant:\n%s", got, want)
	}
	// A nested list and a loose item's second paragraph stay with their
	// list, without blank lines between them.
	if got, want := readingText("- un\n  - un bis\n- deux\n\n  suite\n\nFin."), "• un\n• un bis\n• deux\nsuite\n\nFin.\n"; got != want {
		t.Errorf("nested list: %q, want %q", got, want)
	}
	if got := readingText("bad \xff byte"); got != "bad \uFFFD byte\n" {
		t.Errorf("invalid UTF-8: %q", got)
	}
	if got := readingText(""); got != "" {
		t.Errorf("empty text: %q", got)
	}
}
