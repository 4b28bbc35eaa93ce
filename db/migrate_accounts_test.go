package db

import (
	"context"
	"testing"
)

func TestMigrate_Version4DatabaseGainsAccountsSchema(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn := testDSN(t, d)
			clock := newClock()
			old, err := open(dsn, clock.Now)
			must(t, err)
			must(t, old.migrateTo(ctx, 4))
			now := clock.Now()
			must(t, old.w.Exec(`INSERT INTO users (id, email, name, password_hash, role, share_code, disabled, created_at, updated_at, search_key)
VALUES (1, 'lee@example.org', 'Lee', 'h', 'learner', NULL, FALSE, ?, ?, ''), (2, 'cas@example.org', 'Cas', 'h', 'counselor', 'ABCDEFGH', FALSE, ?, ?, '')`,
				now, now, now, now).Error)
			must(t, old.w.Exec("INSERT INTO counselor_links (counselor_id, learner_id, flagged, created_at) VALUES (2, 1, FALSE, ?)", now).Error)
			if d == Postgres {
				pool, err := old.w.DB()
				must(t, err)
				must(t, advanceSequences(ctx, pool))
			}
			must(t, old.Close())

			s, err := Open(dsn, clock.Now)
			must(t, err)
			defer s.Close()
			if v, _ := s.SchemaVersion(ctx); v < 5 {
				t.Fatalf("schema version %d, want at least 5", v)
			}
			u, err := s.UserByID(ctx, 1)
			if err != nil || u.Group != "" || !u.PasswordSet {
				t.Errorf("upgraded user = %+v, %v", u, err)
			}
			cs, err := s.CounselorsOf(ctx, 1)
			if err != nil || len(cs) != 1 || cs[0].ByAdmin {
				t.Errorf("upgraded link = %+v, %v: a learner's own link is not an admin's", cs, err)
			}
			// The new tables work on the upgraded database.
			group := "Class of 2027"
			_, err = s.UpdateUser(ctx, 0, 1, UserChange{Group: &group})
			must(t, err)
			must(t, s.RecordAccess(ctx, 2, 1, ActionResultsPage))
			if n, _ := s.CountAudit(ctx, AuditQuery{}); n != 2 {
				t.Errorf("%d audit rows, want 2", n)
			}
		})
	}
}
