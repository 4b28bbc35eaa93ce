package web

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/readiness/readiness/assessment"
)

// goldenRegistry loads the builtin profile and the second test profile
// together, as a deployment with two profile files would.
func goldenRegistry(t testing.TB) *assessment.Registry {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "profiles")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{"../assessment/profiles/ecommerce-manager.json", "../assessment/profiles/ecommerce-manager.es.json",
		"../assessment/testdata/profiles/web-designer.json", "../assessment/testdata/profiles/web-designer.es.json"} {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(src)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reg, err := assessment.LoadDir(os.DirFS(filepath.Dir(dir)), "profiles")
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// TestAPI_ResultsMatchGoldenFiles: the score API sends, and a stored
// assessment reads back, exactly the bytes in testdata/golden (written by
// an earlier encoder; scoring's golden test holds the encoder to them).
func TestAPI_ResultsMatchGoldenFiles(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	app := startTestApp(t, filepath.Join(t.TempDir(), "readiness.db"), clock, goldenRegistry(t))
	learner := app.client()
	app.register(learner, "golden@example.org")

	bodies, _ := filepath.Glob("../testdata/golden/*.body.json")
	if len(bodies) < 5 {
		t.Fatalf("%d golden submissions, want at least 5", len(bodies))
	}
	for _, name := range bodies {
		base := strings.TrimSuffix(name, ".body.json")
		body, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		result, err := os.ReadFile(base + ".result.json")
		if err != nil {
			t.Fatal(err)
		}
		answers, err := os.ReadFile(base + ".answers.json")
		if err != nil {
			t.Fatal(err)
		}

		resp, got := app.do(app.client(), "POST", "/api/v1/score", body)
		expect(t, resp, got, 200)
		if !bytes.Equal(got, result) {
			t.Errorf("%s: score API body differs from the golden result:\n got %.200s\nwant %.200s", filepath.Base(base), got, result)
		}

		resp, got = app.do(learner, "POST", "/api/v1/assessments", body)
		expect(t, resp, got, 201)
		id := got[len(`{"id":`):bytes.IndexByte(got, ',')]
		want := `{"id":` + string(id) + `,"created_at":"` + clock.Now().Format(time.RFC3339) + `","answers":` + string(answers) + "," + string(result[1:])
		if string(got) != want {
			t.Errorf("%s: created assessment differs from the golden files:\n got %.300s\nwant %.300s", filepath.Base(base), got, want)
		}
		if _, err := strconv.ParseInt(string(id), 10, 64); err != nil {
			t.Fatalf("%s: no id at the start of %.100s", filepath.Base(base), got)
		}
		resp, again := app.do(learner, "GET", "/api/v1/assessments/"+string(id), nil)
		expect(t, resp, again, 200)
		// Read back, the result also carries what counselors gave about it.
		want = strings.TrimSuffix(want, "}") + `,"feedback":[],"verified":null}`
		if string(again) != want {
			t.Errorf("%s: stored assessment reads back differently:\n got %.300s\nwant %.300s", filepath.Base(base), again, want)
		}
	}
}
