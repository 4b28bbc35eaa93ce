package assessment_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/internal/jsonscan"
)

// checkSplitParse holds the score API's path (SplitSubmission, then
// ParseJSON) to the standard one (encoding/json into the map, then Parse):
// wherever the fast path takes a body, it must give the same profile,
// answers and problems.
func checkSplitParse(t *testing.T, p *assessment.Profile, data []byte) (took bool) {
	t.Helper()
	if !jsonscan.Valid(data) {
		return false // the API checks this first
	}
	profile, answers, ok := assessment.SplitSubmission(data)
	if !ok {
		return false
	}
	var std stdSubmission
	if err := json.Unmarshal(data, &std); err != nil {
		t.Fatalf("%s: SplitSubmission took a body encoding/json refuses: %v", data, err)
	}
	if profile != std.Profile {
		t.Fatalf("%s: profile %q, encoding/json %q", data, profile, std.Profile)
	}
	gotA, gotP := p.ParseJSON(answers)
	wantA, wantP := p.Parse(std.Answers)
	if !reflect.DeepEqual(gotA, wantA) || !reflect.DeepEqual(gotP, wantP) {
		t.Fatalf("%s:\nParseJSON %v %v\n    Parse %v %v", data, gotA, gotP, wantA, wantP)
	}
	return true
}

func splitParseSeeds(t testing.TB) [][]byte {
	files, _ := filepath.Glob("../testdata/*.json")
	var out [][]byte
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, data)
	}
	for _, s := range []string{
		`{}`, `{"answers":null}`, `{"answers":{}}`, `{"profile":"x"}`, `{"profile":null,"answers":null}`,
		`{"answers":{"mkt.sem":3,"mkt.sem":null}}`, `{"answers":{"mkt.sem":null,"mkt.sem":3}}`,
		`{"answers":{"nope":1,"nope":2,"zzz":3,"aaa":4}}`, `{"answers":{"\u006dkt.sem":2}}`, `{"answers":{"mkt.s\u00e9m":2}}`,
		`{"answers":{"edu.degree":"bachelor","edu.field":"marketing"}}`, `{"answers":{"edu.degree":"none","edu.field":"marketing"}}`,
		`{"answers":{"edu.certifications":["none","security"]}}`, `{"answers":{"edu.certifications":[]}}`,
		`{"answers":{"mkt.sem":"3"}}`, `{"answers":{"mkt.sem":3.0}}`, `{"answers":{"mkt.sem":[3]}}`,
		`{"Answers":{"mkt.sem":1},"PROFILE":"ecommerce-manager","extra":[{"answers":1}]}`,
		`{"answers":{"a":1},"answers":{"b":2}}`, `{"answers":[1]}`, `{"profile":5}`, `null`, `[]`,
		` { "answers" : { "mkt.sem" : 4 , "web.years" : "3-5" } } `,
	} {
		out = append(out, []byte(s))
	}
	return out
}

func TestParseJSON_MatchesParse(t *testing.T) {
	p := builtin(t)
	took := 0
	for _, data := range splitParseSeeds(t) {
		if checkSplitParse(t, p, data) {
			took++
		}
	}
	// The usual bodies take the fast path; the test is not vacuous.
	if took < 20 {
		t.Errorf("fast path took %d of the seeds", took)
	}
	for _, refused := range []string{`{"answers":{"a":1},"answers":{"b":2}}`, `{"answers":[1]}`, `{"profile":5}`, `null`, `[]`, `{"pro\u0066ile":"x"}`} {
		if _, _, ok := assessment.SplitSubmission([]byte(refused)); ok {
			t.Errorf("SplitSubmission took %s, which needs encoding/json", refused)
		}
	}
}

func FuzzParseJSON(f *testing.F) {
	for _, data := range splitParseSeeds(f) {
		f.Add(data)
	}
	p := builtin(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSplitParse(t, p, data)
	})
}
