package db

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// The audit log: every admin action, and every time a counselor or admin
// opens a learner's results. Rows are only ever added; nothing in the app
// changes one, and the only deletion is a learner's access rows going with
// their account (DeleteUser).

// Kinds of audit rows: an admin action, or a record of access.
const (
	KindAdmin  = "admin"
	KindAccess = "access"
)

// Admin actions, as the log names them.
const (
	ActionUserCreate   = "user.create"
	ActionUserRole     = "user.role"
	ActionUserDisable  = "user.disable"
	ActionUserEnable   = "user.enable"
	ActionUserGroup    = "user.group"
	ActionUserName     = "user.name"
	ActionResetLink    = "user.reset-link"
	ActionImport       = "users.import"
	ActionLinkCreate   = "link.create"
	ActionLinkRemove   = "link.remove"
	ActionResultsPage  = "results.page"     // a learner's results, on the counselor's page
	ActionResultsAPI   = "results.api"      // ... through the JSON API
	ActionResultsCSV   = "results.csv"      // ... in a caseload CSV export
	ActionPlanAPI      = "plan.api"         // a learner's plan, through the JSON API
	ActionReviewPage   = "results.review"   // one result with its verified levels, on the counselor's review page
	ActionComparePage  = "results.compare"  // two of a learner's results compared, on the counselor's page
	ActionVerifiedAPI  = "results.verified" // a result's verified levels, read or recorded through the JSON API
	commandLineActor   = "command line"
	maxAuditDetailSize = 500
)

// AuditEntry is one row of the log. ActorID 0 is the command line; SubjectID
// 0 is no one (an import) or an account since deleted (SubjectEmail says
// whom).
type AuditEntry struct {
	ID           int64
	At           time.Time
	Kind         string // KindAdmin or KindAccess
	Action       string
	ActorID      int64
	ActorName    string
	ActorEmail   string
	SubjectID    int64
	SubjectName  string
	SubjectEmail string
	Detail       string
}

type auditRow struct {
	ID           int64
	At           time.Time
	Kind         string
	Action       string
	ActorID      *int64
	ActorName    string
	ActorEmail   string
	SubjectID    *int64
	SubjectName  string
	SubjectEmail string
	Detail       string
}

func (r auditRow) entry() AuditEntry {
	e := AuditEntry{ID: r.ID, At: utc(r.At), Kind: r.Kind, Action: r.Action,
		ActorName: r.ActorName, ActorEmail: r.ActorEmail, SubjectName: r.SubjectName, SubjectEmail: r.SubjectEmail, Detail: r.Detail}
	if r.ActorID != nil {
		e.ActorID = *r.ActorID
	}
	if r.SubjectID != nil {
		e.SubjectID = *r.SubjectID
	}
	return e
}

const auditColumns = "id, at, kind, action, actor_id, actor_name, actor_email, subject_id, subject_name, subject_email, detail"

// audit writes one row inside tx, copying the actor's and subject's names
// and emails as they are now. actorID 0 is the command line; subjectID 0 is
// no one.
func audit(tx *gorm.DB, at time.Time, kind string, actorID, subjectID int64, action, detail string) error {
	actor, err := auditParty(tx, actorID, commandLineActor)
	if err != nil {
		return err
	}
	subject, err := auditParty(tx, subjectID, "")
	if err != nil {
		return err
	}
	return insertAudit(tx, at, kind, actor, subject, action, detail)
}

// insertAudit writes one row for parties already looked up.
func insertAudit(tx *gorm.DB, at time.Time, kind string, actor, subject party, action, detail string) error {
	if len(detail) > maxAuditDetailSize {
		detail = detail[:maxAuditDetailSize]
	}
	return tx.Exec(`INSERT INTO audit_log (at, kind, action, actor_id, actor_name, actor_email, subject_id, subject_name, subject_email, detail)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, at, kind, action, actor.id, actor.Name, actor.Email, subject.id, subject.Name, subject.Email, detail).Error
}

type party struct {
	id          *int64
	Name, Email string
}

// auditParty is the user with the id as the log names them; 0 is none.
func auditParty(tx *gorm.DB, id int64, none string) (party, error) {
	if id == 0 {
		return party{Name: none}, nil
	}
	var rows []party
	if err := tx.Raw("SELECT name, email FROM users WHERE id = ?", id).Scan(&rows).Error; err != nil {
		return party{}, err
	}
	if len(rows) == 0 {
		return party{}, ErrNotFound
	}
	p := rows[0]
	p.id = &id
	return p, nil
}

// RecordAccess writes that actorID (a counselor or admin) opened the
// learner's results; what says how, e.g. ActionResultsPage. Callers record
// before they show anything, and show nothing if it fails.
func (s *Store) RecordAccess(ctx context.Context, actorID, learnerID int64, what string) error {
	if actorID == 0 || what == "" {
		return fmt.Errorf("db: record access: an actor and what they opened are required")
	}
	err := s.write(ctx, func(tx *gorm.DB) error {
		return audit(tx, s.clock(), KindAccess, actorID, learnerID, what, "")
	})
	return wrap("record access", err)
}

// AuditQuery filters and pages the log. Zero values mean every row, no limit.
type AuditQuery struct {
	// PersonID keeps the rows where that account is the actor or the subject.
	PersonID int64
	// PersonEmail does the same by email as the row recorded it, so it
	// finds accounts since deleted. It must be normalised.
	PersonEmail string
	// Kind keeps one kind of row, KindAdmin or KindAccess; "" keeps both.
	Kind          string
	Limit, Offset int
}

func (q AuditQuery) where() (string, []any) {
	var conds []string
	var args []any
	// A person is in a row as its actor, its subject, or one of the
	// learners of a caseload export (audit_subjects).
	if q.PersonID != 0 {
		conds = append(conds, "(actor_id = ? OR subject_id = ? OR id IN (SELECT audit_id FROM audit_subjects WHERE learner_id = ?))")
		args = append(args, q.PersonID, q.PersonID, q.PersonID)
	}
	if q.PersonEmail != "" {
		conds = append(conds, `(actor_email = ? OR subject_email = ? OR id IN (SELECT s.audit_id FROM audit_subjects s
  JOIN users u ON u.id = s.learner_id WHERE u.email = ?))`)
		args = append(args, q.PersonEmail, q.PersonEmail, q.PersonEmail)
	}
	if q.Kind != "" {
		conds = append(conds, "kind = ?")
		args = append(args, q.Kind)
	}
	if len(conds) == 0 {
		return "1 = 1", nil
	}
	return strings.Join(conds, " AND "), args
}

// AuditLog lists the log, newest first.
func (s *Store) AuditLog(ctx context.Context, q AuditQuery) ([]AuditEntry, error) {
	where, args := q.where()
	sql := "SELECT " + auditColumns + " FROM audit_log WHERE " + where + " ORDER BY id DESC"
	if q.Limit > 0 {
		sql += " LIMIT ? OFFSET ?"
		args = append(args, q.Limit, max(q.Offset, 0))
	}
	var rows []auditRow
	if err := s.r.WithContext(ctx).Raw(sql, args...).Scan(&rows).Error; err != nil {
		return nil, wrap("audit log", err)
	}
	out := make([]AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = r.entry()
	}
	return out, nil
}

// CountAudit counts the rows AuditLog would return without paging.
func (s *Store) CountAudit(ctx context.Context, q AuditQuery) (int, error) {
	where, args := q.where()
	var n int64
	if err := s.r.WithContext(ctx).Raw("SELECT COUNT(*) FROM audit_log WHERE "+where, args...).Scan(&n).Error; err != nil {
		return 0, wrap("count audit", err)
	}
	return int(n), nil
}

// accessLogSQL selects a learner's record of access: the rows about them,
// and the caseload exports they were in (as rows about them).
const accessLogSQL = `SELECT ` + auditColumns + ` FROM (
SELECT ` + auditColumns + ` FROM audit_log WHERE subject_id = ? AND kind = ?
UNION ALL
SELECT a.id, a.at, a.kind, a.action, a.actor_id, a.actor_name, a.actor_email,
       s.learner_id AS subject_id, u.name AS subject_name, u.email AS subject_email, a.detail
  FROM audit_subjects s JOIN audit_log a ON a.id = s.audit_id JOIN users u ON u.id = s.learner_id
 WHERE s.learner_id = ?
) x ORDER BY id DESC`

// AccessLog lists who opened the learner's results, newest first: the
// learner's own record of access.
func (s *Store) AccessLog(ctx context.Context, learnerID int64, limit, offset int) ([]AuditEntry, error) {
	out, err := accessLog(s.r.WithContext(ctx), learnerID, limit, offset)
	return out, wrap("access log", err)
}

func accessLog(g *gorm.DB, learnerID int64, limit, offset int) ([]AuditEntry, error) {
	var rows []auditRow
	sql := accessLogSQL
	args := []any{learnerID, KindAccess, learnerID}
	if limit > 0 {
		sql += " LIMIT ? OFFSET ?"
		args = append(args, limit, max(offset, 0))
	}
	if err := g.Raw(sql, args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = r.entry()
	}
	return out, nil
}

// CountAccessLog counts the learner's record of access.
func (s *Store) CountAccessLog(ctx context.Context, learnerID int64) (int, error) {
	var n int64
	err := s.r.WithContext(ctx).Raw(`SELECT (SELECT COUNT(*) FROM audit_log WHERE subject_id = ? AND kind = ?)
     + (SELECT COUNT(*) FROM audit_subjects WHERE learner_id = ?)`, learnerID, KindAccess, learnerID).Scan(&n).Error
	if err != nil {
		return 0, wrap("count access log", err)
	}
	return int(n), nil
}
