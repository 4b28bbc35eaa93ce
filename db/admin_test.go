package db

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestUsers_SearchRoleAndPaging(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		mustUser(t, s, "b@example.org", RoleLearner)
		mustUser(t, s, "a@example.org", RoleCounselor)
		mustUser(t, s, "c_x@example.org", RoleAdmin)
		tests := []struct {
			q    UserQuery
			want []string
		}{
			{UserQuery{}, []string{"a@example.org", "b@example.org", "c_x@example.org"}},
			{UserQuery{Q: "NAME B@"}, []string{"b@example.org"}},
			{UserQuery{Q: "_x"}, []string{"c_x@example.org"}},
			{UserQuery{Q: "c_"}, []string{"c_x@example.org"}},
			{UserQuery{Role: RoleCounselor}, []string{"a@example.org"}},
			{UserQuery{Limit: 1, Offset: 1}, []string{"b@example.org"}},
		}
		for _, tt := range tests {
			got, err := s.Users(ctx, tt.q)
			must(t, err)
			var emails []string
			for _, u := range got {
				emails = append(emails, u.Email)
				if u.PasswordHash != "" {
					t.Errorf("Users leaks the password hash of %s", u.Email)
				}
			}
			if len(emails) != len(tt.want) || (len(emails) > 0 && emails[0] != tt.want[0]) {
				t.Errorf("Users(%+v) = %v, want %v", tt.q, emails, tt.want)
			}
			if tt.q.Limit == 0 {
				if n, _ := s.CountUsers(ctx, tt.q); n != len(tt.want) {
					t.Errorf("CountUsers(%+v) = %d, want %d", tt.q, n, len(tt.want))
				}
			}
		}
	})
}

func TestLink_RolesAndLinksOf(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		l := mustUser(t, s, "l@example.org", RoleLearner)
		c := mustUser(t, s, "c@example.org", RoleCounselor)
		off := mustUser(t, s, "off@example.org", RoleCounselor)
		must(t, updateDisabled(s, off.ID, true))
		admin := mustUser(t, s, "admin@example.org", RoleAdmin)
		tests := []struct {
			name               string
			learner, counselor int64
			want               error
		}{
			{"ok", l.ID, c.ID, nil},
			{"again is fine", l.ID, c.ID, nil},
			{"counselor as learner", c.ID, c.ID, ErrNotLearner},
			{"learner as counselor", l.ID, l.ID, ErrNotCounselor},
			{"admin as counselor", l.ID, admin.ID, ErrNotCounselor},
			{"disabled counselor", l.ID, off.ID, ErrNotCounselor},
			{"unknown learner", 999, c.ID, ErrNotFound},
		}
		for _, tt := range tests {
			if err := s.Link(ctx, 0, tt.learner, tt.counselor); !errors.Is(err, tt.want) {
				t.Errorf("%s: Link = %v, want %v", tt.name, err, tt.want)
			}
		}
		links, err := s.LinksOf(ctx, []int64{l.ID})
		must(t, err)
		if len(links) != 1 || links[0].CounselorEmail != "c@example.org" || links[0].LearnerEmail != "l@example.org" || links[0].Since.IsZero() {
			t.Errorf("LinksOf = %+v", links)
		}
		if links, _ := s.LinksOf(ctx, nil); len(links) != 0 {
			t.Errorf("LinksOf(nil) = %v", links)
		}
		must(t, s.Unshare(ctx, l.ID, c.ID))
		if links, _ := s.LinksOf(ctx, []int64{l.ID}); len(links) != 0 {
			t.Errorf("after unlink: %v", links)
		}
	})
}

func TestUpdateRoleAndDisabled_KeepAnAdmin(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		a1 := mustUser(t, s, "a1@example.org", RoleAdmin)
		a2 := mustUser(t, s, "a2@example.org", RoleAdmin)
		l := mustUser(t, s, "l@example.org", RoleLearner)
		must(t, s.CreateSession(ctx, Session{ID: "s1", UserID: l.ID, CreatedAt: clock.Now(), LastSeenAt: clock.Now(), ExpiresAt: clock.Now().Add(time.Hour)}))

		must(t, updateRole(s, a2.ID, RoleCounselor))
		if u, _ := s.UserByID(ctx, a2.ID); u.Role != RoleCounselor || u.ShareCode == "" {
			t.Errorf("promoted counselor = %+v", u)
		}
		if err := updateRole(s, a1.ID, RoleLearner); !errors.Is(err, ErrLastAdmin) {
			t.Errorf("demoting the last admin: %v", err)
		}
		if err := updateDisabled(s, a1.ID, true); !errors.Is(err, ErrLastAdmin) {
			t.Errorf("disabling the last admin: %v", err)
		}
		must(t, updateRole(s, a1.ID, RoleAdmin)) // no change is fine
		must(t, updateRole(s, a2.ID, RoleAdmin))
		must(t, updateDisabled(s, a1.ID, true)) // a2 remains
		if err := updateRole(s, a2.ID, RoleLearner); !errors.Is(err, ErrLastAdmin) {
			t.Errorf("a disabled admin does not count: %v", err)
		}

		must(t, updateDisabled(s, l.ID, true))
		if u, _ := s.UserByID(ctx, l.ID); !u.Disabled {
			t.Error("learner not disabled")
		}
		if _, err := s.SessionByID(ctx, "s1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("session survives disabling: %v", err)
		}
		must(t, updateDisabled(s, l.ID, false))
		if err := updateDisabled(s, 999, true); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown user: %v", err)
		}
		if err := updateRole(s, 999, RoleAdmin); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown user: %v", err)
		}
	})
}
