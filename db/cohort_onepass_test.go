package db

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// randomCohortResult is a result with random scores on a random subset of
// dimensions, some with ids holding the encoding's separators, a repeated
// id or an empty one.
func randomCohortResult(rng *rand.Rand, overall float64) NewResult {
	bands := []string{"ready", "nearly-ready", "developing", "exploring"}
	steps := []string{"", "step-a", "step-b", "step-c", "step-d", "step-e", "step-f", "step-g"}
	ids := []string{"education", "marketing", "web", "a=b", "c;d", "100%", "%3D", ""}
	type dim struct {
		ID    string  `json:"id"`
		Score float64 `json:"score"`
	}
	var dims []dim
	for _, id := range ids {
		if rng.IntN(3) > 0 {
			dims = append(dims, dim{id, rng.Float64() * 100})
		}
	}
	if len(dims) > 0 && rng.IntN(5) == 0 {
		dims = append(dims, dim{dims[0].ID, rng.Float64() * 100}) // repeated: the first counts
	}
	js, err := json.Marshal(map[string]any{"overall": overall, "dimensions": dims})
	if err != nil {
		panic(err)
	}
	r := result(overall, bands[rng.IntN(len(bands))])
	r.TopStep = steps[rng.IntN(len(steps))]
	r.Result = js
	return r
}

// sameCohort compares two summaries: counts exactly, means to within
// rounding (the engines and Go may add the scores in different orders).
func sameCohort(t *testing.T, what string, got, want Cohort) {
	t.Helper()
	gd, wd := got.Dimensions, want.Dimensions
	got.Dimensions, want.Dimensions = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %+v, want %+v", what, got, want)
	}
	if len(gd) != len(wd) {
		t.Fatalf("%s: dimensions %+v, want %+v", what, gd, wd)
	}
	for i := range wd {
		g, w := gd[i], wd[i]
		if g.ID != w.ID || g.Learners != w.Learners || math.Abs(g.Mean-w.Mean) > 1e-9*math.Max(1, math.Abs(w.Mean)) {
			t.Errorf("%s: dimension %d = %+v, want %+v", what, i, g, w)
		}
	}
}

func TestCohort_SameAsTheSQLComputation(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(16, 3))
		c := mustUser(t, s, "c@example.org", RoleCounselor)
		other := mustUser(t, s, "other@example.org", RoleCounselor)
		groups := []string{"", "Evening", "Class of 2027"}
		var learners []User
		for i := range 80 {
			u := mustUser(t, s, fmt.Sprintf("l%02d@example.org", i), RoleLearner)
			by := c
			if i%9 == 0 {
				by = other
			}
			_, err := s.ShareWith(ctx, u.ID, by.ShareCode)
			must(t, err)
			if g := groups[rng.IntN(len(groups))]; g != "" {
				setGroup(t, s, u, g)
			}
			learners = append(learners, u)
		}
		// Live results, one at a time; overall changes around the
		// "same" threshold now and then.
		for _, u := range learners[:60] {
			overall := rng.Float64() * 100
			for range rng.IntN(4) {
				if rng.IntN(3) == 0 {
					overall += (rng.Float64()*2 - 1) * changeEpsilon
				} else {
					overall = rng.Float64() * 100
				}
				clock.Advance(time.Minute)
				_, err := s.CreateAssessment(ctx, u.ID, randomCohortResult(rng, overall))
				must(t, err)
			}
		}
		// Imported past results, out of order, some for learners who
		// already have live ones (learner_stats recomputed).
		var rows []SeedAssessment
		for _, u := range learners[40:75] {
			for range 1 + rng.IntN(3) {
				rows = append(rows, SeedAssessment{UserID: u.ID, Result: randomCohortResult(rng, rng.Float64()*100),
					CreatedAt: clock.Now().Add(-time.Duration(rng.IntN(1000)) * time.Hour)})
			}
		}
		must(t, s.ImportAssessments(ctx, rows))
		must(t, s.DeleteUser(ctx, learners[3].ID))
		must(t, s.DeleteUser(ctx, learners[50].ID))

		for _, counselor := range []User{c, other} {
			for _, g := range []string{"", "Evening", "evening", "Class of 2027", "Nobody"} {
				want, err := s.cohortSQL(ctx, counselor.ID, CohortQuery{Group: g})
				must(t, err)
				got, err := s.Cohort(ctx, counselor.ID, CohortQuery{Group: g})
				must(t, err)
				sameCohort(t, fmt.Sprintf("%s, group %q", counselor.Email, g), got, want)
			}
		}
		if all, err := s.Cohort(ctx, c.ID, CohortQuery{}); err != nil || len(all.Dimensions) < 5 || len(all.TopSteps) != CohortTopSteps {
			t.Errorf("the data set is too thin to compare: %+v, %v", all, err)
		}
	})
}

func TestEncodeDimensions_ReadsBackTheSameScores(t *testing.T) {
	long := strings.Repeat("é", 200) // a length past one byte of uvarint
	in := []DimensionScore{{"education", 0.1 + 0.2}, {"a=b;c%d", 66.66666666666667}, {"", math.Copysign(0, -1)},
		{long, 5e-324}, {"big", math.MaxFloat64}, {"nan-free", -1e300}}
	v := encodeDimensions(in)
	var out []DimensionScore
	must(t, eachDimension(v, func(id []byte, score float64) {
		out = append(out, DimensionScore{string(id), score})
	}))
	if !reflect.DeepEqual(out, in) || math.Signbit(out[2].Score) != math.Signbit(in[2].Score) {
		t.Errorf("%x read back as %v, want %v", v, out, in)
	}
	if none := encodeDimensions(nil); none == nil || len(none) != 0 {
		t.Errorf("no dimensions packed as %#v, want an empty non-nil value", none)
	}
	if err := eachDimension(nil, func([]byte, float64) { t.Error("called for an empty value") }); err != nil {
		t.Error(err)
	}
	for _, bad := range [][]byte{v[:len(v)-1], {0x80}, {5, 'a', 'b'}, {3, 'w', 'e', 'b', 1, 2, 3}} {
		if err := eachDimension(bad, func([]byte, float64) {}); err == nil {
			t.Errorf("%x read without an error", bad)
		}
	}
}

func TestMigrate_Version12BackfillsLatestDimensions(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			path := testDSN(t, d)
			clock := newClock()
			old, err := open(path, clock.Now)
			must(t, err)
			must(t, old.migrateTo(ctx, 11))
			for id := 1; id <= 2; id++ {
				must(t, old.w.Exec(`INSERT INTO users (id, email, name, password_hash, role, disabled, created_at, updated_at)
VALUES (?, ?, 'A', 'h', 'learner', FALSE, ?, ?)`, id, fmt.Sprintf("u%d@example.org", id), clock.Now(), clock.Now()).Error)
			}
			// User 1: an older result (2) and the latest (1) with scores;
			// user 2: a latest result without any.
			for _, a := range [][2]int{{1, 1}, {2, 1}, {3, 2}} {
				must(t, old.w.Exec(`INSERT INTO assessments (id, user_id, profile_id, profile_version, answers, result, overall, band, bachelor_met, top_step, created_at)
VALUES (?, ?, 'p', '1', ?, ?, 1, 'b', TRUE, 'step-a', ?)`, a[0], a[1], packJSON([]byte("{}")), packJSON([]byte("{}")), clock.Now()).Error)
			}
			must(t, old.w.Exec(`INSERT INTO assessment_dimension_scores (assessment_id, dimension_id, score)
VALUES (1, 'web', 10), (1, 'a=b', 0.30000000000000004), (2, 'education', 99)`).Error)
			must(t, old.w.Exec(`INSERT INTO learner_stats (user_id, attempts, latest_id, latest_overall, latest_band, previous_overall, bachelor_met, last_activity_at)
VALUES (1, 2, 1, 1, 'b', 1, TRUE, ?), (2, 1, 3, 1, 'b', NULL, TRUE, ?)`, clock.Now(), clock.Now()).Error)
			must(t, old.Close())

			s, err := Open(path, clock.Now)
			must(t, err)
			defer s.Close()
			var got []struct {
				UserID           int64
				LatestDimensions []byte
			}
			must(t, s.r.Raw("SELECT user_id, latest_dimensions FROM learner_stats ORDER BY user_id").Scan(&got).Error)
			want := [][]byte{encodeDimensions([]DimensionScore{{"a=b", 0.30000000000000004}, {"web", 10}}), {}}
			if len(got) != 2 || !bytes.Equal(got[0].LatestDimensions, want[0]) || got[1].LatestDimensions == nil || len(got[1].LatestDimensions) != 0 {
				t.Errorf("backfilled %v, want %v", got, want)
			}
		})
	}
}
