// Package web holds Tawla's interface assets: html/template pages, the
// stylesheet, browser scripts and the translation catalogues. They are
// embedded in the binary.
package web

import "embed"

// FS holds templates/, static/ and i18n/.
//
//go:embed templates static i18n
var FS embed.FS
