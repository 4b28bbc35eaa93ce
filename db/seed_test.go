package db

import (
	"context"
	"testing"
	"time"
)

func TestImport_LearnersAndAssessmentsKeepStats(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		c := mustUser(t, s, "c@example.org", RoleCounselor)
		past := clock.Now().Add(-200 * 24 * time.Hour)
		ids, err := s.ImportLearners(ctx, c.ID, []SeedLearner{
			{Email: "One@Example.org", Name: "One", PasswordHash: "h", CreatedAt: past},
			{Email: "two@example.org", Name: "Two", PasswordHash: "h", CreatedAt: past},
		})
		must(t, err)
		if len(ids) != 2 {
			t.Fatalf("ids = %v", ids)
		}
		// Out of order on purpose: stats follow created_at, not insertion order.
		must(t, s.ImportAssessments(ctx, []SeedAssessment{
			{UserID: ids[0], Result: dimResult(60, "nearly-ready", "a", map[string]float64{"web": 50}), CreatedAt: past.Add(48 * time.Hour)},
			{UserID: ids[0], Result: dimResult(40, "developing", "b", map[string]float64{"web": 30}), CreatedAt: past.Add(24 * time.Hour)},
			{UserID: ids[1], Result: dimResult(10, "exploring", "c", nil), CreatedAt: past.Add(time.Hour)},
		}))
		got, err := s.Caseload(ctx, c.ID, CaseloadQuery{})
		must(t, err)
		if len(got) != 2 {
			t.Fatalf("caseload = %+v", got)
		}
		one := got[0]
		if one.Email != "one@example.org" || one.Attempts != 2 || *one.LatestOverall != 60 || *one.Delta != 20 ||
			!one.LastActivityAt.Equal(past.Add(48*time.Hour)) {
			t.Errorf("imported learner: %+v", one)
		}
		if got[1].Attempts != 1 || got[1].Delta != nil {
			t.Errorf("second learner: %+v", got[1])
		}
		if n := countRows(t, s, "assessment_dimension_scores", ""); n != 2 {
			t.Errorf("%d dimension score rows, want 2", n)
		}
	})
}
