package db

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db/dbtest"
	"github.com/readiness/readiness/scoring"
)

// The caseload benchmarks run against one counselor with 10,000 learners and
// 100,000 scored assessments. Building that takes a couple of minutes, so
// the file is cached in the temp dir, keyed by schema version and size;
// benchmarks only run under -bench, so plain go test never builds it.
const (
	benchLearners   = 10_000
	benchPerLearner = 10
)

// benchNow is the fixed clock of the benchmark database.
var benchNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

var (
	benchOnce      sync.Once
	benchPath      string
	benchCounselor int64
	benchErr       error
)

func benchStore(b *testing.B) (*Store, int64) {
	b.Helper()
	benchOnce.Do(func() {
		ms, err := loadMigrations(SQLite)
		if err != nil {
			benchErr = err
			return
		}
		// Keyed by the schema (version and a hash of the migrations), so a
		// schema change rebuilds it.
		h := sha256.New()
		for _, m := range ms {
			h.Write([]byte(m.sql))
		}
		benchPath = filepath.Join(os.TempDir(), fmt.Sprintf("readiness-bench-v%d-%x-%dx%d.db", len(ms), h.Sum(nil)[:4], benchLearners, benchPerLearner))
		if _, err := os.Stat(benchPath); err != nil {
			benchErr = buildBenchDB(benchPath)
		}
		if benchErr == nil {
			s, err := Open(benchPath, func() time.Time { return benchNow })
			if err != nil {
				benchErr = err
				return
			}
			defer s.Close()
			u, err := s.UserByEmail(context.Background(), "bench-counselor@example.org")
			benchCounselor, benchErr = u.ID, err
		}
	})
	if benchErr != nil {
		b.Fatalf("bench database: %v", benchErr)
	}
	s, err := Open(benchPath, func() time.Time { return benchNow })
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s, benchCounselor
}

// buildBenchDB writes the database to a temporary name and renames it, so an
// interrupted build is never mistaken for a finished one.
func buildBenchDB(path string) error {
	start := time.Now()
	tmp := path + ".building"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	s, err := Open(tmp, func() time.Time { return benchNow })
	if err != nil {
		return err
	}
	ctx := context.Background()
	c, err := s.CreateUser(ctx, NewUser{Email: "bench-counselor@example.org", Name: "Bench Counselor", PasswordHash: "x", Role: RoleCounselor})
	if err != nil {
		return err
	}
	reg, err := assessment.Builtin()
	if err != nil {
		return err
	}
	p, _ := reg.Lookup("ecommerce-manager")
	rng := rand.New(rand.NewPCG(1, 2))
	const batch = 1000
	for from := 0; from < benchLearners; from += batch {
		ls := make([]SeedLearner, batch)
		for i := range ls {
			n := from + i
			ls[i] = SeedLearner{Email: fmt.Sprintf("learner%05d@example.org", n), Name: fmt.Sprintf("Learner %05d", n),
				PasswordHash: "x", CreatedAt: benchNow.AddDate(-1, 0, 0)}
		}
		ids, err := s.ImportLearners(ctx, c.ID, ls)
		if err != nil {
			return err
		}
		var rows []SeedAssessment
		for _, id := range ids {
			skill, trend := 0.2+0.6*rng.Float64(), rng.NormFloat64()*0.05+0.02
			at := benchNow.AddDate(-1, 0, 0)
			for k := range benchPerLearner {
				at = at.Add(time.Duration(rng.IntN(40*24)) * time.Hour)
				r, err := benchResult(p, rng, math.Max(0, math.Min(1, skill+trend*float64(k))))
				if err != nil {
					return err
				}
				rows = append(rows, SeedAssessment{UserID: id, Result: r, CreatedAt: at})
			}
			if rng.IntN(25) == 0 {
				if err := s.SetFlagged(ctx, c.ID, id, true); err != nil {
					return err
				}
			}
		}
		if err := s.ImportAssessments(ctx, rows); err != nil {
			return err
		}
	}
	if err := s.Close(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "built %s in %s\n", path, time.Since(start).Round(time.Second))
	return os.Rename(tmp, path)
}

// benchResult scores random answers around a skill level (a simpler cousin
// of the seed-demo command's generator, which lives in package main).
func benchResult(p *assessment.Profile, rng *rand.Rand, skill float64) (NewResult, error) {
	level := func() int { return int(math.Max(0, math.Min(4, math.Round(4*skill+rng.NormFloat64())))) }
	raw := map[string]json.RawMessage{}
	for i := range p.Questions {
		q := &p.Questions[i]
		opts := p.OptionsOf(q)
		switch q.Type {
		case assessment.TypeRating:
			raw[q.ID] = json.RawMessage(strconv.Itoa(level()))
		case assessment.TypeMulti:
			keys := []string{}
			for _, o := range opts {
				if !o.Exclusive && len(keys) < level()/2 {
					keys = append(keys, o.Key)
				}
			}
			if len(keys) == 0 {
				for _, o := range opts {
					if o.Exclusive {
						keys = append(keys, o.Key)
					}
				}
			}
			raw[q.ID], _ = json.Marshal(keys)
		default:
			lv, best := level(), opts[0]
			for _, o := range opts {
				if abs(o.Points-lv) < abs(best.Points-lv) {
					best = o
				}
			}
			raw[q.ID], _ = json.Marshal(best.Key)
		}
	}
	answers, problems := p.Parse(raw)
	if len(problems) > 0 {
		return NewResult{}, fmt.Errorf("bench answers: %v", problems)
	}
	r := scoring.Score(p, answers)
	aj, _ := json.Marshal(answers)
	rj, _ := json.Marshal(r)
	met, top := true, ""
	for _, req := range r.Requirements {
		met = met && req.Met
	}
	if len(r.Steps) > 0 && !r.Steps[0].AlsoConsider() {
		top = r.Steps[0].ID
	}
	return NewResult{ProfileID: p.ID, ProfileVersion: p.Version, Answers: aj, Result: rj,
		Overall: r.Overall, Band: r.Band, BachelorMet: met, TopStep: top}, nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// benchEach runs fn on the SQLite bench database and, when
// READINESS_TEST_DATABASE_URL is set, on the same data copied into
// PostgreSQL.
func benchEach(b *testing.B, fn func(b *testing.B, s *Store, counselor int64)) {
	b.Run("sqlite", func(b *testing.B) {
		s, c := benchStore(b)
		fn(b, s, c)
	})
	b.Run("postgres", func(b *testing.B) {
		s, c := benchPostgres(b)
		fn(b, s, c)
	})
}

// benchPostgres copies the SQLite bench database into a schema of the test
// server once, named after the file, and keeps it there for later runs
// (drop the bench_* schemas to rebuild).
func benchPostgres(b *testing.B) (*Store, int64) {
	b.Helper()
	base := os.Getenv(dbtest.EnvURL)
	if base == "" {
		b.Skip(dbtest.SkipMessage)
	}
	src, c := benchStore(b)
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	schema := "bench_" + strings.NewReplacer(".", "_", "-", "_").Replace(strings.TrimSuffix(filepath.Base(benchPath), ".db"))
	admin, err := sql.Open("pgx", base)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	var exists bool
	if err := admin.QueryRow("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema).Scan(&exists); err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	if !exists {
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			b.Fatal(err)
		}
		dst, err := Open(u.String(), func() time.Time { return benchNow })
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Copy(context.Background(), src, dst, nil); err != nil {
			dst.Close()
			admin.Exec("DROP SCHEMA " + schema + " CASCADE")
			b.Fatal(err)
		}
		dst.Close()
	}
	s, err := Open(u.String(), func() time.Time { return benchNow })
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s, c
}

// benchPage is one caseload page the way the web handler loads it: the rows
// and the total, two queries. It reports the median time of a load (p50-ms)
// beside the mean, the figure the performance goals are set in.
func benchPage(b *testing.B, q CaseloadQuery) {
	benchEach(b, func(b *testing.B, s *Store, c int64) {
		ctx := context.Background()
		q.Limit, q.Now = 50, benchNow
		var took []time.Duration
		b.ResetTimer()
		for b.Loop() {
			start := time.Now()
			rows, err := s.Caseload(ctx, c, q)
			if err != nil {
				b.Fatal(err)
			}
			n, err := s.CountCaseload(ctx, c, q)
			// The page holds what the count says is left after the offset,
			// up to the limit; a filter may match no one (every bench
			// learner has a result, so "no result" matches none).
			if want := max(0, min(int(n)-q.Offset, q.Limit)); err != nil || len(rows) != want {
				b.Fatalf("%d rows of %d at offset %d: %v", len(rows), n, q.Offset, err)
			}
			took = append(took, time.Since(start))
		}
		reportP50(b, took)
	})
}

// reportP50 reports the median of the runs' times in milliseconds.
func reportP50(b *testing.B, took []time.Duration) {
	if len(took) == 0 {
		return
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
}

func BenchmarkCaseload_FirstPage(b *testing.B) { benchPage(b, CaseloadQuery{}) }

func BenchmarkCaseload_FilteredPage(b *testing.B) {
	benchPage(b, CaseloadQuery{Band: "developing", NeedsAttention: true, Q: "learner0", Sort: SortByOverall, Desc: true})
}

func BenchmarkCaseload_SortedByDelta(b *testing.B) {
	benchPage(b, CaseloadQuery{Sort: SortByDelta, Desc: true, Offset: 100})
}

// BenchmarkCaseload_Sorts is the first page in every sort order, both ways.
func BenchmarkCaseload_Sorts(b *testing.B) {
	for _, sort := range []string{SortByName, SortByEmail, SortByAttempts, SortByOverall, SortByDelta, SortByActivity, SortByFlagged, SortByLinked, SortByGroup} {
		for _, desc := range []bool{false, true} {
			name := sort
			if desc {
				name += "-desc"
			}
			b.Run(name, func(b *testing.B) { benchPage(b, CaseloadQuery{Sort: sort, Desc: desc}) })
		}
	}
}

// BenchmarkCaseload_Filters is the first page of each filter alone.
func BenchmarkCaseload_Filters(b *testing.B) {
	for name, q := range map[string]CaseloadQuery{
		"band":            {Band: "developing"},
		"no-result":       {Band: BandNone, Q: "learner"},
		"flagged":         {FlaggedOnly: true},
		"needs-attention": {NeedsAttention: true},
		"search":          {Q: "LEARNER01"},
		"search-rare":     {Q: "learner0999"},
	} {
		b.Run(name, func(b *testing.B) { benchPage(b, q) })
	}
}

// BenchmarkCaseload_DeepPage is the last page of 10,000 learners in the
// default order and in a computed one.
func BenchmarkCaseload_DeepPage(b *testing.B) {
	b.Run("name", func(b *testing.B) { benchPage(b, CaseloadQuery{Offset: benchLearners - 50}) })
	b.Run("delta", func(b *testing.B) { benchPage(b, CaseloadQuery{Sort: SortByDelta, Offset: benchLearners - 50}) })
	b.Run("activity-desc", func(b *testing.B) { benchPage(b, CaseloadQuery{Sort: SortByActivity, Desc: true, Offset: 5000}) })
}

// BenchmarkCaseload_FullExport reads every row, as the CSV export does.
func BenchmarkCaseload_FullExport(b *testing.B) {
	benchEach(b, func(b *testing.B, s *Store, c int64) {
		ctx := context.Background()
		b.ResetTimer()
		for b.Loop() {
			total := 0
			err := s.EachCaseload(ctx, c, CaseloadQuery{Now: benchNow}, func(CaseloadEntry) error {
				total++
				return nil
			})
			if err != nil || total != benchLearners {
				b.Fatalf("exported %d rows: %v", total, err)
			}
		}
	})
}

func BenchmarkCohort(b *testing.B) {
	benchEach(b, func(b *testing.B, s *Store, c int64) {
		ctx := context.Background()
		var took []time.Duration
		b.ResetTimer()
		for b.Loop() {
			start := time.Now()
			co, err := s.Cohort(ctx, c, CohortQuery{})
			if err != nil || co.Learners != benchLearners {
				b.Fatalf("cohort %d learners: %v", co.Learners, err)
			}
			took = append(took, time.Since(start))
		}
		reportP50(b, took)
	})
}

// benchCopy opens a copy of the SQLite bench database, for benchmarks
// that write to it.
func benchCopy(b *testing.B) (*Store, int64) {
	_, c := benchStore(b)
	data, err := os.ReadFile(benchPath)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "copy.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	s, err := Open(path, func() time.Time { return benchNow })
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s, c
}

// BenchmarkCaseload_RecordExportAccess is what a full caseload export
// writes to the audit log: one row for the export and one narrow row per
// learner. It runs on a copy of the SQLite bench database, which it grows.
func BenchmarkCaseload_RecordExportAccess(b *testing.B) {
	s, c := benchCopy(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, ids, err := s.recordCaseloadAccess(ctx, c, CaseloadQuery{Now: benchNow}, ActionResultsCSV); err != nil || len(ids) != benchLearners {
			b.Fatalf("recorded %d learners: %v", len(ids), err)
		}
	}
}

// BenchmarkCaseload_Export is the whole store side of a full caseload
// export: every row read while the access is recorded, as the CSV does
// (ExportCaseload), on a copy of the SQLite bench database, which it grows.
func BenchmarkCaseload_Export(b *testing.B) {
	s, c := benchCopy(b)
	ctx := context.Background()
	var took []time.Duration
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		total := 0
		err := s.ExportCaseload(ctx, c, CaseloadQuery{Now: benchNow}, ActionResultsCSV, func(CaseloadEntry) error {
			total++
			return nil
		})
		if err != nil || total != benchLearners {
			b.Fatalf("exported %d rows: %v", total, err)
		}
		took = append(took, time.Since(start))
	}
	reportP50(b, took)
}
