package db

import (
	"context"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

func TestMigrate_UpgradesVersion1Database(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			path := testDSN(t, d)
			clock := newClock()

			old, err := open(path, clock.Now)
			must(t, err)
			must(t, old.migrateTo(ctx, 1))
			if v, _ := old.SchemaVersion(ctx); v != 1 {
				t.Fatalf("old database at version %d, want 1", v)
			}
			// Write version-1 rows with plain SQL: the Go code assumes version 2.
			at := func(min int) time.Time { return clock.Now().Add(time.Duration(min) * time.Minute) }
			must(t, old.w.Exec(`INSERT INTO users (id, email, name, password_hash, role, disabled, created_at, updated_at)
VALUES (1, 'ana@example.org', 'Ana', 'h', 'learner', FALSE, ?, ?), (2, 'ben@example.org', 'Ben', 'h', 'learner', FALSE, ?, ?),
       (3, 'cy@example.org', 'Cy', 'h', 'learner', FALSE, ?, ?)`, at(0), at(0), at(0), at(0), at(0), at(0)).Error)
			insert := func(id, user int64, overall float64, band string, bachelor bool, created time.Time) {
				t.Helper()
				must(t, old.w.Exec(`INSERT INTO assessments (id, user_id, profile_id, profile_version, answers, result, overall, band, bachelor_met, top_step, created_at)
VALUES (?, ?, 'p', '1', '{}', '{}', ?, ?, ?, '', ?)`, id, user, overall, band, bachelor, created).Error)
			}
			insert(1, 1, 30, "early", false, at(1))
			insert(2, 1, 80, "ready", true, at(3))
			insert(3, 1, 55, "building", true, at(2)) // inserted late but older than id 2
			insert(4, 2, 65, "ready", true, at(5))
			insert(5, 2, 10, "early", false, at(5)) // same time: the higher id is latest
			if d == Postgres {
				pool, err := old.w.DB()
				must(t, err)
				must(t, advanceSequences(ctx, pool))
			}
			must(t, old.Close())

			s, err := Open(path, clock.Now)
			must(t, err)
			defer s.Close()
			if v, err := s.SchemaVersion(ctx); err != nil || v < 2 {
				t.Fatalf("SchemaVersion = %d, %v; want at least 2", v, err)
			}
			u, err := s.UserByEmail(ctx, "ana@example.org")
			if err != nil || u.Name != "Ana" {
				t.Fatalf("user lost in upgrade: %+v, %v", u, err)
			}
			if n, _ := s.CountAssessments(ctx, 1); n != 3 {
				t.Errorf("ana has %d assessments after upgrade, want 3", n)
			}

			tests := []struct {
				user         int64
				wantStats    bool
				attempts     int
				latestID     int64
				latest       float64
				band         string
				previous     any
				bachelor     bool
				lastActivity time.Time
			}{
				{1, true, 3, 2, 80, "ready", 55.0, true, at(3)},
				{2, true, 2, 5, 10, "early", 65.0, false, at(5)},
				{3, false, 0, 0, 0, "", nil, false, time.Time{}},
			}
			for _, tt := range tests {
				got, ok := learnerStats(t, s, tt.user)
				if ok != tt.wantStats {
					t.Errorf("user %d: stats row present %v, want %v", tt.user, ok, tt.wantStats)
					continue
				}
				if !ok {
					continue
				}
				if got.Attempts != tt.attempts || got.LatestID != tt.latestID || got.LatestOverall != tt.latest ||
					got.LatestBand != tt.band || deref(got.PreviousOverall) != tt.previous || got.BachelorMet != tt.bachelor ||
					!got.LastActivityAt.Equal(tt.lastActivity) {
					t.Errorf("user %d: stats %+v previous %v", tt.user, got, deref(got.PreviousOverall))
				}
			}

			// The upgraded database keeps working: a new assessment bumps the backfilled row.
			clock.Advance(time.Hour)
			_, err = s.CreateAssessment(ctx, 1, result(90, "ready"))
			must(t, err)
			if got, _ := learnerStats(t, s, 1); got.Attempts != 4 || deref(got.PreviousOverall) != 80.0 {
				t.Errorf("after new assessment: %+v", got)
			}
		})
	}
}

func TestMigrate_IsIdempotent(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		must(t, s.Migrate())
		must(t, s.Migrate())
		ms, err := loadMigrations(s.dialect)
		must(t, err)
		if n := countRows(t, s, "schema_migrations", ""); n != int64(len(ms)) {
			t.Errorf("%d schema_migrations rows, want %d", n, len(ms))
		}
		if v, _ := s.SchemaVersion(ctx); v != len(ms) {
			t.Errorf("SchemaVersion = %d, want %d", v, len(ms))
		}
	})
}

func TestMigrate_RefusesNewerDatabase(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		must(t, s.w.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (99, ?)", clock.Now()).Error)
		if err := s.Migrate(); err == nil || !strings.Contains(err.Error(), "newer") {
			t.Errorf("Migrate on a newer database: %v", err)
		}
	})
}

// Instances started at once migrate one empty database: each migration is
// applied exactly once and every instance ends up at the latest version.
func TestMigrate_ConcurrentInstancesApplyEachOnce(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			dsn := testDSN(t, d)
			const instances = 6
			errs := make(chan error, instances)
			stores := make(chan *Store, instances)
			var wg sync.WaitGroup
			for range instances {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s, err := Open(dsn, newClock().Now)
					if err != nil {
						errs <- err
						return
					}
					stores <- s
				}()
			}
			wg.Wait()
			close(errs)
			close(stores)
			for err := range errs {
				t.Errorf("Open: %v", err)
			}
			ms, err := loadMigrations(d)
			must(t, err)
			for s := range stores {
				if v, err := s.SchemaVersion(context.Background()); err != nil || v != len(ms) {
					t.Errorf("SchemaVersion = %d, %v; want %d", v, err, len(ms))
				}
				var rows []struct{ Version, N int }
				must(t, s.r.Raw("SELECT version, COUNT(*) AS n FROM schema_migrations GROUP BY version ORDER BY version").Scan(&rows).Error)
				if len(rows) != len(ms) {
					t.Errorf("%d versions recorded, want %d", len(rows), len(ms))
				}
				for _, r := range rows {
					if r.N != 1 {
						t.Errorf("version %d recorded %d times", r.Version, r.N)
					}
				}
				s.Close()
			}
		})
	}
}

// Version N is the same schema on both engines, so every version exists in
// both folders, under the same name.
func TestMigrations_SameVersionsOnBothEngines(t *testing.T) {
	lite, err := loadMigrations(SQLite)
	must(t, err)
	pg, err := loadMigrations(Postgres)
	must(t, err)
	if len(lite) != len(pg) {
		t.Fatalf("%d SQLite migrations, %d PostgreSQL ones", len(lite), len(pg))
	}
	for i := range lite {
		if strings.TrimPrefix(lite[i].name, "sqlite/") != strings.TrimPrefix(pg[i].name, "postgres/") {
			t.Errorf("version %d: %s and %s", lite[i].version, lite[i].name, pg[i].name)
		}
	}
}

func TestLoadMigrations_RefusesGapsAndBadNames(t *testing.T) {
	tests := []struct {
		files map[string]string
		want  string
	}{
		{map[string]string{"0001_a.sql": "", "0003_c.sql": ""}, "expected version 2"},
		{map[string]string{"0001_a.sql": "", "init.sql": ""}, "must start with a version number"},
		{map[string]string{"0000_a.sql": ""}, "must start with a version number"},
	}
	for _, tt := range tests {
		fsys := fstest.MapFS{}
		for name, body := range tt.files {
			fsys["migrations/sqlite/"+name] = &fstest.MapFile{Data: []byte(body)}
		}
		if _, err := loadMigrationsFrom(fsys, SQLite); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: %v, want an error saying %q", tt.files, err, tt.want)
		}
	}
}
