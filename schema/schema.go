// Package schema holds Tawla's SQL migrations: numbered, append-only .sql
// files applied in order, each once, by the store. A migration that has
// shipped is never edited; a change is a new file.
package schema

import "embed"

// FS holds the migration files, named NNNN_description.sql.
//
//go:embed *.sql
var FS embed.FS
