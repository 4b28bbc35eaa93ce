package db

import (
	"sync"
	"sync/atomic"
	"time"
)

// sessionCacheTTL is how long a looked-up session and its user are served
// from memory. DESIGN §5.1 lets a change made by another instance take up
// to a second to show; changes made through this Store drop the entries
// they touch at once.
const sessionCacheTTL = time.Second

// sessionCacheMax bounds the entries kept; a full cache starts again empty,
// which costs one query per live session in the next second.
const sessionCacheMax = 10_000

// sessionCache remembers SessionUser's answers for sessionCacheTTL, so a
// burst of requests from one browser or client costs one query.
//
// Every Store method that writes the sessions or users tables calls one of
// the forget methods once its write has committed (or failed). A lookup
// stores what it read only if nothing was forgotten while it read
// (changes), so an answer read before a write can never be kept after it.
// Only found sessions are kept; a miss always asks the database.
type sessionCache struct {
	mu      sync.RWMutex
	entries map[string]sessionEntry
	max     int
	changes atomic.Uint64 // forget calls so far
	queries atomic.Int64  // lookups that went to the database, for tests
}

type sessionEntry struct {
	sess Session
	user User
	read time.Time // the store's clock when the query began
}

func newSessionCache() *sessionCache {
	return &sessionCache{entries: make(map[string]sessionEntry), max: sessionCacheMax}
}

// get returns the entry for id if it is younger than the TTL at now and its
// session has not expired by clock (now as the database compares it).
// Session and User are plain values, so the caller gets its own copies.
func (c *sessionCache) get(id string, now, clock time.Time) (Session, User, bool) {
	c.mu.RLock()
	e, ok := c.entries[id]
	c.mu.RUnlock()
	if !ok || now.Before(e.read) || now.Sub(e.read) >= sessionCacheTTL || !e.sess.ExpiresAt.After(clock) {
		return Session{}, User{}, false
	}
	return e.sess, e.user, true
}

// put keeps what a lookup read at read, unless something was forgotten
// since it took seen from changes.
func (c *sessionCache) put(id string, sess Session, u User, read time.Time, seen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.changes.Load() != seen {
		return
	}
	if len(c.entries) >= c.max {
		clear(c.entries)
	}
	c.entries[id] = sessionEntry{sess: sess, user: u, read: read}
}

// forgetSession drops session id.
func (c *sessionCache) forgetSession(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, id)
	c.changes.Add(1)
}

// forgetUser drops every session of user id.
func (c *sessionCache) forgetUser(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.entries {
		if e.sess.UserID == id {
			delete(c.entries, k)
		}
	}
	c.changes.Add(1)
}

// forgetAll drops everything: for writes to many rows or to rows not
// known in advance.
func (c *sessionCache) forgetAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
	c.changes.Add(1)
}
