package db

import (
	"context"
	"sync"
	"testing"
	"time"
)

// ClearLoginFailures forgets one key's failures only, and
// DeleteLoginFailuresBefore prunes failures older than a time under every key.
func TestLoginFailures_ClearAndPrune(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		const window = 15 * time.Minute
		start := clock.Now()
		keys := []ThrottleKey{{Key: "pair:a@example.org|192.0.2.1", Limit: 5}, {Key: "addr:192.0.2.1", Limit: 100}}
		for range 3 {
			_, err := s.ReserveLoginAttempt(ctx, keys, window)
			must(t, err)
			clock.Advance(10 * time.Minute)
		}
		_, err := s.ReserveLoginAttempt(ctx, keys[1:], window)
		must(t, err)
		failures := func(key string) int64 {
			return countRows(t, s, "login_attempts", "throttle_key = ?", key)
		}
		if p, a := failures(keys[0].Key), failures(keys[1].Key); p != 3 || a != 4 {
			t.Fatalf("before clear: %d pair and %d address failures, want 3 and 4", p, a)
		}

		must(t, s.ClearLoginFailures(ctx, keys[0].Key))
		if n := failures(keys[0].Key); n != 0 {
			t.Errorf("after clear: %d", n)
		}
		if n := failures(keys[1].Key); n != 4 {
			t.Errorf("clear touched another key: %d", n)
		}
		// Failures at start, +10, +20 and +30 minutes: two are before +15.
		pruned, err := s.DeleteLoginFailuresBefore(ctx, start.Add(15*time.Minute))
		if err != nil || pruned != 2 {
			t.Errorf("DeleteLoginFailuresBefore = %d, %v; want 2", pruned, err)
		}
	})
}

func TestReserveLoginAttempt_LimitsWindowReleaseAndOnlyAfter(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		const window = 15 * time.Minute
		pair := func(addr string) ThrottleKey { return ThrottleKey{Key: "pair:a@example.org|" + addr, Limit: 5} }
		keys := func(addr string) []ThrottleKey {
			return []ThrottleKey{pair(addr), {Key: "account:a@example.org", Limit: 8, OnlyAfter: pair(addr).Key}, {Key: "addr:" + addr, Limit: 100}}
		}
		start := clock.Now()
		for i := range 5 {
			r, err := s.ReserveLoginAttempt(ctx, keys("192.0.2.1"), window)
			must(t, err)
			if r.Throttled() {
				t.Fatalf("attempt %d throttled: %+v", i+1, r)
			}
			clock.Advance(time.Minute)
		}
		r, err := s.ReserveLoginAttempt(ctx, keys("192.0.2.1"), window)
		must(t, err)
		if !r.Throttled() || r.Key != pair("192.0.2.1").Key || !r.ThrottledUntil.Equal(start.Add(window)) {
			t.Fatalf("6th attempt: %+v, want throttled on the pair until %v", r, start.Add(window))
		}
		// A successful attempt is released and does not count.
		r, err = s.ReserveLoginAttempt(ctx, keys("192.0.2.2"), window)
		must(t, err)
		must(t, s.ReleaseLoginAttempt(ctx, r))
		if n := countRows(t, s, "login_attempts", "throttle_key = ?", pair("192.0.2.2").Key); n != 0 {
			t.Errorf("released attempt still counted: %d", n)
		}
		// Three more failures from a second address bring the account to 8.
		for range 3 {
			r, err := s.ReserveLoginAttempt(ctx, keys("192.0.2.3"), window)
			must(t, err)
			if r.Throttled() {
				t.Fatalf("second address throttled early: %+v", r)
			}
		}
		// The account is at its bound: an address that has failed is refused
		// on the account key ...
		r, err = s.ReserveLoginAttempt(ctx, keys("192.0.2.3"), window)
		must(t, err)
		if !r.Throttled() || r.Key != "account:a@example.org" {
			t.Errorf("failed address at the account bound: %+v, want throttled on the account", r)
		}
		// ... but one that has not failed still gets its check.
		r, err = s.ReserveLoginAttempt(ctx, keys("198.51.100.7"), window)
		must(t, err)
		if r.Throttled() {
			t.Errorf("clean address refused because others guessed wrong: %+v", r)
		}
		// When the window has passed, the first address has room again.
		clock.Advance(window)
		r, err = s.ReserveLoginAttempt(ctx, keys("192.0.2.1"), window)
		must(t, err)
		if r.Throttled() {
			t.Errorf("after the window: %+v", r)
		}
	})
}

// A burst of parallel attempts gets no more checks than the limit, also
// when the burst arrives through two stores (two instances) at once.
func TestReserveLoginAttempt_ParallelBurstGetsOnlyTheLimit(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		other, err := Open(s.dsn, clock.Now)
		must(t, err)
		defer other.Close()
		const attempts, limit = 40, 5
		keys := []ThrottleKey{{Key: "pair:v@example.org|203.0.113.9", Limit: limit}, {Key: "addr:203.0.113.9", Limit: 100}}
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			allowed int
			errs    []error
		)
		start := make(chan struct{})
		for i := range attempts {
			st := s
			if i%2 == 1 {
				st = other
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				r, err := st.ReserveLoginAttempt(context.Background(), keys, 15*time.Minute)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
				} else if !r.Throttled() {
					allowed++
				}
			}()
		}
		close(start)
		wg.Wait()
		for _, err := range errs {
			t.Errorf("reserve: %v", err)
		}
		if allowed != limit {
			t.Errorf("%d of %d parallel attempts were allowed a check, want exactly %d", allowed, attempts, limit)
		}
	})
}
