package db

import (
	"context"
	"sort"

	"gorm.io/gorm"

	"github.com/readiness/readiness/account"
)

// cohortSQL is the cohort summary as it was computed before learner_stats
// kept the latest dimension scores: three aggregate queries, the dimension
// means joined through assessment_dimension_scores. The tests hold Cohort to
// it.
func (s *Store) cohortSQL(ctx context.Context, counselorID int64, q CohortQuery) (Cohort, error) {
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
