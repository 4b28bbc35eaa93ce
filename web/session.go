package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/db"
)

const (
	sessionCookie = "readiness_session"
	// touchEvery limits how often a session's last-seen time is written.
	touchEvery = time.Minute
)

const (
	ctxSession = "readiness.session"
	ctxUser    = "readiness.user"
	// ctxLookupFailed marks a request whose session the database could
	// not look up (sessionUnavailable).
	ctxLookupFailed = "readiness.lookup_failed"
)

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// newToken returns a random cookie token and the hash the database keeps, so
// a copy of the database does not hold usable session ids.
func newToken() (token, id string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// sessionStore is what sessions read and write: the session rows and the
// user each belongs to.
type sessionStore interface {
	CreateSession(ctx context.Context, s db.Session) error
	SessionUser(ctx context.Context, id string) (db.Session, db.User, error)
	TouchSession(ctx context.Context, id string, lastSeen, expires time.Time) error
	DeleteSession(ctx context.Context, id string) error
}

// sessions keeps the server-side sessions behind the session cookie; the
// handler groups that log people in or out share one.
type sessions struct {
	*site
	store sessionStore
}

func currentUser(c *gin.Context) *db.User {
	v, _ := c.Get(ctxUser)
	u, _ := v.(*db.User)
	return u
}

func currentSession(c *gin.Context) *db.Session {
	v, _ := c.Get(ctxSession)
	s, _ := v.(*db.Session)
	return s
}

// load finds the request's server-side session and its user, for every
// request. An expired, unknown or disabled one is treated as no session.
func (s *sessions) load(c *gin.Context) {
	// Static files are the same for everyone: no session lookup for them.
	if strings.HasPrefix(c.Request.URL.Path, "/static/") {
		c.Next()
		return
	}
	token, err := c.Cookie(sessionCookie)
	if err != nil || token == "" || len(token) > 100 {
		c.Next()
		return
	}
	ctx := c.Request.Context()
	id := hashToken(token)
	sess, u, err := s.store.SessionUser(ctx, id)
	if errors.Is(err, db.ErrNotFound) {
		c.Next() // no such session (ended, or never ours): a visitor
		return
	}
	if err != nil {
		// The database cannot say who this is. Answering "log in" (a 401
		// an API client may take as its session ended) would be wrong for
		// an outage, and so would acting as a visitor on a write (a new
		// visitor session would replace the cookie). Pages anyone may see
		// are served as to a visitor; requireUser and every write answer
		// 503 and leave the cookie alone.
		s.log.Error("session lookup", "err", err)
		c.Set(ctxLookupFailed, true)
		switch c.Request.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			c.Next()
		default:
			s.sessionUnavailable(c)
		}
		return
	}
	now := s.now()
	if !now.Before(sess.ExpiresAt) || now.Sub(sess.CreatedAt) >= s.cfg.SessionMax {
		_ = s.store.DeleteSession(ctx, id)
		c.Next()
		return
	}
	if sess.UserID != 0 {
		if u.Disabled {
			c.Next()
			return
		}
		c.Set(ctxUser, &u)
	}
	if now.Sub(sess.LastSeenAt) > touchEvery {
		sess.LastSeenAt, sess.ExpiresAt = now, s.expiry(sess.CreatedAt, now)
		if err := s.store.TouchSession(ctx, id, now, sess.ExpiresAt); err != nil {
			s.log.Error("session touch", "err", err)
		}
	}
	c.Set(ctxSession, &sess)
	c.Next()
}

// sessionUnavailable answers 503 to a request whose session the database
// could not look up, and stops it.
func (s *site) sessionUnavailable(c *gin.Context) {
	c.Header("Retry-After", "30")
	if isAPI(c) {
		apiFail(c, http.StatusServiceUnavailable, s.T(c, "error.session_unavailable"))
	} else {
		s.renderError(c, http.StatusServiceUnavailable, s.T(c, "error.session_unavailable"))
	}
	c.Abort()
}

// lookupFailed reports whether the request's session could not be looked up.
func lookupFailed(c *gin.Context) bool { return c.GetBool(ctxLookupFailed) }

// start creates a new server-side session (for userID, or a visitor
// when 0), replaces any session the request had, and sets the cookie. A fresh
// id at every login prevents session fixation.
func (s *sessions) start(c *gin.Context, userID int64) (*db.Session, error) {
	token, sess := s.next(userID)
	if err := s.store.CreateSession(c.Request.Context(), sess); err != nil {
		return nil, err
	}
	return s.adopt(c, token, sess), nil
}

// next makes a new session for userID without storing it, for a store call
// that stores it together with other changes (a password change, a reset
// link), and the cookie token that names it.
func (s *sessions) next(userID int64) (string, db.Session) {
	now := s.now()
	token, id := newToken()
	return token, db.Session{ID: id, UserID: userID, CreatedAt: now, LastSeenAt: now, ExpiresAt: s.expiry(now, now)}
}

// adopt makes a stored session the request's own and sets its cookie.
func (s *sessions) adopt(c *gin.Context, token string, sess db.Session) *db.Session {
	s.setCookie(c, token, int(s.cfg.SessionMax.Seconds()))
	c.Set(ctxSession, &sess)
	return &sess
}

// expiry is when a session created at created and last used at lastSeen
// ends: after SessionIdle unused, and never later than SessionMax after login.
// Keeping it in expires_at lets the database sweep ended sessions by one index.
func (s *sessions) expiry(created, lastSeen time.Time) time.Time {
	idle, hard := lastSeen.Add(s.cfg.SessionIdle), created.Add(s.cfg.SessionMax)
	if idle.Before(hard) {
		return idle
	}
	return hard
}

// visitor returns the request's session, creating a visitor one if
// there is none, so an anonymous assessment can keep its draft and result.
func (s *sessions) visitor(c *gin.Context) (*db.Session, error) {
	if sess := currentSession(c); sess != nil {
		return sess, nil
	}
	return s.start(c, 0)
}

// end deletes the server-side session and clears the cookie.
func (s *sessions) end(c *gin.Context) error {
	if sess := currentSession(c); sess != nil {
		if err := s.store.DeleteSession(c.Request.Context(), sess.ID); err != nil {
			return err
		}
	}
	s.setCookie(c, "", -1)
	c.Set(ctxSession, (*db.Session)(nil))
	c.Set(ctxUser, (*db.User)(nil))
	return nil
}

func (s *sessions) setCookie(c *gin.Context, token string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name:     sessionCookie,
		Value:    token,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   s.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode,
	})
}
