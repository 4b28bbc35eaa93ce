package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Session is a login or visitor session. ID is the SHA-256 hex of the cookie
// token: the token itself is never stored.
type Session struct {
	ID         string
	UserID     int64 // 0 for a visitor
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

type sessionRow struct {
	ID         string
	UserID     *int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// CreateSession stores a session. Zero CreatedAt/LastSeenAt default to now.
// An unknown UserID is ErrNotFound; a duplicate ID is ErrConflict.
func (s *Store) CreateSession(ctx context.Context, sess Session) error {
	defer s.sessions.forgetSession(sess.ID)
	now := s.clock()
	if sess.CreatedAt.IsZero() {
		sess.CreatedAt = now
	}
	if sess.LastSeenAt.IsZero() {
		sess.LastSeenAt = sess.CreatedAt
	}
	var userID *int64
	if sess.UserID != 0 {
		userID = &sess.UserID
	}
	_, err := s.exec(ctx,
		"INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)",
		sess.ID, userID, sess.CreatedAt.UTC(), sess.LastSeenAt.UTC(), sess.ExpiresAt.UTC())
	return wrap("create session", err)
}

// SessionByID returns a live session; an expired one is ErrNotFound.
func (s *Store) SessionByID(ctx context.Context, id string) (Session, error) {
	var rows []sessionRow
	err := s.rp.WithContext(ctx).Raw(
		"SELECT id, user_id, created_at, last_seen_at, expires_at FROM sessions WHERE id = ? AND expires_at > ?",
		id, s.clock()).Scan(&rows).Error
	if err != nil {
		return Session{}, wrap("session by id", err)
	}
	if len(rows) == 0 {
		return Session{}, fmt.Errorf("db: session by id: %w", ErrNotFound)
	}
	r := rows[0]
	sess := Session{ID: r.ID, CreatedAt: utc(r.CreatedAt), LastSeenAt: utc(r.LastSeenAt), ExpiresAt: utc(r.ExpiresAt)}
	if r.UserID != nil {
		sess.UserID = *r.UserID
	}
	return sess, nil
}

// TouchSession records activity and slides the expiry.
func (s *Store) TouchSession(ctx context.Context, id string, lastSeen, expires time.Time) error {
	defer s.sessions.forgetSession(id)
	n, err := s.exec(ctx, "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?",
		lastSeen.UTC(), expires.UTC(), id)
	return affectedOne("touch session", n, err)
}

// DeleteSession ends one session (logout). Deleting a missing session is not an error.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	defer s.sessions.forgetSession(id)
	_, err := s.exec(ctx, "DELETE FROM sessions WHERE id = ?", id)
	return wrap("delete session", err)
}

// DeleteExpiredSessions removes sessions past their expiry, with the drafts
// and unclaimed results of expired visitor sessions, and reports how many
// sessions went.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	defer s.sessions.forgetAll()
	n, err := s.exec(ctx, "DELETE FROM sessions WHERE expires_at <= ?", s.clock())
	return n, wrap("delete expired sessions", err)
}

// DeleteOtherSessions ends every session of the user except keepID ("log
// out everywhere else") and reports how many ended.
func (s *Store) DeleteOtherSessions(ctx context.Context, userID int64, keepID string) (int64, error) {
	defer s.sessions.forgetUser(userID)
	n, err := s.exec(ctx, "DELETE FROM sessions WHERE user_id = ? AND id <> ?", userID, keepID)
	return n, wrap("delete other sessions", err)
}

// CountUserSessions counts the user's live sessions.
func (s *Store) CountUserSessions(ctx context.Context, userID int64) (int, error) {
	var n int64
	err := s.r.WithContext(ctx).Raw("SELECT COUNT(*) FROM sessions WHERE user_id = ? AND expires_at > ?", userID, s.clock()).Scan(&n).Error
	return int(n), wrap("count user sessions", err)
}

// ChangePassword replaces the user's password hash and, in the same
// transaction, ends every session of theirs and starts next (a fresh one
// for the browser that made the change), so a stolen session dies with the
// old password and the person stays logged in.
func (s *Store) ChangePassword(ctx context.Context, userID int64, hash string, next Session) error {
	defer s.sessions.forgetUser(userID)
	err := s.write(ctx, func(tx *gorm.DB) error {
		res := tx.Exec("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", hash, s.clock(), userID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return replaceSessions(tx, userID, next)
	})
	return wrap("change password", err)
}

// replaceSessions ends the user's sessions and inserts next as theirs.
func replaceSessions(tx *gorm.DB, userID int64, next Session) error {
	if err := tx.Exec("DELETE FROM sessions WHERE user_id = ?", userID).Error; err != nil {
		return err
	}
	return tx.Exec("INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)",
		next.ID, userID, next.CreatedAt.UTC(), next.LastSeenAt.UTC(), next.ExpiresAt.UTC()).Error
}

// sessionUserSQL reads a live session and its user in one query.
const sessionUserSQL = `SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at,
       u.email, u.name, u.password_hash, u.role, u.share_code, u.disabled, u.group_name,
       (u.password_hash <> '') AS password_set, u.time_zone, u.created_at, u.updated_at
  FROM sessions s LEFT JOIN users u ON u.id = s.user_id
 WHERE s.id = ? AND s.expires_at > ?`

// SessionUser returns a live session and, for a login session, its user
// (the zero User for a visitor's): what every request with a session cookie
// looks up, in one query. An expired or unknown session is ErrNotFound.
//
// A session found is kept in memory for up to a second (sessioncache.go):
// this store's own writes to sessions and users drop what they change at
// once, another instance's show within the second.
func (s *Store) SessionUser(ctx context.Context, id string) (Session, User, error) {
	now := s.now()
	clock := now.UTC().Truncate(time.Microsecond) // as s.clock()
	if sess, u, ok := s.sessions.get(id, now, clock); ok {
		return sess, u, nil
	}
	seen := s.sessions.changes.Load()
	sess, u, err := s.querySessionUser(ctx, id, clock)
	if err != nil {
		return Session{}, User{}, err
	}
	s.sessions.put(id, sess, u, now, seen)
	return sess, u, nil
}

// querySessionUser is SessionUser's query.
func (s *Store) querySessionUser(ctx context.Context, id string, clock time.Time) (Session, User, error) {
	s.sessions.queries.Add(1)
	// A statement prepared once and scanned by hand: this runs on every
	// request, and gorm's statement building and reflection were most of
	// its cost (docs/PERFORMANCE.md).
	stmt, err := s.readStmt(sessionUserSQL)
	if err != nil {
		return Session{}, User{}, wrap("session user", err)
	}
	var (
		sess                           Session
		userID                         sql.NullInt64
		email, name, hash, role, share sql.NullString
		group, zone                    sql.NullString
		disabled, passwordSet          sql.NullBool
		userCreated, userUpdated       sql.NullTime
	)
	err = stmt.QueryRowContext(ctx, id, clock).Scan(&sess.ID, &userID, &sess.CreatedAt, &sess.LastSeenAt, &sess.ExpiresAt,
		&email, &name, &hash, &role, &share, &disabled, &group, &passwordSet, &zone, &userCreated, &userUpdated)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, User{}, fmt.Errorf("db: session user: %w", ErrNotFound)
	}
	if err != nil {
		return Session{}, User{}, wrap("session user", err)
	}
	sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt = utc(sess.CreatedAt), utc(sess.LastSeenAt), utc(sess.ExpiresAt)
	if !userID.Valid {
		return sess, User{}, nil
	}
	sess.UserID = userID.Int64
	u := User{ID: userID.Int64, Email: email.String, Name: name.String, PasswordHash: hash.String, Role: role.String,
		ShareCode: share.String, Disabled: disabled.Bool, Group: group.String, PasswordSet: passwordSet.Bool,
		TimeZone: zone.String, CreatedAt: utc(userCreated.Time), UpdatedAt: utc(userUpdated.Time)}
	return sess, u, nil
}
