package db

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Recommendation is a step a counselor suggested to a learner: one of the
// catalog's (Step is its id) or their own (Step ""). Title and Text are as
// the counselor gave them, or the catalog's at the time when they left them
// out. CounselorID is 0 once the counselor's account is deleted;
// CounselorName still says who it was.
type Recommendation struct {
	ID            int64
	LearnerID     int64
	CounselorID   int64
	CounselorName string
	Step          string
	Title         string
	Text          string
	URL           string
	CreatedAt     time.Time
}

// NewRecommendation is what a counselor gives; the web layer checks it.
type NewRecommendation struct {
	Step, Title, Text, URL string
}

// MaxRecommendations bounds the list a learner or counselor is shown.
const MaxRecommendations = 200

// recommendationRow is a row as scanned: counselor_id and step may be NULL.
type recommendationRow struct {
	ID            int64
	LearnerID     int64
	CounselorID   *int64
	CounselorName string
	Step          *string
	Title         string
	Text          string
	URL           string
	CreatedAt     time.Time
}

func (r recommendationRow) recommendation() Recommendation {
	out := Recommendation{ID: r.ID, LearnerID: r.LearnerID, CounselorName: r.CounselorName,
		Title: r.Title, Text: r.Text, URL: r.URL, CreatedAt: utc(r.CreatedAt)}
	if r.CounselorID != nil {
		out.CounselorID = *r.CounselorID
	}
	if r.Step != nil {
		out.Step = *r.Step
	}
	return out
}

// The counselor's current name, or the one they had when their account went.
const recommendationSelect = `SELECT r.id, r.learner_id, r.counselor_id, COALESCE(u.name, r.counselor_name) AS counselor_name,
       r.step, r.title, r.text, r.url, r.created_at
  FROM recommendations r LEFT JOIN users u ON u.id = r.counselor_id
 WHERE `

// requireLink fails with ErrNotFound unless the learner shares with the
// counselor, inside a write so the check and the write are one.
func requireLink(tx *gorm.DB, counselorID, learnerID int64) error {
	var linked int64
	err := tx.Raw("SELECT COUNT(*) FROM counselor_links WHERE counselor_id = ? AND learner_id = ?", counselorID, learnerID).Scan(&linked).Error
	if err != nil {
		return err
	}
	if linked == 0 {
		return ErrNotFound
	}
	return nil
}

// nullIfEmpty stores "" as NULL.
func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// AddRecommendation stores a counselor's recommendation to a learner who
// shares with them; otherwise it is ErrNotFound.
func (s *Store) AddRecommendation(ctx context.Context, counselorID, learnerID int64, nr NewRecommendation) (Recommendation, error) {
	r := Recommendation{LearnerID: learnerID, CounselorID: counselorID, Step: nr.Step, Title: nr.Title,
		Text: nr.Text, URL: nr.URL, CreatedAt: s.clock()}
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := requireLink(tx, counselorID, learnerID); err != nil {
			return err
		}
		if err := tx.Raw("SELECT name FROM users WHERE id = ?", counselorID).Scan(&r.CounselorName).Error; err != nil {
			return err
		}
		return tx.Raw(`INSERT INTO recommendations (learner_id, counselor_id, counselor_name, step, title, text, url, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			learnerID, counselorID, r.CounselorName, nullIfEmpty(r.Step), r.Title, r.Text, r.URL, r.CreatedAt).Scan(&r.ID).Error
	})
	if err != nil {
		return Recommendation{}, wrap("add recommendation", err)
	}
	return r, nil
}

func (s *Store) recommendations(ctx context.Context, op, where string, args ...any) ([]Recommendation, error) {
	var rows []recommendationRow
	err := s.r.WithContext(ctx).Raw(recommendationSelect+where+" ORDER BY r.created_at DESC, r.id DESC LIMIT ?",
		append(args, MaxRecommendations)...).Scan(&rows).Error
	if err != nil {
		return nil, wrap(op, err)
	}
	out := make([]Recommendation, len(rows))
	for i, r := range rows {
		out[i] = r.recommendation()
	}
	return out, nil
}

// Recommendations lists every recommendation made to the learner, by any
// counselor, now sharing or not, newest first (at most MaxRecommendations).
func (s *Store) Recommendations(ctx context.Context, learnerID int64) ([]Recommendation, error) {
	return s.recommendations(ctx, "recommendations", "r.learner_id = ?", learnerID)
}

// RecommendationsBy lists the counselor's own recommendations to the
// learner, newest first. Callers check that the learner shares with them.
func (s *Store) RecommendationsBy(ctx context.Context, counselorID, learnerID int64) ([]Recommendation, error) {
	return s.recommendations(ctx, "recommendations by", "r.counselor_id = ? AND r.learner_id = ?", counselorID, learnerID)
}

// Recommendation is one recommendation made to the learner; another
// learner's id is ErrNotFound, so it cannot be probed.
func (s *Store) Recommendation(ctx context.Context, learnerID, id int64) (Recommendation, error) {
	list, err := s.recommendations(ctx, "recommendation", "r.id = ? AND r.learner_id = ?", id, learnerID)
	if err != nil {
		return Recommendation{}, err
	}
	if len(list) == 0 {
		return Recommendation{}, fmt.Errorf("db: recommendation: %w", ErrNotFound)
	}
	return list[0], nil
}

// DeleteRecommendation removes one of the counselor's own recommendations
// to a learner who still shares with them; anything else is ErrNotFound.
func (s *Store) DeleteRecommendation(ctx context.Context, counselorID, learnerID, id int64) error {
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := requireLink(tx, counselorID, learnerID); err != nil {
			return err
		}
		res := tx.Exec("DELETE FROM recommendations WHERE id = ? AND counselor_id = ? AND learner_id = ?", id, counselorID, learnerID)
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound
		}
		return res.Error
	})
	return wrap("delete recommendation", err)
}
