package db

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/readiness/readiness/account"
)

// Errors of the admin operations.
var (
	// ErrLastAdmin refuses a change that would leave no enabled admin.
	ErrLastAdmin = errors.New("db: that would leave no enabled admin account")
	// ErrNotLearner and ErrNotCounselor refuse a link whose sides have the
	// wrong role (or, for the counselor, a disabled account).
	ErrNotLearner   = errors.New("db: the account is not a learner")
	ErrNotCounselor = errors.New("db: the account is not an enabled counselor")
)

// UserQuery filters and pages the users list. Zero values mean everyone,
// no limit.
type UserQuery struct {
	Q      string // part of the name or email, in any case (Unicode case folding)
	Role   string
	Limit  int
	Offset int
}

// summaryColumns leaves out the password hash: the list never needs it.
const summaryColumns = "id, email, name, '' AS password_hash, role, share_code, disabled, created_at, updated_at"

func userQueryWhere(q UserQuery) (string, []any) {
	where := "1 = 1"
	var args []any
	if q.Q != "" {
		where += " AND " + searchMatch("search_key")
		args = append(args, searchPattern(q.Q))
	}
	if q.Role != "" {
		where += " AND role = ?"
		args = append(args, q.Role)
	}
	return where, args
}

// Users lists accounts by email, without their password hashes.
func (s *Store) Users(ctx context.Context, q UserQuery) ([]User, error) {
	where, args := userQueryWhere(q)
	sql := "SELECT " + summaryColumns + " FROM users WHERE " + where + " ORDER BY email"
	if q.Limit > 0 {
		sql += " LIMIT ? OFFSET ?"
		args = append(args, q.Limit, max(q.Offset, 0))
	}
	var rows []userRow
	if err := s.r.WithContext(ctx).Raw(sql, args...).Scan(&rows).Error; err != nil {
		return nil, wrap("users", err)
	}
	out := make([]User, len(rows))
	for i, r := range rows {
		out[i] = r.user()
	}
	return out, nil
}

// CountUsers counts the accounts Users would return without paging.
func (s *Store) CountUsers(ctx context.Context, q UserQuery) (int, error) {
	where, args := userQueryWhere(q)
	var n int64
	if err := s.r.WithContext(ctx).Raw("SELECT COUNT(*) FROM users WHERE "+where, args...).Scan(&n).Error; err != nil {
		return 0, wrap("count users", err)
	}
	return int(n), nil
}

// Link is one learner sharing with one counselor.
type Link struct {
	LearnerID      int64
	LearnerEmail   string
	CounselorID    int64
	CounselorEmail string
	CounselorName  string
	Since          time.Time
}

// LinksOf lists the counselors each of the learners shares with, in one
// query, oldest link first.
func (s *Store) LinksOf(ctx context.Context, learnerIDs []int64) ([]Link, error) {
	out := []Link{}
	if len(learnerIDs) == 0 {
		return out, nil
	}
	var rows []Link
	err := s.r.WithContext(ctx).Raw(`SELECT l.learner_id, lu.email AS learner_email, l.counselor_id,
       cu.email AS counselor_email, cu.name AS counselor_name, l.created_at AS since
  FROM counselor_links l
  JOIN users lu ON lu.id = l.learner_id
  JOIN users cu ON cu.id = l.counselor_id
 WHERE l.learner_id IN ?
 ORDER BY l.created_at, l.learner_id, l.counselor_id`, learnerIDs).Scan(&rows).Error
	if err != nil {
		return nil, wrap("links of", err)
	}
	for _, r := range rows {
		r.Since = utc(r.Since)
		out = append(out, r)
	}
	return out, nil
}

// Link makes the learner share with the counselor, as an admin does it. The
// learner must be a learner and the counselor an enabled counselor; linking
// twice is not an error. An unknown id is ErrNotFound.
func (s *Store) Link(ctx context.Context, learnerID, counselorID int64) error {
	err := s.write(ctx, func(tx *gorm.DB) error {
		learner, err := userWhere(tx, "user by id", "id = ?", learnerID)
		if err != nil {
			return err
		}
		counselor, err := userWhere(tx, "user by id", "id = ?", counselorID)
		if err != nil {
			return err
		}
		if learner.Role != RoleLearner {
			return ErrNotLearner
		}
		if counselor.Role != RoleCounselor || counselor.Disabled {
			return ErrNotCounselor
		}
		return tx.Exec(`INSERT INTO counselor_links (counselor_id, learner_id, flagged, created_at) VALUES (?, ?, ?, ?)
ON CONFLICT (counselor_id, learner_id) DO NOTHING`, counselorID, learnerID, false, s.clock()).Error
	})
	return wrapAdmin("link", err)
}

// UpdateRole changes a user's role. Becoming a counselor assigns a share
// code if the user has none; leaving the role keeps the code (so it comes
// back on re-promotion) but ShareWith only accepts codes of active
// counselors, and ends every link to a learner (learners share again if
// they want to). It refuses, with ErrLastAdmin, to demote the last enabled admin.
func (s *Store) UpdateRole(ctx context.Context, id int64, role string) error {
	if !account.ValidRole(role) {
		return fmt.Errorf("db: update role: unknown role %q", role)
	}
	err := s.write(ctx, func(tx *gorm.DB) error {
		var rows []userRow
		if err := tx.Raw("SELECT "+userColumns+" FROM users WHERE id = ?", id).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return ErrNotFound
		}
		u := rows[0]
		if u.Role == RoleAdmin && role != RoleAdmin && !u.Disabled {
			if err := requireAnotherAdmin(tx, id); err != nil {
				return err
			}
		}
		code := u.ShareCode
		if role == RoleCounselor && code == nil {
			c, err := newShareCode(tx)
			if err != nil {
				return err
			}
			code = &c
		}
		if err := tx.Exec("UPDATE users SET role = ?, share_code = ?, updated_at = ? WHERE id = ?",
			role, code, s.clock(), id).Error; err != nil {
			return err
		}
		if u.Role == RoleCounselor && role != RoleCounselor {
			// A counselor sees learners only while they are one: leaving the
			// role ends every link, in the same transaction.
			return tx.Exec("DELETE FROM counselor_links WHERE counselor_id = ?", id).Error
		}
		return nil
	})
	return wrapAdmin("update role", err)
}

// UpdateDisabled enables or disables a user. It refuses, with ErrLastAdmin,
// to disable the last enabled admin. Disabling ends the user's sessions in
// the same transaction, so it takes effect on the next request.
func (s *Store) UpdateDisabled(ctx context.Context, id int64, disabled bool) error {
	err := s.write(ctx, func(tx *gorm.DB) error {
		u, err := userWhere(tx, "user by id", "id = ?", id)
		if err != nil {
			return err
		}
		if disabled && u.Role == RoleAdmin && !u.Disabled {
			if err := requireAnotherAdmin(tx, id); err != nil {
				return err
			}
		}
		if err := tx.Exec("UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?", disabled, s.clock(), id).Error; err != nil {
			return err
		}
		if disabled {
			return tx.Exec("DELETE FROM sessions WHERE user_id = ?", id).Error
		}
		return nil
	})
	return wrapAdmin("update disabled", err)
}

// requireAnotherAdmin fails with ErrLastAdmin unless an enabled admin other
// than id exists. It runs inside the write transaction, so two admins
// demoting each other at once cannot both succeed.
func requireAnotherAdmin(tx *gorm.DB, id int64) error {
	var n int64
	if err := tx.Raw("SELECT COUNT(*) FROM users WHERE role = ? AND disabled = ? AND id <> ?", RoleAdmin, false, id).Scan(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return ErrLastAdmin
	}
	return nil
}

func wrapAdmin(op string, err error) error {
	if errors.Is(err, ErrLastAdmin) || errors.Is(err, ErrNotLearner) || errors.Is(err, ErrNotCounselor) {
		return fmt.Errorf("db: %s: %w", op, err)
	}
	return wrap(op, err)
}
