package db

import (
	"context"
	"sort"
	"time"

	"gorm.io/gorm"
)

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

// ThrottleKey is one counter a login attempt is charged to, e.g.
// "pair:x@example.org|192.0.2.1" with Limit 5, and the most failures it may
// have within the window before attempts are refused.
type ThrottleKey struct {
	Key   string
	Limit int
	// OnlyAfter, when set, names another key: Limit is enforced only while
	// that key has a failure in the window. A per-account bound with
	// OnlyAfter set to the account-and-address pair never refuses an
	// address that has not failed, so guessing from elsewhere cannot lock
	// the owner out.
	OnlyAfter string
}

// Reservation is the outcome of ReserveLoginAttempt. When ThrottledUntil
// is zero the attempt went ahead and is counted as a failure under every
// key until ReleaseLoginAttempt says it succeeded.
type Reservation struct {
	ThrottledUntil time.Time // when the first key at its limit has room again
	Key            string    // that key
	ids            []int64
}

// Throttled reports whether the attempt was refused.
func (r Reservation) Throttled() bool { return !r.ThrottledUntil.IsZero() }

// ReserveLoginAttempt counts one attempt under every key, atomically: in one
// write transaction it checks each key's failures in the last window and,
// unless one is at its limit, records the attempt under all of them before
// the caller checks the password. So N parallel guesses get no more checks
// than N sequential ones. SQLite's single writer serialises the
// transactions; on PostgreSQL each key's transaction-scoped advisory lock
// does, taken in key order so two attempts cannot deadlock.
func (s *Store) ReserveLoginAttempt(ctx context.Context, keys []ThrottleKey, window time.Duration) (Reservation, error) {
	now := s.clock()
	since := now.Add(-window)
	sorted := append([]ThrottleKey(nil), keys...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Key < sorted[j].Key })
	var res Reservation
	err := s.write(ctx, func(tx *gorm.DB) error {
		if s.dialect == Postgres {
			for _, k := range sorted {
				if err := tx.Exec("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", "throttle:"+k.Key).Error; err != nil {
					return err
				}
			}
		}
		count := func(key string) (int64, error) {
			var n int64
			err := tx.Raw("SELECT COUNT(*) FROM login_attempts WHERE throttle_key = ? AND at > ?", key, since).Scan(&n).Error
			return n, err
		}
		for _, k := range keys {
			n, err := count(k.Key)
			if err != nil {
				return err
			}
			if n < int64(k.Limit) {
				continue
			}
			if k.OnlyAfter != "" {
				m, err := count(k.OnlyAfter)
				if err != nil {
					return err
				}
				if m == 0 {
					continue
				}
			}
			// Room comes back when enough of the window's attempts age out
			// that fewer than Limit remain: the (n-Limit+1)th oldest one.
			var at []time.Time
			err = tx.Raw("SELECT at FROM login_attempts WHERE throttle_key = ? AND at > ? ORDER BY at LIMIT 1 OFFSET ?",
				k.Key, since, n-int64(k.Limit)).Scan(&at).Error
			if err != nil {
				return err
			}
			res = Reservation{ThrottledUntil: now.Add(window), Key: k.Key}
			if len(at) > 0 {
				res.ThrottledUntil = utc(at[0]).Add(window)
			}
			return nil
		}
		for _, k := range keys {
			var id int64
			if err := tx.Raw("INSERT INTO login_attempts (throttle_key, at) VALUES (?, ?) RETURNING id", k.Key, now).Scan(&id).Error; err != nil {
				return err
			}
			res.ids = append(res.ids, id)
		}
		return nil
	})
	if err != nil {
		return Reservation{}, wrap("reserve login attempt", err)
	}
	return res, nil
}

// ReleaseLoginAttempt un-counts a reserved attempt that succeeded.
func (s *Store) ReleaseLoginAttempt(ctx context.Context, r Reservation) error {
	if len(r.ids) == 0 {
		return nil
	}
	_, err := s.exec(ctx, "DELETE FROM login_attempts WHERE id IN ?", r.ids)
	return wrap("release login attempt", err)
}
