package db

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"gorm.io/gorm"

	"github.com/readiness/readiness/account"
)

// dimensionScores reads the dimension scores out of a result's JSON. A
// result without dimensions (or not JSON) has none.
func dimensionScores(result []byte) []DimensionScore {
	var r struct {
		Dimensions []struct {
			ID    string   `json:"id"`
			Score *float64 `json:"score"`
		} `json:"dimensions"`
	}
	if json.Unmarshal(result, &r) != nil {
		return []DimensionScore{}
	}
	out := make([]DimensionScore, 0, len(r.Dimensions))
	for _, d := range r.Dimensions {
		if d.ID != "" && d.Score != nil {
			out = append(out, DimensionScore{d.ID, *d.Score})
		}
	}
	return out
}

// insertDimensionScores copies an assessment's dimension scores into
// assessment_dimension_scores, so the cohort summary can average them in SQL.
func insertDimensionScores(tx *gorm.DB, assessmentID int64, dims []DimensionScore) error {
	var (
		values []string
		args   []any
		seen   = map[string]bool{}
	)
	for _, d := range dims {
		if d.ID == "" || seen[d.ID] {
			continue
		}
		seen[d.ID] = true
		values = append(values, "(?, ?, ?)")
		args = append(args, assessmentID, d.ID, d.Score)
	}
	if len(values) == 0 {
		return nil
	}
	return tx.Exec("INSERT INTO assessment_dimension_scores (assessment_id, dimension_id, score) VALUES "+
		strings.Join(values, ", "), args...).Error
}

// Cohort summarises a counselor's caseload from each learner's latest result.
type Cohort struct {
	Learners int            // everyone on the caseload
	Bands    map[string]int // latest band → learners; BandNone for no attempt yet
	// Change since the previous attempt, for learners with at least one.
	Improved, Declined, Same, FirstAttempt int
	Dimensions                             []DimensionMean // by dimension id
	TopSteps                               []StepCount     // most often ranked first, most first
}

// DimensionMean is the mean latest score of one dimension over Learners.
type DimensionMean struct {
	ID       string
	Mean     float64
	Learners int
}

// StepCount is how many learners' latest result ranks the step first.
type StepCount struct {
	StepID   string
	Learners int
}

// CohortTopSteps caps Cohort.TopSteps.
const CohortTopSteps = 5

// CohortQuery narrows the cohort; the zero value is the whole caseload.
type CohortQuery struct {
	Group string // a group name, compared as account.GroupKey does
}

// Cohort computes the summary in three aggregate queries in one read
// transaction, whatever the caseload size.
func (s *Store) Cohort(ctx context.Context, counselorID int64, q CohortQuery) (Cohort, error) {
	c := Cohort{Bands: map[string]int{}}
	// learners is the caseload as the queries below read it: the
	// counselor's links, narrowed to one group if asked.
	learners, largs := "counselor_links l", []any{}
	if q.Group != "" {
		learners = "counselor_links l JOIN users gu ON gu.id = l.learner_id AND gu.group_key = ?"
		largs = append(largs, account.GroupKey(q.Group))
	}
	err := s.r.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var bands []struct {
			Band                                   string
			Learners                               int
			Improved, Declined, Same, FirstAttempt int
		}
		err := tx.Raw(`SELECT COALESCE(st.latest_band, '') AS band, COUNT(*) AS learners,
       SUM(CASE WHEN st.latest_overall - st.previous_overall > ? THEN 1 ELSE 0 END) AS improved,
       SUM(CASE WHEN st.latest_overall - st.previous_overall < ? THEN 1 ELSE 0 END) AS declined,
       SUM(CASE WHEN ABS(st.latest_overall - st.previous_overall) <= ? THEN 1 ELSE 0 END) AS same,
       SUM(CASE WHEN st.user_id IS NOT NULL AND st.previous_overall IS NULL THEN 1 ELSE 0 END) AS first_attempt
  FROM `+learners+`
  LEFT JOIN learner_stats st ON st.user_id = l.learner_id
 WHERE l.counselor_id = ?
 GROUP BY COALESCE(st.latest_band, '')`, append(append([]any{changeEpsilon, -changeEpsilon, changeEpsilon}, largs...), counselorID)...).Scan(&bands).Error
		if err != nil {
			return err
		}
		for _, b := range bands {
			key := b.Band
			if key == "" {
				key = BandNone
			}
			c.Bands[key] += b.Learners
			c.Learners += b.Learners
			c.Improved += b.Improved
			c.Declined += b.Declined
			c.Same += b.Same
			c.FirstAttempt += b.FirstAttempt
		}
		var dims []struct {
			ID       string
			Mean     float64
			Learners int
		}
		err = tx.Raw(`SELECT d.dimension_id AS id, AVG(d.score) AS mean, COUNT(*) AS learners
  FROM `+learners+`
  JOIN learner_stats st ON st.user_id = l.learner_id
  JOIN assessment_dimension_scores d ON d.assessment_id = st.latest_id
 WHERE l.counselor_id = ?
 GROUP BY d.dimension_id`, append(largs, counselorID)...).Scan(&dims).Error
		if err != nil {
			return err
		}
		for _, d := range dims {
			c.Dimensions = append(c.Dimensions, DimensionMean(d))
		}
		sort.Slice(c.Dimensions, func(i, j int) bool { return c.Dimensions[i].ID < c.Dimensions[j].ID })
		var steps []struct {
			StepID   string
			Learners int
		}
		err = tx.Raw(`SELECT st.latest_top_step AS step_id, COUNT(*) AS learners
  FROM `+learners+`
  JOIN learner_stats st ON st.user_id = l.learner_id
 WHERE l.counselor_id = ? AND st.latest_top_step <> ''
 GROUP BY st.latest_top_step
 ORDER BY COUNT(*) DESC, st.latest_top_step
 LIMIT ?`, append(largs, counselorID, CohortTopSteps)...).Scan(&steps).Error
		if err != nil {
			return err
		}
		for _, st := range steps {
			c.TopSteps = append(c.TopSteps, StepCount(st))
		}
		return nil
	})
	if err != nil {
		return Cohort{}, wrap("cohort", err)
	}
	return c, nil
}
