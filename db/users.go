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
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// NewUser is what CreateUser needs.
type NewUser struct {
	Email        string
	Name         string
	PasswordHash string
	Role         string
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
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (r userRow) user() User {
	u := User{
		ID: r.ID, Email: r.Email, Name: r.Name, PasswordHash: r.PasswordHash,
		Role: r.Role, Disabled: r.Disabled,
		CreatedAt: utc(r.CreatedAt), UpdatedAt: utc(r.UpdatedAt),
	}
	if r.ShareCode != nil {
		u.ShareCode = *r.ShareCode
	}
	return u
}

const userColumns = "id, email, name, password_hash, role, share_code, disabled, created_at, updated_at"

// ErrBadCredentials is an email and password that do not match an enabled
// account. The store never returns it; it is the one word for that failure
// between the code that checks passwords and the code that answers.
var ErrBadCredentials = errors.New("db: email or password is incorrect")

// CreateUser inserts a user. The email is stored as account.NormalizeEmail
// gives it, and one it refuses is an *account.Problem. A taken email (in any
// case) is ErrConflict; a counselor gets a share code.
func (s *Store) CreateUser(ctx context.Context, nu NewUser) (User, error) {
	if !account.ValidRole(nu.Role) {
		return User{}, fmt.Errorf("db: create user: unknown role %q", nu.Role)
	}
	email, err := account.NormalizeEmail(nu.Email)
	if err != nil {
		return User{}, fmt.Errorf("db: create user: %w", err)
	}
	now := s.clock()
	row := userRow{
		Email: email, Name: nu.Name, PasswordHash: nu.PasswordHash,
		Role: nu.Role, CreatedAt: now, UpdatedAt: now,
	}
	err = s.write(ctx, func(tx *gorm.DB) error {
		if nu.Role == RoleCounselor {
			code, err := newShareCode(tx)
			if err != nil {
				return err
			}
			row.ShareCode = &code
		}
		return tx.Raw(`INSERT INTO users (email, name, password_hash, role, share_code, disabled, created_at, updated_at, search_key)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			row.Email, row.Name, row.PasswordHash, row.Role, row.ShareCode, false, now, now, searchKey(row.Name, row.Email)).Scan(&row.ID).Error
	})
	if err != nil {
		return User{}, wrap("create user", err)
	}
	return row.user(), nil
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
// assessments, stats, counselor links both ways and notes by or about them.
func (s *Store) DeleteUser(ctx context.Context, id int64) error {
	n, err := s.exec(ctx, "DELETE FROM users WHERE id = ?", id)
	return affectedOne("delete user", n, err)
}

// SetPassword replaces a user's password hash.
func (s *Store) SetPassword(ctx context.Context, id int64, hash string) error {
	n, err := s.exec(ctx, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", hash, s.clock(), id)
	return affectedOne("set password", n, err)
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
