package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/readiness/readiness/account"
)

// CaseloadEntry is one learner on a counselor's caseload with their summary
// stats. Pointer fields are nil for a learner with no assessments yet;
// Delta is nil too before a second attempt.
type CaseloadEntry struct {
	LearnerID       int64
	Name            string
	Email           string
	Group           string // "" for none
	Flagged         bool
	LinkedAt        time.Time
	Attempts        int
	LatestID        *int64
	LatestOverall   *float64
	LatestBand      *string
	PreviousOverall *float64
	Delta           *float64 // latest minus previous overall
	BachelorMet     *bool
	LastActivityAt  *time.Time
	NeedsAttention  []string // Attention* reasons, in that order; empty when none
	// The latest result's verified overall and band, nil when no counselor
	// has verified levels for it; never mixed into the self scores above.
	VerifiedOverall *float64
	VerifiedBand    *string
}

// Reasons a learner needs attention, as the API names them.
const (
	AttentionScoreDropped  = "score-dropped"  // latest overall below the previous one
	AttentionInactive      = "inactive"       // no attempt in InactiveAfter (counted from the link for someone with none)
	AttentionBachelorUnmet = "bachelor-unmet" // latest result fails the bachelor's requirement
)

// InactiveAfter is how long without an attempt makes a learner inactive.
const InactiveAfter = 90 * 24 * time.Hour

// changeEpsilon is the least change in overall that counts as up or down:
// scores show to one decimal, so a smaller change would read as "±0.0".
const changeEpsilon = 0.05

// BandNone is the band filter (and cohort key) for learners with no attempt yet.
const BandNone = "none"

// Caseload sort columns. Every column sorts either way (CaseloadQuery.Desc);
// learners with no value (no attempt yet) come last in both directions.
const (
	SortByName     = "name"
	SortByEmail    = "email"
	SortByAttempts = "attempts"
	SortByOverall  = "overall"
	SortByDelta    = "delta"
	SortByActivity = "activity"
	SortByFlagged  = "flagged"
	SortByLinked   = "linked"
	SortByGroup    = "group"
	SortByVerified = "verified" // the latest result's verified overall, when a counselor verified levels
)

// caseloadOrder is each sort column's expression; nullable ones get NULLS LAST.
var caseloadOrder = map[string]struct {
	expr     string
	nullable bool
}{
	"":             {"LOWER(u.name)", false},
	SortByName:     {"LOWER(u.name)", false},
	SortByEmail:    {"u.email", false},
	SortByAttempts: {"COALESCE(st.attempts, 0)", false},
	SortByOverall:  {"st.latest_overall", true},
	SortByDelta:    {"st.latest_overall - st.previous_overall", true},
	SortByActivity: {"st.last_activity_at", true},
	SortByFlagged:  {"l.flagged", false},
	SortByLinked:   {"l.created_at", false},
	SortByGroup:    {"NULLIF(u.group_key, '')", true},
	SortByVerified: {"vr.overall", true},
}

// ValidCaseloadSort reports whether Caseload accepts the sort column.
func ValidCaseloadSort(col string) bool {
	_, ok := caseloadOrder[col]
	return ok
}

// CaseloadQuery filters, sorts and pages a caseload. Zero values mean no
// filter, sort by name A–Z, no limit.
type CaseloadQuery struct {
	Q              string // part of the name or email, in any case (Unicode case folding)
	Group          string // a group name, compared as account.GroupKey does
	Band           string // latest band id, or BandNone
	FlaggedOnly    bool
	NeedsAttention bool
	Sort           string
	Desc           bool
	Now            time.Time // the clock "inactive" counts back from; zero means the store's clock
	Limit          int
	Offset         int
}

// The attention tests, shared by the select list and the filter. The
// cut-off time is their one parameter.
const (
	attentionDropped  = "st.latest_overall - st.previous_overall < -0.05"
	attentionInactive = "COALESCE(st.last_activity_at, l.created_at) < ?"
	attentionBachelor = "NOT st.bachelor_met"
)

const caseloadSelect = `SELECT u.id AS learner_id, u.name, u.email, u.group_name, l.flagged, l.created_at AS linked_at,
       st.attempts, st.latest_id, st.latest_overall, st.latest_band, st.previous_overall,
       st.latest_overall - st.previous_overall AS delta,
       st.bachelor_met, st.last_activity_at,
       CASE WHEN ` + attentionDropped + ` THEN 1 ELSE 0 END AS dropped,
       CASE WHEN ` + attentionInactive + ` THEN 1 ELSE 0 END AS inactive,
       CASE WHEN ` + attentionBachelor + ` THEN 1 ELSE 0 END AS bachelor_unmet,
       vr.overall AS verified_overall, vr.band AS verified_band
  FROM counselor_links l
  JOIN users u ON u.id = l.learner_id
  LEFT JOIN learner_stats st ON st.user_id = l.learner_id
  LEFT JOIN verified_results vr ON vr.assessment_id = st.latest_id
 WHERE `

type caseloadRow struct {
	LearnerID       int64
	Name            string
	Email           string
	GroupName       string
	Flagged         bool
	LinkedAt        time.Time
	Attempts        *int
	LatestID        *int64
	LatestOverall   *float64
	LatestBand      *string
	PreviousOverall *float64
	Delta           *float64
	BachelorMet     *bool
	LastActivityAt  *time.Time
	Dropped         bool
	Inactive        bool
	BachelorUnmet   bool
	VerifiedOverall *float64
	VerifiedBand    *string
}

func (r caseloadRow) entry() CaseloadEntry {
	e := CaseloadEntry{
		LearnerID: r.LearnerID, Name: r.Name, Email: r.Email, Group: r.GroupName, Flagged: r.Flagged, LinkedAt: utc(r.LinkedAt),
		LatestID: r.LatestID, LatestOverall: r.LatestOverall, LatestBand: r.LatestBand,
		PreviousOverall: r.PreviousOverall, Delta: r.Delta, BachelorMet: r.BachelorMet,
		NeedsAttention: []string{}, VerifiedOverall: r.VerifiedOverall, VerifiedBand: r.VerifiedBand,
	}
	if r.Attempts != nil {
		e.Attempts = *r.Attempts
	}
	if r.LastActivityAt != nil {
		t := utc(*r.LastActivityAt)
		e.LastActivityAt = &t
	}
	if r.Dropped {
		e.NeedsAttention = append(e.NeedsAttention, AttentionScoreDropped)
	}
	if r.Inactive {
		e.NeedsAttention = append(e.NeedsAttention, AttentionInactive)
	}
	if r.BachelorUnmet {
		e.NeedsAttention = append(e.NeedsAttention, AttentionBachelorUnmet)
	}
	return e
}

// scanCaseload reads caseloadSelect's rows with plain Scan: gorm's
// reflection-based ScanRows costs more than the query for a large export.
func scanCaseload(rows *sql.Rows, fn func(CaseloadEntry) error) error {
	for rows.Next() {
		// Nullable columns scan straight into the row's pointer fields:
		// database/sql leaves a pointer nil for NULL and allocates otherwise.
		var r caseloadRow
		err := rows.Scan(&r.LearnerID, &r.Name, &r.Email, &r.GroupName, &r.Flagged, &r.LinkedAt,
			&r.Attempts, &r.LatestID, &r.LatestOverall, &r.LatestBand, &r.PreviousOverall, &r.Delta,
			&r.BachelorMet, &r.LastActivityAt, &r.Dropped, &r.Inactive, &r.BachelorUnmet, &r.VerifiedOverall, &r.VerifiedBand)
		if err != nil {
			return err
		}
		if err := fn(r.entry()); err != nil {
			return err
		}
	}
	return rows.Err()
}

// queryCaseload runs one caseload query and hands each entry to fn.
func (s *Store) queryCaseload(ctx context.Context, query string, args []any, fn func(CaseloadEntry) error) error {
	rows, err := s.r.WithContext(ctx).Raw(query, args...).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	return scanCaseload(rows, fn)
}

// inactiveCutoff is the time before which a last attempt counts as inactive.
func (s *Store) inactiveCutoff(now time.Time) time.Time {
	if now.IsZero() {
		now = s.clock()
	}
	return now.UTC().Add(-InactiveAfter)
}

// Caseload lists the learners who share with the counselor: one query over
// counselor_links (by its primary key), users and learner_stats (by theirs),
// with needs-attention and the change since the previous attempt computed in
// SQL, so there is no query per learner whatever the caseload size.
func (s *Store) Caseload(ctx context.Context, counselorID int64, q CaseloadQuery) ([]CaseloadEntry, error) {
	query, args, err := s.caseloadSQL(counselorID, q)
	if err != nil {
		return nil, err
	}
	out := []CaseloadEntry{}
	err = s.queryCaseload(ctx, query, args, func(e CaseloadEntry) error {
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, wrap("caseload", err)
	}
	return out, nil
}

// EachCaseload calls fn with every learner Caseload would return for q,
// ignoring its paging: one query whose rows are read as fn consumes them, so
// an export of any size needs neither a page of memory per learner nor the
// re-sorting that paging by offset would repeat. fn's error stops it.
func (s *Store) EachCaseload(ctx context.Context, counselorID int64, q CaseloadQuery, fn func(CaseloadEntry) error) error {
	q.Limit, q.Offset = 0, 0
	query, args, err := s.caseloadSQL(counselorID, q)
	if err != nil {
		return err
	}
	return wrap("caseload export", s.queryCaseload(ctx, query, args, fn))
}

// caseloadSQL builds Caseload's one query (tests EXPLAIN it).
func (s *Store) caseloadSQL(counselorID int64, q CaseloadQuery) (string, []any, error) {
	order, ok := caseloadOrder[q.Sort]
	if !ok {
		return "", nil, fmt.Errorf("db: caseload: unknown sort %q", q.Sort)
	}
	dir := " ASC"
	if q.Desc {
		dir = " DESC"
	}
	by := order.expr + dir
	if order.nullable {
		by += " NULLS LAST"
	}
	cutoff := s.inactiveCutoff(q.Now)
	where, args := caseloadWhere(counselorID, q, cutoff)
	query := caseloadSelect + where + " ORDER BY " + by + ", LOWER(u.name), u.id"
	args = append([]any{cutoff}, args...)
	if q.Limit > 0 {
		query += " LIMIT ? OFFSET ?"
		args = append(args, q.Limit, max(q.Offset, 0))
	}
	return query, args, nil
}

// CaseloadLearner is one learner's caseload entry; a learner who does not
// share with the counselor is ErrNotFound. now is as in CaseloadQuery.
func (s *Store) CaseloadLearner(ctx context.Context, counselorID, learnerID int64, now time.Time) (CaseloadEntry, error) {
	var (
		e     CaseloadEntry
		found bool
	)
	err := s.queryCaseload(ctx, caseloadSelect+"l.counselor_id = ? AND l.learner_id = ?",
		[]any{s.inactiveCutoff(now), counselorID, learnerID}, func(got CaseloadEntry) error {
			e, found = got, true
			return nil
		})
	if err != nil {
		return CaseloadEntry{}, wrap("caseload learner", err)
	}
	if !found {
		return CaseloadEntry{}, fmt.Errorf("db: caseload learner: %w", ErrNotFound)
	}
	return e, nil
}

// CountCaseload counts the learners Caseload would return without paging.
func (s *Store) CountCaseload(ctx context.Context, counselorID int64, q CaseloadQuery) (int, error) {
	where, args := caseloadWhere(counselorID, q, s.inactiveCutoff(q.Now))
	var n int64
	err := s.r.WithContext(ctx).Raw(`SELECT COUNT(*) FROM counselor_links l
  JOIN users u ON u.id = l.learner_id
  LEFT JOIN learner_stats st ON st.user_id = l.learner_id WHERE `+where, args...).Scan(&n).Error
	if err != nil {
		return 0, wrap("count caseload", err)
	}
	return int(n), nil
}

func caseloadWhere(counselorID int64, q CaseloadQuery, cutoff time.Time) (string, []any) {
	where := "l.counselor_id = ?"
	args := []any{counselorID}
	if q.Q != "" {
		where += " AND " + searchMatch("u.search_key")
		args = append(args, searchPattern(q.Q))
	}
	if q.Group != "" {
		where += " AND u.group_key = ?"
		args = append(args, account.GroupKey(q.Group))
	}
	switch q.Band {
	case "":
	case BandNone:
		where += " AND st.user_id IS NULL"
	default:
		where += " AND st.latest_band = ?"
		args = append(args, q.Band)
	}
	if q.FlaggedOnly {
		where += " AND l.flagged = ?"
		args = append(args, true)
	}
	if q.NeedsAttention {
		where += " AND (" + attentionDropped + " OR " + attentionInactive + " OR " + attentionBachelor + ")"
		args = append(args, cutoff)
	}
	return where, args
}

// CaseloadGroups lists the groups of the learners on the counselor's
// caseload, by name.
func (s *Store) CaseloadGroups(ctx context.Context, counselorID int64) ([]Group, error) {
	return groupsWhere(s.r.WithContext(ctx), `SELECT u.group_key, u.group_name FROM counselor_links l
  JOIN users u ON u.id = l.learner_id WHERE l.counselor_id = ? AND u.group_key <> ''`, counselorID)
}

// RecordCaseloadAccess writes that the counselor opened the results of
// every learner the query matches (its paging ignored), e.g. by exporting
// them as CSV: one audit row for the export, and one narrow audit_subjects
// row per learner in it, so a large caseload's export costs little to
// record. Each learner sees it in their record of access.
func (s *Store) RecordCaseloadAccess(ctx context.Context, counselorID int64, q CaseloadQuery, what string) error {
	cutoff := s.inactiveCutoff(q.Now)
	where, args := caseloadWhere(counselorID, q, cutoff)
	from := ` FROM counselor_links l
  JOIN users u ON u.id = l.learner_id
  LEFT JOIN learner_stats st ON st.user_id = l.learner_id
 WHERE ` + where
	err := s.write(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Raw("SELECT COUNT(*)"+from, args...).Scan(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return nil // no one's results were in it
		}
		actor, err := auditParty(tx, counselorID, commandLineActor)
		if err != nil {
			return err
		}
		detail := fmt.Sprintf("%d learners", n)
		if n == 1 {
			detail = "1 learner"
		}
		var id int64
		if err := tx.Raw(`INSERT INTO audit_log (at, kind, action, actor_id, actor_name, actor_email, subject_id, subject_name, subject_email, detail)
VALUES (?, ?, ?, ?, ?, ?, NULL, '', '', ?) RETURNING id`, s.clock(), KindAccess, what, actor.id, actor.Name, actor.Email, detail).Scan(&id).Error; err != nil {
			return err
		}
		return tx.Exec("INSERT INTO audit_subjects (learner_id, audit_id) SELECT l.learner_id, ?"+from, append([]any{id}, args...)...).Error
	})
	return wrap("record caseload access", err)
}

// escapeLike makes LIKE's wildcards and the escape character literal.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}
