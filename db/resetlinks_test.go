package db

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/readiness/readiness/account"
)

func session(clock *fakeClock, id string) Session {
	now := clock.Now()
	return Session{ID: id, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
}

func TestResetLink_InvitationSetsThePasswordOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		admin := mustUser(t, s, "ada@example.org", RoleAdmin)
		u, err := s.CreateUser(ctx, NewUser{Email: "new@example.org", Name: "New Person", Role: RoleLearner})
		must(t, err)
		if u.PasswordSet {
			t.Fatal("an account created without a hash has a password")
		}
		tok := account.NewResetToken()
		l, err := s.CreateResetLink(ctx, admin.ID, u.ID, ResetLinkOf(tok))
		must(t, err)
		if !l.Invite || !l.ExpiresAt.Equal(clock.Now().Add(24*time.Hour)) || l.Email != "new@example.org" {
			t.Errorf("link = %+v", l)
		}
		// Only the selector and the verifier's hash are stored.
		if n := countRows(t, s, "reset_links", "selector = ? AND verifier_hash = ?", tok.Selector, tok.VerifierHash); n != 1 {
			t.Fatal("the link is not stored by selector and hash")
		}
		if n := countRows(t, s, "reset_links", "verifier_hash LIKE ? OR selector LIKE ?", "%"+tok.Token[16:]+"%", "%"+tok.Token+"%"); n != 0 {
			t.Fatal("the token's secret part is stored")
		}
		sel, hash, _ := account.ParseResetToken(tok.Token)
		got, err := s.ResetLinkFor(ctx, sel, hash)
		if err != nil || got.UserID != u.ID || !got.Invite {
			t.Fatalf("ResetLinkFor = %+v, %v", got, err)
		}
		// A wrong verifier under the right selector is an unknown link.
		wrong := account.NewResetToken()
		if _, err := s.ResetLinkFor(ctx, sel, wrong.VerifierHash); !errors.Is(err, ErrNotFound) {
			t.Errorf("wrong verifier: %v", err)
		}
		if _, err := s.ResetLinkFor(ctx, wrong.Selector, wrong.VerifierHash); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown selector: %v", err)
		}
		must(t, s.CreateSession(ctx, Session{ID: "old", UserID: u.ID, CreatedAt: clock.Now(), LastSeenAt: clock.Now(), ExpiresAt: clock.Now().Add(time.Hour)}))
		clock.Advance(time.Hour)
		used, err := s.UseResetLink(ctx, sel, hash, "new-hash", session(clock, "fresh"))
		must(t, err)
		if used.ID != u.ID || !used.PasswordSet || used.PasswordHash != "new-hash" {
			t.Errorf("after use: %+v", used)
		}
		if _, err := s.SessionByID(ctx, "old"); !errors.Is(err, ErrNotFound) {
			t.Error("the person's other session survived")
		}
		if sess, err := s.SessionByID(ctx, "fresh"); err != nil || sess.UserID != u.ID {
			t.Errorf("the new session: %+v, %v", sess, err)
		}
		// Single use: the page says when it was used.
		l, err = s.ResetLinkFor(ctx, sel, hash)
		if !errors.Is(err, ErrLinkUsed) || !l.UsedAt.Equal(clock.Now()) {
			t.Errorf("second look: %+v, %v", l, err)
		}
		if _, err := s.UseResetLink(ctx, sel, hash, "other-hash", session(clock, "again")); !errors.Is(err, ErrLinkUsed) {
			t.Errorf("second use: %v", err)
		}
		if u, _ := s.UserByID(ctx, u.ID); u.PasswordHash != "new-hash" {
			t.Error("a used link changed the password again")
		}
		// Now it has a password, the next link is a reset.
		l, err = s.CreateResetLink(ctx, 0, u.ID, ResetLinkOf(account.NewResetToken()))
		must(t, err)
		if l.Invite {
			t.Error("a link for an account with a password is an invitation")
		}
		log, _ := s.AuditLog(ctx, AuditQuery{PersonID: u.ID})
		if got := auditActions(log); len(got) != 2 || got[0] != "user.reset-link password reset" || got[1] != "user.reset-link invitation" || log[0].ActorName != "command line" {
			t.Errorf("audit = %q", got)
		}
	})
}

func TestResetLink_ExpiredReplacedAndDisabled(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		u := mustUser(t, s, "lee@example.org", RoleLearner)
		first := account.NewResetToken()
		_, err := s.CreateResetLink(ctx, 0, u.ID, ResetLinkOf(first))
		must(t, err)
		second := account.NewResetToken()
		_, err = s.CreateResetLink(ctx, 0, u.ID, ResetLinkOf(second))
		must(t, err)
		if _, err := s.ResetLinkFor(ctx, first.Selector, first.VerifierHash); !errors.Is(err, ErrLinkReplaced) {
			t.Errorf("the older link: %v", err)
		}
		if _, err := s.UseResetLink(ctx, first.Selector, first.VerifierHash, "h", session(clock, "x")); !errors.Is(err, ErrLinkReplaced) {
			t.Errorf("using the older link: %v", err)
		}
		clock.Advance(24*time.Hour - time.Second)
		if _, err := s.ResetLinkFor(ctx, second.Selector, second.VerifierHash); err != nil {
			t.Errorf("a second before expiry: %v", err)
		}
		clock.Advance(time.Second)
		l, err := s.ResetLinkFor(ctx, second.Selector, second.VerifierHash)
		if !errors.Is(err, ErrLinkExpired) || !l.ExpiresAt.Equal(clock.Now()) {
			t.Errorf("at expiry: %+v, %v", l, err)
		}
		if _, err := s.UseResetLink(ctx, second.Selector, second.VerifierHash, "h", session(clock, "x")); !errors.Is(err, ErrLinkExpired) {
			t.Errorf("using an expired link: %v", err)
		}
		third := account.NewResetToken()
		_, err = s.CreateResetLink(ctx, 0, u.ID, ResetLinkOf(third))
		must(t, err)
		must(t, updateDisabled(s, u.ID, true))
		if _, err := s.UseResetLink(ctx, third.Selector, third.VerifierHash, "h", session(clock, "x")); !errors.Is(err, ErrAccountDisabled) {
			t.Errorf("a link of a disabled account: %v", err)
		}
		if _, err := s.CreateResetLink(ctx, 0, u.ID, ResetLinkOf(account.NewResetToken())); !errors.Is(err, ErrAccountDisabled) {
			t.Errorf("a new link for a disabled account: %v", err)
		}
		if _, err := s.CreateResetLink(ctx, 0, 999, ResetLinkOf(account.NewResetToken())); !errors.Is(err, ErrNotFound) {
			t.Errorf("a link for no one: %v", err)
		}
		if u, _ := s.UserByID(ctx, u.ID); u.PasswordHash != "hash" {
			t.Error("a refused link changed the password")
		}
		// A week after they ended, links are swept.
		clock.Advance(9 * 24 * time.Hour)
		n, err := s.DeleteOldResetLinks(ctx, clock.Now().Add(-7*24*time.Hour))
		must(t, err)
		if n != 3 {
			t.Errorf("swept %d links, want 3", n)
		}
	})
}

func TestUseResetLink_ParallelUsesOneWins(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		u := mustUser(t, s, "lee@example.org", RoleLearner)
		tok := account.NewResetToken()
		_, err := s.CreateResetLink(ctx, 0, u.ID, ResetLinkOf(tok))
		must(t, err)
		const n = 8
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			wins int
			errs []error
		)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.UseResetLink(ctx, tok.Selector, tok.VerifierHash, "h", session(clock, string(rune('a'+i))))
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					wins++
				} else if !errors.Is(err, ErrLinkUsed) {
					errs = append(errs, err)
				}
			}()
		}
		wg.Wait()
		if wins != 1 || len(errs) > 0 {
			t.Errorf("%d uses won, other errors %v; want exactly one win", wins, errs)
		}
		if c := countRows(t, s, "sessions", "user_id = ?", u.ID); c != 1 {
			t.Errorf("%d sessions after the race, want the winner's only", c)
		}
	})
}

func TestChangePasswordAndOtherSessions(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		u := mustUser(t, s, "lee@example.org", RoleLearner)
		other := mustUser(t, s, "oli@example.org", RoleLearner)
		for _, id := range []string{"a", "b", "c"} {
			sess := session(clock, id)
			sess.UserID = u.ID
			must(t, s.CreateSession(ctx, sess))
		}
		theirs := session(clock, "theirs")
		theirs.UserID = other.ID
		must(t, s.CreateSession(ctx, theirs))
		if n, _ := s.CountUserSessions(ctx, u.ID); n != 3 {
			t.Errorf("CountUserSessions = %d", n)
		}
		n, err := s.DeleteOtherSessions(ctx, u.ID, "a")
		must(t, err)
		if n != 2 {
			t.Errorf("ended %d other sessions, want 2", n)
		}
		if _, err := s.SessionByID(ctx, "a"); err != nil {
			t.Error("the kept session ended")
		}
		must(t, s.ChangePassword(ctx, u.ID, "new", session(clock, "d")))
		if _, err := s.SessionByID(ctx, "a"); !errors.Is(err, ErrNotFound) {
			t.Error("the old session survived a password change")
		}
		if sess, err := s.SessionByID(ctx, "d"); err != nil || sess.UserID != u.ID {
			t.Errorf("the new session: %+v, %v", sess, err)
		}
		if _, err := s.SessionByID(ctx, "theirs"); err != nil {
			t.Error("someone else's session ended")
		}
		if got, _ := s.UserByID(ctx, u.ID); got.PasswordHash != "new" {
			t.Error("password not changed")
		}
		if err := s.ChangePassword(ctx, 999, "x", session(clock, "e")); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown user: %v", err)
		}
	})
}

func TestCreateInvited_AccountLinkAndAuditTogether(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		admin := mustUser(t, s, "ada@example.org", RoleAdmin)
		tok := account.NewResetToken()
		u, l, err := s.CreateInvited(ctx, admin.ID, NewUser{Email: "Nia@Example.org", Name: "Nia", Role: RoleLearner, Group: "Class of 2027", PasswordHash: "ignored"}, ResetLinkOf(tok))
		must(t, err)
		if u.Email != "nia@example.org" || u.PasswordSet || u.Group != "Class of 2027" || !l.Invite || l.UserID != u.ID {
			t.Errorf("invited: %+v, link %+v", u, l)
		}
		log, _ := s.AuditLog(ctx, AuditQuery{PersonID: u.ID})
		if got := auditActions(log); len(got) != 2 || got[0] != "user.reset-link invitation" || got[1] != "user.create learner, group Class of 2027" {
			t.Errorf("audit = %q", got)
		}
		// A taken email, a bad group or a group for a counselor makes nothing.
		before := countRows(t, s, "users", "")
		for _, nu := range []NewUser{
			{Email: "NIA@example.org", Name: "Again", Role: RoleLearner},
			{Email: "c@example.org", Name: "C", Role: RoleCounselor, Group: "Evening"},
			{Email: "d@example.org", Name: "D", Role: RoleLearner, Group: "bad\x00"},
			{Email: "not an email", Name: "E", Role: RoleLearner},
		} {
			if _, _, err := s.CreateInvited(ctx, admin.ID, nu, ResetLinkOf(account.NewResetToken())); err == nil {
				t.Errorf("CreateInvited(%+v) accepted", nu)
			}
		}
		if after := countRows(t, s, "users", ""); after != before {
			t.Errorf("refused invitations made %d accounts", after-before)
		}
		if n := countRows(t, s, "reset_links", ""); n != 1 {
			t.Errorf("%d links, want the one", n)
		}
	})
}
