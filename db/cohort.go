package db

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
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

// storedDimensions is the dimension scores as they are stored: without an
// empty id, and only the first of a repeated one.
func storedDimensions(dims []DimensionScore) []DimensionScore {
	out := make([]DimensionScore, 0, len(dims))
	for _, d := range dims {
		if d.ID == "" || hasDimension(out, d.ID) {
			continue
		}
		out = append(out, d)
	}
	return out
}

func hasDimension(dims []DimensionScore, id string) bool {
	for _, d := range dims {
		if d.ID == id {
			return true
		}
	}
	return false
}

// insertDimensionScores copies an assessment's dimension scores (already
// through storedDimensions) into assessment_dimension_scores.
func insertDimensionScores(run writeRunner, assessmentID int64, dims []DimensionScore) error {
	if len(dims) == 0 {
		return nil
	}
	args := make([]any, 0, 3*len(dims))
	for _, d := range dims {
		args = append(args, assessmentID, d.ID, d.Score)
	}
	_, err := run.exec(dimensionScoresSQL(len(dims)), args...)
	return err
}

// dimensionScoresSQL inserts n dimension scores of one assessment.
func dimensionScoresSQL(n int) string {
	return "INSERT INTO assessment_dimension_scores (assessment_id, dimension_id, score) VALUES " +
		strings.Repeat("(?, ?, ?), ", max(n-1, 0)) + "(?, ?, ?)"
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

// encodeDimensions packs a learner's latest dimension scores for
// learner_stats.latest_dimensions: for each, the id's length as a uvarint,
// the id, and the score's IEEE 754 bits in 8 bytes, little-endian. No
// dimensions is an empty value, never NULL.
func encodeDimensions(dims []DimensionScore) []byte {
	n := 0
	for _, d := range dims {
		n += binary.MaxVarintLen64 + len(d.ID) + 8
	}
	b := make([]byte, 0, n)
	for _, d := range dims {
		b = binary.AppendUvarint(b, uint64(len(d.ID)))
		b = append(b, d.ID...)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(d.Score))
	}
	return b
}

// eachDimension calls fn with every id and score of an encodeDimensions
// value, in order.
func eachDimension(v []byte, fn func(id []byte, score float64)) error {
	for len(v) > 0 {
		n, k := binary.Uvarint(v)
		if k <= 0 || uint64(len(v)-k) < n+8 {
			return errors.New("latest dimensions: truncated value")
		}
		v = v[k:]
		fn(v[:n], math.Float64frombits(binary.LittleEndian.Uint64(v[n:])))
		v = v[n+8:]
	}
	return nil
}

// setLatestDimensions fills learner_stats.latest_dimensions from the
// assessment_dimension_scores of the learner's latest result: of one learner,
// or of every learner when userID is 0 (migration 12).
func setLatestDimensions(tx *gorm.DB, userID int64) error {
	q := `SELECT st.user_id, d.dimension_id, d.score
  FROM learner_stats st
  JOIN assessment_dimension_scores d ON d.assessment_id = st.latest_id`
	var args []any
	if userID != 0 {
		q += " WHERE st.user_id = ?"
		args = append(args, userID)
	}
	var rows []struct {
		UserID      int64
		DimensionID string
		Score       float64
	}
	if err := tx.Raw(q+" ORDER BY st.user_id, d.dimension_id", args...).Scan(&rows).Error; err != nil {
		return err
	}
	for i := 0; i < len(rows); {
		j, dims := i, []DimensionScore{}
		for ; j < len(rows) && rows[j].UserID == rows[i].UserID; j++ {
			dims = append(dims, DimensionScore{rows[j].DimensionID, rows[j].Score})
		}
		if err := tx.Exec("UPDATE learner_stats SET latest_dimensions = ? WHERE user_id = ?",
			encodeDimensions(dims), rows[i].UserID).Error; err != nil {
			return err
		}
		i = j
	}
	return nil
}

// backfillLatestDimensions is migration 12's Go step.
func backfillLatestDimensions(tx *gorm.DB) error { return setLatestDimensions(tx, 0) }

// Cohort computes the summary in one pass over the caseload's learner_stats
// rows (one per learner, the latest dimension scores packed in
// latest_dimensions), whatever the caseload size.
func (s *Store) Cohort(ctx context.Context, counselorID int64, q CohortQuery) (Cohort, error) {
	// learners is the caseload: the counselor's links, narrowed to one
	// group if asked.
	learners, args := "counselor_links l", []any{}
	if q.Group != "" {
		learners = "counselor_links l JOIN users gu ON gu.id = l.learner_id AND gu.group_key = ?"
		args = append(args, account.GroupKey(q.Group))
	}
	// A learner without a learner_stats row reads as all NULL.
	rows, err := s.r.WithContext(ctx).Raw(`SELECT st.latest_band, st.latest_overall, st.previous_overall,
       st.latest_top_step, st.latest_dimensions
  FROM `+learners+`
  LEFT JOIN learner_stats st ON st.user_id = l.learner_id
 WHERE l.counselor_id = ?`, append(args, counselorID)...).Rows()
	if err != nil {
		return Cohort{}, wrap("cohort", err)
	}
	defer rows.Close()
	c, err := addUpCohort(rows)
	if err != nil {
		return Cohort{}, wrap("cohort", err)
	}
	return c, nil
}

// addUpCohort reads the rows of Cohort's query once.
func addUpCohort(rows *sql.Rows) (Cohort, error) {
	c := Cohort{Bands: map[string]int{}}
	// Scores are added with Neumaier's compensated summation, as SQLite's
	// AVG does, so the mean does not drift with the caseload's size.
	type sum struct {
		id          string
		total, lost float64
		learners    int
	}
	var (
		band, top, dims  sql.RawBytes
		latest, previous sql.NullFloat64
		bands            = map[string]*int{}
		steps            = map[string]*int{}
		sums             = map[string]*sum{}
		// Most results have the same dimensions in the same order: the
		// previous row's, by position, are tried before the map.
		last []*sum
		pos  int
	)
	count := func(m map[string]*int, key []byte) {
		if n := m[string(key)]; n != nil {
			*n++
			return
		}
		m[string(key)] = new(int)
		*m[string(key)]++
	}
	add := func(id []byte, score float64) {
		var d *sum
		if pos < len(last) && last[pos].id == string(id) {
			d = last[pos]
		} else {
			if d = sums[string(id)]; d == nil {
				d = &sum{id: string(id)}
				sums[d.id] = d
			}
			if pos < len(last) {
				last[pos] = d
			} else {
				last = append(last, d)
			}
		}
		t := d.total + score
		if math.Abs(d.total) >= math.Abs(score) {
			d.lost += (d.total - t) + score
		} else {
			d.lost += (score - t) + d.total
		}
		d.total = t
		d.learners++
		pos++
	}
	for rows.Next() {
		if err := rows.Scan(&band, &latest, &previous, &top, &dims); err != nil {
			return Cohort{}, err
		}
		c.Learners++
		if !latest.Valid { // no attempt yet
			c.Bands[BandNone]++
			continue
		}
		if len(band) == 0 {
			c.Bands[BandNone]++
		} else {
			count(bands, band)
		}
		if previous.Valid {
			switch change := latest.Float64 - previous.Float64; {
			case change > changeEpsilon:
				c.Improved++
			case change < -changeEpsilon:
				c.Declined++
			}
			if math.Abs(latest.Float64-previous.Float64) <= changeEpsilon {
				c.Same++
			}
		} else {
			c.FirstAttempt++
		}
		if len(top) > 0 {
			count(steps, top)
		}
		pos = 0
		if err := eachDimension(dims, add); err != nil {
			return Cohort{}, err
		}
	}
	if err := rows.Err(); err != nil {
		return Cohort{}, err
	}
	for b, n := range bands {
		c.Bands[b] += *n
	}
	for _, d := range sums {
		c.Dimensions = append(c.Dimensions, DimensionMean{d.id, (d.total + d.lost) / float64(d.learners), d.learners})
	}
	sort.Slice(c.Dimensions, func(i, j int) bool { return c.Dimensions[i].ID < c.Dimensions[j].ID })
	for id, n := range steps {
		c.TopSteps = append(c.TopSteps, StepCount{id, *n})
	}
	sort.Slice(c.TopSteps, func(i, j int) bool {
		a, b := c.TopSteps[i], c.TopSteps[j]
		return a.Learners > b.Learners || a.Learners == b.Learners && a.StepID < b.StepID
	})
	if len(c.TopSteps) > CohortTopSteps {
		c.TopSteps = c.TopSteps[:CohortTopSteps]
	}
	return c, nil
}
