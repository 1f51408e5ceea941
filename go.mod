module tawla

go 1.26.0

require (
	github.com/jmoiron/sqlx v1.4.0
	github.com/mattn/go-sqlite3 v1.14.53
	golang.org/x/crypto v0.59.0
)

require golang.org/x/sys v0.50.0 // indirect
