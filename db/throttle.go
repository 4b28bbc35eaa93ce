package db

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// RecordLoginFailure records one failed login under each key
// (e.g. "email:x@example.org" and "ip:192.0.2.1").
func (s *Store) RecordLoginFailure(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	at := s.clock()
	err := s.write(ctx, func(tx *gorm.DB) error {
		for _, k := range keys {
			if err := tx.Exec("INSERT INTO login_attempts (throttle_key, at) VALUES (?, ?)", k, at).Error; err != nil {
				return err
			}
		}
		return nil
	})
	return wrap("record login failure", err)
}

// CountLoginFailures counts failures under key at or after since.
func (s *Store) CountLoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	var n int64
	err := s.r.WithContext(ctx).Raw("SELECT COUNT(*) FROM login_attempts WHERE throttle_key = ? AND at >= ?", key, since.UTC()).Scan(&n).Error
	if err != nil {
		return 0, wrap("count login failures", err)
	}
	return int(n), nil
}

// OldestLoginFailure returns the earliest failure under key at or after
// since, so callers can say when a lockout ends; none is ErrNotFound.
func (s *Store) OldestLoginFailure(ctx context.Context, key string, since time.Time) (time.Time, error) {
	var at []time.Time
	// ORDER BY + LIMIT rather than MIN(): it keeps the column's TIMESTAMP type
	// for the driver and walks the (throttle_key, at) index.
	err := s.r.WithContext(ctx).Raw("SELECT at FROM login_attempts WHERE throttle_key = ? AND at >= ? ORDER BY at LIMIT 1",
		key, since.UTC()).Scan(&at).Error
	if err != nil {
		return time.Time{}, wrap("oldest login failure", err)
	}
	if len(at) == 0 {
		return time.Time{}, fmt.Errorf("db: oldest login failure: %w", ErrNotFound)
	}
	return utc(at[0]), nil
}

// ClearLoginFailures forgets the failures under key, e.g. after a good login.
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error {
	_, err := s.exec(ctx, "DELETE FROM login_attempts WHERE throttle_key = ?", key)
	return wrap("clear login failures", err)
}

// DeleteLoginFailuresBefore prunes failures older than t and reports how many went.
func (s *Store) DeleteLoginFailuresBefore(ctx context.Context, t time.Time) (int64, error) {
	n, err := s.exec(ctx, "DELETE FROM login_attempts WHERE at < ?", t.UTC())
	return n, wrap("delete login failures", err)
}
