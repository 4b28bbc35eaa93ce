package scoring_test

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/go-json-experiment/json"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/scoring"
)

// The struct tags define a result's JSON; AppendJSON is a faster way to
// write the same bytes. It must write exactly what json.Marshal writes.
func TestAppendJSON_WritesWhatTheTagsDefine(t *testing.T) {
	builtin, err := assessment.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	second, err := assessment.LoadDir(os.DirFS("../assessment/testdata"), "profiles")
	if err != nil {
		t.Fatal(err)
	}
	check := func(r scoring.Result) {
		t.Helper()
		want, err := json.Marshal(&r)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.AppendJSON(nil); string(got) != string(want) {
			t.Fatalf("AppendJSON differs from json.Marshal:\n got %s\nwant %s", got, want)
		}
	}
	rng := rand.New(rand.NewPCG(7, 11))
	for _, reg := range []*assessment.Registry{builtin, second} {
		for _, id := range reg.IDs() {
			p, _ := reg.Lookup(id)
			for range 200 {
				answers, problems := p.Parse(randomRaw(rng, p))
				if len(problems) > 0 {
					t.Fatalf("random answers invalid: %v", problems)
				}
				check(scoring.Score(p, answers))
			}
		}
	}
	// Empty lists, an answer of every kind, strings to escape, and numbers
	// at the edges of the two float forms.
	check(scoring.Result{})
	check(scoring.Result{
		Profile: scoring.ProfileRef{ID: `<"&\u2028>`, Version: "\x01\t\\é🎓"}, Overall: 1e-7, Band: "x",
		Warnings: []string{""},
		Dimensions: []scoring.DimensionResult{{Score: 1e21, Items: []scoring.Item{
			{Answer: assessment.Value{}, Lost: 1.5e-9},
			{Answer: assessment.Value{Type: assessment.TypeMulti}, Lost: 999999999999999999999},
			{Answer: assessment.Value{Type: assessment.TypeMulti, Options: []string{"a", `"b"`}}, Lost: -0.000001},
			{Answer: assessment.Value{Type: assessment.TypeRating, Rating: 4}, Lost: math.SmallestNonzeroFloat64},
			{Answer: assessment.Value{Type: assessment.TypeYears, Option: "6+"}, Lost: 0.1 + 0.2},
		}}},
		Steps: []scoring.StepResult{{Gain: 1.4210854715202004e-14, Required: true}},
	})
}

// BenchmarkResultJSONLibrary is json.Marshal's way, to compare with
// BenchmarkResultJSON.
func BenchmarkResultJSONLibrary(b *testing.B) {
	p := builtin(b)
	r := scoring.Score(p, sampleAnswers(b, p))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(&r); err != nil {
			b.Fatal(err)
		}
	}
}
