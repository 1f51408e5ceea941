// Package sqlite is Tawla's store on SQLite: the only package that speaks
// SQL. Every exported method is one transaction; unexported helpers take the
// transaction (or the reader pool) they run in.
package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	sqlite3 "github.com/mattn/go-sqlite3"

	"tawla/schema"
	"tawla/workspace"
)

// MinVersion is the oldest SQLite the store accepts: releases before 3.51.3
// carry a bug that can corrupt a WAL database when a checkpoint races a
// write (the "WAL-reset" bug).
const MinVersion = "3.51.3"

// DB is an open Tawla database: one writer connection, so that writes queue
// in Go rather than fail on SQLITE_BUSY, and a pool of read-only readers
// that WAL lets run beside it. DB is safe for concurrent use.
type DB struct {
	write *sqlx.DB
	read  *sqlx.DB
	path  string

	preparedReads // statements prepared on read, for the hottest reads

	// Now returns the current time; tests replace it to move the clock.
	Now func() time.Time

	// sessionIdle is Options.SessionIdle.
	sessionIdle time.Duration
}

// Synchronous is how the writer makes a commit durable (SQLite's
// synchronous pragma, in WAL mode).
type Synchronous string

const (
	// SynchronousFull syncs the WAL at every commit: a commit survives a
	// power cut, and an update is acknowledged only once it would. The
	// default.
	SynchronousFull Synchronous = "full"
	// SynchronousNormal syncs the WAL only at checkpoints: a commit
	// survives a crash of the process (it is in the operating system's
	// cache), but a power cut or a crash of the system may lose the last
	// commits before the next checkpoint. The database stays consistent
	// either way.
	SynchronousNormal Synchronous = "normal"
)

// ParseSynchronous reads a durability setting: "full" or "normal", in any
// case.
func ParseSynchronous(s string) (Synchronous, error) {
	switch v := Synchronous(strings.ToLower(strings.TrimSpace(s))); v {
	case SynchronousFull, SynchronousNormal:
		return v, nil
	}
	return "", fmt.Errorf("synchronous %q: use full or normal", s)
}

// Options are the settings of an open database; the zero value is Open's.
type Options struct {
	// Synchronous is the writer's durability; empty means SynchronousFull.
	Synchronous Synchronous
	// SessionIdle is how long a session may go unused before it ends;
	// zero means workspace.DefaultSessionIdle. OpenWith refuses one
	// shorter than workspace.MinSessionIdle.
	SessionIdle time.Duration
}

// Open opens (creating if needed) the database file at path, checks the
// SQLite version and applies the migrations that have not run yet. A new
// file is created readable and writable by its owner only (0600), whatever
// the umask, and SQLite gives its -wal and -shm files the same mode; an
// existing file keeps the mode its owner gave it. Commits are synced to
// the disk (SynchronousFull).
func Open(ctx context.Context, path string) (*DB, error) {
	return OpenWith(ctx, path, Options{})
}

// OpenWith is Open with opts.
func OpenWith(ctx context.Context, path string, opts Options) (*DB, error) {
	durability := opts.Synchronous
	if durability == "" {
		durability = SynchronousFull
	}
	if _, err := ParseSynchronous(string(durability)); err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	idle := opts.SessionIdle
	if idle == 0 {
		idle = workspace.DefaultSessionIdle
	}
	if idle < workspace.MinSessionIdle {
		return nil, fmt.Errorf("sqlite: a session idle limit of %v is shorter than the least, %v", idle, workspace.MinSessionIdle)
	}
	if path == "" {
		return nil, errors.New("sqlite: a database file is required")
	}
	if err := checkVersion(sqlite3Version()); err != nil {
		return nil, err
	}
	if err := createPrivate(path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("sqlite: create %s: %w", path, err)
	}
	db := &DB{path: path, Now: func() time.Time { return time.Now().UTC() }, sessionIdle: idle}
	var err error
	if db.write, err = sqlx.Open("sqlite3", dsn(path, false, durability)); err != nil {
		return nil, fmt.Errorf("sqlite: open writer: %w", err)
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetConnMaxIdleTime(0)
	if err := db.write.PingContext(ctx); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := checkFTS5(ctx, db.write); err != nil {
		db.write.Close()
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		db.write.Close()
		return nil, err
	}
	if err := db.indexMissingPublications(ctx); err != nil {
		db.write.Close()
		return nil, err
	}
	if db.read, err = sqlx.Open("sqlite3", dsn(path, true, "")); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("sqlite: open readers: %w", err)
	}
	db.read.SetMaxOpenConns(8)
	return db, nil
}

// OpenReadOnly opens the existing database file at path for reading only:
// every write through it fails, no migration runs, and the file is left
// exactly as it is. The backup command reads through it, so that a copy
// taken before an upgrade is the database the old version left, and a
// file on a read-only disk can still be copied.
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: a database file is required")
	}
	if err := checkVersion(sqlite3Version()); err != nil {
		return nil, err
	}
	db := &DB{path: path, Now: func() time.Time { return time.Now().UTC() }, sessionIdle: workspace.DefaultSessionIdle}
	var err error
	// mode=ro is SQLite's own read-only open: it never creates the file,
	// and refuses every write with SQLITE_READONLY, as on a read-only disk.
	// The writer is opened the same way, so that DB keeps one shape.
	if db.write, err = sqlx.Open("sqlite3", dsn(path, false, SynchronousFull)+"&mode=ro"); err != nil {
		return nil, fmt.Errorf("sqlite: open writer: %w", err)
	}
	db.write.SetMaxOpenConns(1)
	if err := db.write.PingContext(ctx); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if db.read, err = sqlx.Open("sqlite3", dsn(path, true, "")+"&mode=ro"); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("sqlite: open readers: %w", err)
	}
	db.read.SetMaxOpenConns(8)
	return db, nil
}

// CheckWritable reports whether a write would succeed now: it takes the
// write lock, rewrites one row with its own values, and rolls back, so
// that nothing changes. It fails when the file or its disk is read-only,
// or when the write lock cannot be had before ctx ends (another process
// holding it, say). It waits behind the store's other writes, as a real
// write would, so a server too busy to write in time is not ready either.
func (db *DB) CheckWritable(ctx context.Context) error {
	// The one writer connection, held for the whole check; asking for it
	// waits behind the other writes and honours ctx.
	conn, err := db.write.Connx(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: check write: %w", err)
	}
	defer conn.Close()
	// SQLite's busy handler sleeps without looking at ctx, so a lock held
	// by another process would keep the check for the whole busy timeout:
	// the timeout is cut to ctx's deadline for the check, then restored.
	if deadline, ok := ctx.Deadline(); ok {
		wait := max(time.Until(deadline).Milliseconds(), 1)
		if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = `+strconv.FormatInt(wait, 10)); err != nil {
			return fmt.Errorf("sqlite: check write: %w", err)
		}
		defer func() {
			restore := `PRAGMA busy_timeout = ` + strconv.FormatInt(busyTimeout.Milliseconds(), 10)
			if _, err := conn.ExecContext(context.Background(), restore); err != nil {
				// A writer left with a short timeout would fail real writes
				// under contention: drop the connection instead.
				_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			}
		}()
	}
	tx, err := conn.BeginTxx(ctx, nil) // BEGIN IMMEDIATE: takes the write lock
	if err != nil {
		return fmt.Errorf("sqlite: check write: %w", err)
	}
	defer tx.Rollback()
	// The write lock alone can be had on a read-only file; a row written
	// cannot. schema_migrations always has rows once Open has migrated.
	if _, err := tx.ExecContext(ctx, `UPDATE schema_migrations SET applied_at = applied_at
		WHERE name = (SELECT MAX(name) FROM schema_migrations)`); err != nil {
		return fmt.Errorf("sqlite: check write: %w", err)
	}
	return nil
}

// Close closes the readers and the writer.
func (db *DB) Close() error {
	var errs []error
	if db.read != nil {
		errs = append(errs, db.closePrepared(), db.read.Close())
	}
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	return errors.Join(errs...)
}

// WriterSynchronous reads the synchronous pragma of the writer connection:
// how its commits are made durable, as SQLite applies it.
func (db *DB) WriterSynchronous(ctx context.Context) (Synchronous, error) {
	var level int
	if err := db.write.GetContext(ctx, &level, "PRAGMA synchronous"); err != nil {
		return "", fmt.Errorf("sqlite: read synchronous: %w", err)
	}
	switch level {
	case 1:
		return SynchronousNormal, nil
	case 2:
		return SynchronousFull, nil
	}
	return Synchronous(strconv.Itoa(level)), nil
}

// Path returns the file the database lives in.
func (db *DB) Path() string { return db.path }

// busyTimeout is how long a connection waits for a lock another process
// holds (a backup, tawla user add) before it gives up with SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// dsn returns the connection string with the pragmas every connection
// needs: WAL, foreign keys, a busy timeout, and transactions that take the
// write lock at BEGIN (so a read-then-write transaction never fails halfway
// on a lock upgrade). Readers are marked query-only.
//
// By default the writer syncs the WAL at every commit (synchronous=FULL):
// Tawla acknowledges a co-editing update only once it is committed, and
// with NORMAL a commit could still be lost to a power cut. Group commit
// keeps the cost of the sync to one per batch of updates. durability chooses
// (Options.Synchronous); readers never commit and ignore it.
func dsn(file string, readOnly bool, durability Synchronous) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", strconv.FormatInt(busyTimeout.Milliseconds(), 10))
	if readOnly {
		q.Set("_query_only", "true")
		q.Set("_txlock", "deferred")
	} else {
		q.Set("_txlock", "immediate")
		q.Set("_synchronous", strings.ToUpper(string(durability)))
	}
	return "file:" + uriPath(file) + "?" + q.Encode()
}

// uriPath escapes the characters of a file's path that a "file:" URI would
// read otherwise — '%' starts an escape, '?' the parameters, '#' a
// fragment — so that a path holding them (a test named "#00", a folder
// "données#2") opens that very file, not one whose name stops there.
var uriPath = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace

func sqlite3Version() string {
	v, _, _ := sqlite3.Version()
	return v
}

// checkVersion refuses SQLite releases older than MinVersion.
func checkVersion(v string) error {
	if compareVersions(v, MinVersion) < 0 {
		return fmt.Errorf("sqlite: version %s is older than %s, which fixes a WAL corruption bug; rebuild with a newer mattn/go-sqlite3", v, MinVersion)
	}
	return nil
}

// checkFTS5 refuses a SQLite built without FTS5, which full-text search
// needs: mattn/go-sqlite3 includes it only under the build tag
// sqlite_fts5, which the Makefile passes to every go command.
func checkFTS5(ctx context.Context, q sqlx.QueryerContext) error {
	var enabled bool
	if err := sqlx.GetContext(ctx, q, &enabled, `SELECT sqlite_compileoption_used('ENABLE_FTS5')`); err != nil {
		return fmt.Errorf("sqlite: check FTS5: %w", err)
	}
	if !enabled {
		return errors.New("sqlite: this binary was built without full-text search (FTS5); build it with -tags sqlite_fts5, as make does")
	}
	return nil
}

// compareVersions compares dotted version numbers, returning -1, 0 or 1.
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// migrate applies, in name order, each migration not yet recorded in
// schema_migrations, each in its own transaction together with its record.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY,
		applied_at TIMESTAMP NOT NULL
	)`); err != nil {
		return fmt.Errorf("sqlite: create schema_migrations: %w", err)
	}
	names, err := fs.Glob(schema.FS, "*.sql")
	if err != nil {
		return fmt.Errorf("sqlite: list migrations: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.migrateFile(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) migrateFile(ctx context.Context, name string) error {
	tx, err := db.write.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin migration %s: %w", name, err)
	}
	defer tx.Rollback()

	var n int
	if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM schema_migrations WHERE name = ?`, name); err != nil {
		return fmt.Errorf("sqlite: check migration %s: %w", name, err)
	} else if n > 0 {
		return nil
	}
	body, err := fs.ReadFile(schema.FS, path.Clean(name))
	if err != nil {
		return fmt.Errorf("sqlite: read migration %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("sqlite: apply migration %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, name, db.Now()); err != nil {
		return fmt.Errorf("sqlite: record migration %s: %w", name, err)
	}
	return tx.Commit()
}

// AppliedMigrations returns the names of the migrations applied so far, in
// order.
func (db *DB) AppliedMigrations(ctx context.Context) ([]string, error) {
	var names []string
	err := db.read.SelectContext(ctx, &names, `SELECT name FROM schema_migrations ORDER BY name`)
	return names, err
}

// Backup writes a consistent copy of the database to dst, which must not
// exist yet. The copy is created 0600, as the database is: it holds the
// same password hashes. If the copy fails, dst is removed.
func (db *DB) Backup(ctx context.Context, dst string) error {
	// VACUUM INTO would create dst with SQLite's default mode (0644); it
	// accepts an empty file, so the file is made first with the right mode.
	// O_EXCL also refuses an existing dst without a check-then-write race.
	if err := createPrivate(dst); err != nil {
		return fmt.Errorf("sqlite: backup to %s: %w", dst, err)
	}
	if _, err := db.write.ExecContext(ctx, `VACUUM INTO ?`, dst); err != nil {
		os.Remove(dst)
		return fmt.Errorf("sqlite: backup to %s: %w", dst, err)
	}
	return nil
}

// createPrivate creates the empty file name with mode 0600, or fails with
// an error that wraps fs.ErrExist when name exists. The database holds
// password hashes and session digests, so no other user of the machine may
// read it.
func createPrivate(name string) error {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	// The umask can only take bits away from 0600; Chmod makes the mode
	// exactly 0600 even under an unusual umask such as 0277.
	err = f.Chmod(0o600)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// beginWrite starts a write transaction. Callers defer Rollback and Commit
// when done; Rollback after Commit is a no-op.
func (db *DB) beginWrite(ctx context.Context) (*sqlx.Tx, error) {
	tx, err := db.write.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlite: begin: %w", err)
	}
	return tx, nil
}

// queryRows runs query and returns one new T per row, each scanned into
// the fields that fields returns, in the order of the query's columns. The
// store scans explicitly, column by column, so that the domain types carry
// no database tags and a column list and its scan stay side by side.
func queryRows[T any](ctx context.Context, q sqlx.QueryerContext, fields func(*T) []any, query string, args ...any) ([]*T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []*T{}
	for rows.Next() {
		t := new(T)
		if err := rows.Scan(fields(t)...); err != nil {
			return nil, err
		}
		list = append(list, t)
	}
	return list, rows.Err()
}

// notFound returns the ENOTFOUND error for a missing thing.
func notFound(what string) error {
	return &workspace.Error{Code: workspace.ENOTFOUND, Key: "error.not_found", Message: what + " not found."}
}

// isNoRows reports whether err means a query matched no row.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// isUniqueViolation reports whether err is a UNIQUE constraint failure.
func isUniqueViolation(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique
}

// isForeignKeyViolation reports whether err is a FOREIGN KEY failure.
func isForeignKeyViolation(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintForeignKey
}
