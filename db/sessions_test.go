package db

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSessionByID_Expiry(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		u := mustUser(t, s, "s@example.org", RoleLearner)
		start := clock.Now()
		must(t, s.CreateSession(ctx, Session{ID: "user", UserID: u.ID, ExpiresAt: start.Add(time.Hour)}))
		must(t, s.CreateSession(ctx, Session{ID: "visitor", ExpiresAt: start.Add(2 * time.Hour)}))

		tests := []struct {
			name    string
			after   time.Duration
			id      string
			wantErr error
		}{
			{"user session live", 0, "user", nil},
			{"visitor session live", 0, "visitor", nil},
			{"user session just before expiry", time.Hour - time.Second, "user", nil},
			{"user session at expiry", time.Hour, "user", ErrNotFound},
			{"visitor session still live", time.Hour, "visitor", nil},
			{"visitor session expired", 2 * time.Hour, "visitor", ErrNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				clock.t = start.Add(tt.after)
				got, err := s.SessionByID(ctx, tt.id)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if err == nil && got.ID != tt.id {
					t.Errorf("got session %q", got.ID)
				}
			})
		}
	})
}

func TestSession_VisitorHasNoUser(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		must(t, s.CreateSession(ctx, Session{ID: "v", ExpiresAt: clock.Now().Add(time.Hour)}))
		got, err := s.SessionByID(ctx, "v")
		if err != nil || got.UserID != 0 || !got.CreatedAt.Equal(clock.Now()) || !got.LastSeenAt.Equal(clock.Now()) {
			t.Fatalf("SessionByID = %+v, %v", got, err)
		}
	})
}

func TestCreateSession_Conflicts(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		must(t, s.CreateSession(ctx, Session{ID: "dup", ExpiresAt: clock.Now().Add(time.Hour)}))
		if err := s.CreateSession(ctx, Session{ID: "dup", ExpiresAt: clock.Now().Add(time.Hour)}); !errors.Is(err, ErrConflict) {
			t.Errorf("duplicate id: %v, want ErrConflict", err)
		}
		if err := s.CreateSession(ctx, Session{ID: "ghost", UserID: 42, ExpiresAt: clock.Now().Add(time.Hour)}); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown user: %v, want ErrNotFound", err)
		}
	})
}

func TestTouchSession_ExtendsExpiry(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		start := clock.Now()
		must(t, s.CreateSession(ctx, Session{ID: "t", ExpiresAt: start.Add(time.Hour)}))
		clock.Advance(50 * time.Minute)
		must(t, s.TouchSession(ctx, "t", clock.Now(), clock.Now().Add(time.Hour)))
		clock.Advance(30 * time.Minute) // past the original expiry
		got, err := s.SessionByID(ctx, "t")
		if err != nil {
			t.Fatal(err)
		}
		if !got.LastSeenAt.Equal(start.Add(50*time.Minute)) || !got.ExpiresAt.Equal(start.Add(110*time.Minute)) {
			t.Errorf("touched session = %+v", got)
		}
	})
}

func TestDeleteExpiredSessions_TakesVisitorData(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		u := mustUser(t, s, "e@example.org", RoleLearner)
		now := clock.Now()
		must(t, s.CreateSession(ctx, Session{ID: "old-visitor", ExpiresAt: now.Add(time.Minute)}))
		must(t, s.CreateSession(ctx, Session{ID: "old-user", UserID: u.ID, ExpiresAt: now.Add(time.Minute)}))
		must(t, s.CreateSession(ctx, Session{ID: "fresh", ExpiresAt: now.Add(time.Hour)}))
		must(t, s.SaveDraft(ctx, DraftOwner{SessionID: "old-visitor"}, Draft{ProfileID: "p", Answers: []byte(`{}`)}))
		_, err := s.CreateVisitorResult(ctx, "old-visitor", result(10, "early"))
		must(t, err)

		clock.Advance(2 * time.Minute)
		n, err := s.DeleteExpiredSessions(ctx)
		if err != nil || n != 2 {
			t.Fatalf("DeleteExpiredSessions = %d, %v; want 2", n, err)
		}
		for table, want := range map[string]int64{"sessions": 1, "drafts": 0, "visitor_results": 0, "users": 1} {
			if got := countRows(t, s, table, ""); got != want {
				t.Errorf("%s has %d rows, want %d", table, got, want)
			}
		}
	})
}

func TestDeleteSessions(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		u := mustUser(t, s, "ds@example.org", RoleLearner)
		exp := clock.Now().Add(time.Hour)
		for _, id := range []string{"a", "b"} {
			must(t, s.CreateSession(ctx, Session{ID: id, UserID: u.ID, ExpiresAt: exp}))
		}
		must(t, s.CreateSession(ctx, Session{ID: "v", ExpiresAt: exp}))
		must(t, s.DeleteSession(ctx, "v"))
		must(t, s.DeleteSession(ctx, "v")) // idempotent
		if n := countRows(t, s, "sessions", ""); n != 2 {
			t.Errorf("%d sessions left, want the user's two", n)
		}
	})
}

// SessionUser reads what SessionByID and UserByID read, in one query.
func TestSessionUser_SameAsSessionAndUserApart(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		c := mustUser(t, s, "counselor@example.org", RoleCounselor)
		invited, err := s.CreateUser(ctx, NewUser{Email: "invited@example.org", Name: "Invited", Role: RoleLearner, Group: "9B"})
		must(t, err)
		must(t, s.SetTimeZone(ctx, c.ID, "Europe/Madrid"))
		start := clock.Now()
		for id, uid := range map[string]int64{"counselor": c.ID, "invited": invited.ID, "visitor": 0} {
			must(t, s.CreateSession(ctx, Session{ID: id, UserID: uid, ExpiresAt: start.Add(time.Hour)}))
		}
		clock.Advance(time.Minute)
		for _, id := range []string{"counselor", "invited", "visitor"} {
			sess, u, err := s.SessionUser(ctx, id)
			if err != nil {
				t.Fatalf("%s: %v", id, err)
			}
			want, err := s.SessionByID(ctx, id)
			must(t, err)
			if sess != want {
				t.Errorf("%s: session %+v, want %+v", id, sess, want)
			}
			var wantUser User
			if want.UserID != 0 {
				wantUser, err = s.UserByID(ctx, want.UserID)
				must(t, err)
			}
			if u != wantUser {
				t.Errorf("%s: user %+v, want %+v", id, u, wantUser)
			}
		}
		if _, u, _ := s.SessionUser(ctx, "counselor"); u.ShareCode == "" || u.TimeZone != "Europe/Madrid" || !u.PasswordSet {
			t.Errorf("counselor read as %+v", u)
		}
		if _, u, _ := s.SessionUser(ctx, "invited"); u.PasswordSet || u.Group != "9B" {
			t.Errorf("invited learner read as %+v", u)
		}
		clock.Advance(time.Hour)
		for _, id := range []string{"counselor", "nobody"} {
			if _, _, err := s.SessionUser(ctx, id); !errors.Is(err, ErrNotFound) {
				t.Errorf("%s: err = %v, want ErrNotFound", id, err)
			}
		}
	})
}

// BenchmarkSessionLookup is what every request with a session cookie
// costs the store: nothing but memory when SessionUser has the session kept
// (hit), one query when not (miss: the clock moves past the TTL before each
// lookup), two queries before SessionUser.
func BenchmarkSessionLookup(b *testing.B) {
	s, clock := openTest(b)
	ctx := context.Background()
	u := mustUser(b, s, "bench@example.org", RoleLearner)
	must(b, s.CreateSession(ctx, Session{ID: "bench", UserID: u.ID, ExpiresAt: clock.Now().AddDate(200, 0, 0)}))
	b.Run("SessionUser-hit", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := s.SessionUser(ctx, "bench"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SessionUser-miss", func(b *testing.B) {
		queries := s.sessions.queries.Load()
		n := 0
		for b.Loop() {
			clock.Advance(sessionCacheTTL)
			if _, _, err := s.SessionUser(ctx, "bench"); err != nil {
				b.Fatal(err)
			}
			n++
		}
		if got := s.sessions.queries.Load() - queries; got != int64(n) {
			b.Fatalf("%d queries for %d lookups", got, n)
		}
	})
	b.Run("SessionByID+UserByID", func(b *testing.B) {
		for b.Loop() {
			sess, err := s.SessionByID(ctx, "bench")
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.UserByID(ctx, sess.UserID); err != nil {
				b.Fatal(err)
			}
		}
	})
}
