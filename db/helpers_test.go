package db

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/readiness/readiness/db/dbtest"
)

// fakeClock is a deterministic clock that tests can move forward.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// openTest opens a fresh, migrated SQLite store in a temp dir, for the tests
// of SQLite-only behaviour; everything else runs on every dialect through
// forEachStore.
func openTest(t testing.TB) (*Store, *fakeClock) {
	t.Helper()
	return openDialect(t, SQLite)
}

// openDialect opens a fresh, migrated store: a temp-dir SQLite file, or a new
// schema on the PostgreSQL server named by READINESS_TEST_DATABASE_URL
// (skipping the test when it is not set).
func openDialect(t testing.TB, d Dialect) (*Store, *fakeClock) {
	t.Helper()
	clock := newClock()
	s, err := Open(testDSN(t, d), clock.Now)
	if err != nil {
		t.Fatalf("Open %s: %v", d, err)
	}
	t.Cleanup(func() { s.Close() })
	return s, clock
}

// testDSN is a fresh, empty database of the dialect.
func testDSN(t testing.TB, d Dialect) string {
	t.Helper()
	if d == Postgres {
		return dbtest.PostgresURL(t)
	}
	return filepath.Join(t.TempDir(), "readiness.db")
}

// dialects are the engines every store test runs on.
var dialects = []Dialect{SQLite, Postgres}

// forEachStore runs fn as a subtest per dialect, each with a fresh store:
// the one suite for SQLite and PostgreSQL.
func forEachStore(t *testing.T, fn func(t *testing.T, s *Store, clock *fakeClock)) {
	t.Helper()
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			s, clock := openDialect(t, d)
			fn(t, s, clock)
		})
	}
}

func mustUser(t testing.TB, s *Store, email, role string) User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), NewUser{Email: email, Name: "Name " + email, PasswordHash: "hash", Role: role})
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	return u
}

func result(overall float64, band string) NewResult {
	return NewResult{
		ProfileID: "nz-bachelor", ProfileVersion: "2025.1",
		Answers: []byte(`{"q1":"yes"}`), Result: []byte(`{"overall":1}`),
		Overall: overall, Band: band, BachelorMet: overall >= 50, TopStep: "step-1",
	}
}

func countRows(t testing.TB, s *Store, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	q := "SELECT COUNT(*) FROM " + table
	if where != "" {
		q += " WHERE " + where
	}
	if err := s.r.Raw(q, args...).Scan(&n).Error; err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// updateRole and updateDisabled change one thing about a user through
// UpdateUser, as the admin pages do.
func updateRole(s *Store, id int64, role string) error {
	_, err := s.UpdateUser(context.Background(), 0, id, UserChange{Role: &role})
	return err
}

func updateDisabled(s *Store, id int64, disabled bool) error {
	_, err := s.UpdateUser(context.Background(), 0, id, UserChange{Disabled: &disabled})
	return err
}
