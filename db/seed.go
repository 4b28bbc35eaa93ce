package db

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/readiness/readiness/account"
)

// SeedLearner is one demo learner for ImportLearners.
type SeedLearner struct {
	Email        string
	Name         string
	PasswordHash string
	CreatedAt    time.Time
}

// ImportLearners creates learners in one transaction, each linked to the
// counselor from their CreatedAt, and returns their ids in order. It is for
// seeding demo and benchmark databases, where one transaction per user would
// mean one disk sync per user.
func (s *Store) ImportLearners(ctx context.Context, counselorID int64, ls []SeedLearner) ([]int64, error) {
	defer s.sessions.forgetAll()
	ids := make([]int64, 0, len(ls))
	err := s.write(ctx, func(tx *gorm.DB) error {
		for _, l := range ls {
			at := l.CreatedAt.UTC().Truncate(time.Microsecond)
			email, err := account.NormalizeEmail(l.Email)
			if err != nil {
				return err
			}
			var id int64
			err = tx.Raw(`INSERT INTO users (email, name, password_hash, role, share_code, disabled, created_at, updated_at, search_key)
VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?) RETURNING id`, email, l.Name, l.PasswordHash, RoleLearner, false, at, at, searchKey(l.Name, email)).Scan(&id).Error
			if err != nil {
				return err
			}
			if err := tx.Exec("INSERT INTO counselor_links (counselor_id, learner_id, flagged, created_at) VALUES (?, ?, ?, ?)",
				counselorID, id, false, at).Error; err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return nil, wrap("import learners", err)
	}
	return ids, nil
}

// SeedAssessment is one past result for ImportAssessments.
type SeedAssessment struct {
	UserID    int64
	Result    NewResult
	CreatedAt time.Time
}

// ImportAssessments stores past results with their own times in one
// transaction and recomputes learner_stats (and the dimension scores) of
// every learner it touches, so the caseload reads them as if each had been
// taken live.
func (s *Store) ImportAssessments(ctx context.Context, rows []SeedAssessment) error {
	err := s.write(ctx, func(tx *gorm.DB) error {
		touched := map[int64]bool{}
		var order []int64
		for _, r := range rows {
			if _, _, err := insertAssessment(gormRunner{tx}, r.UserID, r.Result, r.CreatedAt.UTC().Truncate(time.Microsecond)); err != nil {
				return fmt.Errorf("user %d: %w", r.UserID, err)
			}
			if !touched[r.UserID] {
				touched[r.UserID] = true
				order = append(order, r.UserID)
			}
		}
		for _, id := range order {
			if err := refreshLearnerStats(tx, id); err != nil {
				return err
			}
		}
		return nil
	})
	return wrap("import assessments", err)
}
