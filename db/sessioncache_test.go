package db

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/readiness/readiness/account"
)

// lookup is SessionUser and whether it asked the database.
func lookup(s *Store, id string) (sess Session, u User, queried bool, err error) {
	before := s.sessions.queries.Load()
	sess, u, err = s.SessionUser(context.Background(), id)
	return sess, u, s.sessions.queries.Load() != before, err
}

func TestSessionUser_KeptForTheTTL(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		u := mustUser(t, s, "kept@example.org", RoleLearner)
		must(t, s.CreateSession(ctx, Session{ID: "kept", UserID: u.ID, ExpiresAt: clock.Now().Add(time.Hour)}))
		must(t, s.CreateSession(ctx, Session{ID: "visitor", ExpiresAt: clock.Now().Add(time.Hour)}))

		for _, id := range []string{"kept", "visitor"} {
			first, fu, queried, err := lookup(s, id)
			if err != nil || !queried {
				t.Fatalf("%s: first lookup: err %v, queried %v", id, err, queried)
			}
			// What the caller gets is its own: changing it changes nothing kept.
			fu.Name, fu.Disabled, first.UserID = "changed", true, 99
			clock.Advance(sessionCacheTTL - time.Microsecond)
			sess, su, queried, err := lookup(s, id)
			if err != nil || queried {
				t.Fatalf("%s: within the TTL: err %v, queried %v", id, err, queried)
			}
			if sess.ID != id || su.Disabled || (id == "kept" && (su.Name != u.Name || sess.UserID != u.ID)) {
				t.Errorf("%s: kept answer changed by its caller: %+v %+v", id, sess, su)
			}
			clock.Advance(time.Microsecond)
			if _, _, queried, err := lookup(s, id); err != nil || !queried {
				t.Errorf("%s: at the TTL: err %v, queried %v; want a fresh query", id, err, queried)
			}
		}

		// Not found is never kept.
		for range 2 {
			if _, _, queried, err := lookup(s, "nobody"); !errors.Is(err, ErrNotFound) || !queried {
				t.Errorf("unknown session: err %v, queried %v", err, queried)
			}
		}
		must(t, s.CreateSession(ctx, Session{ID: "nobody", ExpiresAt: clock.Now().Add(time.Hour)}))
		if _, _, _, err := lookup(s, "nobody"); err != nil {
			t.Errorf("a session created after a miss: %v", err)
		}
	})
}

// A kept session is not served once it expires, even within the TTL.
func TestSessionUser_KeptSessionExpires(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		must(t, s.CreateSession(context.Background(), Session{ID: "short", ExpiresAt: clock.Now().Add(time.Second / 2)}))
		if _, _, _, err := lookup(s, "short"); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Second / 2)
		if _, _, _, err := lookup(s, "short"); !errors.Is(err, ErrNotFound) {
			t.Errorf("at its expiry: err %v, want ErrNotFound", err)
		}
	})
}

// cacheFixture is what each write case starts from: a learner with two
// sessions, an admin, and every session looked up (so kept).
type cacheFixture struct {
	s      *Store
	clock  *fakeClock
	admin  User
	user   User
	tok    account.ResetToken // a reset link for user
	before Session            // session "a" as looked up before the write
}

func TestSessionUser_OwnWritesShowAtOnce(t *testing.T) {
	ctx := context.Background()
	ptr := func(s string) *string { return &s }
	yes, no := true, false
	// gone checks that session a is no longer found.
	gone := func(t *testing.T, f cacheFixture, sess Session, u User, err error) {
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("session a still found: %+v %+v, %v", sess, u, err)
		}
	}
	user := func(check func(User) bool) func(*testing.T, cacheFixture, Session, User, error) {
		return func(t *testing.T, f cacheFixture, sess Session, u User, err error) {
			if err != nil || !check(u) {
				t.Errorf("after the write: %+v, %v", u, err)
			}
		}
	}
	tests := []struct {
		name  string
		keeps bool                               // the write changes nothing kept
		setup func(t *testing.T, f cacheFixture) // before session a is looked up
		write func(t *testing.T, f cacheFixture) error
		check func(t *testing.T, f cacheFixture, sess Session, u User, err error)
	}{
		{name: "DeleteSession", write: func(t *testing.T, f cacheFixture) error { return f.s.DeleteSession(ctx, "a") }, check: gone},
		{name: "DeleteOtherSessions", write: func(t *testing.T, f cacheFixture) error {
			_, err := f.s.DeleteOtherSessions(ctx, f.user.ID, "b")
			return err
		}, check: gone},
		{name: "DeleteExpiredSessions", write: func(t *testing.T, f cacheFixture) error {
			must(t, f.s.CreateSession(ctx, Session{ID: "old", ExpiresAt: f.clock.Now().Add(time.Millisecond)}))
			f.clock.Advance(time.Millisecond)
			_, err := f.s.DeleteExpiredSessions(ctx)
			return err
		}, check: func(t *testing.T, f cacheFixture, sess Session, u User, err error) {
			if err != nil || sess.UserID != f.user.ID {
				t.Errorf("a live session after deleting expired ones: %+v, %v", sess, err)
			}
		}},
		{name: "TouchSession", write: func(t *testing.T, f cacheFixture) error {
			return f.s.TouchSession(ctx, "a", f.clock.Now(), f.clock.Now().Add(2*time.Hour))
		}, check: func(t *testing.T, f cacheFixture, sess Session, u User, err error) {
			if err != nil || !sess.ExpiresAt.Equal(f.clock.Now().Add(2*time.Hour)) || !sess.LastSeenAt.Equal(f.clock.Now()) {
				t.Errorf("after touch: %+v, %v (before %+v)", sess, err, f.before)
			}
		}},
		{name: "ChangePassword", write: func(t *testing.T, f cacheFixture) error {
			return f.s.ChangePassword(ctx, f.user.ID, "new-hash", session(f.clock, "next"))
		}, check: gone},
		{name: "UseResetLink", write: func(t *testing.T, f cacheFixture) error {
			sel, hash, _ := account.ParseResetToken(f.tok.Token)
			_, err := f.s.UseResetLink(ctx, sel, hash, "reset-hash", session(f.clock, "next"))
			return err
		}, check: gone},
		{name: "UpdateUser role", write: func(t *testing.T, f cacheFixture) error {
			_, err := f.s.UpdateUser(ctx, f.admin.ID, f.user.ID, UserChange{Role: ptr(RoleCounselor)})
			return err
		}, check: user(func(u User) bool { return u.Role == RoleCounselor && u.ShareCode != "" })},
		{name: "UpdateUser name", write: func(t *testing.T, f cacheFixture) error {
			_, err := f.s.UpdateUser(ctx, f.admin.ID, f.user.ID, UserChange{Name: ptr("Renamed Person")})
			return err
		}, check: user(func(u User) bool { return u.Name == "Renamed Person" })},
		{name: "UpdateUser group", write: func(t *testing.T, f cacheFixture) error {
			_, err := f.s.UpdateUser(ctx, f.admin.ID, f.user.ID, UserChange{Group: ptr("10C")})
			return err
		}, check: user(func(u User) bool { return u.Group == "10C" })},
		{name: "UpdateUser disable", write: func(t *testing.T, f cacheFixture) error {
			_, err := f.s.UpdateUser(ctx, f.admin.ID, f.user.ID, UserChange{Disabled: &yes})
			return err
		}, check: gone},
		{name: "UpdateUser enable", setup: func(t *testing.T, f cacheFixture) {
			// A session row of a disabled account (disabling deletes them, so
			// it is made afterwards, as another instance racing could).
			_, err := f.s.UpdateUser(ctx, f.admin.ID, f.user.ID, UserChange{Disabled: &yes})
			must(t, err)
			must(t, f.s.CreateSession(ctx, Session{ID: "a", UserID: f.user.ID, ExpiresAt: f.clock.Now().Add(time.Hour)}))
		}, write: func(t *testing.T, f cacheFixture) error {
			_, err := f.s.UpdateUser(ctx, f.admin.ID, f.user.ID, UserChange{Disabled: &no})
			return err
		}, check: user(func(u User) bool { return !u.Disabled })},
		{name: "SetTimeZone", write: func(t *testing.T, f cacheFixture) error {
			return f.s.SetTimeZone(ctx, f.user.ID, "America/Bogota")
		}, check: user(func(u User) bool { return u.TimeZone == "America/Bogota" })},
		{name: "DeleteUser", write: func(t *testing.T, f cacheFixture) error { return f.s.DeleteUser(ctx, f.user.ID) }, check: gone},
		// Writes that add rows change no answer already found, but still
		// send the next lookup to the database.
		{name: "CreateUser", write: func(t *testing.T, f cacheFixture) error {
			_, err := f.s.CreateUser(ctx, NewUser{Email: "other@example.org", Name: "Other", Role: RoleLearner})
			return err
		}, check: user(func(u User) bool { return u.Email == "learner@example.org" })},
		{name: "CreateInvited", write: func(t *testing.T, f cacheFixture) error {
			_, _, err := f.s.CreateInvited(ctx, f.admin.ID, NewUser{Email: "inv@example.org", Name: "Invited", Role: RoleLearner},
				ResetLinkOf(account.NewResetToken()))
			return err
		}, check: user(func(u User) bool { return u.Email == "learner@example.org" })},
		{name: "ImportUsers", write: func(t *testing.T, f cacheFixture) error {
			_, err := f.s.ImportUsers(ctx, f.admin.ID, []ImportRow{{Row: 2, Email: "imp@example.org", Name: "Imported",
				Role: RoleLearner, Link: ResetLinkOf(account.NewResetToken())}}, ImportOptions{})
			return err
		}, check: user(func(u User) bool { return u.Email == "learner@example.org" })},
		{name: "ImportLearners", write: func(t *testing.T, f cacheFixture) error {
			c := mustUser(t, f.s, "seedc@example.org", RoleCounselor)
			_, err := f.s.ImportLearners(ctx, c.ID, []SeedLearner{{Email: "seed@example.org", Name: "Seeded", CreatedAt: f.clock.Now()}})
			return err
		}, check: user(func(u User) bool { return u.Email == "learner@example.org" })},
		// A new session changes no answer kept (a may stay), and the miss
		// for it before it existed was not kept.
		{name: "CreateSession", keeps: true, setup: func(t *testing.T, f cacheFixture) {
			if _, _, err := f.s.SessionUser(ctx, "c"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("session c before it exists: %v", err)
			}
		}, write: func(t *testing.T, f cacheFixture) error {
			return f.s.CreateSession(ctx, Session{ID: "c", UserID: f.user.ID, ExpiresAt: f.clock.Now().Add(time.Hour)})
		}, check: func(t *testing.T, f cacheFixture, sess Session, u User, err error) {
			if err != nil || sess != f.before {
				t.Errorf("session a after another was created: %+v, %v", sess, err)
			}
			if c, _, err := f.s.SessionUser(ctx, "c"); err != nil || c.ID != "c" {
				t.Errorf("the new session: %+v, %v", c, err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
				f := cacheFixture{s: s, clock: clock, admin: mustUser(t, s, "admin@example.org", RoleAdmin)}
				var err error
				f.user, err = s.CreateUser(ctx, NewUser{Email: "learner@example.org", Name: "Learner", PasswordHash: "hash", Role: RoleLearner})
				must(t, err)
				f.tok = account.NewResetToken()
				_, err = s.CreateResetLink(ctx, f.admin.ID, f.user.ID, ResetLinkOf(f.tok))
				must(t, err)
				for _, id := range []string{"a", "b"} {
					must(t, s.CreateSession(ctx, Session{ID: id, UserID: f.user.ID, ExpiresAt: clock.Now().Add(time.Hour)}))
				}
				if tt.setup != nil {
					tt.setup(t, f)
				}
				f.before, _, _, err = lookup(s, "a")
				must(t, err)
				if _, _, queried, err := lookup(s, "a"); err != nil || queried {
					t.Fatalf("second lookup: err %v, queried %v; want it kept", err, queried)
				}
				clock.Advance(time.Millisecond)
				must(t, tt.write(t, f))
				sess, u, queried, err := lookup(s, "a")
				if !queried && !tt.keeps {
					t.Errorf("the lookup after %s was served from memory", tt.name)
				}
				tt.check(t, f, sess, u, err)
			})
		})
	}
}

// Another instance's change (another Store on the same database) shows once
// the TTL has passed, and not before.
func TestSessionUser_OtherInstanceSeenAfterTheTTL(t *testing.T) {
	ctx := context.Background()
	yes := true
	tests := []struct {
		name  string
		write func(other *Store, userID int64) error
		check func(sess Session, u User, err error) bool // the change shows
	}{
		{"time zone", func(o *Store, id int64) error { return o.SetTimeZone(ctx, id, "Europe/Madrid") },
			func(_ Session, u User, err error) bool { return err == nil && u.TimeZone == "Europe/Madrid" }},
		{"disable", func(o *Store, id int64) error {
			_, err := o.UpdateUser(ctx, 0, id, UserChange{Disabled: &yes})
			return err
		}, func(_ Session, _ User, err error) bool { return errors.Is(err, ErrNotFound) }},
		{"logout", func(o *Store, _ int64) error { return o.DeleteSession(ctx, "a") },
			func(_ Session, _ User, err error) bool { return errors.Is(err, ErrNotFound) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
				other, err := Open(s.dsn, clock.Now)
				must(t, err)
				t.Cleanup(func() { other.Close() })
				u := mustUser(t, s, "two@example.org", RoleLearner)
				must(t, s.CreateSession(ctx, Session{ID: "a", UserID: u.ID, ExpiresAt: clock.Now().Add(time.Hour)}))
				if _, _, err := s.SessionUser(ctx, "a"); err != nil {
					t.Fatal(err)
				}
				must(t, tt.write(other, u.ID))
				if sess, su, err := other.SessionUser(ctx, "a"); !tt.check(sess, su, err) {
					t.Fatalf("the writing instance does not see its own change: %+v %+v %v", sess, su, err)
				}
				clock.Advance(sessionCacheTTL - time.Microsecond)
				if sess, su, err := s.SessionUser(ctx, "a"); err != nil || tt.check(sess, su, err) {
					t.Errorf("within the TTL: %+v %+v %v; want the kept answer", sess, su, err)
				}
				clock.Advance(time.Microsecond)
				if sess, su, err := s.SessionUser(ctx, "a"); !tt.check(sess, su, err) {
					t.Errorf("after the TTL: %+v %+v %v; want the other instance's change", sess, su, err)
				}
			})
		})
	}
}

// Lookups racing with writes never keep an answer older than a write that
// has returned: after each SetTimeZone, this process reads the new zone,
// while other goroutines keep looking the session up. Run with -race.
func TestSessionUser_ConcurrentLookupsSeeEveryReturnedWrite(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		u := mustUser(t, s, "race@example.org", RoleLearner)
		must(t, s.CreateSession(ctx, Session{ID: "r", UserID: u.ID, ExpiresAt: clock.Now().Add(time.Hour)}))
		stop := make(chan struct{})
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					if _, _, err := s.SessionUser(ctx, "r"); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		for i := range 40 {
			zone := fmt.Sprintf("Etc/GMT+%d", i%12)
			if i%2 == 1 {
				zone = ""
			}
			must(t, s.SetTimeZone(ctx, u.ID, zone))
			if _, got, err := s.SessionUser(ctx, "r"); err != nil || got.TimeZone != zone {
				t.Errorf("write %d: read zone %q (%v), want %q", i, got.TimeZone, err, zone)
			}
		}
		close(stop)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})
}

// The cache holds at most its maximum, and a full cache still answers right.
func TestSessionUser_CacheBounded(t *testing.T) {
	s, clock := openTest(t)
	ctx := context.Background()
	s.sessions.max = 3
	u := mustUser(t, s, "many@example.org", RoleLearner)
	for i := range 10 {
		id := fmt.Sprint("s", i)
		must(t, s.CreateSession(ctx, Session{ID: id, UserID: u.ID, ExpiresAt: clock.Now().Add(time.Hour)}))
	}
	for round := range 2 {
		for i := range 10 {
			id := fmt.Sprint("s", i)
			sess, got, err := s.SessionUser(ctx, id)
			if err != nil || sess.ID != id || got.ID != u.ID {
				t.Fatalf("round %d, %s: %+v %+v %v", round, id, sess, got, err)
			}
			s.sessions.mu.RLock()
			n := len(s.sessions.entries)
			s.sessions.mu.RUnlock()
			if n > 3 {
				t.Fatalf("%d entries kept, max 3", n)
			}
		}
	}
}
