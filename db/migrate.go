package db

import (
	"context"
	"embed"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the embedded NNNN_name.sql files, checking that
// versions run 1, 2, 3... without gaps.
func loadMigrations() ([]migration, error) {
	entries, err := migrationFiles.ReadDir("migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 {
			return nil, fmt.Errorf("db: migration %s: name must start with a version number", e.Name())
		}
		body, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(body)})
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
// its own transaction together with its schema_migrations row.
func (s *Store) migrateTo(ctx context.Context, n int) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	err = s.w.WithContext(ctx).Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    applied_at TIMESTAMP NOT NULL
)`).Error
	if err != nil {
		return fmt.Errorf("db: migrate: %w", err)
	}
	current, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if current > len(ms) {
		return fmt.Errorf("db: migrate: database schema version %d is newer than this program knows (%d)", current, len(ms))
	}
	for _, m := range ms {
		if n >= 0 && m.version > n {
			break
		}
		err := s.write(ctx, func(tx *gorm.DB) error {
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
			return tx.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", m.version, s.clock()).Error
		})
		if err != nil {
			return fmt.Errorf("db: migration %s: %w", m.name, err)
		}
	}
	return nil
}

// SchemaVersion reports the highest applied migration, 0 for an empty database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v *int
	err := s.r.WithContext(ctx).Raw("SELECT MAX(version) FROM schema_migrations").Scan(&v).Error
	if err != nil {
		return 0, fmt.Errorf("db: schema version: %w", err)
	}
	if v == nil {
		return 0, nil
	}
	return *v, nil
}
