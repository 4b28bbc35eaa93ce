package db

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/readiness/readiness/assessment"
)

// goldenJSON is every answers and result file in testdata/golden: results
// of the built-in profile and of a second one the dictionary knows nothing
// about.
func goldenJSON(t testing.TB) map[string][]byte {
	t.Helper()
	names, _ := filepath.Glob("../testdata/golden/*.json")
	out := map[string][]byte{}
	for _, n := range names {
		if filepath.Ext(filepath.Base(n[:len(n)-5])) == ".body" {
			continue
		}
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(n)] = b
	}
	if len(out) < 10 {
		t.Fatalf("%d golden files", len(out))
	}
	return out
}

func TestPackJSON_RoundTripsByteForByte(t *testing.T) {
	for name, j := range goldenJSON(t) {
		p := packJSON(j)
		if !isPacked(p) || p[0] != formatDict1 {
			t.Fatalf("%s: packed value starts %q", name, p[:1])
		}
		back, err := unpackJSON(p)
		if err != nil || !bytes.Equal(back, j) {
			t.Fatalf("%s: unpacks to %d bytes (%v), want the %d given", name, len(back), err, len(j))
		}
		// Stored JSON (rows from before packing) reads as it is.
		if same, err := unpackJSON(j); err != nil || !bytes.Equal(same, j) {
			t.Errorf("%s: JSON as stored reads as %q, %v", name, same, err)
		}
	}
	if p := packJSON(nil); len(p) != 0 {
		t.Errorf("nothing packs to %q", p)
	}
	for _, bad := range [][]byte{{2, 1, 2, 3}, {formatDict1, 0xff, 0xff}} {
		if _, err := unpackJSON(bad); err == nil {
			t.Errorf("%v unpacked without an error", bad)
		}
	}
	if _, err := unpackJSON([]byte{5}); !errors.Is(err, errUnknownFormat) {
		t.Errorf("format 5: %v", err)
	}
}

// A full result of the built-in profile packs to a fraction of its JSON.
func TestPackJSON_PacksResultsSmall(t *testing.T) {
	g := goldenJSON(t)
	for _, name := range []string{"sample.result.json", "no-degree.result.json", "uniform.result.json"} {
		if n := len(packJSON(g[name])); n > len(g[name])/6 {
			t.Errorf("%s: %d bytes packed, %d as JSON", name, n, len(g[name]))
		}
	}
}

// Stored results are packed in the database and read back exactly as given,
// on both engines.
func TestCreateAssessment_StoresPackedReadsExact(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		g := goldenJSON(t)
		u := mustUser(t, s, "packed@example.org", RoleLearner)
		in := result(69, "nearly-ready")
		in.Answers, in.Result = g["sample.answers.json"], g["sample.result.json"]
		in.Dimensions = []DimensionScore{{"web", 50}}
		a, err := s.CreateAssessment(ctx, u.ID, in)
		must(t, err)
		var raw []struct{ Answers, Result []byte }
		must(t, s.r.Raw("SELECT answers, result FROM assessments WHERE id = ?", a.ID).Scan(&raw).Error)
		if len(raw) != 1 || !isPacked(raw[0].Answers) || !isPacked(raw[0].Result) || len(raw[0].Result) > len(in.Result)/6 {
			t.Fatalf("stored %d and %d bytes, not packed", len(raw[0].Answers), len(raw[0].Result))
		}
		got, err := s.Assessment(ctx, u.ID, a.ID)
		must(t, err)
		if !bytes.Equal(got.Answers, in.Answers) || !bytes.Equal(got.Result, in.Result) {
			t.Fatal("read back differs from what was stored")
		}
		sess := Session{ID: "v", ExpiresAt: clock.Now().Add(time.Hour)}
		must(t, s.CreateSession(ctx, sess))
		v, err := s.CreateVisitorResult(ctx, "v", in)
		must(t, err)
		gotV, err := s.VisitorResult(ctx, "v", v.ID)
		must(t, err)
		if !bytes.Equal(gotV.Result, in.Result) || !bytes.Equal(gotV.Answers, in.Answers) {
			t.Fatal("visitor result read back differs")
		}
		claimed, err := s.ClaimVisitorResults(ctx, "v", u.ID)
		must(t, err)
		if len(claimed) != 1 {
			t.Fatalf("%d claimed", len(claimed))
		}
		back, err := s.Assessment(ctx, u.ID, claimed[0].ID)
		must(t, err)
		if !bytes.Equal(back.Result, in.Result) || !bytes.Equal(back.Answers, in.Answers) {
			t.Fatal("claimed result read back differs")
		}
	})
}

// A version 10 database, results as JSON text, upgrades to packed rows that
// read back byte for byte.
func TestMigrate_PacksStoredResults(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			path := testDSN(t, d)
			clock := newClock()
			g := goldenJSON(t)
			old, err := open(path, clock.Now)
			must(t, err)
			must(t, old.migrateTo(ctx, 10))
			u := mustUser(t, old, "old@example.org", RoleLearner)
			must(t, old.CreateSession(ctx, Session{ID: "v", ExpiresAt: clock.Now().Add(time.Hour)}))
			results := []string{"sample", "no-degree", "expert", "uniform", "web-designer"}
			for i, name := range results {
				must(t, old.w.Exec(`INSERT INTO assessments (user_id, profile_id, profile_version, answers, result, overall, band, bachelor_met, top_step, created_at)
VALUES (?, 'ecommerce-manager', '2026.1', ?, ?, ?, 'developing', TRUE, '', ?)`,
					u.ID, string(g[name+".answers.json"]), string(g[name+".result.json"]), float64(40+i), clock.Now().Add(time.Duration(i)*time.Minute)).Error)
			}
			must(t, old.w.Exec(`INSERT INTO visitor_results (session_id, profile_id, profile_version, answers, result, overall, band, bachelor_met, top_step, created_at)
VALUES ('v', 'ecommerce-manager', '2026.1', ?, ?, 50, 'developing', TRUE, '', ?)`, string(g["sample.answers.json"]), string(g["sample.result.json"]), clock.Now()).Error)
			must(t, old.Close())

			s, err := Open(path, clock.Now)
			must(t, err)
			defer s.Close()
			if n := countRows(t, s, "assessments", ""); n != int64(len(results)) {
				t.Fatalf("%d assessments after the upgrade", n)
			}
			var raw []struct{ Answers, Result []byte }
			must(t, s.r.Raw("SELECT answers, result FROM assessments UNION ALL SELECT answers, result FROM visitor_results").Scan(&raw).Error)
			for _, r := range raw {
				if !isPacked(r.Answers) || !isPacked(r.Result) {
					t.Fatalf("a row left as JSON: %.20q", r.Result)
				}
			}
			list, err := s.AssessmentsByUser(ctx, u.ID, 0, 0)
			must(t, err)
			for i, a := range list { // newest first
				name := results[len(results)-1-i]
				if !bytes.Equal(a.Result, g[name+".result.json"]) || !bytes.Equal(a.Answers, g[name+".answers.json"]) {
					t.Errorf("%s reads back differently after the upgrade", name)
				}
			}
			var vid int64
			must(t, s.r.Raw("SELECT id FROM visitor_results").Scan(&vid).Error)
			v, err := s.VisitorResult(ctx, "v", vid)
			if err != nil || !bytes.Equal(v.Result, g["sample.result.json"]) {
				t.Errorf("visitor result after the upgrade: %v", err)
			}
		})
	}
}

// BenchmarkPackJSON packs and unpacks a scored result of the built-in
// profile, as storing and reading one does.
func BenchmarkPackJSON(b *testing.B) {
	reg, err := assessment.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	p, _ := reg.Lookup("ecommerce-manager")
	r, err := benchResult(p, rand.New(rand.NewPCG(3, 4)), 0.5)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("pack", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			packJSON(r.Result)
		}
	})
	packed := packJSON(r.Result)
	b.Run("unpack", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := unpackJSON(packed); err != nil {
				b.Fatal(err)
			}
		}
	})
}
