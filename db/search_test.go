package db

import (
	"context"
	"slices"
	"testing"
	"time"
)

// Search folds case in every script, for the admin's user list and the
// counselor's caseload alike, on both engines.
func TestSearch_FoldsCaseInEveryScript(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		c := mustUser(t, s, "counselor@example.org", RoleCounselor)
		people := []struct{ email, name string }{
			{"elodie@example.org", "Élodie Durand"},
			{"oz@example.org", "Mehmet öz"},
			{"strasse@example.org", "Anna Straße"},
			{"sofia@example.org", "Σοφία Παπαδοπούλου"},
			{"ivan@example.org", "ИВАН Петров"},
			{"decomposed@example.org", "E\u0301mile Zola"}, // É as E + combining acute
			{"pct@example.org", "50%_off"},
		}
		for _, p := range people {
			u, err := s.CreateUser(ctx, NewUser{Email: p.email, Name: p.name, PasswordHash: "h", Role: RoleLearner})
			must(t, err)
			_, err = s.ShareWith(ctx, u.ID, c.ShareCode)
			must(t, err)
		}
		tests := []struct {
			q    string
			want []string
		}{
			{"élodie", []string{"elodie@example.org"}},
			{"ÉLODIE", []string{"elodie@example.org"}},
			{"ÖZ", []string{"oz@example.org"}},
			{"STRASSE", []string{"strasse@example.org"}},
			{"straße", []string{"strasse@example.org"}},
			{"σοφία", []string{"sofia@example.org"}},
			{"ΣΟΦΊΑ", []string{"sofia@example.org"}},
			{"иван", []string{"ivan@example.org"}},
			{"émile", []string{"decomposed@example.org"}},
			{"%_", []string{"pct@example.org"}},
			{"ELODIE@EXAMPLE", []string{"elodie@example.org"}},
			{"durand\nelodie", nil}, // a match never spans the name and the email
			{"nobody", nil},
		}
		for _, tt := range tests {
			us, err := s.Users(ctx, UserQuery{Q: tt.q})
			must(t, err)
			var got []string
			for _, u := range us {
				got = append(got, u.Email)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Users(Q: %q) = %v, want %v", tt.q, got, tt.want)
			}
			entries, err := s.Caseload(ctx, c.ID, CaseloadQuery{Q: tt.q})
			must(t, err)
			got = nil
			for _, e := range entries {
				got = append(got, e.Email)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Caseload(Q: %q) = %v, want %v", tt.q, got, tt.want)
			}
			if n, _ := s.CountCaseload(ctx, c.ID, CaseloadQuery{Q: tt.q}); n != len(tt.want) {
				t.Errorf("CountCaseload(Q: %q) = %d, want %d", tt.q, n, len(tt.want))
			}
		}
	})
}

// Users created before search keys existed are found after the upgrade.
func TestMigrate_Version4FillsSearchKeys(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn := testDSN(t, d)
			clock := newClock()
			old, err := open(dsn, clock.Now)
			must(t, err)
			must(t, old.migrateTo(ctx, 3))
			must(t, old.w.Exec(`INSERT INTO users (email, name, password_hash, role, disabled, created_at, updated_at)
VALUES ('elodie@example.org', 'Élodie Durand', 'h', 'learner', FALSE, ?, ?)`, clock.Now(), clock.Now()).Error)
			must(t, old.Close())
			s, err := Open(dsn, clock.Now)
			must(t, err)
			defer s.Close()
			us, err := s.Users(ctx, UserQuery{Q: "ÉLODIE"})
			must(t, err)
			if len(us) != 1 || us[0].Email != "elodie@example.org" {
				t.Errorf("after upgrade, search finds %v", us)
			}
		})
	}
}

// Demoting a counselor ends every link in the same transaction.
func TestUpdateRole_DemotedCounselorLosesEveryLink(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		c := mustUser(t, s, "c@example.org", RoleCounselor)
		other := mustUser(t, s, "other@example.org", RoleCounselor)
		var learners []User
		for _, e := range []string{"l1@example.org", "l2@example.org"} {
			l := mustUser(t, s, e, RoleLearner)
			_, err := s.ShareWith(ctx, l.ID, c.ShareCode)
			must(t, err)
			learners = append(learners, l)
		}
		must(t, s.Link(ctx, 0, learners[0].ID, other.ID)) // an admin's link to another counselor stays
		clock.Advance(time.Minute)
		must(t, updateRole(s, c.ID, RoleLearner))
		if n := countRows(t, s, "counselor_links", "counselor_id = ?", c.ID); n != 0 {
			t.Errorf("%d links left after demotion", n)
		}
		if n := countRows(t, s, "counselor_links", "counselor_id = ?", other.ID); n != 1 {
			t.Errorf("the other counselor's link: %d rows, want 1", n)
		}
		// Promoting back does not bring the links back: learners share again.
		must(t, updateRole(s, c.ID, RoleCounselor))
		if entries, err := s.Caseload(ctx, c.ID, CaseloadQuery{}); err != nil || len(entries) != 0 {
			t.Errorf("caseload after re-promotion: %v, %v", entries, err)
		}
	})
}
