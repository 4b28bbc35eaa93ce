package db

import (
	"context"
	"fmt"
	"time"
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
	err := s.w.WithContext(ctx).Exec(
		"INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)",
		sess.ID, userID, sess.CreatedAt.UTC(), sess.LastSeenAt.UTC(), sess.ExpiresAt.UTC()).Error
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
	res := s.w.WithContext(ctx).Exec("UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?",
		lastSeen.UTC(), expires.UTC(), id)
	return affectedOne("touch session", res)
}

// DeleteSession ends one session (logout). Deleting a missing session is not an error.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return wrap("delete session", s.w.WithContext(ctx).Exec("DELETE FROM sessions WHERE id = ?", id).Error)
}

// DeleteUserSessions ends every session of a user, e.g. after a password change.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) error {
	return wrap("delete user sessions", s.w.WithContext(ctx).Exec("DELETE FROM sessions WHERE user_id = ?", userID).Error)
}

// DeleteExpiredSessions removes sessions past their expiry, with the drafts
// and unclaimed results of expired visitor sessions, and reports how many
// sessions went.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	res := s.w.WithContext(ctx).Exec("DELETE FROM sessions WHERE expires_at <= ?", s.clock())
	if res.Error != nil {
		return 0, wrap("delete expired sessions", res.Error)
	}
	return res.RowsAffected, nil
}
