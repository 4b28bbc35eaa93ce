// Package db stores Readiness users, sessions, drafts and assessment results in SQLite.
package db

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/readiness/readiness/account"
)

// Sentinel errors returned by Store methods; callers compare with errors.Is.
var (
	ErrNotFound         = errors.New("db: not found")
	ErrConflict         = errors.New("db: conflict")
	ErrInvalidShareCode = errors.New("db: invalid share code")
	// ErrUnavailable means the database cannot be written: the disk is
	// full, the file is read-only or was removed, or the server refuses
	// writes. Nothing was stored.
	ErrUnavailable = errors.New("database cannot be written")
)

// Roles a user may have: account's, under the names the queries use.
const (
	RoleLearner   = account.RoleLearner
	RoleCounselor = account.RoleCounselor
	RoleAdmin     = account.RoleAdmin
)

// readerConns is the size of the read pool; WAL lets readers run alongside the writer.
const readerConns = 4

// Store is the Readiness database. Writes go through a single connection so
// SQLite never sees two writers from this process; reads use a separate pool.
type Store struct {
	w    *gorm.DB
	r    *gorm.DB
	path string
	now  func() time.Time
	// wp and rp are w and r with cached prepared statements, for fixed SQL
	// only (a multi-statement migration must not go through them).
	wp, rp *gorm.DB
	// commit is the group committer for CreateAssessment (batch.go).
	commit *committer
}

// Open opens (creating if needed) the SQLite file at path and applies pending
// migrations. now is the clock for every stored timestamp; nil means time.Now.
func Open(path string, now func() time.Time) (*Store, error) {
	s, err := open(path, now)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// open connects both handles without migrating, so tests can build old schemas.
func open(path string, now func() time.Time) (*Store, error) {
	if now == nil {
		now = time.Now
	}
	w, err := openGorm(dsn(path, writer), 1)
	if err != nil {
		return nil, err
	}
	// The writer connects first so the file exists and is in WAL mode before
	// read-only connections touch it.
	if err := w.Exec("SELECT 1").Error; err != nil {
		closeGorm(w)
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	r, err := openGorm(dsn(path, reader), readerConns)
	if err != nil {
		closeGorm(w)
		return nil, err
	}
	// The hot paths (session and user lookups on every request, the group
	// committer) run fixed SQL through prepared-statement sessions, so SQLite
	// compiles each statement once per connection instead of per call.
	prep := &gorm.Session{PrepareStmt: true}
	s := &Store{w: w, r: r, wp: w.Session(prep), rp: r.Session(prep), path: path, now: now}
	s.startCommitter()
	return s, nil
}

type connKind int

const (
	writer connKind = iota
	reader
	backup
)

// dsn builds the go-sqlite3 URI. The writer takes the lock at BEGIN
// (_txlock=immediate) so concurrent transactions wait on busy_timeout instead
// of failing with "database is locked" on upgrade. Readers use deferred
// transactions and query_only, so they never take the write lock. The backup
// connection reads like a reader but may write the VACUUM INTO target, which
// query_only forbids.
func dsn(path string, kind connKind) string {
	p := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	q := "_journal_mode=WAL&_synchronous=FULL&_foreign_keys=on&_busy_timeout=10000"
	switch kind {
	case writer:
		q += "&_txlock=immediate"
	case reader:
		q += "&_txlock=deferred&_query_only=true"
	case backup:
		q += "&_txlock=deferred"
	}
	return "file:" + p + "?" + q
}

func openGorm(dsn string, conns int) (*gorm.DB, error) {
	g, err := gorm.Open(sqlite.Open(dsn), &gorm.Config{
		Logger:                 logger.Default.LogMode(logger.Silent),
		SkipDefaultTransaction: true,
		TranslateError:         true,
	})
	if err != nil {
		return nil, fmt.Errorf("db: open: %w", err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fmt.Errorf("db: open: %w", err)
	}
	sqlDB.SetMaxOpenConns(conns)
	sqlDB.SetMaxIdleConns(conns)
	sqlDB.SetConnMaxLifetime(0)
	return g, nil
}

func closeGorm(g *gorm.DB) error {
	sqlDB, err := g.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Close finishes queued writes, then closes both connection pools.
func (s *Store) Close() error {
	s.stopCommitter()
	return errors.Join(closeGorm(s.r), closeGorm(s.w))
}

// Ping checks that both the reader and the writer can reach the database.
func (s *Store) Ping(ctx context.Context) error {
	for _, g := range []*gorm.DB{s.r, s.w} {
		sqlDB, err := g.DB()
		if err != nil {
			return err
		}
		if err := sqlDB.PingContext(ctx); err != nil {
			return fmt.Errorf("db: ping: %w", err)
		}
	}
	return nil
}

// Backup writes a consistent copy of the live database to dest with
// VACUUM INTO. It refuses to overwrite an existing file.
func (s *Store) Backup(ctx context.Context, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("db: backup: destination %s already exists", dest)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("db: backup: %w", err)
	}
	// VACUUM INTO needs only a read transaction on the source, so it runs on
	// its own connection and writers keep going.
	g, err := openGorm(dsn(s.path, backup), 1)
	if err != nil {
		return err
	}
	defer closeGorm(g)
	if err := g.WithContext(ctx).Exec("VACUUM INTO ?", dest).Error; err != nil {
		return fmt.Errorf("db: backup to %s: %w", dest, err)
	}
	return nil
}

// clock returns the injected time in UTC, truncated to microseconds so values
// round-trip identically on databases with microsecond precision.
func (s *Store) clock() time.Time {
	return s.now().UTC().Truncate(time.Microsecond)
}

// write runs fn in one immediate write transaction on the writer.
func (s *Store) write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.w.WithContext(ctx).Transaction(fn)
}

// wrap turns driver errors into the package sentinels.
func wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrConflict), errors.Is(err, ErrInvalidShareCode):
		return err
	case errors.Is(err, gorm.ErrRecordNotFound):
		return fmt.Errorf("db: %s: %w", op, ErrNotFound)
	case errors.Is(err, gorm.ErrDuplicatedKey), isSQLite(err, sqlite3.ErrConstraintUnique), isSQLite(err, sqlite3.ErrConstraintPrimaryKey):
		return fmt.Errorf("db: %s: %w", op, ErrConflict)
	case errors.Is(err, gorm.ErrForeignKeyViolated), isSQLite(err, sqlite3.ErrConstraintForeignKey):
		// The row this one points at (a user or session) does not exist.
		return fmt.Errorf("db: %s: %w", op, ErrNotFound)
	}
	return fmt.Errorf("db: %s: %w", op, err)
}

// isSQLite reports whether err is a go-sqlite3 error with the extended code.
// gorm's translation misses errors raised while reading RETURNING rows.
func isSQLite(err error, code sqlite3.ErrNoExtended) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == code
}

// utc normalises a time read back from the driver.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}
