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
)

// readerConns is the size of the SQLite read pool; WAL lets readers run
// alongside the writer.
const readerConns = 4

func openSQLite(path string) (*Store, error) {
	w, err := openSQLiteGorm(dsn(path, writer), 1)
	if err != nil {
		return nil, err
	}
	// The writer connects first so the file exists and is in WAL mode before
	// read-only connections touch it.
	if err := w.Exec("SELECT 1").Error; err != nil {
		closeGorm(w)
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	file, err := statFile(path)
	if err != nil {
		closeGorm(w)
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	r, err := openSQLiteGorm(dsn(path, reader), readerConns)
	if err != nil {
		closeGorm(w)
		return nil, err
	}
	return &Store{dialect: SQLite, w: w, r: r, path: path, file: file}, nil
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

func openSQLiteGorm(dsn string, conns int) (*gorm.DB, error) {
	g, err := gorm.Open(sqlite.Open(dsn), gormConfig())
	// Several processes opening one new file at once (an instance and
	// `readiness migrate`, say) can meet SQLite's "database is locked"
	// while another one turns the file to WAL: that moment does not wait
	// on busy_timeout. It passes within milliseconds, so try again for a
	// few seconds before giving up.
	for wait := 5 * time.Millisecond; err != nil && isSQLiteBusy(err) && wait < 3*time.Second; wait *= 2 {
		time.Sleep(wait)
		g, err = gorm.Open(sqlite.Open(dsn), gormConfig())
	}
	if err != nil {
		return nil, fmt.Errorf("db: open: %w", err)
	}
	if err := poolSize(g, conns); err != nil {
		return nil, err
	}
	return g, nil
}

// Backup writes a consistent copy of the live database to dest with
// VACUUM INTO. It refuses to overwrite an existing file. SQLite only: a
// PostgreSQL database is backed up with pg_dump (docs/OPERATIONS.md).
func (s *Store) Backup(ctx context.Context, dest string) error {
	if s.dialect != SQLite {
		return errors.New("db: backup: this command copies a SQLite file; back up PostgreSQL with pg_dump (see docs/OPERATIONS.md)")
	}
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("db: backup: destination %s already exists", dest)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("db: backup: %w", err)
	}
	// VACUUM INTO needs only a read transaction on the source, so it runs on
	// its own connection and writers keep going.
	g, err := openSQLiteGorm(dsn(s.path, backup), 1)
	if err != nil {
		return err
	}
	defer closeGorm(g)
	if err := g.WithContext(ctx).Exec("VACUUM INTO ?", dest).Error; err != nil {
		return fmt.Errorf("db: backup to %s: %w", dest, err)
	}
	return nil
}

var (
	sqliteUnique     = []sqlite3.ErrNoExtended{sqlite3.ErrConstraintUnique, sqlite3.ErrConstraintPrimaryKey}
	sqliteForeignKey = []sqlite3.ErrNoExtended{sqlite3.ErrConstraintForeignKey}
)

// isSQLiteCode reports whether err is a go-sqlite3 error with one of the
// extended codes. gorm's translation misses errors raised while reading
// RETURNING rows.
// isSQLiteBusy reports whether err is SQLite's "database is locked".
func isSQLiteBusy(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.Code == sqlite3.ErrBusy
}

func isSQLiteCode(err error, codes ...sqlite3.ErrNoExtended) bool {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return false
	}
	for _, c := range codes {
		if se.ExtendedCode == c {
			return true
		}
	}
	return false
}

// isSQLiteUnwritable: a read-only file, a full disk, an I/O error or a file
// that cannot be opened.
func isSQLiteUnwritable(err error) bool {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code {
	case sqlite3.ErrReadonly, sqlite3.ErrFull, sqlite3.ErrIoErr, sqlite3.ErrCantOpen:
		return true
	}
	return false
}
