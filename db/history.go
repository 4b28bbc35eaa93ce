package db

import (
	"context"
	"time"
)

// Attempt is one stored result as a history or chart needs it: its scores
// without the answers and result JSON, which are large and must be decoded.
type Attempt struct {
	ID         int64
	ProfileID  string
	Overall    float64
	Band       string
	CreatedAt  time.Time
	Dimensions map[string]float64 // dimension id → score
}

// AttemptHistory returns up to limit of a user's attempts, newest first,
// with their dimension scores: two indexed queries, whatever the count.
func (s *Store) AttemptHistory(ctx context.Context, userID int64, limit int) ([]Attempt, error) {
	var rows []struct {
		ID        int64
		ProfileID string
		Overall   float64
		Band      string
		CreatedAt time.Time
	}
	err := s.r.WithContext(ctx).Raw(`SELECT id, profile_id, overall, band, created_at FROM assessments
WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`, userID, limit).Scan(&rows).Error
	if err != nil {
		return nil, wrap("attempt history", err)
	}
	if len(rows) == 0 {
		return []Attempt{}, nil
	}
	out := make([]Attempt, len(rows))
	index := make(map[int64]int, len(rows))
	ids := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = Attempt{ID: r.ID, ProfileID: r.ProfileID, Overall: r.Overall, Band: r.Band, CreatedAt: utc(r.CreatedAt), Dimensions: map[string]float64{}}
		index[r.ID] = i
		ids[i] = r.ID
	}
	var scores []struct {
		AssessmentID int64
		DimensionID  string
		Score        float64
	}
	err = s.r.WithContext(ctx).Raw(`SELECT assessment_id, dimension_id, score FROM assessment_dimension_scores
WHERE assessment_id IN ?`, ids).Scan(&scores).Error
	if err != nil {
		return nil, wrap("attempt history", err)
	}
	for _, sc := range scores {
		out[index[sc.AssessmentID]].Dimensions[sc.DimensionID] = sc.Score
	}
	return out, nil
}
