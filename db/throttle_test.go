package db

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestLoginFailures_CountWindowAndClear(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		start := clock.Now()
		for range 3 {
			must(t, s.RecordLoginFailure(ctx, "email:a@example.org", "ip:192.0.2.1"))
			clock.Advance(10 * time.Minute)
		}
		must(t, s.RecordLoginFailure(ctx, "ip:192.0.2.1"))

		tests := []struct {
			key        string
			since      time.Time
			wantCount  int
			wantOldest time.Time
		}{
			{"email:a@example.org", start, 3, start},
			{"email:a@example.org", start.Add(5 * time.Minute), 2, start.Add(10 * time.Minute)},
			{"ip:192.0.2.1", start, 4, start},
			{"ip:192.0.2.1", start.Add(25 * time.Minute), 1, start.Add(30 * time.Minute)},
		}
		for _, tt := range tests {
			t.Run(tt.key, func(t *testing.T) {
				n, err := s.CountLoginFailures(ctx, tt.key, tt.since)
				if err != nil || n != tt.wantCount {
					t.Errorf("CountLoginFailures = %d, %v; want %d", n, err, tt.wantCount)
				}
				oldest, err := s.OldestLoginFailure(ctx, tt.key, tt.since)
				if err != nil || !oldest.Equal(tt.wantOldest) || oldest.Location() != time.UTC {
					t.Errorf("OldestLoginFailure = %v, %v; want %v", oldest, err, tt.wantOldest)
				}
			})
		}

		must(t, s.ClearLoginFailures(ctx, "email:a@example.org"))
		if n, _ := s.CountLoginFailures(ctx, "email:a@example.org", start); n != 0 {
			t.Errorf("after clear: %d", n)
		}
		if _, err := s.OldestLoginFailure(ctx, "email:a@example.org", start); !errors.Is(err, ErrNotFound) {
			t.Errorf("oldest after clear: %v", err)
		}
		if n, _ := s.CountLoginFailures(ctx, "ip:192.0.2.1", start); n != 4 {
			t.Errorf("clear touched another key: %d", n)
		}
		pruned, err := s.DeleteLoginFailuresBefore(ctx, start.Add(15*time.Minute))
		if err != nil || pruned != 2 {
			t.Errorf("DeleteLoginFailuresBefore = %d, %v; want 2", pruned, err)
		}
	})
}
