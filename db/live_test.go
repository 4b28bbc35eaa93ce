package db

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/readiness/readiness/db/dbtest"
)

func TestCheckWritable_HealthyOnBothEngines(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		must(t, s.CheckWritable(context.Background()))
		clock.Advance(time.Second)
		must(t, s.CheckWritable(context.Background()))
		if n := countRows(t, s, "heartbeat", ""); n != 1 {
			t.Errorf("%d heartbeat rows, want 1", n)
		}
	})
}

// A SQLite file removed or replaced under the store: the write check fails,
// and no write is acknowledged, the group-committed assessment included,
// because none of it would be there after a restart.
func TestWrites_FailWhenTheFileIsRemovedOrReplaced(t *testing.T) {
	for _, how := range []string{"removed", "replaced"} {
		t.Run(how, func(t *testing.T) {
			s, clock := openTest(t)
			ctx := context.Background()
			u := mustUser(t, s, "l@example.org", RoleLearner)
			must(t, s.CheckWritable(ctx))
			switch how {
			case "removed":
				must(t, os.Remove(s.path))
			case "replaced":
				other := filepath.Join(filepath.Dir(s.path), "other.db")
				must(t, os.WriteFile(other, nil, 0o644))
				must(t, os.Rename(other, s.path))
			}
			if err := s.CheckWritable(ctx); !errors.Is(err, ErrUnavailable) {
				t.Errorf("CheckWritable: %v, want ErrUnavailable", err)
			}
			if _, err := s.CreateAssessment(ctx, u.ID, result(50, "developing")); !errors.Is(err, ErrUnavailable) {
				t.Errorf("CreateAssessment: %v, want ErrUnavailable", err)
			}
			if err := s.CreateSession(ctx, Session{ID: "s", UserID: u.ID, ExpiresAt: clock.Now().Add(time.Hour)}); !errors.Is(err, ErrUnavailable) {
				t.Errorf("CreateSession: %v, want ErrUnavailable", err)
			}
			if _, err := s.CreateUser(ctx, NewUser{Email: "n@example.org", Name: "N", PasswordHash: "h", Role: RoleLearner}); !errors.Is(err, ErrUnavailable) {
				t.Errorf("CreateUser: %v, want ErrUnavailable", err)
			}
			if err := s.SaveDraft(ctx, DraftOwner{UserID: u.ID}, Draft{ProfileID: "p", Answers: []byte(`{}`)}); !errors.Is(err, ErrUnavailable) {
				t.Errorf("SaveDraft: %v, want ErrUnavailable", err)
			}
		})
	}
}

// A SQLite file that cannot be written when opened: the store opens it for
// reading, and the write check says it cannot be written.
func TestCheckWritable_ReadOnlyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ro.db")
	s, err := Open(path, nil)
	must(t, err)
	must(t, s.Close())
	dbtest.MakeReadOnly(t, path)

	s, err = Open(path, nil)
	if err != nil {
		if !errors.Is(err, ErrUnavailable) {
			t.Fatalf("Open of a read-only file: %v, want success or ErrUnavailable", err)
		}
		return
	}
	defer s.Close()
	err = s.CheckWritable(context.Background())
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("CheckWritable on a read-only file: %v, want ErrUnavailable", err)
	}
	if _, err := s.CreateUser(context.Background(), NewUser{Email: "n@example.org", Name: "N", PasswordHash: "h", Role: RoleLearner}); !errors.Is(err, ErrUnavailable) {
		t.Errorf("CreateUser on a read-only file: %v, want ErrUnavailable", err)
	}
}

// A PostgreSQL server that refuses writes (here a role whose transactions
// are read-only, as on a standby): the store refuses to open.
func TestOpen_ReadOnlyPostgresIsUnavailable(t *testing.T) {
	s, _ := openDialect(t, Postgres)
	role := "ro_" + strings.TrimPrefix(currentSchema(t, s), "test_")
	for _, q := range []string{
		"CREATE ROLE " + role + " LOGIN",
		"ALTER ROLE " + role + " SET default_transaction_read_only = on",
		"GRANT USAGE ON SCHEMA " + currentSchema(t, s) + " TO " + role,
		"GRANT SELECT ON ALL TABLES IN SCHEMA " + currentSchema(t, s) + " TO " + role,
	} {
		must(t, s.w.Exec(q).Error)
	}
	t.Cleanup(func() {
		s.w.Exec("DROP OWNED BY " + role)
		s.w.Exec("DROP ROLE " + role)
	})
	dsn := strings.Replace(s.dsn, "postgres://postgres@", "postgres://"+role+"@", 1)
	if dsn == s.dsn {
		t.Skip("the test server URL does not name the postgres user; cannot log in as another role")
	}
	ro, err := Open(dsn, nil)
	if err == nil {
		err = ro.CheckWritable(context.Background())
		ro.Close()
	}
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("read-only server: %v, want ErrUnavailable", err)
	}
}

func currentSchema(t *testing.T, s *Store) string {
	t.Helper()
	var name string
	must(t, s.r.Raw("SELECT current_schema()").Scan(&name).Error)
	return name
}
