// Package db stores Readiness users, sessions, drafts and assessment results
// in SQLite (the default: one file, one process) or PostgreSQL (several app
// instances sharing one database).
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

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

// Dialect names the database engine behind a Store.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// IsPostgresURL reports whether dsn selects PostgreSQL rather than a SQLite file.
func IsPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Store is the Readiness database.
//
// On SQLite, writes go through a single connection so SQLite never sees two
// writers from this process, and reads use a separate pool. On PostgreSQL
// both handles are one pool: the server sorts out concurrent writers.
type Store struct {
	dialect Dialect
	w       *gorm.DB
	r       *gorm.DB
	now     func() time.Time
	// rp is r with cached prepared statements, for fixed SQL only (a
	// multi-statement migration must not go through them); writes of fixed
	// SQL take a prepared session of their transaction.
	rp *gorm.DB
	// commit is the group committer for every write on SQLite (batch.go).
	commit *committer

	// readStmts holds fixed reads that run on most requests (the session
	// lookup, the draft), prepared once (readStmt).
	readStmts sync.Map // SQL → *sql.Stmt
	// writeStmts holds fixed writes that run on most requests, prepared
	// once on the writer's pool (prepared.go).
	writeStmts sync.Map // SQL → *sql.Stmt
	// sessions keeps SessionUser's answers for up to a second
	// (sessioncache.go).
	sessions *sessionCache

	dsn string // what Open was given

	// beforeAccessRecord, when tests set it, runs before ExportCaseload
	// writes its record, on the goroutine that writes it.
	beforeAccessRecord func()

	// SQLite only: the file and the identity it had when opened (live.go).
	path string
	file fileID
}

// Open opens the database and applies pending migrations. dsn is a
// postgres:// URL for PostgreSQL, otherwise the path of a SQLite file
// (created if needed). now is the clock for every stored timestamp; nil means
// time.Now.
func Open(dsn string, now func() time.Time) (*Store, error) {
	s, err := open(dsn, now)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// open connects without migrating, so tests can build old schemas.
func open(dsn string, now func() time.Time) (*Store, error) {
	if now == nil {
		now = time.Now
	}
	var (
		s   *Store
		err error
	)
	if IsPostgresURL(dsn) {
		s, err = openPostgres(dsn)
	} else {
		s, err = openSQLite(dsn)
	}
	if err != nil {
		return nil, err
	}
	s.now, s.dsn = now, dsn
	s.sessions = newSessionCache()
	// The hot paths (session and user lookups on every request, storing a
	// result) run fixed SQL through prepared-statement sessions, so the
	// database compiles each statement once per connection instead of per call.
	s.rp = s.r.Session(&gorm.Session{PrepareStmt: true})
	if s.dialect == SQLite {
		// PostgreSQL takes concurrent writers itself; one committer per
		// instance would only serialise them (docs/PERFORMANCE.md).
		s.startCommitter()
	}
	return s, nil
}

// Dialect reports which engine the store runs on.
func (s *Store) Dialect() Dialect { return s.dialect }

func gormConfig() *gorm.Config {
	return &gorm.Config{
		Logger:                 logger.Default.LogMode(logger.Silent),
		SkipDefaultTransaction: true,
		TranslateError:         true,
	}
}

func poolSize(g *gorm.DB, conns int) error {
	sqlDB, err := g.DB()
	if err != nil {
		return fmt.Errorf("db: open: %w", err)
	}
	sqlDB.SetMaxOpenConns(conns)
	sqlDB.SetMaxIdleConns(conns)
	sqlDB.SetConnMaxLifetime(0)
	return nil
}

func closeGorm(g *gorm.DB) error {
	sqlDB, err := g.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Close finishes queued writes, then closes the connection pools.
func (s *Store) Close() error {
	s.stopCommitter()
	closeStmts(&s.readStmts)
	closeStmts(&s.writeStmts)
	if s.r == s.w {
		return closeGorm(s.w)
	}
	return errors.Join(closeGorm(s.r), closeGorm(s.w))
}

// readStmt is query (fixed SQL with ? placeholders) prepared once on the
// readers' pool, for a read that runs on most requests and is scanned by
// hand: through gorm, each run built the statement, prepared it and
// scanned by reflection, which cost more than the query.
func (s *Store) readStmt(query string) (*sql.Stmt, error) {
	return s.prepareOnce(&s.readStmts, s.r, query)
}

// prepareOnce is query prepared on g's pool, kept in stmts by its SQL: the
// first call prepares it, later ones find it. A failed prepare is not kept,
// so the next call tries again.
func (s *Store) prepareOnce(stmts *sync.Map, g *gorm.DB, query string) (*sql.Stmt, error) {
	if st, ok := stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	pool, err := g.DB()
	if err != nil {
		return nil, err
	}
	st, err := pool.Prepare(s.placeholders(query))
	if err != nil {
		return nil, err
	}
	if prev, loaded := stmts.LoadOrStore(query, st); loaded {
		st.Close() // another request prepared it first
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// closeStmts closes the statements prepareOnce kept in stmts.
func closeStmts(stmts *sync.Map) {
	stmts.Range(func(_, st any) bool {
		st.(*sql.Stmt).Close()
		return true
	})
}

// Ping checks that both the reader and the writer can reach the database.
// It does not write: CheckWritable does.
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

// clock returns the injected time in UTC, truncated to microseconds so values
// round-trip identically on databases with microsecond precision.
func (s *Store) clock() time.Time {
	return s.now().UTC().Truncate(time.Microsecond)
}

// write runs fn in a write transaction and returns once it is durably
// committed. On SQLite it joins the group committer's next transaction
// (batch.go: an immediate one, on the single writer connection), and the
// commit counts only if it reached the database file that will be there
// after a restart (live.go). On PostgreSQL it is a transaction of its own.
// fn must not call the store's write methods itself.
func (s *Store) write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if s.commit != nil {
		return s.commit.run(ctx, fn)
	}
	return s.w.WithContext(ctx).Transaction(fn)
}

// exec runs one write statement and reports how many rows it changed, with
// write's guarantee.
func (s *Store) exec(ctx context.Context, sql string, args ...any) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *gorm.DB) error {
		res := tx.Exec(sql, args...)
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// placeholders writes the ? placeholders of a query for database/sql
// directly, as gorm does for the dialect: $1, $2, … on PostgreSQL. The
// query must hold no ? other than placeholders.
func (s *Store) placeholders(q string) string {
	if s.dialect != Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// wrap turns driver errors into the package sentinels.
func wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrConflict), errors.Is(err, ErrInvalidShareCode), errors.Is(err, ErrLocked):
		return err
	case errors.Is(err, ErrUnavailable):
		return fmt.Errorf("db: %s: %w", op, err)
	case errors.Is(err, gorm.ErrRecordNotFound):
		return fmt.Errorf("db: %s: %w", op, ErrNotFound)
	case errors.Is(err, gorm.ErrDuplicatedKey), isUniqueViolation(err):
		return fmt.Errorf("db: %s: %w (%v)", op, ErrConflict, err)
	case errors.Is(err, gorm.ErrForeignKeyViolated), isForeignKeyViolation(err):
		// The row this one points at (a user or session) does not exist.
		return fmt.Errorf("db: %s: %w", op, ErrNotFound)
	case isUnwritable(err):
		return fmt.Errorf("db: %s: %w (%v)", op, ErrUnavailable, err)
	}
	return fmt.Errorf("db: %s: %w", op, err)
}

func isUniqueViolation(err error) bool {
	return isSQLiteCode(err, sqliteUnique...) || isPgCode(err, "23505")
}

func isForeignKeyViolation(err error) bool {
	return isSQLiteCode(err, sqliteForeignKey...) || isPgCode(err, "23503")
}

// isUnwritable reports errors that mean a write cannot reach the database.
func isUnwritable(err error) bool {
	return isSQLiteUnwritable(err) || isPgUnwritable(err)
}

// utc normalises a time read back from the driver.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}
