package db

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"
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

func openTest(t testing.TB) (*Store, *fakeClock) {
	t.Helper()
	clock := newClock()
	s, err := Open(filepath.Join(t.TempDir(), "readiness.db"), clock.Now)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, clock
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
