package db

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// NewResult is a scored assessment ready to store. Answers and Result are JSON.
type NewResult struct {
	ProfileID      string
	ProfileVersion string
	Answers        []byte
	Result         []byte
	Overall        float64
	Band           string
	BachelorMet    bool
	TopStep        string // id of the first-ranked step, "" if none
	// Dimensions are the result's dimension scores. Callers that have them
	// pass them so the writer need not parse Result; nil means parse it.
	Dimensions []DimensionScore

	// ClearDraft deletes the owner's draft (the user's, or the visitor
	// session's) in the same transaction: finishing the assessment stores
	// the result and ends the draft together.
	ClearDraft bool

	// packed holds Answers and Result packed (pack.go), when the caller
	// packed them before queueing for the committer.
	packed *[2][]byte
}

// pack packs the answers and result ahead of the write, on the caller's
// goroutine rather than the single committer's.
func (r *NewResult) pack() {
	r.packed = &[2][]byte{packJSON(r.Answers), packJSON(r.Result)}
}

// DimensionScore is one dimension's score within a result.
type DimensionScore struct {
	ID    string
	Score float64
}

// Assessment is a stored, immutable result. UserID is 0 for a visitor result.
type Assessment struct {
	ID             int64
	UserID         int64
	ProfileID      string
	ProfileVersion string
	Answers        []byte
	Result         []byte
	Overall        float64
	Band           string
	BachelorMet    bool
	TopStep        string
	CreatedAt      time.Time
}

// assessmentRow is a row as scanned; assessment() unpacks its JSON
// (pack.go) and normalises its time to UTC.
type assessmentRow Assessment

func (r assessmentRow) assessment() (Assessment, error) {
	a := Assessment(r)
	a.CreatedAt = utc(a.CreatedAt)
	var err1, err2 error
	a.Answers, err1 = unpackJSON(a.Answers)
	a.Result, err2 = unpackJSON(a.Result)
	if err := errors.Join(err1, err2); err != nil {
		return Assessment{}, fmt.Errorf("db: assessment %d: %w", a.ID, err)
	}
	return a, nil
}

const (
	resultColumns     = "profile_id, profile_version, answers, result, overall, band, bachelor_met, top_step, created_at"
	assessmentColumns = "id, user_id, " + resultColumns
	newestFirst       = " ORDER BY created_at DESC, id DESC"
)

func resultArgs(r NewResult, at time.Time) []any {
	if r.packed == nil {
		r.pack()
	}
	return []any{r.ProfileID, r.ProfileVersion, r.packed[0], r.packed[1],
		r.Overall, r.Band, r.BachelorMet, r.TopStep, at}
}

func fromNew(id, userID int64, r NewResult, at time.Time) Assessment {
	return Assessment{
		ID: id, UserID: userID, ProfileID: r.ProfileID, ProfileVersion: r.ProfileVersion,
		Answers: r.Answers, Result: r.Result, Overall: r.Overall, Band: r.Band,
		BachelorMet: r.BachelorMet, TopStep: r.TopStep, CreatedAt: at,
	}
}

// CreateAssessment stores a result for a user and updates their
// learner_stats row in the same transaction. An unknown user is ErrNotFound.
// It returns only once its row is durably committed. On SQLite concurrent
// writes are committed together (see batch.go); on PostgreSQL each commits
// on its own connection of the pool, and the server flushes concurrent
// commits to its log together.
func (s *Store) CreateAssessment(ctx context.Context, userID int64, r NewResult) (Assessment, error) {
	if r.Dimensions == nil {
		r.Dimensions = dimensionScores(r.Result)
	}
	r.pack()
	var a Assessment
	// Fixed SQL on every submission: prepared once (prepared.go).
	err := s.writePrepared(ctx, func(run writeRunner) error {
		var err error
		a, err = createAssessmentTx(run, userID, r, s.clock())
		return err
	})
	if err != nil {
		return Assessment{}, wrap("create assessment", err)
	}
	return a, nil
}

const (
	insertAssessmentSQL = "INSERT INTO assessments (user_id, " + resultColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
	clearDraftSQL       = "DELETE FROM drafts WHERE user_id = ?"
	// bumpLearnerStatsSQL's SET expressions see the old row, so
	// previous_overall gets the old latest.
	bumpLearnerStatsSQL = `INSERT INTO learner_stats (user_id, attempts, latest_id, latest_overall, latest_band,
    previous_overall, bachelor_met, last_activity_at, latest_top_step, latest_dimensions)
VALUES (?, 1, ?, ?, ?, NULL, ?, ?, ?, ?)
ON CONFLICT (user_id) DO UPDATE SET
    attempts = learner_stats.attempts + 1,
    previous_overall = learner_stats.latest_overall,
    latest_id = excluded.latest_id,
    latest_overall = excluded.latest_overall,
    latest_band = excluded.latest_band,
    bachelor_met = excluded.bachelor_met,
    last_activity_at = excluded.last_activity_at,
    latest_top_step = excluded.latest_top_step,
    latest_dimensions = excluded.latest_dimensions`
)

// createAssessmentTx inserts one assessment and makes it the learner's latest.
func createAssessmentTx(run writeRunner, userID int64, r NewResult, at time.Time) (Assessment, error) {
	a, dims, err := insertAssessment(run, userID, r, at)
	if err != nil {
		return Assessment{}, err
	}
	if r.ClearDraft {
		if _, err := run.exec(clearDraftSQL, userID); err != nil {
			return Assessment{}, err
		}
	}
	return a, bumpLearnerStats(run, a, dims)
}

// insertAssessment inserts one assessment and its dimension scores, and
// returns the scores as stored.
func insertAssessment(run writeRunner, userID int64, r NewResult, at time.Time) (Assessment, []DimensionScore, error) {
	id, err := run.queryID(insertAssessmentSQL, append([]any{userID}, resultArgs(r, at)...)...)
	if err != nil {
		return Assessment{}, nil, err
	}
	dims := r.Dimensions
	if dims == nil {
		dims = dimensionScores(r.Result)
	}
	dims = storedDimensions(dims)
	if err := insertDimensionScores(run, id, dims); err != nil {
		return Assessment{}, nil, err
	}
	return fromNew(id, userID, r, at), dims, nil
}

// bumpLearnerStats makes a, just inserted with its dimension scores dims,
// the learner's latest result.
func bumpLearnerStats(run writeRunner, a Assessment, dims []DimensionScore) error {
	_, err := run.exec(bumpLearnerStatsSQL,
		a.UserID, a.ID, a.Overall, a.Band, a.BachelorMet, a.CreatedAt, a.TopStep, encodeDimensions(dims))
	return err
}

// refreshLearnerStats recomputes one learner's stats from their assessments;
// used when rows arrive out of created_at order (claimed visitor results).
func refreshLearnerStats(tx *gorm.DB, userID int64) error {
	if err := tx.Exec("DELETE FROM learner_stats WHERE user_id = ?", userID).Error; err != nil {
		return err
	}
	err := tx.Exec(`INSERT INTO learner_stats (user_id, attempts, latest_id, latest_overall, latest_band,
    previous_overall, bachelor_met, last_activity_at, latest_top_step)
SELECT a.user_id,
       (SELECT COUNT(*) FROM assessments c WHERE c.user_id = a.user_id),
       a.id, a.overall, a.band,
       (SELECT p.overall FROM assessments p
         WHERE p.user_id = a.user_id
           AND (p.created_at < a.created_at OR (p.created_at = a.created_at AND p.id < a.id))
         ORDER BY p.created_at DESC, p.id DESC
         LIMIT 1),
       a.bachelor_met, a.created_at, a.top_step
  FROM assessments a
 WHERE a.user_id = ?
   AND NOT EXISTS (SELECT 1 FROM assessments b
                    WHERE b.user_id = a.user_id
                      AND (b.created_at > a.created_at OR (b.created_at = a.created_at AND b.id > a.id)))`,
		userID).Error
	if err != nil {
		return err
	}
	return setLatestDimensions(tx, userID)
}

// AssessmentsByUser returns a page of the user's assessments, newest first.
// limit <= 0 means no limit.
func (s *Store) AssessmentsByUser(ctx context.Context, userID int64, limit, offset int) ([]Assessment, error) {
	return assessmentsByUser(s.r.WithContext(ctx), userID, limit, offset)
}

func assessmentsByUser(g *gorm.DB, userID int64, limit, offset int) ([]Assessment, error) {
	q := "SELECT " + assessmentColumns + " FROM assessments WHERE user_id = ?" + newestFirst
	args := []any{userID}
	if limit > 0 {
		q += " LIMIT ? OFFSET ?"
		args = append(args, limit, max(offset, 0))
	}
	var rows []assessmentRow
	if err := g.Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, wrap("assessments by user", err)
	}
	out := make([]Assessment, len(rows))
	for i, r := range rows {
		a, err := r.assessment()
		if err != nil {
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}

// CountAssessments returns how many assessments the user has.
func (s *Store) CountAssessments(ctx context.Context, userID int64) (int, error) {
	var n int64
	if err := s.r.WithContext(ctx).Raw("SELECT COUNT(*) FROM assessments WHERE user_id = ?", userID).Scan(&n).Error; err != nil {
		return 0, wrap("count assessments", err)
	}
	return int(n), nil
}

// Assessment returns one of the user's assessments. Another user's id is
// ErrNotFound, so callers cannot probe for other people's results.
func (s *Store) Assessment(ctx context.Context, userID, id int64) (Assessment, error) {
	var rows []assessmentRow
	err := s.r.WithContext(ctx).Raw("SELECT "+assessmentColumns+" FROM assessments WHERE id = ? AND user_id = ?", id, userID).Scan(&rows).Error
	if err != nil {
		return Assessment{}, wrap("assessment", err)
	}
	if len(rows) == 0 {
		return Assessment{}, fmt.Errorf("db: assessment: %w", ErrNotFound)
	}
	return rows[0].assessment()
}

// CreateVisitorResult stores a result for a visitor session. The returned
// Assessment has UserID 0. An unknown session is ErrNotFound.
func (s *Store) CreateVisitorResult(ctx context.Context, sessionID string, r NewResult) (Assessment, error) {
	at := s.clock()
	var id int64
	args := append([]any{sessionID}, resultArgs(r, at)...)
	err := s.write(ctx, func(tx *gorm.DB) error {
		err := tx.Raw("INSERT INTO visitor_results (session_id, "+resultColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			args...).Scan(&id).Error
		if err != nil || !r.ClearDraft {
			return err
		}
		return tx.Exec("DELETE FROM drafts WHERE session_id = ?", sessionID).Error
	})
	if err != nil {
		return Assessment{}, wrap("create visitor result", err)
	}
	return fromNew(id, 0, r, at), nil
}

// VisitorResult returns one result of the visitor session; another session's
// id is ErrNotFound.
func (s *Store) VisitorResult(ctx context.Context, sessionID string, id int64) (Assessment, error) {
	var rows []assessmentRow
	err := s.r.WithContext(ctx).Raw("SELECT id, 0 AS user_id, "+resultColumns+" FROM visitor_results WHERE id = ? AND session_id = ?", id, sessionID).Scan(&rows).Error
	if err != nil {
		return Assessment{}, wrap("visitor result", err)
	}
	if len(rows) == 0 {
		return Assessment{}, fmt.Errorf("db: visitor result: %w", ErrNotFound)
	}
	return rows[0].assessment()
}

// ClaimVisitorResults moves a visitor session's results into the user's
// assessments, oldest first and keeping their original times, and returns
// the new rows in that order. Copy, stats and delete are one transaction.
func (s *Store) ClaimVisitorResults(ctx context.Context, sessionID string, userID int64) ([]Assessment, error) {
	var out []Assessment
	err := s.write(ctx, func(tx *gorm.DB) error {
		var rows []assessmentRow
		err := tx.Raw("SELECT id, 0 AS user_id, "+resultColumns+" FROM visitor_results WHERE session_id = ? ORDER BY created_at, id", sessionID).Scan(&rows).Error
		if err != nil || len(rows) == 0 {
			return err
		}
		for _, row := range rows {
			r, err := row.assessment()
			if err != nil {
				return err
			}
			nr := NewResult{
				ProfileID: r.ProfileID, ProfileVersion: r.ProfileVersion, Answers: r.Answers, Result: r.Result,
				Overall: r.Overall, Band: r.Band, BachelorMet: r.BachelorMet, TopStep: r.TopStep,
			}
			a, _, err := insertAssessment(gormRunner{tx}, userID, nr, utc(r.CreatedAt))
			if err != nil {
				return err
			}
			// The result's old address leads to the saved one.
			if err := tx.Exec("INSERT INTO claimed_results (visitor_result_id, user_id, assessment_id) VALUES (?, ?, ?)",
				r.ID, userID, a.ID).Error; err != nil {
				return err
			}
			out = append(out, a)
		}
		if err := refreshLearnerStats(tx, userID); err != nil {
			return err
		}
		return tx.Exec("DELETE FROM visitor_results WHERE session_id = ?", sessionID).Error
	})
	if err != nil {
		return nil, wrap("claim visitor results", err)
	}
	return out, nil
}

// ClaimedResult says where a visitor's result went when it was saved to an
// account: the account and the stored result's id. A visitor result never
// saved (or whose saved copy is gone) is ErrNotFound.
func (s *Store) ClaimedResult(ctx context.Context, visitorResultID int64) (userID, assessmentID int64, err error) {
	var rows []struct {
		UserID       int64
		AssessmentID int64
	}
	err = s.r.WithContext(ctx).Raw("SELECT user_id, assessment_id FROM claimed_results WHERE visitor_result_id = ?", visitorResultID).Scan(&rows).Error
	if err != nil {
		return 0, 0, wrap("claimed result", err)
	}
	if len(rows) == 0 {
		return 0, 0, fmt.Errorf("db: claimed result: %w", ErrNotFound)
	}
	return rows[0].UserID, rows[0].AssessmentID, nil
}
