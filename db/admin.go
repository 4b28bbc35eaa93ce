package db

import (
	"context"
	"errors"
	"fmt"
	"sort"
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

// UserQuery filters, sorts and pages the users list. Zero values mean
// everyone, by email, no limit.
type UserQuery struct {
	Q      string // part of the name or email, in any case (Unicode case folding)
	Role   string
	Group  string // a group name, compared as account.GroupKey does
	Sort   string // a UserSortBy* column; "" is email
	Desc   bool
	Limit  int
	Offset int
}

// Users list sort columns.
const (
	UserSortByEmail   = "email"
	UserSortByName    = "name"
	UserSortByRole    = "role"
	UserSortByGroup   = "group"
	UserSortByCreated = "created"
)

var userOrder = map[string]string{
	"":                "email",
	UserSortByEmail:   "email",
	UserSortByName:    "LOWER(name)",
	UserSortByRole:    "role",
	UserSortByGroup:   "group_key",
	UserSortByCreated: "created_at",
}

// ValidUserSort reports whether Users accepts the sort column.
func ValidUserSort(col string) bool {
	_, ok := userOrder[col]
	return ok
}

// summaryColumns leaves out the password hash: the list never needs it.
const summaryColumns = "id, email, name, '' AS password_hash, role, share_code, disabled, group_name, " +
	"(password_hash <> '') AS password_set, created_at, updated_at"

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
	if q.Group != "" {
		where += " AND group_key = ?"
		args = append(args, account.GroupKey(q.Group))
	}
	return where, args
}

// Users lists accounts, without their password hashes.
func (s *Store) Users(ctx context.Context, q UserQuery) ([]User, error) {
	order, ok := userOrder[q.Sort]
	if !ok {
		return nil, fmt.Errorf("db: users: unknown sort %q", q.Sort)
	}
	if q.Desc {
		order += " DESC"
	}
	if q.Sort == UserSortByGroup {
		order = "(group_key = ''), " + order // people with no group last, either way
	}
	where, args := userQueryWhere(q)
	sql := "SELECT " + summaryColumns + " FROM users WHERE " + where + " ORDER BY " + order + ", email, id"
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

// Group is one group and how many accounts are in it.
type Group struct {
	Name    string // the spelling most of its members have
	Members int
}

// Groups lists every group in use, by name.
func (s *Store) Groups(ctx context.Context) ([]Group, error) {
	return groupsWhere(s.r.WithContext(ctx), "SELECT group_key, group_name FROM users WHERE group_key <> ''")
}

// groupsWhere groups the (group_key, group_name) rows sql selects.
func groupsWhere(g *gorm.DB, sql string, args ...any) ([]Group, error) {
	var rows []struct {
		GroupKey, GroupName string
		N                   int
	}
	err := g.Raw("SELECT group_key, group_name, COUNT(*) AS n FROM ("+sql+") m GROUP BY group_key, group_name", args...).Scan(&rows).Error
	if err != nil {
		return nil, wrap("groups", err)
	}
	// One group per key, named by its most common spelling.
	byKey := map[string]*Group{}
	best := map[string]int{}
	var keys []string
	for _, r := range rows {
		g, ok := byKey[r.GroupKey]
		if !ok {
			g = &Group{}
			byKey[r.GroupKey] = g
			keys = append(keys, r.GroupKey)
		}
		g.Members += r.N
		if r.N > best[r.GroupKey] || r.N == best[r.GroupKey] && r.GroupName < g.Name {
			best[r.GroupKey], g.Name = r.N, r.GroupName
		}
	}
	sort.Strings(keys)
	out := make([]Group, 0, len(keys))
	for _, k := range keys {
		out = append(out, *byKey[k])
	}
	return out, nil
}

// Link is one learner sharing with one counselor.
type Link struct {
	LearnerID      int64
	LearnerEmail   string
	CounselorID    int64
	CounselorEmail string
	CounselorName  string
	Since          time.Time
	ByAdmin        bool // an admin made it, not the learner's share code
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
       cu.email AS counselor_email, cu.name AS counselor_name, l.created_at AS since, l.by_admin
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

// Link makes the learner share with the counselor, as an admin does it,
// recorded in the audit log as done by actorID (0: the command line). The
// learner must be a learner and the counselor an enabled counselor; linking
// twice is not an error (and not recorded twice). An unknown id is
// ErrNotFound.
func (s *Store) Link(ctx context.Context, actorID, learnerID, counselorID int64) error {
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
		made, err := linkByAdmin(tx, s.clock(), actorID, learnerID, counselorID)
		if err != nil || !made {
			return err
		}
		return audit(tx, s.clock(), KindAdmin, actorID, learnerID, ActionLinkCreate, "with counselor "+counselor.Email)
	})
	return wrapAdmin("link", err)
}

// linkByAdmin inserts an admin-made link unless the two are linked already,
// and reports whether it did.
func linkByAdmin(tx *gorm.DB, at time.Time, actorID, learnerID, counselorID int64) (bool, error) {
	res := tx.Exec(`INSERT INTO counselor_links (counselor_id, learner_id, flagged, created_at, by_admin, linked_by) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (counselor_id, learner_id) DO NOTHING`, counselorID, learnerID, false, at, true, nullID(actorID))
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	return true, restoreKeptFlag(tx, counselorID, learnerID)
}

// Unlink ends a link as an admin does it, recorded in the audit log; a link
// that does not exist is ErrNotFound.
func (s *Store) Unlink(ctx context.Context, actorID, learnerID, counselorID int64) error {
	err := s.write(ctx, func(tx *gorm.DB) error {
		var email []string
		if err := tx.Raw("SELECT email FROM users WHERE id = ?", counselorID).Scan(&email).Error; err != nil {
			return err
		}
		if err := keepFlag(tx, counselorID, learnerID); err != nil {
			return err
		}
		res := tx.Exec("DELETE FROM counselor_links WHERE counselor_id = ? AND learner_id = ?", counselorID, learnerID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 || len(email) == 0 {
			return ErrNotFound
		}
		return audit(tx, s.clock(), KindAdmin, actorID, learnerID, ActionLinkRemove, "with counselor "+email[0])
	})
	return wrapAdmin("unlink", err)
}

// nullID is NULL for 0.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// UserChange is what an admin changes about an account; nil fields stay.
type UserChange struct {
	Role     *string
	Disabled *bool
	Group    *string // "" takes the learner out of their group
	Name     *string
}

// UpdateUser applies an admin's change to an account in one transaction,
// writing an audit row (actorID; 0 is the command line) for each field that
// changes, and returns the account as it is now. The rules:
//
//   - Becoming a counselor assigns a share code if the user has none;
//     leaving the role keeps the code (so it comes back on re-promotion)
//     but ShareWith only accepts codes of active counselors, and ends every
//     link to a learner (learners share again if they want to).
//   - Leaving the learner role ends the links the user had as a learner and
//     takes them out of their group: only learners are shared with or
//     grouped.
//   - Demoting or disabling the last enabled admin is ErrLastAdmin.
//   - Disabling ends the user's sessions, so it takes effect on the next
//     request.
//   - A group for someone who is not (or no longer) a learner is
//     ErrGroupNotLearner; a name or group the account rules refuse is their
//     *account.Problem.
func (s *Store) UpdateUser(ctx context.Context, actorID, id int64, ch UserChange) (User, error) {
	defer s.sessions.forgetUser(id)
	var (
		name, group string
		err         error
	)
	if ch.Role != nil && !account.ValidRole(*ch.Role) {
		return User{}, fmt.Errorf("db: update user: unknown role %q", *ch.Role)
	}
	if ch.Name != nil {
		if name, err = account.CheckName(*ch.Name); err != nil {
			return User{}, fmt.Errorf("db: update user: %w", err)
		}
	}
	if ch.Group != nil {
		if group, err = account.CheckGroup(*ch.Group); err != nil {
			return User{}, fmt.Errorf("db: update user: %w", err)
		}
	}
	var out User
	err = s.write(ctx, func(tx *gorm.DB) error {
		now := s.clock()
		var rows []userRow
		if err := tx.Raw("SELECT "+userColumns+" FROM users WHERE id = ?", id).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return ErrNotFound
		}
		u := rows[0]
		record := func(action, detail string) error {
			return audit(tx, now, KindAdmin, actorID, id, action, detail)
		}
		role := u.Role
		if ch.Role != nil && *ch.Role != u.Role {
			role = *ch.Role
			if err := changeRole(tx, now, u, role); err != nil {
				return err
			}
			if err := record(ActionUserRole, u.Role+" → "+role); err != nil {
				return err
			}
		}
		newGroup := u.GroupName
		if ch.Group != nil {
			newGroup = group
		} else if role != RoleLearner {
			newGroup = "" // leaving the learner role leaves the group
		}
		if newGroup != "" && role != RoleLearner {
			return ErrGroupNotLearner
		}
		if newGroup != u.GroupName {
			if err := tx.Exec("UPDATE users SET group_name = ?, group_key = ?, updated_at = ? WHERE id = ?",
				newGroup, account.GroupKey(newGroup), now, id).Error; err != nil {
				return err
			}
			if err := record(ActionUserGroup, groupWords(u.GroupName)+" → "+groupWords(newGroup)); err != nil {
				return err
			}
		}
		if ch.Name != nil && name != u.Name {
			if err := tx.Exec("UPDATE users SET name = ?, search_key = ?, updated_at = ? WHERE id = ?",
				name, searchKey(name, u.Email), now, id).Error; err != nil {
				return err
			}
			if err := record(ActionUserName, u.Name+" → "+name); err != nil {
				return err
			}
		}
		if ch.Disabled != nil && *ch.Disabled != u.Disabled {
			if err := setDisabled(tx, now, u, role, *ch.Disabled); err != nil {
				return err
			}
			action := ActionUserEnable
			if *ch.Disabled {
				action = ActionUserDisable
			}
			if err := record(action, ""); err != nil {
				return err
			}
		}
		var err error
		out, err = userWhere(tx, "user by id", "id = ?", id)
		return err
	})
	if err != nil {
		return User{}, wrapAdmin("update user", err)
	}
	return out, nil
}

func groupWords(g string) string {
	if g == "" {
		return "no group"
	}
	return g
}

// changeRole moves u to role inside a write transaction (see UpdateUser).
func changeRole(tx *gorm.DB, now time.Time, u userRow, role string) error {
	if u.Role == RoleAdmin && !u.Disabled {
		if err := requireAnotherAdmin(tx, u.ID); err != nil {
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
		role, code, now, u.ID).Error; err != nil {
		return err
	}
	switch u.Role {
	case RoleCounselor:
		// A counselor sees learners only while they are one: leaving the
		// role ends every link, and the flags kept from paused ones, in the
		// same transaction.
		if err := tx.Exec("DELETE FROM kept_flags WHERE counselor_id = ?", u.ID).Error; err != nil {
			return err
		}
		return tx.Exec("DELETE FROM counselor_links WHERE counselor_id = ?", u.ID).Error
	case RoleLearner:
		if err := tx.Exec("DELETE FROM kept_flags WHERE learner_id = ?", u.ID).Error; err != nil {
			return err
		}
		return tx.Exec("DELETE FROM counselor_links WHERE learner_id = ?", u.ID).Error
	}
	return nil
}

// setDisabled enables or disables u (whose role is now role) inside a write
// transaction.
func setDisabled(tx *gorm.DB, now time.Time, u userRow, role string, disabled bool) error {
	if disabled && role == RoleAdmin {
		if err := requireAnotherAdmin(tx, u.ID); err != nil {
			return err
		}
	}
	if err := tx.Exec("UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?", disabled, now, u.ID).Error; err != nil {
		return err
	}
	if disabled {
		return tx.Exec("DELETE FROM sessions WHERE user_id = ?", u.ID).Error
	}
	return nil
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
	if errors.Is(err, ErrLastAdmin) || errors.Is(err, ErrNotLearner) || errors.Is(err, ErrNotCounselor) ||
		errors.Is(err, ErrGroupNotLearner) || isProblem(err) {
		return fmt.Errorf("db: %s: %w", op, err)
	}
	return wrap(op, err)
}

// isProblem reports an account rule's refusal.
func isProblem(err error) bool {
	var p *account.Problem
	return errors.As(err, &p)
}
