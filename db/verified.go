package db

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// NewVerification is a result's verified levels, ready to store: the
// answers the counselor verified (JSON, a subset of the questions) and the
// verified result (JSON) with its overall and band taken out.
type NewVerification struct {
	Answers []byte
	Result  []byte
	Overall float64
	Band    string
}

// Verification is a result's stored verified levels. The self result it
// belongs to is unchanged. CounselorID is 0 once the counselor's account
// is deleted; CounselorName still says who verified.
type Verification struct {
	AssessmentID  int64
	LearnerID     int64
	CounselorID   int64
	CounselorName string
	Answers       []byte
	Result        []byte
	Overall       float64
	Band          string
	VerifiedAt    time.Time
}

type verificationRow struct {
	AssessmentID  int64
	LearnerID     int64
	CounselorID   *int64
	CounselorName string
	Answers       []byte
	Result        []byte
	Overall       float64
	Band          string
	VerifiedAt    time.Time
}

func (r verificationRow) verification() Verification {
	v := Verification{AssessmentID: r.AssessmentID, LearnerID: r.LearnerID, CounselorName: r.CounselorName,
		Answers: r.Answers, Result: r.Result, Overall: r.Overall, Band: r.Band, VerifiedAt: utc(r.VerifiedAt)}
	if r.CounselorID != nil {
		v.CounselorID = *r.CounselorID
	}
	return v
}

const verificationSelect = `SELECT v.assessment_id, v.learner_id, v.counselor_id, COALESCE(u.name, v.counselor_name) AS counselor_name,
       v.answers, v.result, v.overall, v.band, v.verified_at
  FROM verified_results v LEFT JOIN users u ON u.id = v.counselor_id
 WHERE `

func queryVerifications(g *gorm.DB, where string, args ...any) ([]Verification, error) {
	var rows []verificationRow
	if err := g.Raw(verificationSelect+where, args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Verification, len(rows))
	for i, r := range rows {
		out[i] = r.verification()
	}
	return out, nil
}

// SetVerification records the counselor's verified levels for one of the
// learner's results, replacing any recorded before (by them or a
// colleague). A learner who does not share with the counselor, or a result
// that is not theirs, is ErrNotFound.
func (s *Store) SetVerification(ctx context.Context, counselorID, learnerID, assessmentID int64, nv NewVerification) (Verification, error) {
	v := Verification{AssessmentID: assessmentID, LearnerID: learnerID, CounselorID: counselorID,
		Answers: nv.Answers, Result: nv.Result, Overall: nv.Overall, Band: nv.Band, VerifiedAt: s.clock()}
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := requireLink(tx, counselorID, learnerID); err != nil {
			return err
		}
		if err := requireResult(tx, learnerID, assessmentID); err != nil {
			return err
		}
		if err := tx.Raw("SELECT name FROM users WHERE id = ?", counselorID).Scan(&v.CounselorName).Error; err != nil {
			return err
		}
		return tx.Exec(`INSERT INTO verified_results (assessment_id, learner_id, counselor_id, counselor_name, answers, result, overall, band, verified_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (assessment_id) DO UPDATE SET
    counselor_id = excluded.counselor_id,
    counselor_name = excluded.counselor_name,
    answers = excluded.answers,
    result = excluded.result,
    overall = excluded.overall,
    band = excluded.band,
    verified_at = excluded.verified_at`,
			assessmentID, learnerID, counselorID, v.CounselorName, string(nv.Answers), string(nv.Result), nv.Overall, nv.Band, v.VerifiedAt).Error
	})
	if err != nil {
		return Verification{}, wrap("set verification", err)
	}
	return v, nil
}

// Verification is the verified levels of one of the learner's results;
// none recorded, or another learner's result, is ErrNotFound.
func (s *Store) Verification(ctx context.Context, learnerID, assessmentID int64) (Verification, error) {
	list, err := queryVerifications(s.r.WithContext(ctx), "v.learner_id = ? AND v.assessment_id = ?", learnerID, assessmentID)
	if err != nil {
		return Verification{}, wrap("verification", err)
	}
	if len(list) == 0 {
		return Verification{}, fmt.Errorf("db: verification: %w", ErrNotFound)
	}
	return list[0], nil
}

// Verifications lists the verified levels of every one of the learner's
// results that has them, by result id.
func (s *Store) Verifications(ctx context.Context, learnerID int64) (map[int64]Verification, error) {
	list, err := queryVerifications(s.r.WithContext(ctx), "v.learner_id = ?", learnerID)
	if err != nil {
		return nil, wrap("verifications", err)
	}
	out := make(map[int64]Verification, len(list))
	for _, v := range list {
		out[v.AssessmentID] = v
	}
	return out, nil
}

// DeleteVerification removes a result's verified levels, by a counselor
// the learner shares with; none recorded is ErrNotFound.
func (s *Store) DeleteVerification(ctx context.Context, counselorID, learnerID, assessmentID int64) error {
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := requireLink(tx, counselorID, learnerID); err != nil {
			return err
		}
		res := tx.Exec("DELETE FROM verified_results WHERE assessment_id = ? AND learner_id = ?", assessmentID, learnerID)
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound
		}
		return res.Error
	})
	return wrap("delete verification", err)
}
