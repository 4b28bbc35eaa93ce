package db

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/readiness/readiness/account"
)

// Reset and invitation links (account.NewResetToken makes their tokens): an
// admin or the command line makes one for a person, who sets their password
// through it once, within account.ResetLinkValidity.

// Why a link cannot be used. ResetLinkFor returns the link with each, so a
// page can say when it expired or was used.
var (
	ErrLinkExpired  = errors.New("db: the link has expired")
	ErrLinkUsed     = errors.New("db: the link was already used")
	ErrLinkReplaced = errors.New("db: a newer link replaced this one")
	// ErrAccountDisabled refuses a link for (or from) a disabled account.
	ErrAccountDisabled = errors.New("db: the account is disabled")
)

// NewResetLink is what the database keeps of a new token: never the token.
type NewResetLink struct {
	Selector     string
	VerifierHash string // SHA-256 hex of the verifier
}

// ResetLinkOf is the stored part of a token.
func ResetLinkOf(t account.ResetToken) NewResetLink {
	return NewResetLink{Selector: t.Selector, VerifierHash: t.VerifierHash}
}

// ResetLink is a stored link and the account it is for.
type ResetLink struct {
	UserID     int64
	Name       string
	Email      string
	Invite     bool // made for a new account that has no password yet
	CreatedAt  time.Time
	ExpiresAt  time.Time
	UsedAt     time.Time // zero unless used
	ReplacedAt time.Time // zero unless a newer link replaced it
}

const (
	purposeInvite = "invite"
	purposeReset  = "reset"
)

// CreateResetLink stores a link for the user, made by actorID (0: the
// command line) and recorded in the audit log. It replaces the user's
// earlier links that are still unused, so only the newest works. It is an
// invitation while the account has no password. A disabled account is
// ErrAccountDisabled.
func (s *Store) CreateResetLink(ctx context.Context, actorID, userID int64, l NewResetLink) (ResetLink, error) {
	var out ResetLink
	err := s.write(ctx, func(tx *gorm.DB) error {
		u, err := userWhere(tx, "user by id", "id = ?", userID)
		if err != nil {
			return err
		}
		if u.Disabled {
			return ErrAccountDisabled
		}
		out, err = createResetLink(tx, s.clock(), actorID, u, l)
		if err != nil {
			return err
		}
		what := "password reset"
		if out.Invite {
			what = "invitation"
		}
		return audit(tx, out.CreatedAt, KindAdmin, actorID, userID, ActionResetLink, what)
	})
	if err != nil {
		return ResetLink{}, wrapLink("create reset link", err)
	}
	return out, nil
}

// createResetLink inserts the link inside a write transaction, replacing
// the user's unused ones.
func createResetLink(tx *gorm.DB, now time.Time, actorID int64, u User, l NewResetLink) (ResetLink, error) {
	if l.Selector == "" || l.VerifierHash == "" {
		return ResetLink{}, fmt.Errorf("a reset link needs a selector and a verifier hash")
	}
	out := ResetLink{UserID: u.ID, Name: u.Name, Email: u.Email, Invite: !u.PasswordSet,
		CreatedAt: now, ExpiresAt: now.Add(account.ResetLinkValidity)}
	if err := tx.Exec("UPDATE reset_links SET replaced_at = ? WHERE user_id = ? AND used_at IS NULL AND replaced_at IS NULL",
		now, u.ID).Error; err != nil {
		return ResetLink{}, err
	}
	purpose := purposeReset
	if out.Invite {
		purpose = purposeInvite
	}
	err := tx.Exec(`INSERT INTO reset_links (user_id, selector, verifier_hash, purpose, created_by, created_at, expires_at)
VALUES (?, ?, ?, ?, ?, ?, ?)`, u.ID, l.Selector, l.VerifierHash, purpose, nullID(actorID), now, out.ExpiresAt).Error
	return out, err
}

type resetLinkRow struct {
	ID           int64
	UserID       int64
	VerifierHash string
	Purpose      string
	CreatedAt    time.Time
	ExpiresAt    time.Time
	UsedAt       *time.Time
	ReplacedAt   *time.Time
	Name         string
	Email        string
	Disabled     bool
}

// findResetLink reads the link a token names and says whether it can be
// used. A selector that matches nothing, or a verifier that does not match
// (compared in constant time), is ErrNotFound; otherwise the link comes
// back, with ErrLinkUsed, ErrLinkReplaced, ErrLinkExpired or
// ErrAccountDisabled when it cannot be used.
func findResetLink(g *gorm.DB, now time.Time, selector, verifierHash string) (resetLinkRow, ResetLink, error) {
	var rows []resetLinkRow
	err := g.Raw(`SELECT r.id, r.user_id, r.verifier_hash, r.purpose, r.created_at, r.expires_at, r.used_at, r.replaced_at,
       u.name, u.email, u.disabled
  FROM reset_links r JOIN users u ON u.id = r.user_id
 WHERE r.selector = ?`, selector).Scan(&rows).Error
	if err != nil {
		return resetLinkRow{}, ResetLink{}, err
	}
	if len(rows) == 0 || subtle.ConstantTimeCompare([]byte(rows[0].VerifierHash), []byte(verifierHash)) != 1 {
		return resetLinkRow{}, ResetLink{}, ErrNotFound
	}
	r := rows[0]
	l := ResetLink{UserID: r.UserID, Name: r.Name, Email: r.Email, Invite: r.Purpose == purposeInvite,
		CreatedAt: utc(r.CreatedAt), ExpiresAt: utc(r.ExpiresAt)}
	if r.UsedAt != nil {
		l.UsedAt = utc(*r.UsedAt)
	}
	if r.ReplacedAt != nil {
		l.ReplacedAt = utc(*r.ReplacedAt)
	}
	switch {
	case r.UsedAt != nil:
		return r, l, ErrLinkUsed
	case r.ReplacedAt != nil:
		return r, l, ErrLinkReplaced
	case !now.Before(l.ExpiresAt):
		return r, l, ErrLinkExpired
	case r.Disabled:
		return r, l, ErrAccountDisabled
	}
	return r, l, nil
}

// ResetLinkFor looks up the link of a token (account.ParseResetToken gives
// selector and verifierHash) without using it: ErrNotFound for a token that
// matches none, the link and why for one that cannot be used (see
// findResetLink), the link and nil for one that can.
func (s *Store) ResetLinkFor(ctx context.Context, selector, verifierHash string) (ResetLink, error) {
	_, l, err := findResetLink(s.r.WithContext(ctx), s.clock(), selector, verifierHash)
	return l, wrapLink("reset link", err)
}

// UseResetLink sets the password (passwordHash) of the link's account and
// marks the link used, in one transaction that also ends every session of
// that account and starts next (the session of the browser that used it).
// A link that cannot be used answers as ResetLinkFor does and changes
// nothing; of two uses at once, one wins and the other is ErrLinkUsed.
func (s *Store) UseResetLink(ctx context.Context, selector, verifierHash, passwordHash string, next Session) (User, error) {
	defer s.sessions.forgetAll() // the account is known only inside the write
	var u User
	err := s.write(ctx, func(tx *gorm.DB) error {
		now := s.clock()
		r, _, err := findResetLink(tx, now, selector, verifierHash)
		if err != nil {
			return err
		}
		res := tx.Exec("UPDATE reset_links SET used_at = ? WHERE id = ? AND used_at IS NULL AND replaced_at IS NULL", now, r.ID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrLinkUsed
		}
		if err := tx.Exec("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", passwordHash, now, r.UserID).Error; err != nil {
			return err
		}
		if err := replaceSessions(tx, r.UserID, next); err != nil {
			return err
		}
		u, err = userWhere(tx, "user by id", "id = ?", r.UserID)
		return err
	})
	if err != nil {
		return User{}, wrapLink("use reset link", err)
	}
	return u, nil
}

// DeleteOldResetLinks removes links that ended (expired, used or replaced)
// before the cutoff, and reports how many went. Ended links are kept a while
// so that a late click is told what happened rather than "unknown link".
func (s *Store) DeleteOldResetLinks(ctx context.Context, before time.Time) (int64, error) {
	n, err := s.exec(ctx, `DELETE FROM reset_links WHERE expires_at < ? OR used_at < ? OR replaced_at < ?`,
		before.UTC(), before.UTC(), before.UTC())
	return n, wrap("delete old reset links", err)
}

func wrapLink(op string, err error) error {
	for _, e := range []error{ErrLinkExpired, ErrLinkUsed, ErrLinkReplaced, ErrAccountDisabled} {
		if errors.Is(err, e) {
			return fmt.Errorf("db: %s: %w", op, err)
		}
	}
	return wrap(op, err)
}

// CreateInvited creates an account without a password, made by actorID (0:
// the command line), with an invitation link through which its owner sets
// one, in one transaction, both recorded in the audit log. The user is
// checked as CreateUser checks it (and fails the same ways).
func (s *Store) CreateInvited(ctx context.Context, actorID int64, nu NewUser, l NewResetLink) (User, ResetLink, error) {
	defer s.sessions.forgetAll()
	nu.PasswordHash = ""
	now := s.clock()
	row, err := newUserRow(nu, now)
	if err != nil {
		return User{}, ResetLink{}, fmt.Errorf("db: create invited: %w", err)
	}
	var link ResetLink
	err = s.write(ctx, func(tx *gorm.DB) error {
		if err := insertUser(tx, &row); err != nil {
			return err
		}
		if err := audit(tx, now, KindAdmin, actorID, row.ID, ActionUserCreate, createdDetail(row)); err != nil {
			return err
		}
		var err error
		if link, err = createResetLink(tx, now, actorID, row.user(), l); err != nil {
			return err
		}
		return audit(tx, now, KindAdmin, actorID, row.ID, ActionResetLink, "invitation")
	})
	if err != nil {
		return User{}, ResetLink{}, wrapAdmin("create invited", err)
	}
	return row.user(), link, nil
}

// createdDetail is the audit detail of a new account: its role and group.
func createdDetail(r userRow) string {
	if r.GroupName != "" {
		return r.Role + ", group " + r.GroupName
	}
	return r.Role
}
