package db

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// CaseloadEntry is one learner on a counselor's caseload with their summary
// stats. Pointer fields are nil for a learner with no assessments yet.
type CaseloadEntry struct {
	LearnerID       int64
	Name            string
	Email           string
	Flagged         bool
	LinkedAt        time.Time
	Attempts        int
	LatestID        *int64
	LatestOverall   *float64
	LatestBand      *string
	PreviousOverall *float64
	BachelorMet     *bool
	LastActivityAt  *time.Time
}

// Caseload sort orders.
const (
	SortByName     = "name"
	SortByOverall  = "overall"  // highest latest score first
	SortByActivity = "activity" // most recent assessment first
	SortByLinked   = "linked"   // newest link first
)

// CaseloadQuery filters and pages a caseload. Zero values mean no filter,
// sort by name, no limit.
type CaseloadQuery struct {
	Band        string
	FlaggedOnly bool
	Sort        string
	Limit       int
	Offset      int
}

var caseloadOrder = map[string]string{
	"":             "u.name, u.id",
	SortByName:     "u.name, u.id",
	SortByOverall:  "st.latest_overall DESC NULLS LAST, u.name, u.id",
	SortByActivity: "st.last_activity_at DESC NULLS LAST, u.name, u.id",
	SortByLinked:   "l.created_at DESC, u.id",
}

// Caseload lists the learners who share with the counselor: one indexed join
// over counselor_links, users and learner_stats, whatever the caseload size.
func (s *Store) Caseload(ctx context.Context, counselorID int64, q CaseloadQuery) ([]CaseloadEntry, error) {
	order, ok := caseloadOrder[q.Sort]
	if !ok {
		return nil, fmt.Errorf("db: caseload: unknown sort %q", q.Sort)
	}
	where, args := caseloadWhere(counselorID, q)
	sql := `SELECT u.id AS learner_id, u.name, u.email, l.flagged, l.created_at AS linked_at,
       st.attempts, st.latest_id, st.latest_overall, st.latest_band, st.previous_overall,
       st.bachelor_met, st.last_activity_at
  FROM counselor_links l
  JOIN users u ON u.id = l.learner_id
  LEFT JOIN learner_stats st ON st.user_id = l.learner_id
 WHERE ` + where + " ORDER BY " + order
	if q.Limit > 0 {
		sql += " LIMIT ? OFFSET ?"
		args = append(args, q.Limit, max(q.Offset, 0))
	}
	var rows []struct {
		LearnerID       int64
		Name            string
		Email           string
		Flagged         bool
		LinkedAt        time.Time
		Attempts        *int
		LatestID        *int64
		LatestOverall   *float64
		LatestBand      *string
		PreviousOverall *float64
		BachelorMet     *bool
		LastActivityAt  *time.Time
	}
	if err := s.r.WithContext(ctx).Raw(sql, args...).Scan(&rows).Error; err != nil {
		return nil, wrap("caseload", err)
	}
	out := make([]CaseloadEntry, len(rows))
	for i, r := range rows {
		e := CaseloadEntry{
			LearnerID: r.LearnerID, Name: r.Name, Email: r.Email, Flagged: r.Flagged, LinkedAt: utc(r.LinkedAt),
			LatestID: r.LatestID, LatestOverall: r.LatestOverall, LatestBand: r.LatestBand,
			PreviousOverall: r.PreviousOverall, BachelorMet: r.BachelorMet,
		}
		if r.Attempts != nil {
			e.Attempts = *r.Attempts
		}
		if r.LastActivityAt != nil {
			t := utc(*r.LastActivityAt)
			e.LastActivityAt = &t
		}
		out[i] = e
	}
	return out, nil
}

// CountCaseload counts the learners Caseload would return without paging.
func (s *Store) CountCaseload(ctx context.Context, counselorID int64, q CaseloadQuery) (int, error) {
	where, args := caseloadWhere(counselorID, q)
	var n int64
	err := s.r.WithContext(ctx).Raw(`SELECT COUNT(*) FROM counselor_links l
  LEFT JOIN learner_stats st ON st.user_id = l.learner_id WHERE `+where, args...).Scan(&n).Error
	if err != nil {
		return 0, wrap("count caseload", err)
	}
	return int(n), nil
}

func caseloadWhere(counselorID int64, q CaseloadQuery) (string, []any) {
	where := "l.counselor_id = ?"
	args := []any{counselorID}
	if q.Band != "" {
		where += " AND st.latest_band = ?"
		args = append(args, q.Band)
	}
	if q.FlaggedOnly {
		where += " AND l.flagged = ?"
		args = append(args, true)
	}
	return where, args
}

// Note is a counselor's private note about a learner.
type Note struct {
	ID          int64
	CounselorID int64
	LearnerID   int64
	Text        string
	CreatedAt   time.Time
}

// AddNote stores a note by the counselor about a learner on their caseload;
// a learner who does not share with them is ErrNotFound.
func (s *Store) AddNote(ctx context.Context, counselorID, learnerID int64, text string) (Note, error) {
	n := Note{CounselorID: counselorID, LearnerID: learnerID, Text: text, CreatedAt: s.clock()}
	err := s.write(ctx, func(tx *gorm.DB) error {
		var linked int64
		if err := tx.Raw("SELECT COUNT(*) FROM counselor_links WHERE counselor_id = ? AND learner_id = ?", counselorID, learnerID).Scan(&linked).Error; err != nil {
			return err
		}
		if linked == 0 {
			return ErrNotFound
		}
		return tx.Raw("INSERT INTO notes (counselor_id, learner_id, text, created_at) VALUES (?, ?, ?, ?) RETURNING id",
			counselorID, learnerID, text, n.CreatedAt).Scan(&n.ID).Error
	})
	if err != nil {
		return Note{}, wrap("add note", err)
	}
	return n, nil
}

// Notes returns the counselor's own notes about a learner, newest first.
func (s *Store) Notes(ctx context.Context, counselorID, learnerID int64) ([]Note, error) {
	var rows []Note
	err := s.r.WithContext(ctx).Raw(`SELECT id, counselor_id, learner_id, text, created_at FROM notes
 WHERE learner_id = ? AND counselor_id = ? ORDER BY created_at DESC, id DESC`, learnerID, counselorID).Scan(&rows).Error
	if err != nil {
		return nil, wrap("notes", err)
	}
	for i := range rows {
		rows[i].CreatedAt = utc(rows[i].CreatedAt)
	}
	return rows, nil
}
