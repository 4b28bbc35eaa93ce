package scoring_test

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/scoring"
)

// AppendJSON must write exactly what encoding/json writes for a result.
func TestAppendJSON_MatchesEncodingJSON(t *testing.T) {
	profiles, err := assessment.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	second, err := assessment.LoadDir(os.DirFS("../assessment/testdata"), "profiles")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	check := func(r scoring.Result) {
		t.Helper()
		want, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.AppendJSON(nil); string(got) != string(want) {
			t.Fatalf("AppendJSON differs from encoding/json:\n got %s\nwant %s", got, want)
		}
	}
	for _, reg := range []*assessment.Registry{profiles, second} {
		for _, id := range reg.IDs() {
			p, _ := reg.Lookup(id)
			for i := 0; i < 300; i++ {
				answers, problems := p.Parse(randomRaw(rng, p))
				if len(problems) > 0 {
					t.Fatalf("random answers invalid: %v", problems)
				}
				check(scoring.Score(p, answers))
			}
		}
	}
	// Nil slices and awkward strings too.
	check(scoring.Result{Profile: scoring.ProfileRef{ID: `<"&\u2028>`, Version: "\x01"}, Overall: 1e-7})
}

func TestAnswersAppendJSON_MatchesEncodingJSON(t *testing.T) {
	p := builtin(t)
	rng := rand.New(rand.NewPCG(3, 5))
	for i := 0; i < 200; i++ {
		answers, _ := p.Parse(randomRaw(rng, p))
		want, err := json.Marshal(answers)
		if err != nil {
			t.Fatal(err)
		}
		if got := answers.AppendJSON(nil); string(got) != string(want) {
			t.Fatalf("got %s\nwant %s", got, want)
		}
	}
}
