package db

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
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

// CaseloadSorts lists the sort columns Caseload accepts, in the order of
// the constants above.
var CaseloadSorts = []string{SortByName, SortByEmail, SortByAttempts, SortByOverall, SortByDelta,
	SortByActivity, SortByFlagged, SortByLinked, SortByGroup, SortByVerified}

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

// caseloadSelect is Caseload's select list and joins, for the dialect.
// On SQLite the two times are read as text and parsed by sqliteTime.
func (s *Store) caseloadSelect() string {
	if s.dialect == Postgres {
		return caseloadSelectPostgres
	}
	return caseloadSelectSQLite
}

var (
	caseloadSelectSQLite   = caseloadSelectWith("CAST(l.created_at AS TEXT)", "CAST(st.last_activity_at AS TEXT)")
	caseloadSelectPostgres = caseloadSelectWith("l.created_at", "st.last_activity_at")
)

func caseloadSelectWith(linkedAt, lastActivityAt string) string {
	return `SELECT u.id AS learner_id, u.name, u.email, u.group_name, l.flagged, ` + linkedAt + ` AS linked_at,
       st.attempts, st.latest_id, st.latest_overall, st.latest_band, st.previous_overall,
       st.latest_overall - st.previous_overall AS delta,
       st.bachelor_met, ` + lastActivityAt + ` AS last_activity_at,
       CASE WHEN ` + attentionDropped + ` THEN 1 ELSE 0 END AS dropped,
       CASE WHEN ` + attentionInactive + ` THEN 1 ELSE 0 END AS inactive,
       CASE WHEN ` + attentionBachelor + ` THEN 1 ELSE 0 END AS bachelor_unmet,
       vr.overall AS verified_overall, vr.band AS verified_band
  FROM counselor_links l
  JOIN users u ON u.id = l.learner_id
  LEFT JOIN learner_stats st ON st.user_id = l.learner_id
  LEFT JOIN verified_results vr ON vr.assessment_id = st.latest_id
 WHERE `
}

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

// scanCaseload reads caseloadSelect's rows. Each column is scanned into an
// any and converted here: database/sql converts into *int64, *float64 or a
// pointer field by reflection, which cost more than the query's own work
// in a large export.
func scanCaseload(rows *sql.Rows, fn func(CaseloadEntry) error) error {
	var (
		vals [19]any
		dest [19]any
	)
	for i := range vals {
		dest[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest[:]...); err != nil {
			return err
		}
		var c columns
		r := caseloadRow{
			LearnerID: c.int(vals[0]), Name: c.str(vals[1]), Email: c.str(vals[2]), GroupName: c.str(vals[3]),
			Flagged: c.bool(vals[4]), LinkedAt: c.time(vals[5]),
			LatestID: orNil(c.int, vals[7]), LatestOverall: orNil(c.float, vals[8]), LatestBand: orNil(c.str, vals[9]),
			PreviousOverall: orNil(c.float, vals[10]), Delta: orNil(c.float, vals[11]), BachelorMet: orNil(c.bool, vals[12]),
			LastActivityAt: orNil(c.time, vals[13]), Dropped: c.bool(vals[14]), Inactive: c.bool(vals[15]),
			BachelorUnmet: c.bool(vals[16]), VerifiedOverall: orNil(c.float, vals[17]), VerifiedBand: orNil(c.str, vals[18]),
		}
		if n := orNil(c.int, vals[6]); n != nil {
			attempts := int(*n)
			r.Attempts = &attempts
		}
		if c.err != nil {
			return fmt.Errorf("caseload row: %w", c.err)
		}
		if err := fn(r.entry()); err != nil {
			return err
		}
	}
	return rows.Err()
}

// orNil is nil for a NULL column, otherwise what conv makes of it.
func orNil[T any](conv func(any) T, v any) *T {
	if v == nil {
		return nil
	}
	x := conv(v)
	return &x
}

// columns converts column values as the drivers hand them over (int64,
// float64, bool, string, []byte, time.Time or nil; a time may be SQLite's
// text) and keeps the first value of an unexpected type as its error.
type columns struct{ err error }

func (c *columns) fail(v any, want string) {
	if c.err == nil {
		c.err = fmt.Errorf("a column holds %T, want %s", v, want)
	}
}

func (c *columns) int(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	}
	c.fail(v, "an integer")
	return 0
}

func (c *columns) float(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64: // SQLite hands a whole REAL back as an integer after arithmetic
		return float64(x)
	}
	c.fail(v, "a number")
	return 0
}

func (c *columns) str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	c.fail(v, "text")
	return ""
}

func (c *columns) bool(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case int64: // SQLite's CASE … THEN 1 ELSE 0
		return x != 0
	}
	c.fail(v, "a boolean")
	return false
}

func (c *columns) time(v any) time.Time {
	switch x := v.(type) {
	case time.Time:
		return x
	case string: // SQLite's text, selected as such (caseloadSelect)
		t, err := sqliteTime(x)
		if err != nil && c.err == nil {
			c.err = err
		}
		return t
	}
	c.fail(v, "a time")
	return time.Time{}
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
	query := s.caseloadSelect() + where + " ORDER BY " + by + ", LOWER(u.name), u.id"
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
	err := s.queryCaseload(ctx, s.caseloadSelect()+"l.counselor_id = ? AND l.learner_id = ?",
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

// ExportCaseload hands fn every learner Caseload would return for q (its
// paging ignored), as EachCaseload does, and writes in the audit log that
// the counselor opened their results (what, e.g. ActionResultsCSV): one
// audit row for the export, and one narrow audit_subjects row per learner in
// it, so a large caseload's export costs little to record. Each learner sees
// it in their record of access.
//
// The read and the record run at the same time (the record on the writer,
// the read on a reader), so an export takes about the longer of the two,
// not their sum. When both are done the record is made to name exactly the
// learners fn was given: should the caseload have changed between the
// two (a learner linked, unlinked or moved by a filter), a second write adds
// the ones missing and removes the ones not sent. Callers must send nothing
// of what fn was given unless ExportCaseload returns nil: then every learner
// in it is recorded. An error from fn stops the read and is returned.
func (s *Store) ExportCaseload(ctx context.Context, counselorID int64, q CaseloadQuery, what string, fn func(CaseloadEntry) error) error {
	if q.Now.IsZero() {
		q.Now = s.clock() // one cut-off for "inactive" in the read and the record
	}
	type recorded struct {
		auditID int64
		ids     []int64
		err     error
	}
	done := make(chan recorded, 1)
	go func() {
		if s.beforeAccessRecord != nil {
			s.beforeAccessRecord()
		}
		id, ids, err := s.recordCaseloadAccess(ctx, counselorID, q, what)
		done <- recorded{id, ids, err}
	}()
	var read []int64
	err := s.EachCaseload(ctx, counselorID, q, func(e CaseloadEntry) error {
		read = append(read, e.LearnerID)
		return fn(e)
	})
	rec := <-done // the record is always waited for: it never outlives the call
	if err != nil {
		return err
	}
	if rec.err != nil {
		return rec.err
	}
	return s.reconcileCaseloadAccess(ctx, counselorID, what, rec.auditID, rec.ids, read)
}

// recordCaseloadAccess writes the record of an export of every learner q
// matches, in one write: the audit row, then its audit_subjects rows by
// INSERT … SELECT with the caseload's filter, which hands back the learners
// it recorded. It returns the audit row's id and those learners, or 0 and
// none (and writes nothing) when no learner matched.
func (s *Store) recordCaseloadAccess(ctx context.Context, counselorID int64, q CaseloadQuery, what string) (int64, []int64, error) {
	where, args := caseloadWhere(counselorID, q, s.inactiveCutoff(q.Now))
	insert := `INSERT INTO audit_subjects (learner_id, audit_id) SELECT l.learner_id, ? FROM counselor_links l
  JOIN users u ON u.id = l.learner_id
  LEFT JOIN learner_stats st ON st.user_id = l.learner_id
 WHERE ` + where + " RETURNING learner_id"
	var (
		auditID int64
		ids     []int64
	)
	err := s.write(ctx, func(tx *gorm.DB) error {
		auditID, ids = 0, nil // a batch that fails runs its writes again
		id, err := insertAccessRow(tx, s.clock(), counselorID, what)
		if err != nil {
			return err
		}
		rows, err := tx.Raw(insert, append([]any{id}, args...)...).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var learner int64
			if err := rows.Scan(&learner); err != nil {
				return err
			}
			ids = append(ids, learner)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		if len(ids) == 0 {
			ids = nil
			return tx.Exec("DELETE FROM audit_log WHERE id = ?", id).Error // no one's results were in it
		}
		auditID = id
		return tx.Exec("UPDATE audit_log SET detail = ? WHERE id = ?", learnersDetail(len(ids)), id).Error
	})
	if err != nil {
		return 0, nil, wrap("record caseload access", err)
	}
	return auditID, ids, nil
}

// reconcileCaseloadAccess makes the export's record (auditID, 0 for none,
// naming the learners recorded) name exactly the learners read. They
// differ only when the caseload changed while the export ran, so this
// usually writes nothing; when it must, it writes one row at a time.
func (s *Store) reconcileCaseloadAccess(ctx context.Context, counselorID int64, what string, auditID int64, recorded, read []int64) error {
	missing, extra := idDifferences(read, recorded)
	if len(missing) == 0 && len(extra) == 0 {
		return nil
	}
	err := s.write(ctx, func(tx *gorm.DB) error {
		id := auditID
		if id == 0 {
			var err error
			if id, err = insertAccessRow(tx, s.clock(), counselorID, what); err != nil {
				return err
			}
		}
		for _, learner := range extra {
			if err := tx.Exec("DELETE FROM audit_subjects WHERE learner_id = ? AND audit_id = ?", learner, id).Error; err != nil {
				return err
			}
		}
		for _, learner := range missing {
			// A learner whose account went meanwhile has no one to show it to.
			if err := tx.Exec(`INSERT INTO audit_subjects (learner_id, audit_id)
SELECT id, ? FROM users WHERE id = ?`, id, learner).Error; err != nil {
				return err
			}
		}
		if len(read) == 0 {
			return tx.Exec("DELETE FROM audit_log WHERE id = ?", id).Error
		}
		return tx.Exec("UPDATE audit_log SET detail = ? WHERE id = ?", learnersDetail(len(read)), id).Error
	})
	return wrap("record caseload access", err)
}

// insertAccessRow writes the audit row of a caseload export by the
// counselor, its detail still empty, and returns its id.
func insertAccessRow(tx *gorm.DB, at time.Time, counselorID int64, what string) (int64, error) {
	actor, err := auditParty(tx, counselorID, commandLineActor)
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.Raw(`INSERT INTO audit_log (at, kind, action, actor_id, actor_name, actor_email, subject_id, subject_name, subject_email, detail)
VALUES (?, ?, ?, ?, ?, ?, NULL, '', '', '') RETURNING id`, at, KindAccess, what, actor.id, actor.Name, actor.Email).Scan(&id).Error
	return id, err
}

// learnersDetail is an export's audit detail: how many learners were in it.
func learnersDetail(n int) string {
	if n == 1 {
		return "1 learner"
	}
	return fmt.Sprintf("%d learners", n)
}

// idDifferences sorts a and b and returns the ids only a holds and the
// ids only b holds. Neither holds an id twice.
func idDifferences(a, b []int64) (onlyA, onlyB []int64) {
	slices.Sort(a)
	slices.Sort(b)
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0] < b[0]:
			onlyA, a = append(onlyA, a[0]), a[1:]
		case a[0] > b[0]:
			onlyB, b = append(onlyB, b[0]), b[1:]
		default:
			a, b = a[1:], b[1:]
		}
	}
	return append(onlyA, a...), append(onlyB, b...)
}

// escapeLike makes LIKE's wildcards and the escape character literal.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}
