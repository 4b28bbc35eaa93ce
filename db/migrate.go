package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

// Migrations are numbered SQL files per dialect (migrations/sqlite,
// migrations/postgres). Version N means the same schema on both, so a
// migration is written twice, once in each dialect, and neither is ever run
// on the other engine. Why not goose: docs/OPERATIONS.md, "Migrations".

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// goSteps are data changes SQL cannot make on both engines (Unicode case
// folding, say): each runs in its migration's transaction, after its SQL.
var goSteps = map[int]func(tx *gorm.DB) error{
	11: packStoredResults,
	12: backfillLatestDimensions,
}

// migrationLockID is the pg_advisory_lock key that serialises migrations
// between instances ("readines" in ASCII).
const migrationLockID = 0x72656164696e6573

// loadMigrations reads the dialect's embedded NNNN_name.sql files, checking
// that versions run 1, 2, 3... without gaps.
func loadMigrations(d Dialect) ([]migration, error) {
	return loadMigrationsFrom(migrationFiles, d)
}

func loadMigrationsFrom(fsys fs.FS, d Dialect) ([]migration, error) {
	dir := path.Join("migrations", string(d))
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 {
			return nil, fmt.Errorf("db: migration %s/%s: name must start with a version number", d, e.Name())
		}
		body, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: string(d) + "/" + e.Name(), sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("db: migration %s: expected version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// Migrate applies every pending migration. It is idempotent; Open already calls it.
func (s *Store) Migrate() error {
	return s.migrateTo(context.Background(), -1)
}

// migrateTo applies pending migrations up to version n (all if n < 0), each in
// its own transaction together with its schema_migrations row, all under the
// migration lock so that instances starting together apply each exactly once.
func (s *Store) migrateTo(ctx context.Context, n int) error {
	defer s.sessions.forgetAll() // a migration's Go step may rewrite users
	ms, err := loadMigrations(s.dialect)
	if err != nil {
		return err
	}
	return s.withMigrationLock(ctx, func(g *gorm.DB) error {
		err := g.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    applied_at ` + s.timestampType() + ` NOT NULL
)`).Error
		if err != nil {
			return wrap("migrate", err)
		}
		current, err := schemaVersion(g)
		if err != nil {
			return err
		}
		if current > len(ms) {
			return fmt.Errorf("db: migrate: database schema version %d is newer than this program knows (%d); run a newer readiness", current, len(ms))
		}
		for _, m := range ms {
			if n >= 0 && m.version > n {
				break
			}
			if err := s.applyMigration(g, m); err != nil {
				return fmt.Errorf("db: migration %s: %w", m.name, wrap("migrate", err))
			}
		}
		return nil
	})
}

func (s *Store) applyMigration(g *gorm.DB, m migration) error {
	err := g.Transaction(func(tx *gorm.DB) error {
		// Re-check inside the lock: another process may have just applied it.
		var done int64
		if err := tx.Raw("SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&done).Error; err != nil {
			return err
		}
		if done > 0 {
			return nil
		}
		if err := tx.Exec(m.sql).Error; err != nil {
			return err
		}
		if step := goSteps[m.version]; step != nil {
			if err := step(tx); err != nil {
				return err
			}
		}
		return tx.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", m.version, s.clock()).Error
	})
	if err != nil {
		return err
	}
	return s.checkLive()
}

// withMigrationLock runs fn holding the database-wide migration lock.
//
// On SQLite the lock is the file's write lock, taken by each migration's
// immediate transaction (other processes wait on the busy timeout), and fn
// runs on the single writer connection. On PostgreSQL fn runs on one pinned
// connection holding a session-level pg_advisory_lock, released at the end
// (or when the connection dies with its process).
func (s *Store) withMigrationLock(ctx context.Context, fn func(g *gorm.DB) error) error {
	if s.dialect != Postgres {
		return fn(s.w.WithContext(ctx))
	}
	pool, err := s.w.DB()
	if err != nil {
		return err
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		return wrap("migrate", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", int64(migrationLockID)); err != nil {
		return fmt.Errorf("db: migrate: lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", int64(migrationLockID))
	g, err := onConn(conn)
	if err != nil {
		return err
	}
	return fn(g.WithContext(ctx))
}

// onConn wraps one pinned PostgreSQL connection in gorm.
func onConn(conn *sql.Conn) (*gorm.DB, error) {
	g, err := gorm.Open(postgres.New(postgres.Config{Conn: conn}), gormConfig())
	if err != nil {
		return nil, fmt.Errorf("db: %w", err)
	}
	return g, nil
}

func (s *Store) timestampType() string {
	if s.dialect == Postgres {
		return "TIMESTAMPTZ"
	}
	return "TIMESTAMP"
}

// SchemaVersion reports the highest applied migration, 0 for an empty database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	return schemaVersion(s.r.WithContext(ctx))
}

func schemaVersion(g *gorm.DB) (int, error) {
	var v *int
	err := g.Raw("SELECT MAX(version) FROM schema_migrations").Scan(&v).Error
	if err != nil {
		return 0, fmt.Errorf("db: schema version: %w", err)
	}
	if v == nil {
		return 0, nil
	}
	return *v, nil
}

// LatestSchemaVersion is the version this program migrates a database to.
func LatestSchemaVersion(d Dialect) (int, error) {
	ms, err := loadMigrations(d)
	if err != nil {
		return 0, err
	}
	if len(ms) == 0 {
		return 0, errors.New("db: no migrations")
	}
	return ms[len(ms)-1].version, nil
}
