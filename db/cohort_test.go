package db

import (
	"context"
	"fmt"
	"math"
	"testing"
)

func dimResult(overall float64, band, top string, dims map[string]float64) NewResult {
	r := result(overall, band)
	r.TopStep = top
	js := `{"overall":1,"dimensions":[`
	i := 0
	for _, id := range []string{"education", "marketing", "web"} {
		if v, ok := dims[id]; ok {
			if i > 0 {
				js += ","
			}
			js += fmt.Sprintf(`{"id":%q,"score":%g}`, id, v)
			i++
		}
	}
	r.Result = []byte(js + "]}")
	return r
}

func TestCohort_CountsMeansStepsAndChange(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		c := mustUser(t, s, "c@example.org", RoleCounselor)
		other := mustUser(t, s, "c2@example.org", RoleCounselor)
		learner := func(email string, by User) User {
			u := mustUser(t, s, email, RoleLearner)
			_, err := s.ShareWith(ctx, u.ID, by.ShareCode)
			must(t, err)
			return u
		}
		take := func(u User, r NewResult) {
			_, err := s.CreateAssessment(ctx, u.ID, r)
			must(t, err)
		}
		a, b, d := learner("a@x.org", c), learner("b@x.org", c), learner("d@x.org", c)
		learner("none@x.org", c) // no attempt yet
		e := learner("e@x.org", c)
		stranger := learner("s@x.org", other)

		// a improves; only the latest counts for the means and the top step.
		take(a, dimResult(50, "developing", "bachelor-degree", map[string]float64{"education": 0, "marketing": 0}))
		take(a, dimResult(85, "ready", "security-training", map[string]float64{"education": 80, "marketing": 60, "web": 90}))
		// b declines.
		take(b, dimResult(70, "nearly-ready", "x", nil))
		take(b, dimResult(62, "nearly-ready", "security-training", map[string]float64{"education": 40, "marketing": 20}))
		// d stays the same (within 0.05).
		take(d, dimResult(40, "developing", "y", nil))
		take(d, dimResult(40.01, "developing", "marketing-courses", map[string]float64{"education": 60}))
		// e has one attempt and no top step.
		take(e, dimResult(20, "exploring", "", nil))
		take(stranger, dimResult(99, "ready", "security-training", map[string]float64{"education": 100}))

		got, err := s.Cohort(ctx, c.ID, CohortQuery{})
		must(t, err)
		if got.Learners != 5 {
			t.Errorf("Learners = %d, want 5", got.Learners)
		}
		wantBands := map[string]int{"ready": 1, "nearly-ready": 1, "developing": 1, "exploring": 1, BandNone: 1}
		if fmt.Sprint(got.Bands) != fmt.Sprint(wantBands) {
			t.Errorf("Bands = %v, want %v", got.Bands, wantBands)
		}
		if got.Improved != 1 || got.Declined != 1 || got.Same != 1 || got.FirstAttempt != 1 {
			t.Errorf("change = +%d -%d =%d first %d, want 1 each", got.Improved, got.Declined, got.Same, got.FirstAttempt)
		}
		wantDims := []DimensionMean{{"education", 60, 3}, {"marketing", 40, 2}, {"web", 90, 1}}
		if len(got.Dimensions) != len(wantDims) {
			t.Fatalf("Dimensions = %+v", got.Dimensions)
		}
		for i, w := range wantDims {
			g := got.Dimensions[i]
			if g.ID != w.ID || math.Abs(g.Mean-w.Mean) > 1e-9 || g.Learners != w.Learners {
				t.Errorf("Dimensions[%d] = %+v, want %+v", i, g, w)
			}
		}
		wantSteps := []StepCount{{"security-training", 2}, {"marketing-courses", 1}}
		if fmt.Sprint(got.TopSteps) != fmt.Sprint(wantSteps) {
			t.Errorf("TopSteps = %v, want %v", got.TopSteps, wantSteps)
		}

		empty, err := s.Cohort(ctx, mustUser(t, s, "c3@example.org", RoleCounselor).ID, CohortQuery{})
		must(t, err)
		if empty.Learners != 0 || len(empty.Dimensions) != 0 || len(empty.TopSteps) != 0 {
			t.Errorf("empty caseload cohort = %+v", empty)
		}
	})
}

func TestMigrate_Version3BackfillsDimensionScores(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			path := testDSN(t, d)
			clock := newClock()
			old, err := open(path, clock.Now)
			must(t, err)
			must(t, old.migrateTo(ctx, 2))
			must(t, old.w.Exec(`INSERT INTO users (id, email, name, password_hash, role, disabled, created_at, updated_at)
VALUES (1, 'a@example.org', 'A', 'h', 'learner', FALSE, ?, ?)`, clock.Now(), clock.Now()).Error)
			for i, res := range []string{
				`{"dimensions":[{"id":"education","score":75.5},{"id":"web","score":10}]}`,
				`{"overall":3}`,
				`not json`,
			} {
				must(t, old.w.Exec(`INSERT INTO assessments (id, user_id, profile_id, profile_version, answers, result, overall, band, bachelor_met, top_step, created_at)
VALUES (?, 1, 'p', '1', '{}', ?, 1, 'b', TRUE, 'step-a', ?)`, i+1, res, clock.Now()).Error)
			}
			must(t, old.w.Exec(`INSERT INTO learner_stats (user_id, attempts, latest_id, latest_overall, latest_band, previous_overall, bachelor_met, last_activity_at)
VALUES (1, 3, 1, 1, 'b', NULL, TRUE, ?)`, clock.Now()).Error)
			must(t, old.Close())

			s, err := Open(path, clock.Now)
			must(t, err)
			defer s.Close()
			var rows []struct {
				AssessmentID int64
				DimensionID  string
				Score        float64
			}
			must(t, s.r.Raw("SELECT assessment_id, dimension_id, score FROM assessment_dimension_scores ORDER BY assessment_id, dimension_id").Scan(&rows).Error)
			if fmt.Sprint(rows) != "[{1 education 75.5} {1 web 10}]" {
				t.Errorf("backfilled %v", rows)
			}
			var top string
			must(t, s.r.Raw("SELECT latest_top_step FROM learner_stats WHERE user_id = 1").Scan(&top).Error)
			if top != "step-a" {
				t.Errorf("latest_top_step backfilled as %q", top)
			}
		})
	}
}
