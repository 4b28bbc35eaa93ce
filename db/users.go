package db

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/readiness/readiness/account"
)

// User is a stored account row. It is not an API response: it carries the
// password hash.
type User struct {
	ID           int64
	Email        string
	Name         string
	PasswordHash string
	Role         string
	ShareCode    string // "" unless the user is or was a counselor
	Disabled     bool
	Group        string // a learner's group, "" for none
	// PasswordSet is false for an account made by an admin whose owner has
	// not yet set a password through their invitation link.
	PasswordSet bool
	// TimeZone is the IANA zone the user reads times in; "" is UTC.
	TimeZone  string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// NewUser is what CreateUser needs. PasswordHash "" makes an account that
// cannot log in until a reset link sets its password (an invitation).
type NewUser struct {
	Email        string
	Name         string
	PasswordHash string
	Role         string
	Group        string // learners only; checked with account.CheckGroup
}

// shareCodeAlphabet leaves out 0/O, 1/I/L so codes survive being read aloud.
const (
	shareCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	shareCodeLen      = 8
)

type userRow struct {
	ID           int64
	Email        string
	Name         string
	PasswordHash string
	Role         string
	ShareCode    *string
	Disabled     bool
	GroupName    string
	PasswordSet  bool
	TimeZone     string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (r userRow) user() User {
	u := User{
		ID: r.ID, Email: r.Email, Name: r.Name, PasswordHash: r.PasswordHash,
		Role: r.Role, Disabled: r.Disabled, Group: r.GroupName, PasswordSet: r.PasswordSet, TimeZone: r.TimeZone,
		CreatedAt: utc(r.CreatedAt), UpdatedAt: utc(r.UpdatedAt),
	}
	if r.ShareCode != nil {
		u.ShareCode = *r.ShareCode
	}
	return u
}

const userColumns = "id, email, name, password_hash, role, share_code, disabled, group_name, " +
	"(password_hash <> '') AS password_set, time_zone, created_at, updated_at"

// ErrBadCredentials is an email and password that do not match an enabled
// account. The store never returns it; it is the one word for that failure
// between the code that checks passwords and the code that answers.
var ErrBadCredentials = errors.New("db: email or password is incorrect")

// ErrGroupNotLearner refuses a group for an account that is not a learner:
// only learners belong to groups.
var ErrGroupNotLearner = errors.New("db: only learners belong to a group")

// CreateUser inserts a user. The email is stored as account.NormalizeEmail
// gives it, and one it refuses is an *account.Problem, as is a group
// account.CheckGroup refuses. A taken email (in any case) is ErrConflict; a
// group for anyone but a learner is ErrGroupNotLearner; a counselor gets a
// share code.
func (s *Store) CreateUser(ctx context.Context, nu NewUser) (User, error) {
	defer s.sessions.forgetAll()
	row, err := newUserRow(nu, s.clock())
	if err != nil {
		return User{}, fmt.Errorf("db: create user: %w", err)
	}
	err = s.write(ctx, func(tx *gorm.DB) error { return insertUser(tx, &row) })
	if err != nil {
		return User{}, wrap("create user", err)
	}
	return row.user(), nil
}

// newUserRow checks a new user against the account rules and makes its row.
func newUserRow(nu NewUser, now time.Time) (userRow, error) {
	if !account.ValidRole(nu.Role) {
		return userRow{}, fmt.Errorf("unknown role %q", nu.Role)
	}
	email, err := account.NormalizeEmail(nu.Email)
	if err != nil {
		return userRow{}, err
	}
	group, err := account.CheckGroup(nu.Group)
	if err != nil {
		return userRow{}, err
	}
	if group != "" && nu.Role != RoleLearner {
		return userRow{}, ErrGroupNotLearner
	}
	return userRow{
		Email: email, Name: nu.Name, PasswordHash: nu.PasswordHash, PasswordSet: nu.PasswordHash != "",
		Role: nu.Role, GroupName: group, CreatedAt: now, UpdatedAt: now,
	}, nil
}

// insertUser inserts the row inside a write transaction and sets its id
// (and, for a counselor, its share code).
func insertUser(tx *gorm.DB, row *userRow) error {
	if row.Role == RoleCounselor {
		code, err := newShareCode(tx)
		if err != nil {
			return err
		}
		row.ShareCode = &code
	}
	return tx.Raw(`INSERT INTO users (email, name, password_hash, role, share_code, disabled, created_at, updated_at, search_key, group_name, group_key)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		row.Email, row.Name, row.PasswordHash, row.Role, row.ShareCode, false, row.CreatedAt, row.UpdatedAt,
		searchKey(row.Name, row.Email), row.GroupName, account.GroupKey(row.GroupName)).Scan(&row.ID).Error
}

// newShareCode returns a random code not yet used by any user. It must run
// inside a write transaction so the check and the insert cannot race.
func newShareCode(tx *gorm.DB) (string, error) {
	max := big.NewInt(int64(len(shareCodeAlphabet)))
	for range 10 {
		var b strings.Builder
		for range shareCodeLen {
			n, err := rand.Int(rand.Reader, max)
			if err != nil {
				return "", err
			}
			b.WriteByte(shareCodeAlphabet[n.Int64()])
		}
		code := b.String()
		var taken int64
		if err := tx.Raw("SELECT COUNT(*) FROM users WHERE share_code = ?", code).Scan(&taken).Error; err != nil {
			return "", err
		}
		if taken == 0 {
			return code, nil
		}
	}
	return "", fmt.Errorf("db: could not find a free share code")
}

func userWhere(g *gorm.DB, op, where string, arg any) (User, error) {
	var rows []userRow
	err := g.Raw("SELECT "+userColumns+" FROM users WHERE "+where, arg).Scan(&rows).Error
	if err != nil {
		return User{}, wrap(op, err)
	}
	if len(rows) == 0 {
		return User{}, fmt.Errorf("db: %s: %w", op, ErrNotFound)
	}
	return rows[0].user(), nil
}

// UserByID returns the user with the given id.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	return userWhere(s.rp.WithContext(ctx), "user by id", "id = ?", id)
}

// UserByEmail looks a user up by email, normalised as account.NormalizeEmail
// does (so case and surrounding space do not matter). An email it refuses
// matches nobody: ErrNotFound.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	e, err := account.NormalizeEmail(email)
	if err != nil {
		return User{}, fmt.Errorf("db: user by email: %w", ErrNotFound)
	}
	return userWhere(s.rp.WithContext(ctx), "user by email", "email = ?", e)
}

// DeleteUser removes the user and, through ON DELETE CASCADE, every row of
// theirs: sessions (and their drafts and visitor results), draft,
// assessments, stats, counselor links both ways, notes by or about them and
// reset links. The record of who opened their results goes with the
// results; audit rows of admin actions stay, naming the account as it was.
// The last enabled admin is not deleted: ErrLastAdmin.
func (s *Store) DeleteUser(ctx context.Context, id int64) error {
	defer s.sessions.forgetUser(id)
	var n int64
	err := s.write(ctx, func(tx *gorm.DB) error {
		var admin int64
		if err := tx.Raw("SELECT COUNT(*) FROM users WHERE id = ? AND role = ? AND disabled = ?", id, RoleAdmin, false).Scan(&admin).Error; err != nil {
			return err
		}
		if admin > 0 {
			if err := requireAnotherAdmin(tx, id); err != nil {
				return err
			}
		}
		if err := tx.Exec("DELETE FROM audit_log WHERE subject_id = ? AND kind = ?", id, KindAccess).Error; err != nil {
			return err
		}
		res := tx.Exec("DELETE FROM users WHERE id = ?", id)
		n = res.RowsAffected
		return res.Error
	})
	if errors.Is(err, ErrLastAdmin) {
		return fmt.Errorf("db: delete user: %w", err)
	}
	return affectedOne("delete user", n, err)
}

// affectedOne maps "no row changed" to ErrNotFound.
func affectedOne(op string, n int64, err error) error {
	if err != nil {
		return wrap(op, err)
	}
	if n == 0 {
		return fmt.Errorf("db: %s: %w", op, ErrNotFound)
	}
	return nil
}

// SetTimeZone records the IANA zone a user reads times in ("" for UTC).
// The caller checks the name; the store keeps what it is given.
func (s *Store) SetTimeZone(ctx context.Context, id int64, zone string) error {
	defer s.sessions.forgetUser(id)
	n, err := s.exec(ctx, "UPDATE users SET time_zone = ?, updated_at = ? WHERE id = ?", zone, s.clock(), id)
	return affectedOne("set time zone", n, err)
}
