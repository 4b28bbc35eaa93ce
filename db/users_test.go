package db

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCreateUser_EmailConflictIgnoresCase(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		first := mustUser(t, s, "  Ana@Example.org ", RoleLearner)
		if first.Email != "ana@example.org" {
			t.Errorf("stored email = %q, want lowercased and trimmed", first.Email)
		}
		tests := []string{"ana@example.org", "ANA@EXAMPLE.ORG", " Ana@example.ORG"}
		for _, email := range tests {
			t.Run(email, func(t *testing.T) {
				_, err := s.CreateUser(ctx, NewUser{Email: email, Name: "x", PasswordHash: "h", Role: RoleLearner})
				if !errors.Is(err, ErrConflict) {
					t.Errorf("err = %v, want ErrConflict", err)
				}
			})
		}
	})
}

func TestUserByEmail_IgnoresCase(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		u := mustUser(t, s, "bo@example.org", RoleLearner)
		got, err := s.UserByEmail(context.Background(), " BO@Example.ORG")
		if err != nil || got.ID != u.ID {
			t.Fatalf("UserByEmail = %+v, %v", got, err)
		}
	})
}

func TestCreateUser_CounselorGetsShareCode(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		tests := []struct {
			role     string
			wantCode bool
		}{
			{RoleLearner, false},
			{RoleAdmin, false},
			{RoleCounselor, true},
		}
		for _, tt := range tests {
			t.Run(tt.role, func(t *testing.T) {
				u := mustUser(t, s, tt.role+"@example.org", tt.role)
				if got := u.ShareCode != ""; got != tt.wantCode {
					t.Fatalf("share code %q, want one: %v", u.ShareCode, tt.wantCode)
				}
				if tt.wantCode {
					checkShareCode(t, u.ShareCode)
					stored, _ := s.UserByID(context.Background(), u.ID)
					if stored.ShareCode != u.ShareCode {
						t.Errorf("stored code %q, returned %q", stored.ShareCode, u.ShareCode)
					}
				}
			})
		}
	})
}

func checkShareCode(t *testing.T, code string) {
	t.Helper()
	if len(code) != shareCodeLen {
		t.Errorf("share code %q has length %d", code, len(code))
	}
	for _, r := range code {
		if !strings.ContainsRune(shareCodeAlphabet, r) {
			t.Errorf("share code %q contains %q", code, r)
		}
	}
}

func TestCreateUser_RejectsUnknownRole(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		_, err := s.CreateUser(context.Background(), NewUser{Email: "x@example.org", Name: "x", PasswordHash: "h", Role: "root"})
		if err == nil {
			t.Fatal("unknown role accepted")
		}
	})
}

func TestSetRole_PromotionGivesShareCodeOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		u := mustUser(t, s, "c@example.org", RoleLearner)
		clock.Advance(time.Minute)
		if err := updateRole(s, u.ID, RoleCounselor); err != nil {
			t.Fatal(err)
		}
		got, _ := s.UserByID(ctx, u.ID)
		if got.Role != RoleCounselor || !got.UpdatedAt.Equal(clock.Now()) {
			t.Errorf("after promotion: %+v", got)
		}
		checkShareCode(t, got.ShareCode)

		// Demote and promote again: the code survives.
		if err := updateRole(s, u.ID, RoleLearner); err != nil {
			t.Fatal(err)
		}
		if err := updateRole(s, u.ID, RoleCounselor); err != nil {
			t.Fatal(err)
		}
		again, _ := s.UserByID(ctx, u.ID)
		if again.ShareCode != got.ShareCode {
			t.Errorf("share code changed from %q to %q", got.ShareCode, again.ShareCode)
		}
	})
}

func TestSetDisabled_EndsSessions(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		u := mustUser(t, s, "d@example.org", RoleLearner)
		if err := s.CreateSession(ctx, Session{ID: "s1", UserID: u.ID, ExpiresAt: clock.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := updateDisabled(s, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionByID(ctx, "s1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("session survived disabling: %v", err)
		}
		got, _ := s.UserByID(ctx, u.ID)
		if !got.Disabled {
			t.Error("user not disabled")
		}
		if err := updateDisabled(s, u.ID, false); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.UserByID(ctx, u.ID); got.Disabled {
			t.Error("user still disabled")
		}
	})
}

func TestDeleteUser_RemovesEveryRowOfTheirs(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		learner := mustUser(t, s, "learner@example.org", RoleLearner)
		counselor := mustUser(t, s, "counselor@example.org", RoleCounselor)
		other := mustUser(t, s, "other@example.org", RoleLearner)
		exp := clock.Now().Add(time.Hour)

		// Give both the learner and the counselor a full set of rows, and other
		// a set that must survive.
		for _, u := range []User{learner, counselor, other} {
			sid := "session-" + u.Email
			must(t, s.CreateSession(ctx, Session{ID: sid, UserID: u.ID, ExpiresAt: exp}))
			must(t, s.SaveDraft(ctx, DraftOwner{UserID: u.ID}, Draft{ProfileID: "p", Answers: []byte(`{}`)}))
			_, err := s.CreateAssessment(ctx, u.ID, result(40, "building"))
			must(t, err)
			_, err = s.ReserveLoginAttempt(ctx, []ThrottleKey{{Key: "account:" + u.Email, Limit: 5}}, time.Hour)
			must(t, err)
		}
		_, err := s.ShareWith(ctx, learner.ID, counselor.ShareCode)
		must(t, err)
		_, err = s.ShareWith(ctx, other.ID, counselor.ShareCode)
		must(t, err)
		_, err = s.AddNote(ctx, counselor.ID, learner.ID, "about learner")
		must(t, err)
		_, err = s.AddNote(ctx, counselor.ID, other.ID, "about other")
		must(t, err)

		tables := []struct{ table, where string }{
			{"users", "id = ?"},
			{"sessions", "user_id = ?"},
			{"drafts", "user_id = ?"},
			{"assessments", "user_id = ?"},
			{"learner_stats", "user_id = ?"},
			{"counselor_links", "learner_id = ? OR counselor_id = ?"},
			{"notes", "learner_id = ? OR counselor_id = ?"},
		}
		for _, del := range []User{learner, counselor} {
			must(t, s.DeleteUser(ctx, del.ID))
			for _, tt := range tables {
				args := []any{del.ID}
				if strings.Contains(tt.where, "OR") {
					args = append(args, del.ID)
				}
				if n := countRows(t, s, tt.table, tt.where, args...); n != 0 {
					t.Errorf("after deleting %s: %d rows left in %s", del.Email, n, tt.table)
				}
			}
		}
		// other keeps everything except the link and note to the deleted counselor.
		for _, tt := range tables[:5] {
			if n := countRows(t, s, tt.table, tt.where, other.ID); n != 1 {
				t.Errorf("other user has %d rows in %s, want 1", n, tt.table)
			}
		}
		if err := s.DeleteUser(ctx, learner.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("second delete: %v, want ErrNotFound", err)
		}
	})
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestSetTimeZone(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		u := mustUser(t, s, "tz@example.org", RoleLearner)
		if u.TimeZone != "" {
			t.Fatalf("a new account's zone is %q, want UTC (\"\")", u.TimeZone)
		}
		must(t, s.SetTimeZone(ctx, u.ID, "America/Sao_Paulo"))
		got, err := s.UserByID(ctx, u.ID)
		must(t, err)
		if got.TimeZone != "America/Sao_Paulo" {
			t.Errorf("zone %q after setting it", got.TimeZone)
		}
		if err := s.SetTimeZone(ctx, 99999, "UTC"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown user: %v, want ErrNotFound", err)
		}
	})
}
