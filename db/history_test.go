package db

import (
	"context"
	"testing"
	"time"
)

func TestAttemptHistory_NewestFirstWithDimensionScores(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		u := mustUser(t, s, "hist@example.org", RoleLearner)
		other := mustUser(t, s, "other@example.org", RoleLearner)
		for i := 0; i < 3; i++ {
			clock.Advance(time.Hour)
			r := result(float64(40+i*10), "developing")
			r.Dimensions = []DimensionScore{{"web", float64(10 * i)}, {"core", 99}}
			if _, err := s.CreateAssessment(ctx, u.ID, r); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.CreateAssessment(ctx, other.ID, result(10, "exploring")); err != nil {
			t.Fatal(err)
		}
		got, err := s.AttemptHistory(ctx, u.ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Overall != 60 || got[1].Overall != 50 {
			t.Fatalf("history %+v, want the two newest (60, 50)", got)
		}
		if got[0].Dimensions["web"] != 20 || got[1].Dimensions["core"] != 99 || !got[0].CreatedAt.After(got[1].CreatedAt) {
			t.Fatalf("dimension scores or order wrong: %+v", got)
		}
		none, err := s.AttemptHistory(ctx, 424242, 10)
		if err != nil || len(none) != 0 {
			t.Fatalf("unknown user: %v, %v", none, err)
		}
	})
}
