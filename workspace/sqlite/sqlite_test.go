package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"tawla/schema"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// MustOpenDB opens a new database in a file of its own under tb.TempDir()
// and closes it when the test ends.
func MustOpenDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	return mustOpenPath(tb, filepath.Join(tb.TempDir(), "tawla.db"))
}

func mustOpenPath(tb testing.TB, path string) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		tb.Fatalf("Open(%s): %v", path, err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return db
}

// testClock is a clock the test moves by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// MustSetClock makes db read the time from a clock the test moves,
// starting on a fixed morning in Mahdia.
func MustSetClock(db *sqlite.DB) *testClock {
	c := &testClock{now: time.Date(2026, 3, 2, 8, 30, 0, 0, time.UTC)}
	db.Now = c.Now
	return c
}

var systemActor = workspace.SystemActor("test")

// MustCreateOrganisation stores an active organisation of the state college.
func MustCreateOrganisation(tb testing.TB, db *sqlite.DB, name string) *workspace.Organisation {
	tb.Helper()
	o := &workspace.Organisation{NameFR: name, College: workspace.CollegeState}
	if err := db.CreateOrganisation(context.Background(), systemActor, o); err != nil {
		tb.Fatalf("CreateOrganisation(%q): %v", name, err)
	}
	return o
}

// MustCreateAccount stores an active account in org.
func MustCreateAccount(tb testing.TB, db *sqlite.DB, org *workspace.Organisation, name, email string, role workspace.Role) *workspace.Account {
	tb.Helper()
	a := &workspace.Account{Name: name, Email: email, OrganisationID: org.ID, Role: role, CanVote: role == workspace.RoleMember}
	if err := db.CreateAccount(context.Background(), systemActor, a); err != nil {
		tb.Fatalf("CreateAccount(%q): %v", email, err)
	}
	return a
}

// wantCode fails the test unless err carries code.
func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := workspace.ErrorCode(err); got != code {
		tb.Fatalf("err = %v (code %q), want code %q", err, got, code)
	}
}

// wantInvalidField fails the test unless err is an EINVALID error on field.
func wantInvalidField(tb testing.TB, err error, field string) {
	tb.Helper()
	var e *workspace.Error
	if !errors.As(err, &e) {
		tb.Fatalf("err = %v, want an EINVALID *workspace.Error on %q", err, field)
	}
	if e.Code != workspace.EINVALID || e.Field != field {
		tb.Fatalf("err = %v, want code %q on field %q", err, workspace.EINVALID, field)
	}
}

// mustAuditEntries returns every audit entry matching filter.
func mustAuditEntries(tb testing.TB, db *sqlite.DB, filter workspace.AuditFilter) []*workspace.AuditEntry {
	tb.Helper()
	entries, _, err := db.FindAuditEntries(context.Background(), filter)
	if err != nil {
		tb.Fatalf("FindAuditEntries: %v", err)
	}
	return entries
}

func mustAuditCount(tb testing.TB, db *sqlite.DB) int {
	tb.Helper()
	_, total, err := db.FindAuditEntries(context.Background(), workspace.AuditFilter{})
	if err != nil {
		tb.Fatalf("FindAuditEntries: %v", err)
	}
	return total
}

func TestOpen_EmptyPath(t *testing.T) {
	if _, err := sqlite.Open(context.Background(), ""); err == nil {
		t.Fatal("Open(\"\") = nil error, want an error")
	}
}

func TestOpen_AppliesEveryMigration(t *testing.T) {
	db := MustOpenDB(t)
	got, err := db.AppliedMigrations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want, err := fs.Glob(schema.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(want)
	if len(want) == 0 {
		t.Fatal("schema.FS holds no migration")
	}
	if !slices.Equal(got, want) {
		t.Errorf("AppliedMigrations = %v, want %v", got, want)
	}
	if got := filepath.Base(db.Path()); got != "tawla.db" {
		t.Errorf("Path = %q, want a file named tawla.db", db.Path())
	}
}

// migrationRows reads schema_migrations straight from the file.
func migrationRows(t *testing.T, path string) map[string]string {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(`SELECT name, CAST(applied_at AS TEXT) FROM schema_migrations`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var name, at string
		if err := rows.Scan(&name, &at); err != nil {
			t.Fatal(err)
		}
		m[name] = at
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMigrationsRunOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tawla.db")

	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("first Open: %v", err)
	}
	first, err := db.AppliedMigrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	org := &workspace.Organisation{NameFR: "Gouvernorat de Mahdia", College: workspace.CollegeState}
	if err := db.CreateOrganisation(ctx, systemActor, org); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	rowsBefore := migrationRows(t, path)
	if len(rowsBefore) != len(first) {
		t.Fatalf("schema_migrations has %d rows, AppliedMigrations %d names", len(rowsBefore), len(first))
	}

	// Let the clock move so that a migration recorded again would show.
	time.Sleep(5 * time.Millisecond)
	db = mustOpenPath(t, path) // a re-run migration would fail here: CREATE TABLE of an existing table
	second, err := db.AppliedMigrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(first, second) {
		t.Errorf("migrations after reopening = %v, want %v", second, first)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	rowsAfter := migrationRows(t, path)
	if len(rowsAfter) != len(rowsBefore) {
		t.Errorf("schema_migrations has %d rows after reopening, want %d", len(rowsAfter), len(rowsBefore))
	}
	for name, at := range rowsBefore {
		if rowsAfter[name] != at {
			t.Errorf("migration %s applied_at = %q after reopening, want %q", name, rowsAfter[name], at)
		}
	}

	// The data written before survives the reopening.
	db = mustOpenPath(t, path)
	got, err := db.FindOrganisationByID(ctx, org.ID)
	if err != nil {
		t.Fatalf("FindOrganisationByID after reopening: %v", err)
	}
	if got.NameFR != org.NameFR {
		t.Errorf("NameFR = %q, want %q", got.NameFR, org.NameFR)
	}
}

func TestBackup(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	org := MustCreateOrganisation(t, db, "Délégation régionale de la santé")
	dst := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, dst); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	copyDB := mustOpenPath(t, dst)
	got, err := copyDB.FindOrganisationByID(ctx, org.ID)
	if err != nil {
		t.Fatalf("FindOrganisationByID in the backup: %v", err)
	}
	if got.NameFR != org.NameFR {
		t.Errorf("NameFR = %q, want %q", got.NameFR, org.NameFR)
	}
	if err := db.Backup(ctx, dst); err == nil {
		t.Error("Backup over an existing file = nil error, want an error")
	}
}

// TestFilesPrivate checks that the database, its -wal and -shm files and a
// backup are readable and writable by their owner only: they hold password
// hashes and session digests.
func TestFilesPrivate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data := filepath.Join(dir, "tawla.db")
	db := mustOpenPath(t, data)
	MustCreateOrganisation(t, db, "Délégation régionale de la santé") // a write makes the -wal
	backup := filepath.Join(dir, "backup.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	for _, name := range []string{data, data + "-wal", data + "-shm", backup} {
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fi.Mode().Perm(), fs.FileMode(0o600); got != want {
			t.Errorf("%s: mode %v, want %v", filepath.Base(name), got, want)
		}
	}
}

// TestCheckWritable checks that the readiness check tells a database that
// takes writes from one that cannot, and changes nothing itself.
func TestCheckWritable(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "tawla.db")
		db := mustOpenPath(t, path)
		// PRAGMA data_version, read on a connection of its own, changes
		// when any other connection commits to the file, even a write that
		// leaves every value as it was.
		other, err := sql.Open("sqlite3", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		other.SetMaxOpenConns(1)
		dataVersion := func() (v int) {
			if err := other.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		before := dataVersion()
		if err := db.CheckWritable(ctx); err != nil {
			t.Fatalf("CheckWritable = %v, want nil", err)
		}
		if after := dataVersion(); after != before {
			t.Errorf("CheckWritable committed a change: data_version %d → %d", before, after)
		}
		MustCreateOrganisation(t, db, "Délégation régionale de la santé")
		if after := dataVersion(); after == before {
			t.Error("data_version did not see a real write: the check above cannot fail")
		}
	})
	t.Run("ReadOnly", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "tawla.db")
		rw, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		MustCreateOrganisation(t, rw, "Délégation régionale de la santé")
		if err := rw.Close(); err != nil {
			t.Fatal(err)
		}
		db, err := sqlite.OpenReadOnly(ctx, path)
		if err != nil {
			t.Fatalf("OpenReadOnly: %v", err)
		}
		defer db.Close()
		if _, err := db.AppliedMigrations(ctx); err != nil {
			t.Errorf("a read-only database does not read: %v", err)
		}
		if err := db.CheckWritable(ctx); err == nil {
			t.Error("CheckWritable on a read-only database = nil, want an error")
		}
		org := &workspace.Organisation{NameFR: "Écrite quand même", College: workspace.CollegeState}
		if err := db.CreateOrganisation(ctx, workspace.SystemActor("test"), org); err == nil {
			t.Error("a read-only database took a write")
		}
	})
	t.Run("WriteLockHeldElsewhere", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "tawla.db")
		db := mustOpenPath(t, path)
		other, err := sql.Open("sqlite3", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		conn, err := other.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
			t.Fatal(err)
		}
		defer conn.ExecContext(ctx, "ROLLBACK")
		short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		if err := db.CheckWritable(short); err == nil {
			t.Error("CheckWritable while another process holds the write lock = nil, want an error")
		}
		if elapsed := time.Since(start); elapsed > 3*time.Second {
			t.Errorf("CheckWritable took %v past its context's deadline of 300ms", elapsed)
		}
	})
}

// Writes from many goroutines queue on the one writer connection instead of
// failing with SQLITE_BUSY, while readers run beside them.
func TestConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	org := MustCreateOrganisation(t, db, "Croissant-Rouge")
	const workers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each*2)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				a := &workspace.Account{Name: "Membre", Email: "m" + string(rune('a'+w)) + string(rune('a'+i)) + "@example.tn", OrganisationID: org.ID, Role: workspace.RoleMember}
				if err := db.CreateAccount(ctx, systemActor, a); err != nil {
					errs <- err
				}
				if _, err := db.FindAccounts(ctx, workspace.AccountFilter{OrganisationID: &org.ID}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	accs, err := db.FindAccounts(ctx, workspace.AccountFilter{OrganisationID: &org.ID})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(accs), workers*each; got != want {
		t.Errorf("%d accounts stored, want %d", got, want)
	}
}

// Foreign keys are enforced on every connection: an audit entry cannot name
// an actor that is not an account, and the change it records is rolled back.
// The actor is a system actor carrying an account ID, because the store
// reads an account actor again and turns an unknown one into nobody, whom
// the rules refuse before anything reaches the audit log.
func TestForeignKeysEnforced(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	ghost := int64(404)
	err := db.CreateOrganisation(ctx, workspace.Actor{AccountID: &ghost, Name: "ghost", System: true}, &workspace.Organisation{NameFR: "Fantôme", College: workspace.CollegeState})
	if err == nil {
		t.Fatal("CreateOrganisation by an actor that is not an account = nil error, want a foreign key failure")
	}
	if code := workspace.ErrorCode(err); code != workspace.EINTERNAL {
		t.Fatalf("CreateOrganisation by an actor that is not an account: %v (code %q), want a foreign key failure", err, code)
	}
	orgs, err := db.FindOrganisations(ctx, workspace.OrganisationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(orgs) != 0 {
		t.Errorf("%d organisations stored, want 0: the change must roll back with its audit entry", len(orgs))
	}
}
