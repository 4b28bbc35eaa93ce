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
	n, err := s.exec(ctx, "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?",
		lastSeen.UTC(), expires.UTC(), id)
	return affectedOne("touch session", n, err)
}

// DeleteSession ends one session (logout). Deleting a missing session is not an error.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	_, err := s.exec(ctx, "DELETE FROM sessions WHERE id = ?", id)
	return wrap("delete session", err)
}

// DeleteUserSessions ends every session of a user, e.g. after a password change.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) error {
	_, err := s.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
	return wrap("delete user sessions", err)
}

// DeleteExpiredSessions removes sessions past their expiry, with the drafts
// and unclaimed results of expired visitor sessions, and reports how many
// sessions went.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	n, err := s.exec(ctx, "DELETE FROM sessions WHERE expires_at <= ?", s.clock())
	return n, wrap("delete expired sessions", err)
}
