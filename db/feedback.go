package db

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// ErrLocked refuses a change to something that can no longer be changed,
// such as feedback past its editing window.
var ErrLocked = errors.New("db: no longer editable")

// Feedback is what a counselor wrote to a learner about one result. The
// learner reads it; CounselorID is 0 once the counselor's account is
// deleted, CounselorName still says who wrote it. EditedAt and ReadAt are
// zero when it was never edited, or is unread since written or edited.
type Feedback struct {
	ID            int64
	AssessmentID  int64
	LearnerID     int64
	CounselorID   int64
	CounselorName string
	Text          string
	CreatedAt     time.Time
	EditedAt      time.Time
	ReadAt        time.Time
}

// FeedbackNotice is a result with feedback the learner has not opened yet.
type FeedbackNotice struct {
	AssessmentID int64
	ResultAt     time.Time // when the result was taken
	Count        int
	Counselors   []string // who wrote it, each once, in the order they wrote
}

// maxFeedbackRows bounds a list of feedback read at once.
const maxFeedbackRows = 1000

type feedbackRow struct {
	ID            int64
	AssessmentID  int64
	LearnerID     int64
	CounselorID   *int64
	CounselorName string
	Text          string
	CreatedAt     time.Time
	EditedAt      *time.Time
	ReadAt        *time.Time
}

func (r feedbackRow) feedback() Feedback {
	f := Feedback{ID: r.ID, AssessmentID: r.AssessmentID, LearnerID: r.LearnerID, CounselorName: r.CounselorName,
		Text: r.Text, CreatedAt: utc(r.CreatedAt)}
	if r.CounselorID != nil {
		f.CounselorID = *r.CounselorID
	}
	if r.EditedAt != nil {
		f.EditedAt = utc(*r.EditedAt)
	}
	if r.ReadAt != nil {
		f.ReadAt = utc(*r.ReadAt)
	}
	return f
}

const feedbackSelect = `SELECT f.id, f.assessment_id, f.learner_id, f.counselor_id, COALESCE(u.name, f.counselor_name) AS counselor_name,
       f.text, f.created_at, f.edited_at, f.read_at
  FROM feedback f LEFT JOIN users u ON u.id = f.counselor_id
 WHERE `

func queryFeedback(g *gorm.DB, where, order string, args ...any) ([]Feedback, error) {
	var rows []feedbackRow
	if err := g.Raw(feedbackSelect+where+order+" LIMIT ?", append(args, maxFeedbackRows)...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Feedback, len(rows))
	for i, r := range rows {
		out[i] = r.feedback()
	}
	return out, nil
}

// requireResult fails with ErrNotFound unless the assessment is the learner's.
func requireResult(tx *gorm.DB, learnerID, assessmentID int64) error {
	var n int64
	if err := tx.Raw("SELECT COUNT(*) FROM assessments WHERE id = ? AND user_id = ?", assessmentID, learnerID).Scan(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// AddFeedback stores a counselor's feedback on one of a learner's results.
// A learner who does not share with the counselor, or a result that is not
// theirs, is ErrNotFound.
func (s *Store) AddFeedback(ctx context.Context, counselorID, learnerID, assessmentID int64, text string) (Feedback, error) {
	f := Feedback{AssessmentID: assessmentID, LearnerID: learnerID, CounselorID: counselorID, Text: text, CreatedAt: s.clock()}
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := requireLink(tx, counselorID, learnerID); err != nil {
			return err
		}
		if err := requireResult(tx, learnerID, assessmentID); err != nil {
			return err
		}
		if err := tx.Raw("SELECT name FROM users WHERE id = ?", counselorID).Scan(&f.CounselorName).Error; err != nil {
			return err
		}
		return tx.Raw(`INSERT INTO feedback (assessment_id, learner_id, counselor_id, counselor_name, text, created_at)
VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, assessmentID, learnerID, counselorID, f.CounselorName, text, f.CreatedAt).Scan(&f.ID).Error
	})
	if err != nil {
		return Feedback{}, wrap("add feedback", err)
	}
	return f, nil
}

// FeedbackOn lists the feedback on one of the learner's results, from every
// counselor, oldest first; another learner's result has none.
func (s *Store) FeedbackOn(ctx context.Context, learnerID, assessmentID int64) ([]Feedback, error) {
	list, err := queryFeedback(s.r.WithContext(ctx), "f.learner_id = ? AND f.assessment_id = ?", " ORDER BY f.created_at, f.id",
		learnerID, assessmentID)
	return list, wrap("feedback on", err)
}

// FeedbackBy lists the counselor's own feedback on any of the learner's
// results, newest first. Callers check that the learner shares with them.
func (s *Store) FeedbackBy(ctx context.Context, counselorID, learnerID int64) ([]Feedback, error) {
	list, err := queryFeedback(s.r.WithContext(ctx), "f.counselor_id = ? AND f.learner_id = ?", " ORDER BY f.created_at DESC, f.id DESC",
		counselorID, learnerID)
	return list, wrap("feedback by", err)
}

// FeedbackItem is one of the counselor's own pieces of feedback to the
// learner; anyone else's is ErrNotFound.
func (s *Store) FeedbackItem(ctx context.Context, counselorID, learnerID, id int64) (Feedback, error) {
	return ownFeedback(s.r.WithContext(ctx), counselorID, learnerID, id)
}

func ownFeedback(g *gorm.DB, counselorID, learnerID, id int64) (Feedback, error) {
	list, err := queryFeedback(g, "f.id = ? AND f.counselor_id = ? AND f.learner_id = ?", "", id, counselorID, learnerID)
	if err != nil {
		return Feedback{}, wrap("feedback", err)
	}
	if len(list) == 0 {
		return Feedback{}, fmt.Errorf("db: feedback: %w", ErrNotFound)
	}
	return list[0], nil
}

// changeFeedback runs change on the counselor's own feedback to a learner
// who still shares with them, if it was written at or after since;
// otherwise it is ErrNotFound or ErrLocked.
func (s *Store) changeFeedback(ctx context.Context, counselorID, learnerID, id int64, since time.Time, change func(tx *gorm.DB) error) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		if err := requireLink(tx, counselorID, learnerID); err != nil {
			return err
		}
		f, err := ownFeedback(tx, counselorID, learnerID, id)
		if err != nil {
			return err
		}
		if f.CreatedAt.Before(since) {
			return ErrLocked
		}
		return change(tx)
	})
}

// EditFeedback replaces the text of the counselor's own feedback written
// at or after since (older is ErrLocked), while the learner shares with
// them. The learner sees it as new again.
func (s *Store) EditFeedback(ctx context.Context, counselorID, learnerID, id int64, text string, since time.Time) (Feedback, error) {
	var f Feedback
	err := s.changeFeedback(ctx, counselorID, learnerID, id, since, func(tx *gorm.DB) error {
		if err := tx.Exec("UPDATE feedback SET text = ?, edited_at = ?, read_at = NULL WHERE id = ?", text, s.clock(), id).Error; err != nil {
			return err
		}
		var err error
		f, err = ownFeedback(tx, counselorID, learnerID, id)
		return err
	})
	if err != nil {
		return Feedback{}, wrap("edit feedback", err)
	}
	return f, nil
}

// DeleteFeedback removes the counselor's own feedback written at or after
// since (older is ErrLocked), while the learner shares with them.
func (s *Store) DeleteFeedback(ctx context.Context, counselorID, learnerID, id int64, since time.Time) error {
	err := s.changeFeedback(ctx, counselorID, learnerID, id, since, func(tx *gorm.DB) error {
		return tx.Exec("DELETE FROM feedback WHERE id = ?", id).Error
	})
	return wrap("delete feedback", err)
}

// MarkFeedbackRead records that the learner opened the result: its
// feedback is no longer new.
func (s *Store) MarkFeedbackRead(ctx context.Context, learnerID, assessmentID int64) error {
	_, err := s.exec(ctx, "UPDATE feedback SET read_at = ? WHERE learner_id = ? AND assessment_id = ? AND read_at IS NULL",
		s.clock(), learnerID, assessmentID)
	return wrap("mark feedback read", err)
}

// NewFeedback lists the learner's results that have feedback they have not
// opened yet, newest result first.
func (s *Store) NewFeedback(ctx context.Context, learnerID int64) ([]FeedbackNotice, error) {
	var rows []struct {
		AssessmentID  int64
		ResultAt      time.Time
		CounselorName string
	}
	err := s.r.WithContext(ctx).Raw(`SELECT f.assessment_id, a.created_at AS result_at, COALESCE(u.name, f.counselor_name) AS counselor_name
  FROM feedback f
  JOIN assessments a ON a.id = f.assessment_id
  LEFT JOIN users u ON u.id = f.counselor_id
 WHERE f.learner_id = ? AND f.read_at IS NULL
 ORDER BY a.created_at DESC, f.assessment_id DESC, f.created_at, f.id
 LIMIT ?`, learnerID, maxFeedbackRows).Scan(&rows).Error
	if err != nil {
		return nil, wrap("new feedback", err)
	}
	out := []FeedbackNotice{}
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].AssessmentID != r.AssessmentID {
			out = append(out, FeedbackNotice{AssessmentID: r.AssessmentID, ResultAt: utc(r.ResultAt)})
		}
		n := &out[len(out)-1]
		n.Count++
		seen := false
		for _, name := range n.Counselors {
			seen = seen || name == r.CounselorName
		}
		if !seen {
			n.Counselors = append(n.Counselors, r.CounselorName)
		}
	}
	return out, nil
}
